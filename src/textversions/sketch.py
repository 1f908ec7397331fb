"""Stage 3 — MinHash sketches of whole documents and of their windows, and their LSH band keys.

Signatures are exactly those of ``datasketch.MinHash(num_perm, seed,
hashfunc=shingle_hash)`` (datasketch 2's default ``affine32`` scheme: a
MurmurHash3 finalizer, then ``a*h + b mod 2**32``), so they can be handed to any
datasketch index. A numba kernel computes them: one pass over the shingles,
the permutations in the inner loop (vectorized by LLVM), no temporary arrays,
and no GIL held.

A document-level sketch cannot see an article inside a page ten times its size
(Jaccard 0.24 for the seed pair), so documents are also sketched in overlapping
*windows* of shingles: a window of the article and the matching window of the
page are near-identical even when the documents as wholes are not.

Each window's signature is then cut into ``bands`` bands of ``rows`` values and
each band hashed to one 64-bit *bucket key*: two windows whose signatures agree
on a whole band share that key. For windows of Jaccard similarity ``s`` that
happens with probability ``1 - (1 - s**rows) ** bands`` — an S-curve whose steep
part sits at the threshold. ``bands`` and ``rows`` are chosen by datasketch's own
optimiser (the one ``MinHashLSH`` uses), weighing false positives and false
negatives equally. With ``Options.figures`` each figure a text prints (three
digits or more: 110,552, 44.3) is a key of its own beside the band keys
(:func:`figure_keys`): a rewritten story keeps its figures when its phrases change.
With ``Options.names`` each name an alphabetic text writes (two capitalized words
or more: West Virginia Power), and its heading, is a key too (:func:`name_keys`): it
keeps its names and its heading; with ``Options.headings`` a text sketched by
characters keys its heading (:func:`heading_keys`): a page's other edition and a
story's other scrape keep their title when their sentences change.
:func:`sketch_keys_batch` runs normalize → shingle → MinHash → band keys (and
figure keys) for a batch of raw texts in one compiled call, and adds the names and headings.

>>> from textversions.shingle import shingle_hashes
>>> sig = minhash(shingle_hashes("把最美的身影留在战疫最前线"), num_perm=8)
>>> sig.dtype, sig.shape
(dtype('uint32'), (8,))
>>> lsh_params(0.5, 64)
(14, 4)
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np
from datasketch.lsh import _optimal_param

from .normalize import _fold_kernel, _tables, batch_codes, letter_classes
from .options import DEFAULT_NUM_PERM, DEFAULT_SEED, Options
from .shingle import Prepared, _by_words, _unit_hashes, distinct, prepare
from .subjects import written_heading, written_names

__all__ = [
    "minhash", "signatures", "window_minhashes", "permutations", "lsh_params", "band_keys",
    "window_keys", "figure_keys", "name_keys", "heading_keys", "extra_keys", "document_keys", "sketch_keys", "sketch_keys_batch", "FIGURE_DIGITS",
]  # fmt: skip

_EMPTY = np.uint32(0xFFFFFFFF)


@functools.lru_cache(maxsize=16)
def permutations(num_perm: int, seed: int = DEFAULT_SEED) -> tuple[np.ndarray, np.ndarray]:
    """The ``(a, b)`` parameters datasketch draws for ``MinHash(num_perm, seed)``."""
    generator = np.random.RandomState(seed)
    a = generator.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    a.setflags(write=False)
    b.setflags(write=False)
    return a, b


@numba.njit(cache=True, nogil=True)
def _block_minima(hashes, step, a, b):  # type: ignore[no-untyped-def]
    """Per block of ``step`` shingles, the minimum of ``a * fmix32(h) + b`` (mod 2**32) per permutation."""
    num_perm = len(a)
    blocks = np.full(((len(hashes) + step - 1) // step, num_perm), 0xFFFFFFFF, dtype=np.uint32)
    mask = np.uint64(0xFFFFFFFF)
    for i in range(len(hashes)):
        h = np.uint64(hashes[i])
        h ^= h >> np.uint64(16)
        h = (h * np.uint64(0x85EBCA6B)) & mask
        h ^= h >> np.uint64(13)
        h = (h * np.uint64(0xC2B2AE35)) & mask
        h ^= h >> np.uint64(16)
        row = blocks[i // step]
        for p in range(num_perm):
            value = np.uint32((h * np.uint64(a[p]) + np.uint64(b[p])) & mask)
            if value < row[p]:
                row[p] = value
    return blocks


def minhash(hashes: np.ndarray, *, num_perm: int = DEFAULT_NUM_PERM, seed: int = DEFAULT_SEED) -> np.ndarray:
    """MinHash signature of a set of 32-bit shingle hashes (all ``0xFFFFFFFF`` if empty)."""
    if len(hashes) == 0:
        return np.full(num_perm, _EMPTY, dtype=np.uint32)
    a, b = permutations(num_perm, seed)
    return _block_minima(hashes.astype(np.uint32, copy=False), len(hashes), a, b)[0]


def window_minhashes(
    hashes: np.ndarray,
    *,
    window: int,
    num_perm: int = DEFAULT_NUM_PERM,
    seed: int = DEFAULT_SEED,
) -> np.ndarray:
    """Signatures of windows of ``2 * step`` consecutive shingles, ``step = window // 2`` apart.

    Returns an array ``(windows, num_perm)``; a document shorter than one window
    has one window (itself), an empty one none. Window ``k`` covers shingles
    ``[k * step, (k + 2) * step)``.
    """
    if len(hashes) == 0:
        return np.zeros((0, num_perm), dtype=np.uint32)
    a, b = permutations(num_perm, seed)
    blocks = _block_minima(hashes.astype(np.uint32, copy=False), max(1, window // 2), a, b)
    if len(blocks) == 1:
        return blocks
    return np.minimum(blocks[:-1], blocks[1:])


@numba.njit(cache=True, nogil=True)
def _signature_rows(codes, starts, width, classes, words, a, b, expand_length, expand_start, expand_data, layout, zero_width, spaceless, fold):  # type: ignore[no-untyped-def]  # noqa: E501
    """normalize → shingle hashes → MinHash for each document of a batch, in one call that holds no GIL."""
    out = np.full((len(starts) - 1, len(a)), 0xFFFFFFFF, dtype=np.uint32)
    for d in range(len(starts) - 1):
        folded, _ = _fold_kernel(
            codes[starts[d] : starts[d + 1]], expand_length, expand_start, expand_data, layout, zero_width, spaceless, fold
        )
        if len(folded):
            hashes = _unit_hashes(folded, width, classes, words and _by_words(folded, classes))
            out[d] = _block_minima(hashes, len(hashes), a, b)[0]
    return out


_BATCH = 64


def _signature_batch(texts: list[str], options: Options) -> np.ndarray:
    tables = _tables(options.fold_script)
    a, b = permutations(options.num_perm, options.seed)
    codes, starts, needs_cluster = batch_codes(texts, options.fold_script)
    rows = _signature_rows(
        codes, starts, options.shingle, letter_classes(options.fold_punctuation), options.word_shingles, a, b, tables.expand_length, tables.expand_start, tables.expand_data,
        tables.layout, tables.zero_width, tables.spaceless, tables.fold,
    )  # fmt: skip
    for n in needs_cluster:
        rows[n] = minhash(prepare(texts[n], options).sketch_hashes, num_perm=options.num_perm, seed=options.seed)
    return rows


def signatures(texts: Sequence[str], options: Options | None = None, *, workers: int = 1) -> np.ndarray:
    """MinHash signatures of raw texts, one row each: normalize, shingle and sketch in one compiled pass.

    Row ``n`` is ``minhash(sketch_hashes(normalize(texts[n]).text, shingle))`` —
    so it equals datasketch's ``MinHash(num_perm, seed, hashfunc=shingle_hash)``
    over ``sketch_shingles`` of that text. ``workers`` threads share the batches (the kernel holds
    no GIL).

    >>> rows = signatures(["奮戰在一線", "奋战在一线"], Options(num_perm=4))
    >>> rows.shape, bool((rows[0] == rows[1]).all())
    ((2, 4), True)
    """
    options = options or Options()
    batches = [list(texts[start : start + _BATCH]) for start in range(0, len(texts), _BATCH)]
    if not batches:
        return np.zeros((0, options.num_perm), dtype=np.uint32)

    def run(batch: list[str]) -> np.ndarray:
        return _signature_batch(batch, options)

    if workers == 1:
        return np.concatenate([run(batch) for batch in batches])
    with ThreadPoolExecutor(workers) as pool:
        return np.concatenate(list(pool.map(run, batches)))


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


def window_keys(doc: Prepared, options: Options) -> np.ndarray:
    """The LSH bucket keys of each window of a prepared document: an array ``(windows, bands)`` (windows of
    ``options.word_window`` word shingles where it is sketched by words, else of ``options.window``)."""
    bands, rows = lsh_params(options.threshold, options.num_perm)
    window = options.word_window if doc.sketched_by_words else options.window
    signatures = window_minhashes(doc.sketch_hashes, window=window, num_perm=options.num_perm, seed=options.seed)
    return band_keys(signatures, bands, rows) if len(signatures) else np.zeros((0, bands), dtype=np.uint64)


def figure_keys(doc: Prepared) -> np.ndarray:
    """One key for each figure the normalized text prints (:data:`FIGURE_DIGITS` digits or more), repeats kept.

    >>> from textversions.shingle import prepare
    >>> len(figure_keys(prepare("Output was 110,552 units vs 123,092; 14 cts", Options())))
    2
    """
    return _figure_keys(doc.codes)


def name_keys(original: str) -> np.ndarray:
    """One key for each name an alphabetic original writes (:func:`~textversions.subjects.written_names`), and one for
    its heading (:func:`~textversions.subjects.written_heading`): a rewritten story keeps the names of whom it is
    about, and a page its heading, when their phrases change. A name or a heading many documents write (New York,
    a daily report's headline) makes a bucket too big to pair anything.

    >>> len(name_keys("It bought West Virginia Power from Dominion Resources Inc for 21 mln dlrs.")), len(name_keys("# tar\\n\\nArchive."))
    (2, 1)
    """
    return _hashed(_named(original))


def heading_keys(original: str) -> np.ndarray:
    """The key of a text's heading alone (:func:`~textversions.subjects.written_heading`), for a text sketched by
    characters: a page's other edition, or a story's other scrape, keeps its title when its sentences change.

    >>> len(heading_keys("# tar\\n\\n归档文件。")), len(heading_keys("一行而已"))
    (1, 0)
    """
    return _hashed(_heading(original))


def _named(original: str) -> list[str]:
    return [*written_names(original), *_heading(original)]


def _keyed_names(original: str, by_words: bool, options: Options) -> list[str]:
    """What of a text is keyed beside its windows and figures: names and heading where it is sketched by words (with
    ``options.names``), its heading where by characters (with ``options.headings``)."""
    if by_words:
        return _named(original) if options.names else []
    return _heading(original) if options.headings else []


def _heading(original: str) -> list[str]:
    heading = written_heading(original)
    return [f"\x00{heading}"] if heading else []  # (a heading never meets a name)


def _hashed(names: list[str]) -> np.ndarray:
    return np.array(_key_ints(names), dtype=np.uint64) ^ _NAME_SALT


def _key_ints(names: list[str]) -> list[int]:
    return [int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "little") for name in names]


def extra_keys(doc: Prepared, options: Options) -> tuple[np.ndarray, np.ndarray]:
    """The keys of a prepared document beside its windows': its figures' (with ``options.figures``) and its names'
    and heading's (with ``options.names``, where it is sketched by words) or its heading's (with
    ``options.headings``, where it is sketched by characters); empty where an option is off."""
    figures = figure_keys(doc) if options.figures else np.zeros(0, dtype=np.uint64)
    return figures, _hashed(_keyed_names(doc.normalized.original, doc.sketched_by_words, options))


def document_keys(
    doc: Prepared, options: Options, windows: np.ndarray | None = None, extras: tuple[np.ndarray, np.ndarray] | None = None
) -> np.ndarray:
    """The distinct keys (sorted) of one prepared document: its windows' LSH bucket keys and its :func:`extra_keys`
    (``windows``, ``extras``: when the caller has them at hand)."""
    windows = window_keys(doc, options) if windows is None else windows
    return distinct(np.concatenate([windows.reshape(-1), *(extra_keys(doc, options) if extras is None else extras)]))


def sketch_keys(text: str, options: Options | None = None) -> np.ndarray:
    """The keys of one raw document (normalized, shingled, sketched by window; its figures)."""
    options = options or Options()
    return document_keys(prepare(text, options), options)


FIGURE_DIGITS = 3
"""Digits a number needs to be a figure with a key of its own (110,552; 44.3; 1987): versions of a news story
keep their figures when they are rewritten, and a rewrite of a short notice may share too few word shingles to
meet its first. A figure many documents print (a year) makes a bucket too big to pair anything."""
_FIGURE_SALT = np.uint64(0x6A09E667F3BCC909)
"""Mixed into every figure key: figure keys and band keys never meet but by chance."""
_NAME_SALT = np.uint64(0xBB67AE8584CAA73B)
"""Mixed into every name key, as :data:`_FIGURE_SALT` into figure keys."""


@numba.njit(cache=True, nogil=True)
def _grouped(codes, i):  # type: ignore[no-untyped-def]
    """Do exactly three digits start at ``i`` (a thousands group after a comma, not a list: ``5,10,15``)?"""
    if i + 3 > len(codes) or (i + 3 < len(codes) and 48 <= codes[i + 3] <= 57):
        return False
    for k in range(i, i + 3):
        if not 48 <= codes[k] <= 57:
            return False
    return True


@numba.njit(cache=True, nogil=True)
def _figure_keys(codes):  # type: ignore[no-untyped-def]
    """A key for each run of digits, in thousands groups after commas or with a decimal point, of at least
    ``FIGURE_DIGITS`` digits: FNV-1a of its digits and points (``110,552`` and ``110552`` alike), then a
    64-bit finalizer."""
    out = np.empty(len(codes) // FIGURE_DIGITS + 1, dtype=np.uint64)
    found = 0
    i = 0
    n = len(codes)
    while i < n:
        if not 48 <= codes[i] <= 57:
            i += 1
            continue
        key = np.uint64(0xCBF29CE484222325)
        digits = 0
        while i < n:
            c = codes[i]
            if 48 <= c <= 57:
                digits += 1
            elif c == 44 and _grouped(codes, i + 1):
                i += 1
                continue
            elif c == 46 and i + 1 < n and 48 <= codes[i + 1] <= 57:
                pass
            else:
                break
            key = (key ^ np.uint64(c)) * np.uint64(0x100000001B3)
            i += 1
        if digits >= FIGURE_DIGITS:
            key ^= key >> np.uint64(33)
            key *= np.uint64(0xFF51AFD7ED558CCD)
            key ^= key >> np.uint64(33)
            out[found] = key ^ _FIGURE_SALT
            found += 1
    return out[:found]


@numba.njit(cache=True, nogil=True)
def _key_rows(codes, starts, width, classes, words, figures, step, word_step, a, b, bands, rows, expand_length, expand_start, expand_data, layout, zero_width, spaceless, fold):  # type: ignore[no-untyped-def]  # noqa: E501
    """:func:`sketch_keys` for each document of a batch, in one call that holds no GIL: key counts, all keys
    (windows of ``2 * word_step`` shingles for a text sketched by words, else of ``2 * step``; with ``figures``,
    the figures' keys too), and which texts are sketched by words."""
    count = len(starts) - 1
    sizes = np.zeros(count, dtype=np.int64)
    worded = np.zeros(count, dtype=np.bool_)
    found = [np.zeros(0, dtype=np.uint64) for _ in range(count)]
    for d in range(count):
        folded, _ = _fold_kernel(
            codes[starts[d] : starts[d + 1]], expand_length, expand_start, expand_data, layout, zero_width, spaceless, fold
        )
        if len(folded) == 0:
            continue
        by_words = words and _by_words(folded, classes)
        worded[d] = by_words
        blocks = _block_minima(_unit_hashes(folded, width, classes, by_words), word_step if by_words else step, a, b)
        windows = np.minimum(blocks[:-1], blocks[1:]) if len(blocks) > 1 else blocks
        keys = _band_keys(windows, bands, rows).ravel()
        if figures:
            keys = np.concatenate((keys, _figure_keys(folded)))
        keys = np.sort(keys)
        distinct = np.ones(len(keys), dtype=np.bool_)
        distinct[1:] = keys[1:] != keys[:-1]
        found[d] = keys[distinct]
        sizes[d] = len(found[d])
    out = np.empty(sizes.sum(), dtype=np.uint64)
    position = 0
    for d in range(count):
        out[position : position + sizes[d]] = found[d]
        position += sizes[d]
    return sizes, out, worded


def sketch_keys_batch(texts: list[str], options: Options | None = None) -> tuple[np.ndarray, np.ndarray]:
    """:func:`sketch_keys` of many raw texts in one compiled call: ``(key counts, all keys one after the other)``.

    The same keys as ``sketch_keys`` text by text; the call holds no GIL, so
    threads running batches use every core.

    >>> options = Options(window=16)
    >>> counts, keys = sketch_keys_batch(["党组织就是主心骨" * 20, ""], options)
    >>> counts.tolist() == [len(sketch_keys("党组织就是主心骨" * 20, options)), 0]
    True
    """
    options = options or Options()
    tables = _tables(options.fold_script)
    a, b = permutations(options.num_perm, options.seed)
    bands, rows = lsh_params(options.threshold, options.num_perm)
    codes, starts, needs_cluster = batch_codes(texts, options.fold_script)
    sizes, keys, worded = _key_rows(
        codes, starts, options.shingle, letter_classes(options.fold_punctuation), options.word_shingles, options.figures, max(1, options.window // 2),
        max(1, options.word_window // 2), a, b, bands, rows, tables.expand_length,
        tables.expand_start, tables.expand_data, tables.layout, tables.zero_width, tables.spaceless, tables.fold,
    )  # fmt: skip
    if needs_cluster:
        per_text = np.split(keys, np.cumsum(sizes)[:-1])
        for n in needs_cluster:
            per_text[n] = sketch_keys(texts[n], options)
        sizes = np.array([len(k) for k in per_text], dtype=np.int64)
        keys = np.concatenate(per_text) if per_text else keys
    # Names and headings join each document's keys (a name key meets a band key but by chance: none is kept twice).
    clustered = set(needs_cluster)
    owners, found = [], []
    for n, text in enumerate(texts):
        if n not in clustered:
            names = _keyed_names(text, bool(worded[n]), options)
            owners += [n] * len(names)
            found += _key_ints(names)
    if found:
        # Each where it sorts among its document's keys: every document's stay sorted, as sketch_keys has them.
        values = np.array(found, dtype=np.uint64) ^ _NAME_SALT
        order = np.lexsort((values, owners))
        ends = np.cumsum(sizes)
        starts = ends - sizes
        places = [
            int(starts[owners[k]] + np.searchsorted(keys[starts[owners[k]] : ends[owners[k]]], values[k]))
            for k in order.tolist()
        ]
        keys = np.insert(keys, places, values[order])
        sizes = sizes + np.bincount(owners, minlength=len(sizes))
    return sizes, keys
