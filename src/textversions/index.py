"""Stage 4 — an LSH index over window signatures, banded with numpy.

A signature of ``num_perm`` values is cut into ``bands`` bands of ``rows`` values;
two windows whose signatures agree on every value of at least one band land in
the same bucket. For windows of Jaccard similarity ``s`` that happens with
probability ``1 - (1 - s**rows) ** bands`` — an S-curve whose steep part sits at
the threshold. ``bands`` and ``rows`` are chosen by datasketch's own optimiser
(the one ``MinHashLSH`` uses), weighing false positives and false negatives
equally; the banding itself is a sort per band, far faster than a dict of
Python lists.

Buckets that hold very many documents are text that many share: a template
(mastheads, footers, boilerplate shared by thousands of pages) or one story
reprinted everywhere. Only documents made mostly of such text are linked through
them, member to the next rather than all-to-all: reprints end up connected, a
template joins nothing, and neither costs quadratic work.

>>> lsh_params(0.5, 64)
(14, 4)
"""

from __future__ import annotations

import functools
import json
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numba
import numpy as np
from datasketch.lsh import _optimal_param

from .errors import DuplicateId, InvalidIndex, InvalidInput
from .normalize import _fold_kernel, _tables, batch_codes, check_text, normalize
from .shingle import DEFAULT_SHINGLE, _rolling_hashes, shingle_hashes
from .sketch import DEFAULT_NUM_PERM, DEFAULT_SEED, _block_minima, permutations, window_minhashes

__all__ = [
    "lsh_params", "band_keys", "bucket_pairs", "Buckets",
    "document_keys", "sketch_keys", "sketch_keys_batch", "SketchIndex",
]  # fmt: skip

DEFAULT_WINDOW = 80
"""Shingles per sketched window."""
DEFAULT_THRESHOLD = 0.3
"""Window Jaccard similarity the LSH bands are tuned for."""

_FORMAT = "textversions-sketch-index"
_VERSION = 1


@functools.lru_cache(maxsize=64)
def lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """``(bands, rows)`` for a Jaccard ``threshold`` and ``num_perm`` permutations."""
    bands, rows = _optimal_param(threshold, num_perm, 0.5, 0.5)
    return int(bands), int(rows)


@numba.njit(cache=True, nogil=True)
def _band_keys(signatures, bands, rows):  # type: ignore[no-untyped-def]
    keys = np.empty((len(signatures), bands), dtype=np.uint64)
    for w in range(len(signatures)):
        for band in range(bands):
            key = np.uint64(0)
            for r in range(rows):
                key = (key ^ np.uint64(signatures[w, band * rows + r])) * np.uint64(0x100000001B3) + np.uint64(r + 1)
                key ^= key >> np.uint64(29)
            # Keys of different bands never meet: the band number is part of the key.
            keys[w, band] = key ^ (np.uint64(band) * np.uint64(0x9E3779B97F4A7C15))
    return keys


