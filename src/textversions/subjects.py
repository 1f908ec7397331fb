"""What a template leaves open: the numbers, dates, identifiers and titles that name a story's subject.

Notices built on one template — a daily epidemic report, an expulsion notice for
another official, a documentation page for another command — align almost
completely, yet an editor calls them different stories: what differs is *who*,
*when* and *what*. A version of one story keeps most of these and changes a few.
:func:`subject_change` measures it: the share of the subject tokens of both
texts that the other text does not have.

Subject tokens, found in normalized text:

* numbers, dates and times (:data:`textversions.numbers.NUMBER`), but not a lone
  or repeated Han numeral (一些, 统一, 一一 are words);
* titles in 《…》;
* in text with a fair share of Han characters, Latin words and identifiers
  (command names, product names, ``magick montage``). In alphabetic text every
  word is Latin, so there only numbers, dates and titles count.

Noise changes subject tokens too: an OCR'd page doubles a digit here and drops a
letter there. So the measure forgives as many slips (a token one character off, or
cut in two) as the rest of the text's own rate of change explains, up to what noise
does (:data:`_NOISE_CEILING` of the characters): a template pair changes far more,
and a rewritten story (the next day's, its bid raised again) is no noisier for it.

Tokens inside furniture (a dateline, an update stamp: :mod:`textversions.furniture`)
say who sent the story and when, not what it is about: they do not count. An English
wire dateline (``NEW YORK, March 3 -``), which only the original text shows, is read:
its date is often all that tells one day's market report from the next day's.

In alphabetic text a template's open slots are often one name — a fund family's
payout notices, eurobond issues led by one bank — and the rest (amounts, dates,
terms) is the same on the day, so the share of changed tokens stays low.
:func:`names_apart` asks the editor's question instead: does each text's lead (its
opening sentence) name someone or something the other text never mentions? A
version keeps the subject its lead names; a corrected figure or an added
paragraph does not change it. In Chinese text a page's heading names its subject
(``# unxz`` / ``# xzcat``: two commands' pages of one template).

A template's notices are often told apart by one date, with few other tokens to
count: tomorrow's broadcast of the opening session, and of the closing one.
:func:`dates_apart` reads the dates each text states: texts that report different
days are different stories.

>>> from textversions.normalize import normalize
>>> [normalize("国家卫生健康委今天（10月3日）通报：新增确诊病例240例。").text[s:e]
...  for s, e in subject_tokens(normalize("国家卫生健康委今天（10月3日）通报：新增确诊病例240例。").text)]
['10月3日', '240']
"""

from __future__ import annotations

import bisect
import functools
import math
import re
from collections import Counter
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Indel, Levenshtein

from .furniture import body_start, furniture_of, furniture_spans, wire_dateline, within
from .normalize import Normalized, code_points, converter
from .numbers import NUMBER, in_words, token_unit, token_value
from .shingle import alphabetic, shingle_hashes

__all__ = [
    "SubjectChange", "subject_tokens", "subject_change", "swapped_names", "lead_names", "names_apart", "apart_by_names",
    "opens_sentence", "abbreviates", "written_names", "written_heading", "NAME_WORD", "stated_dates", "dates_apart",
    "sent_apart", "SentApart", "kept_heading_and_figures", "KeptFigures",
]  # fmt: skip

_TITLE = re.compile(r"《[^》\n]{1,40}》")
_LATIN = re.compile(r"[a-z][a-z0-9_+-]*(?:\.[a-z0-9_+-]+)*")
_NOT_A_LETTER = re.compile(r"[\W_]+")
_ANY_HAN = re.compile(r"[\u3400-\u9fff]")
_HAN_SHARE = 0.1
"""Han characters among letters above which Latin words count as subject tokens."""


@functools.lru_cache(maxsize=8)
def subject_tokens(text: str) -> tuple[tuple[int, int], ...]:
    """Spans of the subject tokens of a normalized text, in order (they may nest: a number inside a title)."""
    # A figure's English scale or percent word (1.1 mln, 5 pct) is no part of the subject: the figure is.
    spans = [
        (m.start(), m.start() + figure.end(1)) if (figure := _FIGURE_WITH_WORD.match(m.group())) else m.span()
        for m in NUMBER.finditer(text)
        if m.group().isdigit() or len(set(m.group())) > 1
    ]
    spans += [m.span() for m in _TITLE.finditer(text)]
    spans += [(start, end) for start, end in _identifiers(text) if end - start >= 2]
    furniture = furniture_spans(text)
    return tuple(sorted(span for span in spans if not within(furniture, *span)))


_FIGURE_WITH_WORD = re.compile(r"(\d[\d.,]*) ?[a-z]")
"""A figure with a word after it (``1.1 mln``, ``5 pct``); group 1 the figure."""


@functools.lru_cache(maxsize=8)
def _identifiers(text: str) -> tuple[tuple[int, int], ...]:
    """Spans of the Latin words and identifiers of a normalized text with a fair share of Han characters (none in
    alphabetic text, where every word is Latin)."""
    codes = code_points(text)
    han = int(((codes >= 0x3400) & (codes <= 0x9FFF)).sum())
    latin = tuple(m.span() for m in _LATIN.finditer(text))
    return latin if han and han >= _HAN_SHARE * (han + sum(end - start for start, end in latin)) else ()


_WORD = re.compile(r"[^\W\d_](?:[\w'’&-]|\.(?=[^\W\d_]))*")
"""A word of an alphabetic script; ``U.S`` and ``E.F`` are one word (their last period is not kept)."""
_OPENS_SENTENCE = re.compile(r"(?:[.!?:;\"“”(\[—–-]|(?:^|\n)[ \t]*[#>*]*)\s*$")
"""What stands before a word that opens a sentence: an end of sentence, a colon, a quote, a bracket or a dash, or a
line's start with its Markdown marks (``# ``, ``> ``, ``* ``)."""
NAME_WORD = re.compile(r"[^\W\d_][\w'’&.-]*")
"""A word as names are compared: letters first, then letters, digits, apostrophes, ``&``, periods and hyphens."""
_JOINS_NAME = re.compile(r"\.?[ \t]*\n?")
"""What may stand between two words of one name: spaces, an abbreviation's period, one line break where the line
wraps (a line that starts indented is a new paragraph or a table's row: ``Pay April One`` / ``Record March 14``)."""


def opens_sentence(text: str, start: int) -> bool:
    """Does the word at ``start`` open a sentence, a line or a clause after a dash or a quote?

    >>> opens_sentence("It rained. The bank", 11), opens_sentence("said The Bank", 5)
    (True, False)
    """
    return _OPENS_SENTENCE.search(text[max(0, start - 8) : start]) is not None


def _names(normalized: Normalized, *, openers: bool = False) -> list[tuple[int, int]]:
    """Spans, in the normalized text, of the names in an alphabetic original: runs of capitalized words
    that do not open a sentence, outside lines written in capitals (a headline). With ``openers``, a run that
    opens a sentence keeps its first word (``NOTE: Franklin Insured Fund``): then only runs of two words or more."""
    runs = _capitalized_runs(normalized.original)
    # A capitalized word opening a sentence may be any word (The, Payable): the name is what follows it.
    if openers:
        spans = [(words[0][0], words[-1][1]) for words, _ in runs if len(words) > 1]
    else:
        spans = [(words[1][0] if opens else words[0][0], words[-1][1]) for words, opens in runs if len(words) > 1 or not opens]
    starts = np.searchsorted(normalized.offsets, [start for start, _ in spans])
    ends = np.searchsorted(normalized.offsets, [end for _, end in spans])
    return [(int(s), int(e)) for s, e in zip(starts, ends) if e > s]


