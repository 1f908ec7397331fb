"""find_versions — every version of every story in a pile of documents.

The pipeline, one module per stage:
:mod:`~textversions.normalize` → :mod:`~textversions.shingle` →
:mod:`~textversions.sketch` → :mod:`~textversions.index` →
:mod:`~textversions.candidates` → :mod:`~textversions.compare` (alignment and
typed edits) → :mod:`~textversions.families`.

>>> result = find_versions({"web": "越是风急浪骤，越需中流砥柱。关键时刻，生死关头，党组织就是主心骨。",
...                         "print": "越是风急浪骤,越需中流砥柱。关键时刻,生死关头,党组织就是主心骨。",
...                         "other": "今天天气晴朗。"})
>>> [(r.a, r.b, r.kind) for r in result.relations]
[('web', 'print', 'duplicate')]
>>> result.families
(('web', 'print'), ('other',))
"""

from __future__ import annotations

import itertools
import json
import multiprocessing
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from .candidates import DEFAULT_THRESHOLD, DEFAULT_WINDOW, candidate_pairs, shares_passage, sketch_keys
from .compare import DEFAULT_MIN_COVERAGE, DEFAULT_MIN_PASSAGE, Comparison, Scores, compare
from .errors import DuplicateId, InvalidInput, NotText
from .families import JOINING, story_families
from .normalize import check_text, normalize
from .shingle import DEFAULT_SHINGLE, shingle_hashes
from .sketch import DEFAULT_NUM_PERM

__all__ = ["find_versions", "Result", "Relation", "SCHEMA_VERSION"]

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Relation:
    """Documents ``a`` and ``b`` are related as ``kind``; for ``contains``, ``a`` holds ``b``."""

    a: str
    b: str
    kind: str
    comparison: Comparison

    @property
    def scores(self) -> Scores:
        return self.comparison.scores

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "kind": self.kind, "comparison": self.comparison.to_dict()}


