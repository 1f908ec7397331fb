"""Stage 1 — normalize text for matching, keeping a map back to the original.

Versions of one story differ in ways no reader counts as a change: full-width
against ASCII punctuation (，/ ,), line breaks a printed page puts inside words
(凝\\n\\n聚力), traditional against simplified script (奮戰 / 奋战), letter case.
Matching and alignment run on a *folded* text where those differences are gone;
every report still points into the original text through :attr:`Normalized.offsets`.

Folding, in order:

1. width and compatibility forms (NFKC, character by character) and lower case;
2. script, if ``fold_script``: every character that OpenCC's converters relate
   (simplified, traditional, and the Taiwan and Hong Kong variants: 着/著, 里/裏/裡,
   台/臺, 干/幹/乾) folds to one representative, so two editions converted
   independently match (both texts of a pair fold alike, so a character-level map
   is all matching needs);
3. layout whitespace: a run of whitespace (and invisible format characters: zero
   width, direction marks and embeddings, the BOM) is removed
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
from collections.abc import Callable
from dataclasses import dataclass

import numba
import numpy as np

__all__ = ["Normalized", "check_text", "normalize"]

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
# Invisible format characters: zero width, soft hyphen, direction marks, embeddings and isolates, BOM.
_INVISIBLE = "\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
# Whitespace plus the invisible characters scrapers and editors leave behind.
_LAYOUT_CHAR = re.compile(f"[\\s{_INVISIBLE}]")
# A character and the combining marks that follow it.
_CLUSTER = re.compile(r"(?s).[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]*")
_ZERO_WIDTH_CHAR = re.compile(f"[{_INVISIBLE}]")


@functools.cache
def converter(config: str) -> Callable[[str], str]:
    """OpenCC's ``convert`` for one of its configurations (``t2s``, ``tw2sp`` …), loaded once per process."""
    import opencc

    return opencc.OpenCC(config).convert  # type: ignore[no-any-return]


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

    def normalized_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of ``text`` made from the original characters ``[start, end)`` (the way back from
        :meth:`original_span`).

        >>> normalize("Ａ，凝\\n聚力").normalized_span(2, 6)
        (2, 5)
        """
        lo, hi = np.searchsorted(self.offsets, [start, end])
        return int(lo), int(hi)


def code_points(text: str) -> np.ndarray:
    """The code points of ``text`` as ``uint32`` (a view of its UTF-32 bytes, no Python loop)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _text(codes: np.ndarray) -> str:
    return codes.astype(np.uint32).tobytes().decode("utf-32-le", "surrogatepass")


_TABLE_SIZE = 0x30000
"""Code points below this (the BMP and the CJK extension planes) fold by table lookup."""
_T2S_RANGES = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00), (0x20000, 0x30000))


_SCRIPT_CONVERTERS = ("t2s", "s2t", "tw2s", "t2tw", "tw2t", "hk2s", "t2hk", "hk2t")
"""OpenCC's character conversions between simplified, traditional, Taiwan and Hong Kong standards
(s2tw and s2hk are s2t followed by t2tw or t2hk: their pairs are already related, at four times the
cost; not Japanese shinjitai, which merges characters Chinese keeps apart: 聯 → 連)."""


@functools.cache
def _script_chars() -> np.ndarray:
    """Each Han character → one representative of the characters OpenCC's converters relate to it.

    The relation is closed transitively (着 ↔ 著 by ``t2tw``, 干 ↔ 幹 ↔ 乾 by ``t2s`` and
    ``s2t``); a group's representative is the smallest of its members' ``t2s`` forms.
    """
    codes = [c for lo, hi in _T2S_RANGES for c in range(lo, hi)]
    chars = [chr(c) for c in codes]
    joined = "\n".join(chars)
    parent: dict[int, int] = {}

    def root(code: int) -> int:
        while parent.get(code, code) != code:
            code = parent[code]
        return code

    simplified: dict[int, int] = {}
    for config in _SCRIPT_CONVERTERS:
        out = converter(config)(joined).split("\n")
        if len(out) != len(codes):
            continue
        for char, other in zip(chars, out):
            if other != char and len(other) == 1:
                low, high = sorted((root(ord(char)), root(ord(other))))
                parent[high] = low
                if config == "t2s":
                    simplified[ord(char)] = ord(other)
    # A group's representative: the smallest of its members' t2s forms.
    representative: dict[int, int] = {}
    for code in parent:
        group = root(code)
        form = simplified.get(code, code)
        representative[group] = min(representative.get(group, form), form)
    table = np.arange(_TABLE_SIZE, dtype=np.uint32)
    for code in parent:
        if code < _TABLE_SIZE:
            table[code] = representative[root(code)]
    return table