@functools.lru_cache(maxsize=8)
def _capitalized_runs(original: str) -> tuple[tuple[tuple[tuple[int, int], ...], bool], ...]:
    """The runs of capitalized words of an original text outside lines in capitals, each with whether it opens a
    sentence (cached: a pair reads them for its leads' names and for their runs)."""
    headlines = [line.span() for line in re.finditer(r"[^\n]+", original) if line.group() == line.group().upper()]
    runs: list[tuple[list[tuple[int, int]], bool]] = []  # the words of each run; does it open a sentence?
    previous: re.Match[str] | None = None
    for word in _WORD.finditer(original):
        start = word.start()
        if original[start].isupper() and not within(headlines, start, word.end()):
            last = previous.span() if previous is not None else None
            abbreviation = last is not None and ("." in previous.group() or last[1] - last[0] == 1)  # type: ignore[union-attr]
            between = original[last[1] : start] if last is not None else ""
            if runs and runs[-1][0][-1] == last and _JOINS_NAME.fullmatch(between) and (abbreviation or "." not in between):
                runs[-1][0].append(word.span())
            else:
                opens = not abbreviation and opens_sentence(original, start)
                runs.append(([word.span()], opens))
        previous = word
    return tuple((tuple(words), opens) for words, opens in runs)


NAME_KEY_WORDS = 2
"""Words a name needs to be a key of the sketch (:func:`written_names`): one capitalized word is too common."""


def written_names(original: str) -> list[str]:
    """The names an alphabetic original writes, each once, lower-cased, its words joined by spaces: runs of
    :data:`NAME_KEY_WORDS` capitalized words or more inside a sentence, outside headlines in capitals, months,
    weekdays and numbers left out (``Pay April One`` is a date).

    >>> written_names("It bought West\\nVirginia Power from Dominion Resources Inc. Pay April One.")
    ['dominion resources inc', 'west virginia power']
    """
    names = []
    for words, opens in _capitalized_runs(original):
        kept = [
            word for start, end in words[1 if opens else 0 :]
            if (word := original[start:end].lower().rstrip(".")) not in _CALENDAR and in_words(word) is None
        ]  # fmt: skip
        if len(kept) >= NAME_KEY_WORDS:
            names.append(" ".join(kept))
    return sorted(set(names))


def written_heading(original: str) -> str:
    """A text's heading — its first line, when more text follows — lower-cased, its marks of a Markdown heading and
    its runs of spaces folded (``# pct exec`` → ``pct exec``); ``""`` when it has none. Versions keep their heading
    more often than any other line.

    >>> written_heading("# PCT  exec\\n\\n> Launch a command."), written_heading("One line only")
    ('pct exec', '')
    """
    heading = _HEADING.match(original)
    return " ".join(heading.group(1).lstrip("# \t").lower().split()) if heading else ""


class SubjectChange(NamedTuple):
    """How the subjects of two texts differ: the ``share`` of their tokens the other text lacks, slips
    that the texts' own rate of change explains left out, and the ``count`` of those tokens."""

    share: float
    count: int


def subject_change(
    text_a: str,
    text_b: str,
    *,
    of: str = "both",
    at_least: float = 0.0,
    swapped: tuple[Counter[str], Counter[str]] | None = None,
    unpaired: tuple[Sequence[tuple[int, int]], Sequence[tuple[int, int]]] = ((), ()),
    sent: tuple[Sequence[tuple[int, int]], Sequence[tuple[int, int]]] = ((), ()),
) -> SubjectChange:
    """Compare the subject tokens of two normalized texts as multisets, wherever they stand.

    A subject moved to another paragraph is kept; ``restart`` against ``start`` is
    changed on both sides. A token one character from one the other text lacks
    (``二十`` / ``动十``, ``10月18日`` / ``0月18日``; a long title a few more; one for
    one), a piece of one (``se``, ``tings``) or one holding a piece of one (``8:00`` /
    ``00``) may be a slip of OCR or typing. How many slips to expect comes from the rest of the
    text: cut its letters and characters outside subject tokens and furniture (Taiwan's
    vocabulary read as the mainland's) into chunks as long as the tokens are on
    average, and the share of chunks the other text lacks is what the texts' own rate
    of change does to a stretch of that length — at most what :data:`_NOISE_CEILING`
    per character does (beyond it the texts were rewritten, which explains no slip).
    That many slips, plus one standard
    deviation, twice over (a slip can leave two pieces) — ``2(e + √e)`` — are
    forgiven on each side; the rest count, and with both sides counted only if each
    side has some (two notices each name their own subjects). ``of="both"`` counts
    the tokens of both texts; ``"a"`` or ``"b"`` one text's (the article's, when the
    other text is the page around it).
    The slips are weighed only when the share before forgiving reaches ``at_least``
    (below it, no forgiving can matter to the caller), and never when no token of either text stands in the
    other in any writing, each text having two or more (the next day's notice: its date and every figure new).
    ``swapped`` adds the names a
    template's slot was filled with in each text (:func:`swapped_names`) as subject
    tokens. ``unpaired`` are spans of each text that the other has nothing in place of
    (a paragraph one version adds, the tail a truncated one lacks): what stands there is
    no changed subject (it may still match one of the other text's), and no measure of slips. ``sent`` are spans of
    each text's furniture as its original shows it (:func:`~textversions.furniture.furniture_of`: an English wire
    dateline, ``NEW YORK, March 2 -``): a token there counts, but its surviving in the other text (the same day's
    dateline) does not make the texts' subjects survive.

    >>> subject_change("通报10月2日新增240例", "通报10月3日新增307例")
    SubjectChange(share=1.0, count=4)
    >>> subject_change("株洲1.1万余个基层党组织，70余名党员", "株洲11万余个基层党组织，70余名党员")
    SubjectChange(share=0.5, count=2)
    >>> subject_change("第1版共有20000人参加会议", "苐1版共有20000入参加会议").share
    0.0
    """
    everywhere = (subject_tokens(text_a), subject_tokens(text_b))
    spans = tuple(
        tuple(span for span in found if not within(alone, *span)) for found, alone in zip(everywhere, unpaired)
    )
    written_anywhere = [Counter(_spelled(text[start:end]) for start, end in found) for text, found in zip((text_a, text_b), everywhere)]
    spelled = [[(span, _spelled(text[span[0] : span[1]])) for span in found] for text, found in zip((text_a, text_b), spans)]
    tokens = [Counter(token for _, token in side) for side in spelled]
    names = swapped or (Counter(), Counter())
    added = [Counter({name: count for name, count in names[side].items() if not tokens[side][name]}) for side in (0, 1)]
    for side in (0, 1):
        tokens[side].update(added[side])  # a swapped identifier is a token already
        written_anywhere[side].update(added[side])
    sides = {"a": [0], "b": [1]}.get(of, [0, 1])
    total = sum(sum(tokens[side].values()) for side in sides)
    unmatched = (tokens[0] - written_anywhere[1], tokens[1] - written_anywhere[0])
    lacking = [unmatched[side] for side in sides]
    raw = sum(sum(only.values()) for only in lacking)
    if not raw or raw / total < at_least:
        return SubjectChange(raw / total if total else 0.0, raw)
    # A wire dateline's day, which both texts may state, is when they were sent: many stories share it.
    unsent = [
        Counter(token for (start, end), token in spelled[side] if not within(sent[side], start, end)) + added[side] for side in (0, 1)
    ]
    if (
        len(sides) == 2
        and min(sum(side.values()) for side in unsent) >= 2
        and not (unsent[0] & written_anywhere[1]) and not (unsent[1] & written_anywhere[0])
        and _none_survive(*unsent)
    ):
        # No subject of either text survives in the other, in any writing, but the day of their datelines: a new
        # notice on the template (the next day's date and figures, or the same morning's next report), not noise,
        # which spares some.
        return SubjectChange(raw / total, raw)
    written = sum(end - start for side in sides for start, end in spans[side])
    written += sum(len(name) * count for side in sides for name, count in added[side].items())
    length = max(1, round(written / total))
    chunks = [
        _counted(shingle_hashes(_outside(text, [*found, *alone]), length)) for text, found, alone in zip((text_a, text_b), spans, unpaired)
    ]
    missing = sum(_lacking(chunks[side], chunks[1 - side]) for side in sides)
    by_chance = missing / max(1, sum(int(chunks[side][1].sum()) for side in sides))
    rate = min(1.0 - (1.0 - by_chance) ** (1.0 / length), _NOISE_CEILING)  # per character
    by_chance = min(by_chance, 1.0 - (1.0 - rate) ** length)
    # Swapped names were replaced whole, throughout: never a slip, and no source of one.
    per_side = []
    for side, only in zip(sides, lacking):
        # The other text's furniture counts as a source of slips: noise can break a stamp into numbers.
        other = (text_b, text_a)[side]
        stamps = "\n".join(other[start:end] for start, end in furniture_spans(other))
        replaced = sum(count for name, count in only.items() if name in names[side])
        only = Counter({name: count for name, count in only.items() if name not in names[side]})
        sources = Counter({name: count for name, count in unmatched[1 - side].items() if name not in names[1 - side]})
        far = sum(_without_slips(only, sources, stamps, rate, other).values())
        slips = sum(only.values()) - far
        far += replaced
        # Slips come at the text's own rate of change: those beyond it (and its spread) are other
        # subjects. A slip may show twice (a token cut in two leaves two pieces): twice the expected
        # count is forgiven, on each side.
        expected = by_chance * sum(tokens[side].values())
        per_side.append(far + max(0, slips - math.ceil(2 * (expected + math.sqrt(expected)))))
    # Two notices on one template each name their own subjects: with both sides counted, a side
    # whose subjects all survive (the other's differences being slips) changes none.
    changed = sum(per_side) if len(per_side) == 1 or min(per_side) else 0
    return SubjectChange(changed / total, changed)