@dataclass(frozen=True)
class Result:
    """Relations between documents and the story families they form."""

    ids: tuple[str, ...]
    lengths: tuple[int, ...]
    relations: tuple[Relation, ...]
    families: tuple[tuple[str, ...], ...]
    options: Mapping[str, Any]

    def family_of(self, doc_id: str) -> tuple[str, ...]:
        """The family holding ``doc_id``."""
        for family in self.families:
            if doc_id in family:
                return family
        raise KeyError(doc_id)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; the schema is ``textversions/schema/output.schema.json``."""
        family_number = {doc_id: n for n, family in enumerate(self.families) for doc_id in family}
        return {
            "schema_version": SCHEMA_VERSION,
            "options": dict(self.options),
            "documents": [
                {"id": doc_id, "length": length, "family": family_number[doc_id]}
                for doc_id, length in zip(self.ids, self.lengths)
            ],
            "families": [list(family) for family in self.families],
            "relations": [relation.to_dict() for relation in self.relations],
        }

    def to_json(self, **dumps_options: Any) -> str:
        """``to_dict()`` as JSON (UTF-8 text, not ASCII-escaped)."""
        dumps_options.setdefault("ensure_ascii", False)
        return json.dumps(self.to_dict(), **dumps_options)

    def to_jsonl(self) -> str:
        """One JSON record a line: each document, then each family, then each relation."""
        data = self.to_dict()
        records = [{"record": "document", **doc} for doc in data["documents"]]
        records += [{"record": "family", "family": n, "members": m} for n, m in enumerate(data["families"])]
        records += [{"record": "relation", **relation} for relation in data["relations"]]
        return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)

    def _repr_html_(self) -> str:
        from .report import result_overview_html

        return result_overview_html(self)


def _documents(docs: Mapping[str, str] | Iterable[tuple[str, str]]) -> tuple[list[str], list[str]]:
    if isinstance(docs, (str, bytes)):
        raise NotText("docs must be a mapping id → text or an iterable of (id, text) pairs, not a single text")
    items = docs.items() if isinstance(docs, Mapping) else docs
    ids: list[str] = []
    texts: list[str] = []
    seen: set[str] = set()
    for number, item in enumerate(items):
        try:
            doc_id, text = item
        except (TypeError, ValueError):
            raise InvalidInput(f"document #{number} is not an (id, text) pair: {item!r:.80}") from None
        if not isinstance(doc_id, str):
            raise InvalidInput(f"document #{number}: id must be str, got {type(doc_id).__name__}")
        check_text(text, f"document {doc_id!r}")
        if doc_id in seen:
            raise DuplicateId(f"document id {doc_id!r} appears more than once")
        seen.add(doc_id)
        ids.append(doc_id)
        texts.append(text)
    return ids, texts


SKETCH_OPTIONS = ("shingle", "window", "num_perm", "threshold", "fold_script")
COMPARE_OPTIONS = ("shingle", "min_coverage", "min_passage", "fold_script")


def checked_options(
    *,
    shingle: int,
    window: int,
    num_perm: int,
    threshold: float,
    min_coverage: float,
    min_passage: int,
    fold_script: bool,
) -> dict[str, Any]:
    """The options of :func:`find_versions` as a dict, or an error naming the one out of range."""
    if shingle < 1:
        raise InvalidInput(f"shingle must be at least 1, got {shingle}")
    if window < 2:
        raise InvalidInput(f"window must be at least 2, got {window}")
    if num_perm < 1:
        raise InvalidInput(f"num_perm must be at least 1, got {num_perm}")
    if not 0.0 < threshold < 1.0:
        raise InvalidInput(f"threshold must be in (0, 1), got {threshold}")
    if not 0.0 < min_coverage <= 1.0:
        raise InvalidInput(f"min_coverage must be in (0, 1], got {min_coverage}")
    return {
        "shingle": shingle,
        "window": window,
        "num_perm": num_perm,
        "threshold": threshold,
        "min_coverage": min_coverage,
        "min_passage": min_passage,
        "fold_script": fold_script,
    }


def _sketch(task: tuple[str, dict[str, Any]]) -> np.ndarray:
    text, options = task
    return sketch_keys(text, **options)


COMMON_SAMPLE = 2000
"""Documents sampled to measure which shingles are common (template text)."""
_COMMON_MIN_DOCS = 10
_COMMON_SHARE = 0.02


def common_shingles(texts: list[str], *, shingle: int, fold_script: bool) -> np.ndarray:
    """Sorted hashes of shingles found in many documents: a template, a footer, boilerplate.

    Measured on an evenly spread sample of at most ``COMMON_SAMPLE`` documents: a
    shingle is common when at least ``_COMMON_MIN_DOCS`` and 2% of them hold it.
    A small corpus has none.
    """
    step = max(1, len(texts) // COMMON_SAMPLE)
    sample = texts[::step][:COMMON_SAMPLE]
    needed = max(_COMMON_MIN_DOCS, int(_COMMON_SHARE * len(sample)))
    if len(sample) < needed:
        return np.zeros(0, dtype=np.uint32)
    hashes = [np.unique(shingle_hashes(normalize(text, fold_script=fold_script).text, shingle)) for text in sample]
    values, counts = np.unique(np.concatenate(hashes), return_counts=True)
    return values[counts >= needed]


def relate(
    text_a: str, text_b: str, options: Mapping[str, Any], common: np.ndarray | None
) -> tuple[bool, Comparison] | None:
    """Verify and align one candidate pair: ``None`` if unrelated, else ``(swapped, comparison)``.

    A pure function of its arguments, shared by every engine. ``swapped`` is true
    when ``b`` holds ``a`` (a page holding its article): the comparison is then
    of ``b`` against ``a``, so that ``contains`` always reads "first holds second".
    """
    if not shares_passage(
        text_a, text_b, shingle=options["shingle"], min_passage=options["min_passage"], fold_script=options["fold_script"]
    ):
        return None
    comparison = compare(text_a, text_b, **options, common=common)
    swapped = comparison.relation == "contained_by"
    if swapped:
        comparison = compare(text_b, text_a, **options, common=common)
    if comparison.relation in ("unrelated", "contained_by"):
        return None
    return swapped, comparison


_common: np.ndarray | None = None
"""The corpus's common shingles for the pair workers (inherited by forked workers, never pickled per task)."""


