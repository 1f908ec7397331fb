"""Stage 1 — normalize text for matching, keeping a map back to the original.

Versions of one story differ in ways no reader counts as a change: full-width
against ASCII punctuation (，/ ,), line breaks a printed page puts inside words
(凝\\n\\n聚力), traditional against simplified script (奮戰 / 奋战), letter case.
Matching and alignment run on a *folded* text where those differences are gone;
every report still points into the original text through :attr:`Normalized.offsets`.

Folding, in order:

1. width and compatibility forms (NFKC, character by character) and lower case;
2. traditional → simplified script, character by character from OpenCC's
   ``t2s`` dictionary, if ``fold_script`` (both texts of a pair fold alike, so a
   character-level map is all matching needs);
3. layout whitespace: a run of whitespace (and zero-width characters) is removed
   where it touches a character of a script written without spaces (Han, kana,
   Thai...) or the start or end of the text, and becomes one space elsewhere,
   so Latin words stay apart.

Numbers are never rewritten: 1.1万 and 11万 stay different.

>>> n = normalize("ＡＢＣ，凝\\n\\n聚力  ok")
>>> n.text
'abc,凝聚力ok'
>>> n.original_span(4, 7)
(4, 9)
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

import numpy as np

__all__ = ["Normalized", "check_text", "normalize", "is_spaceless"]

# Scripts written without spaces between words. A whitespace run touching one
# of these is layout, not a word separator.
_SPACELESS_CLASS = (
    "\u0e00-\u0eff"  # Thai, Lao
    "\u1000-\u109f"  # Myanmar
    "\u1780-\u17ff"  # Khmer
    "\u2e80-\u2fdf"  # CJK radicals
    "\u3000-\u303f"  # CJK symbols and punctuation
    "\u3040-\u30ff"  # Hiragana, Katakana
    "\u3100-\u312f\u3190-\u31ff"  # Bopomofo, Kanbun, CJK strokes
    "\u3400-\u4dbf\u4e00-\u9fff"  # CJK ideographs
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\ufe30-\ufe4f"  # CJK compatibility forms
    "\uff00-\uffef"  # half-width and full-width forms
    "\U00020000-\U0003ffff"  # CJK extensions B and beyond
)
_SPACELESS = re.compile(f"[{_SPACELESS_CLASS}]")
# Whitespace plus the invisible characters scrapers leave behind.
_LAYOUT = re.compile(r"[\s\u200b-\u200d\u2060\ufeff\u00ad]+")
# A character and the combining marks that follow it.
_CLUSTER = re.compile(r"(?s).[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]*")
_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")

# Code point ranges whose NFKC or lower-case form differs from themselves often
# enough to matter: Latin to Greek/Cyrillic, punctuation and symbols, CJK
# compatibility, the full-width block, mathematical letters.
_FOLD_RANGES = (
    (0x0041, 0x0600),
    (0x1E00, 0x2C00),
    (0x2E80, 0x3400),
    (0xF900, 0x10000),
    (0x1D400, 0x1D800),
    (0x2F800, 0x2FA20),
)


def is_spaceless(char: str) -> bool:
    """True for a character of a script written without spaces between words.

    >>> is_spaceless("中"), is_spaceless("a")
    (True, False)
    """
    return _SPACELESS.match(char) is not None


@functools.cache
def _fold_tables() -> tuple[dict[int, str], dict[str, str]]:
    """One-to-one folds (code → character) and the rarer one-to-many ones."""
    one_to_one: dict[int, str] = {}
    expanding: dict[str, str] = {}
    for start, stop in _FOLD_RANGES:
        for code in range(start, stop):
            char = chr(code)
            folded = unicodedata.normalize("NFKC", char).lower()
            if folded == char:
                continue
            if len(folded) == 1:
                one_to_one[code] = folded
            else:
                expanding[char] = folded
    return one_to_one, expanding


@functools.cache
def _t2s():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("t2s")


@dataclass(frozen=True, eq=False)
class Normalized:
    """A folded text and, for each of its characters, where it came from in the original.

    ``offsets[i]`` is the code-point index in ``original`` of the character that
    produced ``text[i]`` (``ends[i]`` the index after it, when a base character and
    its combining marks produced it together; otherwise ``offsets[i] + 1``).
    Offsets never decrease.
    """

    original: str
    text: str
    offsets: np.ndarray
    ends: np.ndarray | None = None

    def end(self, i: int) -> int:
        """Original position just after the character that produced ``text[i]``."""
        return int(self.ends[i]) if self.ends is not None else int(self.offsets[i]) + 1

    def boundary(self, i: int) -> int:
        """Original position of the boundary before normalized position ``i``.

        Boundaries tile the original: ``len(text)`` maps to ``len(original)``,
        any other position 0 to 0, and layout removed between two normalized characters
        belongs to the segment on its left.
        """
        if i >= len(self.text):
            return len(self.original)
        if i <= 0:
            return 0
        return int(self.offsets[i])

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of the characters ``text[start:end]``, layout inside included."""
        if start >= end:
            at = self.boundary(start)
            return at, at
        return int(self.offsets[start]), self.end(end - 1)


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _text(codes: np.ndarray) -> str:
    return codes.astype(np.uint32).tobytes().decode("utf-32-le", "surrogatepass")


