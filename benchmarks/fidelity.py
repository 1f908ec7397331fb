"""Does textversions name real text the way an editor would? The fidelity benchmark.

    python benchmarks/fidelity.py [--workers 2] [--noisy 1500]

Reads the real development set (``benchmarks/realdata/``, built from public
repositories by ``benchmarks/realdata/build.py``): 新闻联播 stories scraped twice,
tldr pages in simplified and traditional Chinese, Bible chapters in two electronic
editions (traditional and simplified), their hard negatives (notices built on one
template) and hand-labelled edits. Then prints, per regime:

* **pairs**: recall of the known version pairs (each story's two scrapes, each
  command's simplified and traditional page) named ``duplicate``/``version``/
  ``contains``; precision of every such relation (both documents report one story);
  hard negatives kept apart; relation accuracy over known pairs and hard negatives
  together; family ARI against the stories. Side by side, datasketch ``MinHashLSH``
  (threshold 0.5, 128 permutations, character 5-grams of the same normalized text,
  the peers' dedup pipeline) on the same documents.
* **edits**: accuracy of the edit kind on the hand-labelled edits
  (``realdata/edits.jsonl``), per expected kind; furniture named as content
  (a substitution or number edit inside a dateline, tag, stamp or link) and tags
  called ``truncation`` are counted over every related pair: both should be 0.
* **two editions**: of the Bible chapter pairs found, the share with cosmetic edits
  only, and the substantive edits left, by kind, with the most frequent of them.
* **noisy**: ``--noisy`` stories of the set, each with 0.5–6% character noise
  (``planting.ocr_noise``: look-alike and random substitutions, dropped and doubled
  characters, as OCR of a printed page leaves them; link lines, which print lacks,
  left alone) and, for most, two paragraphs swapped, added to the set: the share of them named ``version``/``duplicate``/``contains`` with their story.
* **other months**: 新闻联播 transcripts of months the dev set does not hold
  (``realdata/xwlb-YYYY-MM.jsonl.gz``, ``build.py --months``), each scraped twice: pair
  precision and recall by the stories' titles, hard negatives kept apart, and what each month
  was used for — read while writing a rule, or held out and measured once, after.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import time
from collections import Counter, defaultdict
from math import comb
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from textversions import compare, find_versions  # noqa: E402
from textversions.classify import _furniture_line  # noqa: E402
from textversions.furniture import furniture_spans, within  # noqa: E402
from textversions.normalize import normalize  # noqa: E402
from textversions.planting import ocr_noise, swap_paragraphs  # noqa: E402
from textversions.shingle import sketch_shingles  # noqa: E402

DATA = ROOT / "benchmarks" / "realdata"
JOINING = ("duplicate", "version", "contains")


def load() -> tuple[dict[str, dict], list[dict], list[dict]]:
    with gzip.open(DATA / "devset.jsonl.gz", "rt", encoding="utf-8") as lines:
        documents = {row["id"]: row for row in map(json.loads, lines)}
    negatives = [json.loads(line) for line in (DATA / "pairs.jsonl").read_text("utf-8").splitlines() if line]
    edits = [json.loads(line) for line in (DATA / "edits.jsonl").read_text("utf-8").splitlines() if line]
    return documents, negatives, edits


def regime(doc_id: str) -> str:
    return doc_id.split("/")[0].split("-")[0]


def known_pairs(documents: dict[str, dict]) -> set[frozenset[str]]:
    """Each story's documents from different sources (scrapes, scripts): the versions we know."""
    by_story = defaultdict(list)
    for doc_id, row in documents.items():
        by_story[row["story"]].append(doc_id)
    pairs = set()
    for ids in by_story.values():
        for n, a in enumerate(ids):
            for b in ids[n + 1 :]:
                same_page = a.split("/", 1)[1] == b.split("/", 1)[1]
                if a.split("/")[0] != b.split("/")[0] and (regime(a) == "xwlb" or same_page):
                    pairs.add(frozenset((a, b)))
    return pairs


