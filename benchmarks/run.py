"""textversions against its peers, measured in the same run.

    python benchmarks/run.py                 # full: 1k, 10k and 100k documents (minutes)
    python benchmarks/run.py --quick         # seconds; CI runs this so the code never rots
    python benchmarks/run.py --sizes 1000 --repeat 5

Prints:

1. **Sketch stage** (raw 2,000-character documents → 128-permutation MinHash,
   shingling included): documents per second, single-threaded, for us and each
   peer, the median of ``--repeat`` runs, and our ratio to each; then ours on
   all cores.
2. **compare(page, article)** on the seed pair: the median of 21 runs.
3. **End to end** ``find_versions`` per corpus size (10% planted versions, a
   quarter of them inside longer pages), streamed from a cached JSONL file in a
   fresh process: wall time (median of ``--repeat``), peak RSS of the main
   process and of the largest worker, recall and precision against the planted
   pairs, and against brute force (exact containment from a sparse shingle
   matrix) on the smaller sizes.
4. **datasketch MinHashLSH** at threshold 0.5 on whole-document signatures (the
   peers' dedup pipeline): build + query time, peak RSS, and its recall of the
   planted pairs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.corpus import corpus_file, generate  # noqa: E402
from benchmarks.peers import PEERS, datasketch_same_hash, textversions_sketch  # noqa: E402

JOINING = ("duplicate", "version", "contains")


def _median_rate(function, docs: list[str], repeat: int) -> float:  # type: ignore[no-untyped-def]
    rates = []
    for _ in range(repeat):
        started = time.perf_counter()
        function(docs)
        rates.append(len(docs) / (time.perf_counter() - started))
    return statistics.median(rates)


def sketch_table(sample: int, repeat: int) -> None:
    docs = [text for _, text in generate(sample, seed=1, versions=0.0).docs]
    textversions_sketch(docs[:5])  # compile the kernels outside the clock
    ours = np.array(textversions_sketch(docs[:50]))
    assert np.array_equal(ours, np.array(datasketch_same_hash(docs[:50]))), "signatures differ from datasketch's"
    print(f"\n## Sketch stage: {sample} documents of 2,000 characters, 128 permutations, median of {repeat}\n")
    print("| method | docs/s (1 thread) | textversions is |")
    print("|---|---:|---:|")
    our_rate = _median_rate(textversions_sketch, docs, repeat)
    print(f"| textversions | {our_rate:,.0f} | 1.0x |")
    rates = {}
    for name, peer in PEERS.items():
        rates[name] = rate = _median_rate(peer, docs, repeat)
        print(f"| {name} | {rate:,.0f} | {our_rate / rate:.1f}x faster |")
    datasketch_rate, rensa_rate = rates["datasketch update_batch"], rates["rensa RMinHash"]
    workers = os.cpu_count() or 1
    rate = _median_rate(lambda texts: textversions_sketch(texts, workers=workers), docs, repeat)
    print(f"| textversions, {workers} threads | {rate:,.0f} | {rate / datasketch_rate:.1f}x datasketch, "
          f"{rate / rensa_rate:.1f}x rensa |")  # fmt: skip
    rate = _parallel_rate(_window_keys, docs, workers, repeat)
    print(f"| textversions, {workers} threads, window sketches and LSH keys (find_versions' stage) | {rate:,.0f} | |")


def _window_keys(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    from textversions.sketch import sketch_keys_batch

    return sketch_keys_batch(texts)


def _parallel_rate(function, docs: list[str], workers: int, repeat: int) -> float:  # type: ignore[no-untyped-def]
    """Documents per second with ``function`` applied to chunks of 64 texts on ``workers`` threads."""
    from textversions.pool import chunks, mapped

    rates = []
    for _ in range(repeat):
        started = time.perf_counter()
        for _ in mapped(function, chunks(docs, 64), workers, threads=True):
            pass
        rates.append(len(docs) / (time.perf_counter() - started))
    return statistics.median(rates)


def compare_row(repeat: int) -> None:
    """``compare(page, article)`` on the seed pair: the printed page 002 holding the web article 003."""
    from textversions import compare
    from textversions.io import seed_corpus

    docs = dict(seed_corpus())
    page = next(text for doc_id, text in docs.items() if doc_id.startswith("002_"))
    article = next(text for doc_id, text in docs.items() if doc_id.startswith("003_"))
    found = compare(page, article)
    times = []
    for _ in range(max(21, repeat)):
        started = time.perf_counter()
        compare(page, article)
        times.append(time.perf_counter() - started)
    print("\n## compare(page 002, article 003), locating the article included\n")
    print(f"`{found.relation}`, {len(found.edits)} edits; median of {len(times)} runs: "
          f"{statistics.median(times) * 1e3:.1f} ms")


def _child(code: str) -> dict:  # type: ignore[type-arg]
    """Run ``code`` in a fresh interpreter; it prints one JSON line. Adds its peak RSS."""
    script = (
        "import json, resource, sys, time\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n" + code + "\n"
        "result['peak_rss_mb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "print(json.dumps(result))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def end_to_end(size: int, workers: int, regime: str = "edits", *, write_json: bool = False) -> dict:  # type: ignore[type-arg]
    """find_versions streaming the corpus from a JSONL file: the peak RSS is the library's, not the generator's.
    ``write_json`` times ``Result.to_json()`` too (every edit typed and written, as the CLI does)."""
    path = corpus_file(size, regime=regime)
    return _child(
        f"""
