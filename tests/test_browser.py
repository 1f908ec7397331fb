"""The HTML report in real headless Chromium: renders clean, offline, escaped, and interactive."""

from __future__ import annotations

import os
import shutil
import time

import pytest
from playwright.sync_api import sync_playwright

from textversions import find_versions
from textversions.report import result_html
from conftest import PAGE, WEB

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
IN_CI = os.environ.get("CI") == "true"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
EVIL_ID = '"><script>window.__pwned=1</script>'
EVIL_TEXT = (
    "<script>window.__pwned=2</script><img src=x onerror=\"window.__pwned=3\">"
    "越是风急浪骤，越需中流砥柱。关键时刻，生死关头，党组织就是主心骨。在抗击疫情的斗争中奋勇争先。"
)


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        if IN_CI:
            pytest.fail("CI must have chromium (installed by .ci/run)")
        pytest.skip("no chromium on this machine")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def report(seeds, tmp_path_factory):
    docs = {**seeds, EVIL_ID: EVIL_TEXT, "evil-copy": EVIL_TEXT.replace("，", ",")}
    result = find_versions(docs)
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(result_html(result, docs), encoding="utf-8")
    return path, result


def _opened(browser, path, height):  # type: ignore[no-untyped-def]
    """A page opened on ``path`` in a new context, with the errors it logs and the requests it makes."""
    context = browser.new_context(viewport={"width": 1400, "height": height})
    opened = context.new_page()
    problems: list[str] = []
    requests: list[str] = []
    opened.on("console", lambda message: message.type == "error" and problems.append(message.text))
    opened.on("pageerror", lambda error: problems.append(str(error)))
    opened.on("request", lambda request: requests.append(request.url))
    opened.goto(path.as_uri())
    opened.wait_for_load_state("load")
    return context, opened, problems, requests


