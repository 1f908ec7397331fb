"""Numbers as an editor reads them: 1.1万, 11万, 十一万, 两千, 20,000, 35%, 1月28日, 13:30.

A count's qualifier (20000余人, 300多名) stays outside the number: 1.1万余 → 11万余
is the edit 1.1万 → 11万.

>>> parse_number("1.1万"), parse_number("11万"), parse_number("十一万"), parse_number("两千")
(11000.0, 110000.0, 110000.0, 2000.0)
>>> [m.group() for m in NUMBER.finditer("1月28日13:30,近300名医护人员,1.1万余个")]
['1月28日', '13:30', '300', '1.1万']
>>> token_value("1月28日"), token_value("20000")
('01-28', 20000.0)
"""

from __future__ import annotations

import re

__all__ = ["NUMBER", "parse_number", "token_value", "token_unit"]

_CHINESE_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_LARGE_UNITS = {"万": 10_000, "亿": 100_000_000}
_UNITS = {**_SMALL_UNITS, **_LARGE_UNITS}
_HAN_NUMERAL = "〇零一二两三四五六七八九十百千万亿"

_DATE = r"(?:\d{2,4}年)?\d{1,2}月\d{1,2}[日号]|\d{4}年\d{1,2}月|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"
_TIME = r"\d{1,2}:\d{2}(?::\d{2})?"
_ARABIC = r"\d+(?:[.,]\d+)*[十百千万亿]*%?"
_HAN = rf"[{_HAN_NUMERAL}]*[〇零一二两三四五六七八九十][{_HAN_NUMERAL}]*"

NUMBER = re.compile(rf"{_DATE}|{_TIME}|{_ARABIC}|{_HAN}")
"""A date, time or number in normalized text (full-width digits are ASCII there)."""


def token_unit(token: str) -> str:
    """``date``, ``time``, ``percent`` or ``number``."""
    if re.fullmatch(_DATE, token):
        return "date"
    if re.fullmatch(_TIME, token):
        return "time"
    return "percent" if token.endswith("%") else "number"


def token_value(token: str) -> float | str | None:
    """A comparable value: a float for numbers, ``MM-DD``/``YYYY-MM-DD``/``HH:MM`` text for dates and times."""
    unit = token_unit(token)
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
    percent = token.endswith("%")
    if percent:
        token = token[:-1]
    match = re.fullmatch(r"(\d+(?:,\d{3})*(?:\.\d+)?|\d+(?:\.\d+)?)([十百千万亿]*)", token)
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
    if "亿" in token:
        high, _, low = token.partition("亿")
        high_value = _parse_chinese(high) if high else 1.0
        low_value = _parse_chinese(low) if low else 0.0
        if high_value is None or low_value is None:
            return None
        return high_value * 100_000_000 + low_value
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
        else:  # 万
            section += digit or 0
            total = (total + (section or 1)) * _LARGE_UNITS[char]
            section, digit = 0, None
    return float(total + section + (digit or 0))
