"""Explain a pair: why it was (or was not) a candidate, why it got its relation, and what would change it.

A pair passes three stages on its way to a relation, the stages of
:func:`~textversions.find_versions`:

1. ``candidate`` — the windows of both texts are sketched (MinHash, LSH bands);
   the pair is a candidate when they share ``MIN_SHARED_BUCKETS`` buckets, or every
   bucket the smaller text has, or two when the smaller text is one window
   (:func:`~textversions.candidates.needed_buckets`);
2. ``passage`` — exactly: some stretch of ``min_passage`` characters shares a
   quarter of its shingles with the other text (:func:`~textversions.candidates.shares_passage`);
3. ``relation`` — the alignment's coverage against ``min_coverage``, the located
   region, the template checks (subject tokens, names in the lead) and the corpus-common
   text masked out (:mod:`textversions.compare`).

:func:`explain` runs each stage on the pair and says where it fell out, with the
figures and the rule; then what would have changed the outcome, each claim checked
by running the pair again with the changed option (``with min_coverage 0.45 this
would be contains``).

>>> web = "越是风急浪骤，越需中流砥柱。关键时刻，生死关头，党组织就是主心骨。在抗击疫情的斗争中，株洲各行业各领域1.1万余个基层党组织奋勇争先。"
>>> e = explain(web, web.replace("1.1万", "11万"))
>>> e.stage, e.relation, e.candidate
('relation', 'version', True)
>>> explain(web, "今天天气晴朗，适合出游，公园里人很多。").stage
'candidate'
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Unpack

import numpy as np

from .candidates import MIN_SHARED_BUCKETS, candidate_pairs, needed_buckets, passage_density
from .common import own_text
from .compare import TEMPLATE_MIN_CHANGED, TEMPLATE_SUBJECT_CHANGE, Judgement, judge, passage_characters, subjects_of
from .normalize import check_text
from .options import OptionKeywords, Options
from .shingle import Prepared, ShingleSet, distinct_overlap, prepare
from .shingle import distinct as distinct_keys  # beside this module's own `distinct` lists of keys
from .sketch import document_keys, extra_keys, lsh_params, minhash, window_keys
from .subjects import apart_by_names, kept_heading_and_figures, sent_apart, stated_dates

__all__ = ["Explanation", "explain", "STAGES"]

STAGES = ("candidate", "passage", "relation")
"""Where a pair may end: not a candidate, no shared passage, or a relation (``unrelated`` included)."""
_SHOWN_WINDOW_PAIRS = 5


@dataclass(frozen=True)
class Explanation:
    """Why a pair got its relation, stage by stage; ``stage`` is the last one it reached.

    ``reasons`` and ``what_if`` are the sentences a person reads; every figure they
    quote is also a field (``to_dict()`` gives them all). ``window_pairs`` are the
    windows sharing most buckets, ``(a's window, b's window, buckets)``;
    ``window_spans`` each window's span of the original text (where the sketch
    shingles are characters; empty where they are words); ``sketch_units`` what
    each text's sketch shingles are made of, ``"words"`` or ``"characters"``;
    ``shared_figures`` how many of the shared buckets are figures both texts print, ``shared_names`` how many
    are names (or the heading) both write.
    """

    stage: str
    relation: str
    options: dict[str, Any]
    a_length: int
    b_length: int
    windows: tuple[int, int]
    buckets: tuple[int, int]
    shared_buckets: int
    shared_figures: int
    shared_names: int
    window_pairs: tuple[tuple[int, int, int], ...]
    window_spans: tuple[tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]]
    candidate: bool
    estimated_jaccard: float
    jaccard: float
    containment: tuple[float, float]
    passage: tuple[int, int] | None
    coverage: tuple[float, float] | None = None
    region: tuple[tuple[int, int] | None, tuple[int, int] | None] = (None, None)
    subject_change: float | None = None
    changed_subjects: int | None = None
    names_apart: bool | None = None
    dates_apart: bool | None = None
    common: tuple[int, int] = (0, 0)
    sketch_units: tuple[str, str] = ("characters", "characters")
    reasons: tuple[str, ...] = field(default=())
    what_if: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of every figure and sentence."""
        out: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            out[name] = json.loads(json.dumps(value)) if isinstance(value, tuple) else value
        return out

    def to_json(self, **dumps_options: Any) -> str:
        dumps_options.setdefault("ensure_ascii", False)
        return json.dumps(self.to_dict(), **dumps_options)

    def __str__(self) -> str:
        where = "decided at the relation check" if self.stage == "relation" else f"stopped at the {self.stage} check"
        lines = [f"{self.relation} — {where}"]
        lines += [f"{n}. {reason}" for n, reason in enumerate(self.reasons, 1)]
        if self.what_if:
            lines.append("What would change it:")
            lines += [f"- {sentence}" for sentence in self.what_if]
        return "\n".join(lines)


