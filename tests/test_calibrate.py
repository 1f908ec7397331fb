"""calibrate: a grid measured on planted versions equals find_versions run with each setting; the advice holds."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from textversions import InvalidInput, find_versions
from textversions.calibrate import CONDITIONS, PLANTED_PREFIX, calibrate, plant_corpus
from textversions.cli import main
from textversions.families import JOINING

DEVSET = Path(__file__).resolve().parents[1] / "benchmarks" / "realdata" / "devset.jsonl.gz"
GRID = {"threshold": (0.3, 0.5), "window": (40, 80), "min_coverage": (0.5, 0.7), "min_passage": (40,)}


@pytest.fixture(scope="module")
def real_docs() -> list[tuple[str, str]]:
    """240 real documents: broadcast transcripts of two scrapers, tldr pages in two scripts (committed)."""
    with gzip.open(DEVSET, "rt", encoding="utf-8") as lines:
        docs = [(d["id"], d["text"]) for d in map(json.loads, lines)]
    return docs[::8][:240]


def _direct(planted, setting):
    """Recall and the relations touching a planted document, measured with find_versions itself."""
    result = find_versions(planted.docs, **setting)
    joined = {frozenset((r.a, r.b)) for r in result.relations if r.kind in JOINING}
    recall = sum(frozenset((p, o)) in joined for p, o, *_ in planted.planted) / len(planted.planted)
    touching = sum(any(doc.startswith(PLANTED_PREFIX) for doc in pair) for pair in joined)
    return recall, touching


def test_every_setting_measures_what_find_versions_gives(real_docs):
    calibration = calibrate(real_docs, grid=GRID, seed=3)
    planted = plant_corpus(real_docs, seed=3)
    recalls = set()
    for setting in calibration.settings:
        recall, touching = _direct(planted, setting.options)
        assert (setting.recall, setting.found) == (round(recall, 6), touching), setting.options
        recalls.add(setting.recall)
    assert len(recalls) > 1  # the grid matters on this corpus: the comparison could fail


def test_same_result_for_the_same_seed(real_docs):
    first = calibrate(real_docs[:120], grid=GRID, seed=5)
    second = calibrate(real_docs[:120], grid=GRID, seed=5)
    assert [s.to_dict() | {"seconds_per_1000": 0} for s in first.settings] == [
        s.to_dict() | {"seconds_per_1000": 0} for s in second.settings
    ]
    assert first.recommended.options == second.recommended.options
    assert first.conditions == second.conditions and sum(first.conditions.values()) == first.planted
    for setting in first.settings:
        assert set(setting.recall_by_condition) == set(first.conditions)
        assert set(setting.precision_by_condition) <= set(first.conditions)
        if setting.precision == 1.0:
            assert all(value == 1.0 for value in setting.precision_by_condition.values())


def test_the_recommended_setting_reaches_the_target_on_a_fresh_sample(real_docs):
    news = [doc for doc in real_docs if doc[0].startswith("xwlb")] * 1
    calibration = calibrate(news, target_recall=0.95, seed=0)
    assert calibration.reached and calibration.recommended.recall >= 0.95
    fresh = plant_corpus(news, seed=11)
    recall, _ = _direct(fresh, calibration.recommended.options)
    assert recall >= 0.95
    assert calibration.command("news/").startswith("textversions find news/ --threshold ")


def test_every_condition_is_planted_and_labelled(real_docs):
    planted = plant_corpus(real_docs, sample=200, seed=1)
    kinds = {(kind, rate) for _, _, kind, rate, _ in planted.planted}
    assert kinds | set(planted.skipped) == set(CONDITIONS)
    originals = dict(planted.docs)
    for planted_id, original, kind, rate, _ in planted.planted:
        assert planted_id.startswith(f"{PLANTED_PREFIX}") and f":{kind}:" in planted_id
        assert originals[planted_id] != originals[original]
    assert len(dict(planted.docs)) == len(planted.docs)  # ids stay unique


def test_bad_settings_are_named_before_any_work(real_docs):
    with pytest.raises(InvalidInput, match="'shingle'"):
        calibrate(real_docs, grid={"shingle": (4,)})
    with pytest.raises(InvalidInput, match="threshold"):
        calibrate(real_docs, grid={"threshold": (1.5,)})
    with pytest.raises(InvalidInput, match="unknown kind"):
        calibrate(real_docs, kinds=["typo"])
    with pytest.raises(InvalidInput, match="at least two"):
        calibrate([("one", "一篇")])


def test_cli_calibrate_writes_text_json_and_html(tmp_path, real_docs):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in real_docs[:60]), "utf-8")
    runner = CliRunner()
    args = ["calibrate", str(corpus), "--thresholds", "0.3,0.5", "--windows", "80", "--min-coverages", "0.5", "--min-passages", "40", "-q"]
    shown = runner.invoke(main, args + ["--target-recall", "0.5"])
    assert shown.exit_code == 0, shown.output
    assert "recommended setting reaches recall 0.5" in shown.output and f"textversions find {corpus} --threshold" in shown.output
    data = json.loads(runner.invoke(main, args + ["--format", "json"]).output)
    assert len(data["settings"]) == 2 and data["command"].startswith("textversions find CORPUS")
    page = tmp_path / "calibration.html"
    assert runner.invoke(main, args + ["--out", str(page)]).exit_code == 0
    html = page.read_text("utf-8")
    assert "<svg" in html and "<polyline" in html and "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    bad = runner.invoke(main, ["calibrate", str(corpus), "--thresholds", "a,b"])
    assert bad.exit_code == 2 and "comma-separated float" in bad.output
