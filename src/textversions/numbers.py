"""Numbers as an editor reads them: 1.1万, 11万, 十一万, 两千, 20,000, 35%.

>>> parse_number("1.1万"), parse_number("11万"), parse_number("十一万"), parse_number("两千")
(11000.0, 110000.0, 110000.0, 2000.0)
>>> NUMBER.findall("近300名医护人员, 1.1万余个")
['300', '1.1万']
"""

from __future__ import annotations

import re

__all__ = ["NUMBER", "NUMBER_CHARS", "parse_number"]

_CHINESE_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_LARGE_UNITS = {"万": 10_000, "亿": 100_000_000}
_UNITS = {**_SMALL_UNITS, **_LARGE_UNITS}

NUMBER = re.compile(
    r"[0-9]+(?:[.,][0-9]+)*[十百千万亿]*%?"
    r"|[〇零一二两三四五六七八九十百千万亿]*[〇零一二两三四五六七八九十][〇零一二两三四五六七八九十百千万亿]*"
)
"""A number in normalized text (full-width digits are already ASCII there)."""

NUMBER_CHARS = frozenset("0123456789.,%") | frozenset(_CHINESE_DIGITS) | frozenset(_UNITS)
"""Characters an edit is widened over when it touches a number."""


def parse_number(token: str) -> float | None:
    """The value of one number token, or ``None`` if it is not one."""
    token = token.strip()
    percent = token.endswith("%")
    if percent:
        token = token[:-1]
    match = re.fullmatch(r"([0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?)([十百千万亿]*)", token)
    if match:
        value = float(match.group(1).replace(",", ""))
        for unit in match.group(2):
            value *= _UNITS[unit]
    else:
        value = _parse_chinese(token)
        if value is None:
            return None
    return value / 100 if percent else value


def _parse_chinese(token: str) -> float | None:
    if not token or any(c not in _CHINESE_DIGITS and c not in _UNITS for c in token):
        return None
    if all(c in _CHINESE_DIGITS for c in token) and len(token) > 1:
        return float("".join(str(_CHINESE_DIGITS[c]) for c in token))  # 二〇二〇
    total = section = 0
    digit = None
    for char in token:
        if char in _CHINESE_DIGITS:
            digit = _CHINESE_DIGITS[char]
        elif char in _SMALL_UNITS:
            section += (1 if digit is None else digit) * _SMALL_UNITS[char]
            digit = None
        else:
            section += digit or 0
            if section == 0:
                section = 1
            total = (total + section) * _LARGE_UNITS[char]
            section, digit = 0, None
    return float(total + section + (digit or 0))
