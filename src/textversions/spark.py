"""find_versions on Apache Spark: the same answers as on one machine, on as many as the cluster has.

Each stage of :func:`~textversions.find_versions` becomes a Spark step, and the
per-document and per-pair work runs in the partitions with the very functions
the local engine uses:

* **positions**: every document gets its input position (0, 1, 2, …), from
  ``monotonically_increasing_id`` and per-partition counts — no collect, no
  single partition. Positions order the output and orient pairs, as the
  input order does locally.
* **sketch**: :func:`~textversions.index.sketch_keys` in ``mapInArrow``, one
  row per (document, LSH bucket).
* **candidates**: the banding rules of :func:`~textversions.index.bucket_pairs`
  as group-bys and joins: small buckets pair all members, big buckets (template
  text) chain only documents made mostly of shared text, and a pair needs the
  shared buckets :func:`~textversions.candidates.needed_buckets` asks.
* **verify and align**: the pair's two texts joined in, then
  :func:`~textversions.find.relate` in ``mapInArrow``; the corpus-common
  shingles (measured on the same sample as locally, the first documents) travel with
  the task.
* **families**: connected components by the large-star / small-star joins of
  Kiveris et al. (2014), O(log² n) rounds whatever the shape of the graph.

The result is two DataFrames: ``relations`` (ids, kind, scores, regions,
passages and typed edits as Arrow-friendly columns; an edit's ``detail`` is a
JSON string, since its fields depend on its kind) and ``families`` (every input
id with the id of its family's first document).

Needs ``pip install 'textversions[spark]'`` and Java 17 or newer. Example::

    from pyspark.sql import SparkSession
    from textversions.spark import find_versions_spark

    spark = SparkSession.builder.master("local[*]").getOrCreate()
    docs = spark.read.parquet("articles.parquet")
    found = find_versions_spark(docs, id_field="url", text_field="body")
    found.relations.write.parquet("relations.parquet")
    found.families.write.parquet("families.parquet")
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from os import PathLike
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any, Unpack

import numpy as np

from .candidates import MAX_BUCKET, MIN_SHARED_BUCKETS, ONE_WINDOW_KEYS, ONE_WINDOW_SHARED, SATURATED
from .common import common_sample, common_shingles
from .compare import Comparison, Scores, verify
from .errors import DuplicateId, InvalidInput
from .families import JOINING
from .find import Relation
from .io import TEXT_SUFFIXES
from .options import OptionKeywords, Options
from .shingle import Prepared, ShingleSet, prepare
from .sketch import lsh_params, sketch_keys

if TYPE_CHECKING:
    import pyarrow as pa

    from .archive import Archive
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql.types import StructType

__all__ = [
    "find_versions_spark",
    "SparkVersions",
    "spark_session",
    "read_documents",
    "relation_row",
    "relations_from_rows",
    "archive_documents",
    "RELATIONS_SCHEMA",
    "FAMILIES_SCHEMA",
]

RELATIONS_SCHEMA = (
    "a string, b string, kind string, "
    "jaccard double, containment_a double, containment_b double, "
    "coverage_a double, coverage_b double, similarity double, subject_change double, names_apart boolean, "
    "dates_apart boolean, "
    "a_length long, b_length long, a_region array<long>, b_region array<long>, approximate boolean, "
    "passages array<struct<a_start: long, a_end: long, b_start: long, b_end: long, length: long>>, "
    "edits array<struct<kind: string, cosmetic: boolean, a_start: long, a_end: long, "
    "b_start: long, b_end: long, a_text: string, b_text: string, detail: string>>"
)
"""Columns of :attr:`SparkVersions.relations` (a Spark DDL string)."""

FAMILIES_SCHEMA = "id string, family string"
"""Columns of :attr:`SparkVersions.families`: each document and its family's first document."""

_PAIR_SCHEMA = "low long, high long, " + RELATIONS_SCHEMA
_POSITION_BITS = 33  # monotonically_increasing_id: partition number above bit 33, row number below


@dataclass(frozen=True)
class SparkVersions:
    """What :func:`find_versions_spark` found: two Spark DataFrames.

    ``relations`` follows :data:`RELATIONS_SCHEMA`, ordered as the local
    engine orders them; ``families`` has one row per input document, in input
    order.
    """

    relations: DataFrame
    families: DataFrame


