"""find_versions on Apache Spark: the same answers as on one machine, on as many as the cluster has.

Each stage of :func:`~textversions.find_versions` becomes a Spark step, and the
per-document and per-pair work runs in the partitions with the very functions
the local engine uses:

* **positions**: every document gets its input position (0, 1, 2, …), from
  ``monotonically_increasing_id`` and per-partition counts — no collect, no
  single partition. Positions order the output and orient pairs, as the
  input order does locally.
* **sketch**: :func:`~textversions.sketch.sketch_keys_batch` in ``mapInArrow``,
  one row per document with its keys.
* **candidates**: the keys packed as :class:`~textversions.candidates.Buckets`
  packs them — ``(bucket | document)`` words, one row of bytes per batch and
  key-space partition, so the shuffle moves a few rows per batch, not one per
  key — and each partition's buckets paired by the local engine's kernel
  (:func:`~textversions.candidates.partition_pairs`): small buckets pair all
  members, big buckets (template text) chain only documents made mostly of
  shared text (:func:`~textversions.candidates.chained_pairs`), and a pair needs
  the shared buckets :func:`~textversions.candidates.needed_buckets` asks.
* **verify and align**: the pair's two texts joined in, then
  :func:`~textversions.compare.verify` in ``mapInArrow``; the corpus-common
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

from .candidates import (
    MIN_SHARED_BUCKETS, ONE_WINDOW_KEYS, ONE_WINDOW_SHARED, SATURATED,
    always_needed, big_bucket_counts, chained_pairs, partition_pairs, summed,
)  # fmt: skip
from .common import common_sample, common_shingles
from .compare import Comparison, Scores, verify
from .errors import DuplicateId, InvalidInput
from .families import JOINING
from .find import Relation
from .io import TEXT_SUFFIXES
from .options import OptionKeywords, Options
from .shingle import Prepared, ShingleSet, prepare
from .sketch import lsh_params, sketch_keys_batch

if TYPE_CHECKING:
    import pyarrow as pa

    from .archive import Archive
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql.types import StructType

__all__ = [
    "find_versions_spark",
    "shuffle_rows",
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
    positioned = _documents(df, id_field, text_field)
    docs, count = positioned.docs, positioned.count
    sketches = (
        docs.select("position", "text")
        .mapInArrow(_sketcher(options), "position long, keys long, buckets binary")
        .persist(StorageLevel.MEMORY_AND_DISK)
    )
    pairs = _candidate_pairs(sketches, count, lsh_params(options.threshold, options.num_perm)[0])
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
    positioned.cached.unpersist()
    return SparkVersions(relations=relations, families=families)


def shuffle_rows(
    df: DataFrame, *, id_field: str = "id", text_field: str = "text", options: Options | None = None, **keywords: Unpack[OptionKeywords]
) -> tuple[int, int, int]:
    """``(documents, keys, rows)``: the documents of ``df``, their LSH keys, and the rows those keys travel in
    through the shuffle of :func:`find_versions_spark`'s candidate stage — for sizing a cluster (a row of bytes
    per batch and key-space partition, where a row a key would be ``keys``)."""
    from pyspark.sql import functions as F

    options = Options.of(options, **keywords)
    positioned = _documents(df, id_field, text_field)
    docs, count = positioned.docs, positioned.count
    try:
        sketches = docs.select("position", "text").mapInArrow(_sketcher(options), "position long, keys long, buckets binary")
        keys = int(sketches.agg(F.sum("keys")).first()[0] or 0)
        part_bits = _partition_bits(keys, docs.sparkSession.sparkContext.defaultParallelism)
        rows = sketches.mapInArrow(_packer(max(1, count).bit_length(), part_bits), "part int, words binary").count()
    finally:
        positioned.cached.unpersist()
    return count, keys, rows


def _documents(df: DataFrame, id_field: str, text_field: str) -> _Positioned:
    """The checked documents of ``df`` with their positions (:func:`_checked_documents`, :func:`_positioned`,
    :func:`_check_values`; nothing left cached when they are wrong)."""
    positioned = _positioned(_checked_documents(df, id_field, text_field))
    try:
        _check_values(positioned)
    except InvalidInput:
        positioned.cached.unpersist()
        raise
    return positioned


def _checked_documents(df: DataFrame, id_field: str, text_field: str) -> DataFrame:
    """``(id, text)`` columns, or an error naming a missing or mistyped column (values: :func:`_check_values`)."""
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
    return df.select(F.col(id_field).cast("string").alias("id"), F.col(text_field).alias("text"))


def _check_values(positioned: _Positioned) -> None:
    """An error naming what is wrong with the documents: a null id or text, a duplicate id."""
    from pyspark.sql import functions as F

    docs = positioned.docs
    if positioned.nulls:
        nulls = docs.filter(F.col("id").isNull() | F.col("text").isNull()).select("id").limit(3).collect()
        named = ", ".join("(null id)" if row.id is None else repr(row.id) for row in nulls)
        raise InvalidInput(f"documents with a null id or text: {named}")
    repeated = docs.groupBy("id").count().filter("count > 1").limit(1).collect()
    if repeated:
        raise DuplicateId(f"document id {repeated[0]['id']!r} appears {repeated[0]['count']} times")


@dataclass(frozen=True)
class _Positioned:
    """Documents with their input positions (``docs``), the one cached table they read (``cached``, for its
    ``unpersist``), how many there are and how many have a null id or text."""

    docs: DataFrame
    cached: DataFrame
    count: int
    nulls: int


def _positioned(docs: DataFrame) -> _Positioned:
    """``docs`` with each row's input position, 0 to n − 1: each row's tag from ``monotonically_increasing_id``,
    the partition's offset added — cached once, so the tags stay what they were when the offsets were counted
    (nulls are counted in the same pass)."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    tagged = docs.withColumn("tag", F.monotonically_increasing_id()).persist(StorageLevel.MEMORY_AND_DISK)
    partition = F.shiftright("tag", _POSITION_BITS)
    null = (F.col("id").isNull() | F.col("text").isNull()).cast("long")
    rows = tagged.groupBy(partition.alias("partition")).agg(F.count("*").alias("size"), F.sum(null).alias("nulls")).collect()
    sizes = {row.partition: row.size for row in rows}
    offsets = np.cumsum([0] + [sizes.get(part, 0) for part in range(max(sizes, default=0))]).tolist()
    offset = F.element_at(F.array(*(F.lit(value) for value in offsets)), (partition + 1).cast("int"))
    positioned = tagged.select((offset + F.col("tag").bitwiseAND((1 << _POSITION_BITS) - 1)).alias("position"), "id", "text")
    return _Positioned(positioned, tagged, sum(sizes.values()), sum(row.nulls for row in rows))


