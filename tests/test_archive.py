"""The living archive: batches equal one run, removal and expiry leave nothing behind, SQLite's promises kept."""

from __future__ import annotations

import datetime
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.corpus import BigramSampler, generate  # noqa: E402
from textversions import Archive, DuplicateId, InvalidArchive, InvalidInput, Options, find_versions  # noqa: E402
from textversions.candidates import MAX_BUCKET, Buckets, candidate_pairs  # noqa: E402
from textversions.cli import main  # noqa: E402
from textversions.sketch import sketch_keys  # noqa: E402

from textversions.io import seed_corpus  # noqa: E402
from textversions.runs import KeyRuns  # noqa: E402
from conftest import PAGE, WEB  # noqa: E402


def seeds() -> dict[str, str]:
    return dict(seed_corpus())


def same_as_one_run(archive: Archive, docs: list[tuple[str, str]]) -> None:
    """The archive's relations, families and documents are those of one find_versions over ``docs``."""
    expected = find_versions(docs).to_dict()
    found = archive.result().to_dict()
    assert found["documents"] == expected["documents"]
    assert found["families"] == expected["families"]
    assert [(r["a"], r["b"], r["kind"]) for r in found["relations"]] == [(r["a"], r["b"], r["kind"]) for r in expected["relations"]]
    assert found["relations"] == expected["relations"]


def no_orphans(path: Path) -> None:
    """No key rows or pairs of a document the archive does not hold; every document's keys all kept, by SQL and
    by the key runs read whole."""
    db = sqlite3.connect(path)
    keys, owners = KeyRuns(db).rows()
    texts = dict(db.execute("SELECT number, text FROM documents"))
    orphan_pairs = db.execute(
        "SELECT count(*) FROM pairs WHERE low NOT IN (SELECT number FROM documents) OR high NOT IN (SELECT number FROM documents)"
    ).fetchone()[0]
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()
    assert orphan_pairs == 0
    held = sorted(zip(keys.tolist(), owners.tolist()))
    expected = sorted((key, number) for number, text in texts.items() for key in set(sketch_keys(text).view(np.int64).tolist()))
    assert held == expected


def test_seeds_added_one_by_one_equal_one_run(tmp_path):
    docs = list(seeds().items())
    with Archive(tmp_path / "seeds.db") as archive:
        found = [archive.add([doc]) for doc in docs]
        same_as_one_run(archive, docs)
        # Each batch reports the relations it made: the page and the web article meet when the later arrives.
        later = max(WEB, PAGE, key=[doc_id for doc_id, _ in docs].index)
        batch = found[[doc_id for doc_id, _ in docs].index(later)]
        assert {(r.a, r.b, r.kind) for r in batch.relations} >= {(PAGE, WEB, "contains")}
        assert archive.families() == find_versions(docs).families


def test_generated_corpus_in_five_batches_equals_one_run(tmp_path):
    docs = generate(2000, seed=3).docs
    with Archive(tmp_path / "generated.db") as archive:
        counts = []
        for start in range(0, 2000, 400):
            batch = {doc_id for doc_id, _ in docs[start : start + 400]}
            found = archive.add(docs[start : start + 400])
            assert all(batch & {r.a, r.b} for r in found.relations)  # the new documents' relations only
            counts.append(len(found.relations))
        assert sum(counts) == len(find_versions(docs).relations) > 100  # each relation reported once, when it is made
        same_as_one_run(archive, docs)


def template_corpus() -> list[tuple[str, str]]:
    """Template notices (big buckets, common text), one story reprinted 30 times (chains), a revision."""
    sampler = BigramSampler()
    rng = np.random.default_rng(7)
    head = "【本报讯】" + sampler.sample(1, 200, rng)[0]
    tail = sampler.sample(1, 120, rng)[0] + "（责任编辑：张三 来源：新华社）"
    bodies = sampler.sample(60, 300, rng)
    docs = [(f"t{n}", f"{head}\n\n{body}\n\n{tail}") for n, body in enumerate(bodies)]
    story = sampler.sample(1, 1200, rng)[0]
    docs += [(f"reprint{n}", story if n % 2 else story.replace("，", ",")) for n in range(30)]
    docs.append(("t0-revised", f"{head}\n\n{bodies[0][:150]}新增的一句话。{bodies[0][150:]}\n\n{tail}"))
    docs += [(f"other{n}", text) for n, text in enumerate(sampler.sample(40, 500, rng))]
    order = np.random.default_rng(1).permutation(len(docs))
    return [docs[i] for i in order]


