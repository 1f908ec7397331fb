"""Numbers as an editor reads them: 1.1万, 11万, 十一万, 两千, 3万5千, 零点五, 百分之六, 20,000, 35%, 1月28日, 13:30,
8-3/4, March 2, 1987.

A count's qualifier (20000余人, 300多名) stays outside the number: 1.1万余 → 11万余
is the edit 1.1万 → 11万.

>>> parse_number("1.1万"), parse_number("11万"), parse_number("十一万"), parse_number("两千")
(11000.0, 110000.0, 110000.0, 2000.0)
>>> parse_number("3万5千"), parse_number("零点五"), parse_number("百分之六") == parse_number("6%")
(35000.0, 0.5, True)
>>> [m.group() for m in NUMBER.finditer("1月28日13:30,近300名医护人员,1.1万余个")]
['1月28日', '13:30', '300', '1.1万']
>>> token_value("1月28日"), token_value("20000")
('01-28', 20000.0)
>>> [m.group() for m in NUMBER.finditer("due april 9, 1992 paying 8-3/4 pct, 1/4 pct; 1986/87")]
['april 9, 1992', '8-3/4', '1/4', '1986', '87']
>>> token_value("april 9, 1992"), token_value("march 2"), parse_number("8-3/4")
('1992-04-09', '03-02', 8.75)
>>> parse_number("1.1 mln") == parse_number("1.1 million") == parse_number("1,100,000"), parse_number("5 pct")
(True, 0.05)
"""

from __future__ import annotations

import re

__all__ = ["NUMBER", "NUMBER_CHAR", "NUMBER_CHARS", "MONTH_NAME", "parse_number", "token_value", "token_unit", "in_words"]

_CHINESE_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_LARGE_UNITS = {"万": 10_000, "亿": 100_000_000}
_UNITS = {**_SMALL_UNITS, **_LARGE_UNITS}
_HAN_NUMERAL = "〇零一二两三四五六七八九十百千万亿"

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
MONTH_NAME = rf"(?<![a-z])(?:{'|'.join(_MONTHS)})[a-z]{{0,6}}\.?"
"""A month's name in English, whole or cut short (``march``, ``sept.``), in normalized (lower-case) text."""
_DATE = (
    r"(?:\d{2,4}年)?\d{1,2}月\d{1,2}[日号]|\d{4}年\d{1,2}月|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"
    rf"|{MONTH_NAME} \d{{1,2}}(?:, \d{{4}})?(?![\d:])"
)
_TIME = r"\d{1,2}:\d{2}(?::\d{2})?"
_SCALES = {"thousand": 1e3, "million": 1e6, "mln": 1e6, "billion": 1e9, "bln": 1e9, "trillion": 1e12}
"""English scale words after a figure, spelled out or as the wire abbreviates them (``1.1 mln``)."""
_PERCENT_WORDS = ("pct", "percent", "per cent")
_ENGLISH = rf"(?: (?:{'|'.join(_SCALES)})(?![a-z]))?(?: ?(?:{'|'.join(_PERCENT_WORDS)})(?![a-z]))?"
"""What English writes after a figure's digits: a scale word, a percent word (in normalized, lower-case text)."""
_ARABIC = rf"\d+(?:[.,]\d+)*(?:[十百千万亿]+\d+(?:\.\d+)?)*[十百千万亿]*(?:%|{_ENGLISH})"
_PERCENT_SUFFIX = re.compile(rf" ?(?:%|{'|'.join(_PERCENT_WORDS)})$")
_SCALE_SUFFIX = re.compile(rf" ({'|'.join(_SCALES)})$")
_HAN = rf"[{_HAN_NUMERAL}]*[〇零一二两三四五六七八九十][{_HAN_NUMERAL}]*(?:点[〇零一二三四五六七八九]+[万亿]?)?"
_PERCENT = rf"百分之(?:{_ARABIC}|{_HAN})"
_FRACTION = r"(?:\d+-)?\d{1,2}/(?:2|4|8|16|32|64)(?!\d)"
"""``8-3/4``, ``3/8``: the fractions of English financial copy (prices, coupons)."""

NUMBER = re.compile(
    rf"(?=[\d{_HAN_NUMERAL}]|(?=[adfjmnos]){MONTH_NAME} \d)(?:{_DATE}|{_TIME}|{_PERCENT}|{_FRACTION}|{_ARABIC}|{_HAN})"
)
"""A date, time or number in normalized text (full-width digits are ASCII there). (A month's name is looked for
only at one of the letters months begin with: the search passes every other character at once.)"""

NUMBER_CHARS = rf"\da-zA-Z{_HAN_NUMERAL}点分之年月日号.,%/: -"
"""The characters a :data:`NUMBER` token can hold, as the inside of a character class."""
NUMBER_CHAR = re.compile(f"[{NUMBER_CHARS}]")
"""Every character a :data:`NUMBER` token can hold: where none is, no number is (a cheap test before the search).

>>> [bool(NUMBER_CHAR.match(c)) for c in "3月x的"]
[True, True, True, False]
"""


def token_unit(token: str) -> str:
    """``date``, ``time``, ``percent`` or ``number``."""
    if re.fullmatch(_DATE, token):
        return "date"
    if re.fullmatch(_TIME, token):
        return "time"
    return "percent" if _is_percent(token) else "number"


def _is_percent(token: str) -> bool:
    """Does a number token end in a percent sign or word, or open with 百分之?"""
    return token.endswith(("%", *_PERCENT_WORDS)) or token.startswith("百分之")


