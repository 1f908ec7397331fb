"""Every public entry point against every hostile case: a result or a clear error, never a crash."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from textversions import InvalidInput, compare, find_versions
from textversions.io import read_paths

from .cases import Case, cases

CASES = cases()
EXE = str(Path(sys.executable).parent / "textversions")


def _ids(case: Case) -> list[str]:
    return list(case.docs)


def _accounted(data: dict, case: Case) -> None:
    ids = [doc["id"] for doc in data["documents"]]
    assert ids == _ids(case)
    members = sorted(doc for family in data["families"] for doc in family)
    assert members == sorted(ids)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_compare(case: Case) -> None:
    a_id, b_id = _ids(case)[:2]
    a, b = case.docs[a_id], case.docs[b_id]
    if case.expect == "error":
        with pytest.raises(InvalidInput, match="surrogate"):
            compare(a, b)
        return
    comparison = compare(a, b)
    assert comparison.apply(a) == b
    assert json.loads(comparison.to_json())["a_length"] == len(a)
    if case.relation:
        assert comparison.relation == case.relation


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_find_versions(case: Case) -> None:
    if case.expect == "error":
        with pytest.raises(InvalidInput, match="broken"):
            find_versions(case.docs)
        return
    result = find_versions(case.docs)
    _accounted(result.to_dict(), case)
    first, second = _ids(case)[:2]
    if case.extra.get("singletons"):
        assert len(result.families) == len(case.docs)
    elif case.relation in ("duplicate", "version", "contains", "contained_by"):
        assert result.family_of(first) == result.family_of(second)


def _write_tables(case: Case, folder: Path) -> dict[str, Path]:
    rows = [{"id": doc_id, "text": text} for doc_id, text in case.docs.items()]
    paths = {"jsonl": folder / "docs.jsonl", "csv": folder / "docs.csv", "parquet": folder / "docs.parquet"}
    paths["jsonl"].write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    if case.expect != "error":
        with paths["csv"].open("w", encoding="utf-8", newline="") as stream:
            writer = csv.DictWriter(stream, ["id", "text"])
            writer.writeheader()
            writer.writerows(rows)
        pq.write_table(pa.Table.from_pylist(rows), paths["parquet"])
    return paths


@pytest.mark.parametrize("case", [c for c in CASES if not c.large or len(c.docs) < 10], ids=lambda c: c.name)
def test_readers_round_trip(case: Case, tmp_path: Path) -> None:
    paths = _write_tables(case, tmp_path)
    if case.expect == "error":
        with pytest.raises(InvalidInput, match="broken"):
            find_versions(read_paths([paths["jsonl"]]))
        return
    for kind, path in paths.items():
        assert dict(read_paths([path])) == case.docs, kind
    text_dir = tmp_path / "texts"
    text_dir.mkdir()
    for number, (doc_id, text) in enumerate(case.docs.items()):
        (text_dir / f"{number:03d}.txt").write_bytes(text.encode("utf-8"))
    read = dict(read_paths([text_dir]))
    assert list(read.values()) == list(case.docs.values())


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_cli_find_and_diff(case: Case, tmp_path: Path) -> None:
    paths = _write_tables(case, tmp_path)
    done = subprocess.run([EXE, "find", str(paths["jsonl"]), "-q"], capture_output=True, text=True, timeout=600)
    if case.expect == "error":
        assert done.returncode == 1 and "broken" in done.stderr and "Traceback" not in done.stderr
        return
    assert done.returncode == 0, done.stderr
    _accounted(json.loads(done.stdout), case)
    if len(case.docs) > 10:
        return
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    first, second = _ids(case)[:2]
    a.write_text(case.docs[first], encoding="utf-8", newline="")
    b.write_text(case.docs[second], encoding="utf-8", newline="")
    diffed = subprocess.run([EXE, "diff", str(a), str(b), "--format", "json"], capture_output=True, text=True, timeout=600)
    data = json.loads(diffed.stdout)
    assert diffed.returncode == (1 if data["edits"] else 0), diffed.stderr  # GNU diff's: 1 when they differ
    assert data["b_length"] == len(case.docs[second])


def test_unreadable_file_is_reported_or_listed_when_skipped(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("越是风急浪骤，越需中流砥柱。", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe\x00\xd8junk")
    failed = subprocess.run([EXE, "find", str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert failed.returncode == 1 and "bad.txt" in failed.stderr
    skipped = subprocess.run([EXE, "find", str(tmp_path), "--skip-unreadable"], capture_output=True, text=True, timeout=120)
    assert skipped.returncode == 0, skipped.stderr
    data = json.loads(skipped.stdout)
    assert [doc["id"] for doc in data["documents"]] == ["good"]
    assert [entry["source"] for entry in data["skipped"]] == [str(tmp_path / "bad.txt")]
    assert "bad.txt" in skipped.stderr
