"""Calibrate on the user's own corpus: plant versions of its documents, try a grid of settings, measure.

A sample of the corpus is taken; versions of some of its documents are made from
the corpus's own material (:func:`plant_corpus`): words replaced by words of
other documents, passages inserted or deleted, figures changed, the end cut off,
the document printed inside a page of other documents, converted to traditional
script, slipped like OCR, paragraphs reordered — each at rates from light to heavy.
Then every setting of a grid of the options that matter (``threshold`` and
``window`` of the sketch, ``min_coverage`` and ``min_passage`` of the rule) is
measured on the planted pairs: recall (a planted version found as ``duplicate``,
``version`` or ``contains``), precision (of the relations that touch a planted
document, those that join it to its own story), per kind and per rate, and the
time per document.

The grid is cheap because it follows the pipeline: the sample is prepared once;
each ``(window, threshold)`` sketches and pairs the corpus once, exactly as
:func:`~textversions.find_versions` does; each candidate pair is aligned once
and judged under every ``(min_coverage, min_passage)``
(:func:`~textversions.compare.relations_under`). So a setting's figures are the
ones ``find_versions`` gives with it on the same corpus (``tests/test_calibrate.py``
checks that).

>>> docs = {f"d{n}": f"第{n}条消息：" + "株洲各行业各领域基层党组织奋勇争先，战斗在第一线、工作在最前沿，构筑起阻击疫情的坚固屏障。"[n % 5:] * 2 for n in range(8)}
>>> c = calibrate(docs, grid={"threshold": (0.3,), "window": (80,), "min_coverage": (0.5,), "min_passage": (40,)})
>>> c.recommended.options["threshold"], 0 <= c.recommended.recall <= 1
(0.3, True)
"""

from __future__ import annotations

import itertools
import json
import random
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Unpack

from .candidates import Buckets, candidate_pairs, shares_passage
from .common import corpus_common
from .compare import relations_under
from .errors import InvalidInput
from .find import checked_documents
from .families import JOINING
from .normalize import converter
from .options import OptionKeywords, Options
from .planting import ocr_noise, swap_paragraphs
from .shingle import prepare
from .sketch import sketch_keys_batch

__all__ = ["Calibration", "Setting", "calibrate", "plant_corpus", "CONDITIONS", "DEFAULT_GRID", "PLANTED_PREFIX"]

CONDITIONS: tuple[tuple[str, float], ...] = (
    ("substitution", 1), ("substitution", 4), ("substitution", 12),
    ("insertion", 1), ("insertion", 4), ("insertion", 12),
    ("deletion", 1), ("deletion", 4), ("deletion", 12),
    ("number", 1), ("number", 4),
    ("truncation", 0.4),
    ("page", 3),
    ("script", 1),
    ("noise", 0.01), ("noise", 0.03), ("noise", 0.06),
    ("reorder", 1),
)  # fmt: skip
"""``(kind, rate)`` of each planted version: edits (rate = how many), ``truncation`` (the share cut off),
``page`` (a page this many times the document's length), ``script`` (all of it), ``noise`` (share of
characters slipped), ``reorder`` (two paragraphs swapped)."""
DEFAULT_GRID: dict[str, tuple[Any, ...]] = {
    "threshold": (0.2, 0.3, 0.5),
    "window": (40, 80),
    "min_coverage": (0.4, 0.5, 0.6),
    "min_passage": (30, 40),
}
_JOINING = frozenset(JOINING) | {"contained_by"}
"""Relations that put two documents in one story, read either way (a pair is judged in corpus order)."""
PLANTED_PREFIX = "planted:"
"""The ids of planted documents start so: ``planted:<n>:<kind>:<rate>:<original id>``."""
_UNIT = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_\u2e80-\u9fff\uf900-\ufaff\u3040-\u30ff]+|\S")
"""A unit of text to edit: a run of digits, a word of an alphabetic script, or any other visible character (a Han character)."""