_MONTH_WORDS = "january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec"
_STATED_DATE = re.compile(
    r"(?:\d{2,4}年)?(\d{1,2})月(\d{1,2})[日号]"  # 3月5日, 2024年3月5号
    r"|(?<![\d月.])(\d{1,2})日(?![元本])"  # 8日 (not 日元, 日本)
    rf"|(?<![a-z])({_MONTH_WORDS})(?![a-z])\.? (\d{{1,2}})(?![\d:])"  # march 3, sept. 30
)
"""A date a text states, in normalized text: a month and a day (in Chinese or English), or a day alone (``8日``)."""
_MONTH_NUMBER = {name[:3]: number for number, name in enumerate(_MONTH_WORDS.split("|")[:12], 1)}


def stated_dates(normalized: Normalized) -> tuple[tuple[tuple[int, int], tuple[int, int]], ...]:
    """The dates a normalized text states outside its furniture, each ``((month, day), span)``; month 0 where the day
    is written alone (``8日下午``). A wire dateline's date is furniture: when the story was sent, not what it reports.

    >>> from textversions.normalize import normalize
    >>> [date for date, _ in stated_dates(normalize("LONDON, March 3 - Talks resume on March 9.\\n会议8日举行，3月10号闭幕。"))]
    [(3, 9), (0, 8), (3, 10)]
    """
    return _stated(normalized.text, furniture_of(normalized))


def _stated(text: str, furniture: Sequence[tuple[int, int]]) -> tuple[tuple[tuple[int, int], tuple[int, int]], ...]:
    """:func:`stated_dates` of a normalized ``text`` whose furniture is known."""
    found = []
    for m in _STATED_DATE.finditer(text):
        if within(furniture, *m.span()):
            continue
        found.append((_date_of(m), m.span()))
    return tuple(found)


def _date_of(m: re.Match[str]) -> tuple[int, int]:
    """``(month, day)`` of a :data:`_STATED_DATE` match; month 0 where the day is written alone."""
    if m.group(2):
        return int(m.group(1)), int(m.group(2))
    if m.group(3):
        return 0, int(m.group(3))
    return _MONTH_NUMBER[m.group(4)[:3]], int(m.group(5))


def _one_slip(x: int, y: int) -> bool:
    """Are two numbers written the same but for one digit dropped or doubled (``14`` / ``4``, ``29`` / ``9``) — what a
    slip of OCR or typing leaves? (A digit read as another, ``5`` / ``8``, is also the next meeting's date.)"""
    short, long = sorted((str(x), str(y)), key=len)
    return short == long or (len(long) == len(short) + 1 and any(long[:n] + long[n + 1 :] == short for n in range(len(long))))


_AROUND = 6
"""Characters either side of a date that say where it stands."""


def _same_place(a: str, span_a: tuple[int, int], b: str, span_b: tuple[int, int]) -> bool:
    """Do two dates stand among the same words — the six characters either side mostly alike, as where a slip changed
    one (OCR garbles the words around a date no more than any others), not another date written elsewhere?"""
    around = [text[max(0, lo - _AROUND) : lo] + "\n" + text[hi : hi + _AROUND] for text, (lo, hi) in ((a, span_a), (b, span_b))]
    return Indel.normalized_similarity(*around) >= 0.5


_PLACES = 8
"""Places of one date, at most, where a slip of it is looked for."""


def _by_date(found: Sequence[tuple[tuple[int, int], tuple[int, int]]]) -> dict[tuple[int, int], list[tuple[int, int]]]:
    """Each distinct ``(month, day)`` of :func:`stated_dates` and the first few places it stands (a text of thousands
    of dates — a calendar, a log — compares at most a few hundred distinct dates, a few places each)."""
    where: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for date, span in found:
        places = where.setdefault(date, [])
        if len(places) < _PLACES:
            places.append(span)
    return where


_PASSAGE = 40
"""Characters, at least, of text one version adds or drops whole (a paragraph, a caption) rather than rewords."""


