"""collate: one variant table for a family — lossless per witness, order-free, typed, and in TEI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from importlib.resources import files

import jsonschema
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from textversions import InvalidInput, NotText, collate, find_versions
from textversions.cli import main
from textversions.normalize import converter
from textversions.report import collation_html, collation_markdown, collation_tei

from conftest import PAGE, WEB

_TEI = "{http://www.tei-c.org/ns/1.0}"
_SCHEMA = json.loads((files("textversions") / "schema" / "output.schema.json").read_text("utf-8"))
_POOL = "党组织群众防控工作社区医院人员服务安全部门企业力量健康保障检查宣传管理建设发展城市乡村"
_GAP = 60
"""Characters between two planted places: far enough apart that no alignment joins them."""


def _story(seeds: dict[str, str]) -> str:
    """About 1,500 characters of the web article (its title and first paragraphs)."""
    return seeds[WEB][:1500]


def _is_han(character: str) -> bool:
    return "\u4e00" <= character <= "\u9fff"


@st.composite
def _families(draw, story: str):
    """A family of 2–8 witnesses: the story, and copies each holding a subset of planted changes.

    Each change sits at its own place among Chinese characters, about ``_GAP`` characters from the next: a replaced, deleted
    or inserted run of 1–3 characters. Returns the witnesses, the places (start, end in the story)
    and, per place, which witnesses hold its change.
    """
    count = draw(st.integers(2, 8))
    names = [f"w{n}" for n in range(count)]
    slots = sorted(draw(st.sets(st.integers(1, len(story) // _GAP - 2), min_size=1, max_size=8)))
    changes = []
    for slot in slots:
        # A place among Chinese characters: a change there is a substantive edit, never layout.
        start = next((p for p in range(slot * _GAP, slot * _GAP + 30) if all(_is_han(c) for c in story[p - 1 : p + 4])), None)
        if start is None:
            continue
        kind = draw(st.sampled_from(["replace", "delete", "insert"]))
        length = draw(st.integers(1, 3))
        new = "".join(draw(st.lists(st.sampled_from(_POOL), min_size=length, max_size=length)))
        end = start if kind == "insert" else start + length
        if kind == "delete":
            new = ""
        if story[start:end] == new:
            continue
        holders = draw(st.sets(st.sampled_from(names[1:]), min_size=1))
        changes.append((start, end, new, holders))
    texts = {}
    for name in names:
        text, position = [], 0
        for start, end, new, holders in changes:
            text += [story[position:start], new if name in holders else story[start:end]]
            position = end
        texts[name] = "".join(text) + story[position:]
    return texts, changes


def _slide_range(story: str, start: int, end: int, new: str) -> tuple[int, int]:
    """Where a change may be read: an insertion next to text it repeats may sit anywhere along it (院 into 院党 is
    read before the first 院 or after it)."""
    if start != end:
        return start, end
    changed = story[:start] + new + story[start:]
    can = [q for q in range(len(story) + 1) if changed[:q] == story[:q] and changed[q + len(new) :] == story[q:]]
    return min(can), max(can)


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_every_witness_rebuilt_and_every_planted_change_read_by_its_witnesses(seeds, data):
    story = _story(seeds)
    texts, changes = data.draw(_families(story))
    collation = collate(texts, base="w0")
    for witness, text in texts.items():
        assert collation.text_of(witness) == text
        for variant in collation.variants:  # every span points into the witness's own text
            reading = variant.reading(witness)
            assert text[reading.span[0] : reading.span[1]] == reading.text
    # Layout around a change (a run of spaces re-cut) may be its own cosmetic variant, and a change may
    # align as two (``甲乙`` → ``乙丙``: one character inserted, one deleted); each is read by the change's witnesses.
    substantive = collation.substantive_variants
    placed = set()
    for start, end, new, holders in changes:
        lo, hi = _slide_range(story, start, end, new)
        at = [v for v in substantive if v.base_span[0] <= hi and lo <= v.base_span[1]]
        assert at, (start, end, new)
        for variant in at:
            differing = {r.witness for r in variant.readings if r.kind is not None}
            assert differing == holders
            assert len({variant.reading(w).text for w in holders}) == 1  # they agree with each other
            assert variant.groups == (tuple(w for w in texts if w not in holders), tuple(w for w in texts if w in holders))
        placed.update(v.number for v in at)
    assert placed == {v.number for v in substantive}  # nothing else differs in substance


def _table(collation):
    """The variant table with readings by witness: what must not depend on the input order."""
    return [
        (v.base_span, sorted((r.witness, r.text, r.span, r.kind, r.cosmetic) for r in v.readings), sorted(map(sorted, v.groups)))
        for v in collation.variants
    ]


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_input_order_changes_nothing_but_the_columns(seeds, data):
    texts, _ = data.draw(_families(_story(seeds)))
    order = data.draw(st.permutations(list(texts)))
    first, second = collate(texts), collate({w: texts[w] for w in order})
    assert first.base == second.base
    assert _table(first) == _table(second)
    assert second.witnesses == tuple(order)


def test_same_json_under_other_hash_seeds(seeds):
    script = (
        "import json,sys;from textversions import collate;from textversions.normalize import converter;"
        "t=json.load(sys.stdin);t['trad']=converter('s2t')(t['web']);print(collate(t).to_json())"
    )
    given = json.dumps({"web": seeds[WEB], "page": seeds[PAGE]})
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script], input=given, capture_output=True, text=True, check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("0", "1", "4242")
    }  # fmt: skip
    assert len(outputs) == 1


def test_seeds_web_page_and_traditional_edition(seeds):
    """003 against its printed page 002 and a traditional-script edition: the 26 substantive edits of
    003↔002, and nothing but script in the third witness."""
    traditional = converter("s2t")(seeds[WEB])
    texts = {PAGE: seeds[PAGE], WEB + "-traditional": traditional, WEB: seeds[WEB]}
    collation = collate(texts)
    assert collation.base == WEB
    assert collation.relations == {PAGE: "contained_by", WEB + "-traditional": "duplicate"}
    pair = collation.comparisons[PAGE]
    assert len(pair.substantive_edits) == 26
    page_variants = [v for v in collation.variants if not v.reading(PAGE).cosmetic]
    assert len(page_variants) == 26
    assert {v.reading(WEB + "-traditional").kind for v in collation.variants} == {None, "script"}
    number = next(v for v in page_variants if v.reading(PAGE).kind == "number")
    # The traditional edition's 萬餘個 overlaps the number's place: the variant reads a few characters on.
    assert [number.reading(w).text for w in texts] == ["11万余个", "1.1萬餘個", "1.1万余个"]
    lo, hi = collation.regions[PAGE]
    assert seeds[PAGE][lo:hi].startswith("战“疫”的堡垒")  # the page is collated on its located region
    assert seeds[PAGE][lo:hi].rstrip().endswith("互帮互助。")
    assert collation.variants[0].reading(PAGE).kind == "surrounding"
    assert collation.variants[-1].reading(PAGE).kind == "boilerplate"  # the page has no web footer
    for witness, text in texts.items():
        assert collation.text_of(witness) == text


def test_with_the_page_as_base_the_article_reads_as_its_page_reads_it(seeds):
    """The page holds the article; the article's head reads nothing where the page has other stories
    (surrounding), and its last 1,000 characters, which the page cuts off, are a truncation — not named by
    the footer that ends them."""
    texts = {"page": seeds[PAGE], "web": seeds[WEB], "traditional": converter("s2t")(seeds[WEB])}
    collation = collate(texts, base="page")
    assert collation.relations == {"web": "contains", "traditional": "contains"}
    surrounding = max(collation.variants, key=lambda v: v.base_span[1] - v.base_span[0])
    assert surrounding.reading("web").kind == "surrounding" and surrounding.reading("web").text == ""
    last = collation.variants[-1].reading("web")
    assert last.kind == "truncation" and {edit.kind for edit in last.edits} == {"truncation", "boilerplate"}
    for witness, text in texts.items():
        assert collation.text_of(witness) == text


def test_a_moved_paragraph_is_moved_not_deleted_and_inserted(seeds):
    paragraphs = seeds[WEB].split("\n\n")
    long_ones = sorted(range(1, len(paragraphs)), key=lambda n: -len(paragraphs[n]))[:2]
    i, j = sorted(long_ones)
    moved = paragraphs[:i] + paragraphs[i + 1 : j + 1] + [paragraphs[i]] + paragraphs[j + 1 :]
    texts = {"web": seeds[WEB], "reprint": "\n\n".join(moved), "copy": seeds[WEB]}
    collation = collate(texts, base="web")
    kinds = {v.reading("reprint").kind for v in collation.variants} - {None}
    assert "moved" in kinds and not kinds & {"insertion", "deletion"}
    ends = [v for v in collation.variants if v.reading("reprint").kind == "moved"]
    assert len(ends) == 2
    assert ends[0].reading("reprint").moved_with == ends[1].number
    assert ends[1].reading("reprint").moved_with == ends[0].number
    assert collation.text_of("reprint") == texts["reprint"]


def test_to_dict_matches_the_schema_and_names_agreements(seeds):
    texts = {"web": seeds[WEB][:800], "print": seeds[WEB][:800].replace("1.1万", "11万"), "wire": seeds[WEB][:800]}
    data = collate(texts).to_dict()
    jsonschema.validate(data, _SCHEMA)
    assert data["base"] == "web"  # "web" and "wire" tie: the smaller id
    (variant,) = data["variants"]
    assert variant["groups"] == [["web", "wire"], ["print"]]
    assert variant["kinds"] == ["number"]
    assert [w["relation"] for w in data["witnesses"]] == [None, "version", "duplicate"]


def _tei_texts(tei: str) -> dict[str, str]:
    """Each witness's text read back from TEI parallel segmentation (``<g type="U+XXXX"/>``: that character)."""
    root = ET.fromstring(tei)
    names = {w.get("{http://www.w3.org/XML/1998/namespace}id"): w.text or "" for w in root.iter(_TEI + "witness")}
    body = root.find(f".//{_TEI}body/{_TEI}p")

    def text_of(element: ET.Element, witness: str | None) -> str:
        out = [element.text or ""]
        for child in element:
            if child.tag == _TEI + "g":
                out.append(chr(int(child.get("type")[2:], 16)))
            elif child.tag == _TEI + "app":
                out += [text_of(r, None) for r in child if "#" + witness in r.get("wit").split()]
            out.append(child.tail or "")
        return "".join(out)

    return {names[key]: text_of(body, key) for key in names}