_TABLE_SIZE = 0x30000
"""Code points below this (the BMP and the CJK extension planes) fold by table lookup."""
_T2S_RANGES = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00), (0x20000, 0x30000))


@functools.cache
def _t2s_chars() -> np.ndarray:
    """Traditional → simplified for single characters (OpenCC's dictionary), as a lookup table."""
    table = np.arange(_TABLE_SIZE, dtype=np.uint32)
    codes = [c for lo, hi in _T2S_RANGES for c in range(lo, hi)]
    converted = _t2s().convert("\n".join(chr(c) for c in codes)).split("\n")
    if len(converted) == len(codes):
        for code, simple in zip(codes, converted):
            if len(simple) == 1 and ord(simple) != code:
                table[code] = ord(simple)
    return table


@functools.cache
def _fold_table(fold_script: bool) -> np.ndarray:
    """Width, compatibility and case folds (and script, if asked) for every code point in the table."""
    table = np.arange(_TABLE_SIZE, dtype=np.uint32)
    one_to_one, _ = _fold_tables()
    codes = np.fromiter((c for c in one_to_one if c < _TABLE_SIZE), dtype=np.int64)
    table[codes] = [ord(one_to_one[c]) for c in codes.tolist()]
    return _t2s_chars()[table] if fold_script else table


@functools.cache
def _class_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Boolean tables: layout (whitespace, zero-width), zero-width, spaceless script, needs the slow path."""
    everything = "".join(map(chr, range(_TABLE_SIZE))).encode("utf-32-le", "surrogatepass")
    chars = np.frombuffer(everything, dtype=np.uint32)
    text = everything.decode("utf-32-le", "surrogatepass")
    layout = np.zeros(_TABLE_SIZE, dtype=bool)
    layout[[m.start() for m in re.finditer(r"[\s\u200b-\u200d\u2060\ufeff\u00ad]", text)]] = True
    zero_width = np.zeros(_TABLE_SIZE, dtype=bool)
    zero_width[[ord(c) for c in _ZERO_WIDTH]] = True
    spaceless = np.zeros(_TABLE_SIZE, dtype=bool)
    spaceless[[m.start() for m in _SPACELESS.finditer(text)]] = True
    # Characters the one-to-one table cannot fold: expansions (… → ...), combining
    # marks (they fold with their base), and case or compatibility forms outside
    # the ranges the table covers.
    slow = np.zeros(_TABLE_SIZE, dtype=bool)
    one_to_one, _ = _fold_tables()
    for code in range(_TABLE_SIZE):
        char = chars[code]
        if 0xD800 <= char < 0xE000:
            continue
        c = chr(code)
        if unicodedata.combining(c) or (code not in one_to_one and unicodedata.normalize("NFKC", c).lower() != c):
            slow[code] = True
    return layout, zero_width, spaceless, slow


def _fold_clusters(text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The slow path: NFKC and lower case by cluster (a character and its combining marks)."""
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for cluster in _CLUSTER.finditer(text):
        piece = unicodedata.normalize("NFKC", cluster.group()).lower()
        pieces.append(piece)
        starts.extend([cluster.start()] * len(piece))
        ends.extend([cluster.end()] * len(piece))
    codes = _codes("".join(pieces))
    return codes, np.asarray(starts, dtype=np.int64), np.asarray(ends, dtype=np.int64)


