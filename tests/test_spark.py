"""The Spark engine gives the local engine's answers: same relations, scores, edits and families.

Runs Spark in local mode (pyspark comes with the test extras; Java 17 or newer must be on the
machine, which `.ci/run` makes sure of).
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.corpus import BigramSampler, generate  # noqa: E402
from textversions import find_versions  # noqa: E402
from textversions.errors import DuplicateId, InvalidInput  # noqa: E402
from textversions.spark import _components, find_versions_spark, relation_row, spark_session  # noqa: E402

from conftest import PAGE, WEB, require_java  # noqa: E402


@pytest.fixture(scope="module")
def spark():  # type: ignore[no-untyped-def]
    require_java()
    session = spark_session("local[2]", app_name="textversions-tests")
    session.conf.set("spark.sql.shuffle.partitions", "4")
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _both_engines(spark, docs: list[tuple[str, str]], partitions: int = 2) -> tuple[list, list, list, list]:  # type: ignore[no-untyped-def]
    local = find_versions(docs, workers=2)
    frame = spark.createDataFrame(docs, "id string, text string").coalesce(partitions)
    found = find_versions_spark(frame)
    spark_relations = [row.asDict(recursive=True) for row in found.relations.collect()]
    spark_families = [(row.id, row.family) for row in found.families.collect()]
    local_relations = [relation_row(r.a, r.b, r.comparison) for r in local.relations]
    first = {doc_id: family[0] for family in local.families for doc_id in family}
    local_families = [(doc_id, first[doc_id]) for doc_id in local.ids]
    return spark_relations, local_relations, spark_families, local_families


def test_seed_corpus_same_answers_on_both_engines(spark, seeds):  # type: ignore[no-untyped-def]
    spark_relations, local_relations, spark_families, local_families = _both_engines(spark, list(seeds.items()))
    assert spark_relations == local_relations
    assert spark_families == local_families
    page_holds_web = [r for r in spark_relations if (r["a"], r["b"]) == (PAGE, WEB)]
    assert page_holds_web and page_holds_web[0]["kind"] == "contains"
    assert dict(spark_families)[WEB] == PAGE


def test_english_wire_stories_same_answers_on_both_engines(spark):  # type: ignore[no-untyped-def]
    """Reuters-21578: word shingles, figure and name keys and the English template rules, on both engines; American
    Aircraft's purchase told twice meets its first by the names both write."""
    with gzip.open(Path(__file__).resolve().parents[1] / "benchmarks" / "realdata" / "english.jsonl.gz", "rt") as lines:
        rows = [json.loads(line) for line in lines]
    docs = [(row["id"], row["text"]) for row in rows[:400] + [r for r in rows if r["id"] in ("reuters-1238", "reuters-1276")]]
    spark_relations, local_relations, spark_families, local_families = _both_engines(spark, docs)
    assert spark_relations == local_relations and spark_families == local_families
    assert any((r["a"], r["b"], r["kind"]) == ("reuters-1238", "reuters-1276", "version") for r in spark_relations)


def _template_pile(count: int) -> list[tuple[str, str]]:
    """Documents sharing one template, a story reprinted many times, and one real revision."""
    sampler = BigramSampler()
    rng = np.random.default_rng(5)
    head = "【本报讯】" + sampler.sample(1, 250, rng)[0]
    tail = sampler.sample(1, 150, rng)[0] + "（责任编辑：张三 来源：新华社）"
    bodies = sampler.sample(count, 400, rng)
    docs = [(f"t{n}", f"{head}\n\n{body}\n\n{tail}") for n, body in enumerate(bodies)]
    story = sampler.sample(1, 1500, rng)[0]
    docs += [(f"reprint{n}", story if n % 2 else story.replace("，", ",")) for n in range(30)]
    docs.append(("t0-revised", f"{head}\n\n{bodies[0][:200]}新增的一句话。{bodies[0][200:]}\n\n{tail}"))
    return docs


def test_thousands_of_documents_same_answers_on_both_engines(spark):  # type: ignore[no-untyped-def]
    docs = generate(2500, seed=11).docs + _template_pile(300)
    spark_relations, local_relations, spark_families, local_families = _both_engines(spark, docs, partitions=3)
    assert len(local_relations) > 250  # planted versions, pages and the reprint chain are all there
    assert {r["kind"] for r in local_relations} >= {"version", "contains", "duplicate"}
    assert spark_relations == local_relations
    assert spark_families == local_families
    families = {}
    for doc_id, family in spark_families:
        families.setdefault(family, []).append(doc_id)
    assert families["reprint0"] == [f"reprint{n}" for n in range(30)]
    assert families["t0"] == ["t0", "t0-revised"]


def test_keys_travel_in_a_few_rows_per_batch(spark, seeds):  # type: ignore[no-untyped-def]
    from textversions.spark import shuffle_rows

    frame = spark.createDataFrame(list(seeds.items()), "id string, text string").coalesce(2)
    documents, keys, rows = shuffle_rows(frame)
    assert documents == len(seeds) and keys > 20 * documents
    assert 1 <= rows <= 2 * 2  # two batches, two key-space partitions (local[2]): a row each, not a row a key


