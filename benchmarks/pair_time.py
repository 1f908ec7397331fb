"""Time per verified candidate pair: this tree against an earlier commit, in the same run.

    python benchmarks/pair_time.py --before 969e1b4        # the commit before the redesign (issue 12)
    python benchmarks/pair_time.py --before 969e1b4 --quick

Each measurement is a fresh process running ``find_versions(docs, workers=1)`` on one corpus, with
the source tree on its path; it reads the time from the last ``sketch`` progress call to the end —
candidate pairing, the corpus-common shingles, then verification, alignment and typing of every
candidate pair — and divides by the number of candidate pairs (the ``align`` total). Runs of the two
trees alternate, so the machine's noise falls on both; the table gives medians. The earlier commit is
checked out once, as a git worktree under ``benchmarks/.cache/``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / ".cache"

_MEASURE = r"""
import gzip, json, sys, time
from textversions import find_versions
path = sys.argv[1]
opener = gzip.open if path.endswith(".gz") else open
with opener(path, "rt", encoding="utf-8") as lines:
    docs = [(record["id"], record["text"]) for record in map(json.loads, lines) if not record["id"].startswith("bible")]
marks = {}
def progress(stage, done, total):
    marks[stage] = (time.perf_counter(), total)
result = find_versions(docs, progress=progress)
end = time.perf_counter()
print(json.dumps({"seconds": end - marks["sketch"][0], "pairs": marks.get("align", (0, 0))[1],
                  "relations": len(result.relations)}))
"""


def _tree(revision: str) -> Path:
    """A worktree of ``revision`` (made once)."""
    sha = subprocess.run(["git", "rev-parse", revision], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    where = CACHE / f"tree-{sha[:12]}"
    if not where.exists():
        subprocess.run(["git", "worktree", "add", "--detach", str(where), sha], cwd=ROOT, check=True, capture_output=True)
    return where


def _measure(source: Path, corpus: Path) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(source / "src")}
    out = subprocess.run([sys.executable, "-c", _MEASURE, str(corpus)], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _corpora(quick: bool) -> dict[str, Path]:
    found = {"real news (fidelity dev set, 2,010 docs)": HERE / "realdata" / "devset.jsonl.gz"}
    if quick:
        return found
    sys.path.insert(0, str(ROOT))
    from benchmarks.corpus import corpus_file

    found["generated, 10k docs"] = corpus_file(10_000)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, help="the earlier commit (e.g. 969e1b4)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="the real-news corpus only, one run each")
    args = parser.parse_args()
    repeat = 1 if args.quick else args.repeat
    trees = {f"before ({args.before})": _tree(args.before), "after (this tree)": ROOT}
    print("| corpus | code | candidate pairs | relations | pair stage, s | ms per pair |")
    print("|---|---|---:|---:|---:|---:|")
    for name, corpus in _corpora(args.quick).items():
        for tree in trees.values():
            _measure(tree, corpus)  # warm-up: numba compiles its kernels into this tree's cache
        runs: dict[str, list[dict[str, float]]] = {label: [] for label in trees}
        for _ in range(repeat):
            for label, tree in trees.items():
                runs[label].append(_measure(tree, corpus))
        medians = {}
        for label, measured in runs.items():
            seconds = statistics.median(run["seconds"] for run in measured)
            pairs, relations = measured[0]["pairs"], measured[0]["relations"]
            medians[label] = seconds / max(1, pairs) * 1000
            print(f"| {name} | {label} | {pairs:,} | {relations:,} | {seconds:.2f} | {medians[label]:.2f} |")
        before, after = medians.values()
        print(f"| {name} | ratio | | | | {before / after:.2f}x |")


if __name__ == "__main__":
    main()
