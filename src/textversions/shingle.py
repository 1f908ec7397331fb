"""Stage 2 — character n-gram shingles, hashed to stable 32-bit integers.

Chinese needs no word segmentation: overlapping character n-grams of the
normalized text are the features. Each shingle is hashed with a polynomial over
its code points (mod 2**64, folded to 32 bits) — stable across runs, machines and
``PYTHONHASHSEED`` — computed as a rolling hash by a compiled kernel.

:func:`shingle_hash` hashes one shingle the same way, so it can be handed to
``datasketch.MinHash(hashfunc=shingle_hash)`` and give exactly our signatures.

>>> shingle_hashes("abcdef", 5).tolist() == [shingle_hash("abcde"), shingle_hash("bcdef")]
True
>>> len(shingles("战疫的堡垒", 5))
1
>>> found_in(shingle_hashes("abcdefg", 5), shingle_hashes("xbcdefx", 5)).tolist()
[False, True, False]
>>> distinct_overlap(shingle_hashes("abcdefg", 5), shingle_hashes("xbcdefx", 5))
(3, 3, 1)
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numba
import numpy as np

from .normalize import Normalized, code_points, normalize
from .options import DEFAULT_SHINGLE, Options

__all__ = [
    "shingles", "shingle_hash", "shingle_hashes", "found_in", "ShingleSet", "distinct_overlap", "covered",
    "Prepared", "prepare", "DEFAULT_SHINGLE",
]  # fmt: skip

_MULTIPLIER = 0x9E3779B97F4A7C15  # odd, from the golden ratio
_MASK64 = (1 << 64) - 1


def shingles(text: str, size: int = DEFAULT_SHINGLE) -> list[str]:
    """The overlapping ``size``-character shingles of ``text``.

    A text shorter than ``size`` (but not empty) is its own single shingle.
    """
    if not text:
        return []
    if len(text) <= size:
        return [text]
    return [text[i : i + size] for i in range(len(text) - size + 1)]


def _fold64(value: int) -> int:
    return (value ^ (value >> 32)) & 0xFFFFFFFF


def shingle_hash(shingle: str) -> int:
    """The stable 32-bit hash of one shingle (the reference for :func:`shingle_hashes`).

    >>> shingle_hash("中文") == shingle_hash("中文")
    True
    """
    value = 0
    for char in shingle:
        value = (value * _MULTIPLIER + ord(char) + 1) & _MASK64
    return _fold64(value)


@numba.njit(cache=True, nogil=True)
def _rolling_hashes(codes, width):  # type: ignore[no-untyped-def]
    count = len(codes) - width + 1
    out = np.empty(count, dtype=np.uint32)
    multiplier = np.uint64(_MULTIPLIER)
    top = np.uint64(1)  # multiplier ** (width - 1), for removing the character that leaves
    for _ in range(width - 1):
        top *= multiplier
    value = np.uint64(0)
    for k in range(width):
        value = value * multiplier + np.uint64(codes[k]) + np.uint64(1)
    for i in range(count):
        if i:
            value = (value - (np.uint64(codes[i - 1]) + np.uint64(1)) * top) * multiplier
            value += np.uint64(codes[i + width - 1]) + np.uint64(1)
        out[i] = np.uint32((value ^ (value >> np.uint64(32))) & np.uint64(0xFFFFFFFF))
    return out


def shingle_hashes(text: str, size: int = DEFAULT_SHINGLE) -> np.ndarray:
    """Hashes of all shingles of ``text`` in order, as ``uint32`` (a rolling hash, compiled)."""
    if not text:
        return np.zeros(0, dtype=np.uint32)
    codes = code_points(text)
    return _rolling_hashes(codes, min(size, len(codes)))


@dataclass(frozen=True, eq=False)
class Prepared:
    """One document made ready for every check of a pair: normalized once, its shingles hashed once.

    The candidate check, the anchors of the alignment (hashes and code points),
    the corpus-common mask and the shingle scores all read these; the hash set
    and the sorted hashes are built the first time one of them asks.

    >>> doc = prepare("奮戰在一線", Options(shingle=2))
    >>> doc.text, len(doc.hashes)
    ('奋战在一线', 4)
    """

    normalized: Normalized
    codes: np.ndarray
    hashes: np.ndarray
    shingle: int

    @property
    def text(self) -> str:
        """The normalized text."""
        return self.normalized.text

    @functools.cached_property
    def hash_set(self) -> ShingleSet:
        """The shingle hashes as a set, for asking which of another text's are here."""
        return ShingleSet(self.hashes)

    @functools.cached_property
    def sorted_hashes(self) -> np.ndarray:
        """The shingle hashes in ascending order (repeats kept)."""
        return np.sort(self.hashes)


