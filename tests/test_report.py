"""Reports escape everything they show and count what the JSON counts."""

from __future__ import annotations

from textversions import compare, find_versions
from textversions.report import comparison_html, comparison_markdown, result_html, result_markdown

from conftest import WEB

EVIL = '"><script>alert(1)</script>|`x`'
TEXT = "越是风急浪骤，越需中流砥柱。关键时刻，生死关头，党组织就是主心骨。<b>粗体</b>在抗击疫情的斗争中奋勇争先。"


def evil_result():
    docs = {EVIL: TEXT, "copy": TEXT.replace("，", ",").replace("奋勇", "英勇")}
    return find_versions(docs), docs


def test_html_escapes_ids_and_text():
    result, docs = evil_result()
    page = result_html(result, docs)
    assert "<script>alert" not in page and "<b>粗体" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'id="p0-e' in page  # element ids are numbers, never document ids


def test_markdown_escapes_table_cells():
    result, _ = evil_result()
    markdown = result_markdown(result)
    assert "&lt;script&gt;" in markdown and "\\|" in markdown and "\\`x\\`" in markdown
    for line in markdown.splitlines():
        if line.startswith("| ") and EVIL[:5] in line:
            raise AssertionError(f"unescaped id in {line}")


def test_pair_reports_and_notebook_views():
    comparison = compare("共1.1万个<i>", "共11万个<i>")
    html = comparison_html(comparison, "共1.1万个<i>", "共11万个<i>", "web", "print")
    assert html.count('class="k-number substantive"') == 2 and "&lt;i&gt;" in html and "<i>" not in html
    assert "<em>×10</em>" in html and '<span class="muted">共</span>[1.1万 → 11万]' in html  # detail and context
    assert "number" in comparison._repr_html_() and "11万" in comparison._repr_html_()
    assert comparison_markdown(comparison, "web", "print").startswith("# web → print: version")
    result, _ = evil_result()
    assert "&lt;script&gt;" in result._repr_html_() and "<script>" not in result._repr_html_()


def test_html_shows_text_once_escaped_never_markdown_escaped(seeds):
    """The edit list and the notebook tables show `来源:株洲日报 | …` and `&`, not `\\|` or `&amp;amp;`."""
    a, b = "来源:株洲日报 | 编辑:王珈 & 李四 `x`\n正文一段。" * 2, "正文一段。" * 2
    comparison = compare(a, b)
    for page in (comparison_html(comparison, a, b, "a", "b"), comparison._repr_html_()):
        assert "\\|" not in page and "\\`" not in page and "&amp;amp;" not in page
        assert "株洲日报 | 编辑" in page and "&amp; 李四" in page
    result = find_versions(seeds)
    page = result_html(result, seeds)
    assert "\\|" not in page and "&amp;amp;" not in page and "株洲日报 |" in page


def test_families_largest_first_and_documents_alone_collapsed_but_named():
    """A report over a real pile lists the families that matter first; documents alone (no family of two or more) are a count
    (folded in HTML) that still names each of them: every input is accounted for."""
    story = "株洲1.1万余个基层党组织、70余万名党员奋战在抗疫一线，把最美的身影留在战疫最前线。" * 3
    docs = {
        "alone-1": "完全无关的一段文字，讲的是天气。" * 4,
        "pair-a": story,
        "pair-b": story.replace("1.1万", "11万"),
        "alone-2": "另一段无关的文字，讲的是体育比赛。" * 4,
        "trio-a": story + "第二段新加的内容在这里。",
        "trio-b": (story + "第二段新加的内容在这里。").replace("党员", "黨員"),
    }
    docs["trio-c"] = docs["trio-a"].replace("最美", "最好")
    docs["pair-a"] = "另一个故事：" + "湘江两岸的桥梁建设进展顺利，工人们日夜奋战。" * 4
    docs["pair-b"] = docs["pair-a"].replace("日夜", "昼夜")
    result = find_versions(docs)
    sizes = [len(f) for f in result.families if len(f) > 1]
    assert sorted(sizes, reverse=True) == [3, 2]
    page, markdown = result_html(result, docs), result_markdown(result)
    assert page.index("trio-a") < page.index("pair-a") and markdown.index("trio-a") < markdown.index("pair-a")
    assert "2 documents alone" in page and "2 documents alone (no duplicate, version or container among the others): listed at the end." in markdown
    assert markdown.rstrip().endswith("# Documents alone (no duplicate, version or container among the others)\n\nalone-1, alone-2.")
    assert "<details><summary>2 documents alone (no duplicate, version or container among the others)</summary><p>alone-1, alone-2</p></details>" in page


