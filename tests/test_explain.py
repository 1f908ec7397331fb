"""explain: each stage of a pair with its figures and rule, and what-ifs that hold when tried."""

from __future__ import annotations

import itertools
import json
import random
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from textversions import InvalidInput, compare, explain, find_versions
from textversions.cli import main
from conftest import PAGE, REUSER, TRADITIONAL, WEB

GOLDEN = [json.loads(line) for line in (Path(__file__).parent / "golden" / "relations.jsonl").open(encoding="utf-8")]


def _checked_what_ifs(a: str, b: str, explanation) -> int:
    """Every ``with NAME VALUE … it would be RELATION`` claim, tried with compare; how many there were."""
    tried = 0
    for sentence in explanation.what_if:
        found = re.match(r"with (min_coverage|min_passage) ([0-9.]+) .*it would be (\w+)\.$", sentence)
        if found:
            name, value, relation = found.groups()
            value = float(value) if name == "min_coverage" else int(value)
            assert compare(a, b, **{name: value}).relation == relation, sentence
            tried += 1
    return tried


def test_page_and_article_name_the_located_span_and_the_coverage_rule(seeds):
    explanation = explain(seeds[WEB], seeds[PAGE])
    assert (explanation.stage, explanation.relation, explanation.candidate) == ("relation", "contained_by", True)
    text = str(explanation)
    assert "located in b at characters 4755–6684" in text
    assert "min_coverage 0.5" in text and "contains needs the shorter text's" in text
    assert explanation.shared_buckets >= 3 and explanation.window_pairs
    i, j, _ = explanation.window_pairs[0]
    (a0, a1), (b0, b1) = explanation.window_spans[0][i], explanation.window_spans[1][j]
    assert seeds[WEB][a0:a1][10:30].replace(",", "，") in seeds[PAGE][b0:b1]  # the windows hold the same text
    assert _checked_what_ifs(seeds[WEB], seeds[PAGE], explanation) >= 1


def test_an_unrelated_story_has_no_shared_buckets(seeds):
    explanation = explain(seeds[TRADITIONAL], seeds[WEB])
    assert (explanation.stage, explanation.relation, explanation.candidate) == ("candidate", "unrelated", False)
    assert explanation.shared_buckets == 0 and "No shared buckets" in str(explanation)
    assert explanation.coverage is None


def test_the_candidate_check_names_the_shingles_each_text_was_sketched_by(seeds):
    english = next(case for case in GOLDEN if case["what"].startswith("English wire"))
    words = explain(english["a"], english["b"])
    assert words.sketch_units == ("words", "words")
    assert f"windows of {words.options['word_window']} word shingles," in str(words)
    mixed = explain(english["a"], seeds[WEB])
    assert mixed.sketch_units == ("words", "characters")
    assert f"{mixed.options['word_window']} word shingles (a), {mixed.options['window']} character shingles (b)" in str(mixed)


def test_reuse_what_ifs_hold(seeds):
    explanation = explain(seeds[REUSER], seeds[WEB])
    assert explanation.relation == "reuse"
    assert _checked_what_ifs(seeds[REUSER], seeds[WEB], explanation) >= 1


@pytest.mark.parametrize("case", GOLDEN, ids=lambda case: case["what"][:40])
def test_golden_pairs_explained_as_compared(case):
    """The relation explain gives is compare's, and a template kept apart says so."""
    explanation = explain(case["a"], case["b"])
    assert explanation.relation == compare(case["a"], case["b"]).relation
    if explanation.stage == "relation" and explanation.relation in ("reuse", "unrelated") and case["truth"].startswith("different"):
        if any("template check" in reason and "two" in reason for reason in explanation.reasons):
            assert any("without the template check" in sentence for sentence in explanation.what_if)
    _checked_what_ifs(case["a"], case["b"], explanation)


def test_result_explain_agrees_with_the_run_for_every_pair(seeds):
    result = find_versions(seeds)
    found = {(r.a, r.b): r.kind for r in result.relations}
    for a, b in itertools.permutations(seeds, 2):
        kind = found.get((a, b)) or {"contains": "contained_by"}.get(found.get((b, a), ""), found.get((b, a), "unrelated"))
        assert result.explain(a, b, seeds).relation == kind, (a, b)
    relation = result.relations[0]
    assert relation.explain(seeds).relation == relation.kind
    with pytest.raises(InvalidInput, match="lacks"):
        result.explain(WEB, "nobody", seeds)


def test_comparison_explain_wants_the_texts_it_compared(seeds):
    comparison = compare(seeds[WEB], seeds[PAGE])
    assert comparison.explain(seeds[WEB], seeds[PAGE]).relation == "contained_by"
    with pytest.raises(InvalidInput, match="the texts compared"):
        comparison.explain(seeds[PAGE], seeds[WEB])


def test_a_pair_that_fails_the_passage_check_says_so():
    """Two texts drawn from the same ten words: at a low threshold they share buckets, but no stretch."""
    rng = random.Random(0)
    words = "北京 会议 召开 工作 第 项 座谈 发展 建设 城市".split()
    a, b = ("".join(rng.choice(words) for _ in range(60)) for _ in range(2))
    explanation = explain(a, b, threshold=0.1, window=16)
    assert (explanation.stage, explanation.relation, explanation.candidate) == ("passage", "unrelated", True)
    densest, needed = explanation.passage
    assert densest < needed and "no passage is shared" in str(explanation)
    (sentence,) = explanation.what_if
    value = int(re.match(r"with min_passage (\d+) it would pass", sentence).group(1))
    assert explain(a, b, threshold=0.1, window=16, min_passage=value).stage == "relation"


def test_cli_explain_text_and_json(tmp_path, seeds):
    web, page = tmp_path / "web.txt", tmp_path / "page.txt"
    web.write_text(seeds[WEB], encoding="utf-8")
    page.write_text(seeds[PAGE], encoding="utf-8")
    runner = CliRunner()
    shown = runner.invoke(main, ["explain", str(web), str(page)])
    assert shown.exit_code == 0 and "web → page: contained_by" in shown.output and "What would change it" in shown.output
    data = json.loads(runner.invoke(main, ["explain", str(web), str(page), "--format", "json", "--min-coverage", "0.7"]).output)
    assert data["options"]["min_coverage"] == 0.7 and data["relation"] == "reuse" and data["stage"] == "relation"