@dataclass(frozen=True)
class PlantedCorpus:
    """The sample and the versions planted in it: ``docs`` (sample first), and for each planted
    document its original, its condition and the documents whose text it borrowed (``donors``: a
    page holds theirs around the original's, so it may rightly contain them too)."""

    docs: tuple[tuple[str, str], ...]
    planted: tuple[tuple[str, str, str, float, tuple[str, ...]], ...]  # (planted id, original id, kind, rate, donors)
    skipped: tuple[tuple[str, float], ...]  # conditions no document of the sample could take


def plant_corpus(
    docs: Mapping[str, str] | Iterable[tuple[str, str]],
    *,
    sample: int = 2000,
    kinds: Sequence[str] | None = None,
    seed: int = 0,
) -> PlantedCorpus:
    """A sample of ``docs`` (at most ``sample``, chosen with ``seed``) and planted versions of some of them:
    one per condition of :data:`CONDITIONS` (of ``kinds``, if given) at least, a quarter of the sample at most
    (the conditions in turn), each made of the corpus's own material."""
    items = list(checked_documents(docs))
    if len(items) < 2:
        raise InvalidInput(f"calibrate needs at least two documents, got {len(items)}")
    conditions = [c for c in CONDITIONS if kinds is None or c[0] in kinds]
    unknown = sorted(set(kinds or ()) - {kind for kind, _ in CONDITIONS})
    if unknown:
        raise InvalidInput(f"unknown kind(s) {', '.join(map(repr, unknown))}; known: {', '.join(sorted({k for k, _ in CONDITIONS}))}")
    rng = random.Random(seed)
    if len(items) > sample:
        items = [items[n] for n in sorted(rng.sample(range(len(items)), sample))]
    taken = {doc_id for doc_id, _ in items}
    order = list(range(len(items)))
    rng.shuffle(order)
    count = max(len(conditions), len(items) // 4)
    planted, skipped, cursor = [], [], 0
    for n in range(count):
        kind, rate = conditions[n % len(conditions)]
        for attempt in range(len(items)):
            original = items[order[(cursor + attempt) % len(items)]]
            donors = [items[order[(cursor + attempt + k) % len(items)]] for k in (1, 2)]
            text = _plant(original[1], kind, rate, [donor[1] for donor in donors], rng)
            if text is not None and text != original[1]:
                cursor += attempt + 1
                planted_id = f"{PLANTED_PREFIX}{n}:{kind}:{rate:g}:{original[0]}"
                while planted_id in taken:
                    planted_id += "'"
                taken.add(planted_id)
                planted.append((planted_id, original[0], kind, rate, tuple(donor[0] for donor in donors), text))
                break
        else:
            if (kind, rate) not in skipped:
                skipped.append((kind, rate))
    return PlantedCorpus(
        docs=tuple(items) + tuple((p[0], p[5]) for p in planted),
        planted=tuple(p[:5] for p in planted),
        skipped=tuple(skipped),
    )


def _plant(text: str, kind: str, rate: float, donors: list[str], rng: random.Random) -> str | None:
    """``text`` with one planted condition, or ``None`` where it cannot take it (no figures, no paragraphs …)."""
    units = [m.span() for m in _UNIT.finditer(text)]
    material = [m.group() for donor in donors for m in _UNIT.finditer(donor)]
    if kind == "truncation":
        keep = units[int(len(units) * (1 - rate))][0] if len(units) > 4 else None
        return text[:keep] if keep else None
    if kind == "page":
        length = int(len(text) * (rate - 1) / 2)
        return f"{donors[0][:length]}\n\n{text}\n\n{donors[1][:length]}" if donors[0] and donors[1] else None
    if kind == "script":
        return converter("s2t")(text)
    if kind == "noise":
        return _noise(text, rate, rng)
    if kind == "reorder":
        return swap_paragraphs(text, rng, keep_first=False)
    places = {
        # A figure standing alone, not a digit inside a name (md5sum, COVID-19 are other names, not other figures).
        "number": [
            (start, end) for start, end in units
            if text[start].isdigit() and not (start and text[start - 1].isalpha()) and not text[end : end + 1].isalpha()
        ],
        "substitution": [span for span in units if not text[span[0]].isdigit() and text[span[0]].isalpha()],
    }.get(kind, units)
    if len(places) < rate or not material:
        return None
    chosen = sorted(rng.sample(places, int(rate)), reverse=True)  # from the end: earlier spans stay valid
    spaced = any(c == " " for c in text[:2000])
    out = text
    for start, end in chosen:
        if kind == "number":
            digits = [i for i in range(start, end) if out[i].isdigit()]
            at = digits[-1]
            out = out[:at] + str((int(out[at]) + rng.randint(1, 9)) % 10) + out[at + 1 :]
        elif kind == "substitution":
            words = [w for w in material if w.isalpha() and w != out[start:end]]
            if not words:
                return None
            out = out[:start] + rng.choice(words) + out[end:]
        elif kind == "insertion":
            first = rng.randrange(len(material))
            piece = (" " if spaced else "").join(material[first : first + rng.randint(3, 8)])
            out = out[:start] + piece + (" " if spaced else "") + out[start:]
        elif kind == "deletion":
            last = units[min(len(units) - 1, units.index((start, end)) + rng.randint(0, 4))][1]
            out = out[:start] + out[last:]
    return out


def _noise(text: str, rate: float, rng: random.Random) -> str:
    """OCR-like slips at ``rate``: :func:`~textversions.planting.ocr_noise` (look-alikes) for Chinese text;
    elsewhere a letter replaced, dropped or doubled, a third of the slips each."""
    if sum("\u4e00" <= c <= "\u9fff" for c in text) > len(text) / 4:
        return ocr_noise(text, rate, rng)

    def slip(letter: re.Match[str]) -> str:
        roll = rng.random()
        if roll >= rate:
            return letter.group()
        return (rng.choice("aeilnorstu"), "", letter.group() * 2)[min(2, int(3 * roll / rate))]

    return re.sub(r"[^\W\d_]", slip, text)


@dataclass(frozen=True)
class Setting:
    """One setting of the grid and what it gave on the planted corpus.

    ``recall``: planted versions found as ``duplicate``, ``version`` or ``contains``
    of their original; ``precision``: of the relations found that touch a planted
    document, those joining it to its own story (its original, or a document the
    original is related to); ``candidates``: pairs the sketch proposed;
    ``seconds_per_1000``: sketching the sample plus aligning this setting's
    candidates, on one core, per 1,000 documents. ``*_by_condition`` keys read
    ``kind@rate`` (``noise@0.03``); precision per condition counts the relations
    touching a planted document of that condition.
    """

    options: dict[str, Any]
    recall: float
    precision: float
    candidates: int
    found: int
    seconds_per_1000: float
    recall_by_kind: dict[str, float]
    recall_by_condition: dict[str, float]
    precision_by_condition: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass(frozen=True)
class Calibration:
    """What :func:`calibrate` measured: every setting, and the one recommended for ``target_recall``."""

    documents: int
    planted: int
    conditions: dict[str, int]
    skipped: tuple[str, ...]
    target_recall: float
    settings: tuple[Setting, ...]
    recommended: Setting
    reached: bool
    options: dict[str, Any]

    def command(self, corpus: str = "CORPUS") -> str:
        """The ``textversions find`` command line with the recommended setting (``corpus`` empty: the seed corpus)."""
        chosen = self.recommended.options
        flags = [f"--{name.replace('_', '-')} {chosen[name]}" for name in DEFAULT_GRID]
        return " ".join(["textversions find", *([corpus] if corpus else []), *flags])

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "planted": self.planted,
            "conditions": dict(self.conditions),
            "skipped": list(self.skipped),
            "target_recall": self.target_recall,
            "reached": self.reached,
            "recommended": self.recommended.to_dict(),
            "command": self.command(),
            "options": dict(self.options),
            "settings": [setting.to_dict() for setting in self.settings],
        }

    def to_json(self, **dumps_options: Any) -> str:
        dumps_options.setdefault("ensure_ascii", False)
        return json.dumps(self.to_dict(), **dumps_options)