def test_big_buckets_and_reprint_chains_in_batches_equal_one_run(tmp_path):
    docs = template_corpus()
    keys = [sketch_keys(text) for _, text in docs]
    sizes = np.unique(np.concatenate(keys), return_counts=True)[1]
    assert sizes.max() > MAX_BUCKET  # the corpus has big buckets to cross, and the chains below
    assert len(candidate_pairs(Buckets.of(keys), Options())) > 0
    with Archive(tmp_path / "templates.db") as archive:
        for start, end in ((0, 7), (7, 40), (40, 41), (41, 100), (100, len(docs))):
            archive.add(docs[start:end])
            same_as_one_run(archive, docs[:end])
            if end == 41:
                archive.compact()
        assert {"reprint0", "reprint29"} <= set(next(f for f in archive.families() if "reprint0" in f))


def test_remove_and_expire_equal_one_run_over_what_stays(tmp_path):
    docs = template_corpus()
    dates = {doc_id: (datetime.date(2020, 1, 1) + datetime.timedelta(days=n % 10)).isoformat() for n, (doc_id, _) in enumerate(docs)}
    path = tmp_path / "churn.db"
    with Archive(path) as archive:
        archive.add(docs, dates=dates)
        gone = {docs[n][0] for n in range(0, len(docs), 3)} | {"reprint3", "reprint4", "t0"}
        assert archive.remove(sorted(gone)) == len(gone)
        staying = [doc for doc in docs if doc[0] not in gone]
        same_as_one_run(archive, staying)
        no_orphans(path)
        assert archive.expire(before="2020-01-05") == sum(dates[doc_id] < "2020-01-05" for doc_id, _ in staying)
        staying = [doc for doc in staying if dates[doc[0]] >= "2020-01-05"]
        same_as_one_run(archive, staying)
        no_orphans(path)
        kept = next(doc_id for doc_id, _ in staying)
        with pytest.raises(InvalidInput, match="no document 'nobody'"):
            archive.remove([kept, "nobody"])
        assert kept in archive  # all or nothing


def test_date_window_compares_only_documents_near_in_time(tmp_path):
    text = seeds()[WEB]
    edited = text.replace("1.1万", "11万")
    with Archive(tmp_path / "window.db", window_days=3) as archive:
        archive.add({"web": text}, dates={"web": "2020-02-03"})
        assert not archive.add({"late": edited}, dates={"late": "2020-02-07"}).relations  # 4 days apart
        nearby = archive.add({"next": edited}, dates={"next": "2020-02-06"}).relations  # 3 days from web, 1 from late
        assert sorted(r.a for r in nearby) == ["late", "web"]
        assert [r.b for r in archive.query(edited, date="2020-01-31")] == ["(query)"]  # web is 3 days away
        assert archive.query(edited, date="2020-01-30") == []
        assert len(archive) == 3  # queries add nothing
    with pytest.raises(InvalidInput, match="documents within 3 days, not within 5"):
        Archive(tmp_path / "window.db", window_days=5)
    with Archive(tmp_path / "window.db") as archive:  # reopened: the window is the archive's
        assert archive.window_days == 3


def test_dates_are_checked_and_undated_documents_get_the_day_they_are_added(tmp_path):
    with Archive(tmp_path / "dates.db") as archive:
        with pytest.raises(InvalidInput, match="date of 'a'"):
            archive.add({"a": "今天天气晴朗。"}, dates={"a": "yesterday"})
        with pytest.raises(InvalidInput, match="'b', which is not among"):
            archive.add({"a": "今天天气晴朗。"}, dates={"b": "2020-01-01"})
        assert len(archive) == 0
        archive.add({"a": "今天天气晴朗。"})
        assert next(archive.documents())["date"] == datetime.date.today().isoformat()


def test_a_duplicate_id_leaves_the_archive_as_it_was(tmp_path):
    path = tmp_path / "dup.db"
    with Archive(path) as archive:
        archive.add(list(seeds().items())[:2])
        before = (archive.ids(), archive.result().to_json())
        with pytest.raises(DuplicateId):
            archive.add({"fresh": "新的一篇。", archive.ids()[0]: "重复。"})
        assert (archive.ids(), archive.result().to_json()) == before
    no_orphans(path)


def _execute(path: Path, statement: str) -> None:
    db = sqlite3.connect(path)
    db.execute(statement)
    db.commit()
    db.close()