def test_many_key_space_partitions_same_answers(spark, monkeypatch):  # type: ignore[no-untyped-def]
    """Partitions of 4,096 words instead of 8 million: the keys of 900 documents spread over 128 key-space
    partitions and their pair codes over as many, reprints chained across them — still the local answers."""
    import textversions.spark as engine

    monkeypatch.setattr(engine, "_PART_WORDS", 1 << 12)
    docs = generate(600, seed=3).docs + _template_pile(260)
    assert engine._partition_bits(len(docs) * 500, 2) >= 7
    spark_relations, local_relations, spark_families, local_families = _both_engines(spark, docs, partitions=3)
    assert len(local_relations) > 60 and spark_relations == local_relations
    assert spark_families == local_families


def test_connected_components_of_a_long_chain_and_a_star(spark):  # type: ignore[no-untyped-def]
    chain = [(n, n + 1) for n in range(0, 300)]  # one family of 301, 300 links long
    star = [(1000, n) for n in range(1001, 1050)]
    shuffled = [(v, u) if n % 3 == 0 else (u, v) for n, (u, v) in enumerate(chain + star)]
    edges = spark.createDataFrame([(min(e), max(e)) for e in shuffled], "u long, v long")
    roots = dict(_components(edges).collect())
    assert roots == {**{n: 0 for n in range(1, 301)}, **{n: 1000 for n in range(1001, 1050)}}


def test_bad_input_is_a_clear_error(spark):  # type: ignore[no-untyped-def]
    with pytest.raises(DuplicateId, match="'a' appears 2 times"):
        find_versions_spark(spark.createDataFrame([("a", "x"), ("a", "y")], "id string, text string"))
    with pytest.raises(InvalidInput, match="null id or text: 'b'"):
        find_versions_spark(spark.createDataFrame([("a", "x"), ("b", None)], "id string, text string"))
    with pytest.raises(InvalidInput, match="no column 'body'"):
        find_versions_spark(spark.createDataFrame([("a", "x")], "id string, text string"), text_field="body")
    with pytest.raises(InvalidInput, match="must hold strings"):
        find_versions_spark(spark.createDataFrame([("a", 1)], "id string, text long"))
    with pytest.raises(InvalidInput, match="threshold"):
        find_versions_spark(spark.createDataFrame([("a", "x")], "id string, text string"), threshold=1.5)


def test_integer_ids_become_strings_and_every_document_has_a_family(spark):  # type: ignore[no-untyped-def]
    text = "越是风急浪骤，越需中流砥柱。关键时刻，生死关头，党组织就是主心骨。" * 3
    frame = spark.createDataFrame([(7, text), (8, text.replace("，", ",")), (9, "")], "id long, text string")
    found = find_versions_spark(frame)
    assert [(row.a, row.b, row.kind) for row in found.relations.collect()] == [("7", "8", "duplicate")]
    assert [tuple(row) for row in found.families.collect()] == [("7", "7"), ("8", "7"), ("9", "9")]


def test_cli_spark_engine_writes_parquet_with_the_local_answers(tmp_path, seeds):  # type: ignore[no-untyped-def]
    require_java()
    table = tmp_path / "docs.parquet"
    pq.write_table(pa.table({"url": list(seeds), "body": list(seeds.values())}), table)
    out = tmp_path / "found"
    done = subprocess.run(
        [str(Path(sys.executable).with_name("textversions")), "find", str(table), "--engine", "spark", "--master", "local[2]",
         "--id-field", "url", "--text-field", "body", "--out", str(out), "--spark-conf", "spark.sql.shuffle.partitions=3"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert "5 documents, 4 families, 3 relations" in done.stderr
    relations = pq.read_table(out / "relations.parquet").to_pylist()
    local = find_versions(seeds)
    assert relations == [relation_row(r.a, r.b, r.comparison) for r in local.relations]
    families = pq.read_table(out / "families.parquet").to_pylist()
    assert sorted(row["id"] for row in families) == sorted(seeds)


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--format", "html", "--out", "x"], "writes Parquet folders"),
        (["--skip-unreadable", "--out", "x"], "local-only"),
        ([], "needs --out"),
        (["--out", "x", "--spark-conf", "no-equals-sign"], "expected KEY=VALUE"),
    ],
)
def test_cli_spark_engine_usage_errors(arguments, message):  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from textversions.cli import main

    result = CliRunner().invoke(main, ["find", "--engine", "spark", *arguments])
    assert result.exit_code == 2 and message in result.output


def test_an_archive_judged_on_spark_equals_one_judged_locally(spark, tmp_path, seeds):  # type: ignore[no-untyped-def]
    from textversions import Archive
    from textversions.spark import archive_documents, relations_from_rows

    docs = list(seeds.items()) + generate(300, seed=4).docs
    with Archive(tmp_path / "bulk.db") as archive:
        archive.add(docs[:150], judge=False)
        archive.add(docs[150:], judge=False)
        assert archive.pending > 20 and not archive.relations()
        found = find_versions_spark(archive_documents(spark, archive, tmp_path / "documents.parquet"))
        relations = relations_from_rows(found.relations.collect())
        stranger = relations[0].__class__("nobody", relations[0].b, "version", relations[0].comparison)
        with pytest.raises(InvalidInput, match="no document 'nobody'"):
            archive.store_relations([*relations, stranger])
        assert archive.pending > 20  # refused whole
        archive.store_relations(relations)
        assert archive.pending == 0
        assert archive.result().to_dict() == find_versions(docs).to_dict()
