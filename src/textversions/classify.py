"""Stage 7 — typed edits: each difference named.

The aligner speaks in opcodes over *normalized* text and places them on the
*original* texts (:func:`~textversions.align.segments`). This stage names each
one — whitespace, script, number, substitution, caption, truncation … (the kinds
are listed in :mod:`textversions.edits`) — joining the edits that together make
one furniture line or one regional word.

Edits tile the texts: replacing, in order, each ``a[a_span]`` by ``b_text``
turns ``a`` into ``b`` exactly, cosmetic edits included.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from rapidfuzz.distance import OSA, Indel, Levenshtein

from .align import MAX_CELLS, Opcode, Segment, chunked, merge_opcodes, placed, segments
from .edits import Edit
from .furniture import furniture_of, within
from .normalize import (
    _LAYOUT_CHAR, Normalized, _script_chars, code_points, converter, normalize, only_punctuation, same_words,
    without_punctuation,
)  # fmt: skip
from .hanzi import look_alike, probable_name, sound_alike
from .numbers import NUMBER, NUMBER_CHARS, in_words, parse_number, token_unit, token_value
from .subjects import NAME_WORD, abbreviates, opens_sentence

__all__ = ["typed_edits", "is_traditional"]

_CAPTION = re.compile(r"^\s*(?:[▲△■□●◆]|图为|圖為|图片|圖片|\(图|（图|photo:|caption:)", re.IGNORECASE)
_BOILERPLATE = re.compile(
    r"来源|來源|编辑|編輯|责编|責編|浏览|瀏覽|阅读量|閱讀|下载app|下載app|分享到|相关文章|相關文章|"
    r"扫码|掃碼|点击|點擊|版权|版權|原标题|原標題|转载|轉載|上一篇|下一篇|"
    r"下转|上接|转[a-z]?\d+版|^\s*第?\d+版|"
    r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\s+\d{1,2}:\d{2}|"
    r"share this|read more|related articles|all rights reserved|subscribe|"
    r"reporting by|editing by|writing by|additional reporting|contributed reporting|^\s*\(?updated\b",
    re.IGNORECASE,
)
_OUTSIDE_NUMBERS = re.compile(f"[#{NUMBER_CHARS}]+")
"""Runs of characters a number can hold (and the ``#`` numbers are replaced by below): what is left must be equal."""
_NUMERIC = re.compile(r"[\d.,:/%\-〇零一二两三四五六七八九十百千万亿年月日号]*")
_MIN_MOVED = 6
_MIN_TRUNCATION = 8
"""Word characters a flank needs to be where one version goes on (a 3-character web tag is not)."""


_REGIONAL_GAP = 2
"""Equal characters between two edits that a regional word may span (创[建]立 / 建立, 依赖[项] / 相依[項])."""


def _regional_runs(ops: list[Opcode], na: Normalized, nb: Normalized, reader: _PhraseReader) -> list[Opcode]:
    """Neighbouring edits that together are one word in two regions' vocabulary, joined into one.

    A simplified and a traditional edition name things differently (创建 / 建立,
    交互式 / 互動式); the aligner matches the characters they share and leaves two
    edits around them. Edits at most ``_REGIONAL_GAP`` characters apart whose joined
    span reads the same through OpenCC's phrase tables become one ``replace``, which
    :func:`_named` then names ``script``. Only between texts of different scripts.
    """
    if reader.traditional[0] == reader.traditional[1]:
        return ops
    out: list[Opcode] = []
    k = 0
    while k < len(ops):
        tag, i1, i2, j1, j2 = ops[k]
        last = k
        if tag != "equal":
            stop = k
            while (
                stop + 2 < len(ops)
                and ops[stop + 1][0] == "equal"
                and ops[stop + 1][2] - ops[stop + 1][1] <= _REGIONAL_GAP
                and ops[stop + 2][0] != "equal"
                and ops[stop + 2][2] - i1 <= _SHORT_RUN
                and ops[stop + 2][4] - j1 <= _SHORT_RUN
            ):
                stop += 2
                a_span = na.original_span(i1, ops[stop][2])
                b_span = nb.original_span(j1, ops[stop][4])
                if reader.same_in_context(na.original, a_span, nb.original, b_span):
                    last = stop
        if last > k:
            out.append(("replace", i1, ops[last][2], j1, ops[last][4]))
        else:
            out.append(ops[k])
        k = last + 1
    return out


def _furniture_runs(ops: list[Opcode], a: Normalized, b: Normalized) -> tuple[list[Opcode], set[int]]:
    """Edits inside datelines, tags, credits and stamps, each such span's edits joined into one.

    An edit is furniture when the text it changes on each side lies within one
    furniture span of that side (:mod:`textversions.furniture`); edits of the same
    span pair, with only equal text between them, become one ``replace``: swapping
    ``新华社北京1月28日电`` for ``本报北京2月3日电`` is one edit, not three.
    Returns the opcodes and the indexes of the furniture edits among them.
    """
    spans_a, spans_b = furniture_of(a), furniture_of(b)
    if not (spans_a or spans_b):
        return ops, set()
    out: list[Opcode] = []
    marked: set[int] = set()
    for op in _split_at_furniture(ops, spans_a, spans_b):
        tag, i1, i2, j1, j2 = op
        span_a = within(spans_a, i1, i2) if i2 > i1 else None
        span_b = within(spans_b, j1, j2) if j2 > j1 else None
        if tag == "equal" or (i2 > i1 and span_a is None) or (j2 > j1 and span_b is None):
            out.append(op)
            continue
        last = max(marked) if marked else -1
        if last >= 0 and all(o[0] == "equal" for o in out[last + 1 :]):
            first = out[last]
            lo_a, lo_b = first[1], first[3]
            joined_a = within(spans_a, lo_a, i2) if i2 > lo_a else None
            joined_b = within(spans_b, lo_b, j2) if j2 > lo_b else None
            if (i2 == lo_a or joined_a) and (j2 == lo_b or joined_b):
                del out[last:]
                marked.discard(last)
                tag = "replace" if i2 > lo_a and j2 > lo_b else "delete" if i2 > lo_a else "insert"
                op = (tag, lo_a, i2, lo_b, j2)
        marked.add(len(out))
        out.append(op)
    return out, marked


def _split_at_furniture(ops: list[Opcode], spans_a: Sequence[tuple[int, int]], spans_b: Sequence[tuple[int, int]]) -> list[Opcode]:
    """Replacements cut at furniture. One that starts (or ends) inside a furniture span of one side and goes on past
    it, the other side holding no furniture, is cut where the span ends (or starts): ``AUSTRIAN`` → ``CORRECTED -
    AUSTRIA`` is a tag put before the headline, and a word changed in it. One that holds furniture on both sides is
    cut where each side enters and leaves its span (paired in order): ``OFFERS SECURITIES\nCOLUMBUS, Ind.`` → ``TO
    SELL 150 MLN DLRS DEBT\nNEW YORK`` is a headline's words changed and a dateline swapped. (What one side alone
    has, a page's tail with its link, is a flank, read whole.)

    >>> _split_at_furniture([("replace", 0, 8, 0, 19)], [], [(0, 12)])
    [('insert', 0, 0, 0, 12), ('replace', 0, 8, 12, 19)]
    >>> _split_at_furniture([("replace", 5, 14, 5, 12)], [(10, 20)], [(9, 18)])
    [('replace', 5, 10, 5, 9), ('replace', 10, 14, 9, 12)]
    >>> _split_at_furniture([("replace", 0, 30, 0, 26)], [(10, 20)], [(6, 17)])
    [('replace', 0, 10, 0, 6), ('replace', 10, 20, 6, 17), ('replace', 20, 30, 17, 26)]
    """
    out: list[Opcode] = []
    for op in ops:
        tag, i1, i2, j1, j2 = op
        touched = _touches(spans_a, i1, i2), _touches(spans_b, j1, j2)
        if tag != "replace" or not any(touched):
            out.append(op)
            continue
        if all(touched):
            inside_a = [span for span in spans_a if span[0] < i2 and span[1] > i1]
            inside_b = [span for span in spans_b if span[0] < j2 and span[1] > j1]
            if len(inside_a) != len(inside_b):
                out.append(op)
                continue
            cuts = [(i1, j1)]
            for (a0, a1), (b0, b1) in zip(inside_a, inside_b):
                cuts += [(max(a0, i1), max(b0, j1)), (min(a1, i2), min(b1, j2))]
            cuts.append((i2, j2))
        else:
            ends = _past_span_end(spans_a, i1, i2), _past_span_end(spans_b, j1, j2)
            starts = _before_span_start(spans_a, ends[0], i2), _before_span_start(spans_b, ends[1], j2)
            cuts = [(i1, j1), ends, starts, (i2, j2)]
        for (lo_a, lo_b), (hi_a, hi_b) in zip(cuts, cuts[1:]):
            if hi_a > lo_a or hi_b > lo_b:
                out.append(("replace" if hi_a > lo_a and hi_b > lo_b else "delete" if hi_a > lo_a else "insert", lo_a, hi_a, lo_b, hi_b))
    return out


def _touches(spans: Sequence[tuple[int, int]], lo: int, hi: int) -> bool:
    """Does some furniture span overlap ``[lo, hi)``?"""
    index = bisect.bisect_left(spans, hi, key=lambda span: span[0]) - 1  # the last span starting before hi
    return lo < hi and index >= 0 and spans[index][1] > lo  # (disjoint and sorted: earlier spans end earlier)


def _past_span_end(spans: Sequence[tuple[int, int]], lo: int, hi: int) -> int:
    """The end of the furniture span that holds ``lo`` where it ends before ``hi``; else ``lo``."""
    span = within(spans, lo, lo + 1)
    return span[1] if span is not None and span[1] < hi else lo


def _before_span_start(spans: Sequence[tuple[int, int]], lo: int, hi: int) -> int:
    """The start of the furniture span that holds the end of ``[lo, hi)`` where it starts after ``lo``; else ``hi``."""
    span = within(spans, hi - 1, hi)
    return span[0] if span is not None and lo < span[0] else hi


def _cosmetic_edits(a: str, b: str, a_off: int, b_off: int) -> list[Edit]:
    """Edits inside text that normalizes equal: whitespace, width, case, script."""
    if a == b:
        return []
    if len(a) * len(b) > MAX_CELLS:
        # Layout alone this large (a megabyte of blank lines): one edit, said plainly.
        return [Edit(_cosmetic_kind(a, b), a, b, (a_off, a_off + len(a)), (b_off, b_off + len(b)), True)]
    edits = []
    for tag, i1, i2, j1, j2 in merge_opcodes(Levenshtein.opcodes(a, b).as_list()):
        if tag == "equal":
            continue
        sa, sb = a[i1:i2], b[j1:j2]
        edits.append(Edit(_cosmetic_kind(sa, sb), sa, sb, (a_off + i1, a_off + i2), (b_off + j1, b_off + j2), True))
    return edits


@functools.lru_cache(maxsize=4096)
def _cosmetic_kind(a: str, b: str) -> str:
    """Which cosmetic change turns ``a`` into ``b`` (cached: a script change repeats the same few pairs)."""
    if _LAYOUT_CHAR.sub("", a) == _LAYOUT_CHAR.sub("", b):
        return "whitespace"
    wa, wb = unicodedata.normalize("NFKC", a), unicodedata.normalize("NFKC", b)
    if "".join(wa.split()) == "".join(wb.split()):
        return "width"
    if "".join(wa.lower().split()) == "".join(wb.lower().split()):
        return "case"
    if only_punctuation(a) and only_punctuation(b):
        return "punctuation"
    return "script"


_CONTEXT = 3
_SHORT_RUN = 8
"""Longest run (in characters) that may read the same through OpenCC's phrase tables."""


class _PhraseReader:
    """Do two short differing runs read the same in simplified script, phrase by phrase?

    Matching folds script one character at a time; some characters convert only
    inside a phrase (瞭解 → 了解), and regions name things differently (軟體 / 软件,
    命令列 / 命令行): OpenCC's phrase dictionaries settle both here, on the runs with
    three characters of context, then one, then none (a neighbouring edit must not
    spoil the context). Taiwan's and Hong Kong's vocabulary is read only between a
    text in simplified and one in traditional script (``traditional``, one flag per
    text): 社群 in simplified text is not 社区.

    A pair's windows are converted together (:meth:`prefetch`): one call to OpenCC
    per table for all of them, joined by a character no window holds, which no
    phrase can span; a window not prefetched is converted on its own.

    >>> _PhraseReader((True, False)).same_in_context("瞭解情況", (0, 2), "了解情况", (0, 2))
    True
    """

    def __init__(self, traditional: tuple[bool, bool]) -> None:
        self.traditional = traditional
        self.converted: dict[tuple[int, str], str] = {}

    def same_in_context(self, a: str, a_span: tuple[int, int], b: str, b_span: tuple[int, int]) -> bool:
        return self.alike(_windows(a, a_span, b, b_span))

    def alike(self, windows: list[tuple[str, str]]) -> bool:
        """Does any of a run's windows (:func:`_windows`) read the same on both sides?"""
        return any(self._read_alike(around_a, around_b) for around_a, around_b in windows)

    def prefetch(self, pairs: list[tuple[str, str]]) -> None:
        """Convert the windows of these ``(around_a, around_b)`` pairs, one OpenCC call per table."""
        wanted: dict[int, set[str]] = {_PLAIN: set()}
        mixed = self.traditional[0] != self.traditional[1]
        for around_a, around_b in pairs:
            wanted[_PLAIN].update((around_a, around_b))
            if mixed:
                simplified, other = (around_a, around_b) if self.traditional[1] else (around_b, around_a)
                for table in (_TW_TO_SIMPLIFIED, _HK_TO_SIMPLIFIED, _TRADITIONAL_TO_TW):
                    wanted.setdefault(table, set()).add(other)
                wanted.setdefault(_SIMPLIFIED_TO_TW, set()).add(simplified)
        for table, windows in wanted.items():
            ordered = sorted(windows - {window for t, window in self.converted if t == table})
            if not ordered:
                continue
            joint = "".join(ordered)
            separator = next((chr(c) for c in range(0xE000, 0xF900) if chr(c) not in joint), None)
            converted = _phrase_converters()[table](separator.join(ordered)).split(separator) if separator else []
            if len(converted) != len(ordered):  # a text of private-use characters: one by one is always right
                converted = [_phrase_converters()[table](window) for window in ordered]
            self.converted.update(((table, w), c) for w, c in zip(ordered, converted))

    def _convert(self, table: int, window: str) -> str:
        found = self.converted.get((table, window))
        if found is None:
            found = self.converted[(table, window)] = _phrase_converters()[table](window)
        return found

    def _read_alike(self, around_a: str, around_b: str) -> bool:
        if self._convert(_PLAIN, around_a) == self._convert(_PLAIN, around_b):
            return True
        if self.traditional[0] == self.traditional[1]:
            return False
        simplified, other = (around_a, around_b) if self.traditional[1] else (around_b, around_a)
        # Both ways: OpenCC's regional tables are not symmetric (預設 → 预设, but 默认 → 預設).
        plain = self._convert(_PLAIN, simplified)
        return (
            self._convert(_TW_TO_SIMPLIFIED, other) == plain
            or self._convert(_HK_TO_SIMPLIFIED, other) == plain
            or self._convert(_SIMPLIFIED_TO_TW, simplified) == self._convert(_TRADITIONAL_TO_TW, other)
        )


def _windows(a: str, a_span: tuple[int, int], b: str, b_span: tuple[int, int]) -> list[tuple[str, str]]:
    """The runs with three characters of context, one, none: the windows :class:`_PhraseReader` compares."""
    if max(a_span[1] - a_span[0], b_span[1] - b_span[0]) > _SHORT_RUN:
        return []
    found = []
    for context in (_CONTEXT, 1, 0):
        # OpenCC's C library stops at a NUL: any other placeholder reads the same on both sides.
        around_a = a[max(0, a_span[0] - context) : a_span[1] + context].replace("\x00", "\ufffd")
        around_b = b[max(0, b_span[0] - context) : b_span[1] + context].replace("\x00", "\ufffd")
        if around_a and around_b:
            found.append((around_a, around_b))
    return found


_PLAIN, _TW_TO_SIMPLIFIED, _HK_TO_SIMPLIFIED, _SIMPLIFIED_TO_TW, _TRADITIONAL_TO_TW = range(5)


@functools.cache
def _phrase_converters() -> tuple[Callable[[str], str], ...]:
    """OpenCC's phrase-level conversions: to simplified (plain, Taiwan's and Hong Kong's vocabulary), then
    simplified to Taiwan's vocabulary and traditional to Taiwan's standard characters."""
    return tuple(converter(config) for config in ("t2s", "tw2sp", "hk2s", "s2twp", "t2tw"))


_SCRIPT_SAMPLE = 4000


@functools.lru_cache(maxsize=16)
def is_traditional(text: str) -> bool:
    """Is ``text`` written in traditional script? (Over 3% of its Han characters fold to another character.)

    >>> is_traditional("奮戰在抗疫一線"), is_traditional("奋战在抗疫一线")
    (True, False)
    """
    codes = code_points(text[:_SCRIPT_SAMPLE])
    codes = codes[(codes >= 0x4E00) & (codes <= 0x9FFF)]
    if not len(codes):
        return False
    return int((_script_chars()[codes] != codes).sum()) > 0.03 * len(codes)


def _lines_match(text: str, pattern: re.Pattern[str]) -> bool:
    lines = [line for line in text.splitlines() if line.strip()]
    return bool(lines) and all(pattern.search(line) for line in lines)


def _line_start(text: str, pos: int) -> str:
    start = text.rfind("\n", 0, pos) + 1
    return text[start : pos + 1]


def _number_detail(a: str, b: str) -> dict[str, Any] | None:
    """Values of the number that changed, if numbers are all that changed (one of them may be written in English
    words: five → 16, six pct → 6 pct)."""
    spelled = _spelled_number(a, b)
    if spelled is not None:
        return spelled
    if _OUTSIDE_NUMBERS.sub("", a) != _OUTSIDE_NUMBERS.sub("", b):
        return None  # something besides numbers changed (a quick test: a long page flank is never a number)
    tokens_a, tokens_b = NUMBER.findall(a), NUMBER.findall(b)
    if not (tokens_a or tokens_b) or tokens_a == tokens_b:
        return None
    if not (tokens_a and tokens_b) and all(len(token) == 1 and not token.isdigit() for token in tokens_a + tokens_b):
        return None  # 一个 → 个: a word lost its 一, no number changed
    if NUMBER.sub("#", a) != NUMBER.sub("#", b) and not (_NUMERIC.fullmatch(a) and _NUMERIC.fullmatch(b)):
        return None
    changed = [(x, y) for x, y in zip(tokens_a, tokens_b) if x != y] or [
        (tokens_a[0] if tokens_a else "", tokens_b[0] if tokens_b else "")
    ]
    token_a, token_b = changed[0]
    va = token_value(token_a) if token_a else None
    vb = token_value(token_b) if token_b else None
    return _values(token_unit(token_a or token_b), va, vb)


def _values(unit: str, va: float | str | None, vb: float | str | None) -> dict[str, Any]:
    """A number edit's detail: its unit, both values, and their ratio where both are numbers."""
    detail: dict[str, Any] = {"unit": unit, "a_value": va, "b_value": vb}
    if isinstance(va, float) and isinstance(vb, float) and va:
        detail["ratio"] = round(vb / va, 6)
    return detail


def _spelled_number(a: str, b: str) -> dict[str, Any] | None:
    """The detail of a number written in English words on one side and in words or figures on the other, or None.

    >>> _spelled_number("five", "16")["ratio"], _spelled_number("six", "6")["b_value"], _spelled_number("five", "fiver")
    (3.2, 6.0, None)
    """
    word_a, word_b = in_words(a), in_words(b)
    if word_a is None and word_b is None:
        return None
    va = word_a if word_a is not None else parse_number(a)
    vb = word_b if word_b is not None else parse_number(b)
    if va is None or vb is None:
        return None
    return _values("percent" if "percent" in (token_unit(a.strip()), token_unit(b.strip())) else "number", va, vb)


def _substitution_detail(a: str, b: str, before: str, after: str) -> dict[str, Any]:
    """Is the change inside a name, do the characters look or sound alike, and is one word a respelling or an
    abbreviation of the other?"""
    detail: dict[str, Any] = {}
    name = probable_name(before, b, after)
    if name:
        detail["name"] = name
    if _respelled(a, b):
        detail["spelling"] = True
    elif _abbreviated(a, b) or _abbreviated(b, a):
        detail["abbreviation"] = True
    if len(a) == len(b):
        pairs = [(x, y) for x, y in zip(a, b) if x != y]
        if pairs and all(look_alike(x, y) for x, y in pairs):
            detail["look_alike"] = True
        if pairs and all(sound_alike(x, y) for x, y in pairs):
            detail["sound_alike"] = True
    return detail


_LETTER_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’-])*\.?")