def dates_apart(a: Normalized, b: Normalized, opcodes: Sequence[tuple[str, int, int, int, int]]) -> bool:
    """Do two texts report different days? ``opcodes`` are their alignment.

    Each states dates (:func:`stated_dates`) where the other has text in their place (a
    date in a paragraph only one text has, or in the tail a page cut off, is no date of
    theirs to compare; a date moved within its sentence is); none of one text's is
    among the other's anywhere (a paragraph may have moved) — a day written alone is that day of any month, and a day or
    month with a digit dropped or doubled among the same words as the other's
    (``今天（10月14日）`` / ``今天（10月4日）``) is a slip of OCR or typing; and they
    replace words or figures besides the dates, their furniture and their punctuation
    (an added or dropped passage — a caption, a truncation — is what versions do):
    tomorrow's broadcast of the opening session and of the closing one, a meeting on the
    8th and the next on the 10th. Notices a day apart (1日 / 11日) are told apart by
    :func:`subject_change`, with their other figures. A version that corrects only a
    date stays a version; a text that states no date (昨天, today) is never set apart by
    this. A story re-sent the next day keeps the dates it reports (its dateline's is
    furniture) and its figures; a report sent on another day with other figures is
    another day's report (:func:`sent_apart`).

    >>> from textversions.normalize import normalize
    >>> opening, later = normalize("会议将于3月5日上午9时开幕。"), normalize("会议将于3月11日下午3时开幕。")
    >>> dates_apart(opening, later, [("equal", 0, 4, 0, 4), ("replace", 4, 12, 4, 13), ("equal", 12, 15, 13, 16)])
    True
    >>> fixed = normalize("会议将于3月12日上午9时开幕。")
    >>> dates_apart(opening, fixed, [("equal", 0, 6, 0, 6), ("replace", 6, 7, 6, 8), ("equal", 7, 15, 8, 16)])
    False
    """
    furniture = furniture_of(a), furniture_of(b)
    if sent_apart(a, b, opcodes):
        return True
    dates = _stated(a.text, furniture[0]), _stated(b.text, furniture[1])
    if not dates[0] or not dates[1]:
        return False
    alone = [np.zeros(len(text.text) + 1, dtype=bool) for text in (a, b)]  # what the other has nothing in place of
    for n, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        # A passage one text adds or keeps alone: at either end (a tail cut off, a page's other text), or a paragraph.
        passage = n in (0, len(opcodes) - 1) or max(i2 - i1, j2 - j1) >= _PASSAGE
        if tag == "delete" and passage:
            alone[0][i1:i2] = True
        elif tag == "insert" and passage:
            alone[1][j1:j2] = True
    if not all(any(not mask[lo:hi].all() for _, (lo, hi) in found) for found, mask in zip(dates, alone)):
        return False  # (a date anywhere in the other text still counts as in common: a paragraph may have moved)
    where = [_by_date(found) for found in dates]  # each distinct date and a few places it stands
    months_of_day: dict[int, set[int]] = {}
    for month, day in where[1]:
        months_of_day.setdefault(day, set()).add(month)
    for month, day in where[0]:
        months = months_of_day.get(day)
        if months and (not month or 0 in months or month in months):
            return False
    for (month_a, day_a), places_a in where[0].items():
        for (month_b, day_b), places_b in where[1].items():
            if _one_slip(day_a, day_b) and (not month_a or not month_b or _one_slip(month_a, month_b)):
                if any(_same_place(a.text, at_a, b.text, at_b) for at_a in places_a for at_b in places_b):
                    return False
    told = []  # each text's characters that its dates and furniture cover
    for text, found, spans in zip((a, b), dates, furniture):
        mask = np.zeros(len(text.text) + 1, dtype=bool)
        for lo, hi in [*(span for _, span in found), *spans]:
            mask[lo:hi] = True
        told.append(mask)
    for tag, i1, i2, j1, j2 in opcodes:
        if tag != "replace":
            continue
        for (lo, hi), text, mask in (((i1, i2), a.text, told[0]), ((j1, j2), b.text, told[1])):
            untold = "".join(char for char, covered in zip(text[lo:hi], mask[lo:hi]) if not covered)
            if _NOT_A_LETTER.sub("", untold):
                return True  # words or figures replaced outside the dates: more than a date corrected
    return False


class SentApart(NamedTuple):
    """Why :func:`sent_apart` holds, as spans of the normalized texts: the dates each text's furniture states (one
    place each) and one figure each text prints where the other prints another."""

    dates_a: tuple[tuple[int, int], ...]
    dates_b: tuple[tuple[int, int], ...]
    figure_a: tuple[int, int]
    figure_b: tuple[int, int]


def sent_apart(a: Normalized, b: Normalized, opcodes: Sequence[tuple[str, int, int, int, int]]) -> SentApart | None:
    """Were two texts sent on different days with other figures — one day's report and the next day's? ``opcodes``
    are their alignment.

    Each text's furniture dates it (a wire dateline ``NEW YORK, March 3 -``, ``新华社北京1月28日电``), no day of
    one is among the other's (a day alone is that day of any month; a digit dropped or doubled may be a slip), and
    somewhere one text prints a figure where the other prints another, each figure one the other text never prints
    (``6.18 pct`` / ``6.22 pct``; ``两千`` / ``2000`` is one value; a sentence rewritten around the same figures
    changes none), and each text has as many figures the other never prints as figures both print. A story re-sent
    the next day keeps its figures, and one corrected the day after keeps more than it corrects: they stay versions;
    a daily report (the Fed's reserves, a market's close) re-written for the next day does not. ``None`` where they
    were not.

    >>> from textversions.normalize import normalize
    >>> monday = normalize("FED SEEN ADDING RESERVES\\nNEW YORK, March 3 - Funds averaged 6.18 pct yesterday.")
    >>> tuesday = normalize("FED SEEN ADDING RESERVES\\nNEW YORK, March 4 - Funds averaged 6.22 pct yesterday.")
    >>> from difflib import SequenceMatcher
    >>> found = sent_apart(monday, tuesday, SequenceMatcher(None, monday.text, tuesday.text).get_opcodes())
    >>> [text.text[lo:hi] for text, (lo, hi) in zip((monday, tuesday, monday, tuesday), (*found.dates_a, *found.dates_b, found.figure_a, found.figure_b))]
    ['march 3', 'march 4', '6.18 pct', '6.22 pct']
    """
    furniture = furniture_of(a), furniture_of(b)
    days = _furniture_days(a.text, furniture[0]), _furniture_days(b.text, furniture[1])
    if not days[0] or not days[1]:
        return None
    for month_a, day_a in days[0]:
        for month_b, day_b in days[1]:
            if (not month_a or not month_b or month_a == month_b) and _one_slip(day_a, day_b):
                return None  # the same day, or a slip of it
    figures = _figures(a.text, furniture[0]), _figures(b.text, furniture[1])
    ends = [end for (_, end), _ in figures[0]], [end for (_, end), _ in figures[1]]
    values = {value for _, value in figures[0]}, {value for _, value in figures[1]}
    kept = len(values[0] & values[1])
    if len(values[0] - values[1]) < kept or len(values[1] - values[0]) < kept:
        return None  # more figures kept than changed: a correction
    for tag, i1, i2, j1, j2 in opcodes:
        if tag != "replace":
            continue
        only_a = [span for span, value in _overlapping(figures[0], ends[0], i1, i2) if value not in values[1]]
        only_b = [span for span, value in _overlapping(figures[1], ends[1], j1, j2) if value not in values[0]]
        if only_a and only_b:
            return SentApart(tuple(sorted(days[0].values())), tuple(sorted(days[1].values())), only_a[0], only_b[0])
    return None


_KEPT_FIGURES = 3
"""Figures, at least, that a story set again under its headline keeps (and :data:`_KEPT_SHARE` of the fewer)."""
_KEPT_SHARE = 0.6


class KeptFigures(NamedTuple):
    """Why :func:`kept_heading_and_figures` holds: the figures both texts print, and how many each prints."""

    shared: int
    figures_a: int
    figures_b: int


