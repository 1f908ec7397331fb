"""find_versions — every version of every story in a pile of documents.

This module only orchestrates; each stage is its own module, opened in this
order: :mod:`~textversions.normalize` → :mod:`~textversions.shingle` →
:mod:`~textversions.sketch` → :mod:`~textversions.candidates` →
:mod:`~textversions.align` → :mod:`~textversions.classify` →
:mod:`~textversions.compare` → :mod:`~textversions.families`, with corpus-wide
statistics in :mod:`~textversions.common` and the workers in :mod:`~textversions.pool`.

>>> result = find_versions({"web": "越是风急浪骤，越需中流砥柱。关键时刻，生死关头，党组织就是主心骨。",
...                         "print": "越是风急浪骤,越需中流砥柱。关键时刻,生死关头,党组织就是主心骨。",
...                         "other": "今天天气晴朗。"})
>>> [(r.a, r.b, r.kind) for r in result.relations]
[('web', 'print', 'duplicate')]
>>> result.families
(('web', 'print'), ('other',))
"""

from __future__ import annotations

import functools
import json
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Sized
from dataclasses import dataclass, field
from typing import Any, Unpack

import numpy as np

from .candidates import Buckets, candidate_pairs
from .collate import Collation, collate
from .common import corpus_common
from .compare import HTML_VIEWS, Comparison, Scores, verify
from .errors import DuplicateId, InvalidInput, NotText
from .explain import Explanation, explain
from .families import JOINING, story_families
from .normalize import check_text, converter
from .options import OptionKeywords, Options
from .pool import chunks, installed, mapped
from .shingle import Prepared, ShingleSet, prepare
from .sketch import sketch_keys_batch
from .spill import SpilledTexts