def calibrate(
    docs: Mapping[str, str] | Iterable[tuple[str, str]],
    *,
    sample: int = 2000,
    kinds: Sequence[str] | None = None,
    grid: Mapping[str, Sequence[Any]] | None = None,
    target_recall: float = 0.99,
    seed: int = 0,
    options: Options | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    **keywords: Unpack[OptionKeywords],
) -> Calibration:
    """Measure a grid of settings on versions planted in a sample of ``docs`` (see the module docstring).

    ``grid`` maps option names (``threshold``, ``window``, ``min_coverage``,
    ``min_passage``) to the values to try; missing names keep :data:`DEFAULT_GRID`'s.
    The recommended setting is, among those reaching ``target_recall``, the most
    precise, then the fastest; if none does, the one with the highest recall (and
    ``reached`` is false); among equals, the one closest to the defaults. Other options (``options`` or keywords) hold for every
    setting. Deterministic for a given ``seed``.
    """
    if not 0 < target_recall <= 1:
        raise InvalidInput(f"target_recall must be in (0, 1], got {target_recall}")
    unknown = sorted(set(grid or {}) - set(DEFAULT_GRID))
    if unknown:
        raise InvalidInput(f"grid option(s) {', '.join(map(repr, unknown))} are not calibrated; use {', '.join(DEFAULT_GRID)}")
    values = {name: tuple((grid or {}).get(name, DEFAULT_GRID[name])) for name in DEFAULT_GRID}
    base = Options.of(options, **keywords)
    for name, tried in values.items():
        if not tried:
            raise InvalidInput(f"grid {name!r} has no values")
        for value in tried:
            Options.of(base, **{name: value})  # a value out of range is named before any work
    corpus = plant_corpus(docs, sample=sample, kinds=kinds, seed=seed)
    ids = [doc_id for doc_id, _ in corpus.docs]
    texts = [text for _, text in corpus.docs]
    position = {doc_id: n for n, doc_id in enumerate(ids)}
    truth = {tuple(sorted((position[p], position[o]))): (kind, rate) for p, o, kind, rate, _ in corpus.planted}
    planted_of = {position[p]: position[o] for p, o, _, _, _ in corpus.planted}
    borrowed = {position[p]: {position[d] for d in donors} for p, _, kind, _, donors in corpus.planted if kind == "page"}
    prepared = [prepare(text, base) for text in texts]
    common = corpus_common(texts, base)

    sketched: dict[tuple[int, float], tuple[set[tuple[int, int]], float]] = {}
    for number, (window, threshold) in enumerate(itertools.product(values["window"], values["threshold"])):
        started = time.perf_counter()
        sketch_options = Options.of(base, window=window, threshold=threshold)
        buckets = Buckets()
        buckets.add(*sketch_keys_batch(texts, sketch_options))
        sketched[(window, threshold)] = (set(candidate_pairs(buckets, sketch_options)), time.perf_counter() - started)
        if progress is not None:
            progress("sketch", number + 1, len(values["window"]) * len(values["threshold"]))
    candidates = set().union(*(pairs for pairs, _ in sketched.values()))
    passing = {
        min_passage: {pair for pair in candidates if shares_passage(prepared[pair[0]], prepared[pair[1]], min_passage=min_passage)}
        for min_passage in values["min_passage"]
    }
    rules = list(itertools.product(values["min_coverage"], values["min_passage"]))
    judged: dict[tuple[int, int], list[str]] = {}
    seconds: dict[tuple[int, int], float] = {}
    to_align = sorted(set().union(*passing.values()))
    for number, (i, j) in enumerate(to_align):
        started = time.perf_counter()
        judged[(i, j)] = relations_under(prepared[i], prepared[j], rules, base, common)
        seconds[(i, j)] = time.perf_counter() - started
        if progress is not None and number % 64 == 0:
            progress("align", number, len(to_align))

    settings = []
    for (window, threshold), min_coverage, min_passage in itertools.product(sketched, values["min_coverage"], values["min_passage"]):
        pairs, sketch_seconds = sketched[(window, threshold)]
        rule = rules.index((min_coverage, min_passage))
        verified = pairs & passing[min_passage]
        joined = {pair for pair in verified if judged[pair][rule] in _JOINING}
        settings.append(
            _measured(
                {"threshold": threshold, "window": window, "min_coverage": min_coverage, "min_passage": min_passage},
                joined, truth, planted_of, borrowed, len(pairs),
                (sketch_seconds + sum(seconds[pair] for pair in verified)) * 1000 / len(texts),
            )
        )  # fmt: skip
    defaults = Options().to_dict()

    def changed(setting: Setting) -> int:
        """How many options the setting changes from the defaults: among equals, the fewest changes."""
        return sum(setting.options[name] != defaults[name] for name in setting.options)

    reaching = [s for s in settings if s.recall >= target_recall]
    if reaching:
        recommended = min(reaching, key=lambda s: (-s.precision, s.seconds_per_1000, -s.recall, changed(s)))
    else:
        recommended = min(settings, key=lambda s: (-s.recall, -s.precision, s.seconds_per_1000, changed(s)))
    conditions = Counter(f"{kind}@{rate:g}" for _, _, kind, rate, _ in corpus.planted)
    return Calibration(
        documents=len(texts) - len(corpus.planted),
        planted=len(corpus.planted),
        conditions=dict(sorted(conditions.items())),
        skipped=tuple(f"{kind}@{rate:g}" for kind, rate in corpus.skipped),
        target_recall=target_recall,
        settings=tuple(settings),
        recommended=recommended,
        reached=bool(reaching),
        options=base.to_dict(),
    )


