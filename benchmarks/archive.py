"""A living archive of 100,000 documents: the time to add each day's 2,000, beside one find_versions over all.

    python benchmarks/archive.py [--documents 100000] [--batch 2000] [--days 3] [--workers 2] [--quick]

The corpus is ``benchmarks/corpus.py``'s (news-like text, 2,000 characters a document, 10% of
them versions of others, some inside a longer page). The archive is built in ten batches, then
each day's batch is added to it on an open archive (the API, warm) and once more by the CLI in a
new process (cold: Python, imports and compiled kernels loaded). Beside them, in the same run:
one ``find_versions`` over everything the archive then holds — what a user without an archive
runs every day — and the ratio (the relations of both must be the same). Then the archive
expires its oldest build batch (its common text is measured on the first documents kept, so
every pair holding a shingle that changes status is judged again) and the file size per
document is read.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import corpus_file, load  # noqa: E402

from textversions import Archive, find_versions  # noqa: E402

_BUILD_BATCHES = 10


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=2_000)
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="3,000 documents, 500 a day, two days")
    args = parser.parse_args()
    if args.quick:
        args.documents, args.batch, args.days = 3_000, 500, 2
    days = args.days + 1  # the last one goes through the CLI
    docs = load(corpus_file(args.documents + days * args.batch, seed=0)).docs
    kept, daily = docs[: args.documents], docs[args.documents :]
    build_batch = args.documents // _BUILD_BATCHES
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "archive.db"
        with Archive(path, workers=args.workers) as archive:
            start = time.perf_counter()
            for first in range(0, len(kept), build_batch):
                batch = kept[first : first + build_batch]
                archive.add(batch, dates=_dated(batch, "2020-01-01" if first == 0 else "2020-01-02"))
            built = time.perf_counter() - start
            start = time.perf_counter()
            runs_left = archive.compact()
            compacted = time.perf_counter() - start
            warm, found = [], []
            for day in range(args.days):
                batch = daily[day * args.batch : (day + 1) * args.batch]
                start = time.perf_counter()
                found.append(len(archive.add(batch, dates=_dated(batch, f"2020-02-{day + 1:02d}")).relations))
                warm.append(time.perf_counter() - start)
        cold_batch = daily[args.days * args.batch :]
        records = Path(folder) / "today.jsonl"
        records.write_text("".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in cold_batch), "utf-8")
        command = [sys.executable, "-m", "textversions.cli", "archive", "add", str(path), str(records), "--workers", str(args.workers)]
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env={**os.environ, "PYTHONHASHSEED": "0"})
        cold = time.perf_counter() - start
        everything = kept + daily
        start = time.perf_counter()
        one_run = find_versions(everything, workers=args.workers)
        full = time.perf_counter() - start
        with Archive(path, workers=args.workers) as archive:
            assert len(archive) == len(everything)
            relations = [(r.a, r.b, r.kind) for r in archive.relations()]
            start = time.perf_counter()
            expired = archive.expire(before="2020-01-02")  # the first build batch was dated 2020-01-01
            expiry = time.perf_counter() - start
        size = sum(p.stat().st_size for p in Path(folder).glob("archive.db*"))
    median = statistics.median(warm)
    print(f"## archive of {args.documents:,} documents, {args.batch:,} added a day ({args.workers} workers)\n")
    print("| step | seconds | |")
    print("|---|---:|---|")
    print(f"| build: {args.documents:,} documents in batches of {build_batch:,} | {built:.1f} | {args.documents / built:,.0f} docs/s |")
    print(f"| compact (merge the key runs; a quiet hour's work) | {compacted:.1f} | {runs_left} run(s) left |")
    print(f"| add a day's {args.batch:,} (API, open archive): median of {args.days} | {median:.2f} | each: {', '.join(f'{t:.2f}' for t in warm)}; relations found: {', '.join(map(str, found))} |")
    print(f"| add a day's {args.batch:,} (CLI, new process) | {cold:.2f} | Python start, imports, kernels loaded |")
    print(f"| find_versions over all {len(everything):,} (peer: no archive) | {full:.1f} | {full / median:.0f}x the daily add |")
    print(f"| expire the oldest {expired:,} | {expiry:.1f} | common text measured again, pairs judged again |")
    same = "the same" if relations == [(r.a, r.b, r.kind) for r in one_run.relations] else "DIFFERENT"
    print(f"\nrelations: archive {len(relations):,}, one run {len(one_run.relations):,} ({same}); "
          f"file size {size / 1e6:,.0f} MB, {size / len(everything) / 1e3:.1f} kB per document")  # fmt: skip


def _dated(batch: list[tuple[str, str]], day: str) -> dict[str, str]:
    return {doc_id: day for doc_id, _ in batch}


if __name__ == "__main__":
    main()
