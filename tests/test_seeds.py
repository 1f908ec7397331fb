"""The seed corpus: the facts of the design brief, checked on the real files."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from rapidfuzz.distance import Indel

from textversions import compare, find_versions
from conftest import PAGE, POLICE, REUSER, TRADITIONAL, WEB

SHARED_SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


@pytest.fixture(scope="module")
def web_in_page(seeds):
    return compare(seeds[WEB], seeds[PAGE])


@pytest.fixture(scope="module")
def result(seeds):
    return find_versions(seeds)


@pytest.mark.skipif(not SHARED_SEEDS.is_dir(), reason="no ../shared/seeds beside the checkout")
def test_embedded_corpus_is_the_shared_seed_corpus(seeds):
    shared = {p.stem: p.read_text(encoding="utf-8") for p in SHARED_SEEDS.glob("*.txt")}
    assert seeds == shared


def test_families_are_the_story_families(result):
    assert sorted(map(sorted, result.families)) == sorted([[PAGE, WEB], [POLICE], [REUSER], [TRADITIONAL]])


def test_page_contains_web_article(result):
    kinds = {(r.a, r.b): r.kind for r in result.relations}
    assert kinds[(PAGE, WEB)] == "contains"


def test_reuse_but_not_family(result):
    kinds = {frozenset((r.a, r.b)): r.kind for r in result.relations}
    assert kinds[frozenset((REUSER, WEB))] == "reuse"
    assert kinds[frozenset((REUSER, PAGE))] == "reuse"
    assert not any(TRADITIONAL in (r.a, r.b) for r in result.relations)
    assert not any(POLICE in (r.a, r.b) for r in result.relations)


def test_reuse_passages_point_at_shared_text(seeds, result):
    relation = next(r for r in result.relations if {r.a, r.b} == {REUSER, WEB})
    passages = relation.comparison.passages
    assert passages, "reuse must name its shared passages"
    a, b = seeds[relation.a], seeds[relation.b]
    for passage in passages:
        assert passage.length >= 40
        # The same passage up to width (the web text uses ASCII punctuation) and the small edits a passage
        # holds whole (试金石和磨刀石 / 试金石, 突击手 / 突击队): it starts and ends alike, and mostly agrees.
        shared_a = unicodedata.normalize("NFKC", "".join(a[slice(*passage.a_span)].split()))
        shared_b = unicodedata.normalize("NFKC", "".join(b[slice(*passage.b_span)].split()))
        assert shared_a[:5] == shared_b[:5] and shared_a[-5:] == shared_b[-5:]
        assert Indel.normalized_similarity(shared_a, shared_b) >= 0.9
        assert passage.length >= 0.9 * min(len(shared_a), len(shared_b))


def test_article_located_in_page(seeds, web_in_page):
    page = seeds[PAGE]
    start, end = web_in_page.b_region
    assert page[start:].startswith("战“疫”的堡垒")
    assert end == len(page.rstrip())
    assert web_in_page.relation == "contained_by"


def _substantive(comparison):
    return [(e.kind, e.a_text, e.b_text) for e in comparison.edits if not e.cosmetic]


@pytest.mark.parametrize(
    ("kind", "a_text", "b_text"),
    [
        ("number", "1.1万", "11万"),
        ("substitution", "锋", "峰"),
        ("substitution", "谭", "覃"),
        ("substitution", "渌", "溁"),
        ("substitution", "报", "服"),
        ("deletion", "干部", ""),
        ("insertion", "", "副"),
    ],
    ids=str,
)
def test_named_edits(web_in_page, kind, a_text, b_text):
    assert (kind, a_text, b_text) in _substantive(web_in_page)


def test_number_edit_carries_values(web_in_page):
    number = next(e for e in web_in_page.edits if e.kind == "number")
    assert number.detail["a_value"] == 11000
    assert number.detail["b_value"] == 110000
    assert number.detail["ratio"] == 10


def test_web_only_captions(seeds, web_in_page):
    captions = [e for e in web_in_page.edits if e.kind == "caption"]
    web_caption_lines = [line for line in seeds[WEB].splitlines() if line.startswith("▲")]
    # Every caption before the point where the printed article stops.
    cut = seeds[WEB].index("互帮互助。")
    before_cut = [line for line in web_caption_lines if seeds[WEB].index(line) < cut]
    assert len(captions) == len(before_cut) == 6
    for edit in captions:
        assert edit.a_text.startswith("▲") and edit.b_text == ""


def test_truncation_is_the_web_tail(seeds, web_in_page):
    tails = [e for e in web_in_page.edits if e.kind == "truncation"]
    assert len(tails) == 1
    assert tails[0].a_text.lstrip().startswith("攸县丫江桥镇")
    assert seeds[WEB][tails[0].a_span[0] :].lstrip().startswith("攸县丫江桥镇")
    footer = [e for e in web_in_page.edits if e.kind == "boilerplate" and "责编" in e.a_text]
    assert footer and footer[0].a_span[1] == len(seeds[WEB])


def test_header_is_boilerplate(web_in_page):
    assert any(e.kind == "boilerplate" and "浏览量" in e.a_text for e in web_in_page.edits)


def test_width_and_layout_are_never_substantive(web_in_page):
    for edit in web_in_page.substantive_edits:
        assert "".join(edit.a_text.split()) != "".join(edit.b_text.split()) or edit.kind in ("boilerplate",)
        assert not (edit.a_text in {",", "，"} and edit.b_text in {",", "，"})
    kinds = web_in_page.summary()
    assert kinds["width"] > 50 and kinds["whitespace"] > 5


def test_edits_rebuild_page_from_web(seeds, web_in_page):
    assert web_in_page.apply(seeds[WEB]) == seeds[PAGE]
    for edit in web_in_page.edits:
        assert seeds[WEB][slice(*edit.a_span)] == edit.a_text
        assert seeds[PAGE][slice(*edit.b_span)] == edit.b_text


def test_every_seed_pair_is_lossless(seeds):
    ids = sorted(seeds)
    for a in ids:
        for b in ids:
            assert compare(seeds[a], seeds[b]).apply(seeds[a]) == seeds[b], (a, b)


def test_traditional_against_its_simplified_form_is_script_only(seeds):
    import opencc

    traditional = seeds[TRADITIONAL]
    simplified = opencc.OpenCC("t2s").convert(traditional)
    comparison = compare(traditional, simplified)
    assert comparison.relation == "duplicate"
    assert comparison.edits and {e.kind for e in comparison.edits} == {"script"}
    assert all(e.cosmetic for e in comparison.edits)
    assert comparison.apply(traditional) == simplified