def _measured(
    options: dict[str, Any],
    joined: set[tuple[int, int]],
    truth: Mapping[tuple[int, int], tuple[str, float]],
    planted_of: Mapping[int, int],
    borrowed: Mapping[int, set[int]],
    candidates: int,
    seconds_per_1000: float,
) -> Setting:
    """One setting's recall, precision and recall per kind and per condition."""
    found = [pair for pair in truth if pair in joined]
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_condition: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for pair, (kind, rate) in truth.items():
        for key, table in ((kind, by_kind), (f"{kind}@{rate:g}", by_condition)):
            table[key][0] += pair in joined
            table[key][1] += 1
    touching = [pair for pair in joined if pair[0] in planted_of or pair[1] in planted_of]

    def own_story(pair: tuple[int, int]) -> bool:
        """Does the pair join a planted document to its original or, a page, to a document whose text it holds —
        or to a document joined to one of those (the corpus's own versions of it)?"""
        for one, other in (pair, pair[::-1]):
            if one in planted_of:
                roots = {planted_of[one], *borrowed.get(one, ())}
                other_root = planted_of.get(other, other)
                if other_root in roots or any(tuple(sorted((other, root))) in joined for root in roots):
                    return True
        return False

    right = sum(own_story(pair) for pair in touching)
    precision_by: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    condition_of = {planted: truth[tuple(sorted((planted, original)))] for planted, original in planted_of.items()}
    for pair in touching:
        for one in {doc for doc in pair if doc in planted_of}:
            kind, rate = condition_of[one]
            precision_by[f"{kind}@{rate:g}"][0] += own_story(pair)
            precision_by[f"{kind}@{rate:g}"][1] += 1
    return Setting(
        options=options,
        recall=round(len(found) / len(truth), 6) if truth else 1.0,
        precision=round(right / len(touching), 6) if touching else 1.0,
        candidates=candidates,
        found=len(touching),
        seconds_per_1000=round(seconds_per_1000, 3),
        recall_by_kind={key: round(hit / total, 6) for key, (hit, total) in sorted(by_kind.items())},
        recall_by_condition={key: round(hit / total, 6) for key, (hit, total) in sorted(by_condition.items())},
        precision_by_condition={key: round(hit / total, 6) for key, (hit, total) in sorted(precision_by.items())},
    )
