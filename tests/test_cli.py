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


def test_sketch_switches_are_recorded_in_the_options(tmp_path):
    (tmp_path / "a.txt").write_text("Chrysler said February car output was 110,552 against 123,092 a year ago.", "utf-8")
    (tmp_path / "b.txt").write_text("February output: Chrysler built 110,552 cars, 123,092 a year earlier.", "utf-8")
    data = json.loads(run("find", str(tmp_path), "--no-figures", "--keep-punctuation", "--char-shingles").stdout)
    assert (data["options"]["figures"], data["options"]["fold_punctuation"], data["options"]["word_shingles"]) == (False, False, False)
    assert json.loads(run("find", str(tmp_path)).stdout)["options"]["figures"] is True
    why = json.loads(run("explain", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "--format", "json").stdout)
    assert why["shared_figures"] == 2
    assert json.loads(run("explain", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "--format", "json", "--no-figures").stdout)["shared_figures"] == 0


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
    out = run("diff", str(a), str(b), check=False).stdout
    assert "number" in out and "1.1万" in out and "11万" in out
    data = json.loads(run("diff", str(a), str(b), "--format", "json", check=False).stdout)
    assert data["relation"] == "contained_by"
    assert any(e["kind"] == "number" and e["a_text"] == "1.1万" for e in data["edits"])


def test_diff_exits_like_gnu_diff_and_reads_stdin(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("在抗击疫情的斗争中，株洲1.1万余个基层党组织奋勇争先。", encoding="utf-8")
    b.write_text("在抗击疫情的斗争中，株洲11万余个基层党组织奋勇争先。", encoding="utf-8")
    assert run("diff", str(a), str(a), check=False).returncode == 0  # the same
    differ = run("diff", str(a), str(b), check=False)
    assert differ.returncode == 1 and "株洲[1.1万 → 11万]余个基层党组" in differ.stdout  # with 10 characters of context
    assert "number 12-16 1.1万 → 11万\n" in run("diff", str(a), str(b), "--context", "0", check=False).stdout
    piped = subprocess.run([EXE, "diff", str(a), "-"], input=b.read_bytes(), capture_output=True, timeout=120)
    assert piped.returncode == 1 and "a → stdin: version" in piped.stdout.decode()
    missing = run("diff", str(a), str(tmp_path / "missing.txt"), check=False)
    assert missing.returncode == 2 and "missing.txt" in missing.stderr and "Traceback" not in missing.stderr
    assert run("diff", "-", "-", check=False).returncode == 2
    (tmp_path / "x").mkdir()
    same_name = tmp_path / "x" / "a.txt"
    same_name.write_text(b.read_text(encoding="utf-8"), encoding="utf-8")
    labelled = run("diff", str(a), str(same_name), check=False).stdout
    assert f"{a} → {same_name}: version" in labelled  # two files called a: named by path


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


def test_find_reads_jsonl_csv_and_parquet(tmp_path, seeds):
    import csv

    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [{"url": f"u/{doc_id}", "body": seeds[doc_id]} for doc_id in (WEB, PAGE)]
    jsonl = tmp_path / "docs.jsonl"
    jsonl.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    table = tmp_path / "docs.csv"
    with table.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, ["url", "body"])
        writer.writeheader()
        writer.writerows(rows)
    parquet = tmp_path / "docs.parquet"
    pq.write_table(pa.Table.from_pylist(rows), parquet)
    for path in (jsonl, table, parquet):
        data = json.loads(run("find", str(path), "--id-field", "url", "--text-field", "body").stdout)
        assert [sorted(f) for f in data["families"]] == [[f"u/{PAGE}", f"u/{WEB}"]], path


def test_find_reads_jsonl_on_stdin(seeds):
    lines = "".join(json.dumps({"id": d, "text": seeds[d]}, ensure_ascii=False) + "\n" for d in (WEB, PAGE))
    done = subprocess.run([EXE, "find", "-"], input=lines, capture_output=True, text=True, check=True, timeout=300)
    assert [sorted(f) for f in json.loads(done.stdout)["families"]] == [[PAGE, WEB]]


def test_missing_field_is_named(tmp_path):
    (tmp_path / "docs.jsonl").write_text('{"id": "x", "body": "text"}\n', encoding="utf-8")
    done = run("find", str(tmp_path / "docs.jsonl"), check=False)
    assert done.returncode == 1 and "'text'" in done.stderr and "docs.jsonl:1" in done.stderr


def test_output_matches_the_shipped_schema(tmp_path, seeds):
    from importlib.resources import files

    import jsonschema

    schema = json.loads((files("textversions") / "schema" / "output.schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    validator.validate(json.loads(run("find").stdout))
    for line in run("find", "--format", "jsonl").stdout.splitlines():
        validator.validate(json.loads(line))
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(seeds[WEB], encoding="utf-8")
    b.write_text(seeds[PAGE], encoding="utf-8")
    validator.validate(json.loads(run("diff", str(a), str(b), "--format", "json", check=False).stdout))
    with pytest.raises(jsonschema.ValidationError):
        validator.validate({"relation": "version"})


def test_help_documents_every_command():
    top = run("--help").stdout
    for command in ("find", "diff"):
        assert command in top
        assert "Example" in run(command, "--help").stdout


def test_same_bytes_for_any_number_of_workers():
    one = run("find", "--workers", "1").stdout
    assert run("find", "--workers", "2").stdout == one
    assert run("find", "--workers", "0").stdout == one


def test_jsonl_streams_each_relation_as_it_is_found(tmp_path, seeds):
    """The first relation line arrives while the run is still aligning; the whole output equals to_jsonl()."""
    import random

    from textversions import find_versions

    rng = random.Random(3)
    alphabet = "".join(seeds.values())
    rows = []
    for n in range(400):
        start = rng.randrange(len(alphabet) - 1500)
        rows.append({"id": f"d{n}", "text": alphabet[start : start + 1500] if n % 2 else "".join(rng.choices(alphabet, k=1500))})
    corpus = tmp_path / "docs.jsonl"
    corpus.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    process = subprocess.Popen([EXE, "find", str(corpus), "--format", "jsonl", "-q"], stdout=subprocess.PIPE, text=True)
    first = process.stdout.readline()
    still_running = process.poll() is None
    rest = process.stdout.read()
    assert process.wait(timeout=300) == 0
    assert json.loads(first)["record"] == "relation" and still_running
    lines = [first] + rest.splitlines(keepends=True)
    records = [json.loads(line)["record"] for line in lines]
    assert records == sorted(records, key=["relation", "document", "family"].index)  # relations first, as found
    assert "".join(lines) == find_versions([(row["id"], row["text"]) for row in rows]).to_jsonl()
