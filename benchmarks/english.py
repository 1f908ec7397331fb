"""English wire copy: are candidates worth checking, and are the relations right? The English benchmark.

    python benchmarks/english.py [--repeat 3] [--workers 2]

Reads the English development set (``benchmarks/realdata/english.jsonl.gz``, built
by ``benchmarks/realdata/build_english.py``: 1,855 Reuters-21578 wire stories whose
re-sent, corrected and rewritten versions were read and labelled by hand, among
hundreds of notices on one template). Prints for each method, in the same run:

* candidate pairs per document, and the share of them that end as a relation;
* pair precision and recall of the version pairs (``duplicate``/``version``/
  ``contains``) against the stories; ``unsure`` pairs left out;
* template pairs (different stories sharing at least half of the shorter text's
  words) kept apart;
* documents per second and MB per second (median of ``--repeat`` runs).

The methods: textversions as it is (word shingles in the sketch); textversions
with character shingles in the sketch (``word_shingles=False``, how it sketched
before); datasketch ``MinHashLSH`` on word 5-grams (the text-dedup default: text
lower-cased, split on non-word characters, 250 permutations, threshold 0.7), its
candidates taken as its answer. Then the same for the documentation-page set
(``realdata/pages.jsonl.gz``, built by ``realdata/build_pages.py``: English tldr
pages in three commits of their histories, 500 files of ``pages/common`` read while
writing the rules and 500 of ``pages/linux`` held out; the versions of one file are
one page). Then the held-out Reuters files (``realdata/english-heldout.jsonl.gz``:
1,832 stories never read while writing rules): the precision of what textversions
relates there, by the pairs read afterwards. Last, for scale, textversions on the Chinese
real-news development set (``realdata/devset.jsonl.gz``: 新闻联播 transcripts and
tldr pages, 2,010 documents) in the same run: documents and MB per second only.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from textversions import find_versions  # noqa: E402
from textversions.options import Options  # noqa: E402

DATA = ROOT / "benchmarks" / "realdata"
JOINING = ("duplicate", "version", "contains")
Pair = frozenset[str]


def load() -> tuple[dict[str, dict], list[dict]]:
    with gzip.open(DATA / "english.jsonl.gz", "rt", encoding="utf-8") as lines:
        documents = {row["id"]: row for row in map(json.loads, lines)}
    pairs = [json.loads(line) for line in (DATA / "english-pairs.jsonl").read_text("utf-8").splitlines() if line]
    return documents, pairs


def same_story(documents: dict[str, dict]) -> set[Pair]:
    members = defaultdict(list)
    for doc_id, row in documents.items():
        members[row["story"]].append(doc_id)
    return {frozenset((a, b)) for ids in members.values() for n, a in enumerate(ids) for b in ids[n + 1 :]}


def textversions(options: Options, workers: int) -> Callable[[dict[str, str]], tuple[set[Pair], int, int]]:
    def run(texts: dict[str, str]) -> tuple[set[Pair], int, int]:
        candidates = [0]

        def progress(stage: str, done: int, total: int) -> None:
            if stage == "align":  # the total of the align stage is the number of candidate pairs
                candidates[0] = total

        result = find_versions(texts, options=options, workers=workers, progress=progress)
        joined = {frozenset((r.a, r.b)) for r in result.relations if r.kind in JOINING}
        return joined, len(result.relations), candidates[0]

    return run


def datasketch_words(texts: dict[str, str]) -> tuple[set[Pair], int, int]:
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=0.7, num_perm=250)
    sketches = {}
    for doc_id, text in texts.items():
        words = [w for w in re.split(r"\W+", text.lower()) if w]
        grams = {" ".join(words[i : i + 5]) for i in range(max(1, len(words) - 4))}
        sketch = MinHash(num_perm=250)
        sketch.update_batch([g.encode("utf-8") for g in grams])
        sketches[doc_id] = sketch
        lsh.insert(doc_id, sketch)
    found = {frozenset((a, b)) for a in texts for b in lsh.query(sketches[a]) if a != b}
    return found, len(found), len(found)


def timed(method: Callable[[dict[str, str]], tuple[set[Pair], int, int]], texts: dict[str, str], repeat: int) -> tuple[set[Pair], int, int, float]:
    """A method's answer on ``texts``: ``(joined pairs, relations, candidates, median seconds of repeat runs)``."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        joined, related, candidates = method(texts)
        times.append(time.perf_counter() - start)
    return joined, related, candidates, statistics.median(times)