def _cased_word(text: str) -> bool:
    """Is ``text`` one word of a script with capitals (Latin, Greek, Cyrillic …), letters only? Han characters have
    no case: 十三届 / 十四届 is no respelling."""
    return bool(_LETTER_WORD.fullmatch(text)) and text != text.upper()


def _respelled(a: str, b: str) -> bool:
    """Are two words of four letters or more one letter apart inside them — one changed, added, dropped, or two
    swapped: a misspelling or its correction (hosuing / housing, recue / rescue), a spelling of another country
    (stabilise / stabilize)? Not at the end, where English inflects (effect / effects, idle / idled), nor at the
    start, where names of one family differ (xzgrep / zgrep, lzcat / xzcat).

    >>> _respelled("hosuing", "housing"), _respelled("recue", "rescue"), _respelled("effect", "effects")
    (True, True, False)
    >>> _respelled("xzgrep", "zgrep"), _respelled("développement", "développment"), _respelled("十三届全国", "十四届全国")
    (False, True, False)
    """
    if not (_cased_word(a) and _cased_word(b)) or min(len(a), len(b)) < 4 or a == b:
        return False
    if OSA.distance(a, b) != 1:
        return False
    shorter = min(len(a), len(b))
    first = next((n for n, (x, y) in enumerate(zip(a, b)) if x != y), shorter)
    return 0 < first < shorter - 1


