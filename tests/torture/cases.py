"""Hostile documents and pairs, generated deterministically, each with its expected behaviour.

Every case is a small corpus (id → text). ``expect`` is ``"ok"`` (every entry point
returns, every document is accounted for, edits are lossless) or ``"error"`` (a
clear error naming the document); ``relation`` pins the relation of the first
two documents where one is known.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from textversions.io import seed_corpus

_SEEDS = dict(seed_corpus())
_ARTICLE = _SEEDS["003_2ce852fb66e9e90e"]
_PARAGRAPH = "越是风急浪骤，越需中流砥柱。关键时刻，生死关头，党组织就是主心骨。在抗击疫情的斗争中，株洲1.1万余个基层党组织奋勇争先。"


@dataclass(frozen=True)
class Case:
    name: str
    docs: dict[str, str]
    expect: str = "ok"
    relation: str | None = None
    note: str = ""
    large: bool = False
    extra: dict[str, object] = field(default_factory=dict)


def _rng() -> random.Random:
    return random.Random(20261122)


def _mojibake(text: str) -> str:
    return text.encode("utf-8").decode("latin-1")


def _binary_junk(size: int) -> str:
    rng = _rng()
    return bytes(rng.randrange(256) for _ in range(size)).decode("latin-1")


def _long_line(size: int) -> str:
    rng = _rng()
    alphabet = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可也你，。"
    return "".join(rng.choice(alphabet) for _ in range(size))


def cases() -> list[Case]:
    long_text = _long_line(1_000_000)
    return [
        Case("empty documents", {"empty": "", "also-empty": ""}, relation="duplicate", note="kept, each its own family",
             extra={"singletons": True}),
        Case("whitespace only", {"blank": " \n\t\r\n ", "article": _PARAGRAPH}, relation="unrelated"),
        Case("binary junk (decoded as Latin-1)", {"junk": _binary_junk(4000), "article": _PARAGRAPH}),
        Case("mojibake of a version", {"clean": _ARTICLE, "mojibake": _mojibake(_ARTICLE)}),
        Case(
            "emoji and CJK Extension B",
            {"a": _PARAGRAPH + "😀𠀀𠀁" * 20, "b": _PARAGRAPH.replace("株洲", "𠀀洲") + "😀𠀀𠀁" * 20},
            relation="version",
        ),
        Case("lone surrogate", {"broken": _PARAGRAPH + "\ud800", "article": _PARAGRAPH}, expect="error",
             note="InvalidInput naming the document and the position"),
        Case("NUL bytes", {"nul": _PARAGRAPH.replace("，", "\x00，"), "article": _PARAGRAPH}, relation="version"),
        Case(
            "CR, CRLF and LF mixed",
            {"lf": _PARAGRAPH.replace("。", "。\n"), "crlf": _PARAGRAPH.replace("。", "。\r\n").replace("，", "，\r")},
            relation="duplicate",
        ),
        Case("combining marks", {"nfc": "Café crème brûlée " * 10, "nfd": "Cafe\u0301 cre\u0300me bru\u0302le\u0301e " * 10}),
        Case("one repeated character", {"page": "啊" * 50_000, "shorter": "啊" * 49_990}, relation="version"),
        Case(
            "HTML with scripts",
            {"html": "<script>alert('x')</script>" + _PARAGRAPH, "plain": _PARAGRAPH, '"><script>': _PARAGRAPH},
        ),
        Case("megabyte single line", {"long": long_text, "edited": long_text[:500_000] + "新增一句话。" + long_text[500_000:]},
             relation="version", large=True),
        Case("identical documents under different ids", {"x": _ARTICLE, "y": _ARTICLE, "z": _ARTICLE}, relation="duplicate"),
        Case("a prefix of another", {"full": _ARTICLE, "prefix": _ARTICLE[: len(_ARTICLE) * 2 // 3]}),
        Case("width only", {"ascii": _ARTICLE, "full-width": _ARTICLE.replace(",", "，").replace(":", "：")}, relation="duplicate"),
        Case("script only", {"traditional": _SEEDS["004_04d66e9cb45bb6bc"], "simplified": _to_simplified(_SEEDS["004_04d66e9cb45bb6bc"])},
             relation="duplicate"),
        Case("whitespace only differs", {"page": _ARTICLE.replace("。", "。\n\n  "), "web": _ARTICLE}, relation="duplicate"),
        Case("100k tiny documents", _tiny_corpus(100_000), large=True, note="all accounted for, identical pairs found"),
        # Repeated content (issue 14, class 2): a shingle frequent in one text still anchors the other.
        Case("an article printed 17 times on a page", {"article": _ARTICLE, "page": "\n\n".join([_ARTICLE] * 17)},
             relation="contained_by"),
        # Many short exact islands (issue 14, class 3): every other line of 400 kept.
        Case("every other line of 400 short lines", _every_other_line(), relation="version"),
        # Invisible characters (issue 14, class 5): removing them is layout, never a deletion or a script change.
        Case("direction marks and isolates removed", {"marked": _marked(_RTL), "clean": _RTL}, relation="duplicate"),
        Case("zero-width spaces removed", {"zwsp": _PARAGRAPH.replace("，", "\u200b，\u200b"), "clean": _PARAGRAPH},
             relation="duplicate"),
        Case("zero-width no-break spaces and soft hyphens",
             {"bom": _PARAGRAPH.replace("，", "\ufeff，").replace("基层", "基\u00ad层"), "clean": _PARAGRAPH},
             relation="duplicate"),
        Case("NUL beside a phrase-converted word", {"a": "\x00我瞭解情况，" + _PARAGRAPH, "b": "\x00我了解情况，" + _PARAGRAPH},
             relation="duplicate", note="瞭解 / 了解 is script with a NUL within three characters"),
    ]


_RTL = "שלום עולם, זהו טקסט בעברית עם מספרים 123 ומילים באנגלית like this. " * 20 + "مرحبا بالعالم، هذا نص عربي. " * 20


def _every_other_line() -> dict[str, str]:
    rng = _rng()
    alphabet = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经"
    lines = ["".join(rng.choice(alphabet) for _ in range(30)) for _ in range(400)]
    return {"all": "\n".join(lines), "every other": "\n".join(lines[::2])}


def _marked(text: str) -> str:
    """RTL text as editors leave it: direction marks, embeddings and isolates around words."""
    marks = ["\u200f", "\u200e", "\u202b", "\u202c", "\u2066", "\u2069"]
    words = text.split(" ")
    return " ".join(marks[n % len(marks)] + word for n, word in enumerate(words))


def _to_simplified(text: str) -> str:
    import opencc

    return opencc.OpenCC("t2s").convert(text)


def _tiny_corpus(count: int) -> dict[str, str]:
    rng = _rng()
    alphabet = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可也你"
    docs = {f"tiny-{i:06d}": "".join(rng.choice(alphabet) for _ in range(12)) for i in range(count)}
    docs["tiny-copy"] = docs["tiny-000000"]
    return docs
