"""The HTML report in real headless Chromium: renders clean, offline, escaped, and interactive."""

from __future__ import annotations

import os
import shutil

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


@pytest.fixture()
def page(browser, report):
    path, _ = report
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    opened = context.new_page()
    problems: list[str] = []
    requests: list[str] = []
    opened.on("console", lambda message: message.type == "error" and problems.append(message.text))
    opened.on("pageerror", lambda error: problems.append(str(error)))
    opened.on("request", lambda request: requests.append(request.url))
    opened.goto(path.as_uri())
    opened.wait_for_load_state("load")
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
