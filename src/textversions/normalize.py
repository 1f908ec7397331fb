"""Stage 1 — normalize text for matching, keeping a map back to the original.

Versions of one story differ in ways no reader counts as a change: full-width
against ASCII punctuation (，/ ,), line breaks a printed page puts inside words
(凝\\n\\n聚力), traditional against simplified script (奮戰 / 奋战), letter case.
Matching and alignment run on a *folded* text where those differences are gone;
every report still points into the original text through :attr:`Normalized.offsets`.

Folding, in order:

1. width and compatibility forms (NFKC, character by character) and lower case;
2. traditional → simplified script (OpenCC ``t2s``), if ``fold_script``;
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
    """One-to-one folds for ``str.translate`` and the rarer one-to-many ones."""
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
def _expanding_pattern() -> re.Pattern[str]:
    _, expanding = _fold_tables()
    return re.compile("[" + "".join(re.escape(c) for c in sorted(expanding)) + "]")


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


def _fold_width(text: str) -> tuple[str, np.ndarray | None, np.ndarray | None]:
    """NFKC and lower case; where each output character comes from (start, end), if not 1:1.

    A base character and the combining marks after it are folded together
    (e + U+0301 → é), so composed and decomposed text match.
    """
    one_to_one, _ = _fold_tables()
    folded = text.translate(one_to_one)
    if (
        unicodedata.is_normalized("NFKC", folded)
        and folded.lower() == folded
        and not _expanding_pattern().search(folded)
    ):
        return folded, None, None
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for cluster in _CLUSTER.finditer(text):
        piece = unicodedata.normalize("NFKC", cluster.group()).lower()
        pieces.append(piece)
        starts.extend([cluster.start()] * len(piece))
        ends.extend([cluster.end()] * len(piece))
    return "".join(pieces), np.asarray(starts, dtype=np.int64), np.asarray(ends, dtype=np.int64)


# OpenCC works on UTF-8 C strings: NUL and lone surrogates are passed around it.
_OPENCC_UNSAFE = re.compile("([\x00\ud800-\udfff]+)")


def _fold_script(text: str) -> str:
    """Traditional → simplified, one character out for each character in."""
    converter = _t2s()
    out = []
    for piece in _OPENCC_UNSAFE.split(text):
        if not piece or _OPENCC_UNSAFE.fullmatch(piece):
            out.append(piece)
            continue
        done = converter.convert(piece)
        if len(done) != len(piece):
            done = "".join(c if len(s := converter.convert(c)) != 1 else s for c in piece)
        out.append(done)
    return "".join(out)


def _drop_layout(text: str) -> tuple[str, np.ndarray | None]:
    """Remove or collapse whitespace runs; return the text and kept positions."""
    runs = list(_LAYOUT.finditer(text))
    if not runs:
        return text, None
    keep = np.ones(len(text), dtype=bool)
    chars = _codes(text).copy()
    for run in runs:
        start, end = run.span()
        keep[start:end] = False
        if start == 0 or end == len(text):
            continue
        if _SPACELESS.match(text, start - 1) or _SPACELESS.match(text, end):
            continue
        separator = next((i for i in range(start, end) if text[i] not in _ZERO_WIDTH), None)
        if separator is not None:
            keep[separator] = True
            chars[separator] = 0x20
    kept = np.flatnonzero(keep)
    return _text(chars[kept]), kept


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
    folded, width_starts, width_ends = _fold_width(text)
    if fold_script:
        folded = _fold_script(folded)
    folded, kept = _drop_layout(folded)
    ends = None
    if width_starts is None:
        offsets = kept if kept is not None else np.arange(len(folded), dtype=np.int64)
    else:
        offsets = width_starts if kept is None else width_starts[kept]
        ends = width_ends if kept is None else width_ends[kept]  # type: ignore[index]
    return Normalized(original=text, text=folded, offsets=offsets.astype(np.int64, copy=False), ends=ends)
