"""Wire, broadcast and web furniture: the parts of a story that say who sent it, not what happened.

Wire copy travels: the paper prints ``新华社北京1月28日电（记者 某某）``, the broadcast's
web page opens with ``央视网消息（新闻联播）：`` and the site adds ``[视频]``. An editor
calls swapping one for another *boilerplate*, never a substitution in the story. This
module finds such spans in a normalized text (NFKC, lower case, script folded, layout
removed next to Han characters — see :mod:`textversions.normalize`) so that
:mod:`textversions.classify` can name every edit inside them ``boilerplate``:

* datelines: ``新华社北京1月28日电``, ``本报讯（记者 某某）``, ``央视网消息（新闻联播）：``,
  ``WASHINGTON (Reuters) -``;
* web tags, lead-ins and links: ``[视频]``, ``【…】``, ``原标题：…``, ``[查看原文](https://…)``; a wire
  headline's tag (``CORRECTED -``, ``UPDATE 2-``, ``REFILE-``);
* bylines and credits: ``（记者 某某 摄）``, ``记者 某某 摄``, ``Photo: …``, ``By …``;
* update stamps: ``更新时间：2022-10-03 19:04:12``;
* list ordinals: ``（十四）``, ``一是``.

Two kinds need the original text: an English wire dateline without an agency tag
(``SAN MATEO, Calif., March 2 -``) is told from the headline above it only by the
line break and the capitals that normalization folds away, and a photo credit
(``Photo: …``) from a sentence that says ``image:`` only by the line it opens.
:func:`furniture_of` finds them there and adds them to the spans of the normalized text.

>>> from textversions.normalize import normalize
>>> text = normalize("新华社北京1月28日电（记者 张三）国务院今天召开会议。").text
>>> [text[lo:hi] for lo, hi in furniture_spans(text)]
['新华社北京1月28日电(记者张三)']
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .numbers import MONTH_NAME

if TYPE_CHECKING:
    from .normalize import Normalized

__all__ = ["furniture_spans", "furniture_of", "body_start", "wire_dateline", "within"]

_NUMERAL = "一二三四五六七八九十"
_SOURCES = (
    "新华社|中新社|中新网|本报|本刊|本台|人民网|新华网|央视网|央广网|光明网|中国新闻网|澎湃新闻|法新社|路透社|美联社|共同社|塔斯社"
)
_STAMP = r"\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(?:[ t]?\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?z?)?"
_WIRE_TAGS = "corrected|correction|update|refile|rpt|repeat|wrapup|exclusive|factbox|analysis|insight|timeline|breaking|urgent|flash"
"""The words of a wire headline's tag (``CORRECTED -``, ``UPDATE 2-``)."""
_LINE_START = "\n.!? "
"""What may stand before an English dateline, credit or byline (besides the text's start)."""
_PATTERNS: tuple[tuple[str | None, str, str], ...] = (
    # (guard, pattern, what must precede a match). The guard is a regex every match holds, cheap
    # to look for: a pattern runs only on a text that has its guard, so most texts skip most patterns.
    # Datelines: agency or paper, place, date, 电/讯, with an optional reporter in brackets.
    (
        None,
        rf"(?:{_SOURCES})[^,。;:!?\n]{{0,16}}?(?:\d{{1,2}}月\d{{1,2}}日)?[电讯](?:\((?:记者|通讯员|本报记者)[^)\n]{{0,40}}\))?",
        "",
    ),
    # Broadcast and web lead-ins: 央视网消息（新闻联播）：— a known source where it stands (a headline's line break is
    # gone from the normalized text, so 目成就央视网消息 would take the headline's end), any other after a mark.
    ("消息", rf"(?:{_SOURCES})消息(?:\([^)\n]{{1,16}}\))?:", ""),
    ("消息", r"[\u4e00-\u9fff]{2,6}消息(?:\([^)\n]{1,16}\))?:", "。;:!?,)]】\n"),
    # A reporter or photo credit in brackets, or a credit ending in 摄.
    (None, r"\((?:本报记者|记者|通讯员|实习生|特约记者|摄影)[^)\n]{1,40}\)", ""),
    ("摄", r"\([^()\n]{1,30}摄\)", ""),
    ("摄", r"(?:新华社|本报|人民日报)?(?:记者|通讯员|摄影)[\u4e00-\u9fff、·]{2,24}摄", ""),
    # Web tags and lead-ins.
    (None, r"\[(?:视频|图|组图|图片|音频|直播|快讯|独家|现场|热点|更新)[^\]\n]{0,8}\]", ""),
    (None, r"【[^】\n]{1,40}】", ""),
    (None, r"原标题:[^\n]*", ""),
    # Links: a Markdown link to the source page, a bare address.
    ("http", r"\[[^\]\n]{1,20}\]\(https?://[^)\s]+\)", ""),
    ("http", r"https?://[^\s()<>\[\]{}\"'，。、；：！？（）《》“”]+", ""),
    # Update stamps: a date and time, ISO 8601, or a Unix time in seconds or milliseconds.
    (
        "时间|发布于|更新于|updated|published|modified",
        rf"(?:更新时间戳?|发布时间|发表时间|发布于|更新于|时间戳|updated|published|last modified)[: ]{{0,2}}"
        rf"(?:{_STAMP}|\d{{10}}(?:\d{{3}})?)",
        "",
    ),
    (r"\d:\d\d", r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}[ t]?\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?z?", ""),
    # List ordinals: （十四）, 一是 at the start of a clause.
    (None, rf"\((?:[{_NUMERAL}]{{1,3}}|\d{{1,2}})\)", ""),
    ("是", rf"[{_NUMERAL}]{{1,2}}是", "。;:!?,\n"),
    # English wire tags opening a headline: CORRECTED -, UPDATE 2-, REFILE-, RPT-.
    (rf"(?:{_WIRE_TAGS})(?: \d{{1,2}})? ?[-—–:]", rf"^(?:{_WIRE_TAGS})(?: \d{{1,2}})? ?[-—–:]+ ?", ""),
    # English wire datelines (bylines and credits: furniture_of, on the original's lines).
    # (Latin line breaks are single spaces in normalized text: a credit is a few words, not a line.)
    (r"\) ?[-—–]", r"[a-z][a-z .,'-]{1,40}\((?:reuters|ap|afp|xinhua|bloomberg|upi|cnn)\) ?[-—–]+", _LINE_START),
)


