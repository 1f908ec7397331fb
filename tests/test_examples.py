"""The example scripts run and produce what they say."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def run(script: str, *args: str, cwd: Path) -> str:
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / script), *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_seed_report(tmp_path):
    run("seed_report.py", str(tmp_path), cwd=tmp_path)
    assert "11万" in (tmp_path / "seed-report.html").read_text(encoding="utf-8")
    assert "| contains |" in (tmp_path / "seed-report.md").read_text(encoding="utf-8")


def test_compare_strings(tmp_path):
    out = run("compare_strings.py", cwd=tmp_path)
    assert "number" in out and "1.1万 → 11万" in out and "锋 → 峰" in out


def test_dataframe(tmp_path):
    out = run("dataframe.py", cwd=tmp_path)
    assert "contains" in out and "002_5c287f6b8ba9909e" in out


def test_collate_story(tmp_path):
    out = run("collate_story.py", str(tmp_path), cwd=tmp_path)
    assert "base: web (003)" in out and "print page (002): contained_by" in out
    assert "moved" in (tmp_path / "collation.md").read_text(encoding="utf-8")
    assert '<rdg wit="#w1" type="number">11万余个</rdg>' in (tmp_path / "collation.xml").read_text(encoding="utf-8")
    assert "collation of 4 witnesses" in (tmp_path / "collation.html").read_text(encoding="utf-8").lower()