def band_keys(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """One 64-bit key per (window, band): an array ``(windows, bands)``."""
    return _band_keys(np.ascontiguousarray(signatures, dtype=np.uint32), bands, rows)


MAX_BUCKET = 16
"""A bucket of more documents than this is text many share (a template, a reprinted story)."""
SATURATED = 0.8
"""Share of a document's buckets that must be big for it to count as a reprint of a common story."""


def bucket_pairs(keys: Sequence[np.ndarray], *, max_bucket: int = MAX_BUCKET) -> dict[tuple[int, int], int]:
    """Pairs of documents sharing buckets, with the number of buckets they share.

    ``keys[n]`` holds document ``n``'s bucket keys; pairs are ``(low, high)``
    document numbers. :class:`Buckets` does the work (and says the rules); this
    is its answer as a dict.

    >>> bucket_pairs([np.array([1 << 40, 2 << 40], dtype=np.uint64), np.array([1 << 40], dtype=np.uint64)])
    {(0, 1): 1}
    """
    first, second, shared = Buckets.of(keys).pairs(max_bucket=max_bucket)
    return dict(zip(zip(first.tolist(), second.tolist()), shared.tolist()))


class Buckets:
    """The LSH bucket keys of a stream of documents, added a batch at a time, then paired.

    Pairing sorts ``(bucket, document)`` words one partition of the key space
    at a time, so memory holds the keys once plus one partition. A bucket of
    more than ``max_bucket`` documents is text that many share: it links each
    member to the next only, and only members made mostly of such text (reprints
    of one story), never documents that merely share a template (masthead,
    footer, boilerplate) around text of their own.

    Each (key, document) becomes one 64-bit word, the key's top bits above the
    document's number; dropping the key's low bits merges two buckets only by
    chance (about one in 2**40 for 100k documents).

    >>> buckets = Buckets()
    >>> buckets.add(np.array([2, 1]), np.array([1 << 40, 2 << 40, 1 << 40], dtype=np.uint64))
    >>> [a.tolist() for a in buckets.pairs()]
    [[0], [1], [1]]
    """

    PARTITION_BITS = 3

    def __init__(self) -> None:
        self._counts: list[np.ndarray] = []
        self._keys: list[np.ndarray] = []

    @classmethod
    def of(cls, keys: Sequence[np.ndarray]) -> Buckets:
        """Buckets holding ``keys[n]``, the keys of document ``n``."""
        buckets = cls()
        if len(keys):
            counts = np.array([len(k) for k in keys])
            buckets.add(counts, np.concatenate([np.asarray(k, dtype=np.uint64) for k in keys]))
        return buckets

    def __len__(self) -> int:
        return sum(len(counts) for counts in self._counts)

    def counts(self) -> np.ndarray:
        """How many keys each document has."""
        return np.concatenate(self._counts) if self._counts else np.zeros(0, dtype=np.int64)

    def add(self, counts: np.ndarray, keys: np.ndarray) -> None:
        """The keys of the next ``len(counts)`` documents, one document's after the other."""
        counts = np.asarray(counts, dtype=np.int64)
        if int(counts.sum()) != len(keys):
            raise InvalidInput(f"counts add up to {int(counts.sum())} keys, got {len(keys)}")
        self._counts.append(counts)
        self._keys.append(np.asarray(keys, dtype=np.uint64))

    def pairs(
        self, *, max_bucket: int = MAX_BUCKET, min_shared: int = 1, workers: int = 1
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(first, second, shared)``: document pairs ``first < second`` and the buckets they share, in order.

        Only pairs sharing at least ``min_shared`` buckets, or all the buckets the
        smaller of the two has. ``workers`` threads take the key-space partitions
        (compiled kernels that hold no GIL).
        """
        key_counts = self.counts()
        totals = np.maximum(1, key_counts)
        width = max(1, len(totals))
        bits = np.uint64(width.bit_length())
        shift = np.uint64(64 - self.PARTITION_BITS)
        sizes = sum(
            (np.bincount((keys >> shift).astype(np.intp), minlength=1 << self.PARTITION_BITS) for keys in self._keys),
            np.zeros(1 << self.PARTITION_BITS, dtype=np.int64),
        )

        def partition(part: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
            packed = np.empty(sizes[part], dtype=np.uint64)
            position, first = 0, 0
            for counts, keys in zip(self._counts, self._keys):
                position = _pack_partition(keys, counts, first, bits, shift, np.uint64(part), packed, position)
                first += len(counts)
            packed.sort()
            in_big = np.zeros(width, dtype=np.int64)
            codes, members, bucket_numbers = _bucket_codes(packed, bits, max_bucket, width, in_big)
            return codes, members, bucket_numbers + (part << 40), in_big

        with ThreadPoolExecutor(max(1, workers)) as pool:
            parts = list(pool.map(partition, range(1 << self.PARTITION_BITS)))
        codes = [part[0] for part in parts]
        in_big = sum((part[3] for part in parts), np.zeros(width, dtype=np.int64))
        # Documents mostly made of big buckets' text are copies of one widely reprinted story: chain them.
        members, buckets = np.concatenate([part[1] for part in parts]), np.concatenate([part[2] for part in parts])
        saturated = in_big[members] >= SATURATED * totals[members]
        members, buckets = members[saturated], buckets[saturated]
        link = buckets[1:] == buckets[:-1]
        codes.append(members[:-1][link] * width + members[1:][link])
        del parts
        all_codes = np.concatenate(codes)
        del codes
        all_codes.sort()
        return _counted_pairs(all_codes, width, key_counts, min_shared)


@numba.njit(cache=True, nogil=True)
def _counted_pairs(codes, width, key_counts, min_shared):  # type: ignore[no-untyped-def]
    """From sorted pair codes ``low * width + high``: the pairs that occur often enough, and how often."""
    kept = 0
    for sweep in range(2):
        if sweep == 1:
            first = np.empty(kept, dtype=np.int64)
            second = np.empty(kept, dtype=np.int64)
            shared = np.empty(kept, dtype=np.int64)
            kept = 0
        start = 0
        while start < len(codes):
            end = start + 1
            while end < len(codes) and codes[end] == codes[start]:
                end += 1
            low, high = codes[start] // width, codes[start] % width
            if end - start >= min(min_shared, key_counts[low], key_counts[high]):
                if sweep == 1:
                    first[kept], second[kept], shared[kept] = low, high, end - start
                kept += 1
            start = end
    return first, second, shared


@numba.njit(cache=True, nogil=True)
def _pack_partition(keys, counts, first, bits, shift, part, out, position):  # type: ignore[no-untyped-def]
    """Write ``(key's top bits | document number)`` for one batch's keys in partition ``part``; the next position."""
    k = 0
    for d in range(len(counts)):
        document = np.uint64(first + d)
        for _ in range(counts[d]):
            key = keys[k]
            k += 1
            if key >> shift == part:
                out[position] = ((key >> bits) << bits) | document
                position += 1
    return position


@numba.njit(cache=True, nogil=True)
def _bucket_codes(packed, bits, max_bucket, width, in_big):  # type: ignore[no-untyped-def]
    """Walk sorted ``(bucket | document)`` words: pair codes of small buckets, members of big ones.

    A document counts once per bucket. Codes are ``low * width + high``; a big
    bucket's members are listed with its ordinal and counted into ``in_big``.
    """
    low = (np.uint64(1) << bits) - np.uint64(1)
    n = len(packed)
    members = np.empty(n, dtype=np.int64)
    n_codes = 0
    n_big = 0
    for sweep in range(2):
        if sweep == 1:
            codes = np.empty(n_codes, dtype=np.int64)
            big_members = np.empty(n_big, dtype=np.int64)
            big_buckets = np.empty(n_big, dtype=np.int64)
            n_codes = 0
            n_big = 0
        start = 0
        ordinal = 0
        while start < n:
            bucket = packed[start] >> bits
            size = 0
            end = start
            while end < n and packed[end] >> bits == bucket:
                if end == start or packed[end] != packed[end - 1]:
                    members[size] = np.int64(packed[end] & low)
                    size += 1
                end += 1
            if 2 <= size <= max_bucket:
                if sweep == 1:
                    for x in range(size):
                        for y in range(x + 1, size):
                            codes[n_codes] = members[x] * width + members[y]
                            n_codes += 1
                else:
                    n_codes += size * (size - 1) // 2
            elif size > max_bucket:
                if sweep == 1:
                    for x in range(size):
                        big_members[n_big + x] = members[x]
                        big_buckets[n_big + x] = ordinal
                        in_big[members[x]] += 1
                n_big += size
                ordinal += 1
            start = end
    return codes, big_members, big_buckets


def document_keys(
    normalized: str, *, shingle: int, window: int, num_perm: int, threshold: float, seed: int
) -> np.ndarray:
    """The distinct LSH bucket keys of one normalized document's windows (sorted)."""
    bands, rows = lsh_params(threshold, num_perm)
    signatures = window_minhashes(shingle_hashes(normalized, shingle), window=window, num_perm=num_perm, seed=seed)
    if len(signatures) == 0:
        return np.zeros(0, dtype=np.uint64)
    keys = np.sort(band_keys(signatures, bands, rows).reshape(-1))
    return keys[np.r_[True, keys[1:] != keys[:-1]]]


def sketch_keys(
    text: str,
    *,
    shingle: int = DEFAULT_SHINGLE,
    window: int = DEFAULT_WINDOW,
    num_perm: int = DEFAULT_NUM_PERM,
    threshold: float = DEFAULT_THRESHOLD,
    seed: int = DEFAULT_SEED,
    fold_script: bool = True,
) -> np.ndarray:
    """The LSH bucket keys of one raw document (normalized, shingled, sketched by window)."""
    normalized = normalize(text, fold_script=fold_script).text
    return document_keys(normalized, shingle=shingle, window=window, num_perm=num_perm, threshold=threshold, seed=seed)


@numba.njit(cache=True, nogil=True)
def _key_rows(codes, starts, width, step, a, b, bands, rows, expand_length, expand_start, expand_data, layout, zero_width, spaceless, fold):  # type: ignore[no-untyped-def]  # noqa: E501
    """:func:`sketch_keys` for each document of a batch, in one call that holds no GIL: key counts, then all keys."""
    count = len(starts) - 1
    sizes = np.zeros(count, dtype=np.int64)
    found = [np.zeros(0, dtype=np.uint64) for _ in range(count)]
    for d in range(count):
        folded, _ = _fold_kernel(
            codes[starts[d] : starts[d + 1]], expand_length, expand_start, expand_data, layout, zero_width, spaceless, fold
        )
        if len(folded) == 0:
            continue
        blocks = _block_minima(_rolling_hashes(folded, min(width, len(folded))), step, a, b)
        windows = np.minimum(blocks[:-1], blocks[1:]) if len(blocks) > 1 else blocks
        keys = np.sort(_band_keys(windows, bands, rows).ravel())
        distinct = np.ones(len(keys), dtype=np.bool_)
        distinct[1:] = keys[1:] != keys[:-1]
        found[d] = keys[distinct]
        sizes[d] = len(found[d])
    out = np.empty(sizes.sum(), dtype=np.uint64)
    position = 0
    for d in range(count):
        out[position : position + sizes[d]] = found[d]
        position += sizes[d]
    return sizes, out


def sketch_keys_batch(
    texts: list[str],
    *,
    shingle: int = DEFAULT_SHINGLE,
    window: int = DEFAULT_WINDOW,
    num_perm: int = DEFAULT_NUM_PERM,
    threshold: float = DEFAULT_THRESHOLD,
    seed: int = DEFAULT_SEED,
    fold_script: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`sketch_keys` of many raw texts in one compiled call: ``(key counts, all keys one after the other)``.

    The same keys as ``sketch_keys`` text by text; the call holds no GIL, so
    threads running batches use every core.

    >>> counts, keys = sketch_keys_batch(["党组织就是主心骨" * 20, ""], window=16)
    >>> counts.tolist() == [len(sketch_keys("党组织就是主心骨" * 20, window=16)), 0]
    True
    """
    tables = _tables(fold_script)
    a, b = permutations(num_perm, seed)
    bands, rows = lsh_params(threshold, num_perm)
    codes, starts, needs_cluster = batch_codes(texts, fold_script)
    sizes, keys = _key_rows(
        codes, starts, shingle, max(1, window // 2), a, b, bands, rows, tables.expand_length, tables.expand_start,
        tables.expand_data, tables.layout, tables.zero_width, tables.spaceless, tables.fold,
    )  # fmt: skip
    if needs_cluster:
        per_text = np.split(keys, np.cumsum(sizes)[:-1])
        options = {"shingle": shingle, "window": window, "num_perm": num_perm, "threshold": threshold}
        for n in needs_cluster:
            per_text[n] = sketch_keys(texts[n], **options, seed=seed, fold_script=fold_script)
        sizes = np.array([len(k) for k in per_text], dtype=np.int64)
        keys = np.concatenate(per_text) if per_text else keys
    return sizes, keys


class SketchIndex:
    """Window sketches of a growing corpus: add documents, query texts, save, reopen, extend.

    Only sketches are kept (about ``bands`` keys of 8 bytes per window), never
    the texts. The file format is a NumPy ``.npz`` archive of plain arrays, read
    with ``allow_pickle=False``: opening a file executes nothing.

    >>> index = SketchIndex(window=16)
    >>> index.add({"web": "越是风急浪骤,越需中流砥柱。关键时刻,生死关头,党组织就是主心骨。"})
    >>> index.query("越是风急浪骤，越需中流砥柱。关键时刻，生死关头，党组织就是主心骨。")[0][0]
    'web'
    """

    def __init__(
        self,
        *,
        shingle: int = DEFAULT_SHINGLE,
        window: int = DEFAULT_WINDOW,
        num_perm: int = DEFAULT_NUM_PERM,
        threshold: float = DEFAULT_THRESHOLD,
        seed: int = DEFAULT_SEED,
        fold_script: bool = True,
    ) -> None:
        self.options = {
            "shingle": shingle,
            "window": window,
            "num_perm": num_perm,
            "threshold": threshold,
            "seed": seed,
            "fold_script": fold_script,
        }
        lsh_params(threshold, num_perm)  # fails early on impossible options
        self._ids: list[str] = []
        self._positions: dict[str, int] = {}
        self._key_chunks: list[np.ndarray] = []
        self._owner_chunks: list[np.ndarray] = []
        self._sorted: tuple[np.ndarray, np.ndarray] | None = None

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def ids(self) -> tuple[str, ...]:
        """Document ids in the order they were added."""
        return tuple(self._ids)

    def _keys(self, text: str) -> np.ndarray:
        return sketch_keys(text, **self.options)  # type: ignore[arg-type]

    def add(self, docs: Mapping[str, str] | Iterable[tuple[str, str]]) -> None:
        """Add documents (a mapping id → text or ``(id, text)`` pairs); ids must be new."""
        items = docs.items() if isinstance(docs, Mapping) else docs
        for doc_id, text in items:
            if not isinstance(doc_id, str):
                raise InvalidInput(f"id must be str, got {type(doc_id).__name__}")
            check_text(text, f"document {doc_id!r}")
            if doc_id in self._positions:
                raise DuplicateId(f"document id {doc_id!r} is already in the index")
            keys = self._keys(text)
            self._positions[doc_id] = len(self._ids)
            self._ids.append(doc_id)
            self._key_chunks.append(keys)
            self._owner_chunks.append(np.full(len(keys), self._positions[doc_id], dtype=np.int64))
            self._sorted = None

    def _lookup(self) -> tuple[np.ndarray, np.ndarray]:
        if self._sorted is None:
            keys = np.concatenate(self._key_chunks) if self._key_chunks else np.zeros(0, dtype=np.uint64)
            owners = np.concatenate(self._owner_chunks) if self._owner_chunks else np.zeros(0, dtype=np.int64)
            order = np.lexsort((owners, keys))
            self._key_chunks, self._owner_chunks = [keys[order]], [owners[order]]
            self._sorted = (keys[order], owners[order])
        return self._sorted

    def query(self, text: str) -> list[tuple[str, int]]:
        """Indexed documents sharing a bucket with ``text``: ``(id, shared buckets)``, most first."""
        check_text(text, "query")
        keys, owners = self._lookup()
        wanted = self._keys(text)
        left = np.searchsorted(keys, wanted, "left")
        right = np.searchsorted(keys, wanted, "right")
        hits: dict[int, int] = {}
        for lo, hi in zip(left.tolist(), right.tolist()):
            for owner in owners[lo:hi].tolist():
                hits[owner] = hits.get(owner, 0) + 1
        return [(self._ids[o], n) for o, n in sorted(hits.items(), key=lambda item: (-item[1], item[0]))]

    def save(self, path: str | Path) -> None:
        """Write the index to ``path`` (a ``.npz`` file of plain arrays)."""
        keys, owners = self._lookup()
        header = json.dumps({"format": _FORMAT, "version": _VERSION, "options": self.options}).encode("utf-8")
        ids = json.dumps(self._ids, ensure_ascii=False).encode("utf-8")
        with Path(path).open("wb") as stream:
            np.savez_compressed(
                stream,
                header=np.frombuffer(header, dtype=np.uint8),
                ids=np.frombuffer(ids, dtype=np.uint8),
                keys=keys,
                owners=owners,
            )

    @classmethod
    def load(cls, path: str | Path) -> SketchIndex:
        """Reopen a saved index; a corrupt or foreign file is an :class:`InvalidIndex` error."""
        try:
            with np.load(Path(path), allow_pickle=False) as archive:
                header = json.loads(archive["header"].tobytes().decode("utf-8"))
                ids = json.loads(archive["ids"].tobytes().decode("utf-8"))
                keys = archive["keys"]
                owners = archive["owners"]
        except FileNotFoundError as error:
            raise InvalidIndex(f"{path}: no such file") from error
        except (OSError, ValueError, KeyError, EOFError, UnicodeDecodeError, zipfile.BadZipFile) as error:
            raise InvalidIndex(f"{path}: not a textversions index ({type(error).__name__}: {error})") from error
        if not isinstance(header, dict) or header.get("format") != _FORMAT:
            raise InvalidIndex(f"{path}: not a textversions index (no {_FORMAT!r} header)")
        if header.get("version") != _VERSION:
            raise InvalidIndex(f"{path}: index format version {header.get('version')!r}, this textversions reads {_VERSION}")
        if keys.dtype != np.uint64 or owners.dtype != np.int64 or keys.shape != owners.shape:
            raise InvalidIndex(f"{path}: corrupt index (key arrays of the wrong type or shape)")
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids) or len(set(ids)) != len(ids):
            raise InvalidIndex(f"{path}: corrupt index (document ids)")
        if len(owners) and (owners.min() < 0 or owners.max() >= len(ids)):
            raise InvalidIndex(f"{path}: corrupt index (key owners out of range)")
        try:
            index = cls(**header["options"])
        except (TypeError, InvalidInput) as error:
            raise InvalidIndex(f"{path}: corrupt index options ({error})") from error
        index._ids = ids
        index._positions = {doc_id: n for n, doc_id in enumerate(ids)}
        index._key_chunks, index._owner_chunks = [keys], [owners]
        index._sorted = None
        return index