def test_tei_is_well_formed_and_gives_back_every_witness(seeds):
    hostile = seeds[WEB][:600]
    texts = {
        'web "<&>"': hostile,
        "print\r": hostile.replace("1.1万", "<b>11万</b>&amp;").replace("\n", "\r\n", 2),
        "ctrl": hostile.replace("越是", "越\x0c是\x00", 1),
    }
    collation = collate(texts)
    assert _tei_texts(collation_tei(collation)) == texts


def test_reports_escape_what_they_show(seeds):
    story = seeds[WEB][:600]
    texts = {'"><script>alert(1)</script>': story, "print": story.replace("1.1万", "<img src=x>11万")}
    collation = collate(texts)
    page = collation_html(collation)
    assert "<script>alert" not in page and "<img src=x>" not in page
    assert "&lt;img src=x&gt;11万" in page
    markdown = collation_markdown(collation)
    assert "<img" not in markdown and "| 11万" not in markdown
    assert collation._repr_html_().startswith("<section")


def test_bad_input_is_named():
    with pytest.raises(InvalidInput, match="at least two"):
        collate({"only": "一个"})
    with pytest.raises(InvalidInput, match="twice"):
        collate([("a", "一"), ("a", "二")])
    with pytest.raises(InvalidInput, match="base 'c'"):
        collate({"a": "一", "b": "二"}, base="c")
    with pytest.raises(NotText, match="witness 'b'"):
        collate({"a": "一", "b": b"bytes"})