def _abbreviated(short: str, word: str) -> bool:
    """Is the word ``short`` an abbreviation of the word ``word`` (:func:`~textversions.subjects.abbreviates`, marked
    or not: cts / cents, jan / january)? A word a letter or two longer is another form (program / programme), and so
    is an inflected one (sell / selling).

    >>> _abbreviated("jan", "january"), _abbreviated("cts", "cents"), _abbreviated("program", "programme")
    (True, True, False)
    """
    return _cased_word(short) and _cased_word(word) and abbreviates(short, word, marked=False)


def _capitalized(original: str, span: tuple[int, int]) -> bool:
    """Are the words an edit changes capitalized in a line that is not all capitals (a name: Mulford, Nova Scotia)?

    The edit is widened to whole words first (``S`` of ``Scotia`` is the word ``Scotia``).
    """
    start, end = span
    while start > 0 and (original[start - 1].isalnum() or original[start - 1] in "'’-"):
        start -= 1
    while end < len(original) and (original[end].isalnum() or original[end] in "'’-"):
        end += 1
    words = NAME_WORD.findall(original, start, end)
    if len(words) == 1 and opens_sentence(original, start):
        return False  # one capitalized word opening a sentence may be any word
    line_start, line_end = original.rfind("\n", 0, start) + 1, original.find("\n", end)
    line = original[line_start : line_end if line_end >= 0 else len(original)]
    return bool(words) and all(w[0].isupper() for w in words) and any(c.islower() for c in line)


