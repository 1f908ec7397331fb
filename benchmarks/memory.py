"""Peak memory: a million short documents, and one pair of ever longer documents.

    python benchmarks/memory.py [--documents 1000000] [--quick]

Each measurement runs in a fresh process and reports its peak RSS, so one
does not inherit another's high-water mark.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.run import _child  # noqa: E402


def short_documents(count: int) -> dict:  # type: ignore[type-arg]
    return _child(
        f"""
import numpy as np
from benchmarks.corpus import BigramSampler
from textversions import find_versions
sampler = BigramSampler()
rng = np.random.default_rng(0)

def stream():  # generated 10,000 at a time, as a reader streams a big file
    for start in range(0, {count}, 10_000):
        texts = sampler.sample(min(10_000, {count} - start), 60, rng)
        if start == 0:
            texts[1] = texts[0]  # one planted duplicate
        yield from ((f"d{{start + n}}", text) for n, text in enumerate(texts))

started = time.perf_counter()
found = find_versions(stream())
result = {{"documents": {count}, "seconds": time.perf_counter() - started, "families": len(found.families),
          "relations": len(found.relations)}}
"""
    )


def long_pair(length: int) -> dict:  # type: ignore[type-arg]
    return _child(
        f"""
import numpy as np
from benchmarks.corpus import BigramSampler
from textversions import compare
text = BigramSampler().sample(1, {length}, np.random.default_rng(0))[0]
edited = text[: {length} // 2] + "新增一句话。" + text[{length} // 2 :]
started = time.perf_counter()
comparison = compare(text, edited)
assert comparison.apply(text) == edited
result = {{"length": {length}, "seconds": time.perf_counter() - started, "relation": comparison.relation}}
"""
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    count = 2_000 if args.quick else args.documents
    lengths = [10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000]
    print("| short documents (60 chars) | seconds | peak RSS MB | families |")
    print("|---:|---:|---:|---:|")
    row = short_documents(count)
    print(f"| {count:,} | {row['seconds']:.1f} | {row['peak_rss_mb']:,.0f} | {row['families']:,} |")
    print("\n| pair length (chars) | seconds | peak RSS MB |")
    print("|---:|---:|---:|")
    for length in lengths:
        row = long_pair(length)
        print(f"| {length:,} | {row['seconds']:.2f} | {row['peak_rss_mb']:,.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