def _lookup(table: np.ndarray, codes: np.ndarray) -> np.ndarray:
    inside = codes < _TABLE_SIZE
    if inside.all():
        return table[codes]
    return np.where(inside, table[np.where(inside, codes, 0)], codes).astype(np.uint32)


def _drop_layout(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """Remove whitespace runs that touch spaceless script or the ends; collapse the rest to one space."""
    layout, zero_width, spaceless, _ = _class_tables()
    inside = codes < _TABLE_SIZE
    safe = np.where(inside, codes, 0)
    blank = layout[safe] & inside
    if not blank.any():
        return codes, None
    positions = np.flatnonzero(blank)
    breaks = np.flatnonzero(np.diff(positions) != 1)
    starts = positions[np.r_[0, breaks + 1]]
    ends = positions[np.r_[breaks, len(positions) - 1]]
    visible = np.cumsum(blank & ~zero_width[safe])
    visible_in_run = visible[ends] - np.where(starts > 0, visible[np.maximum(starts - 1, 0)], 0)
    n = len(codes)
    at_edge = (starts == 0) | (ends == n - 1)
    before = spaceless[safe[np.maximum(starts - 1, 0)]] & inside[np.maximum(starts - 1, 0)]
    after = spaceless[safe[np.minimum(ends + 1, n - 1)]] & inside[np.minimum(ends + 1, n - 1)]
    separate = ~at_edge & ~before & ~after & (visible_in_run > 0)
    keep = ~blank
    out = codes.copy()
    keep[starts[separate]] = True
    out[starts[separate]] = 0x20
    kept = np.flatnonzero(keep)
    return out[kept], kept


_SURROGATE = re.compile("[\ud800-\udfff]")


def check_text(text: object, name: str) -> str:
    """``text`` if it is a ``str`` of valid Unicode; otherwise a clear error naming ``name``.

    >>> check_text("中文", "a")
    '中文'
    """
    from .errors import InvalidInput, NotText

    if not isinstance(text, str):
        raise NotText(f"{name}: text must be str, got {type(text).__name__}")
    found = _SURROGATE.search(text)
    if found:
        raise InvalidInput(
            f"{name}: lone surrogate U+{ord(found.group()):04X} at position {found.start()} is not Unicode text "
            "(decode the source with errors='replace' or 'surrogateescape' handled first)"
        )
    return text


def normalize(text: str, *, fold_script: bool = True) -> Normalized:
    """Fold ``text`` for matching and keep the map back to it.

    >>> normalize("奮戰，Ｎo.1").text
    '奋战,no.1'
    >>> normalize("奮戰", fold_script=False).text
    '奮戰'
    """
    if not isinstance(text, str):
        from .errors import NotText

        raise NotText(f"expected str, got {type(text).__name__}")
    codes = _codes(text)
    *_, slow = _class_tables()
    inside = codes < _TABLE_SIZE
    starts = ends = None
    if (slow[np.where(inside, codes, 0)] & inside).any() or (
        not inside.all() and not unicodedata.is_normalized("NFKC", text)
    ):
        codes, starts, ends = _fold_clusters(text)
    folded, kept = _drop_layout(_lookup(_fold_table(fold_script), codes))
    if starts is None:
        offsets = kept if kept is not None else np.arange(len(folded), dtype=np.int64)
    else:
        offsets = starts if kept is None else starts[kept]
        ends = ends if kept is None else ends[kept]  # type: ignore[index]
    return Normalized(original=text, text=_text(folded), offsets=offsets.astype(np.int64, copy=False), ends=ends)