def kept_heading_and_figures(a: Normalized, b: Normalized) -> KeptFigures | None:
    """Do two texts keep one heading and most of their figures — one story set again, whatever its layout?

    Both open with the same heading (:func:`written_heading`) and print at least :data:`_KEPT_FIGURES` figures in
    common (outside furniture; dates and times are no figures), at least :data:`_KEPT_SHARE` of those the text with
    fewer prints. An earnings table re-sent with other rows and notes (OMNICOM GROUP INC <OMCM> 4TH QTR NET, twelve
    figures of 19 and 21 kept) aligns in short pieces, as rewrites do; a daily notice under one headline (国家卫生健康委
    通报最新疫情, 国际联播快讯) prints other figures each day — at most half of them the same on the real months read.
    ``None`` where they do not.

    >>> from textversions.normalize import normalize
    >>> table = normalize("ACME CORP 4TH QTR NET\\nShr 27 cts vs 51 cts\\nNet 6,600,000 vs 12,231,000\\nRevs 211.7 mln vs 193.4 mln")
    >>> again = normalize("ACME CORP 4TH QTR NET\\nShr 27 cts vs 51 cts\\nRevs 211.7 mln vs 193.4 mln\\nAvg shrs 24.2 mln")
    >>> kept_heading_and_figures(table, again)
    KeptFigures(shared=5, figures_a=7, figures_b=6)
    """
    heading = written_heading(a.original)
    if not heading or heading != written_heading(b.original):
        return None
    values = [{value for _, value in _figures(text.text, furniture_of(text))} for text in (a, b)]
    shared = len(values[0] & values[1])
    if shared < _KEPT_FIGURES or shared < _KEPT_SHARE * min(len(values[0]), len(values[1])):
        return None
    return KeptFigures(shared, len(values[0]), len(values[1]))


def _furniture_days(text: str, furniture: Sequence[tuple[int, int]]) -> dict[tuple[int, int], tuple[int, int]]:
    """The ``(month, day)`` dates a normalized ``text`` states inside its furniture (month 0: a day alone), each with
    the first place it stands."""
    days: dict[tuple[int, int], tuple[int, int]] = {}
    for lo, hi in furniture:
        for m in _STATED_DATE.finditer(text, lo, hi):
            days.setdefault(_date_of(m), m.span())
    return days


def _figures(text: str, furniture: Sequence[tuple[int, int]]) -> list[tuple[tuple[int, int], float]]:
    """The numbers (not dates or times) a normalized ``text`` prints outside its furniture, with their values, in order."""
    found = []
    for m in NUMBER.finditer(text):
        if within(furniture, *m.span()) or token_unit(m.group()) in ("date", "time"):
            continue
        value = token_value(m.group())
        if isinstance(value, float):
            found.append((m.span(), value))
    return found


def _overlapping(
    figures: list[tuple[tuple[int, int], float]], ends: list[int], lo: int, hi: int
) -> list[tuple[tuple[int, int], float]]:
    """The ``figures`` (in order; ``ends``: where each ends) that a replaced stretch ``lo``–``hi`` touches (a figure
    changed in one digit is replaced there only in part)."""
    out = []
    for span, value in figures[bisect.bisect_right(ends, lo) :]:
        if span[0] >= hi:
            break
        out.append((span, value))
    return out


_NOISE_CEILING = 0.06
"""The most a page's OCR or typing is expected to change per character: a pair that differs more was rewritten, and
rewriting explains no changed figure."""


def swapped_names(
    text_a: str, text_b: str, opcodes: Sequence[tuple[str, int, int, int, int]], *, han: bool = True
) -> tuple[Counter[str], Counter[str]]:
    """What a template's slot was filled with in each of two normalized texts, from their alignment's opcodes.

    Chinese names are not capitalized and numbers do not name them, so the names of two
    congratulation telegrams on one template (范德贝伦 / 拉希德) are found by what the
    alignment does to them: a run of two or more Han characters that one text uses
    again and again and the other never, replaced at an aligned place by a run the
    other text repeats and the first never uses. A Latin identifier in Han text is
    read whole (``grep`` / ``xzgrep`` in two alias pages of one template), counted as
    a word. A corrected name changes a character or two (谭巧珍 / 覃巧珍: no run of
    two); an edition's wording (文件 / 檔案) is swapped as consistently, so Han runs are
    read only when ``han`` says the texts are written in one script.

    >>> a = "习近平致电范德贝伦，祝贺他当选连任奥地利总统。习近平指出，愿同范德贝伦总统一道努力。"
    >>> b = "习近平致电拉希德，祝贺他当选伊拉克总统。习近平指出，愿同拉希德总统一道努力。"
    >>> swapped_names(a, b, [("replace", 5, 9, 5, 8)])
    (Counter({'范德贝伦': 2}), Counter({'拉希德': 2}))
    """
    words_a, words_b = _identifiers(text_a), _identifiers(text_b)
    counted_a = Counter(text_a[start:end] for start, end in words_a)
    counted_b = Counter(text_b[start:end] for start, end in words_b)
    ours: Counter[str] = Counter()
    theirs: Counter[str] = Counter()
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            continue
        word_a, word_b = _touched(words_a, i1, i2), _touched(words_b, j1, j2)
        if word_a and word_b and min(word_a[1] - word_a[0], word_b[1] - word_b[0]) >= 2:  # an identifier, read whole
            first, second = text_a[slice(*word_a)], text_b[slice(*word_b)]
            times_a, times_b = counted_a[first], counted_b[second]
            never = not counted_b[first] and not counted_a[second]
        elif han and tag == "replace" and _NAME_RUN.fullmatch(text_a[i1:i2]) and _NAME_RUN.fullmatch(text_b[j1:j2]):
            first, second = text_a[i1:i2], text_b[j1:j2]
            never = first not in text_b and second not in text_a  # usually false, and found false early
            times_a, times_b = (text_a.count(first), text_b.count(second)) if never else (0, 0)
        else:
            continue
        if first != second and first not in ours and second not in theirs and times_a >= 2 and times_b >= 2 and never:
            ours[first], theirs[second] = times_a, times_b
    return ours, theirs


def _touched(words: Sequence[tuple[int, int]], lo: int, hi: int) -> tuple[int, int] | None:
    """The one word (of disjoint ``words``, in order) an edit of ``[lo, hi)`` changes: the word it overlaps, or for
    an insertion the word it stands in or at; ``None`` when it changes none or several."""
    first = bisect.bisect_left(words, lo, key=lambda word: word[1])  # the first word ending at or after lo
    last = bisect.bisect_right(words, hi, key=lambda word: word[0])  # past the last word starting at or before hi
    touched = [(start, end) for start, end in words[first:last] if start < hi or lo < end or lo == hi]
    return touched[0] if len(touched) == 1 else None


_NAME_RUN = re.compile(r"[\u3400-\u9fff]{2,}")


_NOT_A_DIGIT = re.compile(r"\D+")


def _none_survive(a: Counter[str], b: Counter[str]) -> bool:
    """Does no token of ``a`` stand in ``b`` in another writing — the same digits (``{{50}}%`` / ``50%``) or the same
    value (``2,000`` / ``2000``)?

    >>> _none_survive(Counter(["march 9", "2.5", "6-3/16"]), Counter(["march 11", "6-5/16"]))
    True
    >>> _none_survive(Counter(["50", "10"]), Counter(["50%", "+10%"]))
    False
    """

    def forms(tokens: Counter[str]) -> set[object]:
        out: set[object] = set()
        for token in tokens:
            digits = _NOT_A_DIGIT.sub("", token)
            value = token_value(token)
            out.update(form for form in (("digits", digits) if digits else None, ("value", value) if value is not None else None) if form)
        return out

    return not forms(a) & forms(b)


