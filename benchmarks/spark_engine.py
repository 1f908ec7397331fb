"""The Spark engine in local mode against the single-process engine, on the same corpus.

    python benchmarks/spark_engine.py                  # 5k and 20k documents, median of 3 (minutes)
    python benchmarks/spark_engine.py --quick          # a few hundred documents; CI runs this

For each size: wall time of ``find_versions`` (local engine, ``--workers``
processes) and of ``find_versions_spark`` on ``local[N]`` reading Parquet,
relations included (a Spark session is started once, outside the clock; the
corpus is written to Parquet outside the clock). Both engines must give the
same relations and families — the script stops if they do not.

The marginal throughput between the two sizes (extra documents over extra
seconds) leaves out Spark's fixed cost per job; divided by the cores used it
gives a per-core rate, from which the script estimates the cores a cluster
needs for 10 million documents in an hour.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.corpus import generate  # noqa: E402
from textversions import find_versions  # noqa: E402
from textversions.spark import find_versions_spark, relation_row, shuffle_rows, spark_session  # noqa: E402

TARGET_DOCS = 10_000_000
TARGET_SECONDS = 3600
SAFETY = 3
"""Cluster overhead the local-mode rate does not see: network shuffles, stragglers, executor start."""


def _timed(function, repeat: int) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=[5_000, 20_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cores", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--quick", action="store_true", help="300 and 600 documents, once")
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.repeat = [300, 600], 1
    spark = spark_session(f"local[{args.cores}]", app_name="textversions-benchmark")
    spark.conf.set("spark.sql.shuffle.partitions", str(4 * args.cores))
    spark.sparkContext.setLogLevel("ERROR")
    print(f"\n## Spark local[{args.cores}] against the local engine ({args.cores} workers), median of {args.repeat}\n")
    print("| documents | local s | local docs/s | spark s | spark docs/s | spark / local |")
    print("|---:|---:|---:|---:|---:|---:|")
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            docs = generate(size, seed=0).docs
            path = str(Path(folder) / f"docs{size}.parquet")
            pq.write_table(pa.table({"id": [d for d, _ in docs], "text": [t for _, t in docs]}), path)
            if args.repeat > 1:  # once untimed: the JVM's and the workers' warm-up is not a cost per document
                find_versions(docs, workers=args.cores)
                find_versions_spark(spark.read.parquet(path)).relations.collect()
            local_seconds, local = _timed(lambda docs=docs: find_versions(docs, workers=args.cores), args.repeat)

            def on_spark(path: str = path):  # type: ignore[no-untyped-def]
                found = find_versions_spark(spark.read.parquet(path))
                return [r.asDict(recursive=True) for r in found.relations.collect()], found.families.collect()

            spark_seconds, (relations, families) = _timed(on_spark, args.repeat)
            expected = [relation_row(r.a, r.b, r.comparison) for r in local.relations]  # type: ignore[attr-defined]
            if relations != expected or len(families) != size:
                print(f"engines disagree at {size} documents", file=sys.stderr)
                return 1
            rows.append((size, spark_seconds, local_seconds))
            print(
                f"| {size:,} | {local_seconds:.1f} | {size / local_seconds:,.0f} | {spark_seconds:.1f} | "
                f"{size / spark_seconds:,.0f} | {spark_seconds / local_seconds:.1f}x slower |"
            )
        (small, small_s, small_local), (large, large_s, large_local) = rows
        documents, keys, shuffled = shuffle_rows(spark.read.parquet(path))  # the larger corpus's
    print(
        f"\nCandidate shuffle at {documents:,} documents: {keys / documents:,.0f} LSH keys a document travel in "
        f"{shuffled:,} rows ({shuffled / documents:.4f} rows a document)."
    )
    if large_s <= small_s or large_local <= small_local:
        print(f"No marginal rate: {large:,} documents took no longer than {small:,} (fixed costs dominate at these sizes).")
    else:
        per_core = (large - small) / (large_s - small_s) / args.cores
        local_per_core = (large - small) / (large_local - small_local) / args.cores
        cores = TARGET_DOCS / TARGET_SECONDS / per_core * SAFETY
        print(
            f"Marginal throughput per core: Spark {per_core:,.0f} docs/s, local engine {local_per_core:,.0f} docs/s "
            f"(Spark {per_core / local_per_core:.0%} of local). "
            f"10M documents in an hour need {TARGET_DOCS / TARGET_SECONDS:,.0f} docs/s: "
            f"about {cores:,.0f} cores with a {SAFETY}x allowance for cluster overheads."
        )
    spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