def explain(
    a: str,
    b: str,
    *,
    options: Options | None = None,
    common: np.ndarray | ShingleSet | None = None,
    **keywords: Unpack[OptionKeywords],
) -> Explanation:
    """Why ``a`` and ``b`` are (or are not) related, stage by stage (see the module docstring).

    ``options`` are those of :func:`~textversions.find_versions`; ``common`` the
    corpus-common shingles a run masks (:meth:`~textversions.Result.explain` passes
    the run's own).
    """
    check_text(a, "a")
    check_text(b, "b")
    options = Options.of(options, **keywords)
    if common is not None and not isinstance(common, ShingleSet):
        common = ShingleSet(common)
    pa, pb = prepare(a, options), prepare(b, options)
    sketch = _sketch_stage(pa, pb, options)
    reasons = [_candidate_reason(sketch, options)]
    what_if: list[str] = []
    if not sketch["candidate"]:
        what_if += _candidate_what_if(pa, pb, options)
        return Explanation(stage="candidate", relation="unrelated", options=options.to_dict(), passage=None, **sketch,
                           reasons=tuple(reasons), what_if=tuple(what_if))  # fmt: skip
    densest, needed = passage_density(pa, pb, min_passage=options.min_passage)
    span = min(options.min_passage, max(len(pa.text), len(pb.text)))
    reasons.append(
        f"passage check: the densest stretch of {span} characters shares {densest} shingles with the other text "
        f"({needed} needed, a quarter of min_passage {options.min_passage}) — "
        + ("a passage may be shared." if densest >= needed else "no passage is shared: the pair stops here.")
    )
    if densest < needed:
        what_if += _passage_what_if(pa, pb, options)
        return Explanation(stage="passage", relation="unrelated", options=options.to_dict(), passage=(densest, needed),
                           **sketch, reasons=tuple(reasons), what_if=tuple(what_if))  # fmt: skip
    judgement = judge(pa, pb, options, common)
    relation = judgement.with_edits().relation if judgement.relation == "version" else judgement.relation
    own = (own_text(pa, common), own_text(pb, common))
    masked = tuple(0 if mask is None else int(len(mask) - mask.sum()) for mask in own)
    of = {"contains": "b", "contained_by": "a"}.get(judgement.relation, "both")
    subjects = subjects_of(pa, pb, judgement.aligned, of)
    regions = _regions(judgement, pa, pb)
    reasons += _relation_reasons(relation, judgement, regions, subjects.count, masked, options, passage_characters(pa, pb, options.min_passage))
    what_if += _relation_what_if(pa, pb, relation, judgement, options, common)
    return Explanation(
        stage="relation",
        relation=relation,
        options=options.to_dict(),
        passage=(densest, needed),
        coverage=(round(judgement.coverage[0], 6), round(judgement.coverage[1], 6)),
        region=regions,
        subject_change=round(judgement.subject_change, 6),
        changed_subjects=subjects.count,
        names_apart=judgement.names_apart,
        dates_apart=judgement.dates_apart,
        common=(masked[0], masked[1]),
        reasons=tuple(reasons),
        what_if=tuple(what_if),
        **sketch,
    )