def _spelled(token: str) -> str:
    """One spelling for a date written in words (``sept. 1, 1986`` and ``september 1, 1986``: ``1986-09-01``)."""
    return str(token_value(token)) if token[0].isalpha() and token_unit(token) == "date" else token


def _counted(hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values and how often each occurs."""
    return np.unique(hashes, return_counts=True)


def _lacking(counted: tuple[np.ndarray, np.ndarray], other: tuple[np.ndarray, np.ndarray]) -> int:
    """How many of ``counted``'s values (with repeats) ``other`` lacks: the size of a multiset difference."""
    values, counts = counted
    other_values, other_counts = other
    at = np.searchsorted(other_values, values)
    found = at < len(other_values)
    found[found] = other_values[at[found]] == values[found]
    have = np.zeros(len(values), dtype=np.int64)
    have[found] = other_counts[at[found]]
    return int(np.maximum(counts - have, 0).sum())


def _outside(text: str, tokens: Sequence[tuple[int, int]]) -> str:
    """The letters, digits and Han characters of ``text`` outside subject tokens and furniture (markup left out),
    regional vocabulary read one way."""
    kept, position = [], 0
    for start, end in sorted([*tokens, *furniture_spans(text)]):
        kept.append(text[position:start])
        position = max(position, end)
    kept.append(text[position:])
    letters = _NOT_A_LETTER.sub("", "".join(kept))
    # Taiwan's vocabulary read as the mainland's (檔案 → 文件), so regional words are no change.
    return converter("tw2sp")(letters) if _ANY_HAN.search(letters) else letters


def _without_slips(only: Counter[str], other: Counter[str], stamps: str, rate: float, other_text: str) -> Counter[str]:
    """The tokens of ``only`` that cannot be a slip of one of ``other``'s (the other text's tokens that this text lacks).

    A slip leaves a token a few edits from its original (one, or three times what
    the per-character ``rate`` expects over its length: a long title takes
    several) — one token for one, so two figures never both slip to one (16 and 10
    against 12 are two changes) — or cuts it in pieces (``se`` and ``tings`` of
    ``settings``; ``8`` and ``00`` of ``8:00``). A token inside the other text's
    furniture (``stamps``: noise can break a time stamp into numbers) is a slip,
    and so is a title whose words the other text still has, letter for letter (it
    lost only a bracket).
    """
    pool = sorted(other.elements(), key=lambda token: (-len(token), token))

    def reach(length: int) -> int:
        return max(1, math.ceil(3 * rate * length))

    far: Counter[str] = Counter()
    for token in sorted(only.elements(), key=lambda token: (-len(token), token)):
        if token in stamps or (token.startswith("《") and token.strip("《》") in other_text):
            continue
        nearest = process.extractOne(token, pool, scorer=Levenshtein.distance, score_cutoff=reach(len(token)))
        if nearest is not None:
            pool.remove(nearest[0])
            continue
        if any(piece in token or token in piece for piece in pool):
            continue
        far[token] += 1
    return far


_SENTENCE = re.compile(r"[.!?](?=\s+[\"“(]?[A-ZÀ-ÞΑ-ΩА-Я])|\n\s*\n")
_CALENDAR = frozenset([*_MONTH_WORDS.split("|"), *"monday tuesday wednesday thursday friday saturday sunday".split()])
LEAD_LENGTH = 250
"""Characters of the original, at most, that make the lead (the opening sentence) of a text."""


def _lead_start(original: str) -> int | None:
    """Where the lead of an alphabetic original starts: after its headline and its wire dateline; None when the
    text is its headline alone."""
    body = body_start(original)
    if body is None:
        return None
    dateline = wire_dateline(original)
    return dateline[1] if dateline else body


def _lead(normalized: Normalized) -> tuple[int, int] | None:
    """The normalized span of the lead of an alphabetic text: its opening sentence after the headline and the wire
    dateline, at most ``LEAD_LENGTH`` characters; None when the text is its headline alone."""
    original = normalized.original
    start = _lead_start(original)
    if start is None:
        return None
    end = _SENTENCE.search(original, start, start + LEAD_LENGTH)
    return normalized.normalized_span(start, end.end() if end else start + LEAD_LENGTH)


def lead_names(normalized: Normalized) -> set[str]:
    """The words of the names in the lead of an alphabetic text (its opening sentence), months, weekdays and
    numbers left out (they are dates and figures: ``Pay April One``)."""
    lead = _lead(normalized)
    if lead is None:
        return set()
    lo, hi = lead
    text = normalized.text
    return {
        word
        for first, last in _names(normalized)
        if lo <= first and last <= hi
        for word in NAME_WORD.findall(text, first, last)
        if word.rstrip(".") not in _CALENDAR and in_words(word.rstrip(".")) is None
    }


def _lead_runs(normalized: Normalized) -> list[tuple[str, ...]]:
    """The names of an alphabetic text's lead, each as its words, a sentence's first word kept (two words or more)."""
    lead = _lead(normalized)
    if lead is None:
        return []
    text = normalized.text
    return [tuple(NAME_WORD.findall(text, first, last)) for first, last in _names(normalized, openers=True) if lead[0] <= first and last <= lead[1]]


def _put_inside(name: tuple[str, ...], other: tuple[str, ...]) -> list[str]:
    """The words ``other`` puts inside the name ``name``, keeping its first and last words (initials aside); none
    when ``other`` is not ``name`` with words put inside.

    >>> _put_inside(("franklin", "insured", "fund"), ("franklin", "ohio", "insured", "fund"))
    ['ohio']
    >>> _put_inside(("john", "smith"), ("john", "f.", "smith")), _put_inside(("mobil", "corp"), ("oil", "corp"))
    ([], [])
    """
    if len(other) <= len(name) or other[0] != name[0] or other[-1] != name[-1]:
        return []
    inserted, position = [], 0
    for word in other:
        if position < len(name) and word == name[position]:
            position += 1
        else:
            inserted.append(word)
    return [word for word in inserted if len(word.rstrip(".")) > 1] if position == len(name) else []


def _writes(words: Sequence[str], run: tuple[str, ...]) -> bool:
    """Do ``words`` hold ``run`` word for word, one after the other?"""
    width = len(run)
    return any(tuple(words[at : at + width]) == run for at, word in enumerate(words) if word == run[0])


_HEADING = re.compile(r"[ \t]*([^\n]{1,80})\n\s*\S")
"""A text's first line when something follows it: a heading (``# chfn``), or a headline."""


def _heading(normalized: Normalized) -> tuple[int, int] | None:
    """The normalized span of a text's first line when something follows it (:data:`_HEADING`), or None."""
    heading = _HEADING.match(normalized.original)
    return normalized.normalized_span(*heading.span(1)) if heading else None


def _heading_and_body(normalized: Normalized) -> tuple[set[str], set[str]]:
    """The Latin identifiers of a text written mostly in Han characters: those of its heading, and the others (two
    letters or more; none in the heading when the first line is all the text).

    >>> from textversions.normalize import normalize
    >>> _heading_and_body(normalize("# chfn\\n\\n> 此命令为 `chpass` 的别名。"))
    ({'chfn'}, {'chpass'})
    """
    text = normalized.text
    lo, hi = _heading(normalized) or (0, 0)
    spans = _identifiers(text)
    inside = {text[start:end] for start, end in spans if lo <= start and end <= hi}  # a heading's letter names (# bun c)
    return inside, {text[start:end] for start, end in spans if not (lo <= start and end <= hi) and end - start >= 2}


def _heading_name(normalized: Normalized) -> str:
    """A text's heading when it is a name and nothing else — identifiers, no Han character — as its identifiers
    joined by spaces (``# docker container rm`` → ``docker container rm``); else ``""``.

    >>> from textversions.normalize import normalize
    >>> _heading_name(normalize("# docker container rm\\n\\n> 移除容器。")), _heading_name(normalize("# 接口文档 v2\\n\\n正文"))
    ('docker container rm', '')
    """
    heading = _heading(normalized)
    if heading is None or _ANY_HAN.search(normalized.text, *heading):
        return ""
    text = normalized.text
    return " ".join(text[start:end] for start, end in _identifiers(text) if heading[0] <= start and end <= heading[1])


_ALNUM = re.compile(r"[^\W_]+")


def _recurring_heading(normalized: Normalized) -> str:
    """An alphabetic text's heading when its body writes the heading's words again, in order: the name of the
    page's subject (``# aws s3 cp`` over ```aws s3 cp {{path}}```), as those words joined by spaces; else ``""``
    (a headline is not written again: FRANKLIN INSURED TAX-FREE SETS PAYOUT).

    >>> from textversions.normalize import normalize
    >>> _recurring_heading(normalize("# git-grep\\n\\n> Find strings.\\n\\n`git grep {{text}}`"))
    'git grep'
    >>> _recurring_heading(normalize("FRANKLIN SETS PAYOUT\\nMthly div 7.1 cts. NOTE: Franklin Fund."))
    ''
    """
    heading = _heading(normalized)
    if heading is None:
        return ""
    text = normalized.text
    words = _ALNUM.findall(text, *heading)
    again = re.compile(r"(?<![^\W_])" + r"[\W_]+".join(map(re.escape, words)) + r"(?![^\W_])")
    return " ".join(words) if words and again.search(text, heading[1]) else ""


def _after_heading(normalized: Normalized) -> str:
    """A text without its heading (the whole text when it has none)."""
    heading = _heading(normalized)
    return normalized.text[heading[1] :] if heading else normalized.text


def _two_names(name_a: str, name_b: str, body_a: set[str], body_b: set[str]) -> bool:
    """Do two headings that name their pages' subjects name two things (``body_a``, ``body_b``: the words each page
    writes after its heading)? Yes unless they are one name (its words spelled alike: ``gnmic sub`` / ``gnmic-sub``),
    or one is a slip of the other (a few characters off) on a page that spells the other name right and never
    writes its own again: an OCR'd page (# diiff over ``diff -u``). Two pages that each write their own name and
    mention the other's (# bcomps / # ccomps, both listing ``bcomps``, ``ccomps``) are two commands.

    >>> _two_names("diiff", "diff", {"diff", "u"}, {"diff", "u"}), _two_names("bcomps", "ccomps", {"bcomps", "ccomps"}, {"bcomps", "ccomps"})
    (False, True)
    """
    if _ALNUM.findall(name_a) == _ALNUM.findall(name_b):
        return False  # one name, spelled with a hyphen or a space (# gnmic sub / # gnmic-sub)
    if Levenshtein.distance(name_a, name_b) > max(1, max(len(name_a), len(name_b)) // 6):
        return True

    def slipped(name: str, body: set[str], right: str) -> bool:
        return all(word in body for word in right.split()) and not all(word in body for word in name.split())

    return not (slipped(name_a, body_a, name_b) or slipped(name_b, body_b, name_a))


def _headline_subject(normalized: Normalized) -> set[str]:
    """The first word of a text's headline (its first line when something follows it), which a wire headline opens
    with its subject by (TRANZONIC COS <TNZ> SETS QUARTERLY); none when it is a month or a weekday. A heading
    without a word names its subject by what it has (``# ((``, the page of a command written in brackets)."""
    heading = _heading(normalized)
    if heading is None:
        return set()
    first = NAME_WORD.search(normalized.text, *heading)
    if first is None:
        symbols = normalized.text[slice(*heading)].lstrip("# \t").split()
        return {symbols[0]} if symbols else set()
    return {first.group()} if first.group().rstrip(".") not in _CALENDAR else set()


def _written(normalized: Normalized) -> list[str]:
    """The words an alphabetic text writes, its wire dateline left out: where the story was filed names no one in
    it (``SAN MATEO, Calif.`` does not mention a California fund)."""
    text = normalized.text
    dateline = wire_dateline(normalized.original)
    if dateline is None:
        return NAME_WORD.findall(text)
    lo, hi = normalized.normalized_span(*dateline)
    return NAME_WORD.findall(text, 0, lo) + NAME_WORD.findall(text, hi)


_LETTERS = re.compile(r"[\W\d_]+")


def abbreviates(short: str, word: str, *, marked: bool = True) -> bool:
    """Is ``short`` an abbreviation of ``word``: three letters or more, at most three fifths of it, its start (``jan``
    / ``january``) but no inflection of it (``sell`` / ``selling``), or its first and last letters with some between
    (``int'l`` / ``international``, ``cts`` / ``cents``)? With ``marked``, only a form written as an abbreviation —
    an apostrophe inside, a period after — is one: among all the words of a text, ``its`` would abbreviate
    ``industries``.

    >>> abbreviates("int'l", "international"), abbreviates("corp.", "corporation"), abbreviates("its", "industries")
    (True, True, False)
    >>> abbreviates("cts", "cents", marked=False), abbreviates("sell", "selling", marked=False)
    (True, False)
    """
    if marked and not ("'" in short or "’" in short or short.endswith(".")):
        return False
    short, word = _LETTERS.sub("", short), _LETTERS.sub("", word)
    if not 3 <= len(short) <= 0.6 * len(word) or short[0] != word[0]:
        return False
    if word.startswith(short):
        return word[len(short) :] not in _INFLECTIONS
    letters = iter(word)
    return short[-1] == word[-1] and all(letter in letters for letter in short)


_INFLECTIONS = frozenset({"s", "es", "ed", "d", "ing", "er", "ers", "est", "ly"})
"""What English adds to a word to inflect it: ``sell`` / ``selling`` is one word, no abbreviation."""


def _unknown(names: set[str], other: set[str], slip: int) -> list[str]:
    """The ``names`` that ``other`` (words of a text) never writes, nor a slip (``slip`` characters, or one per six)
    or an abbreviation of them."""
    return sorted(
        name
        for name in names
        if name not in other
        and process.extractOne(name, other, scorer=Levenshtein.distance, score_cutoff=max(slip, len(name) // 6)) is None
        and not any(abbreviates(name, word) or abbreviates(word, name) for word in other)
    )


def _lead_subject(normalized: Normalized) -> set[str]:
    """The word an alphabetic text's lead opens with, where it is a name: capitalized, and never written in lower case
    in the text (``Witco Corp said …``, a wire story's subject; ``The Federal Reserve …`` opens with no name).

    >>> from textversions.normalize import normalize
    >>> _lead_subject(normalize("WITCO TO OFFER DEBENTURES\\nNEW YORK, March 5 - Witco Corp said it filed. It said."))
    {'witco'}
    """
    original = normalized.original
    start = _lead_start(original)
    first = _WORD.search(original, start) if start is not None else None
    if first is None or not first.group()[0].isupper():
        return set()
    word = first.group().lower()
    lower_case = {found.group() for found in _WORD.finditer(original) if found.group()[0].islower()}
    return {word} if word not in lower_case and word not in _CALENDAR else set()


def names_apart(a: Normalized, b: Normalized) -> bool:
    """Does each text's lead name someone or something the other text never mentions (nor a slip of it)?

    In alphabetic texts (:func:`textversions.shingle.alphabetic`) the lead is the opening
    sentence and its names are capitalized words. Two leads that open with names (words their texts never write in
    lower case: Witco Corp said …) each of which the other text never writes name two subjects. When neither lead
    names anyone (``Qtly
    div 11 cts vs 11 cts prior``), the first word of each headline, which a wire headline
    opens with its subject by, stands for them (a rewritten headline keeps its subject:
    HEALTHCARE ... 4TH QTR NET / HEALTH CARE ... YEAR DEC 31 NET stay one story). A lead whose name is the other
    lead's with a qualifier put inside that the other text never writes, neither text writing the other's name
    (Franklin Insured Tax-Free Income Fund / Franklin Ohio Insured Tax-Free Income Fund), names another subject
    too. A page whose body writes its heading again (``# aws s3 cp`` over ```aws s3 cp {{path}}```) is about
    what the heading names: two such pages with two headings are about two things (an OCR'd heading is not
    written again); one body under two headings is one text retitled. Chinese names are not capitalized: in
    texts written mostly in Han characters the lead is the heading and its names are the
    Latin identifiers it holds, and the texts are apart only when their bodies name
    different things too: two pages of one template (``# unxz`` "an alias of ``xz
    --decompress``" / ``# xzcat`` "an alias of ``xz --decompress --stdout``") are about
    two commands; one body under two headings is one text retitled (alias pages of one
    command). Where both headings are names and nothing else, each names its page's
    subject whole, mentioned only by the other heading (``# rm`` "see also ``rmdir``" /
    ``# rmdir`` "see also ``rm``"; ``# docker container diff`` / ``# docker diff``: two
    commands each), unless one is a slip of the other on a page that spells the other
    right and never writes its own (an OCR'd page).

    >>> from textversions.normalize import normalize
    >>> fund = "FRANKLIN {0} SETS PAYOUT\\nSAN MATEO, Calif., March 2 - Mthly div 7.1 cts. NOTE: Franklin {0} Fund."
    >>> names_apart(normalize(fund.format("Insured")), normalize(fund.format("Puerto Rico")))
    True
    >>> names_apart(normalize(fund.format("Insured")), normalize(fund.format("Insured").replace("7.1", "7.2")))
    False
    >>> unxz, xzcat = "# unxz\\n\\n此命令为 `xz --decompress` 的别名。", "# xzcat\\n\\n此命令为 `xz --decompress --stdout` 的别名。"
    >>> names_apart(normalize(unxz), normalize(xzcat)), names_apart(normalize(unxz), normalize(unxz.replace("unxz", "xzd")))
    (True, False)
    """
    return bool(apart_by_names(a, b))


def apart_by_names(a: Normalized, b: Normalized) -> str:
    """Why :func:`names_apart` sets two texts apart, as a sentence naming the names; ``""`` when it does not.

    >>> from textversions.normalize import normalize
    >>> page = "# aws s3 {0}\\n\\n> Copy files.\\n\\n- Copy a file:\\n\\n`aws s3 {0} {{{{path}}}}`"
    >>> apart_by_names(normalize(page.format("cp")), normalize(page.format("sync")))
    "the headings each page writes again name two things: 'aws s3 cp' / 'aws s3 sync'"
    """
    slip = 1  # characters a name may differ by per six of its own, at least: a slip of typing or OCR
    scripts = alphabetic(a.text), alphabetic(b.text)
    if all(scripts):
        if _after_heading(a) == _after_heading(b):
            return ""  # one text under two headings: retitled (# Dot / # .)
        named_a, named_b = _recurring_heading(a), _recurring_heading(b)
        if named_a and named_b and named_a != named_b:  # (# aws s3 cp / # aws s3 sync)
            return f"the headings each page writes again name two things: {named_a!r} / {named_b!r}"
        written_a, written_b = _written(a), _written(b)
        runs_a, runs_b = _lead_runs(a), _lead_runs(b)
        words_a, words_b = set(written_a), set(written_b)
        # A qualifier the other text never writes, put inside its lead's name: another fund (each name one the
        # other text never writes). Mobil Corp / Mobil Oil Corp is one company where the other text speaks of oil.
        unwritten_b = [y for y in runs_b if not _writes(written_a, y)]
        for x in (x for x in runs_a if not _writes(written_b, x)):
            for y in unwritten_b:
                for name, other, words, side in ((x, y, words_a, "b"), (y, x, words_b, "a")):
                    qualifiers = [word for word in _put_inside(name, other) if word not in words]
                    if qualifiers:
                        return (
                            f"the leads name {' '.join(x)!r} / {' '.join(y)!r}: {side}'s puts inside it "
                            f"{' '.join(qualifiers)!r}, which the other text never writes"
                        )
        subject_a, subject_b = _lead_subject(a), _lead_subject(b)
        if _unknown(subject_a, words_b, slip) and _unknown(subject_b, words_a, slip):  # Witco Corp / Evans and Sutherland
            return f"each lead opens with a name the other text never writes: {', '.join(subject_a)} / {', '.join(subject_b)}"
        leads_a, leads_b = lead_names(a), lead_names(b)
        what = "each lead names"
        if not (leads_a or leads_b):  # a lead that names no one (Qtly div 11 cts): the headline's first word does
            leads_a, leads_b = _headline_subject(a), _headline_subject(b)
            what = "each headline opens with"
    elif not any(scripts):
        (leads_a, body_a), (leads_b, body_b) = _heading_and_body(a), _heading_and_body(b)
        if body_a == body_b:
            return ""  # one body under two headings: one text retitled (alias pages of one command)
        named_a, named_b = _heading_name(a), _heading_name(b)
        if named_a and named_b:
            # A heading that is a name and nothing else (# rm, # docker container diff) names the page's subject,
            # whole: the other page's body mentioning it (see also `rm`, `rm -r`) is a cross-reference, and
            # `docker diff` is another command than `docker container diff`. Two such names are one only when
            # one is a slip of the other on a page that spells the other right (an OCR'd page: # diiff over
            # `diff -u`); ``lzgrep`` / ``lzfgrep``, ``bun c`` / ``bun x`` are two commands.
            apart = _two_names(named_a, named_b, body_a, body_b)
            return f"the headings name two things: {named_a!r} / {named_b!r}" if apart else ""
        words_a, words_b = leads_a | body_a, leads_b | body_b
        slip = 0  # an identifier is spelled exactly: ``bun c`` and ``bun x`` are two commands
        what = "each heading names"
    else:
        return ""

    only_a, only_b = _unknown(leads_a, words_b, slip), _unknown(leads_b, words_a, slip)
    if not (only_a and only_b):
        return ""
    return f"{what} what the other text never mentions: {', '.join(only_a)} / {', '.join(only_b)}"
