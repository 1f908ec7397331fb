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
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Sized
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from .candidates import DEFAULT_THRESHOLD, DEFAULT_WINDOW, candidate_pairs, passage_in_common
from .compare import DEFAULT_MIN_COVERAGE, DEFAULT_MIN_PASSAGE, Comparison, Scores, located
from .errors import DuplicateId, InvalidInput, NotText
from .families import JOINING, story_families
from .index import Buckets, sketch_keys_batch
from .normalize import check_text, normalize
from .shingle import DEFAULT_SHINGLE, ShingleSet, shingle_hashes
from .sketch import DEFAULT_NUM_PERM
from .spill import SpilledTexts

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


def _checked_documents(docs: Mapping[str, str] | Iterable[tuple[str, str]]) -> Iterator[tuple[str, str]]:
    """The ``(id, text)`` pairs of ``docs``, one at a time, each checked; an error names the first bad one."""
    if isinstance(docs, (str, bytes)):
        raise NotText("docs must be a mapping id → text or an iterable of (id, text) pairs, not a single text")
    items = docs.items() if isinstance(docs, Mapping) else docs
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
        yield doc_id, text


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


COMMON_SAMPLE = 2000
"""Documents sampled to measure which shingles are common (template text)."""
_COMMON_MIN_DOCS = 10
_COMMON_SHARE = 0.02