def _unit(text: str) -> str:
    """How much text an insertion or deletion holds: character … paragraph."""
    core = text.strip()
    if "\n" in core or len(core) >= 150:
        return "paragraph"
    if len(core) <= 1:
        return "character"
    if core[-1] in "。！？.!?" and len(core) >= 8:
        return "sentence"
    if any(mark in core for mark in "，,；;、") or len(core) >= 8:
        return "clause"
    return "word"


def _named(
    seg: Segment,
    na: Normalized,
    nb: Normalized,
    *,
    container: str | None,
    reader: _PhraseReader,
    windows: list[tuple[str, str]],
) -> list[Edit]:
    """The edit (or edits: a flank's furniture lines and truncation) that a changed segment is, cosmetic or not."""
    a_text = na.original[seg.a_orig[0] : seg.a_orig[1]]
    b_text = nb.original[seg.b_orig[0] : seg.b_orig[1]]
    a_norm, b_norm = na.text[seg.a[0] : seg.a[1]], nb.text[seg.b[0] : seg.b[1]]
    detail: dict[str, Any] = {}
    if a_norm and b_norm:
        words_equal = same_words(a_norm, b_norm)
    else:
        words_equal = only_punctuation(a_norm or b_norm)
    number = _number_detail(a_norm, b_norm) if words_equal else None
    punctuation_only = words_equal and number is None
    if punctuation_only:
        kind = "whitespace" if a_norm.replace(" ", "") == b_norm.replace(" ", "") else "punctuation"
        return [Edit(kind, a_text, b_text, seg.a_orig, seg.b_orig, True)]
    if seg.furniture:
        return [Edit("boilerplate", a_text, b_text, seg.a_orig, seg.b_orig, False)]
    if seg.flank and not _is_repeat(seg, na.text if a_text else nb.text):
        side = "a" if a_text else "b"
        if container == side:
            return [Edit("surrounding", a_text, b_text, seg.a_orig, seg.b_orig, True)]
        if len(without_punctuation(a_norm or b_norm)) >= _MIN_TRUNCATION and not _in_headline(seg, na, nb):
            return _split_boilerplate(seg, a_text, b_text)
    if not words_equal:  # looked for only now: a page's flank is long, and never a number
        number = _number_detail(a_norm, b_norm)
    only = a_text if not b_text else b_text if not a_text else ""
    only_orig = na.original if not b_text else nb.original
    only_start = seg.a_orig[0] if not b_text else seg.b_orig[0]
    if reader.alike(windows):
        return [Edit("script", a_text, b_text, seg.a_orig, seg.b_orig, True)]
    if number is not None and number["a_value"] is not None and number["a_value"] == number["b_value"]:
        return [Edit("numeral", a_text, b_text, seg.a_orig, seg.b_orig, True, number)]
    if number is not None:
        kind, detail = "number", number
    elif only and (_CAPTION.match(only) or _CAPTION.match(_line_start(only_orig, only_start))):
        kind = "caption"
    elif only and _lines_match(only, _BOILERPLATE):
        kind = "boilerplate"
    elif only and _is_repeat(seg, na.text if a_text else nb.text):
        kind = "repeated"
    elif a_text and b_text:
        kind = "substitution"
        text, lo, hi = nb.text, seg.b[0], seg.b[1]
        detail = _substitution_detail(a_norm, b_norm, text[max(0, lo - 12) : lo], text[hi : hi + 12])
        if "name" not in detail and _capitalized(na.original, seg.a_orig) and _capitalized(nb.original, seg.b_orig):
            detail["name"] = "proper"
        if len(a_norm) == len(b_norm) == 1 and detail.get("look_alike") and not detail.get("sound_alike"):
            detail["likely_ocr"] = True  # a candidate: _corroborated_slips keeps it only with company
        if _lost_in_encoding(a_text, b_text):
            detail["encoding_loss"] = True
    else:
        kind = "deletion" if a_text else "insertion"
        detail = {"unit": _unit(a_text or b_text)}
        text, (lo, hi) = (na.text, seg.a) if a_text else (nb.text, seg.b)
        if hi - lo == 1 and text[lo].isalnum() and text[lo] in text[max(0, lo - 1) : lo] + text[hi : hi + 1]:
            detail["likely_ocr"] = True  # a doubled character, printed twice or read twice
    return [Edit(kind, a_text, b_text, seg.a_orig, seg.b_orig, False, detail)]


