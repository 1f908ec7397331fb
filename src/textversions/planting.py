"""Plant one known edit into real text — the ground truth for testing the classifier.

Used by the property tests and by ``benchmarks/edit_kinds.py``; deterministic for
a given ``random.Random``.

>>> import random
>>> planted = plant("在抗击疫情的斗争中，株洲1.1万余个基层党组织奋勇争先。", "number", random.Random(1))
>>> planted.kind, planted.original != planted.edited
('number', True)
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from .edits import SUBSTANTIVE_KINDS
from .numbers import NUMBER

__all__ = ["Planted", "PLANTABLE", "plant", "paragraphs", "ocr_noise", "swap_paragraphs"]

PLANTABLE = SUBSTANTIVE_KINDS + ("punctuation", "width", "script", "whitespace")
"""Every kind :func:`plant` can plant: the substantive ones and the cosmetic ones that stand alone."""

_POOL = "党组织群众防控工作社区医院人员服务安全部门企业力量健康保障检查宣传管理建设发展城市乡村领导干部志愿者"
_CLAUSES = ("并及时做好登记工作", "同时加强宣传引导", "确保各项措施落到实处", "切实守护群众健康")
_CAPTIONS = ("▲志愿者在社区入口为居民测量体温。", "图为医护人员在病房内查看病人情况。", "▲党员干部连夜搬运防疫物资。")
_HEADERS = ("来源:株洲日报 | 编辑:王珈 | 浏览量:1024", "责编:李明", "分享到:微信 微博")
_SENTENCE = re.compile(r"[^。！？!?]+[。！？!?]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_WIDTH = {"，": ",", ",": "，", "：": ":", ":": "：", "（": "(", "(": "（", "）": ")", ")": "）", "！": "!", "!": "！"}
_NUMERALS = set("〇零一二两三四五六七八九十百千万亿")
_COMMON_HAN = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经"


@dataclass(frozen=True)
class Planted:
    """``edited`` is ``original`` with exactly one edit of ``kind``."""

    original: str
    edited: str
    kind: str


def paragraphs(texts: list[str], *, min_length: int = 60) -> list[str]:
    """Paragraphs (non-empty lines) in simplified script of at least ``min_length`` characters, in order.

    The planted material (clauses, captions, characters) is simplified Chinese,
    so traditional paragraphs are left out: planting into them would plant a
    script change too.
    """
    from .normalize import converter

    to_simplified = converter("t2s")
    lines = (line.strip() for text in texts for line in text.splitlines())
    return [line for line in lines if len(line) >= min_length and to_simplified(line) == line]


def ocr_noise(text: str, rate: float, rng: random.Random) -> str:
    """``text`` with about ``rate`` of its visible characters slipped as OCR of a printed page slips them.

    A slip is a look-alike character where one is at hand (else a common one),
    a random common character, a dropped character or a doubled one, in equal
    shares; whitespace is left alone.

    >>> ocr_noise("株洲1.1万余个基层党组织", 0.0, random.Random(0))
    '株洲1.1万余个基层党组织'
    """
    from .hanzi import look_alike

    out = []
    for char in text:
        roll = rng.random()
        if not char.strip() or roll >= rate:
            out.append(char)
        elif roll < rate / 4:
            pool = rng.sample(_COMMON_HAN, 20)
            out.append(next((c for c in pool if look_alike(char, c)), pool[0]))
        elif roll < rate / 2:
            out.append(rng.choice(_COMMON_HAN))
        elif roll < 3 * rate / 4:
            continue
        else:
            out.append(char + char)
    return "".join(out)


def swap_paragraphs(text: str, rng: random.Random, *, keep_first: bool = True) -> str:
    """``text`` with two of its blank-line-separated paragraphs swapped (the first, a title, kept if asked)."""
    paragraphs = text.split("\n\n")
    first = 1 if keep_first else 0
    if len(paragraphs) - first < 2:
        return text
    i, j = rng.sample(range(first, len(paragraphs)), 2)
    paragraphs[i], paragraphs[j] = paragraphs[j], paragraphs[i]
    return "\n\n".join(paragraphs)


def _sentences(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _SENTENCE.finditer(text)]


def _plain_han_positions(text: str) -> list[int]:
    """Han characters away from numbers and names of numerals (safe to substitute)."""
    near_number = set()
    for m in NUMBER.finditer(text):
        near_number.update(range(m.start() - 1, m.end() + 1))
    return [i for i, c in enumerate(text) if _HAN.match(c) and c not in _NUMERALS and i not in near_number]


def plant(text: str, kind: str, rng: random.Random) -> Planted | None:
    """``text`` with one planted edit of ``kind``, or ``None`` if this text offers no place for it."""
    edited = _PLANTERS[kind](text, rng)
    if edited is None or edited == text:
        return None
    return Planted(text, edited, kind)


def _number(text: str, rng: random.Random) -> str | None:
    links = [m.span() for m in re.finditer(r"https?://\S+", text)]
    found = [
        m
        for m in NUMBER.finditer(text)
        if re.fullmatch(r"\d+(?:\.\d+)?[万亿]?", m.group()) and not any(lo <= m.start() < hi for lo, hi in links)
    ]
    if not found:
        return None
    m = rng.choice(found)
    token = m.group()
    digits = re.match(r"\d+(?:\.\d+)?", token).group()  # type: ignore[union-attr]
    unit = token[len(digits) :]
    choice = rng.randrange(3)
    if choice == 0 and "." in digits:
        new = digits.replace(".", "")
    elif choice == 1:
        new = str(int(float(digits) * 10)) if "." not in digits else digits + "5"
    else:
        new = str(int(float(digits)) + rng.randint(1, 9))
    return text[: m.start()] + new + unit + text[m.end() :]


def _substitution(text: str, rng: random.Random) -> str | None:
    positions = _plain_han_positions(text)
    if not positions:
        return None
    i = rng.choice(positions)
    avoid = set(text[max(0, i - 2) : i + 3])
    choices = [c for c in _POOL if c not in avoid]
    return text[:i] + rng.choice(choices) + text[i + 1 :]


def _insertion(text: str, rng: random.Random) -> str | None:
    commas = [i for i, c in enumerate(text) if c in "，," and 10 < i < len(text) - 10]
    if not commas:
        return None
    i = rng.choice(commas)
    return text[: i + 1] + rng.choice(_CLAUSES) + text[i] + text[i + 1 :]


def _deletion(text: str, rng: random.Random) -> str | None:
    commas = [i for i, c in enumerate(text) if c in "，,"]
    spans = [
        (a + 1, b + 1)
        for a, b in zip(commas, commas[1:])
        if 4 <= b - a <= 40 and b < len(text) - 5 and not NUMBER.search(text[a:b])
    ]
    if not spans:
        return None
    lo, hi = rng.choice(spans)
    return text[:lo] + text[hi:]


def _caption(text: str, rng: random.Random) -> str | None:
    sentences = _sentences(text)
    if len(sentences) < 2:
        return None
    cut = rng.choice(sentences[:-1])[1]
    return text[:cut] + "\n\n" + rng.choice(_CAPTIONS) + "\n\n" + text[cut:]


def _boilerplate(text: str, rng: random.Random) -> str | None:
    header = rng.choice(_HEADERS)
    return header + "\n\n" + text if rng.random() < 0.5 else text + "\n\n" + header


def _truncation(text: str, rng: random.Random) -> str | None:
    sentences = _sentences(text)
    ends = [end for _, end in sentences if len(text) * 0.5 <= end <= len(text) - 15]
    return text[: rng.choice(ends)] if ends else None


def _moved(text: str, rng: random.Random) -> str | None:
    sentences = [s for s in _sentences(text) if s[1] - s[0] >= 12]
    if len(sentences) < 3:
        return None
    lo, hi = rng.choice(sentences[:-1])
    moved = text[lo:hi]
    rest = text[:lo] + text[hi:]
    targets = [end for _, end in _sentences(rest) if end >= hi - (hi - lo) + 20]
    if not targets:
        return None
    at = rng.choice(targets)
    return rest[:at] + moved + rest[at:]


def _repeated(text: str, rng: random.Random) -> str | None:
    sentences = [s for s in _sentences(text) if s[1] - s[0] >= 8]
    if not sentences:
        return None
    lo, hi = rng.choice(sentences)
    return text[:hi] + text[lo:hi] + text[hi:]


def _punctuation(text: str, rng: random.Random) -> str | None:
    quotes = [i for i, c in enumerate(text) if c in "“”"]
    if quotes:
        i = rng.choice(quotes)
        return text[:i] + text[i + 1 :]
    commas = [i for i, c in enumerate(text) if c == "、"]
    if commas:
        i = rng.choice(commas)
        return text[:i] + "，" + text[i + 1 :]
    return None


def _width(text: str, rng: random.Random) -> str | None:
    marks = [i for i, c in enumerate(text) if c in _WIDTH]
    if not marks:
        return None
    chosen = set(rng.sample(marks, rng.randint(1, len(marks))))
    return "".join(_WIDTH[c] if i in chosen else c for i, c in enumerate(text))


def _script(text: str, rng: random.Random) -> str | None:
    from .normalize import converter

    return converter("s2t")(text)


def _whitespace(text: str, rng: random.Random) -> str | None:
    positions = [i for i in range(1, len(text)) if _HAN.match(text[i - 1]) and _HAN.match(text[i])]
    if not positions:
        return None
    i = rng.choice(positions)
    return text[:i] + rng.choice(["\n\n", "\n", "  ", "\r\n"]) + text[i:]


_PLANTERS = {
    "number": _number,
    "substitution": _substitution,
    "insertion": _insertion,
    "deletion": _deletion,
    "caption": _caption,
    "boilerplate": _boilerplate,
    "truncation": _truncation,
    "moved": _moved,
    "repeated": _repeated,
    "punctuation": _punctuation,
    "width": _width,
    "script": _script,
    "whitespace": _whitespace,
}
