"""Reliability round 2 (issue 14): one family of hostile cases per class of failure.

Each case asserts the right answer or one clear line naming what is wrong (exit 1 on the CLI,
never a traceback), and that nothing is left half done.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from textversions import InvalidIndex, InvalidInput, SketchIndex, find_versions

EXE = str(Path(sys.executable).parent / "textversions")
STORY = "越是风急浪骤，越需中流砥柱。关键时刻，生死关头，党组织就是主心骨。" * 3


def _run(*args: str, cwd: Path | None = None, timeout: int = 120, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([EXE, *args], capture_output=True, timeout=timeout, cwd=cwd, input=stdin)


def _one_clear_line(done: subprocess.CompletedProcess, *words: str, status: int = 1) -> None:
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode == status, err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    for word in words:
        assert word in lines[0], lines[0]


# Class 6: ids and names.


@pytest.mark.parametrize("bad_id", ["web\ud800", "\udcff", "a\udfffb"], ids=ascii)
def test_an_id_with_a_lone_surrogate_is_refused_at_the_door_and_named(bad_id: str) -> None:
    with pytest.raises(InvalidInput, match="lone surrogate") as raised:
        find_versions({"fine": STORY, bad_id: STORY})
    assert repr(bad_id) in str(raised.value)
    index = SketchIndex(window=16)
    with pytest.raises(InvalidInput, match="lone surrogate"):
        index.add({"fine": STORY, bad_id: STORY})
    assert len(index) == 0  # all or nothing


@pytest.mark.skipif(sys.platform != "linux", reason="file names of arbitrary bytes are a Linux filesystem's")
@pytest.mark.parametrize("out", [None, "r.json", "r.md", "r.html"])
def test_a_file_name_that_is_not_utf8_becomes_an_escaped_id(tmp_path: Path, out: str | None) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "web.txt").write_text(STORY, encoding="utf-8")
    with open(os.fsencode(folder) + b"/print\xff\xfe.txt", "w", encoding="utf-8") as stream:
        stream.write(STORY.replace("，", ","))
    done = _run("find", str(folder), "-q", *(["--out", str(tmp_path / out)] if out else []))
    assert done.returncode == 0, done.stderr.decode()
    written = (tmp_path / out).read_bytes() if out else done.stdout
    text = written.decode("utf-8")  # valid UTF-8 everywhere
    assert "print\\\\xff\\\\xfe" in text or "print\\xff\\xfe" in text


# Class 7: SketchIndex trusts nothing it reads.


def _saved(tmp_path: Path) -> tuple[Path, dict[str, np.ndarray]]:
    path = tmp_path / "index.npz"
    index = SketchIndex(window=16)
    index.add({"a": STORY, "b": STORY[::-1]})
    index.save(path)
    with np.load(path) as archive:
        return path, {name: archive[name] for name in archive.files}


def _header(arrays: dict[str, np.ndarray]) -> dict:
    return json.loads(arrays["header"].tobytes())


def _with_header(arrays: dict[str, np.ndarray], header: dict) -> dict[str, np.ndarray]:
    return {**arrays, "header": np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)}


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda a: {**a, "keys": np.array(5, dtype=np.uint64), "owners": np.array(0, dtype=np.int64)}, "shape"),
        (lambda a: {**a, "keys": a["keys"].reshape(-1, 1), "owners": a["owners"].reshape(-1, 1)}, "shape"),
        (lambda a: {**a, "keys": a["keys"].astype(np.int32)}, "type"),
        (lambda a: _with_header(a, {**_header(a), "options": {**_header(a)["options"], "shingle": "5"}}), "shingle"),
        (lambda a: _with_header(a, {**_header(a), "options": {**_header(a)["options"], "num_perm": 0}}), "num_perm"),
        (lambda a: _with_header(a, {**_header(a), "options": {**_header(a)["options"], "seed": -1}}), "seed"),
        (lambda a: _with_header(a, {**_header(a), "options": {**_header(a)["options"], "shingle": 0}}), "shingle"),
        (lambda a: _with_header(a, {**_header(a), "options": {**_header(a)["options"], "threshold": 1.5}}), "threshold"),
        (lambda a: _with_header(a, {**_header(a), "options": {**_header(a)["options"], "window": -5}}), "window"),
        (lambda a: _with_header(a, {**_header(a), "options": "fast"}), "options"),
        (lambda a: _with_header(a, {**_header(a), "documents": 7}), "counts"),
        (lambda a: {**a, "owners": a["owners"] + 100}, "out of range"),
        (lambda a: {key: value for key, value in a.items() if key != "ids"}, "members"),
    ],
    ids=["0-d arrays", "(n,1) arrays", "int32 keys", "shingle '5'", "num_perm 0", "seed -1", "shingle 0",
         "threshold 1.5", "window -5", "options not a dict", "document count", "owners", "missing member"],
)
def test_a_damaged_index_is_refused_on_load_naming_what_is_wrong(tmp_path: Path, damage, message: str) -> None:  # type: ignore[no-untyped-def]
    path, arrays = _saved(tmp_path)
    np.savez(path, **damage(arrays))
    with pytest.raises(InvalidIndex, match=message):
        SketchIndex.load(path)


def test_a_foreign_file_is_an_invalid_index_not_a_type_error(tmp_path: Path) -> None:
    np.save(tmp_path / "x.npy", np.arange(5))
    with pytest.raises(InvalidIndex, match="not an .npz archive"):
        SketchIndex.load(tmp_path / "x.npy")


def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path: Path) -> None:
    path, arrays = _saved(tmp_path)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in ("header", "ids", "owners"):
            with archive.open(f"{name}.npy", "w") as member:
                np.lib.format.write_array(member, arrays[name])
        with archive.open("keys.npy", "w", force_zip64=True) as member:
            zeros = bytes(1 << 24)
            for _ in range(6):  # 96 MiB of zeros: deflates to ~100 KB
                member.write(zeros)
    assert path.stat().st_size < 2 << 20
    with pytest.raises(InvalidIndex, match="implausible index: keys.npy"):
        SketchIndex.load(path)


@pytest.mark.parametrize("options", [{"threshold": 7.0}, {"shingle": 0}, {"window": 1}, {"num_perm": 0}], ids=str)
def test_an_index_with_impossible_options_is_never_built(options: dict) -> None:
    with pytest.raises(InvalidInput):
        SketchIndex(**options)


def test_add_is_all_or_nothing() -> None:
    index = SketchIndex(window=16)
    with pytest.raises(Exception, match="text must be str"):
        index.add([("first", STORY), ("second", 42)])  # type: ignore[list-item]
    assert len(index) == 0 and index.query(STORY) == []
    with pytest.raises(Exception, match="already in the index"):
        index.add([("same", STORY), ("same", STORY)])
    assert len(index) == 0


# Class 8: nothing left behind.


def _big_corpus(path, seeds, count=3000):  # type: ignore[no-untyped-def]
    """A JSONL corpus that keeps ``textversions find`` busy for several seconds."""
    import json
    import random

    alphabet = "".join(seeds.values())
    rng = random.Random(7)
    with path.open("w", encoding="utf-8") as out:
        for n in range(count):
            start = rng.randrange(len(alphabet) - 2000)
            text = alphabet[start : start + 2000] if n % 3 else "".join(rng.choices(alphabet, k=2000))
            out.write(json.dumps({"id": f"d{n}", "text": text}, ensure_ascii=False) + "\n")


@pytest.mark.parametrize("signal_name", ["SIGTERM", "SIGKILL"])
def test_a_killed_run_leaves_no_spill_file_nor_worker(seeds, tmp_path: Path, signal_name: str) -> None:  # type: ignore[no-untyped-def]
    import signal
    import time

    corpus = tmp_path / "corpus.jsonl"
    _big_corpus(corpus, seeds)
    spill_dir = tmp_path / "tmp"
    spill_dir.mkdir()
    command = [EXE, "find", str(corpus), "--workers", "2", "--out", str(tmp_path / "r.json")]
    env = {**os.environ, "TMPDIR": str(spill_dir)}
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(4)  # reading, sketching or aligning by now
    assert process.poll() is None, "the run ended before it could be killed: make the corpus bigger"
    assert not list(spill_dir.iterdir())  # the texts live in a file with no name
    process.send_signal(getattr(signal, signal_name))
    process.wait(timeout=60)
    assert process.returncode != 0
    assert not list(spill_dir.iterdir())
    assert not (tmp_path / "r.json").exists()
    # Nor any worker waiting for tasks that will never come.
    deadline = time.monotonic() + 10
    while _processes_running(str(corpus)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _processes_running(str(corpus))


def _processes_running(argument: str) -> list[int]:
    """Processes whose command line holds ``argument`` (read from /proc), zombies left out."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and argument in (entry / "cmdline").read_bytes().decode(errors="replace"):
                if " Z " not in (entry / "stat").read_text().split(")", 1)[-1][:4]:
                    found.append(int(entry.name))
        except OSError:
            continue
    return found