def documentation_pages(repeat: int, workers: int) -> None:
    """The documentation-page set: pair precision and recall of each method on each sample, in its own table."""
    with gzip.open(DATA / "pages.jsonl.gz", "rt", encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines]
    methods = {"textversions": textversions(Options(), workers), "datasketch MinHashLSH, word 5-grams": datasketch_words}
    print()
    print("| documentation pages | documents | same-page pairs | method | candidates / doc | precision | recall | docs/s |")
    print("|---|---:|---:|---|---:|---:|---:|---:|")
    for sample in ("common", "linux"):
        documents = {row["id"]: row for row in rows if row["sample"] == sample}
        texts = {doc_id: row["text"] for doc_id, row in documents.items()}
        truth = same_story(documents)
        for name, method in methods.items():
            joined, _, candidates, seconds = timed(method, texts, repeat)
            precision = len(joined & truth) / len(joined) if joined else 1.0
            print(
                f"| {sample} | {len(texts):,} | {len(truth):,} | {name} | {candidates / len(texts):.3f} | {precision:.3f} "
                f"| {len(joined & truth) / len(truth):.3f} | {len(texts) / seconds:,.0f} |"
            )
    print()


def held_out(workers: int) -> None:
    """The held-out Reuters files: the precision of what textversions relates there, by the pairs read afterwards (a
    pair no run related was not read, so there is no recall); a related pair nobody read is counted apart."""
    with gzip.open(DATA / "english-heldout.jsonl.gz", "rt", encoding="utf-8") as lines:
        texts = {row["id"]: row["text"] for row in map(json.loads, lines)}
    read = {
        frozenset((pair["a"], pair["b"])): pair["truth"]
        for pair in map(json.loads, (DATA / "english-heldout-pairs.jsonl").read_text("utf-8").splitlines())
    }
    joined, *_ = textversions(Options(), workers)(texts)
    right = sum(read.get(pair) == "same" for pair in joined)
    judged = sum(pair in read for pair in joined)
    print()
    print("| held-out Reuters (reut2-002, -003) | documents | pairs related | read: same story | precision | unread |")
    print("|---|---:|---:|---:|---:|---:|")
    print(f"| textversions | {len(texts):,} | {len(joined)} | {right} | {right / max(1, judged):.3f} | {len(joined) - judged} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    documents, pairs = load()
    texts = {doc_id: row["text"] for doc_id, row in documents.items()}
    megabytes = sum(len(t.encode("utf-8")) for t in texts.values()) / 1e6
    truth = same_story(documents)
    unsure = {frozenset((p["a"], p["b"])) for p in pairs if p["truth"] == "unsure"}
    templates = {frozenset((p["a"], p["b"])) for p in pairs if p["truth"] == "different" and p["word_coverage"] >= 0.5}
    print(f"{len(texts):,} documents, {megabytes:.2f} MB, {len(truth)} same-story pairs, {len(templates)} template pairs")
    print()
    print("| method | candidates / doc | candidates → relation | precision | recall | templates apart | docs/s | MB/s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    methods = {
        "textversions (word shingles)": textversions(Options(), args.workers),
        "textversions (character shingles, before)": textversions(Options(word_shingles=False), args.workers),
        "datasketch MinHashLSH, word 5-grams": datasketch_words,
    }
    for name, method in methods.items():
        joined, related, candidates, seconds = timed(method, texts, args.repeat if "before" not in name else 1)
        judged = joined - unsure
        precision = len(judged & truth) / len(judged) if judged else 1.0
        recall = len(joined & truth) / len(truth)
        apart = 1 - len(joined & templates) / len(templates)
        print(
            f"| {name} | {candidates / len(texts):.3f} | {related / max(1, candidates):.2f} | {precision:.3f} "
            f"| {recall:.3f} | {apart:.3f} | {len(texts) / seconds:,.0f} | {megabytes / seconds:.2f} |"
        )
    held_out(args.workers)
    documentation_pages(args.repeat, args.workers)
    with gzip.open(DATA / "devset.jsonl.gz", "rt", encoding="utf-8") as lines:
        chinese = {row["id"]: row["text"] for row in map(json.loads, lines) if not row["id"].startswith("bible")}
    *_, seconds = timed(textversions(Options(), args.workers), chinese, args.repeat)
    chinese_mb = sum(len(t.encode("utf-8")) for t in chinese.values()) / 1e6
    print(
        f"| textversions on Chinese real news ({len(chinese):,} docs, {chinese_mb:.2f} MB) | | | | | | "
        f"{len(chinese) / seconds:,.0f} | {chinese_mb / seconds:.2f} |"
    )


if __name__ == "__main__":
    main()
