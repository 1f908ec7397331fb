"""The classifier names planted edits in real seed paragraphs; golden cases by hand."""

from __future__ import annotations

import functools
import gzip
import json
import random
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from textversions import compare
from textversions.edits import COSMETIC_KINDS
from textversions.furniture import furniture_of
from textversions.normalize import normalize
from textversions.io import seed_corpus
from textversions.planting import PLANTABLE, paragraphs, plant

PARAGRAPHS = paragraphs([text for _, text in seed_corpus()])
GOLDEN = [json.loads(line) for line in (Path(__file__).parent / "golden" / "edits.jsonl").read_text("utf-8").splitlines() if line.strip()]


def named_kinds(original: str, edited: str) -> set[str]:
    comparison = compare(original, edited)
    assert comparison.apply(original) == edited
    return {edit.kind for edit in comparison.edits}


@functools.cache
def _hosts(kind: str) -> list[str]:
    """The paragraphs that offer a place for ``kind`` (a moved passage needs several sentences, a number a number)."""
    return [p for p in PARAGRAPHS if any(plant(p, kind, random.Random(seed)) for seed in range(4))]


@pytest.mark.parametrize("kind", PLANTABLE)
@given(data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_planted_edit_is_named(kind, data, seed):
    paragraph = data.draw(st.sampled_from(_hosts(kind)))
    planted = plant(paragraph, kind, random.Random(seed))
    assume(planted is not None)  # this paragraph offers no place for the kind: draw another
    assert named_kinds(planted.original, planted.edited) == {kind}


@pytest.mark.parametrize("case", GOLDEN, ids=lambda case: f"{case['kind']}:{case['a']}→{case['b']}")
def test_golden_edit(case):
    comparison = compare(case["a"], case["b"])
    assert comparison.apply(case["a"]) == case["b"]
    if case["kind"] in COSMETIC_KINDS:
        assert comparison.edits and {e.kind for e in comparison.edits} == {case["kind"]}
        return
    substantive = comparison.substantive_edits
    assert len(substantive) == 1, [e.to_dict() for e in comparison.edits]
    edit = substantive[0]
    assert edit.kind == case["kind"]
    for key in ("a_text", "b_text"):
        if key in case:
            assert getattr(edit, key) == case[key]
    for key, value in case.get("detail", {}).items():
        assert edit.detail.get(key) == value


def test_summary_lists_substantive_kinds_first():
    comparison = compare("共1.1万个，“好”", "共11万个,好")
    kinds = list(comparison.summary())
    assert kinds[0] == "number"
    assert set(kinds[1:]) <= set(COSMETIC_KINDS)


def test_a_caption_printed_elsewhere_is_moved():
    """A photo caption the reprint prints at the end has moved: not a caption gone and a text run on."""
    body = (
        "疫情防控是没有硝烟的战场,全市医疗卫生战线的党组织,团结带领广大党员和医务工作者,冲锋在前。\n\n"
        "市卫健委党委把打赢疫情防控阻击战作为当前最重要的政治任务,主动作为,积极应对。"
    )
    caption = "▲团结一心,共战疫情。"
    a = f"把最美的身影留在战疫最前线。\n\n{caption}\n\n{body}"
    b = f"把最美的身影留在战疫最前线。\n\n{body}\n\n{caption}"
    comparison = compare(a, b)
    assert [edit.kind for edit in comparison.substantive_edits] == ["moved", "moved"]
    assert comparison.apply(a) == b


@functools.cache
def _seed_text() -> str:
    return "\n".join(text for _, text in seed_corpus())


@given(data=st.data())
def test_phrase_windows_convert_alike_joined_and_alone(data):
    """A pair's script windows are converted in one OpenCC call per table; each must read as if converted alone."""
    from textversions.classify import _PhraseReader, _phrase_converters

    text = _seed_text()
    starts = data.draw(st.lists(st.integers(0, len(text) - 10), min_size=1, max_size=30))
    windows = [(text[s : s + 7], text[s + 2 : s + 9]) for s in starts]
    traditional = data.draw(st.sampled_from([(False, False), (True, False), (False, True)]))
    reader = _PhraseReader(traditional)
    reader.prefetch(windows)
    assert reader.converted
    for (table, window), converted in reader.converted.items():
        assert converted == _phrase_converters()[table](window), (table, window)


@given(st.text(alphabet=st.sampled_from(list("0123456789一二两十百千万亿点分之年月日号百分之.,%/:- abcdeprjunmaychx的了κж٣")), max_size=40))
def test_number_chars_cover_every_token(text):
    """Edits skip the token search where no character could be in a number or word: the class must cover them all."""
    from textversions.align import _LATIN_WORD, _in_token
    from textversions.numbers import NUMBER

    for match in [*NUMBER.finditer(text), *_LATIN_WORD.finditer(text)]:
        assert all(_in_token(char) for char in match.group()), match.group()


def test_readings_are_pypinyins_own_for_every_character_of_its_table():
    """Sound-alike readings come straight from pypinyin's table: each character reads as pypinyin itself reads it."""
    from pypinyin import Style, pinyin

    from textversions.hanzi import _reading_table, _readings

    table = _reading_table()
    assert table is not None and len(table) > 40_000
    for code in map(int, table):
        found = pinyin(chr(code), style=Style.NORMAL, heteronym=True, errors="ignore")
        assert _readings(chr(code)) == (frozenset(found[0]) if found else frozenset()), hex(code)


def test_a_headline_and_the_dateline_after_it_changed_together_are_a_substitution_and_a_dateline_swapped():
    """Reuters-21578 (free for research use), reuters-1352 / reuters-1400: one replacement ran from the headline's last
    words through the city of the dateline; a dateline swapped is one boilerplate edit, never inside a substitution."""
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "realdata" / "english.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        texts = {row["id"]: row["text"] for row in map(json.loads, lines) if row["id"] in ("reuters-1352", "reuters-1400")}
    a, b = texts["reuters-1352"], texts["reuters-1400"]
    comparison = compare(a, b)
    assert comparison.apply(a) == b
    assert ("boilerplate", "COLUMBUS, Ind.", "NEW YORK") in {(e.kind, e.a_text, e.b_text) for e in comparison.edits}
    assert ("substitution", "OFFERS SECURITIES\n", "TO SELL 150 MLN DLRS DEBT\n") in {(e.kind, e.a_text, e.b_text) for e in comparison.edits}
    dateline_a = [normalize(a).original_span(*span) for span in furniture_of(normalize(a))]
    for edit in comparison.substantive_edits:
        if edit.kind == "substitution":
            assert all(not (lo < edit.a_span[1] and edit.a_span[0] < hi) for lo, hi in dateline_a), edit