def test_files_that_are_not_archives_are_refused(tmp_path):
    (tmp_path / "text.db").write_text("just some text, not a database" * 100)
    with pytest.raises(InvalidArchive, match="not a textversions archive"):
        Archive(tmp_path / "text.db")
    _execute(tmp_path / "other.db", "CREATE TABLE things(x)")
    with pytest.raises(InvalidArchive, match="not a textversions archive"):
        Archive(tmp_path / "other.db")
    Archive(tmp_path / "newer.db").close()
    _execute(tmp_path / "newer.db", "UPDATE meta SET value = '99' WHERE name = 'schema_version'")
    with pytest.raises(InvalidArchive, match="schema version 99"):
        Archive(tmp_path / "newer.db")
    with pytest.raises(InvalidArchive, match="no such archive"):
        Archive(tmp_path / "missing.db", create=False)
    assert not (tmp_path / "missing.db").exists()
    Archive(tmp_path / "fresh.db").close()
    with pytest.raises(InvalidInput, match="other options"):
        Archive(tmp_path / "fresh.db", shingle=4)


_WRITER = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {root!r})
    from benchmarks.corpus import generate
    from textversions import Archive
    docs = generate(1500, seed=5).docs
    with Archive({path!r}) as archive:
        print("adding", flush=True)
        archive.add(docs)
    print("added", flush=True)
    """
)


def _writer(path: Path) -> subprocess.Popen[str]:
    code = _WRITER.format(root=str(Path(__file__).resolve().parents[1]), path=str(path))
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)


def test_a_process_killed_during_add_leaves_the_archive_as_it_was(tmp_path):
    path = tmp_path / "killed.db"
    with Archive(path) as archive:
        archive.add(list(seeds().items()))
        before = archive.result().to_json()
    writer = _writer(path)
    assert writer.stdout is not None and writer.stdout.readline().strip() == "adding"
    time.sleep(1.5)  # inside the transaction: sketching done, rows going in, pairs being judged
    assert writer.poll() is None, "the add finished before it could be killed"
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    with Archive(path) as archive:
        assert archive.result().to_json() == before
        assert len(archive) == 5
    no_orphans(path)


def test_readers_see_a_consistent_archive_while_another_process_writes(tmp_path):
    path = tmp_path / "busy.db"
    with Archive(path) as archive:
        archive.add(list(seeds().items()))
    writer = _writer(path)
    assert writer.stdout is not None and writer.stdout.readline().strip() == "adding"
    seen = set()
    with Archive(path) as reader:
        while writer.poll() is None:
            result = reader.result()
            seen.add(len(result.ids))
            assert {r.a for r in result.relations} | {r.b for r in result.relations} <= set(result.ids)
            time.sleep(0.05)
        seen.add(len(reader.result().ids))
    assert writer.returncode == 0
    assert seen == {5, 1505}  # before, then after: never half a batch


def test_query_export_and_relations_since(tmp_path):
    docs = seeds()
    with Archive(tmp_path / "export.db") as archive:
        archive.add({doc_id: text for doc_id, text in docs.items() if doc_id != WEB}, dates=dict.fromkeys(set(docs) - {WEB}, "2020-02-01"))
        kinds = {(r.a, r.b, r.kind) for r in archive.query(docs[WEB])}
        assert (PAGE, "(query)", "contains") in kinds
        archive.add({WEB: docs[WEB]}, dates={WEB: "2020-02-03"})
        recent = archive.relations(since="2020-02-02")
        assert recent and all(WEB in (r.a, r.b) for r in recent)
        assert len(archive.relations()) > len(recent)
        archive.export(tmp_path / "all.json")
        archive.export(tmp_path / "all.jsonl")
        archive.export(tmp_path / "all.parquet")
        with pytest.raises(InvalidInput, match="cannot export"):
            archive.export(tmp_path / "all.pdf")
    assert json.loads((tmp_path / "all.json").read_text("utf-8")) == find_versions(
        [(doc_id, text) for doc_id, text in docs.items() if doc_id != WEB] + [(WEB, docs[WEB])]
    ).to_dict()
    assert sorted(p.name for p in (tmp_path / "all.parquet").iterdir()) == ["documents.parquet", "edits.parquet", "relations.parquet"]


def test_cli_archive_commands(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    docs = seeds()
    for doc_id, text in docs.items():
        if doc_id != WEB:
            (folder / f"{doc_id}.txt").write_text(text, "utf-8")
    records = tmp_path / "today.jsonl"
    records.write_text(json.dumps({"id": WEB, "text": docs[WEB], "day": "2020-02-03"}, ensure_ascii=False) + "\n", "utf-8")
    db = tmp_path / "news.db"
    runner = CliRunner()
    added = runner.invoke(main, ["archive", "add", str(db), str(folder)])
    assert added.exit_code == 0, added.output
    assert "4 documents added" in added.output
    windowed = runner.invoke(main, ["archive", "add", str(db), str(records), "--window-days", "3"])
    assert windowed.exit_code == 1 and "every document with every other, not within 3 days" in windowed.output
    added = runner.invoke(main, ["archive", "add", str(db), str(records), "--date-field", "day"])
    assert added.exit_code == 0, added.output
    assert "1 document added" in added.output and "contains" in added.output and WEB in added.output
    query = tmp_path / "q.txt"
    query.write_text(docs[WEB], "utf-8")
    asked = runner.invoke(main, ["archive", "query", str(db), str(query)])
    assert asked.exit_code == 0 and "duplicate" in asked.output, asked.output
    report = runner.invoke(main, ["archive", "report", str(db), "--since", "2020-02-03", "--out", str(tmp_path / "r.html")])
    assert report.exit_code == 0, report.output
    assert WEB in (tmp_path / "r.html").read_text("utf-8")
    removed = runner.invoke(main, ["archive", "remove", str(db), WEB])
    assert removed.exit_code == 0 and "1 document removed" in removed.output
    compacted = runner.invoke(main, ["archive", "compact", str(db)])
    assert compacted.exit_code == 0 and "key run" in compacted.output, compacted.output
    expired = runner.invoke(main, ["archive", "expire", str(db), "--before", "2999-01-01"])
    assert expired.exit_code == 0 and "4 documents removed" in expired.output
    many = tmp_path / "many.jsonl"
    many.write_text("".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in generate(600, seed=2).docs), "utf-8")
    busy = runner.invoke(main, ["archive", "add", str(tmp_path / "busy.db"), str(many)])
    assert busy.exit_code == 0 and "65 relation(s) found" in busy.output, busy.output
    listed = [line for line in busy.output.splitlines() if line.startswith("  ") and "→" in line]
    assert len(listed) == 40 and "… and 25 more (--out FILE writes them all)" in busy.output
    bad = runner.invoke(main, ["archive", "add", str(records), str(folder)])
    assert bad.exit_code == 1 and "not a textversions archive" in bad.output and "Traceback" not in bad.output


def test_an_archive_made_before_word_window_windows_word_shingles_as_it_did(tmp_path):
    archive = Archive(tmp_path / "old.db", window=80)
    options = archive.options.to_dict()
    archive.close()
    del options["word_window"]
    _execute(tmp_path / "old.db", f"UPDATE meta SET value = '{json.dumps(options)}' WHERE name = 'options'")
    reopened = Archive(tmp_path / "old.db")
    assert reopened.options.word_window == reopened.options.window == 80
    reopened.close()
    _execute(tmp_path / "old.db", "UPDATE meta SET value = '[1, 2]' WHERE name = 'options'")
    with pytest.raises(InvalidArchive, match="damaged archive"):
        Archive(tmp_path / "old.db")


@pytest.mark.parametrize("option", ["fold_punctuation", "figures", "names", "headings"])
def test_an_archive_made_before_an_option_keeps_its_keys_as_they_were(tmp_path, option):
    archive = Archive(tmp_path / "old.db", **{option: False})
    options = archive.options.to_dict()
    archive.close()
    del options[option]
    _execute(tmp_path / "old.db", f"UPDATE meta SET value = '{json.dumps(options)}' WHERE name = 'options'")
    with Archive(tmp_path / "old.db") as reopened:
        assert getattr(reopened.options, option) is False


def test_an_archive_made_before_the_facts_index_gets_it_at_its_next_add(tmp_path):
    docs = list(seeds().items())
    with Archive(tmp_path / "old.db") as archive:
        archive.add(docs[:3])
    _execute(tmp_path / "old.db", "DROP INDEX documents_facts")
    with Archive(tmp_path / "old.db") as archive:
        archive.add(docs[3:])
        same_as_one_run(archive, docs)
    db = sqlite3.connect(tmp_path / "old.db")
    db.execute("CREATE TEMP TABLE chosen(number INTEGER PRIMARY KEY)")
    plan = " ".join(row[-1] for row in db.execute(  # the query Archive._facts makes
        "EXPLAIN QUERY PLAN SELECT d.number, d.key_count, d.in_big, d.date FROM temp.chosen c JOIN documents d ON d.number = c.number"))  # fmt: skip
    db.close()
    assert "COVERING INDEX documents_facts" in plan
