"""The HTML report at scale: written eagerly (every pair laid out) and lazily (pairs gzipped, opened near the screen).

    python benchmarks/report.py                 # 20,000 generated documents (a few minutes: the eager page is slow)
    python benchmarks/report.py --quick         # 300 documents, a smoke run

For each way of writing the same report of ``find_versions`` over the generated corpus:
the time to build the page, its size, and in headless Chromium (the system's, as the
browser tests use) the time until ``load``, until the lazy page's pairs are decoded,
to toggle the cosmetic edits, and to jump to a pair far down and see its texts. Medians
of ``--repeat`` page loads in one browser.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.corpus import generate  # noqa: E402
from textversions import find_versions  # noqa: E402
from textversions.report import result_html  # noqa: E402

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]


def measure(path: Path, far: int, repeat: int, browser) -> dict[str, float]:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(600_000)
    rows: dict[str, list[float]] = {"load": [], "ready": [], "toggle": [], "jump": []}
    for _ in range(repeat):
        page.goto("about:blank")
        started = time.perf_counter()
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        rows["load"].append(time.perf_counter() - started)
        # Polled from here: wait_for_function evaluates a string in the page, which the report's CSP forbids.
        while page.evaluate("!document.getElementById('tv-bodies') || document.body.dataset.bodies === 'ready'") is not True:
            page.wait_for_timeout(10)
        rows["ready"].append(time.perf_counter() - started)
        started = time.perf_counter()
        page.evaluate("document.getElementById('cosmetic').click(); document.body.offsetHeight")
        rows["toggle"].append(time.perf_counter() - started)
        started = time.perf_counter()
        page.evaluate(f"location.hash = '#p{far}'")
        page.wait_for_selector(f"#p{far} .rows, #p{far} .sides")
        rows["jump"].append(time.perf_counter() - started)
    page.close()
    return {name: statistics.median(values) for name, values in rows.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="300 documents, one load")
    args = parser.parse_args()
    if args.quick:
        args.size, args.repeat = 300, 1
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("no chromium on this machine", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    docs = dict(generate(args.size, seed=0).docs)
    result = find_versions(docs, workers=2)
    far = len(result.relations) * 3 // 4
    print(f"\n## The HTML report of {args.size:,} generated documents ({len(result.relations):,} relations), median of {args.repeat}\n")
    print("| written | build s | MB | load s | pairs ready s | toggle cosmetic s | jump to a pair s |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=ARGS)
        for lazy in (True, False):
            started = time.perf_counter()
            html = result_html(result, docs, lazy=lazy)
            built = time.perf_counter() - started
            path = Path(folder) / f"report-{lazy}.html"
            path.write_text(html, encoding="utf-8")
            row = measure(path, far, args.repeat, browser)
            print(
                f"| {'lazily (pairs gzipped, opened near the screen)' if lazy else 'eagerly (every pair laid out)'} "
                f"| {built:.2f} | {path.stat().st_size / 1e6:.1f} | {row['load']:.2f} | {row['ready']:.2f} "
                f"| {row['toggle']:.2f} | {row['jump']:.2f} |"
            )
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
