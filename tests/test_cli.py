"""The CLI through its real entry point, and determinism across hash seeds."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PAGE, WEB

EXE = shutil.which("textversions", path=str(Path(sys.executable).parent)) or "textversions"


def run(*args: str, env: dict[str, str] | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run([EXE, *args], capture_output=True, text=True, env=env, check=check, timeout=300)


def test_find_on_the_embedded_corpus_writes_json():
    data = json.loads(run("find").stdout)
    assert len(data["documents"]) == 5
    assert [PAGE, WEB] in data["families"]
    assert any(r["a"] == PAGE and r["b"] == WEB and r["kind"] == "contains" for r in data["relations"])


def test_find_writes_html_and_markdown(tmp_path):
    page = tmp_path / "report.html"
    done = run("find", "--out", str(page))
    assert "wrote" in done.stderr
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "11万" in html
    # Self-contained: nothing to fetch.
    assert "<link" not in html and " src=" not in html and "://" not in html.replace("https://hunan.12388", "")
    md = tmp_path / "report.md"
    run("find", "--out", str(md))
    assert "| 002_5c287f6b8ba9909e | 003_2ce852fb66e9e90e | contains |" in md.read_text(encoding="utf-8")


def test_find_on_a_folder_and_files(tmp_path, seeds):
    for doc_id in (WEB, PAGE):
        (tmp_path / f"{doc_id}.txt").write_text(seeds[doc_id], encoding="utf-8")
    data = json.loads(run("find", str(tmp_path)).stdout)
    assert data["families"] == [[PAGE, WEB]]


def test_diff_text_and_json(tmp_path, seeds):
    a, b = tmp_path / "web.txt", tmp_path / "print.txt"
    a.write_text(seeds[WEB], encoding="utf-8")
    b.write_text(seeds[PAGE], encoding="utf-8")
    out = run("diff", str(a), str(b)).stdout
    assert "number" in out and "1.1万" in out and "11万" in out
    data = json.loads(run("diff", str(a), str(b), "--format", "json").stdout)
    assert data["relation"] == "contained_by"
    assert any(e["kind"] == "number" and e["a_text"] == "1.1万" for e in data["edits"])


def test_bad_path_exits_1_with_its_name(tmp_path):
    done = run("find", str(tmp_path / "missing"), check=False)
    assert done.returncode == 1 and "missing" in done.stderr and "Traceback" not in done.stderr


def test_undecodable_file_exits_1(tmp_path):
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe\xfa")
    done = run("find", str(tmp_path), check=False)
    assert done.returncode == 1 and "bad.txt" in done.stderr


def test_usage_error_exits_2():
    assert run("find", "--format", "pdf", check=False).returncode == 2


def test_same_bytes_under_three_hash_seeds():
    outputs = set()
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        outputs.add(run("find", env=env).stdout)
    assert len(outputs) == 1
