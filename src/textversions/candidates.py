"""Stage 5 — candidate pairs: documents that may share text, from their windows' bucket keys.

Two documents become candidates when their windows share LSH buckets
(:mod:`textversions.sketch`), so the sketches surface near-duplicates (every
window collides), an article inside a page (the article's windows collide with
one block of the page's) and passages shared by different stories (a few
windows collide) — all three in one pass. The rules:

* a pair must share ``MIN_SHARED_BUCKETS`` buckets (one is chance, a shared
  passage fills several), or every bucket the smaller document has — or, when the
  smaller document is one window (fewer buckets than ``ONE_WINDOW_KEYS`` times the
  bands: its bands and a few figure and name keys; two windows have nearly twice the
  bands), ``ONE_WINDOW_SHARED``: its bands are all the evidence a short text has, and a
  short version written anew (another script, new punctuation) keeps fewer of them than
  a long text's windows do (:func:`needed_buckets`);
* a bucket of more than ``MAX_BUCKET`` documents is text that many share (a
  template, masthead, footer, or one story reprinted everywhere): it links each
  member to the next only, and only members made mostly of such text
  (``SATURATED``): reprints end up connected, a template joins nothing, and
  neither costs quadratic work.

Candidates are only candidates: :func:`shares_passage` then checks, exactly,
that a pair shares shingles densely enough somewhere to hold a passage; only
the survivors go to alignment.

>>> from textversions.options import Options
>>> from textversions.shingle import prepare
>>> from textversions.sketch import sketch_keys
>>> options = Options(window=16, min_passage=20)
>>> texts = ["越是风急浪骤越需中流砥柱关键时刻生死关头党组织就是主心骨" * 2,
...          "越是风急浪骤越需中流砥柱关键时刻生死关头党组织就是主心骨", "天气晴朗"]
>>> sorted(candidate_pairs([sketch_keys(text, options) for text in texts], options))
[(0, 1)]
>>> shares_passage(prepare(texts[0], options), prepare(texts[1], options), min_passage=20)
True
>>> needed_buckets(500, 40, 12), needed_buckets(500, 12, 12), needed_buckets(500, 17, 12), needed_buckets(500, 2, 12)
(3, 2, 2, 2)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np

from .errors import InvalidInput
from .options import Options
from .shingle import Prepared, distinct
from .sketch import lsh_params

__all__ = [
    "Buckets", "candidate_pairs", "needed_buckets", "enough_shared", "passage_density", "shares_passage", "MAX_BUCKET", "SATURATED",
    "MIN_SHARED_BUCKETS", "ONE_WINDOW_SHARED", "ONE_WINDOW_KEYS",
    "partition_pairs", "big_bucket_counts", "chained_pairs", "always_needed", "summed",
]  # fmt: skip

MIN_SHARED_BUCKETS = 3
"""Buckets two documents must share to be candidates: one is chance, a shared passage fills several."""

ONE_WINDOW_SHARED = 2
"""Buckets two documents must share when the smaller is one window: two of its bands, not chance in one."""

ONE_WINDOW_KEYS = 1.5
"""A document of fewer keys than this many times a window's bands is one window: its bands, and a few figure and
name keys beside them (two windows, half of each other's text, keep about 1.9 times the bands)."""


@numba.njit(cache=True, nogil=True)
def needed_buckets(keys_a: int, keys_b: int, bands: int) -> int:
    """Buckets two documents with ``keys_a`` and ``keys_b`` distinct keys must share to be candidates, ``bands``
    being a window's LSH bands (an example in the module's docstring: compiled, this has no doctest of its own)."""
    smaller = min(keys_a, keys_b)
    return min(MIN_SHARED_BUCKETS, smaller, ONE_WINDOW_SHARED if smaller < ONE_WINDOW_KEYS * bands else MIN_SHARED_BUCKETS)


@numba.njit(cache=True, nogil=True)
def enough_shared(shared: np.ndarray, keys_a: np.ndarray, keys_b: np.ndarray, bands: int) -> np.ndarray:  # pragma: no cover - compiled
    """Which pairs share as many buckets as :func:`needed_buckets` asks: ``shared[n]`` buckets between documents of
    ``keys_a[n]`` and ``keys_b[n]`` keys (one call for the pairs of a batch, not one a pair)."""
    out = np.empty(len(shared), dtype=np.bool_)
    for n in range(len(shared)):
        out[n] = shared[n] >= needed_buckets(keys_a[n], keys_b[n], bands)
    return out


MAX_BUCKET = 16
"""A bucket of more documents than this is text many share (a template, a reprinted story)."""
SATURATED = 0.8
"""Share of a document's buckets that must be big for it to count as a reprint of a common story."""


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
    >>> [a.tolist() for a in buckets.pairs(bands=12)]
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

    def pairs(self, *, bands: int, max_bucket: int = MAX_BUCKET, workers: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(first, second, shared)``: document pairs ``first < second`` and the buckets they share, in order.

        Only pairs sharing as many buckets as :func:`needed_buckets` asks (``bands``: of
        a window, by the options the keys were made with). ``workers`` threads take the
        key-space partitions (compiled kernels that hold no GIL).
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

        def packed(part: int) -> np.ndarray:
            """The sorted ``(bucket | document)`` words of one partition of the key space."""
            words = np.empty(sizes[part], dtype=np.uint64)
            position, first = 0, 0
            for counts, keys in zip(self._counts, self._keys):
                position = _pack_partition(keys, counts, first, bits, shift, np.uint64(part), words, position)
                first += len(counts)
            words.sort()
            return words

        def small_buckets(part: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            in_big = np.zeros(width, dtype=np.int64)
            codes = _bucket_codes(packed(part), bits, max_bucket, width, in_big, _NO_DOCUMENTS)
            return (*_runs(codes), in_big)

        parts = range(1 << self.PARTITION_BITS)
        with ThreadPoolExecutor(max(1, workers)) as pool:
            found = list(pool.map(small_buckets, parts))
            in_big = sum((part[2] for part in found), np.zeros(width, dtype=np.int64))
            # Documents mostly made of big buckets' text are copies of one widely reprinted story: chain them.
            saturated = in_big >= SATURATED * totals
            if saturated.any():
                found += pool.map(lambda part: _runs(_bucket_codes(packed(part), bits, max_bucket, width, in_big, saturated)), parts)
        codes = np.concatenate([part[0] for part in found])
        shared = np.concatenate([part[1] for part in found])
        del found
        order = np.argsort(codes, kind="stable")
        return _counted_pairs(codes[order], shared[order], width, key_counts, bands)


_NO_DOCUMENTS = np.zeros(0, dtype=np.bool_)
_NO_COUNTS = np.zeros(0, dtype=np.int64)


def _runs(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of ``codes`` and how often each occurs (a sort, then run lengths)."""
    codes = np.sort(codes)
    if not len(codes):
        return codes, np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    return codes[starts], np.diff(np.r_[starts, len(codes)])


@numba.njit(cache=True, nogil=True)
def _counted_pairs(codes, counts, width, key_counts, bands):  # type: ignore[no-untyped-def]
    """From sorted pair codes ``low * width + high`` with counts (a code may repeat): the pairs that
    occur often enough (:func:`needed_buckets`), and how often."""
    kept = 0
    for sweep in range(2):
        if sweep == 1:
            first = np.empty(kept, dtype=np.int64)
            second = np.empty(kept, dtype=np.int64)
            shared = np.empty(kept, dtype=np.int64)
            kept = 0
        start = 0
        while start < len(codes):
            end = start
            total = 0
            while end < len(codes) and codes[end] == codes[start]:
                total += counts[end]
                end += 1
            low, high = codes[start] // width, codes[start] % width
            if total >= needed_buckets(key_counts[low], key_counts[high], bands):
                if sweep == 1:
                    first[kept], second[kept], shared[kept] = low, high, total
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
def _bucket_members(packed, start, bits, members):  # type: ignore[no-untyped-def]
    """The documents of the bucket whose words start at ``start`` (each once): ``(count, end)``."""
    low = (np.uint64(1) << bits) - np.uint64(1)
    bucket = packed[start] >> bits
    size = 0
    end = start
    while end < len(packed) and packed[end] >> bits == bucket:
        if end == start or packed[end] != packed[end - 1]:
            members[size] = np.int64(packed[end] & low)
            size += 1
        end += 1
    return size, end


@numba.njit(cache=True, nogil=True)
def _bucket_codes(packed, bits, max_bucket, width, in_big, saturated):  # type: ignore[no-untyped-def]
    """Walk sorted ``(bucket | document)`` words and list pair codes ``low * width + high``.

    First pass (``saturated`` empty): every pair of every small bucket, and each big
    bucket's members counted into ``in_big``. Second pass: in each big bucket, each
    saturated member linked to the next saturated one. Counted, then filled.
    """
    members = np.empty(len(packed), dtype=np.int64)
    chaining = len(saturated) > 0
    n_codes = 0
    for sweep in range(2):
        if sweep == 1:
            codes = np.empty(n_codes, dtype=np.int64)
            n_codes = 0
        start = 0
        while start < len(packed):
            size, start = _bucket_members(packed, start, bits, members)
            if size > max_bucket and chaining:
                previous = -1
                for x in range(size):
                    if saturated[members[x]]:
                        if previous >= 0:
                            if sweep == 1:
                                codes[n_codes] = previous * width + members[x]
                            n_codes += 1
                        previous = members[x]
            elif size > max_bucket:
                if sweep == 0:
                    for x in range(size):
                        in_big[members[x]] += 1
            elif size >= 2 and not chaining:
                for x in range(size):
                    for y in range(x + 1, size):
                        if sweep == 1:
                            codes[n_codes] = members[x] * width + members[y]
                        n_codes += 1
    return codes


def always_needed(bands: int) -> int:
    """Fewest keys a document has for :func:`needed_buckets` to ask ``MIN_SHARED_BUCKETS`` of every pair it is in:
    a pair sharing fewer buckets is a candidate only if one of its documents has fewer keys than this.

    >>> always_needed(12), all(needed_buckets(k, k, 12) == MIN_SHARED_BUCKETS for k in range(18, 99))
    (18, True)
    """
    return max(MIN_SHARED_BUCKETS, math.ceil(ONE_WINDOW_KEYS * bands))


def summed(codes: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct ``codes``, sorted, and the sum of the ``counts`` of each (pair codes from many partitions).

    >>> [a.tolist() for a in summed(np.array([5, 2, 5]), np.array([1, 2, 3]))]
    [[2, 5], [2, 4]]
    """
    order = np.argsort(codes, kind="stable")
    codes, counts = codes[order], counts[order]
    if not len(codes):
        return codes, counts
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    return codes[starts], np.add.reduceat(counts, starts)


def partition_pairs(words: np.ndarray, bits: int, width: int, max_bucket: int = MAX_BUCKET) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One key-space partition's ``(bucket | document)`` words, as :class:`Buckets` packs them (any order, repeats
    allowed): ``(codes, shared, big)`` — the pair codes ``low * width + high`` of its buckets of 2 to ``max_bucket``
    documents with how many of them each pair shares, and the sorted, distinct words of its bigger buckets (for
    :func:`chained_pairs`, once it is known which documents are made mostly of such text). What a distributed engine
    runs on each partition, holding no array as long as the corpus.

    >>> words = np.array([(1 << 8) | 0, (1 << 8) | 2, (2 << 8) | 0, (2 << 8) | 2, (2 << 8) | 2], dtype=np.uint64)
    >>> [a.tolist() for a in partition_pairs(words, bits=8, width=3)], [len(a) for a in partition_pairs(words[:0], 8, 3)]
    ([[2], [2], []], [0, 0, 0])
    """
    words = distinct(np.asarray(words, dtype=np.uint64))
    if not len(words):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), words
    bounds = np.flatnonzero(np.r_[True, (words[1:] >> np.uint64(bits)) != (words[:-1] >> np.uint64(bits)), True])
    size = np.repeat(np.diff(bounds), np.diff(bounds))
    small = words[(size >= 2) & (size <= max_bucket)]
    codes, shared = _runs(_bucket_codes(small, np.uint64(bits), max_bucket, width, _NO_COUNTS, _NO_DOCUMENTS))
    return codes, shared, words[size > max_bucket]


def big_bucket_counts(big: np.ndarray, bits: int) -> tuple[np.ndarray, np.ndarray]:
    """``(documents, counts)``: how many of the big buckets in ``big`` (words as :func:`partition_pairs` gives them)
    each document is in — summed over partitions, what decides which documents are chained.

    >>> [a.tolist() for a in big_bucket_counts(np.array([(7 << 8) | 1, (7 << 8) | 2, (9 << 8) | 1], dtype=np.uint64), bits=8)]
    [[1, 2], [2, 1]]
    """
    return _runs((big & np.uint64((1 << bits) - 1)).astype(np.int64))


def chained_pairs(big: np.ndarray, bits: int, width: int, saturated: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(codes, shared)``: in each big bucket of ``big`` (sorted words, as :func:`partition_pairs` gives them), each
    member of ``saturated`` (sorted document numbers) linked to the next, as :class:`Buckets` chains reprints.

    >>> big = np.array([(7 << 8) | d for d in range(5)] + [(9 << 8) | 1, (9 << 8) | 3], dtype=np.uint64)
    >>> [a.tolist() for a in chained_pairs(big, bits=8, width=5, saturated=np.array([1, 3, 4]))]  # 1-3 twice, 3-4
    [[8, 19], [2, 1]]
    """
    documents = (big & np.uint64((1 << bits) - 1)).astype(np.int64)
    kept = np.isin(documents, saturated)
    big, documents = big[kept], documents[kept]
    linked = (big[1:] >> np.uint64(bits)) == (big[:-1] >> np.uint64(bits))
    return _runs(documents[:-1][linked] * width + documents[1:][linked])


def candidate_pairs(
    keys: Sequence[np.ndarray] | Buckets, options: Options, *, max_bucket: int = MAX_BUCKET, workers: int = 1
) -> dict[tuple[int, int], int]:
    """Pairs ``(i, j)``, ``i < j``, of documents whose windows share buckets, with how many they share.

    ``keys`` is each document's bucket keys, or a :class:`Buckets` holding them, made with ``options`` (whose
    LSH bands :func:`needed_buckets` reads);
    ``workers`` threads share the pairing.
    """
    if not isinstance(keys, Buckets):
        keys = Buckets.of(keys)
    bands = lsh_params(options.threshold, options.num_perm)[0]
    first, second, shared = keys.pairs(max_bucket=max_bucket, bands=bands, workers=workers)
    return dict(zip(zip(first.tolist(), second.tolist()), shared.tolist()))


_DENSITY = 0.25


def shares_passage(a: Prepared, b: Prepared, *, min_passage: int) -> bool:
    """Exactly: do two prepared texts share shingles densely somewhere, as a shared passage does?

    Shared shingles of unrelated texts are scattered (common phrases); a version,
    a page holding an article, or a reused passage shares them close together:
    at least a quarter of the shingles of some stretch of ``min_passage``
    characters (edits every few characters still leave that much).
    """
    densest, needed = passage_density(a, b, min_passage=min_passage)
    return densest >= needed


def passage_density(a: Prepared, b: Prepared, *, min_passage: int) -> tuple[int, int]:
    """``(densest, needed)``: the most shingles of the shorter text that any stretch of ``min_passage``
    characters shares with the longer one, and how many :func:`shares_passage` asks for."""
    if len(a.hashes) == 0 or len(b.hashes) == 0:
        return 0, 1
    shorter, longer = (b, a) if len(b.hashes) < len(a.hashes) else (a, b)
    shared = longer.hash_set.contains(shorter.hashes).astype(np.int64)
    span = min(len(shorter.hashes), max(1, min_passage - shorter.shingle + 1))
    counts = np.cumsum(np.r_[0, shared])
    return int((counts[span:] - counts[:-span]).max()), max(1, int(_DENSITY * span))