def adjusted_rand(labels: dict[str, str], clusters: dict[str, str]) -> float:
    """Adjusted Rand index of two labelings of the same ids (Hubert & Arabie)."""
    ids = sorted(labels)
    table = Counter((labels[i], clusters[i]) for i in ids)
    rows, cols = Counter(labels[i] for i in ids), Counter(clusters[i] for i in ids)
    index = sum(comb(n, 2) for n in table.values())
    row_sum, col_sum = sum(comb(n, 2) for n in rows.values()), sum(comb(n, 2) for n in cols.values())
    expected = row_sum * col_sum / comb(len(ids), 2)
    maximum = (row_sum + col_sum) / 2
    return (index - expected) / (maximum - expected) if maximum != expected else 1.0


def families_of(ids: list[str], pairs: set[frozenset[str]]) -> dict[str, str]:
    parent = {i: i for i in ids}

    def root(i: str) -> str:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for pair in pairs:
        a, b = sorted(pair)
        parent[max(root(a), root(b))] = min(root(a), root(b))
    return {i: root(i) for i in ids}


def datasketch_pairs(texts: dict[str, str]) -> set[frozenset[str]]:
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    sketches = {}
    for doc_id, text in texts.items():
        sketch = MinHash(num_perm=128)
        sketch.update_batch([s.encode("utf-8") for s in sketch_shingles(normalize(text).text, 5, fold_punctuation=False)] or [b""])
        sketches[doc_id] = sketch
        lsh.insert(doc_id, sketch)
    return {frozenset((a, b)) for a in texts for b in lsh.query(sketches[a]) if a < b}


def pair_table(name: str, predicted: set[frozenset[str]], documents: dict[str, dict], known: set, negatives: list) -> dict:
    story = {i: row["story"] for i, row in documents.items()}
    rows = {}
    for part in ("xwlb", "tldr", "bible", "all"):
        keep = (lambda pair: True) if part == "all" else (lambda pair: all(regime(i) == part for i in pair))
        known_part = {p for p in known if keep(p)}
        found = {p for p in predicted if keep(p)}
        correct = {p for p in found if len({story[i] for i in p}) == 1}
        hard = [frozenset((n["a"], n["b"])) for n in negatives if keep(frozenset((n["a"], n["b"])))]
        apart = sum(pair not in predicted for pair in hard)
        recall = len(known_part & found) / len(known_part) if known_part else 1.0
        ids = [i for i in documents if part == "all" or regime(i) == part]
        clusters = families_of(ids, {p for p in predicted if all(i in set(ids) for i in p)})
        rows[part] = {
            "recall": round(recall, 4),
            "precision": round(len(correct) / len(found), 4) if found else 1.0,
            "hard_negatives_apart": round(apart / len(hard), 4) if hard else 1.0,
            "relation_accuracy": round((len(known_part & found) + apart) / (len(known_part) + len(hard)), 4),
            "family_ari": round(adjusted_rand({i: story[i] for i in ids}, clusters), 4),
        }
    print(f"\n{name}")
    print(f"  {'regime':8} {'recall':>7} {'precision':>9} {'negatives apart':>15} {'relation acc':>12} {'family ARI':>10}")
    for part, row in rows.items():
        print(
            f"  {part:8} {row['recall']:7.3f} {row['precision']:9.3f} {row['hard_negatives_apart']:15.3f} "
            f"{row['relation_accuracy']:12.3f} {row['family_ari']:10.3f}"
        )
    return rows


def edit_table(edits: list[dict], documents: dict[str, dict]) -> dict:
    """Accuracy of the kind of each hand-labelled edit: an edit of that kind overlapping its span."""
    per_kind: dict[str, list[bool]] = defaultdict(list)
    cache: dict[tuple[str, str], object] = {}
    for row in edits:
        key = (row["a"], row["b"])
        if key not in cache:
            cache[key] = compare(documents[row["a"]]["text"], documents[row["b"]]["text"])
        found = cache[key].edits  # type: ignore[attr-defined]
        (a0, a1), (b0, b1) = row["a_span"], row["b_span"]

        def overlaps(edit) -> bool:  # type: ignore[no-untyped-def]
            on_a = edit.a_span[0] < a1 and a0 < edit.a_span[1] if a1 > a0 else edit.a_span[0] <= a0 <= edit.a_span[1]
            on_b = edit.b_span[0] < b1 and b0 < edit.b_span[1] if b1 > b0 else edit.b_span[0] <= b0 <= edit.b_span[1]
            return on_a and on_b

        kinds = {edit.kind for edit in found if overlaps(edit)}
        per_kind[row["kind"]].append(row["kind"] in kinds)
    total = [ok for oks in per_kind.values() for ok in oks]
    print(f"\nEdit kinds on {len(total)} hand-labelled edits: accuracy {sum(total) / len(total):.3f}")
    for kind, oks in sorted(per_kind.items()):
        print(f"  {kind:13} {sum(oks):4d} / {len(oks):<4d} {sum(oks) / len(oks):.3f}")
    return {"accuracy": round(sum(total) / len(total), 4), **{k: round(sum(v) / len(v), 4) for k, v in per_kind.items()}}