@functools.cache
def _patterns() -> tuple[tuple[re.Pattern[str] | None, re.Pattern[str], str], ...]:
    """The patterns above, their Han characters folded as :mod:`normalize` folds script."""
    from .normalize import _script_chars

    table = _script_chars()

    def folded(text: str) -> str:
        return "".join(chr(table[ord(c)]) if "\u4e00" <= c <= "\u9fff" else c for c in text)

    return tuple(
        (re.compile(folded(guard)) if guard else None, re.compile(folded(pattern), re.MULTILINE), before)
        for guard, pattern, before in _PATTERNS
    )


@functools.lru_cache(maxsize=8)
def furniture_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Sorted, disjoint ``(start, end)`` spans of furniture in a normalized text (cached: a pair asks several times)."""
    found = []
    for guard, pattern, before in _patterns():
        if guard is not None and not guard.search(text):
            continue
        for match in pattern.finditer(text):
            start, end = match.span()
            if end > start and (not before or start == 0 or text[start - 1] in before):
                if 0 < start and end < len(text) and text[start - 1] == "(" and text[end] == ")":
                    start, end = start - 1, end + 1  # (更新时间戳: 1664716724796)
                found.append((start, end))
    return _merged(found)


def _merged(found: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    spans: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
    return tuple(spans)


_WIRE_DATELINE = re.compile(rf"[^\n]{{0,60}}?\b{MONTH_NAME} \d{{1,2}},?(?: \d{{4}})?\s*(?:\([^)\n]{{1,20}}\)\s*)?[-—–]+", re.I)
"""``SAN MATEO, Calif., March 2 -``: where an English wire story was filed, and when."""


def body_start(original: str) -> int | None:
    """Where a text's body starts: its first line with a lower-case letter (an all-capitals headline comes before)."""
    return next((line.start() for line in re.finditer(r"[^\n]+", original) if line.group().upper() != line.group()), None)