_SLACK = 8


def _in_headline(seg: Segment, na: Normalized, nb: Normalized) -> bool:
    """Is a flank that opens one text part of its first line, the rest of the line and more text following? A
    headline reworded (U.S HOUSE LEADER URGES FARM CREDIT CAUTION / FARM CREDIT CAUTION URGED BY HOUSE LEADER) is
    no text cut at its start."""
    original, (lo, hi) = (na.original, seg.a_orig) if seg.a_orig[1] > seg.a_orig[0] else (nb.original, seg.b_orig)
    line_end = original.find("\n", hi)
    return not original[:lo].strip() and "\n" not in original[lo:hi] and line_end > hi and bool(original[hi:line_end].strip())


def _lost_in_encoding(a_text: str, b_text: str) -> bool:
    """Does one side stand, character for character, for what an encoding could not hold: ``?`` or U+FFFD for a
    character beyond ASCII, or a private-use character (a font's own glyph) for any?

    >>> _lost_in_encoding("臺灣", "?灣"), _lost_in_encoding("\ue02f", "窑"), _lost_in_encoding("吗", "?")
    (True, True, True)
    >>> _lost_in_encoding("a", "?"), _lost_in_encoding("臺", "台"), _lost_in_encoding("臺前．", "? 前 ，")
    (False, False, True)
    """
    a, b = "".join(a_text.split()), "".join(b_text.split())
    if len(a) != len(b) or not a:
        return False
    lost = [_lost_mark(x, y) or _lost_mark(y, x) for x, y in zip(a, b) if x != y and not _both_punctuation(x, y)]
    return bool(lost) and all(lost)


