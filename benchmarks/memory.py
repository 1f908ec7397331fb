"""Peak memory: a million short documents, a reprint storm, and one pair of ever longer documents.

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


def reprint_storm(count: int, identical: bool) -> dict:  # type: ignore[type-arg]
    """``count`` copies of one 2,000-character story (a wire story everyone reprints), or ``count`` distinct ones."""
    return _child(
        f"""
import numpy as np
from benchmarks.corpus import BigramSampler
from textversions import find_versions
sampler = BigramSampler()
rng = np.random.default_rng(0)
texts = sampler.sample(1, 2000, rng) * {count} if {identical} else sampler.sample({count}, 2000, rng)
started = time.perf_counter()
found = find_versions((f"d{{n}}", text) for n, text in enumerate(texts))
result = {{"seconds": time.perf_counter() - started, "relations": len(found.relations), "families": len(found.families)}}
"""
    )


def latin_pair(length: int, replaced: int) -> dict:  # type: ignore[type-arg]
    """A Latin-script text of ``length`` characters (Zipf-distributed words) against a copy with ``replaced`` words replaced."""
    return _child(
        f"""
import random
from textversions import compare
rng = random.Random(0)
vocabulary = ["".join(rng.choice("etaoinshrdlucmfwypvbgkjqxz"[: rng.randint(8, 26)]) for _ in range(rng.randint(2, 9)))
              for _ in range(5000)]
weights = [1 / (rank + 1) for rank in range(len(vocabulary))]
words = []
while sum(map(len, words)) + len(words) < {length}:
    words += rng.choices(vocabulary, weights, k=10_000)
text = " ".join(words)[: {length}]
edited_words = text.split(" ")
for position in rng.sample(range(len(edited_words)), {replaced}):
    edited_words[position] = "replaced" + str(position)
edited = " ".join(edited_words)
started = time.perf_counter()
comparison = compare(text, edited)
assert comparison.apply(text) == edited
result = {{"seconds": time.perf_counter() - started, "relation": comparison.relation,
          "coverage": min(comparison.scores.coverage_a, comparison.scores.coverage_b),
          "edits": len(comparison.substantive_edits), "approximate": comparison.approximate}}
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
    print("\n| reprint storm (2,000-char documents) | seconds | peak RSS MB | relations |")
    print("|---|---:|---:|---:|")
    for storm in ([2_000] if args.quick else [20_000, 40_000]):
        for identical in (True, False):
            row = reprint_storm(storm, identical)
            label = f"{storm:,} {'copies of one story' if identical else 'distinct stories'}"
            print(f"| {label} | {row['seconds']:.1f} | {row['peak_rss_mb']:,.0f} | {row['relations']:,} |")
    print("\n| Latin-script pair (chars, words replaced) | seconds | peak RSS MB | relation | coverage | edits | approximate |")
    print("|---|---:|---:|---|---:|---:|---|")
    for length, replaced in ([(100_000, 20)] if args.quick else [(1_000_000, 200), (2_500_000, 500)]):
        row = latin_pair(length, replaced)
        print(
            f"| {length:,}, {replaced} | {row['seconds']:.1f} | {row['peak_rss_mb']:,.0f} | {row['relation']} | "
            f"{row['coverage']:.3f} | {row['edits']:,} | {row['approximate']} |"
        )
    print("\n| pair length (chars) | seconds | peak RSS MB |")
    print("|---:|---:|---:|")
    for length in lengths:
        row = long_pair(length)
        print(f"| {length:,} | {row['seconds']:.2f} | {row['peak_rss_mb']:,.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
