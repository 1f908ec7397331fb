"""Stage 2 — character n-gram shingles, hashed to stable 32-bit integers.

Chinese needs no word segmentation: overlapping character n-grams of the
normalized text are the features. Alignment and verification use them as they
are. The sketch of a text in an alphabetic script uses *units* instead
(:func:`sketch_hashes`): a run of letters and digits (a word of Latin, Cyrillic,
Greek, Arabic, Hebrew, Hangul, Devanagari …) is one unit, every other visible
character one, spaces none. Five units are about four English words, so a
shingle means about as much as a Chinese one instead of being a piece of one
word (``ation``, `` the ``) that unrelated documents share. A text with a fair
share of Han, kana or Thai letters keeps character shingles, its Latin words
and code included: versions of one story share their mix of scripts, so they are
sketched alike. In a character sketch every punctuation mark reads as one (``.``):
editions of one text punctuate it differently (、/，/；, 〔/（), and a short chapter
whose every fifth character is a changed mark would share few shingles with its
other edition. A word sketch keeps its marks: there a mark is a unit of its own, and
read as one it made common shingles of English phrases (Reuters recall 0.913 against
0.880 folded). Each shingle is hashed with a polynomial over
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
>>> sketch_shingles("the cat sat on the mat, 猫", 3)
['the cat sat', 'cat sat on', 'sat on the', 'on the mat', 'the mat,', 'mat, 猫']
>>> sketch_shingles("在家里用 python", 3)
['在家里', '家里用', '里用 ', '用 p', ' py', 'pyt', 'yth', 'tho', 'hon']
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numba
import numpy as np

from .normalize import DIGIT, LETTER, PUNCTUATION, SPACELESS_LETTER, Normalized, code_points, letter_classes, normalize
from .options import DEFAULT_SHINGLE, Options

__all__ = [
    "shingles", "shingle_hash", "shingle_hashes", "distinct", "found_in", "ShingleSet", "distinct_overlap", "covered",
    "Prepared", "prepare", "alphabetic", "sketch_shingles", "sketch_hashes", "DEFAULT_SHINGLE",
]  # fmt: skip

_MULTIPLIER = 0x9E3779B97F4A7C15  # odd, from the golden ratio
_MASK64 = (1 << 64) - 1
_PUNCTUATION_MARK = 0x2E  # what every punctuation mark reads as in a sketch shingle


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


SPACELESS_SHARE = 0.1
"""Share of a document's letters in scripts written without spaces (Han, kana …) from which its sketch
shingles are character shingles, Latin words and code included: they stay as they were for Chinese."""


@numba.njit(cache=True, nogil=True)
def _by_words(codes, classes):  # type: ignore[no-untyped-def]
    """Is this text sketched by words: are fewer than ``SPACELESS_SHARE`` of its letters Han, kana, Thai …?"""
    alphabetic = spaceless = 0
    for code in codes:
        kind = classes[code] if code < len(classes) else 0
        if kind == LETTER:
            alphabetic += 1
        elif kind == SPACELESS_LETTER:
            spaceless += 1
    return spaceless < SPACELESS_SHARE * (alphabetic + spaceless)


@numba.njit(cache=True, nogil=True)
def _unit_bounds(codes, classes):  # type: ignore[no-untyped-def]
    """Start and end of every unit: a run of letters and digits of an alphabetic script, or one other
    character that is not a space."""
    starts = np.empty(len(codes), dtype=np.int64)
    ends = np.empty(len(codes), dtype=np.int64)
    count = 0
    i = 0
    while i < len(codes):
        code = codes[i]
        if code == 32:
            i += 1
            continue
        j = i + 1
        if code < len(classes) and (classes[code] == LETTER or classes[code] == DIGIT):
            while j < len(codes) and codes[j] < len(classes) and (classes[codes[j]] == LETTER or classes[codes[j]] == DIGIT):
                j += 1
        starts[count] = i
        ends[count] = j
        count += 1
        i = j
    return starts[:count], ends[:count]


@numba.njit(cache=True, nogil=True)
def _unit_spans(codes, width, classes):  # type: ignore[no-untyped-def]
    """Start and end of each sketch shingle: ``width`` units from each unit on (a shorter text: one shingle)."""
    starts, ends = _unit_bounds(codes, classes)
    if len(starts) < width:
        whole = np.zeros(1 if len(codes) else 0, dtype=np.int64)
        return whole + (starts[0] if len(starts) else 0), whole + (ends[-1] if len(starts) else len(codes))
    return starts[: len(starts) - width + 1], ends[width - 1 :]


@numba.njit(cache=True, nogil=True)
def _punctuation_folded(codes, classes):  # type: ignore[no-untyped-def]
    """The text with every punctuation mark read as one: 、，。．；！ and （〔 differ between editions of one text."""
    out = codes.copy()
    for i in range(len(codes)):
        if codes[i] < len(classes) and classes[codes[i]] == PUNCTUATION:
            out[i] = _PUNCTUATION_MARK
    return out


@numba.njit(cache=True, nogil=True)
def _unit_hashes(codes, width, classes, by_words):  # type: ignore[no-untyped-def]
    """The sketch shingle hashes of a normalized text: of its runs of ``width`` units if it is sketched
    ``by_words`` (word shingles asked, and :func:`_by_words`), else of its character shingles."""
    if not by_words:
        codes = _punctuation_folded(codes, classes)
        return _rolling_hashes(codes, min(width, len(codes)))
    starts, lasts = _unit_spans(codes, width, classes)
    out = np.empty(len(starts), dtype=np.uint32)
    multiplier = np.uint64(_MULTIPLIER)
    for t in range(len(out)):
        value = np.uint64(0)
        for p in range(starts[t], lasts[t]):
            value = value * multiplier + np.uint64(codes[p]) + np.uint64(1)
        out[t] = np.uint32((value ^ (value >> np.uint64(32))) & np.uint64(0xFFFFFFFF))
    return out


def alphabetic(text: str) -> bool:
    """Is ``text`` written in alphabetic scripts: are fewer than ``SPACELESS_SHARE`` of its letters Han, kana, Thai …?

    >>> alphabetic("The Federal Reserve"), alphabetic("美联储 Federal Reserve"), alphabetic("2020")
    (True, False, False)
    """
    return bool(_by_words(code_points(text), letter_classes()))


def sketch_shingles(text: str, size: int = DEFAULT_SHINGLE, *, words: bool = True, fold_punctuation: bool = True) -> list[str]:
    """The shingles the sketch hashes in a normalized ``text`` (the reference for :func:`sketch_hashes`).

    Runs of ``size`` units where fewer than ``SPACELESS_SHARE`` of the letters are
    Han, kana, Thai … (and ``words``); else the character shingles, in which, with
    ``fold_punctuation``, every punctuation mark reads as ``.``.
    """
    if not (words and alphabetic(text)):
        if fold_punctuation:
            classes = letter_classes()
            text = "".join(chr(_PUNCTUATION_MARK) if ord(c) < len(classes) and classes[ord(c)] == PUNCTUATION else c for c in text)
        return shingles(text, size)
    starts, ends = _unit_spans(code_points(text), size, letter_classes())
    return [text[start:end] for start, end in zip(starts.tolist(), ends.tolist())]


def sketch_hashes(text: str, size: int = DEFAULT_SHINGLE, *, words: bool = True, fold_punctuation: bool = True) -> np.ndarray:
    """Hashes of the sketch shingles of a normalized ``text`` (``words=False``: of its character shingles;
    ``fold_punctuation``: every punctuation mark read as one)."""
    if not text:
        return np.zeros(0, dtype=np.uint32)
    codes, classes = code_points(text), letter_classes(fold_punctuation)
    return _unit_hashes(codes, size, classes, words and _by_words(codes, classes))


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
    words: bool = True
    fold_punctuation: bool = True

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

    @functools.cached_property
    def sketch_hashes(self) -> np.ndarray:
        """The hashes of the sketch shingles (:func:`sketch_hashes`: by words in alphabetic text)."""
        if not len(self.codes):
            return np.zeros(0, dtype=np.uint32)
        return _unit_hashes(self.codes, self.shingle, letter_classes(self.fold_punctuation), self.sketched_by_words)

    @functools.cached_property
    def alphabetic(self) -> bool:
        """Is the text written in alphabetic scripts (:func:`alphabetic`)?"""
        return bool(_by_words(self.codes, letter_classes()))

    @functools.cached_property
    def sketched_by_words(self) -> bool:
        """Are the sketch shingles words (``words`` asked, and the text alphabetic)? Their windows are ``word_window``."""
        return self.words and self.alphabetic


def prepare(text: str, options: Options) -> Prepared:
    """Normalize ``text`` and hash its shingles, as ``options`` say."""
    normalized = normalize(text, fold_script=options.fold_script)
    hashes = shingle_hashes(normalized.text, options.shingle)
    return Prepared(
        normalized, code_points(normalized.text), hashes, options.shingle, options.word_shingles, options.fold_punctuation
    )


def distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted (a sort: faster than ``np.unique``'s hash table on short arrays).

    >>> distinct(np.array([3, 1, 3])).tolist()
    [1, 3]
    """
    values = np.sort(values)
    if len(values) < 2:
        return values
    keep = np.empty(len(values), dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


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