def _both_punctuation(x: str, y: str) -> bool:
    """Two punctuation marks (an edition's 、 where the other has ，): beside a lost character, not a change of it."""
    return unicodedata.category(x)[0] == unicodedata.category(y)[0] == "P" and "?" not in (x, y)


def _lost_mark(mark: str, character: str) -> bool:
    """Is ``mark`` what an encoding left of ``character``?"""
    private = 0xE000 <= ord(mark) <= 0xF8FF
    return private or (mark in "?\ufffd" and (ord(character) > 0x7F or 0xE000 <= ord(character) <= 0xF8FF))


def _is_repeat(seg: Segment, text: str) -> bool:
    """Is the inserted (or deleted) run a second copy of the text right beside it?

    The aligner may slide the copy along the text it repeats, which turns it
    around (a rotation), so any rotation of it next to it counts.
    """
    lo, hi = seg.a if seg.a[1] > seg.a[0] else seg.b
    size = hi - lo
    if size < 4 or size > 2000:
        return False
    copy = text[lo:hi]
    beside = text[max(0, lo - size - _SLACK) : lo] + text[hi : hi + size + _SLACK]
    doubled = copy + copy
    return any(beside[k : k + size] in doubled for k in range(len(beside) - size + 1))


def _split_boilerplate(seg: Segment, a_text: str, b_text: str) -> list[Edit]:
    """A flank of one text: web header and footer lines are boilerplate, the rest truncation."""
    text = a_text or b_text
    start = seg.a_orig[0] if a_text else seg.b_orig[0]
    lines = text.splitlines(keepends=True)

    def furniture(line: str) -> bool:
        return only_punctuation(line) or _BOILERPLATE.search(line) is not None or _furniture_line(line)

    head = 0
    while head < len(lines) and furniture(lines[head]):
        head += 1
    tail = len(lines)
    while tail > head and furniture(lines[tail - 1]):
        tail -= 1
    cuts = [0, sum(map(len, lines[:head])), sum(map(len, lines[:tail])), len(text)]
    kinds = ("boilerplate", "truncation", "boilerplate")
    edits = []
    for lo, hi, kind in zip(cuts, cuts[1:], kinds):
        if hi <= lo:
            continue
        span = (start + lo, start + hi)
        if a_text:
            edits.append(Edit(kind, text[lo:hi], "", span, (seg.b_orig[0], seg.b_orig[0]), False))
        else:
            edits.append(Edit(kind, "", text[lo:hi], (seg.a_orig[0], seg.a_orig[0]), span, False))
    return _absorb_blank(edits)


def _furniture_line(line: str) -> bool:
    """Is the line nothing but furniture (a stamp, a tag, a credit) and punctuation?"""
    normalized = normalize(line)
    text = normalized.text
    spans = list(furniture_of(normalized))
    rest = "".join(text[end:start] for (_, end), (start, _) in zip([(0, 0)] + spans, spans + [(len(text), 0)]))
    return bool(spans) and only_punctuation(rest)


def _absorb_blank(edits: list[Edit]) -> list[Edit]:
    """Join edits that are only blank lines to a neighbour, so every edit says something."""
    out: list[Edit] = []
    for edit in edits:
        if out and (_blank(edit) or _blank(out[-1])):
            last = out.pop()
            out.append(_joined(last, edit, edit.kind if _blank(last) else last.kind))
        else:
            out.append(edit)
    return out


def _blank(edit: Edit) -> bool:
    return not (edit.a_text + edit.b_text).strip()


def _moved_key(text: str) -> str:
    """What must be equal for a passage to count as moved: its words, not its punctuation."""
    return without_punctuation(normalize(text).text)


_MOVED_SIMILARITY = 0.85
"""How alike a deleted and an inserted passage must read (normalized Indel similarity of their words)."""


def _mark_moved(edits: list[Edit]) -> list[Edit]:
    """A passage (a caption too) deleted in one place and inserted in another has moved.

    The two need not read alike letter for letter: an aligner may slide an edit
    along the text it repeats (…健康。你们 / 你们…健康。), which turns it around, and
    a moved paragraph of an OCR'd page carries its own slips. So a rotation of the
    same words counts, and so does a passage whose words are at least 85% alike.
    """
    deleted: list[tuple[int, str]] = []
    for index, edit in enumerate(edits):
        if edit.kind in ("deletion", "truncation", "caption") and not edit.b_text:
            key = _moved_key(edit.a_text)
            if len(key) >= _MIN_MOVED:
                deleted.append((index, key))
    out = list(edits)
    for index, edit in enumerate(edits):
        if edit.kind not in ("insertion", "truncation", "caption") or edit.a_text or not deleted:
            continue
        key = _moved_key(edit.b_text)
        if len(key) < _MIN_MOVED:
            continue
        match = _moved_source(key, deleted)
        if match is None:
            continue
        source, _ = deleted.pop(match)
        gone = edits[source]
        out[source] = Edit("moved", gone.a_text, "", gone.a_span, gone.b_span, False, {"to": list(edit.b_span)})
        out[index] = Edit("moved", "", edit.b_text, edit.a_span, edit.b_span, False, {"from": list(gone.a_span)})
    return out