LOCAL_DRIVER_MEMORY = "4g"
"""Heap of the one JVM that runs everything in local mode (Spark's own default, 1g, is too small for 20k documents)."""


def spark_session(
    master: str = "local[*]", app_name: str = "textversions", config: Mapping[str, str] | None = None
) -> SparkSession:
    """A Spark session (or the running one) whose Python workers run this interpreter, so they import textversions.

    ``config`` is passed to the builder (``{"spark.sql.shuffle.partitions": "2000"}``);
    in local mode ``spark.driver.memory`` defaults to :data:`LOCAL_DRIVER_MEMORY`.
    Sets ``PYSPARK_PYTHON`` to this interpreter unless it is set already; on a
    cluster, textversions must be installed on the executors (see the README).
    """
    import os
    import sys

    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    settings = {"spark.sql.execution.arrow.pyspark.enabled": "true", "spark.ui.showConsoleProgress": "false"}
    if master.startswith("local"):
        settings["spark.driver.memory"] = LOCAL_DRIVER_MEMORY
    settings.update(config or {})
    builder = SparkSession.builder.master(master).appName(app_name)
    for key, value in settings.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def read_documents(spark: SparkSession, paths: list[str]) -> DataFrame:
    """One DataFrame of the tables at ``paths`` (files, folders or URIs such as ``hdfs://…``).

    ``.jsonl``/``.ndjson`` is read as JSON lines, ``.csv`` as CSV with a header,
    anything else as Parquet (a file or a folder of them). Columns are kept as
    they are; :func:`find_versions_spark` picks the id and text columns.
    """
    from functools import reduce

    if not paths:
        raise InvalidInput("no input tables given")
    frames = []
    for path in paths:
        suffix = PurePosixPath(path.rstrip("/")).suffix.lower()
        if suffix in (".jsonl", ".ndjson"):
            frames.append(spark.read.json(path))
        elif suffix == ".csv":
            frames.append(spark.read.option("header", True).option("multiLine", True).option("escape", '"').csv(path))
        elif suffix in TEXT_SUFFIXES:
            raise InvalidInput(f"{path}: the spark engine reads tables (Parquet, JSONL, CSV); text files: --engine local")
        else:
            frames.append(spark.read.parquet(path))
    return reduce(lambda left, right: left.unionByName(right, allowMissingColumns=True), frames)


def find_versions_spark(
    df: DataFrame,
    *,
    id_field: str = "id",
    text_field: str = "text",
    options: Options | None = None,
    **keywords: Unpack[OptionKeywords],
) -> SparkVersions:
    """:func:`~textversions.find_versions` over a Spark DataFrame of documents.

    ``df`` has an id column ``id_field`` (strings, or integers that become
    strings; unique, never null) and a text column ``text_field`` (strings, never
    null). Options (an :class:`~textversions.options.Options`, or its fields as
    keywords) and answers are those of the local engine: the same relations,
    scores, edits and families.
    """
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    options = Options.of(options, **keywords)
    docs = _positioned(_checked_documents(df, id_field, text_field))
    count = docs.count()
    bits = max(1, count).bit_length()
    sketches = (
        docs.select("position", "text")
        .mapInArrow(_sketcher(options, bits), "position long, keys long, buckets array<long>")
        .persist(StorageLevel.MEMORY_AND_DISK)
    )
    pairs = _candidate_pairs(sketches, lsh_params(options.threshold, options.num_perm)[0])
    common = _common_shingles(docs, count, options)
    texts = docs.select("position", "id", "text")
    tasks = (
        pairs.join(texts.select(F.col("position").alias("low"), F.col("id").alias("low_id"), F.col("text").alias("low_text")), "low")
        .join(
            texts.select(F.col("position").alias("high"), F.col("id").alias("high_id"), F.col("text").alias("high_text")),
            "high",
        )
        .select("low", "high", "low_id", "high_id", "low_text", "high_text")
    )
    found = tasks.mapInArrow(_relater(options, common), _pair_schema())
    found = found.localCheckpoint()
    sketches.unpersist()
    relations = found.orderBy("low", "high").drop("low", "high")
    families = _families(docs, found)
    docs.unpersist()
    return SparkVersions(relations=relations, families=families)