# Class 9: the CLI says one line and exits 1; nothing is silently dropped or half written.


def test_out_under_a_regular_file_fails_before_the_work(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    _one_clear_line(_run("find", "-q", "--out", str(tmp_path / "file" / "r.json")), "cannot write --out")


def test_out_in_proc_fails_before_the_work() -> None:
    _one_clear_line(_run("find", "-q", "--out", "/proc/r.json"), "cannot write --out")


def test_an_unknown_out_suffix_is_refused(tmp_path: Path) -> None:
    _one_clear_line(_run("find", "-q", "--out", str(tmp_path / "report.pdf")), "unknown suffix '.pdf'")
    assert not (tmp_path / "report.pdf").exists()
    done = _run("find", "-q", "--format", "json", "--out", str(tmp_path / "report.data"))
    assert done.returncode == 0 and json.loads((tmp_path / "report.data").read_text())["documents"]


def test_spark_without_pyspark_says_how_to_get_it(tmp_path: Path) -> None:
    import importlib.util

    if importlib.util.find_spec("pyspark") is not None:
        pytest.skip("pyspark is installed here")
    _one_clear_line(_run("find", "--engine", "spark", "--out", str(tmp_path / "found")), "pip install")


def test_two_files_that_would_share_an_id_are_named(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "story.txt").write_text(STORY, encoding="utf-8")
    _one_clear_line(_run("find", "-q", str(tmp_path / "a" / "story.txt"), str(tmp_path / "b" / "story.txt")),
                    "a/story.txt", "b/story.txt")
    done = _run("find", "-q", str(tmp_path))  # their common folder: ids from the paths below it
    assert {doc["id"] for doc in json.loads(done.stdout)["documents"]} == {"a/story", "b/story"}


def test_x_txt_beside_x_md_keep_their_suffixes(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "x.md").write_text(STORY, encoding="utf-8")
    done = _run("find", "-q", str(tmp_path))
    assert {doc["id"] for doc in json.loads(done.stdout)["documents"]} == {"x.txt", "x.md"}


@pytest.mark.skipif(sys.platform != "linux", reason="FIFOs and links as Linux makes them")
@pytest.mark.parametrize("kind", ["dangling link", "looping link", "FIFO", "folder"])
def test_what_cannot_be_read_is_named_or_listed_never_dropped(tmp_path: Path, kind: str) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "web.txt").write_text(STORY, encoding="utf-8")
    odd = folder / "odd.txt"
    if kind == "dangling link":
        odd.symlink_to(folder / "missing.txt")
    elif kind == "looping link":
        odd.symlink_to(odd)
    elif kind == "FIFO":
        os.mkfifo(odd)
    else:
        odd.mkdir()
    _one_clear_line(_run("find", "-q", str(folder), timeout=60), "odd.txt")
    done = _run("find", "-q", "--skip-unreadable", str(folder), timeout=60)
    assert done.returncode == 0
    skipped = json.loads(done.stdout)["skipped"]
    assert [entry["source"] for entry in skipped] == [str(odd)]