from benchmarks.corpus import planted_path
from textversions import find_versions
from textversions.io import read_table
find_versions([("a", "warm up " * 20), ("b", "warm up " * 20)])
started = time.perf_counter()
found = find_versions(read_table({str(path)!r}), workers={workers})
{"found.to_json()" if write_json else ""}
seconds = time.perf_counter() - started
planted = {{tuple(pair) for pair in json.loads(planted_path(__import__("pathlib").Path({str(path)!r})).read_text())}}
joined = {{(r.a, r.b) for r in found.relations if r.kind in {JOINING!r}}}
joined |= {{(b, a) for a, b in joined}}
base = {{v: b for b, v in planted}}
root = lambda d: base.get(d, d)
hits = sum(1 for pair in planted if pair in joined)
true = sum(1 for a, b in joined if root(a) == root(b)) // 2
result = {{"size": {size}, "seconds": seconds, "recall": hits / max(1, len(planted)),
          "precision": true / max(1, len(joined) // 2), "relations": len(found.relations),
          "workers_peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}}
"""
    )


def brute_force(size: int, workers: int) -> dict:  # type: ignore[type-arg]
    """Pairs whose exact shingle containment is at least 0.5, from a sparse matrix product."""
    return _child(
        f"""
import numpy as np
from scipy import sparse
from benchmarks.corpus import load
from textversions import find_versions, normalize
from textversions.shingle import shingle_hashes
corpus = load(__import__('pathlib').Path({str(corpus_file(size))!r}))
ids = [d for d, _ in corpus.docs]
rows, cols = [], []
vocabulary = {{}}
for n, (_, text) in enumerate(corpus.docs):
    hashes = np.unique(shingle_hashes(normalize(text).text))
    rows.extend([n] * len(hashes))
    cols.extend(vocabulary.setdefault(h, len(vocabulary)) for h in hashes.tolist())
matrix = sparse.csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=(len(ids), len(vocabulary)))
sizes = np.asarray(matrix.sum(axis=1)).ravel()
shared = sparse.triu(matrix @ matrix.T, k=1).tocoo()
containment = shared.data / np.minimum(sizes[shared.row], sizes[shared.col])
truth = {{(ids[i], ids[j]) for i, j, c in zip(shared.row, shared.col, containment) if c >= 0.5}}
truth |= {{(b, a) for a, b in truth}}
found = find_versions(corpus.docs, workers={workers})
joined = {{(r.a, r.b) for r in found.relations if r.kind in {JOINING!r}}}
joined |= {{(b, a) for a, b in joined}}
result = {{"size": {size}, "pairs": len(truth) // 2,
          "recall": len(truth & joined) / max(1, len(truth)), "precision": len(truth & joined) / max(1, len(joined))}}
"""
    )


def datasketch_lsh(size: int) -> dict:  # type: ignore[type-arg]
    return _child(
        f"""
from datasketch import MinHash, MinHashLSH
from benchmarks.corpus import load
from benchmarks.peers import textversions_sketch
corpus = load(__import__('pathlib').Path({str(corpus_file(size))!r}))
# Signatures from our kernel are datasketch's own (checked in the sketch table), so
# only the index is timed here.
signatures = textversions_sketch([text for _, text in corpus.docs])
started = time.perf_counter()
lsh = MinHashLSH(threshold=0.5, num_perm=128)
sketches = [MinHash(num_perm=128, hashvalues=s, scheme="affine32") for s in signatures]
for (doc_id, _), sketch in zip(corpus.docs, sketches):
    lsh.insert(doc_id, sketch)
pairs = set()
for (doc_id, _), sketch in zip(corpus.docs, sketches):
    pairs.update((doc_id, other) for other in lsh.query(sketch) if other != doc_id)
seconds = time.perf_counter() - started
hits = sum(1 for pair in corpus.planted if pair in pairs)
result = {{"size": {size}, "seconds": seconds, "recall": hits / max(1, len(corpus.planted))}}
"""
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, one repeat: a smoke run")
    parser.add_argument("--sizes", type=int, nargs="*", default=[1_000, 10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    sizes, repeat, sample, brute_max = args.sizes, args.repeat, 2_000, 10_000
    if args.quick:
        sizes, repeat, sample, brute_max = [300], 1, 100, 300
    print(f"# textversions benchmarks — {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}")
    sketch_table(sample, repeat)
    compare_row(repeat)
    print(f"\n## find_versions end to end ({args.workers} workers)\n")
    print("Streamed from a JSONL file; peak RSS of the main process and of the largest worker.\n")
    print("| documents | seconds | docs/s | peak RSS MB | worker peak MB | recall (planted) | precision (planted) |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for size in sizes:
        rows = [end_to_end(size, args.workers) for _ in range(repeat)]
        row = sorted(rows, key=lambda r: r["seconds"])[len(rows) // 2]
        print(f"| {size:,} | {row['seconds']:.1f} | {size / row['seconds']:,.0f} | {row['peak_rss_mb']:,.0f} "
              f"| {row['workers_peak_rss_mb']:,.0f} | {row['recall']:.3f} | {row['precision']:.3f} |")
    print("\n## Against brute force (exact containment ≥ 0.5)\n")
    print("| documents | true pairs | recall | precision |")
    print("|---:|---:|---:|---:|")
    for size in [s for s in sizes if s <= brute_max]:
        row = brute_force(size, args.workers)
        print(f"| {size:,} | {row['pairs']:,} | {row['recall']:.3f} | {row['precision']:.3f} |")
    print("\n## datasketch MinHashLSH, threshold 0.5, whole documents\n")
    print("| documents | build + query seconds | peak RSS MB | recall (planted) |")
    print("|---:|---:|---:|---:|")
    for size in sizes:
        row = datasketch_lsh(size)
        print(f"| {size:,} | {row['seconds']:.1f} | {row['peak_rss_mb']:,.0f} | {row['recall']:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
