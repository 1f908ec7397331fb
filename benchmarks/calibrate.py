"""calibrate on 2,000 documents: the time of the whole grid beside one find_versions run, on two corpora.

    python benchmarks/calibrate.py [--repeat 3] [--quick]

Corpora: the real development set (2,010 broadcast transcripts and tldr pages, committed in
``benchmarks/realdata``) sampled to 2,000, and 2,000 generated news-like documents
(``benchmarks/corpus.py``, 10% of them versions of others already). Each run plants 500
versions (a quarter of the sample) and measures the default grid (36 settings). Beside it, the
same planted corpus through ``find_versions`` once with the default options: the grid run
naively, one ``find_versions`` per setting, would take about 36 times that.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import generate  # noqa: E402

from textversions import calibrate, find_versions  # noqa: E402
from textversions.calibrate import plant_corpus  # noqa: E402

REALDATA = Path(__file__).resolve().parent / "realdata" / "devset.jsonl.gz"


def corpora(count: int) -> dict[str, list[tuple[str, str]]]:
    with gzip.open(REALDATA, "rt", encoding="utf-8") as lines:
        real = [(d["id"], d["text"]) for d in map(json.loads, lines) if not d["id"].startswith("bible")]  # the news and pages
    return {"real (devset)": real, "generated": list(generate(count, seed=0).docs)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="200 documents, one run")
    args = parser.parse_args()
    count = 200 if args.quick else 2000
    repeat = 1 if args.quick else args.repeat
    print(f"## calibrate on {count:,} documents (median of {repeat}; one core)\n")
    print("| corpus | planted | settings | calibrate s (runs) | one find_versions s | naive grid s (est.) | calibrate is | recommended | recall | precision |")
    print("|---|---:|---:|---:|---:|---:|---:|---|---:|---:|")
    slowest = 0.0
    for name, docs in corpora(count).items():
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            calibration = calibrate(docs, sample=count, target_recall=0.95)
            times.append(time.perf_counter() - start)
        planted = plant_corpus(docs, sample=count)
        start = time.perf_counter()
        find_versions(planted.docs)
        once = time.perf_counter() - start
        seconds = statistics.median(times)
        naive = once * len(calibration.settings)
        chosen = calibration.recommended
        setting = ", ".join(f"{k} {v:g}" for k, v in chosen.options.items())
        print(
            f"| {name} | {calibration.planted} | {len(calibration.settings)} | {seconds:.1f} ({', '.join(f'{t:.1f}' for t in times)}) | "
            f"{once:.1f} | {naive:.0f} | "
            f"{naive / seconds:.1f}x faster | {setting}{'' if calibration.reached else ' (target not reached)'} | "
            f"{chosen.recall:.3f} | {chosen.precision:.3f} |"
        )
        slowest = max(slowest, seconds)
    verdict = "met" if slowest <= 60 else "NOT met"
    print(f"\nTarget: calibrate on {count:,} documents in <= 60 s — {verdict} (slowest corpus: {slowest:.1f} s).")


if __name__ == "__main__":
    main()