@dataclass(frozen=True)
class _Tables:
    """Per-code-point facts for every code point below ``_TABLE_SIZE``."""

    fold: np.ndarray  # uint32: the one-character fold (NFKC, lower case), or the code point itself
    expand_length: np.ndarray  # uint8: characters the fold produces (… → ... is 3)
    expand_start: np.ndarray  # int64: where those characters start in ``expand_data``
    expand_data: np.ndarray  # uint32: every fold, one after the other
    layout: np.ndarray  # bool: whitespace and zero-width characters
    zero_width: np.ndarray  # bool
    spaceless: np.ndarray  # bool: scripts written without spaces
    combining: np.ndarray  # bool: combining marks (folded with their base)


@functools.cache
def _tables(fold_script: bool) -> _Tables:
    size = _TABLE_SIZE
    everything = "".join(map(chr, range(size)))
    fold = np.arange(size, dtype=np.uint32)
    expand_length = np.ones(size, dtype=np.uint8)
    pieces: list[str] = []
    combining = np.zeros(size, dtype=bool)
    for code, char in enumerate(everything):
        folded = char if 0xD800 <= code < 0xE000 else unicodedata.normalize("NFKC", char).lower()
        if unicodedata.combining(char):
            combining[code] = True
        if len(folded) == 1:
            fold[code] = ord(folded)
        else:
            expand_length[code] = len(folded)
        pieces.append(folded)
    expand_data = np.frombuffer("".join(pieces).encode("utf-32-le", "surrogatepass"), dtype=np.uint32).copy()
    expand_start = np.cumsum(expand_length, dtype=np.int64) - expand_length
    if fold_script:
        script = _script_chars()
        fold = script[fold]
        inside = expand_data < size
        expand_data = np.where(inside, script[np.minimum(expand_data, size - 1)], expand_data).astype(np.uint32)
    layout = np.zeros(size, dtype=bool)
    layout[[m.start() for m in _LAYOUT_CHAR.finditer(everything)]] = True
    zero_width = np.zeros(size, dtype=bool)
    zero_width[[m.start() for m in _ZERO_WIDTH_CHAR.finditer(everything)]] = True
    spaceless = np.zeros(size, dtype=bool)
    spaceless[[m.start() for m in _SPACELESS.finditer(everything)]] = True
    return _Tables(fold, expand_length, expand_start, expand_data, layout, zero_width, spaceless, combining)


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
    codes = code_points("".join(pieces))
    return codes, np.asarray(starts, dtype=np.int64), np.asarray(ends, dtype=np.int64)


@numba.njit(cache=True, nogil=True)
def _fold_kernel(codes, expand_length, expand_start, expand_data, layout, zero_width, spaceless, fold):  # type: ignore[no-untyped-def]
    """Fold every character through the tables, then drop or collapse layout.

    Returns the folded code points and, for each, the index of its source character.
    """
    size = len(fold)
    total = 0
    for i in range(len(codes)):
        code = codes[i]
        total += expand_length[code] if code < size else 1
    folded = np.empty(total, dtype=np.uint32)
    source = np.empty(total, dtype=np.int64)
    j = 0
    for i in range(len(codes)):
        code = codes[i]
        if code >= size:
            folded[j] = code
            source[j] = i
            j += 1
        elif expand_length[code] == 1:
            folded[j] = fold[code]
            source[j] = i
            j += 1
        else:
            for k in range(expand_length[code]):
                folded[j] = expand_data[expand_start[code] + k]
                source[j] = i
                j += 1
    out = np.empty(total, dtype=np.uint32)
    out_source = np.empty(total, dtype=np.int64)
    m = 0
    i = 0
    while i < total:
        code = folded[i]
        if code < size and layout[code]:
            start = i
            visible = False
            while i < total and folded[i] < size and layout[folded[i]]:
                if not zero_width[folded[i]]:
                    visible = True
                i += 1
            if start > 0 and i < total and visible:
                before, after = folded[start - 1], folded[i]
                if not (before < size and spaceless[before]) and not (after < size and spaceless[after]):
                    out[m] = 32
                    out_source[m] = source[start]
                    m += 1
        else:
            out[m] = code
            out_source[m] = source[i]
            m += 1
            i += 1
    return out[:m], out_source[:m]


def _lookup(table: np.ndarray, codes: np.ndarray) -> np.ndarray:
    inside = codes < _TABLE_SIZE
    if inside.all():
        return table[codes]
    return np.where(inside, table[np.where(inside, codes, 0)], codes).astype(np.uint32)