def common_sample(count: int) -> range:
    """Positions of the evenly spread sample (at most ``COMMON_SAMPLE``) of a corpus of ``count`` documents."""
    step = max(1, count // COMMON_SAMPLE)
    return range(0, min(count, step * COMMON_SAMPLE), step)


def common_shingles(sample: Sequence[str], *, shingle: int, fold_script: bool) -> np.ndarray:
    """Sorted hashes of shingles found in many documents of ``sample``: a template, a footer, boilerplate.

    ``sample`` is the texts at :func:`common_sample`'s positions. A shingle is
    common when at least ``_COMMON_MIN_DOCS`` and 2% of them hold it; a small
    corpus has none.
    """
    needed = max(_COMMON_MIN_DOCS, int(_COMMON_SHARE * len(sample)))
    if len(sample) < needed:
        return np.zeros(0, dtype=np.uint32)
    per_text = [_distinct(shingle_hashes(normalize(text, fold_script=fold_script).text, shingle)) for text in sample]
    hashes = np.sort(np.concatenate(per_text))
    starts = np.flatnonzero(np.r_[True, hashes[1:] != hashes[:-1]])
    counts = np.diff(np.r_[starts, len(hashes)])
    return hashes[starts[counts >= needed]]


def _distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted (a sort: faster than ``np.unique``'s hash table on short arrays)."""
    values = np.sort(values)
    return values[np.r_[True, values[1:] != values[:-1]]] if len(values) else values


def relate(
    text_a: str, text_b: str, options: Mapping[str, Any], common: np.ndarray | ShingleSet | None
) -> tuple[bool, Comparison] | None:
    """Verify and align one candidate pair: ``None`` if unrelated, else ``(swapped, comparison)``.

    A pure function of its arguments, shared by every engine. ``swapped`` is true
    when ``b`` holds ``a`` (a page holding its article): the comparison is then
    of ``b`` against ``a``, so that ``contains`` always reads "first holds second".
    """
    na = normalize(text_a, fold_script=options["fold_script"])
    nb = normalize(text_b, fold_script=options["fold_script"])
    if not passage_in_common(na.text, nb.text, shingle=options["shingle"], min_passage=options["min_passage"]):
        return None
    settings = {name: options[name] for name in ("shingle", "min_coverage", "min_passage")}
    found = located(na, nb, **settings, common=common)
    # Orient a page before the article it holds; the relation is known before the (costly) edits are typed.
    swapped = found.relation == "contained_by"
    if swapped:
        found = found.transposed()
    if found.relation in ("unrelated", "contained_by"):
        return None
    return swapped, found.comparison()


@dataclass(frozen=True)
class _PairContext:
    """What every pair task needs, installed once per process instead of pickled per task."""

    texts: SpilledTexts
    options: dict[str, Any]
    common: ShingleSet | None


_context: _PairContext | None = None


def _install(context: _PairContext | None) -> None:
    global _context
    _context = context


def _sketch_chunk(task: tuple[list[str], dict[str, Any]]) -> tuple[np.ndarray, np.ndarray]:
    """LSH keys of a chunk of texts, packed: key counts per text, then all keys."""
    texts, options = task
    return sketch_keys_batch(texts, **options)


def _relate_chunk(pairs: list[tuple[int, int]]) -> list[tuple[int, int, Comparison]]:
    """The related pairs among ``pairs`` as ``(a, b, comparison)``, a page before the article it holds."""
    assert _context is not None
    related = []
    for i, j in pairs:
        found = relate(_context.texts[i], _context.texts[j], _context.options, _context.common)
        if found is not None:
            swapped, comparison = found
            related.append((j, i, comparison) if swapped else (i, j, comparison))
    return related


_IN_FLIGHT = 4
"""Tasks queued per worker: enough to keep it busy, few enough that memory stays bounded."""


def _mapped(
    function: Callable[[Any], Any],
    tasks: Iterable[Any],
    workers: int,
    context: _PairContext | None = None,
    *,
    threads: bool = False,
) -> Iterator[Any]:
    """``map`` in order, over ``workers`` processes (``context`` installed in each) or threads when more than one.

    Threads suit work done by compiled kernels that release the GIL (sketching);
    processes suit Python work (alignment and classification).
    """
    if workers == 1:
        _install(context)
        try:
            yield from map(function, tasks)
        finally:
            _install(None)
        return
    start = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    executor: Executor = (
        ThreadPoolExecutor(workers)
        if threads
        else ProcessPoolExecutor(workers, mp_context=start, initializer=_install, initargs=(context,))
    )
    with executor as pool:
        pending: deque[Future[Any]] = deque()
        for task in tasks:
            pending.append(pool.submit(function, task))
            if len(pending) >= _IN_FLIGHT * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


_SKETCH_CHUNK = 512
"""Documents per sketch task: big enough that the sketch threads rarely wait for the GIL (a batch
needs it only to start and to finish) while the main thread reads and checks the input."""
_PAIR_CHUNK = 8


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
    are unique strings. It is read once, as a stream: each text is sketched and
    spilled to a temporary file, and read back only if a candidate pair needs
    it, so memory holds the sketches, not the corpus. Every candidate from the
    sketch index is verified by an exact shared run of shingles and then aligned
    with :func:`~textversions.compare`; only what the alignment confirms is
    reported. Options are those of :func:`~textversions.compare` plus the
    index's: ``window`` (shingles per sketched window), ``num_perm`` (MinHash
    permutations) and ``threshold`` (window Jaccard similarity the LSH bands are
    tuned for). ``workers`` threads share the sketching (compiled, GIL-free) and
    ``workers`` processes the alignment; the result is the same for any number.
    ``progress``, if given, is called as ``progress(stage, done, total)``;
    while a streamed input's length is unknown, ``total`` is what has been read
    so far.
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
    sketch_options = {k: options[k] for k in SKETCH_OPTIONS}
    expected = len(docs) if isinstance(docs, Sized) else 0
    ids: list[str] = []
    buckets = Buckets()
    relations = []
    with SpilledTexts() as texts:

        def sketch_tasks() -> Iterator[tuple[list[str], dict[str, Any]]]:
            for chunk in _chunks(_checked_documents(docs), _SKETCH_CHUNK):
                ids.extend(doc_id for doc_id, _ in chunk)
                texts.extend(text for _, text in chunk)
                yield [text for _, text in chunk], sketch_options

        sketched = 0
        for counts, keys in _mapped(_sketch_chunk, sketch_tasks(), workers, threads=True):
            buckets.add(counts, keys)
            sketched += len(counts)
            if progress is not None:
                progress("sketch", sketched, max(expected, sketched))
        texts.flush()
        pairs = sorted(candidate_pairs(buckets, workers=workers))
        del buckets
        common = None
        if pairs:  # built once here, shared by every pair task
            sample = [texts[position] for position in common_sample(len(texts))]
            common = ShingleSet(common_shingles(sample, shingle=shingle, fold_script=fold_script))
        context = _PairContext(texts, {k: options[k] for k in COMPARE_OPTIONS}, common)
        done = 0
        for related in _mapped(_relate_chunk, _chunks(pairs, _PAIR_CHUNK), workers, context):
            relations.extend(Relation(ids[a], ids[b], comparison.relation, comparison) for a, b, comparison in related)
            done += _PAIR_CHUNK
            if progress is not None:
                progress("align", min(done, len(pairs)), len(pairs))
        lengths = tuple(texts.lengths)
    families = story_families(ids, [(r.a, r.b) for r in relations if r.kind in JOINING])
    return Result(
        ids=tuple(ids),
        lengths=lengths,
        relations=tuple(relations),
        families=tuple(tuple(family) for family in families),
        options=options,
    )