def furniture_misnamed(result, documents: dict[str, dict]) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Substitutions and numbers inside furniture on both sides; truncations that are only furniture (a tag)."""
    counts = Counter({"furniture typed as content": 0, "tag typed truncation": 0})
    for relation in result.relations:
        norms = normalize(documents[relation.a]["text"]), normalize(documents[relation.b]["text"])
        for edit in relation.comparison.edits:
            if edit.kind in ("substitution", "number"):
                inside = []
                for norm, (lo, hi) in zip(norms, (edit.a_span, edit.b_span)):
                    # Original span → normalized span (offsets never decrease).
                    start, end = (int(k) for k in np.searchsorted(norm.offsets, [lo, hi]))
                    inside.append(end > start and within(furniture_spans(norm.text), start, end) is not None)
                counts["furniture typed as content"] += all(inside)
            if edit.kind == "truncation" and all(
                _furniture_line(line) for line in (edit.a_text + edit.b_text).splitlines() if line.strip()
            ):
                counts["tag typed truncation"] += 1
    return dict(counts)


def two_editions(result, documents: dict[str, dict]) -> dict:  # type: ignore[no-untyped-def]
    """Bible chapters in two editions: pairs found with cosmetic edits only, and the substantive edits left."""
    pairs = [r for r in result.relations if regime(r.a) == regime(r.b) == "bible" and documents[r.a]["story"] == documents[r.b]["story"]]
    left = [[e for e in r.comparison.edits if not e.cosmetic] for r in pairs]
    kinds = Counter(e.kind for edits in left for e in edits)
    common = Counter((e.kind, e.a_text.strip(), e.b_text.strip()) for edits in left for e in edits).most_common(8)
    clean = sum(not edits for edits in left)
    print(f"\nTwo editions (Bible chapters): {clean} of {len(pairs)} pairs with cosmetic edits only; substantive edits "
          f"left: {dict(kinds.most_common())}")
    print("  most frequent: " + "; ".join(f"{k} {a!r}→{b!r} ×{n}" for (k, a, b), n in common))
    return {"pairs": len(pairs), "cosmetic_only": clean, "substantive": dict(kinds)}


def noisy_versions(documents: dict[str, dict], count: int, seed: int) -> dict[str, tuple[str, str]]:
    """``{new id: (original id, noisy text)}`` for ``count`` stories of at least 300 characters."""
    rng = random.Random(seed)
    pool = sorted(i for i, row in documents.items() if len(row["text"]) >= 300 and regime(i) in ("xwlb", "tldr") and not i.startswith("tldr-tw"))
    made = {}
    for original in rng.sample(pool, min(count, len(pool))):
        text = documents[original]["text"]
        if rng.random() < 0.7:
            text = swap_paragraphs(text, rng)
        rate = rng.uniform(0.005, 0.06)
        # A printed page has no links: the web page's link lines stay as they are.
        text = "\n\n".join(p if "://" in p else ocr_noise(p, rate, rng) for p in text.split("\n\n"))
        made[f"noisy/{original}"] = (original, text)
    return made


MONTHS = {
    "2024-03": "read while writing dates_apart",
    "2025-09": "read while refining dates_apart's slips",
    "2023-06": "held out: measured after the rules, never read to write them",
    "2022-12": "held out: measured after sent_apart (seventh session); its errors read afterwards, nothing tuned",
    "2024-01": "held out: measured after sent_apart (seventh session); its errors read afterwards, nothing tuned",
}
"""The months of transcripts beside the dev set, and what each was used for."""


def other_months(workers: int) -> dict[str, dict]:
    """Pair precision and recall of ``find_versions`` on each month of :data:`MONTHS`; hard negatives kept apart."""
    print("\n| 新闻联播 month | documents | known pairs | precision | recall | negatives apart | used |")
    print("|---|---:|---:|---:|---:|---:|---|")
    figures = {}
    for month, use in MONTHS.items():
        with gzip.open(DATA / f"xwlb-{month}.jsonl.gz", "rt", encoding="utf-8") as lines:
            documents = {row["id"]: row for row in map(json.loads, lines)}
        negatives = [json.loads(line) for line in (DATA / f"xwlb-{month}-pairs.jsonl").read_text("utf-8").splitlines() if line]
        story = {i: row["story"] for i, row in documents.items()}
        known = known_pairs(documents)
        result = find_versions({i: row["text"] for i, row in documents.items()}, workers=workers)
        found = {frozenset((r.a, r.b)) for r in result.relations if r.kind in JOINING}
        correct = sum(len({story[i] for i in pair}) == 1 for pair in found)
        apart = sum(frozenset((n["a"], n["b"])) not in found for n in negatives)
        row = {"documents": len(documents), "known": len(known), "precision": round(correct / len(found), 4),
               "recall": round(len(known & found) / len(known), 4), "negatives_apart": round(apart / len(negatives), 4)}
        print(f"| {month} | {row['documents']:,} | {row['known']} | {row['precision']:.3f} | {row['recall']:.3f} | "
              f"{row['negatives_apart']:.3f} | {use} |")
        figures[month] = row
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--noisy", type=int, default=1500, help="noisy, reordered versions added (0: none)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    documents, negatives, edits = load()
    texts = {i: row["text"] for i, row in documents.items()}
    known = known_pairs(documents)
    print(f"{len(documents)} real documents, {len(known)} known version pairs, {len(negatives)} hard negatives, "
          f"{len(edits)} hand-labelled edits")

    started = time.perf_counter()
    result = find_versions(texts, workers=args.workers)
    elapsed = time.perf_counter() - started
    predicted = {frozenset((r.a, r.b)) for r in result.relations if r.kind in JOINING}
    figures = {"find_versions_seconds": round(elapsed, 2)}
    figures["textversions"] = pair_table(f"textversions find_versions ({elapsed:.1f} s)", predicted, documents, known, negatives)
    started = time.perf_counter()
    baseline = datasketch_pairs(texts)
    figures["datasketch"] = pair_table(
        f"datasketch MinHashLSH, threshold 0.5 ({time.perf_counter() - started:.1f} s)", baseline, documents, known, negatives
    )
    figures["edits"] = edit_table(edits, documents)
    figures["misnamed"] = furniture_misnamed(result, documents)
    print(f"\nFurniture named as content, tags named truncation: {figures['misnamed']}")
    figures["two_editions"] = two_editions(result, documents)

    if args.noisy:
        made = noisy_versions(documents, args.noisy, args.seed)
        corpus = {**texts, **{i: text for i, (_, text) in made.items()}}
        started = time.perf_counter()
        noisy_result = find_versions(corpus, workers=args.workers)
        elapsed = time.perf_counter() - started
        joined = {frozenset((r.a, r.b)) for r in noisy_result.relations if r.kind in JOINING}
        family = {i: family[0] for family in noisy_result.families for i in family}
        direct = sum(frozenset((i, original)) in joined for i, (original, _) in made.items())
        together = sum(family[i] == family[original] for i, (original, _) in made.items())
        figures["noisy"] = {"documents": len(corpus), "planted": len(made), "named": round(direct / len(made), 4),
                            "same_family": round(together / len(made), 4), "seconds": round(elapsed, 2)}
        print(f"\nNoisy, reordered versions: {len(made)} planted among {len(corpus)} documents ({elapsed:.1f} s): "
              f"{direct / len(made):.3f} named version/duplicate/contains, {together / len(made):.3f} in their story's family")
    figures["months"] = other_months(args.workers)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), "utf-8")


if __name__ == "__main__":
    main()