def test_a_large_report_carries_each_pair_once_compressed_and_is_otherwise_the_same_page(seeds):
    import base64
    import gzip
    import json
    import re
    from importlib.resources import files

    from markupsafe import escape

    # Two versions with characters beyond the BMP, which a script's string counts twice ("𠀀", "🙂").
    story = seeds[WEB][:400]
    astral = "𠀀" + story[:100] + "🙂'引号' & <标记>" + story[100:300] + "𠀁" + story[300:]
    seeds = {**seeds, "astral": astral, "astral-2": astral.replace("🙂", "🙃").replace("𠀁", "𠀂𠀃")}
    result = find_versions(seeds)
    eager, lazy = result_html(result, seeds, lazy=False), result_html(result, seeds, lazy=True)
    store = re.search(r'<script type="application/octet-stream" id="tv-bodies">([A-Za-z0-9+/=]+)</script>\n', lazy)
    carried = json.loads(gzip.decompress(base64.b64decode(store.group(1))))
    bodies, texts = carried["bodies"], carried["texts"]
    assert len(bodies) == len(result.relations) and len(lazy) < len(eager) + len(store.group(0))
    assert sorted(texts) == sorted({seeds[doc] for r in result.relations for doc in (r.a, r.b)})  # each text once
    assert ("astral", "astral-2", "version") in {(r.a, r.b, r.kind) for r in result.relations}
    slot = r'<div class="lazy" data-n="(\d+)"><p class="muted">Opening this pair…</p></div>'
    assert len(re.findall(slot, lazy)) == len(result.relations)

    def stretch(found: re.Match) -> str:  # what the page's script puts in place of a reference: UTF-16 units
        ref, start, end = map(int, found.group(1).split(","))
        return str(escape(texts[ref].encode("utf-16-le")[2 * start : 2 * end].decode("utf-16-le")))

    def marked(body: str, number: int) -> str:  # what the script makes of a mark that carries its number only
        out, side = [], "a"
        for piece in re.split(r'(<div class="[ab]">)', body):
            side = piece[12] if re.fullmatch(r'<div class="[ab]">', piece) else side
            label = f"p{number}-e"
            out.append(re.sub(
                r'<mark class="k-([^" ]+)([^"]*)" data-e="(\d+)">',
                lambda m: f'<mark class="k-{m[1]}{m[2]}" id="{label}{m[3]}-{side}" data-edit="{label}{m[3]}" '
                f'data-side="{side}" title="{m[1]}">', piece,
            ))  # fmt: skip
        return "".join(out)

    bodies = [marked(re.sub(r"<q-t>([0-9,]+)</q-t>", stretch, body), n) for n, body in enumerate(bodies)]
    assert all("<q-t>" not in body and "data-e=" not in body for body in bodies)
    rebuilt = re.sub(slot, lambda m: bodies[int(m.group(1))], lazy.replace(store.group(0), ""))
    opener = files("textversions").joinpath("templates/lazy.js").read_text("utf-8").rstrip("\n")
    button = '<button type="button" id="open-all" disabled>open every pair (for the browser\'s find)</button>'
    assert rebuilt.count(button) == 1 and rebuilt.replace(opener, "").replace(button, "") == eager
    assert result_html(result, seeds, lazy=True) == lazy  # the same bytes every time (no time stamp in the gzip)


def test_markdown_lists_versions_first_says_each_detail_in_words_and_the_documents_alone_last():
    docs = {
        "web": "Mellon Bank Corp is raising 100 mln dlrs. The hosuing market was quiet, dealers said today in New York.",
        "wire": "Mellon Bank Corp is raising 110 mln dlrs. The housing market was quiet, dealers said today in New York.",
        "other": "An unrelated note on the weather in Chicago, where it snowed all day and the airports were closed.",
    }
    markdown = result_markdown(find_versions(docs))
    assert "| substitution | hosuing | housing |" in markdown and "| respelled |" in markdown
    assert "| ×1.1 |" in markdown and "spelling=True" not in markdown
    assert markdown.rstrip().endswith("other.")
