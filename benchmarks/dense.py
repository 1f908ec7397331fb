"""Where text is hard: dense edits against datasketch sketching the same documents, and real news.

    python benchmarks/dense.py                  # 3,000 documents, then 100,000 (minutes); the real-news row
    python benchmarks/dense.py --sizes 3000 --repeat 5
    python benchmarks/dense.py --quick          # seconds; CI runs this so the script never rots

The corpus is ``benchmarks.corpus`` in its ``dense`` regime: ~2,000-character documents, 10% of them
versions of another with 0.5–6% of their characters slipped as OCR slips them and, in a third, two
paragraphs swapped (a quarter of the versions inside a longer page). Each row runs in a fresh process
and reads that process's own peak RSS (and its workers' largest). textversions runs the whole job — sketch,
candidates, verification, alignment, every edit typed and written as JSON (``Result.to_json()``, what the
CLI writes); datasketch only computes one ``update_batch`` MinHash per document (its documented way, one
thread), the first step of its own dedup pipeline. Medians of ``--repeat`` runs.

The real-news row is the fidelity development set (``benchmarks/realdata/devset.jsonl.gz``: 2,010 新闻联播
transcripts and tldr pages, many of them sharing passages; its Bible chapters left out), the same whole job
in a fresh process.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.corpus import corpus_file  # noqa: E402
from benchmarks.run import _child, end_to_end  # noqa: E402


def datasketch_sketching(size: int) -> dict:  # type: ignore[type-arg]
    """datasketch ``update_batch`` over every document's shingles (text read from the same file)."""
    return _child(
        f"""
from benchmarks.corpus import load
from benchmarks.peers import datasketch_update_batch
texts = [text for _, text in load(__import__('pathlib').Path({str(corpus_file(size, regime="dense"))!r})).docs]
datasketch_update_batch(texts[:20])
started = time.perf_counter()
datasketch_update_batch(texts)
result = {{"seconds": time.perf_counter() - started}}
"""
    )


def real_news(workers: int) -> dict:  # type: ignore[type-arg]
    """The whole job on the real development set, JSON written."""
    path = ROOT / "benchmarks" / "realdata" / "devset.jsonl.gz"
    return _child(
        f"""
import gzip
from textversions import find_versions
with gzip.open({str(path)!r}, "rt", encoding="utf-8") as lines:
    docs = [(row["id"], row["text"]) for row in map(json.loads, lines) if not row["id"].startswith("bible")]
find_versions([("a", "warm up " * 20), ("b", "warm up " * 20)])
started = time.perf_counter()
found = find_versions(docs, workers={workers})
found.to_json()
result = {{"seconds": time.perf_counter() - started, "documents": len(docs), "relations": len(found.relations),
          "workers_peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}}
"""
    )


def _median(rows: list[dict]) -> dict:  # type: ignore[type-arg]
    return sorted(rows, key=lambda row: row["seconds"])[len(rows) // 2]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[3_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--quick", action="store_true", help="300 documents, one run: a smoke run")
    args = parser.parse_args()
    sizes, repeat = ([300], 1) if args.quick else (args.sizes, args.repeat)
    print(f"## Dense edits ({args.workers} workers; medians of {repeat})\n")
    print("| documents | textversions s (JSON written) | docs/s | peak RSS MB | worker peak MB | recall | precision "
          "| datasketch update_batch s | textversions is |")  # fmt: skip
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size in sizes:
        ours = _median([end_to_end(size, args.workers, "dense", write_json=True) for _ in range(repeat)])
        peer = _median([datasketch_sketching(size) for _ in range(repeat if size <= 10_000 else 1)])
        print(f"| {size:,} | {ours['seconds']:.2f} | {size / ours['seconds']:,.0f} | {ours['peak_rss_mb']:,.0f} "
              f"| {ours['workers_peak_rss_mb']:,.0f} | {ours['recall']:.3f} | {ours['precision']:.3f} "
              f"| {peer['seconds']:.2f} | {peer['seconds'] / ours['seconds']:.1f}x faster |")
    row = _median([real_news(args.workers) for _ in range(repeat)])
    print(f"\n## Real news: the fidelity development set ({args.workers} workers; median of {repeat})\n")
    print("| documents | relations | seconds (JSON written) | docs/s | peak RSS MB | worker peak MB |")
    print("|---:|---:|---:|---:|---:|---:|")
    print(f"| {row['documents']:,} | {row['relations']:,} | {row['seconds']:.2f} | {row['documents'] / row['seconds']:,.0f} "
          f"| {row['peak_rss_mb']:,.0f} | {row['workers_peak_rss_mb']:,.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