def _checked_documents(df: DataFrame, id_field: str, text_field: str) -> DataFrame:
    """``(id, text)`` columns, or an error naming what is wrong: a missing or mistyped column, a null, a duplicate id."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    fields = {field.name: field.dataType for field in df.schema.fields}
    for column in (id_field, text_field):
        if column not in fields:
            raise InvalidInput(f"no column {column!r} (columns: {', '.join(fields) or 'none'})")
    if not isinstance(fields[id_field], (T.StringType, T.IntegralType)):
        raise InvalidInput(f"id column {id_field!r} must hold strings or integers, not {fields[id_field].simpleString()}")
    if not isinstance(fields[text_field], T.StringType):
        raise InvalidInput(f"text column {text_field!r} must hold strings, not {fields[text_field].simpleString()}")
    docs = df.select(F.col(id_field).cast("string").alias("id"), F.col(text_field).alias("text"))
    nulls = docs.filter(F.col("id").isNull() | F.col("text").isNull()).select("id").limit(3).collect()
    if nulls:
        named = ", ".join("(null id)" if row.id is None else repr(row.id) for row in nulls)
        raise InvalidInput(f"documents with a null id or text: {named}")
    repeated = docs.groupBy("id").count().filter("count > 1").limit(1).collect()
    if repeated:
        raise DuplicateId(f"document id {repeated[0]['id']!r} appears {repeated[0]['count']} times")
    return docs


def _positioned(docs: DataFrame) -> DataFrame:
    """``docs`` with each row's input position, 0 to n − 1, cached for the stages that follow."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    tagged = docs.withColumn("tag", F.monotonically_increasing_id()).persist(StorageLevel.MEMORY_AND_DISK)
    partition = F.shiftright("tag", _POSITION_BITS)
    sizes = sorted(tagged.groupBy(partition.alias("partition")).count().collect())
    offsets, total = [], 0
    for row in sizes:
        offsets.append((row["partition"], total))
        total += row["count"]
    spark = tagged.sparkSession
    offset_table = spark.createDataFrame(offsets or [(0, 0)], "partition long, offset long")
    positioned = (
        tagged.withColumn("partition", partition)
        .join(F.broadcast(offset_table), "partition")
        .select((F.col("offset") + (F.col("tag").bitwiseAND((1 << _POSITION_BITS) - 1))).alias("position"), "id", "text")
        .persist(StorageLevel.MEMORY_AND_DISK)
    )
    positioned.count()
    tagged.unpersist()
    return positioned