def _sketcher(options: Options) -> Any:
    """The sketch step for ``mapInArrow``: each document's distinct LSH keys (their bytes), as the local engine
    makes them — one compiled call a batch (:func:`~textversions.sketch.sketch_keys_batch`), one row a document."""

    def sketch(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        import pyarrow as pa

        for batch in batches:
            counts, keys = sketch_keys_batch(batch.column("text").to_pylist(), options)
            offsets = np.zeros(len(counts) + 1, dtype=np.int32)
            np.cumsum(counts * keys.itemsize, out=offsets[1:])
            packed = pa.BinaryArray.from_buffers(pa.binary(), len(counts), [None, pa.py_buffer(offsets), pa.py_buffer(keys)])
            yield pa.RecordBatch.from_arrays([batch.column("position"), pa.array(counts), packed], names=["position", "keys", "buckets"])

    return sketch


_PART_WORDS = 1 << 23
"""``(bucket | document)`` words one key-space partition holds at most (64 MB): the corpus decides how many."""


def _partition_bits(total_keys: int, parallelism: int) -> int:
    """Top key bits that name a key-space partition: as many partitions as the cluster's cores, and enough
    that none holds more than :data:`_PART_WORDS` words.

    >>> _partition_bits(1000, 2), _partition_bits(1000, 3), _partition_bits(50_000_000_000, 8)
    (1, 2, 13)
    """
    enough = max(1, -(-total_keys // _PART_WORDS))
    return min(_MAX_PART_BITS, max(1, (max(1, parallelism) - 1).bit_length(), (enough - 1).bit_length()))


_MAX_PART_BITS = 16
"""At most 65,536 key-space partitions (partition numbers sort as 16-bit words)."""


def _packer(bits: int, part_bits: int) -> Any:
    """For ``mapInArrow``: a batch of sketches as one row per key-space partition, its ``(bucket | document)`` words
    packed into bytes, as :class:`~textversions.candidates.Buckets` packs them — a few rows a batch, not one a key."""
    shift = np.uint64(64 - part_bits)

    def pack(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            keys = _words(batch.column("buckets"))
            documents = np.repeat(batch.column("position").to_numpy().astype(np.uint64), batch.column("keys").to_numpy())
            words = ((keys >> np.uint64(bits)) << np.uint64(bits)) | documents
            yield _by_part(keys >> shift, words=words)

    return pack


def _words(column: Any, dtype: Any = np.uint64) -> np.ndarray:
    """The numbers packed into a column of bytes, one row's after the other."""
    return np.frombuffer(b"".join(column.to_pylist()), dtype=dtype)


def _bucketer(bits: int, width: int) -> Any:
    """For ``applyInArrow`` on one key-space partition's words: :func:`~textversions.candidates.partition_pairs`,
    one row of packed bytes."""

    def buckets(table: pa.Table) -> pa.Table:
        import pyarrow as pa

        codes, shared, big = partition_pairs(_words(table.column("words")), bits, width)
        return pa.table({"codes": [codes.tobytes()], "shared": [shared.tobytes()], "big": [big.tobytes()]})

    return buckets


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def _by_part(parts: np.ndarray, **columns: np.ndarray) -> pa.RecordBatch:
    """One row per partition number in ``parts`` (below 2**16): ``part``, and each column's values there as bytes."""
    import pyarrow as pa

    order = np.argsort(parts.astype(np.uint16), kind="stable")  # (a radix sort)
    parts = parts[order].astype(np.int32)
    starts = np.flatnonzero(np.r_[True, parts[1:] != parts[:-1]]) if len(parts) else np.zeros(0, dtype=np.int64)
    ends = np.r_[starts[1:], len(parts)].astype(np.int64)
    packed = {}
    for name, values in columns.items():
        values = values[order]
        packed[name] = pa.array([values[start:end].tobytes() for start, end in zip(starts, ends)], pa.binary())
    return pa.RecordBatch.from_pydict({"part": pa.array(parts[starts]), **packed})


def _by_code(codes: np.ndarray, shared: np.ndarray, part_bits: int) -> pa.RecordBatch:
    """Pair codes and their shared buckets as one row of bytes per pair-code partition (a hash of the code)."""
    return _by_part((codes.astype(np.uint64) * _GOLDEN) >> np.uint64(64 - part_bits), codes=codes, shared=shared)


def _pair_codes(part_bits: int) -> Any:
    """For ``mapInArrow``: a key-space partition's pair codes, regrouped by pair-code partition."""

    def regroup(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            yield _by_code(_words(batch.column("codes"), np.int64), _words(batch.column("shared"), np.int64), part_bits)

    return regroup


def _summer(width: int, short: Any) -> Any:
    """For ``applyInArrow`` on one pair-code partition: each pair's buckets shared in all key-space partitions, as
    ``(low, high, shared)`` rows — only pairs that may be candidates: sharing ``MIN_SHARED_BUCKETS``, or with a
    document of fewer keys than :func:`~textversions.candidates.always_needed` (``short``: a broadcast bitmap of
    those); the rest share too few buckets whatever their sizes."""

    def pairs(table: pa.Table) -> pa.Table:
        import pyarrow as pa

        codes, shared = summed(_words(table.column("codes"), np.int64), _words(table.column("shared"), np.int64))
        low, high = codes // width, codes % width
        bitmap = short.value
        kept = (shared >= MIN_SHARED_BUCKETS) | _marked(bitmap, low) | _marked(bitmap, high)
        return pa.table({"low": low[kept], "high": high[kept], "shared": shared[kept]})

    return pairs


def _marked(bitmap: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """Whether each position's bit is set in a bitmap (``np.packbits`` order)."""
    return ((bitmap[positions >> 3] >> (7 - (positions & 7)).astype(np.uint8)) & 1).astype(bool)


def _short_bits(limit: int) -> Any:
    """For ``mapInArrow`` over sketches: per batch, the first position, a bitmap of the documents (by position
    from there) with fewer than ``limit`` keys, and the batch's keys."""

    def bits(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        import pyarrow as pa

        for batch in batches:
            positions, keys = batch.column("position").to_numpy(), batch.column("keys").to_numpy()
            if not len(positions):
                continue
            first = int(positions.min())
            flags = np.zeros(int(positions.max()) - first + 1, dtype=bool)
            flags[positions - first] = keys < limit
            yield pa.RecordBatch.from_arrays(
                [pa.array([first]), pa.array([np.packbits(flags).tobytes()], pa.binary()), pa.array([int(keys.sum())])],
                names=["first", "bits", "keys"],
            )

    return bits


def _short_bitmap(sketches: DataFrame, count: int, limit: int) -> tuple[np.ndarray, int]:
    """A bitmap of the documents with fewer than ``limit`` keys (``count`` bits), and the keys of all documents (a
    bitmap per batch, put together here: a byte per eight documents comes to the driver, not a row per document)."""
    bitmap = np.zeros((count + 7) // 8 + 1, dtype=np.uint8)
    keys = 0
    for row in sketches.select("position", "keys").mapInArrow(_short_bits(limit), "first long, bits binary, keys long").collect():
        marked = row.first + np.flatnonzero(np.unpackbits(np.frombuffer(row.bits, dtype=np.uint8)))
        np.bitwise_or.at(bitmap, marked >> 3, (np.uint8(128) >> (marked & 7).astype(np.uint8)).astype(np.uint8))
        keys += row.keys
    return bitmap, keys


def _big_members(bits: int) -> Any:
    """For ``mapInArrow``: ``(position, in_big)``, how many big buckets of a partition each document is in."""

    def members(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        import pyarrow as pa

        for batch in batches:
            documents, counts = big_bucket_counts(_words(batch.column("big")), bits)
            yield pa.RecordBatch.from_arrays([pa.array(documents), pa.array(counts.astype(np.int64))], names=["position", "in_big"])

    return members


def _chainer(bits: int, width: int, saturated: Any, part_bits: int) -> Any:
    """For ``mapInArrow``: :func:`~textversions.candidates.chained_pairs` of a key-space partition's big buckets,
    grouped by pair-code partition (``saturated``: a broadcast sorted array of positions)."""

    def chain(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            yield _by_code(*chained_pairs(_words(batch.column("big")), bits, width, saturated.value), part_bits)

    return chain


def _candidate_pairs(sketches: DataFrame, count: int, bands: int) -> DataFrame:
    """``(low, high)`` positions of candidate pairs: :func:`~textversions.candidates.candidate_pairs` as Spark steps
    (``bands``: of a window, by the options the keys were made with).

    The keys travel as :class:`~textversions.candidates.Buckets` holds them: ``(bucket | document)`` words, packed a
    batch and a key-space partition to a row, so the shuffle moves a few rows per batch of documents, not one per
    key; each partition's buckets are paired by the local engine's kernel. The pairs are computed and cached
    before this returns; so are none of the intermediate tables.
    """
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    bits = max(1, count).bit_length()
    spark = sketches.sparkSession
    bitmap, total_keys = _short_bitmap(sketches, count, always_needed(bands))
    part_bits = _partition_bits(total_keys, spark.sparkContext.defaultParallelism)
    bucketed = (
        sketches.mapInArrow(_packer(bits, part_bits), "part int, words binary")
        .groupBy("part")
        .applyInArrow(_bucketer(bits, count), "codes binary, shared binary, big binary")
        .persist(StorageLevel.MEMORY_AND_DISK)
    )
    code_schema = "part int, codes binary, shared binary"
    found = bucketed.mapInArrow(_pair_codes(part_bits), code_schema)
    # Documents made mostly of big buckets' text are copies of one widely reprinted story: chain them.
    sizes = sketches.select("position", "keys")
    saturated = (
        bucketed.mapInArrow(_big_members(bits), "position long, in_big long")
        .groupBy("position")
        .agg(F.sum("in_big").alias("in_big"))
        .join(sizes, "position")
        .filter(F.col("in_big") >= F.lit(SATURATED) * F.greatest(F.col("keys"), F.lit(1)))
        .select("position")
        .collect()
    )
    if saturated:
        chosen = spark.sparkContext.broadcast(np.array(sorted(row.position for row in saturated), dtype=np.int64))
        found = found.unionByName(bucketed.mapInArrow(_chainer(bits, count, chosen, part_bits), code_schema))
    short = spark.sparkContext.broadcast(bitmap)
    found = found.groupBy("part").applyInArrow(_summer(count, short), "low long, high long, shared long")
    pairs = (
        found.join(sizes.select(F.col("position").alias("low"), F.col("keys").alias("low_keys")), "low")
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
    bucketed.unpersist()
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
