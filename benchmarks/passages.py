"""Copied passages found whole: a text-alignment benchmark in the measures of PAN.

    python benchmarks/passages.py [--cases 150] [--seed 7]

Cases are built from real documents of the development sets (Reuters-21578 wire
stories in English, 新闻联播 transcripts in Chinese): for each case, one to three
passages of a *source* document (80–600 characters, cut at word or sentence
boundaries) are copied with light noise — English: 3% of the words replaced,
dropped or doubled; Chinese: 2% OCR-like slips (``planting.ocr_noise``) — into an
unrelated *suspicious* document (no run of eight words, or twenty characters, in
common with the source), at random places and in shuffled order. The
truth is each passage's span in both documents.

Detections are what textversions reports for ``compare(source, suspicious)``:
its ``passages`` as they are. Side by side, a difflib baseline: matching blocks of
word tokens (Chinese: characters) from ``SequenceMatcher(autojunk=False)``, joined
across gaps of up to three tokens, kept from 40 characters.

Measures (Potthast et al., "An Evaluation Framework for Plagiarism Detection",
COLING 2010), over the characters of both documents: precision (share of detected
characters that belong to a case they detect), recall (share of case characters
detected), granularity (detections per detected case, 1 is best) and
``plagdet = F1 / log2(1 + granularity)``.
"""

from __future__ import annotations

import argparse
import difflib
import gzip
import json
import math
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from textversions import compare  # noqa: E402
from textversions.planting import ocr_noise  # noqa: E402

DATA = ROOT / "benchmarks" / "realdata"
Span = tuple[int, int]
Case = tuple[Span, Span]  # (source span, suspicious span)


def documents() -> dict[str, list[str]]:
    with gzip.open(DATA / "english.jsonl.gz", "rt", encoding="utf-8") as lines:
        english = [row["text"] for row in map(json.loads, lines)]
    with gzip.open(DATA / "devset.jsonl.gz", "rt", encoding="utf-8") as lines:
        chinese = [row["text"] for row in map(json.loads, lines) if row["id"].startswith("xwlb-d")]
    # The transcripts' closing link to the web page is furniture, not text to copy.
    chinese = [re.sub(r"\n*\[查看原文\]\([^)]*\)\s*$", "", text) for text in chinese]
    return {"English": [t for t in english if len(t) >= 700], "Chinese": [t for t in chinese if len(t) >= 400]}