def _sketcher(options: Options, bits: int) -> Any:
    """The sketch step for ``mapInArrow``: each document's LSH buckets, truncated as :class:`~textversions.candidates.Buckets` does."""

    def sketch(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        import pyarrow as pa

        for batch in batches:
            keys = [sketch_keys(text, options) for text in batch.column("text").to_pylist()]
            buckets = [np.unique(doc_keys >> np.uint64(bits)).astype(np.int64) for doc_keys in keys]
            offsets = np.zeros(len(buckets) + 1, dtype=np.int32)
            np.cumsum([len(b) for b in buckets], out=offsets[1:])
            values = np.concatenate(buckets) if buckets else np.zeros(0, dtype=np.int64)
            yield pa.RecordBatch.from_arrays(
                [
                    batch.column("position"),
                    pa.array(np.array([len(k) for k in keys], dtype=np.int64)),
                    pa.ListArray.from_arrays(pa.array(offsets), pa.array(values)),
                ],
                names=["position", "keys", "buckets"],
            )

    return sketch


def _candidate_pairs(sketches: DataFrame, bands: int) -> DataFrame:
    """``(low, high)`` positions of candidate pairs: :func:`~textversions.candidates.candidate_pairs` as Spark steps
    (``bands``: of a window, by the options the keys were made with).

    The pairs are computed and cached before this returns; so are none of the intermediate tables.
    """
    from pyspark import StorageLevel
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    members = (
        sketches.select("position", F.explode("buckets").alias("bucket"))
        .groupBy("bucket")
        .agg(F.array_sort(F.collect_list("position")).alias("members"))
        .withColumn("size", F.size("members"))
        .filter("size > 1")
        .persist(StorageLevel.MEMORY_AND_DISK)
    )
    # Buckets of up to MAX_BUCKET documents pair every member with every later one.
    every_pair = F.expr(
        "flatten(transform(members, (low, i) -> transform(slice(members, i + 2, size), high -> struct(low, high))))"
    )
    all_pairs = members.filter(F.col("size") <= MAX_BUCKET).select(F.explode(every_pair).alias("pair")).select("pair.*")
    # Bigger buckets are text many share: they chain (member to next) only documents made mostly of such text.
    big = members.filter(F.col("size") > MAX_BUCKET).select("bucket", F.explode("members").alias("position"))
    in_big = big.groupBy("position").agg(F.count("*").alias("in_big"))
    saturated = (
        sketches.select("position", "keys")
        .join(in_big, "position")
        .filter(F.col("in_big") >= F.lit(SATURATED) * F.greatest(F.col("keys"), F.lit(1)))
        .select("position")
    )
    chained = (
        big.join(saturated, "position")
        .withColumn("next", F.lead("position").over(Window.partitionBy("bucket").orderBy("position")))
        .filter(F.col("next").isNotNull())
        .select(F.col("position").alias("low"), F.col("next").alias("high"))
    )
    shared = all_pairs.unionByName(chained).groupBy("low", "high").agg(F.count("*").alias("shared"))
    sizes = sketches.select("position", "keys")
    pairs = (
        shared.join(sizes.select(F.col("position").alias("low"), F.col("keys").alias("low_keys")), "low")
        .join(sizes.select(F.col("position").alias("high"), F.col("keys").alias("high_keys")), "high")
        .withColumn("smaller", F.least(F.col("low_keys"), F.col("high_keys")))
        .filter(
            F.col("shared")
            >= F.least(
                F.lit(MIN_SHARED_BUCKETS),
                F.col("smaller"),
                F.when(F.col("smaller") < ONE_WINDOW_KEYS * bands, F.lit(ONE_WINDOW_SHARED)).otherwise(F.lit(MIN_SHARED_BUCKETS)),
            )
        )
        .select("low", "high")
        .localCheckpoint()
    )
    members.unpersist()
    return pairs


def _common_shingles(docs: DataFrame, count: int, options: Options) -> np.ndarray:
    """:func:`~textversions.common.common_shingles` on the same sample the local engine takes."""
    from pyspark.sql import functions as F

    positions = common_sample(count)
    sample = (
        docs.filter(F.col("position") < positions.stop)
        .select("position", "text")
        .collect()
    )
    texts = [row["text"] for row in sorted(sample)]
    return common_shingles(texts, options)


def _relater(options: Options, common: np.ndarray) -> Any:
    """The verify-and-align step for ``mapInArrow``: one row per related pair."""
    from pyspark.sql.pandas.types import to_arrow_schema

    common_or_none = ShingleSet(common) if len(common) else None
    schema = to_arrow_schema(_pair_schema())

    def relate_batches(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        import pyarrow as pa

        for batch in batches:
            rows = []
            prepared: dict[int, Prepared] = {}  # each document of a batch prepared once
            for task in batch.to_pylist():
                for side in ("low", "high"):
                    if task[side] not in prepared:
                        prepared[task[side]] = prepare(task[f"{side}_text"], options)
                found = verify(prepared[task["low"]], prepared[task["high"]], options, common_or_none)
                if found is not None:
                    a, b = (task["high_id"], task["low_id"]) if found.swapped else (task["low_id"], task["high_id"])
                    rows.append({"low": task["low"], "high": task["high"], **relation_row(a, b, found.with_edits())})
            if rows:
                yield pa.RecordBatch.from_pylist(rows, schema=schema)

    return relate_batches


def relation_row(a: str, b: str, comparison: Comparison) -> dict[str, Any]:
    """One row of :data:`RELATIONS_SCHEMA` (also how tests put both engines side by side)."""
    return {
        "a": a,
        "b": b,
        "kind": comparison.relation,
        **comparison.scores.to_dict(),
        "a_length": comparison.a_length,
        "b_length": comparison.b_length,
        "a_region": list(comparison.a_region) if comparison.a_region else None,
        "b_region": list(comparison.b_region) if comparison.b_region else None,
        "approximate": comparison.approximate,
        "passages": [
            {"a_start": p.a_span[0], "a_end": p.a_span[1], "b_start": p.b_span[0], "b_end": p.b_span[1], "length": p.length}
            for p in comparison.passages
        ],
        "edits": comparison.edit_table().records(flat=True),
    }


def relations_from_rows(rows: Iterable[Any]) -> list[Relation]:
    """Relations from rows of :attr:`SparkVersions.relations` (Spark ``Row`` values or dicts), as the local
    engine gives them: what :meth:`~textversions.archive.Archive.store_relations` takes back.

    >>> from textversions import compare
    >>> row = relation_row("web", "print", compare("株洲1.1万余个基层党组织", "株洲11万余个基层党组织"))
    >>> relations_from_rows([row])[0].comparison.edits[0].kind
    'number'
    """
    out = []
    for row in rows:
        data = row.asDict(recursive=True) if hasattr(row, "asDict") else dict(row)
        scores = {name: data[name] for name in Scores.__dataclass_fields__}
        comparison = Comparison.from_dict({
            "relation": data["kind"], "scores": scores, "a_length": data["a_length"], "b_length": data["b_length"],
            "a_region": data["a_region"], "b_region": data["b_region"], "approximate": data["approximate"],
            "passages": [{"a_span": [p["a_start"], p["a_end"]], "b_span": [p["b_start"], p["b_end"]], "length": p["length"]}
                         for p in data["passages"]],
            "edits": [{"kind": e["kind"], "cosmetic": e["cosmetic"], "a_span": [e["a_start"], e["a_end"]],
                       "b_span": [e["b_start"], e["b_end"]], "a_text": e["a_text"], "b_text": e["b_text"],
                       "detail": json.loads(e["detail"])} for e in data["edits"]],
        })  # fmt: skip
        out.append(Relation(data["a"], data["b"], data["kind"], comparison))
    return out


def archive_documents(spark: SparkSession, archive: Archive, path: str | PathLike[str]) -> DataFrame:
    """An archive's documents as a Spark DataFrame (``id``, ``text``, ``date``, ``source``, in archive order),
    through a Parquet file written at ``path`` — a place every executor can read on a cluster.

    ``find_versions_spark`` over it, with the archive's options, finds the archive's relations; for an archive
    filled with ``add(..., judge=False)``, :meth:`~textversions.archive.Archive.store_relations` takes them back.
    """
    archive.export_documents(path)
    return spark.read.parquet(str(path))


def _pair_schema() -> StructType:
    from pyspark.sql.types import StructType

    return StructType.fromDDL(_PAIR_SCHEMA)  # type: ignore[return-value]


def _families(docs: DataFrame, found: DataFrame) -> DataFrame:
    """Every document with its family's first document (by input position)."""
    from pyspark.sql import functions as F

    joining = found.filter(F.col("kind").isin(sorted(JOINING))).select(F.col("low").alias("u"), F.col("high").alias("v"))
    roots = _components(joining)
    positions = docs.select("position", "id")
    labelled = positions.join(roots, positions.position == roots.node, "left").select(
        "position", "id", F.coalesce("root", "position").alias("root")
    )
    first = positions.select(F.col("position").alias("root"), F.col("id").alias("family"))
    return labelled.join(first, "root").orderBy("position").select("id", "family")


def _components(edges: DataFrame) -> DataFrame:
    """``(node, root)`` for every node on an edge, ``root`` the smallest node of its component.

    Large-star and small-star rounds (Kiveris, Lattanzi, Mirrokni, Rastogi,
    Vassilvitskii: "Connected Components in MapReduce and Beyond", 2014) until
    the edges stop changing; each round is a few joins, and there are
    O(log² n) of them for any graph, a long chain of reprints included.
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    def large_star(edges: DataFrame) -> DataFrame:
        both = edges.unionByName(edges.select(F.col("v").alias("u"), F.col("u").alias("v")))
        lowest = F.least(F.col("u"), F.min("v").over(Window.partitionBy("u")))
        return both.withColumn("m", lowest).filter("v > u").select(F.col("m").alias("u"), F.col("v")).distinct()

    def small_star(edges: DataFrame) -> DataFrame:
        # Each edge (u < v): u is a smaller neighbour of v; v and those neighbours attach to the smallest.
        lowest = edges.withColumn("m", F.min("u").over(Window.partitionBy("v")))
        return (
            lowest.select(F.col("m").alias("u"), F.col("u").alias("v"))
            .filter("u != v")
            .unionByName(lowest.select(F.col("m").alias("u"), F.col("v")))
            .distinct()
        )

    current = edges.filter("u != v").distinct().localCheckpoint()
    while True:
        following = small_star(large_star(current)).localCheckpoint()
        if following.count() == current.count() and following.exceptAll(current).isEmpty():
            break
        current = following
    return current.groupBy(F.col("v").alias("node")).agg(F.min("u").alias("root"))