def wire_dateline(original: str) -> tuple[int, int] | None:
    """The span of the original text's wire dateline, opening its body, or ``None``.

    >>> story = "FRANKLIN SETS PAYOUT\\nSAN MATEO, Calif., March 2 - Monthly dividend."
    >>> start, end = wire_dateline(story); story[start:end]
    'SAN MATEO, Calif., March 2 -'
    """
    body = body_start(original)
    match = _WIRE_DATELINE.match(original, body) if body is not None else None
    return match.span() if match else None


_CREDIT = re.compile(
    r"(?:^[ \t>*_-]*|(?<=[.!?] ))(?:photo|image|credit|photograph)s? ?[:：] ?[^ .;,\n]+(?: [^ .;,\n]+){0,3}",
    re.IGNORECASE | re.MULTILINE,
)
"""A photo credit (``Photo: Jim Young/Reuters``): it opens a line of the original, or follows a sentence's end
(``… an OS image:`` inside a sentence is no credit)."""
_CREDIT_WORD = re.compile("photo|image|credit")
_BYLINE = re.compile(r"^[ \t]*By [A-Z][\w.'’-]*(?:,? (?:and )?[A-Z][\w.'’-]*){1,3}[ \t]*$", re.MULTILINE)
"""A byline, a line of its own: ``By Jim Young``, ``By Ann Saphir and Lindsay Dunsmuir`` (``… repaid by investors.``
ending a sentence is none)."""


@functools.lru_cache(maxsize=64)
def furniture_of(normalized: Normalized) -> tuple[tuple[int, int], ...]:
    """:func:`furniture_spans` of a normalized text, with what the original text tells: its wire dateline, its
    photo credits and its bylines (a line's start, which normalization folds away in Latin text). Cached by the
    text object (frozen): a pair's edit names, passages, subjects and dates all ask.

    >>> from textversions.normalize import normalize
    >>> text = normalize("Rescuers reach the village.\\nPhoto: Jim Young/Reuters\\n\\n- Mount an OS image:\\n\\n`mount x`")
    >>> [text.text[lo:hi] for lo, hi in furniture_of(text)]
    ['photo: jim young/reuters']
    """
    original = normalized.original
    # (Most texts name no photo, image or credit: the normalized text, lower case, says so at once.)
    credits = _CREDIT.finditer(original) if _CREDIT_WORD.search(normalized.text) else ()
    found = [normalized.normalized_span(*m.span()) for m in credits]
    if "by " in normalized.text:
        found.extend(normalized.normalized_span(*m.span()) for m in _BYLINE.finditer(original))
    dateline = wire_dateline(original)
    if dateline is not None:
        found.append(normalized.normalized_span(*dateline))
    found = [(lo, hi) for lo, hi in found if hi > lo]
    spans = furniture_spans(normalized.text)
    return _merged([*spans, *found]) if found else spans


def within(spans: Sequence[tuple[int, int]], lo: int, hi: int) -> tuple[int, int] | None:
    """The furniture span holding the characters ``[lo, hi)``, or ``None``.

    >>> within([(2, 9)], 3, 5), within([(2, 9)], 8, 11)
    ((2, 9), None)
    """
    index = bisect.bisect_right(spans, lo, key=lambda span: span[0]) - 1  # the last span starting at or before lo
    if index >= 0 and spans[index][0] <= lo and hi <= spans[index][1]:
        return spans[index]
    return None