_FIGURE_GAP = 6
"""Characters, at most, between a reworded phrase and the figure it moved (``{{文件 1 的路径}}`` / ``{{檔案/完整/路徑1}}``)."""


def _figures_in_place(edits: list[Edit], a: str, b: str) -> list[Edit]:
    """A figure that only moves inside a reworded phrase is no number change.

    ``{{文件 1 的路径}}`` → ``{{檔案/完整/路徑1}}`` aligns as ``文件 1 的`` replaced, ``路径``
    kept and ``1`` inserted after it: the figure left with the rewording and came back
    a few characters on. When a number only inserted (or only deleted) stands within
    ``_FIGURE_GAP`` characters of a substantive edit that deletes (or inserts) the same
    figure, with only cosmetic edits between, the two and what lies between are one
    substitution.

    >>> [(e.kind, e.a_text, e.b_text) for e in _figures_in_place([
    ...     Edit("substitution", "文件 1 的", "檔案/完整/", (3, 9), (3, 9), False),
    ...     Edit("number", "", "1", (11, 11), (11, 12), False)], "`{{文件 1 的路径}}`", "`{{檔案/完整/路徑1}}`")]
    [('substitution', '文件 1 的路径', '檔案/完整/路徑1')]
    """
    out: list[Edit] = []
    for edit in edits:
        figure = edit.b_text.strip() if not edit.a_text.strip() else edit.a_text.strip() if not edit.b_text.strip() else ""
        partner = _partner(out, edit, figure) if edit.kind == "number" and figure else None
        if partner is None:
            out.append(edit)
            continue
        first = out[partner]
        del out[partner:]
        a_span, b_span = (first.a_span[0], edit.a_span[1]), (first.b_span[0], edit.b_span[1])
        out.append(Edit("substitution", a[slice(*a_span)], b[slice(*b_span)], a_span, b_span, False))
    return out


def _partner(before: list[Edit], edit: Edit, figure: str) -> int | None:
    """The index in ``before`` of the reworded phrase a number ``edit`` moved ``figure`` out of, if there is one."""
    for index in range(len(before) - 1, -1, -1):
        other = before[index]
        if edit.a_span[0] - other.a_span[1] > _FIGURE_GAP or edit.b_span[0] - other.b_span[1] > _FIGURE_GAP:
            return None
        if other.cosmetic:
            continue
        gone = other.a_text if edit.b_text.strip() else other.b_text  # the side the figure left
        stays = other.b_text if edit.b_text.strip() else other.a_text
        moved = figure in NUMBER.findall(gone) and figure not in NUMBER.findall(stays)
        return index if moved and other.kind in ("substitution", "deletion", "insertion") else None
    return None


def _corroborated_slips(edits: list[Edit]) -> list[Edit]:
    """Keep ``likely_ocr`` only where the pair reads as OCR'd text, not as editing.

    A scanner misreads shapes at random: its slips are scattered, each a
    different confusion, and they come in numbers. So a candidate slip (a
    look-alike character that does not sound alike — 星锋/星峰 share a reading and
    are a name typed two ways — or a doubled character) stays flagged only when

    * its substitution does not repeat in the pair: 到 → 至 at every occurrence
      is a translator's or an edition's choice, not a misreading; and
    * the pair holds at least one other such slip: one look-alike substitution
      alone is as likely an editor's word (通过/透過, 作/做) as a misread.

    >>> from textversions import compare
    >>> [e.detail.get("likely_ocr", False) for e in compare("设卡检查，守护健康", "设卡检检查，守护健康").edits]
    [False]
    """
    candidates = [n for n, edit in enumerate(edits) if edit.detail.get("likely_ocr")]
    changes = Counter((edits[n].a_text, edits[n].b_text) for n in candidates if edits[n].kind == "substitution")
    kept = [n for n in candidates if edits[n].kind != "substitution" or changes[edits[n].a_text, edits[n].b_text] == 1]
    if len(kept) >= _MIN_SLIPS and len(kept) == len(candidates):
        return edits
    out = list(edits)
    for n in set(candidates) - set(kept if len(kept) >= _MIN_SLIPS else []):
        edit = edits[n]
        detail = {key: value for key, value in edit.detail.items() if key != "likely_ocr"}
        out[n] = Edit(edit.kind, edit.a_text, edit.b_text, edit.a_span, edit.b_span, edit.cosmetic, detail)
    return out


_MIN_SLIPS = 2
"""Scattered slips a pair needs before any of them is called a likely OCR slip."""

_HAN_WORD = re.compile(r"[\u3400-\u9fff]+")
_WORDING_LENGTH = 4
"""Characters, at most, of a word two editions write differently throughout (依赖 / 相依, 软件包 / 套件)."""
_WORDING_TIMES = 2
"""Times, at least, a pair swaps a word one way for it to be the editions' wording."""