__all__ = ["find_versions", "checked_documents", "Result", "Relation", "SCHEMA_VERSION"]

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

    def explain(self, texts: Mapping[str, str], *, options: Options | None = None, **keywords: Any) -> Explanation:
        """Why this pair got its relation (:func:`~textversions.explain.explain`); ``texts`` maps ids to texts.
        Without the run's corpus-common text: :meth:`Result.explain` uses the run's own."""
        return explain(texts[self.a], texts[self.b], options=options, **keywords)

    def record(self) -> dict[str, Any]:
        """The relation as a JSON-lines record (``{"record": "relation", ...}``)."""
        return {"record": "relation", **self.to_dict()}


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

    def collate(
        self, family: int | Sequence[str], texts: Mapping[str, str], *, base: str | None = None, **keywords: Any
    ) -> Collation:
        """The :func:`~textversions.collate` of one family — its number in ``families``, or its ids — read with
        this run's options (``keywords`` change them); ``texts`` maps ids to the texts given to :func:`find_versions`.

        >>> docs = {"web": "株洲1.1万余个基层党组织奋勇争先。", "print": "株洲11万余个基层党组织奋勇争先。",
        ...         "wire": "株洲1.1万余个基层党组织奋勇争先!", "other": "今天天气晴朗。"}
        >>> result = find_versions(docs)
        >>> [v.kinds for v in result.collate(0, docs).variants]
        [('number',), ('punctuation',)]
        """
        members = self.families[family] if isinstance(family, int) else tuple(family)
        missing = [doc_id for doc_id in members if doc_id not in texts]
        if missing:
            raise InvalidInput(f"texts lacks {len(missing)} member(s) of the family, e.g. {missing[0]!r}")
        options = Options.of(Options(**self.options), **keywords)
        return collate({doc_id: texts[doc_id] for doc_id in members}, base=base, options=options)

    def explain(self, a: str, b: str, texts: Mapping[str, str]) -> Explanation:
        """Why documents ``a`` and ``b`` of this run are (or are not) related: each stage with its figures,
        under this run's options and its corpus-common text (measured again from ``texts`` as the run did).

        >>> docs = {"web": "株洲1.1万余个基层党组织奋勇争先，战斗在第一线。", "print": "株洲11万余个基层党组织奋勇争先，战斗在第一线。"}
        >>> find_versions(docs).explain("web", "print", docs).relation
        'version'
        """
        missing = [doc_id for doc_id in (a, b) if doc_id not in texts]
        if missing:
            raise InvalidInput(f"texts lacks document {missing[0]!r}")
        options = Options(**self.options)
        return explain(texts[a], texts[b], options=options, common=corpus_common([texts[i] for i in self.ids], options))

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

    def tables(self) -> dict[str, list[dict[str, Any]]]:
        """The result as three tables of flat rows, what :meth:`to_arrow` and :meth:`to_pandas` are made of.

        ``relations``: one row per relation — ids, kind, the scores, lengths, regions (start and end
        columns, empty where none), ``approximate``, counts of substantive edits and of passages;
        ``edits``: one row per edit — its relation's number (``relation``, the row of ``relations``)
        and ids, then the edit's columns as the Spark engine writes them (``detail`` as JSON text);
        ``documents``: one row per document — id, length, family number.
        """
        relations, edits = [], []
        for number, relation in enumerate(self.relations):
            comparison = relation.comparison
            regions = {}
            for side, region in (("a", comparison.a_region), ("b", comparison.b_region)):
                regions[f"{side}_region_start"], regions[f"{side}_region_end"] = region if region else (None, None)
            relations.append({
                "a": relation.a, "b": relation.b, "kind": relation.kind, **comparison.scores.to_dict(),
                "a_length": comparison.a_length, "b_length": comparison.b_length, **regions,
                "approximate": comparison.approximate,
                "substantive_edits": len(comparison.substantive_edits), "passages": len(comparison.passages),
            })  # fmt: skip
            edits += [{"relation": number, "a": relation.a, "b": relation.b, **row} for row in comparison.edit_table().records(flat=True)]
        family_number = {doc_id: n for n, family in enumerate(self.families) for doc_id in family}
        documents = [{"id": doc_id, "length": length, "family": family_number[doc_id]} for doc_id, length in zip(self.ids, self.lengths)]
        return {"relations": relations, "edits": edits, "documents": documents}

    def to_arrow(self) -> dict[str, Any]:
        """:meth:`tables` as ``pyarrow.Table`` values (``pip install 'textversions[pandas]'``), typed even when empty.

        >>> result = find_versions({"web": "株洲1.1万余个基层党组织奋勇争先。", "print": "株洲11万余个基层党组织奋勇争先。"})
        >>> result.to_arrow()["edits"].column("kind").to_pylist()
        ['number']
        """
        pa = _optional("pyarrow")
        return {name: pa.Table.from_pylist(rows, schema=_ARROW_SCHEMAS[name](pa)) for name, rows in self.tables().items()}

    def to_pandas(self) -> dict[str, Any]:
        """:meth:`tables` as pandas DataFrames (``pip install 'textversions[pandas]'``).

        >>> result = find_versions({"web": "株洲1.1万余个基层党组织奋勇争先。", "print": "株洲11万余个基层党组织奋勇争先。"})
        >>> result.to_pandas()["relations"][["a", "b", "kind"]].values.tolist()
        [['web', 'print', 'version']]
        """
        _optional("pandas")
        return {name: table.to_pandas() for name, table in self.to_arrow().items()}

    def to_jsonl(self) -> str:
        """One JSON record a line: each relation, then each document, then each family.

        The order the CLI streams them in: relations as they are found, the rest when all are known.
        """
        records = [relation.record() for relation in self.relations] + self.closing_records()
        return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)

    def closing_records(self) -> list[dict[str, Any]]:
        """The JSON-lines records that follow the relations: each document, then each family."""
        family_number = {doc_id: n for n, family in enumerate(self.families) for doc_id in family}
        records: list[dict[str, Any]] = [
            {"record": "document", "id": doc_id, "length": length, "family": family_number[doc_id]}
            for doc_id, length in zip(self.ids, self.lengths)
        ]
        return records + [{"record": "family", "family": n, "members": list(m)} for n, m in enumerate(self.families)]

    def _repr_html_(self) -> str:
        return HTML_VIEWS[type(self)](self)