def batch_codes(texts: list[str], fold_script: bool) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Many texts as one array of code points for a batch kernel: ``(codes, starts, needs_cluster)``.

    Text ``n`` is ``codes[starts[n]:starts[n + 1]]``; ``needs_cluster`` lists the
    texts with combining marks, which fold with their base character and so must
    go through :func:`normalize` itself (rare).
    """
    codes = np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    starts = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum([len(text) for text in texts], out=starts[1:])
    marks = np.r_[0, np.cumsum(_tables(fold_script).combining[np.minimum(codes, _TABLE_SIZE - 1)])]
    return codes, starts, np.flatnonzero(marks[starts[1:]] != marks[starts[:-1]]).tolist()


_SURROGATE = re.compile("[\ud800-\udfff]")


def check_text(text: object, name: str) -> str:
    """``text`` if it is a ``str`` of valid Unicode; otherwise a clear error naming ``name``.

    >>> check_text("中文", "a")
    '中文'
    """
    from .errors import InvalidInput, NotText

    if not isinstance(text, str):
        raise NotText(f"{name}: text must be str, got {type(text).__name__}")
    try:
        text.encode("utf-32-le")  # the fastest complete check: only lone surrogates fail it
    except UnicodeEncodeError:
        found = _SURROGATE.search(text)
        assert found is not None
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
    tables = _tables(fold_script)
    codes = code_points(text)
    ends = None
    if len(codes) and tables.combining[np.minimum(codes, _TABLE_SIZE - 1)].any():
        # Rare: combining marks fold with their base, cluster by cluster.
        clustered, starts, cluster_ends = _fold_clusters(text)
        folded, sources = _fold_kernel(
            _lookup(tables.fold, clustered),
            np.ones_like(tables.expand_length),
            tables.expand_start,
            tables.expand_data,
            tables.layout,
            tables.zero_width,
            tables.spaceless,
            np.arange(_TABLE_SIZE, dtype=np.uint32),
        )
        offsets, ends = starts[sources], cluster_ends[sources]
    else:
        folded, offsets = _fold_kernel(
            codes,
            tables.expand_length,
            tables.expand_start,
            tables.expand_data,
            tables.layout,
            tables.zero_width,
            tables.spaceless,
            tables.fold,
        )
    return Normalized(original=text, text=_text(folded), offsets=offsets, ends=ends)


LETTER, DIGIT, SPACELESS_LETTER, PUNCTUATION = 1, 2, 3, 4
"""Classes of :func:`letter_classes`: anything else is 0."""


@functools.cache
def letter_classes(punctuation: bool = True) -> np.ndarray:
    """For each code point below the table size: ``LETTER`` (a letter or mark of a script written with spaces),
    ``DIGIT``, ``SPACELESS_LETTER`` (Han, kana, Thai … written without spaces), ``PUNCTUATION`` (unless
    ``punctuation`` is false: then 0, as anything else).

    A run of letters and digits is one word of an alphabetic script (Latin,
    Cyrillic, Greek, Arabic, Hebrew, Hangul, Devanagari …): one unit of a sketch
    shingle. Each character of a script written without spaces is a unit of its own.
    """
    everything = "".join(map(chr, range(_TABLE_SIZE)))
    table = np.zeros(_TABLE_SIZE, dtype=np.uint8)
    table[[m.start() for m in re.finditer(r"[^\W\d_]", everything)]] = LETTER
    table[[code for code in range(_TABLE_SIZE) if unicodedata.category(everything[code])[0] == "M"]] = LETTER
    table[[m.start() for m in re.finditer(r"\d", everything)]] = DIGIT
    spaceless = [m.start() for m in _SPACELESS.finditer(everything)]
    table[spaceless] = np.where(table[spaceless] == LETTER, SPACELESS_LETTER, 0)
    if punctuation:
        table[[code for code in range(_TABLE_SIZE) if unicodedata.category(everything[code])[0] == "P"]] = PUNCTUATION
    return table


@functools.cache
def _punctuation_table() -> dict[int, None]:
    """``str.translate`` table deleting punctuation, symbols and separators (Unicode P*, S*, Z*)."""
    return {code: None for code in range(0x30000) if unicodedata.category(chr(code))[0] in "PSZ"}


def without_punctuation(text: str) -> str:
    """``text`` without punctuation, symbols and white space: the words a reader compares.

    >>> without_punctuation("新华社，北京 电")
    '新华社北京电'
    """
    return "".join(text.translate(_punctuation_table()).split())


def same_words(a: str, b: str) -> bool:
    """``without_punctuation(a) == without_punctuation(b)``, answered at the first word character when that differs.

    >>> same_words("新华社，北京", "新华社北京。"), same_words("株洲", "茶陵")
    (True, False)
    """
    first_a, first_b = _word_character().search(a), _word_character().search(b)
    if first_a is None or first_b is None:
        return first_a is None and first_b is None
    return first_a.group() == first_b.group() and without_punctuation(a) == without_punctuation(b)


def only_punctuation(text: str) -> bool:
    """``not without_punctuation(text)``, answered at the first word character (a page's flank is long)."""
    return _word_character().search(text) is None


@functools.cache
def _word_character() -> re.Pattern[str]:
    """A character that is neither punctuation, symbol or separator (Unicode P*, S*, Z*) nor whitespace."""
    gone = sorted(set(_punctuation_table()) | {code for code in range(0x30000) if chr(code).isspace()})
    ranges, start = [], gone[0]
    for previous, code in zip(gone, gone[1:] + [-1]):
        if code != previous + 1:
            ranges.append(re.escape(chr(start)) + ("-" + re.escape(chr(previous)) if previous > start else ""))
            start = code
    return re.compile("[^" + "".join(ranges) + "]")