def _sketch_stage(a: Prepared, b: Prepared, options: Options) -> dict[str, Any]:
    """The candidate stage's figures: windows, buckets, which windows share them, the Jaccard estimates."""
    keys = [window_keys(doc, options) for doc in (a, b)]
    extras = [extra_keys(doc, options) for doc in (a, b)]
    figures, names = [distinct_keys(f) for f, _ in extras], [n for _, n in extras]
    distinct = [document_keys(doc, options, windows, extra) for doc, windows, extra in zip((a, b), keys, extras)]
    shared = np.intersect1d(distinct[0], distinct[1])
    pairs: Counter[tuple[int, int]] = Counter()
    if len(shared):
        at_a = [np.flatnonzero(np.isin(row, shared)) for row in keys[0]]
        by_key_b: dict[int, list[int]] = {}
        for window, row in enumerate(keys[1]):
            for key in row[np.isin(row, shared)].tolist():
                by_key_b.setdefault(key, []).append(window)
        for window, columns in enumerate(at_a):
            for key in keys[0][window, columns].tolist():
                for other in by_key_b.get(key, ()):
                    pairs[(window, other)] += 1
    found = candidate_pairs(distinct, options)
    signatures = [minhash(doc.sketch_hashes, num_perm=options.num_perm, seed=options.seed) for doc in (a, b)]
    distinct_a, distinct_b, both = distinct_overlap(a.sorted_hashes, b.sorted_hashes)
    union = distinct_a + distinct_b - both
    return {
        "a_length": len(a.normalized.original),
        "b_length": len(b.normalized.original),
        "sketch_units": tuple("words" if doc.sketched_by_words else "characters" for doc in (a, b)),
        "windows": (len(keys[0]), len(keys[1])),
        "buckets": (len(distinct[0]), len(distinct[1])),
        "shared_buckets": len(shared),
        "shared_figures": len(np.intersect1d(figures[0], figures[1])),
        "shared_names": len(np.intersect1d(names[0], names[1])),
        "window_pairs": tuple((i, j, n) for (i, j), n in sorted(pairs.items(), key=lambda item: (-item[1], item[0]))[:_SHOWN_WINDOW_PAIRS]),
        "window_spans": (_window_spans(a, len(keys[0]), options), _window_spans(b, len(keys[1]), options)),
        "candidate": bool(found),
        "estimated_jaccard": round(float(np.mean(signatures[0] == signatures[1])), 6) if len(a.text) and len(b.text) else 0.0,
        "jaccard": round(both / union, 6) if union else 0.0,
        "containment": (round(both / distinct_a, 6) if distinct_a else 0.0, round(both / distinct_b, 6) if distinct_b else 0.0),
    }


def _candidate_reason(sketch: dict[str, Any], options: Options) -> str:
    windows, buckets, shared = sketch["windows"], sketch["buckets"], sketch["shared_buckets"]
    needed = needed_buckets(*buckets, lsh_params(options.threshold, options.num_perm)[0]) if min(buckets) else MIN_SHARED_BUCKETS
    shingles = [
        f"{options.word_window} word shingles" if unit == "words" else f"{options.window} character shingles" for unit in sketch["sketch_units"]
    ]
    head = (
        f"candidate check: a has {windows[0]} sketched windows ({buckets[0]} LSH buckets), b {windows[1]} ({buckets[1]}); "
        f"windows of {shingles[0] if shingles[0] == shingles[1] else f'{shingles[0]} (a), {shingles[1]} (b)'}, "
        f"threshold {options.threshold}, {options.num_perm} permutations. "
    )
    if shared == 0:
        body = "No shared buckets: not a candidate, so never compared."
    else:
        most = ", ".join(
            f"a's window {i}{_at(sketch['window_spans'][0], i)} with b's {j}{_at(sketch['window_spans'][1], j)} ({n})"
            for i, j, n in sketch["window_pairs"]
        )
        verdict = "a candidate." if sketch["candidate"] else "too few: not a candidate, so never compared."
        kinds = ((sketch["shared_figures"], "figures both print"), (sketch["shared_names"], "names or headings both write"))
        figures = "".join(f", {count} of them {what}" for count, what in kinds if count)
        body = f"They share {shared} buckets{figures} ({needed} needed) — {verdict}" + (f" Most shared: {most}." if most else "")
    figures = (
        f" Estimated Jaccard (whole-text MinHash) {sketch['estimated_jaccard']:.3f}; exact Jaccard of character shingles {sketch['jaccard']:.3f}, "
        f"containment of a in b {sketch['containment'][0]:.3f}, of b in a {sketch['containment'][1]:.3f}."
    )
    return head + body + figures


def _at(spans: tuple[tuple[int, int], ...], window: int) -> str:
    return f" (characters {spans[window][0]}–{spans[window][1]})" if spans else ""


