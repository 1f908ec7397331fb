"""A deterministic news-like corpus with planted versions, for benchmarks.

Documents are ~2,000 characters of text sampled from the character bigrams of
the seed corpus (so character frequencies, punctuation and numbers look like
Chinese news, yet no two documents share passages by accident). A share of
them (``versions``, default 10%) are edited copies of another document: 1–4
planted edits each (character substitutions, number rewrites, captions,
insertions, deletions, truncation, width, script and layout changes), and a
quarter of those are embedded in a longer 'page' between unrelated text.

The ``dense`` regime plants what a printed page read by OCR or heavy copy-editing
gives instead: 0.5–6% of the characters slipped (``planting.ocr_noise``) and, in
a third of the versions, two paragraphs swapped.

    from benchmarks.corpus import generate
    corpus = generate(10_000, seed=0)
    corpus.docs        # list of (id, text)
    corpus.planted     # set of (base id, version id)

    path = corpus_file(100_000)   # the same corpus as JSONL (cached), to stream from disk
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from textversions.io import seed_corpus
from textversions.planting import ocr_noise, plant, swap_paragraphs

EDIT_KINDS = (
    "number",
    "substitution",
    "insertion",
    "deletion",
    "caption",
    "width",
    "script",
    "whitespace",
    "truncation",
    "boilerplate",
)


@dataclass(frozen=True)
class Corpus:
    docs: list[tuple[str, str]]
    planted: set[tuple[str, str]]


class BigramSampler:
    """Samples text from the character bigrams of the seed corpus, many documents at once."""

    def __init__(self) -> None:
        source = "".join(text.replace("\n", "") for _, text in seed_corpus())
        codes = np.frombuffer(source.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        followers = codes[:-1]
        order = np.argsort(followers, kind="stable")
        self.positions = order  # positions i whose code is sorted; next char is codes[i + 1]
        self.sorted_codes = followers[order]
        self.codes = codes

    def sample(self, count: int, length: int, rng: np.random.Generator) -> list[str]:
        start = rng.integers(0, len(self.codes) - 1, size=count)
        current = self.codes[start]
        out = np.empty((count, length), dtype=np.uint32)
        for step in range(length):
            out[:, step] = current
            lo = np.searchsorted(self.sorted_codes, current, "left")
            hi = np.searchsorted(self.sorted_codes, current, "right")
            pick = lo + (rng.random(count) * (hi - lo)).astype(np.int64)
            current = self.codes[self.positions[np.minimum(pick, len(self.positions) - 1)] + 1]
        return [row.tobytes().decode("utf-32-le") for row in out]


def _paragraphs(text: str, rng: random.Random) -> str:
    """Break sampled text into paragraphs after some sentence ends, as articles are."""
    pieces = []
    for sentence in text.split("。"):
        pieces.append(sentence + "。")
        if rng.random() < 0.3:
            pieces.append("\n\n")
    return "".join(pieces)[: len(text)]


def _version(text: str, rng: random.Random) -> str:
    edited = text
    for _ in range(rng.randint(1, 4)):
        planted = plant(edited, rng.choice(EDIT_KINDS), rng)
        if planted is not None:
            edited = planted.edited
    return edited


def _dense_version(text: str, rng: random.Random) -> str:
    edited = ocr_noise(text, rng.uniform(0.005, 0.06), rng)
    return swap_paragraphs(edited, rng, keep_first=False) if rng.random() < 1 / 3 else edited


REGIMES = {"edits": _version, "dense": _dense_version}


def generate(
    count: int, *, seed: int = 0, versions: float = 0.1, length: int = 2000, regime: str = "edits"
) -> Corpus:
    """``count`` documents, ``versions`` of them planted versions of others (``regime``: "edits" or "dense")."""
    make_version = REGIMES[regime]
    rng = random.Random(seed)
    numpy_rng = np.random.default_rng(seed)
    sampler = BigramSampler()
    n_versions = int(count * versions)
    n_base = count - n_versions
    texts = [_paragraphs(t, rng) for t in sampler.sample(n_base, length, numpy_rng)]
    docs = [(f"doc{n:07d}", text) for n, text in enumerate(texts)]
    filler = sampler.sample(max(1, n_versions), length, numpy_rng)
    planted: set[tuple[str, str]] = set()
    for n in range(n_versions):
        base_number = rng.randrange(n_base)
        base_id, base_text = docs[base_number]
        text = make_version(base_text, rng)
        if rng.random() < 0.25:
            around = filler[n]
            cut = rng.randrange(len(around))
            text = _paragraphs(around[:cut], rng) + "\n\n" + text + "\n\n" + _paragraphs(around[cut:], rng)
        version_id = f"ver{n:07d}"
        docs.append((version_id, text))
        planted.add((base_id, version_id))
    rng.shuffle(docs)
    return Corpus(docs=docs, planted=planted)


CACHE = Path(__file__).resolve().parent / ".cache"


def corpus_file(count: int, *, seed: int = 0, regime: str = "edits") -> Path:
    """``generate(count, seed=seed, regime=regime)`` written as JSONL (``{"id", "text"}`` a line), its planted pairs beside it.

    Made once and kept in ``benchmarks/.cache``: the generator is deterministic, and
    a benchmark that streams the file measures the library's memory, not the generator's.
    """
    name = f"corpus-{count}-{seed}" if regime == "edits" else f"corpus-{regime}-{count}-{seed}"
    path = CACHE / f"{name}.jsonl"
    if not path.exists():
        corpus = generate(count, seed=seed, regime=regime)
        CACHE.mkdir(exist_ok=True)
        partial = path.with_suffix(".partial")
        with partial.open("w", encoding="utf-8") as out:
            for doc_id, text in corpus.docs:
                out.write(json.dumps({"id": doc_id, "text": text}, ensure_ascii=False) + "\n")
        planted_path(path).write_text(json.dumps(sorted(corpus.planted)), encoding="utf-8")
        partial.replace(path)
    return path


def planted_path(path: Path) -> Path:
    """Where :func:`corpus_file` keeps a corpus file's planted ``(base id, version id)`` pairs."""
    return path.with_suffix(".planted.json")


def load(path: Path) -> Corpus:
    """The corpus :func:`corpus_file` wrote, back in memory."""
    with path.open(encoding="utf-8") as lines:
        docs = [(record["id"], record["text"]) for record in map(json.loads, lines)]
    planted = {(base, version) for base, version in json.loads(planted_path(path).read_text(encoding="utf-8"))}
    return Corpus(docs=docs, planted=planted)