def _bodies_ready(opened, timeout: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    """Wait until a large report has decoded its pairs. Asked from here, not with ``wait_for_function``: its
    predicate is evaluated as a string in the page, which the report's Content-Security-Policy forbids."""
    deadline = time.monotonic() + timeout
    while opened.evaluate("document.body.dataset.bodies") != "ready":
        assert time.monotonic() < deadline, "the report's pairs were never decoded"
        opened.wait_for_timeout(20)


@pytest.fixture()
def page(browser, report):
    path, _ = report
    context, opened, problems, requests = _opened(browser, path, 1000)
    yield opened, problems, requests
    context.close()


def test_renders_without_errors_or_network(page, tmp_path):
    opened, problems, requests = page
    assert problems == []
    assert [url for url in requests if not url.startswith("file:")] == []
    opened.screenshot(path=str(tmp_path / "report.png"), full_page=False)
    assert (tmp_path / "report.png").stat().st_size > 10_000


def test_substantive_edit_count_matches_json(page, report):
    opened, _, _ = page
    _, result = report
    number = next(n for n, r in enumerate(result.relations) if (r.a, r.b) == (PAGE, WEB))
    expected = len(result.relations[number].to_dict()["comparison"]["edits"]) - sum(
        e["cosmetic"] for e in result.relations[number].to_dict()["comparison"]["edits"]
    )
    shown = opened.locator(f'#p{number} mark.substantive[data-side="a"]').count()
    assert shown == expected == len(result.relations[number].comparison.substantive_edits)
    assert opened.locator(f"#p{number} ol.edits li").count() == expected


def test_legend_toggles_cosmetic_edits(page):
    opened, _, _ = page
    cosmetic = opened.locator("mark.cosmetic.k-width").first
    hidden = cosmetic.evaluate("m => getComputedStyle(m).backgroundColor")
    opened.locator("#cosmetic").check()
    assert "show-cosmetic" in opened.evaluate("document.body.className")
    shown = cosmetic.evaluate("m => getComputedStyle(m).backgroundColor")
    assert hidden != shown
    opened.locator("#cosmetic").uncheck()
    assert cosmetic.evaluate("m => getComputedStyle(m).backgroundColor") == hidden


def test_jump_to_an_edit_selects_both_sides(page, report):
    opened, _, _ = page
    _, result = report
    number = next(n for n, r in enumerate(result.relations) if (r.a, r.b) == (PAGE, WEB))
    opened.locator(f"#p{number} ol.edits li a").nth(1).click()
    assert opened.locator("mark.sel").count() == 2


def test_planted_script_shows_as_text_and_runs_nothing(page):
    opened, _, _ = page
    assert opened.evaluate("window.__pwned") is None
    body = opened.inner_text("body")
    assert "<script>window.__pwned=2</script>" in body
    assert EVIL_ID in body


def test_a_jumped_to_relation_shows_its_heading_and_nothing_hides_it(page, report):
    opened, _, _ = page
    _, result = report
    number = next(n for n, r in enumerate(result.relations) if (r.a, r.b) == (PAGE, WEB))
    opened.locator(f'a[href="#p{number}"]').click()
    heading = opened.locator(f"#p{number} h2")
    box = heading.bounding_box()
    assert box is not None and 0 <= box["y"] < 1000  # in view
    at_heading = opened.evaluate(f"document.elementFromPoint({box['x'] + 5}, {box['y'] + box['height'] / 2}).closest('h2')")
    assert at_heading is not None  # not under a sticky header


def test_column_heads_stay_visible_while_the_texts_scroll(page, report):
    opened, _, _ = page
    _, result = report
    number = next(n for n, r in enumerate(result.relations) if (r.a, r.b) == (PAGE, WEB))
    rows = opened.locator(f"#p{number} .rows")
    rows_box = rows.bounding_box()
    opened.mouse.wheel(0, rows_box["y"] + rows_box["height"] / 2)
    opened.wait_for_timeout(200)
    head = opened.locator(f"#p{number} .rows > .head").first.bounding_box()
    assert head is not None and -1 <= head["y"] <= 2  # stuck to the top of the window


def test_a_passage_link_brings_it_into_view_in_both_panes(page, report):
    opened, _, _ = page
    _, result = report
    number = next(n for n, r in enumerate(result.relations) if r.kind == "reuse" and len(r.comparison.passages) >= 2)
    opened.locator(f"#p{number} a[data-edit='p{number}-s1']").click()
    opened.wait_for_timeout(200)
    for side in ("a", "b"):
        visible = opened.evaluate(
            f"""() => {{ const m = document.getElementById('p{number}-s1-{side}'); const pane = m.closest('.side');
            const r = m.getBoundingClientRect(), p = pane.getBoundingClientRect();
            return r.bottom > p.top && r.top < p.bottom; }}"""
        )
        assert visible, side


def test_kinds_differ_by_more_than_colour(page):
    opened, _, _ = page
    style = opened.evaluate(
        """() => Object.fromEntries(['number', 'deletion', 'insertion', 'substitution'].map(kind => {
            const span = document.createElement('mark'); span.className = 'k-' + kind; document.body.appendChild(span);
            const s = getComputedStyle(span);
            return [kind, [s.backgroundColor, s.textDecorationLine, s.fontWeight, s.boxShadow].join('|')]; }))"""
    )
    assert len(set(style.values())) == 4
    assert "line-through" in style["deletion"] and "underline" in style["insertion"]
    assert style["number"].split("|")[0] != style["deletion"].split("|")[0]


def test_on_a_420_pixel_phone_nothing_runs_off_the_screen_and_the_texts_stay_side_by_side(browser, report, tmp_path):
    path, result = report
    context = browser.new_context(viewport={"width": 420, "height": 860})
    opened = context.new_page()
    opened.goto(path.as_uri())
    opened.wait_for_load_state("load")
    assert opened.evaluate("document.documentElement.scrollWidth") <= 420  # wide tables scroll within themselves
    number = next(n for n, r in enumerate(result.relations) if (r.a, r.b) == (PAGE, WEB))
    opened.locator(f'a[href="#p{number}"]').click()
    heading = opened.locator(f"#p{number} h2").bounding_box()
    assert heading is not None and 0 <= heading["y"] < 860 and heading["x"] + heading["width"] <= 420
    heads = [box for box in (h.bounding_box() for h in opened.locator(f"#p{number} .rows > .head").all()) if box]
    assert len(heads) == 2 and heads[0]["y"] == heads[1]["y"]  # two columns, side by side
    assert all(box["width"] >= 150 and box["x"] + box["width"] <= 420 for box in heads)
    opened.screenshot(path=str(tmp_path / "report-420px.png"), full_page=False)
    assert (tmp_path / "report-420px.png").stat().st_size > 10_000
    context.close()


@pytest.fixture(scope="module")
def lazy_page(browser, seeds, tmp_path_factory):
    """The same report as a large one is written: each pair's body compressed in the page, opened near the screen."""
    docs = {**seeds, EVIL_ID: EVIL_TEXT, "evil-copy": EVIL_TEXT.replace("，", ",")}
    result = find_versions(docs)
    path = tmp_path_factory.mktemp("lazy") / "report.html"
    path.write_text(result_html(result, docs, lazy=True), encoding="utf-8")
    context, opened, problems, requests = _opened(browser, path, 600)
    _bodies_ready(opened)
    yield opened, problems, requests, result
    context.close()


def test_a_large_report_opens_each_pair_near_the_screen_escaped_and_offline(lazy_page):
    opened, problems, requests, result = lazy_page
    assert problems == [] and [url for url in requests if not url.startswith("file:")] == []
    number = next(n for n, r in enumerate(result.relations) if (r.a, r.b) == (PAGE, WEB))
    opened.locator(f'a[href="#p{number}"]').click()
    opened.wait_for_selector(f"#p{number} .rows")
    assert opened.locator(f"#p{number} > .lazy").count() == 0
    expected = len(result.relations[number].comparison.substantive_edits)
    assert opened.locator(f'#p{number} mark.substantive[data-side="a"]').count() == expected
    opened.locator(f"#p{number} ol.edits li a").nth(1).click()
    assert opened.locator("mark.sel").count() == 2
    opened.locator("#cosmetic").check()
    cosmetic = opened.locator(f"#p{number} mark.cosmetic.k-width").first
    assert cosmetic.evaluate("m => getComputedStyle(m).backgroundColor") != "rgba(0, 0, 0, 0)"
    for n in range(len(result.relations)):  # every pair opens once scrolled to, the hostile one included
        opened.locator(f"#p{n} h2").scroll_into_view_if_needed()
        opened.wait_for_selector(f"#p{n} .rows, #p{n} .sides")
    assert opened.evaluate("window.__pwned") is None
    assert "<script>window.__pwned=2</script>" in opened.inner_text("body")


def test_every_pair_of_a_large_report_opens_at_once_for_the_browsers_find(browser, tmp_path):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from benchmarks.corpus import generate

    docs = dict(generate(600, seed=0).docs)
    result = find_versions(docs, workers=2)
    path = tmp_path / "report.html"
    path.write_text(result_html(result, docs, lazy=True), encoding="utf-8")
    context, opened, problems, _ = _opened(browser, path, 600)
    _bodies_ready(opened)
    last = f"#p{len(result.relations) - 1}"
    assert opened.locator(f"{last} > .lazy").count() == 1  # far down: not opened yet
    opened.locator("#open-all").click()
    assert opened.locator(".lazy").count() == 0 and opened.locator("#open-all").is_disabled()
    assert opened.locator(f"{last} .rows, {last} .sides").count() == 1 and "<q-t>" not in opened.content()
    assert problems == []
    context.close()


def test_a_pair_jumped_to_in_a_large_report_stays_in_view_while_the_pairs_above_it_open(browser, tmp_path):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from benchmarks.corpus import generate

    docs = dict(generate(600, seed=0).docs)
    path = tmp_path / "large.html"
    path.write_text(result_html(find_versions(docs, workers=2), docs, lazy=True), encoding="utf-8")
    context, opened, problems, _ = _opened(browser, path, 900)
    _bodies_ready(opened)
    order = opened.evaluate("[...document.querySelectorAll('section.pair')].map(s => s.id)")
    target = order[len(order) * 3 // 4]
    opened.locator(f'a[href="#{target}"]').click()
    opened.wait_for_selector(f"#{target} .rows, #{target} .sides")
    opened.wait_for_timeout(800)  # the pairs above it open as they come near the screen
    heading = opened.locator(f"#{target} h2").bounding_box()
    assert heading is not None and 0 <= heading["y"] < 900, heading
    assert problems == []
    context.close()


def test_the_notebook_view_has_no_links_to_sections_it_lacks(report):
    _, result = report
    assert 'href="#p' not in result._repr_html_()


def test_collation_page_opens_readings_in_context_and_filters_cosmetic(browser, seeds, tmp_path):
    from textversions import collate
    from textversions.normalize import converter
    from textversions.report import collation_html

    texts = {WEB: seeds[WEB], PAGE: seeds[PAGE], EVIL_ID: converter("s2t")(seeds[WEB]).replace("星鋒", EVIL_TEXT[:40])}
    collation = collate(texts, base=WEB)
    path = tmp_path / "collation.html"
    path.write_text(collation_html(collation), encoding="utf-8")
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    opened = context.new_page()
    problems: list[str] = []
    opened.on("pageerror", lambda error: problems.append(str(error)))
    opened.goto(path.as_uri())
    shown = opened.locator("tr.variant:visible").count()
    assert shown == len(collation.substantive_variants)  # cosmetic variants hidden at first
    opened.locator("#cosmetic").check()
    assert opened.locator("tr.variant:visible").count() == len(collation.variants)
    number = next(v.number for v in collation.substantive_variants if v.reading(PAGE).kind == "number")
    context_row = opened.locator(f"#v{number} + tr.context")
    assert not context_row.is_visible()
    opened.locator(f"#v{number} button.open").click()
    assert context_row.is_visible() and "11万" in context_row.inner_text()
    assert opened.evaluate("window.__pwned") is None and problems == []
    context.close()