def _optional(module: str) -> Any:
    """An optional dependency, or an error saying how to install it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as error:
        raise ModuleNotFoundError(f"{module} is needed for this: pip install 'textversions[pandas]'") from error


def _relations_schema(pa: Any) -> Any:
    scores = [(name, pa.bool_() if name in ("names_apart", "dates_apart") else pa.float64()) for name in Scores.__dataclass_fields__]
    regions = [(f"{side}_region_{end}", pa.int64()) for side in "ab" for end in ("start", "end")]
    return pa.schema(
        [("a", pa.string()), ("b", pa.string()), ("kind", pa.string()), *scores, ("a_length", pa.int64()),
         ("b_length", pa.int64()), *regions, ("approximate", pa.bool_()), ("substantive_edits", pa.int64()),
         ("passages", pa.int64())]
    )  # fmt: skip


_ARROW_SCHEMAS: dict[str, Callable[[Any], Any]] = {
    "relations": _relations_schema,
    "edits": lambda pa: pa.schema(
        [("relation", pa.int64()), ("a", pa.string()), ("b", pa.string()), ("kind", pa.string()), ("cosmetic", pa.bool_()),
         *[(name, pa.int64()) for name in ("a_start", "a_end", "b_start", "b_end")], ("a_text", pa.string()),
         ("b_text", pa.string()), ("detail", pa.string())]
    ),  # fmt: skip
    "documents": lambda pa: pa.schema([("id", pa.string()), ("length", pa.int64()), ("family", pa.int64())]),
}
"""The Arrow schema of each table of :meth:`Result.tables`."""


def checked_documents(
    docs: Mapping[str, str] | Iterable[tuple[str, str]], *, id_field: str = "id", text_field: str = "text"
) -> Iterator[tuple[str, str]]:
    """The ``(id, text)`` pairs of ``docs``, one at a time, each checked; an error names the first bad one.

    ``docs`` may also be a pandas Series (its index the ids) or DataFrame (columns ``id_field`` and
    ``text_field``); ids that are integers become strings, as in tables read from files.
    """
    if isinstance(docs, (str, bytes)):
        raise NotText("docs must be a mapping id → text or an iterable of (id, text) pairs, not a single text")
    items = _pandas_rows(docs, id_field, text_field) or (docs.items() if isinstance(docs, Mapping) else docs)
    seen: set[str] = set()
    for number, item in enumerate(items):
        try:
            doc_id, text = item
        except (TypeError, ValueError):
            raise InvalidInput(f"document #{number} is not an (id, text) pair: {item!r:.80}") from None
        if not isinstance(doc_id, str):
            raise InvalidInput(f"document #{number}: id must be str, got {type(doc_id).__name__}")
        check_text(doc_id, f"document id {doc_id!r}")
        check_text(text, f"document {doc_id!r}")
        if doc_id in seen:
            raise DuplicateId(f"document id {doc_id!r} appears more than once")
        seen.add(doc_id)
        yield doc_id, text


def _pandas_rows(docs: Any, id_field: str, text_field: str) -> Iterator[tuple[Any, Any]] | None:
    """The ``(id, text)`` rows of a pandas Series or DataFrame; ``None`` for anything else."""
    if not type(docs).__module__.startswith("pandas"):
        return None
    if hasattr(docs, "columns"):
        missing = [field for field in (id_field, text_field) if field not in docs.columns]
        if missing:
            raise InvalidInput(f"the DataFrame has no column {missing[0]!r} (columns: {', '.join(map(str, docs.columns))})")
        return zip(map(_as_id, docs[id_field]), docs[text_field])
    return zip(map(_as_id, docs.index), docs)


def _as_id(value: Any) -> Any:
    """An integer id as a string (a table's ``7`` is document ``"7"``); anything else as it is, to be checked."""
    return str(value) if isinstance(value, (int, np.integer)) and not isinstance(value, bool) else value


_PREPARED_PER_PROCESS = 64
"""Prepared texts a worker keeps: pairs come sorted, so one document's pairs follow each other."""


@dataclass
class _PairContext:
    """What every pair task needs, installed once per process instead of pickled per task (``texts``: by
    position, spilled here; by document number, in an archive)."""

    texts: SpilledTexts | Mapping[int, str]
    options: Options
    common: ShingleSet | None
    prepared: OrderedDict[int, Prepared] = field(default_factory=OrderedDict)

    def document(self, position: int) -> Prepared:
        """The document at ``position``, prepared once in this process (while it stays among the recent)."""
        found = self.prepared.get(position)
        if found is None:
            found = self.prepared[position] = prepare(self.texts[position], self.options)
            if len(self.prepared) > _PREPARED_PER_PROCESS:
                self.prepared.popitem(last=False)
        else:
            self.prepared.move_to_end(position)
        return found


def sketch_chunk(task: tuple[list[str], Options]) -> tuple[np.ndarray, np.ndarray]:
    """LSH keys of a chunk of texts, packed: key counts per text, then all keys (a task for :func:`mapped`)."""
    texts, options = task
    return sketch_keys_batch(texts, options)


def _relate_chunk(pairs: list[tuple[int, int]]) -> list[tuple[int, int, Comparison]]:
    """The related pairs among ``pairs`` as ``(a, b, comparison)``, a page before the article it holds."""
    context: _PairContext = installed()
    related = []
    for i, j in pairs:
        found = verify(context.document(i), context.document(j), context.options, context.common)
        if found is not None:
            related.append((j, i, found.with_edits()) if found.swapped else (i, j, found.with_edits()))
    return related


@functools.cache
def warmed(options: Options) -> None:
    """Judge two small pairs here — a number, a look-alike character, a script change — so that the compiled
    kernels, OpenCC's tables and the readings are loaded once, before the workers fork, not in each of them
    (once a process: an archive adding a batch a day forks its workers every day)."""
    text = "越是风急浪骤，越需中流砥柱。关键时刻，生死关头，党组织就是主心骨。株洲1.1万余个基层党组织奋勇争先。" * 2
    edited = text.replace("1.1万", "11万").replace("砥", "抵")
    for other in (edited, converter("s2t")(text)):
        found = verify(prepare(text, options), prepare(other, options), options, None)
        if found is not None:
            found.with_edits()


_SKETCH_CHUNK = 512
"""Documents per sketch task: big enough that the sketch threads rarely wait for the GIL (a batch
needs it only to start and to finish) while the main thread reads and checks the input."""
_PAIR_CHUNK = 8


def find_versions(
    docs: Mapping[str, str] | Iterable[tuple[str, str]],
    *,
    options: Options | None = None,
    workers: int = 1,
    progress: Callable[[str, int, int], None] | None = None,
    on_relation: Callable[[Relation], None] | None = None,
    id_field: str = "id",
    text_field: str = "text",
    **keywords: Unpack[OptionKeywords],
) -> Result:
    """Find duplicate, version, contains and reuse relations, and story families.

    ``docs`` is a mapping id → text or an iterable of ``(id, text)`` pairs; ids
    are unique strings. A pandas Series (ids its index) or DataFrame (columns
    ``id_field`` and ``text_field``) is read as such. It is read once, as a stream: each text is sketched and
    spilled to a temporary file, and read back only if a candidate pair needs
    it, so memory holds the sketches, not the corpus. Every candidate from the
    sketch index is verified by an exact shared run of shingles and then aligned
    with :func:`~textversions.compare`; only what the alignment confirms is
    reported. ``options`` is an :class:`~textversions.options.Options` (or its
    fields given as keywords): those of :func:`~textversions.compare` plus the
    sketches': ``window`` (shingles per sketched window), ``num_perm`` (MinHash
    permutations), ``threshold`` (window Jaccard similarity the LSH bands are
    tuned for) and ``seed``. ``workers`` threads share the sketching (compiled, GIL-free) and
    ``workers`` processes the alignment; the result is the same for any number.
    ``progress``, if given, is called as ``progress(stage, done, total)``;
    while a streamed input's length is unknown, ``total`` is what has been read
    so far. ``on_relation``, if given, is called with each relation as soon as
    it is verified, in the order of ``Result.relations`` (the CLI streams JSON
    lines this way).
    """
    if workers < 1:
        raise InvalidInput(f"workers must be at least 1, got {workers}")
    options = Options.of(options, **keywords)
    expected = len(docs) if isinstance(docs, Sized) else 0
    ids: list[str] = []
    buckets = Buckets()
    relations = []
    with SpilledTexts() as texts:

        def sketch_tasks() -> Iterator[tuple[list[str], Options]]:
            for chunk in chunks(checked_documents(docs, id_field=id_field, text_field=text_field), _SKETCH_CHUNK):
                ids.extend(doc_id for doc_id, _ in chunk)
                texts.extend(text for _, text in chunk)
                yield [text for _, text in chunk], options

        sketched = 0
        for counts, keys in mapped(sketch_chunk, sketch_tasks(), workers, threads=True):
            buckets.add(counts, keys)
            sketched += len(counts)
            if progress is not None:
                progress("sketch", sketched, max(expected, sketched))
        texts.flush()
        pairs = sorted(candidate_pairs(buckets, options, workers=workers))
        del buckets
        common = None
        if pairs:  # built once here, shared by every pair task
            common = corpus_common(texts, options)
        context = _PairContext(texts, options, common)
        if workers > 1 and pairs:
            warmed(options)
        done = 0
        for related in mapped(_relate_chunk, chunks(pairs, _PAIR_CHUNK), workers, context):
            for a, b, comparison in related:
                relations.append(Relation(ids[a], ids[b], comparison.relation, comparison))
                if on_relation is not None:
                    on_relation(relations[-1])
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
        options=options.to_dict(),
    )