def test_result_collates_a_family_with_its_options(seeds):
    docs = {WEB: seeds[WEB], PAGE: seeds[PAGE], "traditional": converter("s2t")(seeds[WEB])}
    result = find_versions(docs)
    family = result.family_of(WEB)
    collation = result.collate(result.families.index(family), docs)
    assert set(collation.witnesses) == set(family) and collation.base == WEB
    assert collation.options == result.options
    with pytest.raises(InvalidInput, match="lacks"):
        result.collate(family, {WEB: seeds[WEB]})


def test_cli_collate_in_every_format(tmp_path, seeds):
    web, page, trad = tmp_path / "web.txt", tmp_path / "page.txt", tmp_path / "trad.txt"
    web.write_text(seeds[WEB], encoding="utf-8")
    page.write_text(seeds[PAGE], encoding="utf-8")
    trad.write_text(converter("s2t")(seeds[WEB]), encoding="utf-8")
    runner = CliRunner()
    shown = runner.invoke(main, ["collate", str(web), str(page), str(trad)])
    assert shown.exit_code == 0, shown.output
    assert "base web" in shown.output and "1.1万余个 (web) | 11万余个 (page) | 1.1萬餘個 (trad)" in shown.output
    for suffix in ("json", "md", "html", "xml"):
        out = tmp_path / f"story.{suffix}"
        done = runner.invoke(main, ["collate", str(web), str(page), str(trad), "--out", str(out)])
        assert done.exit_code == 0, done.output
    jsonschema.validate(json.loads((tmp_path / "story.json").read_text("utf-8")), _SCHEMA)
    assert _tei_texts((tmp_path / "story.xml").read_text("utf-8"))["page"] == seeds[PAGE]
    assert "11万" in (tmp_path / "story.md").read_text("utf-8")
    based = runner.invoke(main, ["collate", str(web), str(page), "--base", "page", "--format", "json"])
    assert json.loads(based.output)["base"] == "page"
    lonely = runner.invoke(main, ["collate", str(web)])
    assert lonely.exit_code == 1 and "at least two" in lonely.output


