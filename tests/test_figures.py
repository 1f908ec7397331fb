"""Figures and names as sketch keys: a rewritten story keeps its figures and its names, so its rewrites meet it
(issue 20)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from textversions import Options, explain, find_versions
from textversions.shingle import prepare
from textversions.sketch import FIGURE_DIGITS, figure_keys, name_keys, sketch_keys, sketch_keys_batch
from textversions.subjects import written_names

REUTERS = Path(__file__).resolve().parents[1] / "benchmarks" / "realdata" / "english.jsonl.gz"


def keys_of(text: str) -> list[int]:
    return figure_keys(prepare(text, Options())).tolist()


def test_a_figure_is_one_key_however_it_is_grouped_or_wide():
    assert keys_of("110,552") == keys_of("110552") == keys_of("１１０，５５２") != []
    assert keys_of("1,655.8") == keys_of("1655.8") != keys_of("16558")
    assert keys_of("增长1.1万人，共14人") == []  # fewer than three digits: no figure
    assert len(keys_of("收入1234.5亿元，同比2020年")) == 2
    assert keys_of("12,") == [] and len(keys_of("123.")) == 1  # a trailing mark is no part of the figure
    assert keys_of("5,10,15") == [] and len(keys_of("125,10")) == 1  # a list, not thousands


@given(st.lists(st.integers(0, 10**9), min_size=1, max_size=8), st.sampled_from([" ", "；", "、", " and ", "\n"]))
def test_figure_keys_are_those_of_the_figures_alone(numbers, separator):
    # (Not "，": folded to "," it reads "5，100" as 5,100, as a comma between figures is read everywhere.)
    text = separator.join(f"{n:,}" for n in numbers)
    expected = [k for n in numbers for k in keys_of(str(n))]
    assert keys_of(text) == expected
    assert len(expected) == sum(len(str(n)) >= FIGURE_DIGITS for n in numbers)


@pytest.mark.parametrize(
    "option, texts, more",
    [
        # Two figure keys for the wire notice, none for text without figures.
        ("figures", ["Output 110,552 units vs 123,092", "党组织就是主心骨，株洲1.1万余个，投入2,000万元" * 5, "", "no figures"], [2, None, 0, 0]),
        # Two name keys for the English text; none for the Chinese one (sketched by characters, as its names are).
        ("names", ["It bought West Virginia Power from Dominion Resources Inc.", "株洲 American Aircraft 党组织就是主心骨" * 5, "", "no names"], [2, 0, 0, 0]),
    ],
)
def test_batch_and_one_by_one_keys_agree_with_and_without_figures_and_names(option, texts, more):
    for options in (Options(), Options(**{option: False})):
        counts, keys = sketch_keys_batch(texts, options)
        expected = [sketch_keys(text, options) for text in texts]
        assert counts.tolist() == [len(k) for k in expected]
        assert np.array_equal(keys, np.concatenate(expected))
    for text, extra in zip(texts, more):
        if extra is not None:
            assert len(sketch_keys(text)) == len(sketch_keys(text, Options(**{option: False}))) + extra


def test_a_rewritten_wire_notice_meets_its_first_by_its_figures():
    """Reuters-21578: Chrysler's February output, told twice in other words (read and labelled the same story)."""
    with gzip.open(REUTERS, "rt", encoding="utf-8") as lines:
        docs = {row["id"]: row["text"] for row in map(json.loads, lines) if row["id"] in ("reuters-1114", "reuters-1121")}
    found = find_versions(docs)
    assert [(r.a, r.b, r.kind) for r in found.relations] == [("reuters-1114", "reuters-1121", "version")]
    assert find_versions(docs, figures=False).relations == ()
    why = explain(docs["reuters-1114"], docs["reuters-1121"])
    assert why.candidate and why.shared_figures >= 5 and "of them figures both print" in str(why)


def reuters(*ids: str) -> dict[str, str]:
    with gzip.open(REUTERS, "rt", encoding="utf-8") as lines:
        return {row["id"]: row["text"] for row in map(json.loads, lines) if row["id"] in ids}


def test_a_name_is_two_capitalized_words_or_more_inside_a_sentence_not_a_date():
    text = "HUNTER SETS PAYOUT\nSAN FRANCISCO - <American Aircraft Corp> bought <Hunter\nHelicopter of Nevada>.\n    Pay April One\n    Record March 16"
    # A wrapped line goes on with the name; an indented line is a new row; a headline in capitals names nothing.
    assert written_names(text) == ["american aircraft corp", "hunter helicopter"]
    assert len(name_keys(text)) == 3 and len(name_keys("党组织就是主心骨")) == 0  # the two names and the headline


def test_a_rewritten_wire_story_meets_its_first_by_its_names():
    """Reuters-21578: American Aircraft buys into a helicopter builder, told twice in other words (read and
    labelled the same story); the two share one figure and the names of both companies."""
    docs = reuters("reuters-1238", "reuters-1276")
    assert [(r.a, r.b, r.kind) for r in find_versions(docs).relations] == [("reuters-1238", "reuters-1276", "version")]
    assert find_versions(docs, names=False).relations == ()
    why = explain(docs["reuters-1238"], docs["reuters-1276"])
    assert why.candidate and why.shared_names >= 2 and "of them names or headings both write" in str(why)