def _relate(task: tuple[int, int, str, str, dict[str, Any]]) -> tuple[int, int, Comparison] | None:
    i, j, text_i, text_j, options = task
    found = relate(text_i, text_j, options, _common)
    if found is None:
        return None
    swapped, comparison = found
    return (j, i, comparison) if swapped else (i, j, comparison)


_BATCH = 512
"""Tasks handed to the worker processes at a time, so memory stays bounded however many there are."""


def _mapped(function: Callable[[Any], Any], tasks: Iterable[Any], workers: int) -> Iterator[Any]:
    """``map`` in order, over ``workers`` processes when more than one."""
    if workers == 1:
        yield from map(function, tasks)
        return
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        iterator = iter(tasks)
        while batch := list(itertools.islice(iterator, _BATCH * workers)):
            yield from pool.map(function, batch, chunksize=max(1, len(batch) // (4 * workers)))


def find_versions(
    docs: Mapping[str, str] | Iterable[tuple[str, str]],
    *,
    shingle: int = DEFAULT_SHINGLE,
    window: int = DEFAULT_WINDOW,
    num_perm: int = DEFAULT_NUM_PERM,
    threshold: float = DEFAULT_THRESHOLD,
    min_coverage: float = DEFAULT_MIN_COVERAGE,
    min_passage: int = DEFAULT_MIN_PASSAGE,
    fold_script: bool = True,
    workers: int = 1,
    progress: Callable[[str, int, int], None] | None = None,
) -> Result:
    """Find duplicate, version, contains and reuse relations, and story families.

    ``docs`` is a mapping id → text or an iterable of ``(id, text)`` pairs; ids
    are unique strings. Every candidate from the sketch index is verified by an
    exact shared run of shingles and then aligned with
    :func:`~textversions.compare`; only what the alignment confirms is reported.
    Options are those of :func:`~textversions.compare` plus the index's:
    ``window`` (shingles per sketched window), ``num_perm`` (MinHash
    permutations) and ``threshold`` (window Jaccard similarity the LSH bands are
    tuned for). ``workers`` processes share the sketching and the alignment; the
    result is the same for any number. ``progress``, if given, is called as
    ``progress(stage, done, total)``.
    """
    if workers < 1:
        raise InvalidInput(f"workers must be at least 1, got {workers}")
    options = checked_options(
        shingle=shingle,
        window=window,
        num_perm=num_perm,
        threshold=threshold,
        min_coverage=min_coverage,
        min_passage=min_passage,
        fold_script=fold_script,
    )
    ids, texts = _documents(docs)
    sketch_options = {k: options[k] for k in SKETCH_OPTIONS}
    keys = []
    for done, doc_keys in enumerate(_mapped(_sketch, ((text, sketch_options) for text in texts), workers)):
        keys.append(doc_keys)
        if progress is not None and done % 1024 == 0:
            progress("sketch", done, len(texts))
    pairs = sorted(candidate_pairs(keys))
    del keys
    compare_options = {k: options[k] for k in COMPARE_OPTIONS}
    tasks = ((i, j, texts[i], texts[j], compare_options) for i, j in pairs)
    relations = []
    global _common
    _common = common_shingles(texts, shingle=shingle, fold_script=fold_script) if pairs else None
    try:
        for done, found in enumerate(_mapped(_relate, tasks, workers)):
            if progress is not None and done % 64 == 0:
                progress("align", done, len(pairs))
            if found is not None:
                a, b, comparison = found
                relations.append(Relation(ids[a], ids[b], comparison.relation, comparison))
    finally:
        _common = None
    families = story_families(ids, [(r.a, r.b) for r in relations if r.kind in JOINING])
    return Result(
        ids=tuple(ids),
        lengths=tuple(len(text) for text in texts),
        relations=tuple(relations),
        families=tuple(tuple(family) for family in families),
        options=options,
    )