@pytest.mark.parametrize("contents", [[], ["notes.docx", "page.html"]], ids=["empty", "unsupported files"])
def test_a_folder_without_text_files_says_so(tmp_path: Path, contents: list[str]) -> None:
    for name in contents:
        (tmp_path / name).write_bytes(b"x")
    _one_clear_line(_run("find", "-q", str(tmp_path)), "no .txt or .md files")


@pytest.mark.parametrize("order", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("text", [STORY, "Reuters reported on Monday that the talks had ended. " * 3], ids=["Chinese", "English"])
def test_other_encodings_are_detected_and_reported_and_damaged_utf8_refused(tmp_path: Path, order: str, text: str) -> None:
    (tmp_path / "bare.txt").write_bytes(text.encode(order))
    (tmp_path / "gb.txt").write_bytes(STORY.encode("gb18030"))
    (tmp_path / "marked.txt").write_bytes(STORY.encode("utf-16"))
    (tmp_path / "plain.txt").write_text(STORY, encoding="utf-8")
    for name, encoding in (("bare.txt", order.replace("-", "_")), ("gb.txt", "gb18030")):
        done = _run("find", "-q", str(tmp_path / name), str(tmp_path / "plain.txt"))
        assert done.returncode == 0, done.stderr
        assert done.stderr.decode().strip() == f"{tmp_path / name}: read as {encoding} (detected)"
        kinds = [relation["kind"] for relation in json.loads(done.stdout)["relations"]]
        assert kinds == (["duplicate"] if name == "gb.txt" or text == STORY else [])  # read right: the same story
    done = _run("find", "-q", str(tmp_path / "marked.txt"), str(tmp_path / "plain.txt"))
    assert json.loads(done.stdout)["relations"][0]["kind"] == "duplicate" and not done.stderr
    (tmp_path / "damaged.txt").write_bytes(STORY.encode("utf-8")[:30] + b"\xff" + STORY.encode("utf-8")[30:])
    _one_clear_line(_run("find", "-q", str(tmp_path / "damaged.txt")), "not UTF-8 text (byte 30", "a damaged file?")


@pytest.mark.skipif(sys.platform != "linux", reason="FIFOs and /dev/zero as Linux has them")
def test_diff_refuses_a_fifo_and_a_device_instead_of_hanging(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(STORY, encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.txt")
    # diff's trouble is exit status 2, as GNU diff's
    _one_clear_line(_run("diff", str(tmp_path / "a.txt"), str(tmp_path / "pipe.txt"), timeout=30), "a FIFO", status=2)
    _one_clear_line(_run("diff", str(tmp_path / "a.txt"), "/dev/zero", timeout=30), "/dev/zero", "character device", status=2)


def test_csv_rows_with_an_extra_or_a_missing_cell_are_named(tmp_path: Path) -> None:
    extra = tmp_path / "extra.csv"
    extra.write_text("id,text\na,one\nb,two,three\n", encoding="utf-8")
    _one_clear_line(_run("find", "-q", str(extra)), "extra.csv:3", "more cell")
    short = tmp_path / "short.csv"
    short.write_text("id,text\na,one\nb\n", encoding="utf-8")
    done = _run("find", "-q", str(short))
    _one_clear_line(done, "short.csv:3", "no cell for column 'text'")
    assert "NoneType" not in done.stderr.decode()


# Classes 1, 4 and 10: long, repetitive and near-identical texts align exactly, in time linear in length.

_MEASURED = r"""
import json, random, resource, sys, time
from textversions import compare
a, b = json.loads(sys.stdin.read())
started = time.perf_counter()
c = compare(a, b)
print(json.dumps({"seconds": time.perf_counter() - started, "relation": c.relation, "approximate": c.approximate,
                  "apply": c.apply(a) == b, "coverage": min(c.scores.coverage_a, c.scores.coverage_b),
                  "edits": [[e.kind, e.a_text, e.b_text, e.a_span] for e in c.substantive_edits],
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _measured_compare(a: str, b: str) -> dict:
    """compare(a, b) in a fresh process: its own time and peak memory, its answer."""
    done = subprocess.run([sys.executable, "-c", _MEASURED], input=json.dumps([a, b]), capture_output=True, text=True,
                          timeout=600, check=True)
    return json.loads(done.stdout)


def _changed(text: str, changes: dict[int, str]) -> str:
    chars = list(text)
    for position, char in changes.items():
        chars[position] = char
    return "".join(chars)


@pytest.mark.parametrize("unit, length", [("a", 1_000_000), ("abc", 99_000), ("党组织", 600_000)], ids=str)
def test_periodic_text_with_two_changes_gives_two_exact_edits_quickly(unit: str, length: int) -> None:
    a = (unit * (length // len(unit) + 1))[:length]
    b = _changed(a, {length // 7: "X", length // 2: "Y"})
    found = _measured_compare(a, b)
    assert found["relation"] == "version" and not found["approximate"] and found["apply"]
    assert [(kind, b_text) for kind, _, b_text, _ in found["edits"]] == [("substitution", "X"), ("substitution", "Y")]
    assert [span for *_, span in found["edits"]] == [[length // 7, length // 7 + 1], [length // 2, length // 2 + 1]]
    assert found["seconds"] < 60  # was over two minutes at 1,000,000 characters: quadratic


def test_a_long_latin_text_with_replaced_words_stays_aligned_word_by_word() -> None:
    rng = random.Random(0)
    vocabulary = ["".join(rng.choice("etaoinshrdlucmfwypvbgkjqxz") for _ in range(rng.randint(2, 9))) for _ in range(5000)]
    words = rng.choices(vocabulary, [1 / (rank + 1) for rank in range(5000)], k=420_000)  # Zipf: " the " everywhere
    text = " ".join(words)
    replaced = sorted(rng.sample(range(len(words)), 500))
    edited_words = list(words)
    for position in replaced:
        edited_words[position] = f"new{position}"
    found = _measured_compare(text, " ".join(edited_words))
    assert len(text) > 2_400_000
    assert found["relation"] == "version" and not found["approximate"] and found["apply"]
    assert found["coverage"] >= 0.95
    assert all(len(a_text.split()) <= 3 for _, a_text, _, _ in found["edits"])  # word-level edits, not a megabyte of one
    assert 480 <= len(found["edits"]) <= 500  # neighbouring replaced words may be one edit


def test_two_long_near_identical_files_align_exactly_within_memory() -> None:
    rng = random.Random(1)
    a = "".join(rng.choice("党组织主心骨风急浪骤越是需中流砥柱关键时刻生死头就") for _ in range(2_000_000))
    positions = sorted(rng.sample(range(len(a)), 100))
    b = _changed(a, {position: "Ж" for position in positions})
    found = _measured_compare(a, b)
    assert found["relation"] == "version" and not found["approximate"] and found["apply"]
    assert [span[0] for *_, span in found["edits"]] == positions
    assert found["peak_mb"] < 2000


def test_diff_says_approximate_everywhere_and_exits_1(tmp_path: Path) -> None:
    from textversions import align

    rng = random.Random(2)
    alphabet = "党组织主心骨风急浪骤越是需中流砥柱关键时刻生死头就"
    (tmp_path / "a.txt").write_text("".join(rng.choice(alphabet) for _ in range(9000)), encoding="utf-8")
    (tmp_path / "b.txt").write_text("".join(rng.choice(alphabet) for _ in range(9000)), encoding="utf-8")
    script = (
        "import sys; from textversions import align; align.MAX_CELLS = 1000; align.MAX_BAND_CELLS = 1000\n"
        "from textversions.cli import main; sys.exit(main())"
    )
    assert align.MAX_CELLS > 1000  # the budgets are lowered only in the child
    for fmt in ("text", "json", "md", "html"):
        done = subprocess.run([sys.executable, "-c", script, "diff", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"),
                               "--format", fmt], capture_output=True, text=True, timeout=120)
        assert done.returncode == 1, done.stderr  # they differ; how coarsely, stderr and the output say
        assert done.stderr.startswith("approximate:")
        assert "pproximate" in done.stdout


@pytest.mark.parametrize("name", ["r.json", "r.jsonl", "r.html"])
def test_out_is_written_with_the_permissions_a_plain_write_gives(tmp_path: Path, name: str) -> None:
    umask = os.umask(0o022)
    os.umask(umask)
    done = _run("find", "-q", "--out", str(tmp_path / name))
    assert done.returncode == 0
    assert (tmp_path / name).stat().st_mode & 0o777 == 0o666 & ~umask
    assert [p.name for p in tmp_path.iterdir()] == [name]  # no temporary file left beside it