def _unrelated(a: str, b: str) -> bool:
    """No run of eight words (Chinese: twenty characters) in common: nothing shared before the copying."""
    def grams(text: str) -> set[str]:
        tokens = re.findall(r"\w+", text.lower()) if text.isascii() else list(re.sub(r"\s", "", text))
        size = 8 if text.isascii() else 20
        return {" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}

    return not grams(a) & grams(b)


def _boundaries(text: str, script: str) -> list[int]:
    pattern = r"(?<=[.!?;,])\s+" if script == "English" else r"(?<=[。！？；，])"
    return [0] + [m.end() for m in re.finditer(pattern, text)]


def _noisy(passage: str, script: str, words: list[str], rng: random.Random) -> str:
    if script == "Chinese":
        return ocr_noise(passage, 0.02, rng)
    out = []
    for word in passage.split(" "):
        roll = rng.random()
        if roll < 0.01:
            out.append(rng.choice(words))
        elif roll < 0.02:
            continue
        elif roll < 0.03:
            out.extend([word, word])
        else:
            out.append(word)
    return " ".join(out)


def make_case(texts: list[str], script: str, rng: random.Random) -> tuple[str, str, list[Case]]:
    """A source, a suspicious document holding noisy copies of 1–3 of its passages, and the truth."""
    source, host = rng.sample(texts, 2)
    while not _unrelated(source, host):
        source, host = rng.sample(texts, 2)
    words = host.split()
    low, high = (150, 600) if script == "English" else (80, 300)
    cuts = _boundaries(source, script)
    chosen: list[Span] = []
    for _ in range(rng.randint(1, 3)):
        for _attempt in range(20):
            start = rng.choice(cuts)
            end = next((c for c in cuts if c >= start + low), len(source))
            end = min(end, start + high)
            if end - start >= low // 2 and all(end <= s or start >= e for s, e in chosen):
                chosen.append((start, end))
                break
    copies = [(span, _noisy(source[span[0] : span[1]], script, words, rng)) for span in chosen]
    rng.shuffle(copies)
    places = sorted(rng.sample(_boundaries(host, script), min(len(copies), len(_boundaries(host, script)))))
    pieces, truth, position, taken = [], [], 0, 0
    for place, (span, copy) in zip(places, copies):
        pieces.append(host[taken:place])
        position += place - taken
        truth.append((span, (position, position + len(copy))))
        pieces.append(copy)
        position += len(copy)
        taken = place
    pieces.append(host[taken:])
    return source, "".join(pieces), truth


def textversions_detections(source: str, suspicious: str) -> list[Case]:
    return [(p.a_span, p.b_span) for p in compare(source, suspicious).passages]


def difflib_detections(source: str, suspicious: str) -> list[Case]:
    """Matching blocks of word tokens (Chinese: characters), joined across gaps of up to three tokens."""
    def tokens(text: str) -> list[re.Match[str]]:
        return list(re.finditer(r"[a-zA-Z0-9]+|[^\sa-zA-Z0-9]", text.lower()))

    ta, tb = tokens(source), tokens(suspicious)
    blocks = difflib.SequenceMatcher(None, [t.group() for t in ta], [t.group() for t in tb], autojunk=False).get_matching_blocks()
    joined: list[list[int]] = []
    for a, b, size in blocks:
        if not size:
            continue
        if joined and a - joined[-1][1] <= 3 and b - joined[-1][3] <= 3:
            joined[-1][1], joined[-1][3] = a + size, b + size
        else:
            joined.append([a, a + size, b, b + size])
    found = [((ta[a0].start(), ta[a1 - 1].end()), (tb[b0].start(), tb[b1 - 1].end())) for a0, a1, b0, b1 in joined]
    return [(a, b) for a, b in found if min(a[1] - a[0], b[1] - b[0]) >= 40]


def _overlap(x: Span, y: Span) -> int:
    return max(0, min(x[1], y[1]) - max(x[0], y[0]))


def _chars(spans: list[Case]) -> tuple[set[int], set[int]]:
    return ({i for (s, _) in spans for i in range(*s)}, {i for (_, t) in spans for i in range(*t)})


def pan_measures(cases: list[list[Case]], detections: list[list[Case]]) -> dict[str, float]:
    """PAN's macro precision and recall over both documents' characters, granularity and plagdet."""
    precisions, recalls, granularities = [], [], []
    for truth, found in zip(cases, detections):
        for case in truth:
            hits = [d for d in found if _overlap(case[0], d[0]) and _overlap(case[1], d[1])]
            a, b = _chars([case])
            da, db = _chars(hits)
            recalls.append((len(a & da) + len(b & db)) / (len(a) + len(b)))
            if hits:
                granularities.append(len(hits))
        for detection in found:
            owned = [c for c in truth if _overlap(c[0], detection[0]) and _overlap(c[1], detection[1])]
            a, b = _chars([detection])
            ca, cb = _chars(owned)
            precisions.append((len(a & ca) + len(b & cb)) / (len(a) + len(b)))
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls)
    granularity = sum(granularities) / len(granularities) if granularities else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "granularity": granularity, "plagdet": f1 / math.log2(1 + granularity)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=150)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print("| script | method | cases | passages | precision | recall | granularity | plagdet | seconds |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for script, texts in documents().items():
        rng = random.Random(args.seed)
        built = [make_case(texts, script, rng) for _ in range(args.cases)]
        truths = [truth for _, _, truth in built]
        for name, detect in (("textversions passages", textversions_detections), ("difflib word blocks", difflib_detections)):
            start = time.perf_counter()
            found = [detect(source, suspicious) for source, suspicious, _ in built]
            seconds = time.perf_counter() - start
            m = pan_measures(truths, found)
            print(
                f"| {script} | {name} | {len(built)} | {sum(map(len, truths))} | {m['precision']:.3f} | {m['recall']:.3f} "
                f"| {m['granularity']:.2f} | {m['plagdet']:.3f} | {seconds:.1f} |"
            )


if __name__ == "__main__":
    main()