def token_value(token: str) -> float | str | None:
    """A comparable value: a float for numbers, ``MM-DD``/``YYYY-MM-DD``/``HH:MM`` text for dates and times."""
    unit = token_unit(token)
    if unit == "date" and token[0].isalpha():  # march 2, 1987
        day, *year = (int(p) for p in re.findall(r"\d+", token))
        month = _MONTHS.index(token[:3]) + 1
        return (f"{year[0]:04d}-" if year else "") + f"{month:02d}-{day:02d}"
    if unit == "date":
        parts = [int(p) for p in re.findall(r"\d+", token)]
        if "月" in token and "日" not in token and "号" not in token:
            return f"{parts[0]:04d}-{parts[1]:02d}"
        return "-".join(f"{p:02d}" if i or len(parts) == 2 else f"{p:04d}" for i, p in enumerate(parts))
    if unit == "time":
        return ":".join(f"{int(p):02d}" for p in token.split(":"))
    return parse_number(token)


def parse_number(token: str) -> float | None:
    """The value of one number token (a percentage as a fraction), or ``None``."""
    token = token.strip()
    fraction = re.fullmatch(r"(?:(\d+)-)?(\d+)/(\d+)", token)
    if fraction:
        whole, numerator, denominator = fraction.groups()
        return int(whole or 0) + int(numerator) / int(denominator)
    percent = _is_percent(token)
    token = _PERCENT_SUFFIX.sub("", token).removeprefix("百分之")
    scale = _SCALE_SUFFIX.search(token)
    token = token[: scale.start()] if scale else token
    match = re.fullmatch(r"(\d+(?:,\d{3})*(?:\.\d+)?|\d+(?:\.\d+)?)([十百千万亿]*)", token)
    if match:
        value = float(match.group(1).replace(",", "")) * (_SCALES[scale.group(1)] if scale else 1)
        for unit in match.group(2):
            value *= _UNITS[unit]
    else:
        value = _parse_chinese(token)
        if value is None:
            return None
    return value / 100 if percent else value


_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen"
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety"
_WORD_VALUES = {word: n for n, word in enumerate(_ONES.split())} | {word: 20 + 10 * n for n, word in enumerate(_TENS.split())}
_IN_WORDS = re.compile(
    rf"(?:(?P<tens>{'|'.join(_TENS.split())})(?:[- ](?P<unit>{'|'.join(_ONES.split()[1:10])}))?|(?P<ones>{'|'.join(_ONES.split())}))"
    rf"(?: (?P<scale>{'|'.join(_SCALES)}))?(?: ?(?P<percent>{'|'.join(_PERCENT_WORDS)}))?"
)


def in_words(text: str) -> float | None:
    """The value of a number English writes in words (``five``, ``twenty-five``, ``two billion``, ``six pct``: a
    percentage as a fraction), in normalized (lower-case) text; else ``None``.

    >>> in_words("five"), in_words("twenty-five"), in_words("two billion"), in_words("six pct"), in_words("fiver")
    (5.0, 25.0, 2000000000.0, 0.06, None)
    """
    words = _IN_WORDS.fullmatch(text.strip())
    if words is None:
        return None
    value = float(_WORD_VALUES[words["tens"]] + _WORD_VALUES[words["unit"] or "zero"] if words["tens"] else _WORD_VALUES[words["ones"]])
    value *= _SCALES[words["scale"]] if words["scale"] else 1
    return value / 100 if words["percent"] else value


def _parse_chinese(token: str) -> float | None:
    """Han numerals, possibly mixed with Arabic digits (3万5千) and with a decimal point (零点五)."""
    if "点" in token:
        whole, _, fraction = token.partition("点")
        scale = 1.0
        while fraction and fraction[-1] in _LARGE_UNITS:  # 一点五亿
            scale *= _LARGE_UNITS[fraction[-1]]
            fraction = fraction[:-1]
        whole_value = _parse_chinese(whole) if whole else 0.0
        if whole_value is None or not fraction or any(c not in _CHINESE_DIGITS for c in fraction):
            return None
        return (whole_value + float("0." + "".join(str(_CHINESE_DIGITS[c]) for c in fraction))) * scale
    token = re.sub(r"\d+(?:\.\d+)?", lambda m: f"<{m.group()}>", token)
    pieces = re.findall(r"<[\d.]+>|.", token)
    if not pieces or any(p not in _CHINESE_DIGITS and p not in _UNITS and not p.startswith("<") for p in pieces):
        return None
    if len(pieces) == 1 and pieces[0].startswith("<"):
        return float(pieces[0][1:-1])
    return _parse_pieces(pieces)


def _parse_pieces(pieces: list[str]) -> float | None:
    """Digits (Han, or Arabic runs written ``<12>``) and units, read as a Chinese numeral."""
    if "亿" in pieces:
        cut = pieces.index("亿")
        high, low = pieces[:cut], pieces[cut + 1 :]
        high_value = _parse_pieces(high) if high else 1.0
        low_value = _parse_pieces(low) if low else 0.0
        if high_value is None or low_value is None:
            return None
        return high_value * 100_000_000 + low_value
    if len(pieces) > 1 and all(p in _CHINESE_DIGITS for p in pieces):
        return float("".join(str(_CHINESE_DIGITS[p]) for p in pieces))  # 二〇二〇
    total = section = 0.0
    digit: float | None = None
    for char in pieces:
        if char.startswith("<"):
            digit = float(char[1:-1])
        elif char in _CHINESE_DIGITS:
            digit = _CHINESE_DIGITS[char]
        elif char in _SMALL_UNITS:
            section += (1 if digit is None else digit) * _SMALL_UNITS[char]
            digit = None
        else:  # 万
            section += digit or 0
            total = (total + (section or 1)) * _LARGE_UNITS[char]
            section, digit = 0, None
    return float(total + section + (digit or 0))