def _window_spans(doc: Prepared, windows: int, options: Options) -> tuple[tuple[int, int], ...]:
    """Each window's span of the original text, where the sketch shingles are characters (empty where they are words)."""
    if windows == 0 or doc.sketched_by_words:
        return ()
    step, length = max(1, options.window // 2), len(doc.text)
    return tuple(
        doc.normalized.original_span(min(k * step, length), min((k + 2) * step + options.shingle - 1, length))
        for k in range(windows)
    )


def _candidate_what_if(a: Prepared, b: Prepared, options: Options) -> list[str]:
    """The first lower threshold or smaller window that makes the pair a candidate, if any does."""
    window = "word_window" if a.sketched_by_words else "window"
    for name, values in (
        ("threshold", [t for t in (0.5, 0.4, 0.3, 0.2, 0.1) if t < options.threshold]),
        (window, [w for w in (getattr(options, window) // 2, getattr(options, window) // 4) if w >= 8]),
    ):
        for value in values:
            changed = Options.of(options, **{name: value})
            keys = [document_keys(doc, changed) for doc in (a, b)]
            found = candidate_pairs(keys, changed)
            if found:
                densest, needed = passage_density(a, b, min_passage=options.min_passage)
                after = "and it would then pass the passage check" if densest >= needed else "but it would then fall at the passage check"
                return [f"with {name} {value} it would share {next(iter(found.values()))} buckets and be a candidate, {after}."]
    return ["no lower threshold (down to 0.1) or smaller window makes it a candidate: the texts share too little."]


def _passage_what_if(a: Prepared, b: Prepared, options: Options) -> list[str]:
    for value in sorted({options.min_passage * 3 // 4, options.min_passage // 2, options.min_passage // 4} - {0}, reverse=True):
        densest, needed = passage_density(a, b, min_passage=value)
        if densest >= needed:
            return [f"with min_passage {value} it would pass the passage check and be aligned."]
    return [f"even with min_passage {max(1, options.min_passage // 4)} no stretch shares enough: the texts share only scattered phrases."]


def _regions(judgement: Judgement, a: Prepared, b: Prepared) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    aligned = judgement.aligned
    if judgement.relation not in ("contains", "contained_by", "version") or not aligned.chain:
        return None, None
    return a.normalized.original_span(*aligned.a_region), b.normalized.original_span(*aligned.b_region)


def _days_told(judgement: Judgement) -> str:
    """The dates each text of a pair set apart by :func:`~textversions.subjects.dates_apart` states (or those its
    furniture states and the figures it changed, :func:`~textversions.subjects.sent_apart`), as a clause."""
    a, b = judgement.a.normalized, judgement.b.normalized
    sent = sent_apart(a, b, judgement.aligned.opcodes)
    if sent:
        dates = [", ".join(text.text[lo:hi] for lo, hi in spans) for text, spans in ((a, sent.dates_a), (b, sent.dates_b))]
        return (
            f"the texts were sent on different days (a dated {dates[0]}; b {dates[1]}) with other figures (a prints "
            f"{a.text[slice(*sent.figure_a)]} where b prints {b.text[slice(*sent.figure_b)]}; more figures changed than kept)"
        )
    said = []
    for side, prepared in (("a", judgement.a), ("b", judgement.b)):
        text = prepared.normalized.text
        said.append(f"{side} states {', '.join(dict.fromkeys(text[lo:hi] for _, (lo, hi) in stated_dates(prepared.normalized)))}")
    return f"the texts report different days ({'; '.join(said)}; none in common) and differ besides"


def _relation_reasons(
    relation: str,
    judgement: Judgement,
    regions: tuple[tuple[int, int] | None, tuple[int, int] | None],
    changed: int,
    masked: tuple[int, int],
    options: Options,
    needed: int,
) -> list[str]:
    """The relation check's sentences; ``needed``: the characters a shared passage needs in this pair."""
    why = f" (min_passage {options.min_passage} × {needed // options.min_passage}: the texts are alphabetic)" if needed != options.min_passage else ""
    cover_a, cover_b = judgement.coverage
    minimum = options.min_coverage
    reasons = [
        f"relation check: the alignment covers {cover_a:.3f} of a and {cover_b:.3f} of b "
        f"(min_coverage {minimum}; a version needs both, or the shorter text's and a chain over most of the longer; "
        f"contains needs the shorter text's, its matches in one block of the longer, covered as densely)."
    ]
    if masked[0] or masked[1]:
        reasons.append(
            f"text common in the corpus (a template, a footer) counts for nothing: {masked[0]} characters of a, "
            f"{masked[1]} of b."
        )
    if relation in ("version", "duplicate") and judgement.by_coverage == "reuse":
        kept = kept_heading_and_figures(judgement.a.normalized, judgement.b.normalized)
        assert kept is not None  # (what made the coverage's reuse a version)
        reasons.append(
            f"set again: both open with the same heading and print {kept.shared} figures in common (a prints "
            f"{kept.figures_a}, b {kept.figures_b}) — one story in another layout, which aligns in short pieces; a "
            f"version, its added figures no template's changed subjects."
        )
    if relation in ("contains", "contained_by"):
        holder, span = ("a", regions[0]) if relation == "contains" else ("b", regions[1])
        reasons.append(f"the story is located in {holder} at characters {span[0]}–{span[1]}; the rest of {holder} is surrounding.")  # type: ignore[index]
    elif relation == "version" and regions[0] is not None:
        reasons.append(f"aligned as one story: a {regions[0][0]}–{regions[0][1]}, b {regions[1][0]}–{regions[1][1]}.")  # type: ignore[index]
    apart_by_subjects = (
        judgement.by_coverage != "reuse" and judgement.subject_change >= TEMPLATE_SUBJECT_CHANGE and changed >= TEMPLATE_MIN_CHANGED
    )
    if judgement.names_apart:
        why_apart = apart_by_names(judgement.a.normalized, judgement.b.normalized)
        reasons.append(f"template check: {why_apart} — two stories.")
    elif judgement.dates_apart:
        reasons.append(f"template check: {_days_told(judgement)} — two stories.")
    elif apart_by_subjects:
        reasons.append(
            f"template check: {judgement.subject_change:.2f} of the subject tokens (numbers, dates, identifiers, titles, names swapped throughout) "
            f"differ, {changed} of them (≥ {TEMPLATE_SUBJECT_CHANGE} and ≥ {TEMPLATE_MIN_CHANGED}) — two notices on one template."
        )
    elif judgement.subject_change and judgement.by_coverage != "reuse":
        reasons.append(
            f"template check: {judgement.subject_change:.2f} of the subject tokens differ ({changed}); under "
            f"{TEMPLATE_SUBJECT_CHANGE} or fewer than {TEMPLATE_MIN_CHANGED}: a version's corrections, not a template."
        )
    if relation == "duplicate":
        reasons.append("every edit is cosmetic (layout, width, script, punctuation): a duplicate.")
    elif relation == "reuse":
        reasons.append(f"they share {len(judgement.passages)} passage(s) of at least {needed} characters{why}: reuse.")
    elif relation == "unrelated":
        reasons.append(f"no shared passage of {needed} characters{why} survives the alignment: unrelated.")
    return reasons


def _relation_what_if(
    a: Prepared, b: Prepared, relation: str, judgement: Judgement, options: Options, common: ShingleSet | None
) -> list[str]:
    """Settings of min_coverage and min_passage that change the relation, each checked by judging again
    (the prepared texts do not depend on either)."""

    def judged(**changes: Any) -> str:
        again = judge(a, b, Options.of(options, **changes), common)
        return again.with_edits().relation if again.relation == "version" else again.relation

    out = []
    cover_a, cover_b = judgement.coverage
    shorter = cover_a if len(a.text) <= len(b.text) else cover_b
    if relation in ("reuse", "unrelated") and 0 < shorter < options.min_coverage:
        value = math.floor(shorter * 100) / 100
        other = judged(min_coverage=value) if value > 0 else relation
        if other != relation:
            out.append(f"with min_coverage {value} (not {options.min_coverage}) it would be {other}.")
    elif relation in ("version", "contains", "contained_by", "duplicate"):
        binding = min(cover_a, cover_b) if relation in ("version", "duplicate") and min(cover_a, cover_b) >= options.min_coverage else shorter
        value = math.floor(binding * 100) / 100 + 0.01
        if value <= 1:
            other = judged(min_coverage=round(value, 2))
            if other != relation:
                out.append(f"with min_coverage {round(value, 2)} (not {options.min_coverage}) it would be {other}.")
    if relation == "reuse" and judgement.passages:
        longest = max(p.length for p in judgement.passages)
        value = longest // (passage_characters(a, b, 1)) + 1  # the least min_passage its longest passage falls short of
        out.append(f"with min_passage {value} (its longest shared passage is {longest}) it would be {judged(min_passage=value)}.")
    if relation in ("reuse", "unrelated") and judgement.by_coverage not in ("reuse", "unrelated"):
        out.append(f"without the template check it would be {judgement.by_coverage}: its coverage is enough, its subjects keep it apart.")
    return out