def prepare(text: str, options: Options) -> Prepared:
    """Normalize ``text`` and hash its shingles, as ``options`` say."""
    normalized = normalize(text, fold_script=options.fold_script)
    return Prepared(normalized, code_points(normalized.text), shingle_hashes(normalized.text, options.shingle), options.shingle)


def found_in(hashes: np.ndarray, values: np.ndarray) -> np.ndarray:
    """For each of ``hashes``: is it among ``values``? (A hash set, compiled: no sort, no binary search.)"""
    return ShingleSet(values).contains(hashes)


class ShingleSet:
    """A set of shingle hashes, built once and asked many times: a compiled open-addressing table.

    >>> ShingleSet(shingle_hashes("abcdef", 5)).contains(shingle_hashes("bcdefg", 5)).tolist()
    [True, False]
    """

    def __init__(self, values: np.ndarray) -> None:
        self.values = np.ascontiguousarray(values, dtype=np.uint32)
        self._table, self._used = _hash_table(self.values)

    def __len__(self) -> int:
        return len(self.values)

    def contains(self, hashes: np.ndarray) -> np.ndarray:
        """A boolean mask: which of ``hashes`` are in the set."""
        return _contains(self._table, self._used, np.ascontiguousarray(hashes, dtype=np.uint32))


@numba.njit(cache=True, nogil=True)
def _slot(table, used, value):  # type: ignore[no-untyped-def]
    mask = np.uint64(len(table) - 1)
    slot = ((np.uint64(value) * np.uint64(0x9E3779B1)) >> np.uint64(7)) & mask
    while used[slot] and table[slot] != value:
        slot = (slot + np.uint64(1)) & mask
    return slot


@numba.njit(cache=True, nogil=True)
def _empty_table(count):  # type: ignore[no-untyped-def]
    """An open-addressing table for ``count`` values: at most half full."""
    size = 16
    while size < 2 * count:
        size *= 2
    return np.zeros(size, dtype=np.uint32), np.zeros(size, dtype=np.bool_)


@numba.njit(cache=True, nogil=True)
def _hash_table(values):  # type: ignore[no-untyped-def]
    table, used = _empty_table(len(values))
    for value in values:
        slot = _slot(table, used, value)
        used[slot] = True
        table[slot] = value
    return table, used


@numba.njit(cache=True, nogil=True)
def _contains(table, used, hashes):  # type: ignore[no-untyped-def]
    found = np.zeros(len(hashes), dtype=np.bool_)
    for k in range(len(hashes)):
        found[k] = used[_slot(table, used, hashes[k])]
    return found


def distinct_overlap(a: np.ndarray, b: np.ndarray) -> tuple[int, int, int]:
    """Distinct hashes in ``a``, in ``b``, and in both."""
    return _distinct_overlap(np.sort(a), np.sort(b))


@numba.njit(cache=True, nogil=True)
def _distinct_overlap(a, b):  # type: ignore[no-untyped-def]
    count_a = count_b = shared = 0
    i = j = 0
    while i < len(a) or j < len(b):
        if j == len(b) or (i < len(a) and a[i] < b[j]):
            value = a[i]
            count_a += 1
        elif i == len(a) or b[j] < a[i]:
            value = b[j]
            count_b += 1
        else:
            value = a[i]
            count_a += 1
            count_b += 1
            shared += 1
        while i < len(a) and a[i] == value:
            i += 1
        while j < len(b) and b[j] == value:
            j += 1
    return count_a, count_b, shared


def covered(hit: np.ndarray, size: int, length: int) -> np.ndarray:
    """Which of ``length`` characters lie inside some shingle of ``size`` whose ``hit`` is true.

    >>> covered(np.array([False, True, False]), 2, 4).tolist()
    [False, True, True, False]
    """
    return _covered(np.ascontiguousarray(hit, dtype=np.bool_), size, length)


@numba.njit(cache=True, nogil=True)
def _covered(hit, size, length):  # type: ignore[no-untyped-def]
    out = np.zeros(length, dtype=np.bool_)
    until = 0
    for position in range(length):
        if position < len(hit) and hit[position]:
            until = max(until, position + size)
        out[position] = position < until
    return out
