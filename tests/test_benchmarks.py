"""The benchmark scripts run (quick mode), so they never rot; the full runs stay on demand."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import require_java

ROOT = Path(__file__).resolve().parents[1]


def test_quick_benchmark_prints_every_table():
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick"], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    for heading in ("Sketch stage", "datasketch update_batch", "rensa", "text-dedup", "end to end", "brute force"):
        assert heading in done.stdout


def test_edit_kind_benchmark_meets_its_target_on_a_small_run():
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "edit_kinds.py"), "--per-kind", "25"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_spark_benchmark_runs_and_both_engines_agree():
    require_java()
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "spark_engine.py"), "--quick", "--cores", "2"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    assert "spark docs/s" in done.stdout and "rows a document" in done.stdout
    # A few hundred documents may take no longer than half as many: then the script says so, and no estimate.
    assert ("cores with a" in done.stdout) != ("No marginal rate" in done.stdout)


def test_collate_benchmark_runs_and_stays_lossless():
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "collate.py"), "--quick"], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "textversions.collate" in done.stdout and "every witness rebuilt exactly" in done.stdout


def test_calibrate_benchmark_runs():
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "calibrate.py"), "--quick"], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "real (devset)" in done.stdout and "generated" in done.stdout and "faster" in done.stdout


def test_archive_benchmark_runs_and_the_archive_equals_one_run():
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "archive.py"), "--quick"], capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "add a day's 500 (API, open archive)" in done.stdout and "(the same)" in done.stdout, done.stdout


def test_dense_benchmark_runs_and_finds_the_planted_versions():
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "dense.py"), "--quick"], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-2000:]
    row = next(line for line in done.stdout.splitlines() if line.startswith("| 300 |"))
    recall = float(row.split("|")[6])
    assert recall >= 0.95 and "faster" in row, done.stdout


def test_report_benchmark_writes_both_pages_and_opens_them():
    import os
    import shutil

    import pytest

    if not (shutil.which("chromium") or shutil.which("chromium-browser")):
        if os.environ.get("CI") == "true":
            pytest.fail("CI must have chromium (installed by .ci/run)")
        pytest.skip("no chromium on this machine")
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "report.py"), "--quick"], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "lazily" in done.stdout and "eagerly" in done.stdout


def test_english_benchmark_runs_and_keeps_template_pages_apart():
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "english.py"), "--repeat", "1"], capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stderr
    rows = [line.split("|") for line in done.stdout.splitlines() if line.startswith("| common") or line.startswith("| linux")]
    ours = {row[1].strip(): float(row[6]) for row in rows if row[4].strip() == "textversions"}
    # Subcommand and alias pages of one template are two pages: no pair of two files is joined.
    assert ours.keys() == {"common", "linux"} and min(ours.values()) >= 0.99, done.stdout
    # The held-out wire files: every pair related there was read (so the precision is a measure, not a guess).
    held = next(line.split("|") for line in done.stdout.splitlines() if line.startswith("| textversions | 1,832"))
    assert float(held[5]) >= 0.9 and held[6].strip() == "0", done.stdout