def _edition_wording(edits: list[Edit], na: Normalized, nb: Normalized) -> list[Edit]:
    """Between two editions in different scripts, the words they write differently throughout are their wording:
    ``script`` edits (cosmetic), with ``detail["throughout"]`` the times the pair swaps that word.

    OpenCC's tables hold the regional vocabulary they hold (软件 / 軟體); two editions
    also differ in words no table lists (依赖 / 相依, 软件包 / 套件, 阿 / 啊). What tells
    such a word from an edit is consistency: the pair swaps it at least twice, one
    way only, and neither edition ever writes the other's word (read in the normalized
    texts ``na`` and ``nb``, folded to one script). A substitution made of such words and
    nothing else (添加依赖 / 新增相依) is wording too. A name is never wording: a name
    corrected throughout (谭巧珍 / 覃巧珍) stays a substitution.

    >>> from textversions import compare
    >>> edits = compare("安装依赖。添加依赖到项目。删除依赖。", "安裝相依。添加相依到項目。刪除相依。").edits
    >>> [(e.kind, e.a_text, e.b_text, e.detail) for e in edits if not e.cosmetic or e.detail]
    [('script', '依赖', '相依', {'throughout': 3}), ('script', '依赖', '相依', {'throughout': 3}), ('script', '依赖', '相依', {'throughout': 3})]
    """
    words = [_wording_core(edit, na, nb) for edit in edits]
    # A swap the pair reads as a name anywhere (科长谭巧珍 …) is a name at every occurrence.
    named = {core for core, edit in zip(words, edits) if core and edit.detail.get("name")}
    counted = Counter(core for core in words if core and len(core[0]) <= _WORDING_LENGTH and len(core[1]) <= _WORDING_LENGTH)
    swaps = {
        x: y for (x, y), times in counted.items()
        if times >= _WORDING_TIMES and x not in nb.text and y not in na.text and (x, y) not in named
    }
    if not swaps:
        return edits
    pattern = re.compile("|".join(map(re.escape, sorted(swaps, key=len, reverse=True))))
    out = list(edits)
    for n, core in enumerate(words):
        if core and core not in named and pattern.sub(lambda found: swaps[found.group()], core[0]) == core[1]:
            times = max(counted[x, swaps[x]] for x in pattern.findall(core[0]))
            edit = edits[n]
            out[n] = Edit("script", edit.a_text, edit.b_text, edit.a_span, edit.b_span, True, {"throughout": times})
    return out


def _wording_core(edit: Edit, na: Normalized, nb: Normalized) -> tuple[str, str] | None:
    """The Han words a substitution swaps, as the normalized texts have them (folded to one script; punctuation and
    spaces left out), or None."""
    if edit.kind != "substitution" or edit.slip:
        return None
    if not all(only_punctuation(_HAN_WORD.sub("", text)) for text in (edit.a_text, edit.b_text)):
        return None  # letters or digits of another script beside the Han words
    x, y = (
        "".join(_HAN_WORD.findall(n.text, *n.normalized_span(*span))) for n, span in ((na, edit.a_span), (nb, edit.b_span))
    )
    return (x, y) if x and y and x != y else None


def _moved_source(key: str, deleted: list[tuple[int, str]]) -> int | None:
    """Which deleted passage ``key`` (an inserted one) is: a rotation of it, else the most alike."""
    best, best_score = None, _MOVED_SIMILARITY
    for n, (_, gone_key) in enumerate(deleted):
        if len(gone_key) == len(key) and key in gone_key + gone_key:
            return n
        if abs(len(gone_key) - len(key)) > (1 - _MOVED_SIMILARITY) * max(len(key), len(gone_key)):
            continue
        score = Indel.normalized_similarity(key, gone_key, score_cutoff=best_score)
        if score > best_score:
            best, best_score = n, score
    return best


def typed_edits(
    na: Normalized,
    nb: Normalized,
    ops: list[Opcode],
    *,
    regions: tuple[tuple[int, int], tuple[int, int]] | None = None,
    container: str | None = None,
) -> list[Edit]:
    """Typed edits on the original texts for opcodes over their normalized forms.

    ``regions`` are the normalized spans the alignment's anchors cover in each
    text: an insertion or deletion wholly outside them, at a text's start or end,
    is a flank (surrounding page text, or a truncation). ``container`` (``"a"``,
    ``"b"`` or ``None``) says which text is the page around the other.
    """
    reader = _PhraseReader((is_traditional(na.original), is_traditional(nb.original)))
    ops = placed(ops, na.text, nb.text)
    ops = _regional_runs(ops, na, nb, reader)
    ops, furniture = _furniture_runs(ops, na, nb)
    ops, furniture = chunked(ops, furniture)
    placed_segments = segments(na, nb, ops, regions=regions, furniture=furniture)
    windows = [
        _windows(na.original, seg.a_orig, nb.original, seg.b_orig) if seg.tag != "equal" else []
        for seg in placed_segments
    ]
    reader.prefetch([window for around in windows for window in around])
    edits: list[Edit] = []
    for seg, around in zip(placed_segments, windows):
        if seg.tag == "equal":
            a_text = na.original[seg.a_orig[0] : seg.a_orig[1]]
            b_text = nb.original[seg.b_orig[0] : seg.b_orig[1]]
            edits.extend(_cosmetic_edits(a_text, b_text, seg.a_orig[0], seg.b_orig[0]))
        else:
            edits.extend(_named(seg, na, nb, container=container, reader=reader, windows=around))
    edits = _corroborated_slips(_mark_moved(_figures_in_place(_absorb_layout(edits), na.original, nb.original)))
    return _edition_wording(edits, na, nb) if reader.traditional[0] != reader.traditional[1] else edits


_LINE_KINDS = frozenset({"insertion", "deletion", "caption", "boilerplate", "truncation", "repeated"})


def _joined(first: Edit, second: Edit, kind: str) -> Edit:
    return Edit(
        kind,
        first.a_text + second.a_text,
        first.b_text + second.b_text,
        (first.a_span[0], second.a_span[1]),
        (first.b_span[0], second.b_span[1]),
        False,
        (second if kind == second.kind else first).detail,
    )


def _absorb_layout(edits: list[Edit]) -> list[Edit]:
    """Line breaks around an inserted or deleted line belong to that edit."""
    out: list[Edit] = []
    for edit in edits:
        if out:
            last = out[-1]
            touching = last.a_span[1] == edit.a_span[0] and last.b_span[1] == edit.b_span[0]
            if touching and last.kind == "whitespace" and edit.kind in _LINE_KINDS:
                out[-1] = _joined(last, edit, edit.kind)
                continue
            if touching and edit.kind == "whitespace" and last.kind in _LINE_KINDS:
                out[-1] = _joined(last, edit, last.kind)
                continue
        out.append(edit)
    return out
