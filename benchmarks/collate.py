"""Collation speed: 20 witnesses of a 5,000-character story, textversions.collate beside CollateX.

    python benchmarks/collate.py [--witnesses 20] [--length 5000] [--repeat 5] [--peer-timeout 120] [--quick]

The story is the first ``--length`` characters of the seed front page (002, real news text);
witness 0 is the story itself, each other one the story with planted edits (numbers,
substitutions, insertions, deletions, captions, punctuation, width; ``textversions.planting``),
every fifth of them also in traditional script, every seventh with two paragraphs swapped,
every eleventh with 1% OCR-like noise. Each textversions run is checked lossless
(``text_of`` gives every witness back) before it counts.

CollateX (the Python package ``collatex``, if installed: ``pip install collatex python-Levenshtein``)
runs on the same witnesses twice: as it tokenizes by default (on whitespace — a Chinese
paragraph is one token), and with one token per character, the granularity textversions
collates at; each in a fresh process with ``--peer-timeout`` seconds, on 3 witnesses and on
all of them.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time

from textversions import collate
from textversions.io import seed_corpus
from textversions.normalize import converter
from textversions.planting import ocr_noise, plant, swap_paragraphs

_KINDS = ("number", "substitution", "insertion", "deletion", "caption", "punctuation", "width")

_COLLATEX = """
import json, sys, time
from collatex import Collation, collate
witnesses, by_character = json.load(sys.stdin)
if by_character:
    collation = Collation.create_from_dict(
        {"witnesses": [{"id": w, "tokens": [{"t": c} for c in text]} for w, text in witnesses.items()]}
    )
else:
    collation = Collation()
    for w, text in witnesses.items():
        collation.add_plain_witness(w, text)
start = time.perf_counter()
collate(collation, output="table", segmentation=False)
print(time.perf_counter() - start)
"""


def witnesses(count: int, length: int, seed: int = 0) -> dict[str, str]:
    """The story and ``count - 1`` planted versions of it (see the module docstring)."""
    story = dict(seed_corpus())["002_5c287f6b8ba9909e"][:length]
    rng = random.Random(seed)
    to_traditional = converter("s2t")
    out = {"w00": story}
    for n in range(1, count):
        text = story
        for _ in range(8):
            planted = plant(text, rng.choice(_KINDS), rng)
            text = planted.edited if planted else text
        if n % 5 == 0:
            text = to_traditional(text)
        if n % 7 == 0:
            text = swap_paragraphs(text, rng)
        if n % 11 == 0:
            text = ocr_noise(text, 0.01, rng)
        out[f"w{n:02d}"] = text
    return out


def time_textversions(texts: dict[str, str], repeat: int) -> tuple[float, int, int]:
    """Median seconds of ``repeat`` runs (after one warm-up), and the variants (all, substantive) found."""
    collation = collate(texts)  # warm-up: numba's compiled functions load once per process
    assert all(collation.text_of(w) == text for w, text in texts.items()), "collation is not lossless"
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        collate(texts)
        times.append(time.perf_counter() - start)
    return statistics.median(times), len(collation.variants), len(collation.substantive_variants)


def time_collatex(texts: dict[str, str], by_character: bool, timeout: float) -> float | None:
    """CollateX's seconds in a fresh process, or None if it is not installed or did not finish in ``timeout``."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", _COLLATEX], input=json.dumps([texts, by_character]),
            capture_output=True, text=True, timeout=timeout,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return float("inf")
    if done.returncode != 0:
        if "No module named" in done.stderr:
            return None
        raise RuntimeError(done.stderr[-2000:])
    return float(done.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--witnesses", type=int, default=20)
    parser.add_argument("--length", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--peer-timeout", type=float, default=120)
    parser.add_argument("--quick", action="store_true", help="5 witnesses of 1,500 characters, 2 runs, no peers")
    args = parser.parse_args()
    if args.quick:
        args.witnesses, args.length, args.repeat = 5, 1500, 2
    texts = witnesses(args.witnesses, args.length)
    seconds, variants, substantive = time_textversions(texts, args.repeat)
    print(f"## Collation: {args.witnesses} witnesses of a {args.length:,}-character story (median of {args.repeat})\n")
    print("| method | witnesses | granularity | seconds | textversions is |")
    print("|---|---:|---|---:|---:|")
    print(f"| textversions.collate | {args.witnesses} | character, typed | {seconds:.3f} | 1.0x |")
    if not args.quick:
        for count in sorted({3, args.witnesses}):
            subset = dict(list(texts.items())[:count])
            ours = seconds if count == args.witnesses else time_textversions(subset, args.repeat)[0]
            for by_character, granularity in ((False, "whitespace tokens"), (True, "character tokens")):
                theirs = time_collatex(subset, by_character, args.peer_timeout)
                if theirs is None:
                    print("| CollateX | – | – | not installed | – |")
                    break
                shown = f"> {args.peer_timeout:.0f} (stopped)" if theirs == float("inf") else f"{theirs:.3f}"
                ratio = f"{theirs / ours:.1f}x faster" if theirs != float("inf") else f"> {args.peer_timeout / ours:.0f}x faster"
                print(f"| CollateX 2.3 | {count} | {granularity} | {shown} | {ratio} (ours: {ours:.3f} s) |")
    print(f"\n{variants} variants, {substantive} substantive; every witness rebuilt exactly.")
    target = "met" if seconds <= 1.0 else "NOT met"
    print(f"Target: {args.witnesses} witnesses of {args.length:,} characters in <= 1 s — {target} ({seconds:.3f} s).")


if __name__ == "__main__":
    main()
