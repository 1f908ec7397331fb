"""Per-kind accuracy of the edit classifier on planted edits in real seed paragraphs.

    python benchmarks/edit_kinds.py [--per-kind 300] [--seed 0]

For each kind, plants one edit into randomly chosen seed paragraphs and counts
how often ``compare`` names exactly that kind (and nothing else), and that the
edits still rebuild the edited text. Prints a table; exits 1 if a kind is below
``--target`` (0.98).
"""

from __future__ import annotations

import argparse
import random
import sys
import time

from textversions import compare
from textversions.io import seed_corpus
from textversions.planting import PLANTABLE, paragraphs, plant


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-kind", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--target", type=float, default=0.98)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    texts = paragraphs([text for _, text in seed_corpus()])
    print(f"{'kind':<14}{'planted':>8}{'named':>8}{'accuracy':>10}{'lossless':>10}")
    worst = 1.0
    started = time.perf_counter()
    total = 0
    for kind in PLANTABLE:
        planted = named = lossless = 0
        while planted < args.per_kind:
            sample = plant(rng.choice(texts), kind, rng)
            if sample is None:
                continue
            planted += 1
            comparison = compare(sample.original, sample.edited)
            named += {edit.kind for edit in comparison.edits} == {kind}
            lossless += comparison.apply(sample.original) == sample.edited
        total += planted
        accuracy = named / planted
        worst = min(worst, accuracy, lossless / planted)
        print(f"{kind:<14}{planted:>8}{named:>8}{accuracy:>10.3f}{lossless / planted:>10.3f}")
    elapsed = time.perf_counter() - started
    print(f"{total} planted edits in {elapsed:.1f} s; lowest accuracy {worst:.3f} (target {args.target})")
    return 0 if worst >= args.target else 1


if __name__ == "__main__":
    sys.exit(main())