def test_find_collate_adds_each_familys_collation(tmp_path, seeds):
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, text in {"web": seeds[WEB], "page": seeds[PAGE], "trad": converter("s2t")(seeds[WEB])}.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    runner = CliRunner()
    found = runner.invoke(main, ["find", str(folder), "--collate", "-q"])
    assert found.exit_code == 0, found.output
    data = json.loads(found.output)
    jsonschema.validate(data, _SCHEMA)
    (entry,) = data["collations"]
    assert sorted(w["id"] for w in entry["collation"]["witnesses"]) == ["page", "trad", "web"]
    lines = runner.invoke(main, ["find", str(folder), "--collate", "-q", "--format", "jsonl"]).output.splitlines()
    records = [json.loads(line) for line in lines]
    for record in records:
        jsonschema.validate(record, _SCHEMA)
    assert records[-1]["record"] == "collation"
    page = tmp_path / "report.html"
    assert runner.invoke(main, ["find", str(folder), "--collate", "-q", "--out", str(page)]).exit_code == 0
    assert "Family 0: collation of 3 witnesses" in page.read_text("utf-8")


def test_an_insertion_that_repeats_its_neighbour_is_read_where_an_editor_puts_it(seeds):
    story = _story(seeds)
    at = story.index("院党委") + 1  # 院 inserted after 院: 院院党委
    collation = collate({"w0": story, "w1": story[:at] + "院" + story[at:]}, base="w0")
    (variant,) = collation.substantive_variants
    assert variant.base_span == (at - 1, at - 1)  # before the first 院, after the comma
    assert _slide_range(story, at, at, "院") == (at - 1, at)

