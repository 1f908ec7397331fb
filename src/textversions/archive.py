"""A living archive on SQLite: add each day's documents, learn at once which are versions of what is kept.

:func:`~textversions.find_versions` answers for one pile of text; a newsroom's pile
grows every day. :class:`Archive` keeps documents (text, date, source), their LSH
bucket keys and every candidate pair with its judgement in one SQLite file, so that
adding a batch checks the new documents against the archive and against each
other, and finds exactly the relations that one ``find_versions`` over everything
kept would find — by judging again only what the batch can change:

* the candidate rule is :mod:`textversions.candidates`' over the whole archive: a
  bucket that grows past ``MAX_BUCKET`` documents stops counting for the pairs it
  held, and documents mostly made of such buckets chain in archive order; the pairs
  of every document such a change touches are counted again;
* the corpus-common text (:mod:`textversions.common`) is measured on the first
  ``COMMON_SAMPLE`` documents kept; while the archive is smaller, or when one of
  them is removed, it is measured again, and the pairs holding a shingle that
  became common or stopped being common are judged again.

Each ``add``, ``remove`` and ``expire`` is one transaction (SQLite in WAL mode):
a process killed in the middle leaves the archive as it was, and readers meanwhile
see the archive as it was before. Nothing is pickled: texts, dates and JSON.

>>> archive = Archive(":memory:")
>>> found = archive.add({"web": "株洲1.1万余个基层党组织奋勇争先，战斗在第一线。"}, dates={"web": "2020-02-03"})
>>> found = archive.add({"print": "株洲11万余个基层党组织奋勇争先，战斗在第一线。"}, dates={"print": "2020-02-04"})
>>> [(r.a, r.b, r.kind) for r in found.relations]
[('web', 'print', 'version')]
>>> archive.families()
(('web', 'print'),)
"""

from __future__ import annotations

import datetime
import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Unpack

import numpy as np

from .candidates import MAX_BUCKET, SATURATED, enough_shared, needed_buckets
from .common import COMMON_SAMPLE, common_shingles
from .compare import Comparison, verify
from .errors import DuplicateId, InvalidArchive, InvalidInput
from .families import JOINING, story_families
from .find import Relation, Result, _PairContext, checked_documents, sketch_chunk, warmed
from .options import OptionKeywords, Options
from .pool import chunks, installed, mapped
from . import runs
from .shingle import ShingleSet, distinct, prepare
from .sketch import lsh_params, sketch_keys_batch

__all__ = ["Archive", "ARCHIVE_SCHEMA_VERSION"]

_FORMAT = "textversions-archive"
ARCHIVE_SCHEMA_VERSION = 1
"""The layout of the archive's tables; a file of a newer layout is refused, not misread."""

_SCHEMA = """
CREATE TABLE meta(name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE documents(
    number INTEGER PRIMARY KEY AUTOINCREMENT,  -- archive order, never reused
    id TEXT NOT NULL UNIQUE,
    text TEXT NOT NULL,
    date TEXT NOT NULL,                         -- ISO date: the one given, else the day it was added
    source TEXT,
    key_count INTEGER NOT NULL,                 -- LSH keys the sketch gave, repeats included
    in_big INTEGER NOT NULL                     -- distinct buckets of more than MAX_BUCKET documents it is in
);
CREATE INDEX documents_date ON documents(date);
CREATE INDEX documents_saturated ON documents(number) WHERE {saturated};
{facts_index};
CREATE TABLE pairs(
    low INTEGER NOT NULL,                       -- document numbers, low < high
    high INTEGER NOT NULL,
    shared INTEGER NOT NULL,                    -- buckets shared (and chain links)
    kind TEXT,                                  -- the relation, or NULL: judged unrelated
    low_first INTEGER,                          -- 1 when the relation reads low → high
    comparison TEXT,                            -- Comparison.to_dict() as JSON, in the relation's reading
    judged INTEGER NOT NULL DEFAULT 1,          -- 0: added with judge=False, judged by store_relations
    PRIMARY KEY(low, high)
) WITHOUT ROWID;
CREATE INDEX pairs_high ON pairs(high);
CREATE TABLE common_text(sample BLOB NOT NULL, hashes BLOB NOT NULL);
"""
_FACTS_INDEX = "CREATE INDEX IF NOT EXISTS documents_facts ON documents(number, key_count, in_big, date)"
"""What pairing reads of a document, beside its number: its row stores these after its text (kilobytes, on
overflow pages), so without this index each read walks the text. Archives made before it get it at their next add."""
_SATURATED_SQL = f"in_big >= {SATURATED!r} * max(1, key_count)"
"""The candidates rule's saturated documents, as SQL (a partial index keeps them at hand)."""
_TABLES = {"meta", "documents", "pairs", "common_text", *runs.TABLES}


class Archive:
    """Documents kept in one SQLite file, with every relation between them, kept up to date.

    ``path`` is the file (created when absent) or ``":memory:"``. The options
    (those of :func:`~textversions.find_versions`) and ``window_days`` are fixed
    when the archive is created and read back when it is opened; giving other
    ones to an existing archive is an error. With ``window_days``, two documents
    are compared only when their dates are at most that many days apart. With
    ``create=False`` a missing file is an error instead of a new archive.
    ``workers`` processes share the judging of pairs, and threads the sketching.

    >>> with Archive(":memory:", window_days=2) as archive:
    ...     _ = archive.add({"a": "越是风急浪骤，越需中流砥柱。关键时刻，生死关头，党组织就是主心骨。"}, dates={"a": "2020-02-01"})
    ...     archive.query("越是风急浪骤,越需中流砥柱。关键时刻,生死关头,党组织就是主心骨。", date="2020-02-02")[0].kind
    'duplicate'
    """

    def __init__(
        self,
        path: str | Path,
        *,
        create: bool = True,
        window_days: int | None = None,
        workers: int = 1,
        options: Options | None = None,
        **keywords: Unpack[OptionKeywords],
    ) -> None:
        if window_days is not None and (isinstance(window_days, bool) or not isinstance(window_days, int) or window_days < 0):
            raise InvalidInput(f"window_days must be a whole number of days, 0 or more, got {window_days!r}")
        if workers < 1:
            raise InvalidInput(f"workers must be at least 1, got {workers}")
        self.path, self.workers = str(path), workers
        self._deferred = False
        # Comparisons judged in the change under way, by pair: the result is made of them, not read back.
        self._judged: dict[tuple[int, int], Comparison] = {}
        if not create and self.path != ":memory:" and not Path(self.path).exists():
            raise InvalidArchive(f"{self.path}: no such archive")
        given = Options.of(options, **keywords) if (options is not None or keywords) else None
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            try:
                tables = {row[0] for row in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            except sqlite3.DatabaseError as error:
                raise InvalidArchive(f"{self.path}: not a textversions archive ({error})") from None
            if not tables - {"sqlite_sequence"}:
                self._create(given or Options(), window_days)
            else:
                self._open(tables, given, window_days)
        except BaseException:
            self._db.close()
            raise
        self._runs = runs.KeyRuns(self._db)
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute("PRAGMA synchronous = NORMAL")
        self._db.execute("PRAGMA cache_size = -262144")
        self._db.execute("PRAGMA busy_timeout = 60000")

    def _create(self, options: Options, window_days: int | None) -> None:
        with self._transaction():
            for statement in _SCHEMA.format(saturated=_SATURATED_SQL, facts_index=_FACTS_INDEX).split(";"):
                if statement.strip():
                    self._db.execute(statement)
            meta = {"format": _FORMAT, "schema_version": ARCHIVE_SCHEMA_VERSION, "options": options.to_dict(),
                    "window_days": window_days}  # fmt: skip
            self._db.executemany("INSERT INTO meta VALUES (?, ?)", [(k, json.dumps(v)) for k, v in meta.items()])
            self._db.execute("INSERT INTO common_text VALUES (x'', x'')")
            runs.KeyRuns(self._db).create()
        self.options, self.window_days = options, window_days

    def _open(self, tables: set[str], given: Options | None, window_days: int | None) -> None:
        if "meta" not in tables:
            raise InvalidArchive(f"{self.path}: not a textversions archive (an SQLite file without its tables)")
        meta = {name: json.loads(value) for name, value in self._db.execute("SELECT name, value FROM meta")}
        if meta.get("format") != _FORMAT:
            raise InvalidArchive(f"{self.path}: not a textversions archive (an SQLite file of another format)")
        version = meta.get("schema_version")
        if not isinstance(version, int) or version > ARCHIVE_SCHEMA_VERSION:
            raise InvalidArchive(
                f"{self.path}: an archive of schema version {version!r}; this textversions reads up to "
                f"{ARCHIVE_SCHEMA_VERSION} (upgrade textversions)"
            )
        if not _TABLES <= tables:
            raise InvalidArchive(f"{self.path}: a damaged archive (tables missing: {', '.join(sorted(_TABLES - tables))})")
        try:
            saved = meta["options"]
            # An archive made before word_window windowed word shingles as it windowed characters, one made
            # before fold_punctuation read punctuation marks as they are, and one made before figures (names) kept no
            # figure (name) keys: so each goes on, its keys comparable.
            self.options = Options(**{"word_window": saved.get("window"), "fold_punctuation": False, "figures": False, "names": False, "headings": False, **saved})
        except (TypeError, AttributeError, InvalidInput) as error:
            raise InvalidArchive(f"{self.path}: a damaged archive (options: {error})") from None
        self.window_days = meta.get("window_days")
        if given is not None and given != self.options:
            raise InvalidInput(f"{self.path} was created with other options ({self.options.to_dict()}); open it without options")
        if window_days is not None and window_days != self.window_days:
            kept = "every document with every other" if self.window_days is None else f"documents within {self.window_days} days"
            raise InvalidInput(f"{self.path} compares {kept}, not within {window_days} days (set when it was created)")

    def close(self) -> None:
        """Close the file (the archive is saved after every change; closing loses nothing)."""
        self._db.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __len__(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM documents").fetchone()[0])

    def __contains__(self, doc_id: object) -> bool:
        return self._db.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone() is not None

    # ----------------------------------------------------------------- changes

    def add(
        self,
        docs: Mapping[str, str] | Iterable[tuple[str, str]],
        *,
        dates: Mapping[str, Any] | None = None,
        sources: Mapping[str, str] | None = None,
        judge: bool = True,
    ) -> Result:
        """Add documents and return the relations this finds, verified and typed like ``find_versions``'.

        ``docs`` is what :func:`~textversions.find_versions` takes; ids must be new
        to the archive. ``dates`` maps ids to a date (``datetime.date``, or text
        starting ``YYYY-MM-DD``); a document without one is dated the day it is
        added. ``sources`` maps ids to where they came from. The result holds the
        relations of the new documents, the documents they join, and those
        documents' families in the whole archive (relations between documents
        already kept that the batch changes — the common text measured again while
        the archive is small — are brought up to date, not returned). All or
        nothing: an error leaves the archive as it was.

        With ``judge=False`` the documents, their keys and their candidate pairs are
        stored but the pairs are not judged (:attr:`pending` counts them): for a
        bulk load judged elsewhere — :func:`textversions.spark.archive_documents`
        gives Spark the documents, and :meth:`store_relations` takes its relations back.
        """
        self._deferred = not judge
        try:
            return self._added(docs, dates or {}, sources or {}, keep=True)
        finally:
            self._deferred = False

    @property
    def pending(self) -> int:
        """Candidate pairs added with ``judge=False`` and not judged yet."""
        return int(self._db.execute("SELECT count(*) FROM pairs WHERE judged = 0").fetchone()[0])

    def store_relations(self, relations: Iterable[Relation]) -> None:
        """Take every relation of the archive from elsewhere — the Spark engine over :func:`~textversions.spark.
        archive_documents`, with the archive's options — as the judgement of its candidate pairs: the pairs
        given are those related, the others unrelated, none left pending.

        A relation between documents the archive does not hold, or that are no candidate pair of it, is an
        error (a run over other documents or with other options); the archive is then left as it was.
        """
        numbers = dict(self._db.execute("SELECT id, number FROM documents"))
        with self._transaction():
            candidates = {(low, high) for low, high in self._db.execute("SELECT low, high FROM pairs")}
            rows = []
            for relation in relations:
                a, b = numbers.get(relation.a), numbers.get(relation.b)
                if a is None or b is None:
                    raise InvalidInput(f"the archive holds no document {relation.a if a is None else relation.b!r}")
                low, high = min(a, b), max(a, b)
                if (low, high) not in candidates:
                    raise InvalidInput(
                        f"{relation.a!r} and {relation.b!r} are no candidate pair of this archive: were the relations "
                        "found over its documents, with its options?"
                    )
                rows.append((relation.kind, int(a == low), relation.comparison.to_json(), low, high))
            self._db.execute("UPDATE pairs SET kind = NULL, low_first = NULL, comparison = NULL, judged = 1")
            self._db.executemany("UPDATE pairs SET kind = ?, low_first = ?, comparison = ?, judged = 1 WHERE low = ? AND high = ?", rows)

    def query(self, text: str, *, date: Any = None) -> list[Relation]:
        """The verified relations an outside ``text`` would have with archived documents, without adding it.

        Each relation names the text ``"(query)"``; judged as :meth:`add` would judge it (``date``, if
        given, for the date window).
        """
        result = self._added([(_QUERY_ID, text)], {_QUERY_ID: date} if date is not None else {}, {}, keep=False)
        return list(result.relations)

    def remove(self, ids: Iterable[str]) -> int:
        """Remove documents with their keys and relations; the relations of what stays are brought up to date.

        An id the archive does not hold is an error (nothing is removed). Returns how many were removed.
        """
        wanted = list(dict.fromkeys(ids))
        with self._transaction():
            numbers = []
            for doc_id in wanted:
                row = self._db.execute("SELECT number FROM documents WHERE id = ?", (doc_id,)).fetchone()
                if row is None:
                    raise InvalidInput(f"the archive holds no document {doc_id!r}")
                numbers.append(row[0])
            self._removed(numbers)
        return len(numbers)

    def expire(self, *, before: Any) -> int:
        """Remove every document dated before ``before`` (a date or ``YYYY-MM-DD``); how many were removed."""
        cutoff = _iso_date(before, "before")
        with self._transaction():
            numbers = [row[0] for row in self._db.execute("SELECT number FROM documents WHERE date < ?", (cutoff,))]
            self._removed(numbers)
        return len(numbers)

    def compact(self) -> int:
        """Merge the key runs that grew (work a daily ``add`` leaves for a quiet hour: adds stay quick, lookups
        get quicker); the runs left. One transaction, like every change."""
        with self._transaction():
            return self._runs.compact()

    # ----------------------------------------------------------------- reading

    def ids(self) -> tuple[str, ...]:
        """Document ids in archive order."""
        return tuple(row[0] for row in self._db.execute("SELECT id FROM documents ORDER BY number"))

    def documents(self) -> Iterator[dict[str, Any]]:
        """Each document as ``{"id", "text", "date", "source"}``, in archive order (read as a stream)."""
        cursor = self._db.execute("SELECT id, text, date, source FROM documents ORDER BY number")
        for doc_id, text, date, source in cursor:
            yield {"id": doc_id, "text": text, "date": date, "source": source}

    def texts(self, ids: Iterable[str]) -> dict[str, str]:
        """The texts of ``ids``."""
        out = {}
        for doc_id in ids:
            row = self._db.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()
            if row is None:
                raise InvalidInput(f"the archive holds no document {doc_id!r}")
            out[doc_id] = row[0]
        return out

    def relations(self, *, since: Any = None) -> tuple[Relation, ...]:
        """Every relation, in archive order; with ``since`` (a date), those of a document dated on or after it."""
        query = (
            "SELECT p.low, p.high, p.kind, p.low_first, p.comparison, a.id, b.id FROM pairs p "
            "JOIN documents a ON a.number = p.low JOIN documents b ON b.number = p.high WHERE p.kind IS NOT NULL"
        )
        arguments: tuple[Any, ...] = ()
        if since is not None:
            query += " AND (a.date >= ? OR b.date >= ?)"
            arguments = (_iso_date(since, "since"),) * 2
        rows = self._db.execute(query + " ORDER BY p.low, p.high", arguments)
        return tuple(_relation(low_id, high_id, kind, low_first, comparison) for _, _, kind, low_first, comparison, low_id, high_id in rows)

    def families(self) -> tuple[tuple[str, ...], ...]:
        """Story families over the whole archive, as :func:`~textversions.find_versions` forms them."""
        return tuple(tuple(family) for family in story_families(self.ids(), self._links()))

    def _links(self) -> list[tuple[str, str]]:
        rows = self._db.execute(
            "SELECT a.id, b.id FROM pairs p JOIN documents a ON a.number = p.low JOIN documents b ON b.number = p.high "
            f"WHERE p.kind IN ({', '.join('?' * len(JOINING))})",
            sorted(JOINING),
        )
        return [(a, b) for a, b in rows]

    def result(self, *, since: Any = None) -> Result:
        """The archive as a :class:`~textversions.find.Result` — what one ``find_versions`` over it gives — for
        the JSON, JSON-lines, Arrow and report writers; with ``since``, only the relations :meth:`relations` gives
        and the documents they join."""
        relations = self.relations(since=since)
        rows = self._db.execute("SELECT id, length(text) FROM documents ORDER BY number").fetchall()
        if since is not None:
            wanted = {r.a for r in relations} | {r.b for r in relations}
            rows = [row for row in rows if row[0] in wanted]
        return _result(rows, relations, self.families(), self.options)

    def export(self, path: str | Path) -> None:
        """Write the archive's result to ``path``: ``.json``, ``.jsonl``, or ``.parquet`` (a folder of three tables)."""
        path = Path(path)
        result = self.result()
        if path.suffix == ".json":
            path.write_text(result.to_json(indent=1), encoding="utf-8")
        elif path.suffix == ".jsonl":
            path.write_text(result.to_jsonl(), encoding="utf-8")
        elif path.suffix == ".parquet":
            from pyarrow import parquet

            path.mkdir(parents=True, exist_ok=True)
            for name, table in result.to_arrow().items():
                parquet.write_table(table, path / f"{name}.parquet")
        else:
            raise InvalidInput(f"cannot export to {path.name!r}: use .json, .jsonl or .parquet")

    def export_documents(self, path: str | Path) -> None:
        """Write the documents (``id``, ``text``, ``date``, ``source``), in archive order, to a Parquet file:
        what the Spark engine reads (:func:`textversions.spark.archive_documents`)."""
        import pyarrow as pa
        from pyarrow import parquet

        schema = pa.schema([("id", pa.string()), ("text", pa.string()), ("date", pa.string()), ("source", pa.string())])
        with parquet.ParquetWriter(str(path), schema) as writer:
            cursor = self._db.execute("SELECT id, text, date, source FROM documents ORDER BY number")
            while rows := cursor.fetchmany(10_000):
                writer.write_table(pa.Table.from_pylist([dict(zip(schema.names, row)) for row in rows], schema=schema))

    # ----------------------------------------------------------------- the work

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)

    def _added(self, docs: Any, dates: Mapping[str, Any], sources: Mapping[str, str], *, keep: bool) -> Result:
        batch = list(checked_documents(docs))
        today = datetime.date.today().isoformat()
        day = {doc_id: _iso_date(dates[doc_id], f"the date of {doc_id!r}") if dates.get(doc_id) is not None else today
               for doc_id, _ in batch}  # fmt: skip
        unknown = [doc_id for doc_id in [*dates, *sources] if doc_id not in day]
        if unknown:
            raise InvalidInput(f"a date or source is given for {unknown[0]!r}, which is not among the documents added")
        texts = [text for _, text in batch]
        sketched = list(mapped(sketch_chunk, [(chunk, self.options) for chunk in chunks(texts, 256)], self.workers, threads=True))
        counts = np.concatenate([c for c, _ in sketched]) if sketched else np.zeros(0, np.int64)
        keys = np.concatenate([k for _, k in sketched]) if sketched else np.zeros(0, np.uint64)
        self._judged.clear()
        with self._transaction() as transaction:
            self._db.execute(_FACTS_INDEX)
            for doc_id, _ in batch:
                if doc_id in self:
                    raise DuplicateId(f"document id {doc_id!r} is already in the archive")
            first = int(self._db.execute("SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = 'documents'").fetchone()[0]) + 1
            numbers = list(range(first, first + len(batch)))
            per_doc = np.split(keys.view(np.int64), np.cumsum(counts)[:-1]) if len(batch) else []
            doc_keys = [distinct(k) for k in per_doc]
            self._db.executemany(
                "INSERT INTO documents(number, id, text, date, source, key_count, in_big) VALUES (?, ?, ?, ?, ?, ?, 0)",
                [(n, doc_id, text, day[doc_id], sources.get(doc_id), int(c)) for n, (doc_id, text), c in zip(numbers, batch, counts)],
            )  # fmt: skip
            new_keys = np.concatenate(doc_keys) if doc_keys else np.zeros(0, np.int64)
            new_owners = np.repeat(np.array(numbers, dtype=np.int64), [len(k) for k in doc_keys])
            old_keys, old_owners = self._members_of(new_keys)
            self._runs.append(new_keys, new_owners)
            union_keys = np.concatenate([old_keys, new_keys])
            union_owners = np.concatenate([old_owners, new_owners])
            dirty = set(numbers) | self._bigness_changed(union_keys, union_owners, len(old_keys), set(numbers))
            flipped = self._common_measured_again()
            judged, changed = self._recounted(dirty, known=(union_keys, union_owners, set(numbers)))
            changed |= self._judged_again(flipped, skip=judged)
            relations = self._relations_among({(low, high) for low, high in changed if high >= first})
            result = self._batch_result(relations, numbers)
            self._judged.clear()
            if not keep:
                transaction.rollback()
        return result

    def _removed(self, numbers: list[int]) -> None:
        if not numbers:
            return
        gone = set(numbers)
        keys = distinct(self._keys_of(numbers))
        union_keys, union_owners = self._members_of(keys)
        self._runs.remove(keys, np.array(numbers, dtype=np.int64))
        # The pairs of the removed documents go; their chain neighbours and the rest are counted below.
        self._db.executemany("DELETE FROM pairs WHERE low = ? OR high = ?", [(n, n) for n in numbers])
        staying = ~runs.among(union_owners, distinct(np.array(numbers, dtype=np.int64)))
        dirty = self._bigness_changed(union_keys, union_owners, 0, set(), removed=staying)
        dirty |= self._chain_neighbours(union_keys[~staying], union_keys, union_owners, gone, leaving=gone)
        self._db.executemany("DELETE FROM documents WHERE number = ?", [(n,) for n in numbers])
        flipped = self._common_measured_again()
        self._judged_again(flipped, skip=self._recounted(dirty - gone)[0])

    def _members_of(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every ``(key, number)`` row of the buckets ``keys``, sorted."""
        return self._runs.members(distinct(keys))

    def _keys_of(self, numbers: Iterable[int]) -> np.ndarray:
        """The LSH keys of the documents ``numbers``, sketched again from their texts (cheaper than keeping them
        twice: the runs hold them by key, not by document)."""
        self._choose(numbers)
        texts = [row[0] for row in self._db.execute("SELECT d.text FROM temp.chosen c JOIN documents d ON d.number = c.number")]
        return sketch_keys_batch(texts, self.options)[1].view(np.int64) if texts else np.zeros(0, np.int64)

    def _facts(self, numbers: Iterable[int]) -> dict[int, tuple[int, int, str]]:
        """``number → (key_count, in_big, date)``."""
        self._choose(numbers)
        rows = self._db.execute("SELECT d.number, d.key_count, d.in_big, d.date FROM temp.chosen c JOIN documents d ON d.number = c.number")
        return {n: (count, in_big, date) for n, count, in_big, date in rows}

    def _bigness_changed(
        self, keys: np.ndarray, owners: np.ndarray, old_rows: int, new: set[int], *, removed: np.ndarray | None = None
    ) -> set[int]:
        """Bring ``in_big`` up to date for buckets that grew (the first ``old_rows`` rows were there before) or
        shrank (``removed``: the rows that stay); the documents whose pairs may count otherwise now."""
        if not len(keys):
            return set()
        order = np.lexsort((owners, keys))
        keys, owners = keys[order], owners[order]
        if removed is None:
            before_mask, after_mask = order < old_rows, np.ones(len(keys), dtype=bool)
        else:
            before_mask, after_mask = np.ones(len(keys), dtype=bool), removed[order]
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
        lengths = np.diff(np.r_[starts, len(keys)])
        before = np.repeat(np.add.reduceat(before_mask.astype(np.int64), starts), lengths) > MAX_BUCKET
        after = np.repeat(np.add.reduceat(after_mask.astype(np.int64), starts), lengths) > MAX_BUCKET
        is_new = runs.among(owners, np.array(sorted(new), dtype=np.int64))
        # A new document counts every big bucket it is in; a kept one each bucket that became (or stopped being) big.
        delta = np.where(is_new, after, np.where(after != before, np.where(after, 1, -1), 0)) * after_mask
        changed = np.flatnonzero(delta)
        numbers = distinct(owners[changed])
        sums = np.bincount(np.searchsorted(numbers, owners[changed]), weights=delta[changed], minlength=len(numbers))
        crossing = starts[after[starts] != before[starts]]
        crossed = [owners[start:end][after_mask[start:end]].tolist() for start, end in zip(crossing.tolist(), (crossing + lengths[after[starts] != before[starts]]).tolist())]
        dirty: set[int] = set()
        if removed is not None:  # a bucket that stopped being big may make candidates of any two of its members
            dirty.update(n for members in crossed for n in members)
        self._db.execute("CREATE TEMP TABLE IF NOT EXISTS changes(number INTEGER PRIMARY KEY, delta INTEGER NOT NULL)")
        self._db.execute("DELETE FROM temp.changes")
        self._db.executemany(
            "INSERT INTO temp.changes VALUES (?, ?)",
            [(number, change) for number, change in zip(numbers.tolist(), sums.astype(np.int64).tolist()) if change],
        )
        self._db.execute("UPDATE documents SET in_big = in_big + (SELECT delta FROM temp.changes c WHERE c.number = documents.number) "
                         "WHERE number IN (SELECT number FROM temp.changes)")  # fmt: skip
        # A new document joins the end of each chain: its links are its own pairs, counted anyway.
        flipped = [
            number for (number,) in self._db.execute(
                f"SELECT d.number FROM temp.changes c JOIN documents d ON d.number = c.number WHERE ({_SATURATED_SQL}) != "
                f"({_SATURATED_SQL.replace('in_big', '(d.in_big - c.delta)')})"
            ) if number not in new
        ]  # fmt: skip
        if flipped:
            dirty.update(flipped)
            flipped_keys = self._keys_of(flipped)
            all_keys, all_owners = self._members_of(flipped_keys)
            dirty |= self._chain_neighbours(flipped_keys, all_keys, all_owners, set(flipped), leaving=set())
        if removed is None:
            self._crossed_up(crossed, dirty | new)
        return dirty

    def _crossed_up(self, crossed: list[list[int]], recounted: set[int]) -> None:
        """Buckets that became big (``crossed``: each one's members) stop counting for the pairs of their members
        and chain the saturated ones instead — at most as many links as they took, so no pair becomes a
        candidate: the counts of the kept pairs among their members follow, and a pair no longer counting enough
        goes. The ``recounted`` documents' pairs are left alone (counted whole anyway)."""
        buckets_of: dict[int, set[int]] = {}
        for bucket, members in enumerate(crossed):
            for number in members:
                buckets_of.setdefault(number, set()).add(bucket)
        self._choose(set(buckets_of) - recounted)
        kept = self._db.execute(
            "SELECT p.low, p.high, p.shared FROM temp.chosen c CROSS JOIN pairs p ON p.low = c.number "
            "WHERE +p.high IN (SELECT number FROM temp.chosen)"  # (+: a filter, not a loop over chosen)
        ).fetchall()
        if not kept:
            return
        saturated = self._saturated_numbers()
        links: dict[tuple[int, int], int] = {}
        for bucket_members in crossed:
            chain = [n for n in bucket_members if n in saturated]
            for link in zip(chain, chain[1:]):
                links[link] = links.get(link, 0) + 1
        counted = [(low, high, shared - len(buckets_of[low] & buckets_of[high]) + links.get((low, high), 0)) for low, high, shared in kept]
        facts = self._facts({n for low, high, _ in counted for n in (low, high)})
        bands = self._bands()
        enough = [(count, low, high) for low, high, count in counted if count >= needed_buckets(facts[low][0], facts[high][0], bands)]
        self._db.executemany("UPDATE pairs SET shared = ? WHERE low = ? AND high = ?", enough)
        short = [(low, high) for low, high, count in counted if count < needed_buckets(facts[low][0], facts[high][0], bands)]
        self._db.executemany("DELETE FROM pairs WHERE low = ? AND high = ?", short)

    def _bands(self) -> int:
        """LSH bands of a window under the archive's options (:func:`~textversions.candidates.needed_buckets`)."""
        return lsh_params(self.options.threshold, self.options.num_perm)[0]

    def _choose(self, numbers: Iterable[int]) -> None:
        """Put ``numbers`` in the temporary table ``chosen``, for the queries that join documents to it.

        Those that join ``pairs`` read ``temp.chosen c CROSS JOIN pairs …``: SQLite then looks each chosen number
        up, where it would otherwise scan ``pairs`` and read every judged pair's JSON (0.67 s against 0.04 s for
        3,000 numbers in an archive of 100,000 documents); those that join ``documents`` are left to the planner,
        which reads a document's facts from their covering index."""
        self._db.execute("CREATE TEMP TABLE IF NOT EXISTS chosen(number INTEGER PRIMARY KEY)")
        self._db.execute("DELETE FROM temp.chosen")
        self._db.executemany("INSERT INTO temp.chosen VALUES (?)", ((n,) for n in sorted(set(numbers))))

    def _saturated_numbers(self) -> set[int]:
        """The documents mostly made of big buckets' text (the candidates rule's reprints), read in one query."""
        return {row[0] for row in self._db.execute(f"SELECT number FROM documents WHERE {_SATURATED_SQL}")}

    def _chain_neighbours(
        self, of_keys: np.ndarray, keys: np.ndarray, owners: np.ndarray, around: set[int], *, leaving: set[int]
    ) -> set[int]:
        """In each bucket among ``of_keys`` that is big without the ``leaving`` documents, the saturated
        members next to each document of ``around`` (before and after it, the others of ``around`` skipped):
        their chain links change when those documents join or leave the chain."""
        wanted = runs.among(keys, distinct(of_keys))
        keys, owners = keys[wanted], owners[wanted]
        if not len(keys):
            return set()
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
        ends = np.r_[starts[1:], len(keys)]
        big = [(s, e) for s, e in zip(starts.tolist(), ends.tolist()) if e - s - len(leaving & set(owners[s:e].tolist())) > MAX_BUCKET]
        saturated = self._saturated_numbers()
        out: set[int] = set()
        for start, end in big:
            members = owners[start:end].tolist()
            chain = [n for n in members if n not in around and n in saturated]
            for number in around & set(members):
                position = int(np.searchsorted(chain, number))
                out.update(chain[max(0, position - 1) : position + 1])
        return out

    def _recounted(
        self, dirty: set[int], *, known: tuple[np.ndarray, np.ndarray, set[int]] | None = None
    ) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
        """Count again the candidate pairs of the ``dirty`` documents over the whole archive and replace theirs;
        judge the pairs that are new. The pairs judged, and those of them that became relations."""
        if not dirty:
            return set(), set()
        keys, owners = self._bucket_rows(dirty, known)
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if len(keys) else np.zeros(0, np.int64)
        ends = np.r_[starts[1:], len(keys)]
        sizes = ends - starts
        dirty_numbers = np.array(sorted(dirty), dtype=np.int64)
        # Each bucket's links as codes ``low << 32 | high``, counted: the buckets of two — most of them — in one go.
        first, second = owners[starts[sizes == 2]], owners[starts[sizes == 2] + 1]
        links = [((first << 32) | second)[runs.among(first, dirty_numbers) | runs.among(second, dirty_numbers)]]
        saturated = np.array(sorted(self._saturated_numbers()), dtype=np.int64)
        for start, end in zip(starts[sizes > 2].tolist(), ends[sizes > 2].tolist()):
            if end - start <= MAX_BUCKET:
                members = owners[start:end].tolist()
                pairs = [(x, y) for i, x in enumerate(members) for y in members[i + 1 :] if x in dirty or y in dirty]
            else:
                members = owners[start:end]
                chain = members[runs.among(members, saturated)].tolist()
                pairs = [(x, y) for x, y in zip(chain, chain[1:]) if x in dirty or y in dirty]
            if pairs:
                links.append(np.array([(x << 32) | y for x, y in pairs], dtype=np.int64))
        codes, counts = np.unique(np.concatenate(links), return_counts=True)
        lows, highs = codes >> 32, codes & 0xFFFFFFFF
        numbers = distinct(np.concatenate([lows, highs]))
        facts = self._facts(numbers.tolist())
        key_counts = np.array([facts[n][0] for n in numbers.tolist()], dtype=np.int64)
        enough = enough_shared(counts, key_counts[np.searchsorted(numbers, lows)], key_counts[np.searchsorted(numbers, highs)], self._bands())
        window = self.window_days
        candidates = {
            (low, high): count for low, high, count in zip(lows[enough].tolist(), highs[enough].tolist(), counts[enough].tolist())
            if window is None or _days_apart(facts[low][2], facts[high][2]) <= window
        }  # fmt: skip
        self._choose(dirty)
        before = {(low, high): count for low, high, count in self._db.execute(
            "SELECT p.low, p.high, p.shared FROM temp.chosen c CROSS JOIN pairs p ON p.low = c.number UNION "
            "SELECT p.low, p.high, p.shared FROM temp.chosen c CROSS JOIN pairs p ON p.high = c.number")}  # fmt: skip
        self._db.executemany("DELETE FROM pairs WHERE low = ? AND high = ?", [pair for pair in before if pair not in candidates])
        recounted = [(count, *pair) for pair, count in candidates.items() if before.get(pair, count) != count]
        self._db.executemany("UPDATE pairs SET shared = ? WHERE low = ? AND high = ?", recounted)
        fresh = sorted(pair for pair in candidates if pair not in before)
        return set(fresh), self._judge([(low, high, candidates[(low, high)]) for low, high in fresh])

    def _bucket_rows(self, numbers: set[int], known: tuple[np.ndarray, np.ndarray, set[int]] | None) -> tuple[np.ndarray, np.ndarray]:
        """Every row of every bucket the documents ``numbers`` are in, sorted; ``known`` has the rows of the buckets
        of some of them already (``(keys, owners, those documents)``)."""
        known_keys, known_owners, covered = known or (np.zeros(0, np.int64), np.zeros(0, np.int64), set())
        rest = sorted(numbers - covered)
        fetched = self._members_of(self._keys_of(rest)) if rest else (known_keys[:0], known_owners[:0])
        keys, owners = np.concatenate([known_keys, fetched[0]]), np.concatenate([known_owners, fetched[1]])
        order = np.lexsort((owners, keys))
        keys, owners = keys[order], owners[order]
        first = np.r_[True, (keys[1:] != keys[:-1]) | (owners[1:] != owners[:-1])] if len(keys) else np.zeros(0, bool)
        return keys[first], owners[first]

    def _judge(self, pairs: Sequence[tuple[int, int, int]]) -> set[tuple[int, int]]:
        """Verify and align ``(low, high, shared)`` pairs under the archive's common text, on ``workers``
        processes; store each judgement. The pairs whose judgement is not the one they had (a relation new or
        changed, or one gone). While :meth:`add` runs with ``judge=False``, the pairs are stored to be judged later."""
        if self._deferred:
            self._db.executemany("INSERT OR REPLACE INTO pairs(low, high, shared, judged) VALUES (?, ?, ?, 0)", pairs)
            return set()
        numbers = sorted({n for low, high, _ in pairs for n in (low, high)})
        self._choose(numbers)
        texts = dict(self._db.execute("SELECT d.number, d.text FROM temp.chosen c JOIN documents d ON d.number = c.number"))
        context = _PairContext(texts, self.options, self._common())
        workers = self.workers if len(pairs) > 16 else 1
        if workers > 1:
            warmed(self.options)
        had = {}  # the judgements the pairs had, if any (a pair counted anew has none): looked up one by one
        for low, high, _ in pairs:
            row = self._db.execute("SELECT kind, low_first, comparison FROM pairs WHERE low = ? AND high = ?", (low, high)).fetchone()
            if row is not None:
                had[(low, high)] = row
        rows, changed = [], set()
        for judged in mapped(_judge_chunk, chunks(pairs, 8), workers, context):
            for row, comparison in judged:
                rows.append(row)
                if comparison is not None:
                    self._judged[row[:2]] = comparison
                if had.get(row[:2], (None, None, None)) != row[3:]:
                    changed.add(row[:2])
        self._db.executemany("INSERT OR REPLACE INTO pairs VALUES (?, ?, ?, ?, ?, ?, 1)", rows)
        return changed

    def _common(self) -> ShingleSet | None:
        hashes = np.frombuffer(self._db.execute("SELECT hashes FROM common_text").fetchone()[0], dtype="<u4")
        return ShingleSet(hashes.astype(np.uint32)) if len(hashes) else None

    def _common_measured_again(self) -> np.ndarray:
        """Measure the common text again if its sample (the first ``COMMON_SAMPLE`` documents) changed; the
        shingles that became, or stopped being, common."""
        sample = np.array([row[0] for row in self._db.execute("SELECT number FROM documents ORDER BY number LIMIT ?", (COMMON_SAMPLE,))], dtype=np.int64)
        stored_sample, stored = self._db.execute("SELECT sample, hashes FROM common_text").fetchone()
        if sample.astype("<i8").tobytes() == stored_sample:
            return np.zeros(0, dtype=np.uint32)
        texts = [row[0] for row in self._db.execute("SELECT text FROM documents ORDER BY number LIMIT ?", (COMMON_SAMPLE,))]
        hashes = common_shingles(texts, self.options).astype(np.uint32)
        self._db.execute("UPDATE common_text SET sample = ?, hashes = ?", (sample.astype("<i8").tobytes(), hashes.astype("<u4").tobytes()))
        return np.setxor1d(np.frombuffer(stored, dtype="<u4").astype(np.uint32), hashes)

    def _judged_again(self, flipped: np.ndarray, *, skip: set[tuple[int, int]]) -> set[tuple[int, int]]:
        """Judge again each kept pair (but those of ``skip``, just judged) with a document holding a ``flipped``
        shingle, whose own text the new common text measures otherwise. Those whose judgement changed."""
        if not len(flipped):
            return set()
        flipped_set = ShingleSet(flipped)
        pairs = [row for row in self._db.execute("SELECT low, high, shared FROM pairs") if (row[0], row[1]) not in skip]
        holds: dict[int, bool] = {}
        for number in sorted({n for low, high, _ in pairs for n in (low, high)}):
            text = self._db.execute("SELECT text FROM documents WHERE number = ?", (number,)).fetchone()[0]
            holds[number] = bool(flipped_set.contains(prepare(text, self.options).hashes).any())
        return self._judge([(low, high, shared) for low, high, shared in pairs if holds[low] or holds[high]])

    def _relations_among(self, pairs: set[tuple[int, int]]) -> list[tuple[int, int, Relation]]:
        out = []
        for low, high in sorted(pairs):
            row = self._db.execute(
                "SELECT p.kind, p.low_first, p.comparison, a.id, b.id FROM pairs p JOIN documents a ON a.number = p.low "
                "JOIN documents b ON b.number = p.high WHERE p.low = ? AND p.high = ? AND p.kind IS NOT NULL",
                (low, high),
            ).fetchone()
            if row is not None:
                kind, low_first, comparison, low_id, high_id = row
                judged = self._judged.get((low, high))
                if judged is not None:
                    a, b = (low_id, high_id) if low_first else (high_id, low_id)
                    out.append((low, high, Relation(a, b, kind, judged)))
                else:
                    out.append((low, high, _relation(low_id, high_id, kind, low_first, comparison)))
        return out

    def _batch_result(self, relations: list[tuple[int, int, Relation]], numbers: list[int]) -> Result:
        involved = set(numbers) | {n for low, high, _ in relations for n in (low, high)}
        rows = []
        for start in range(0, len(involved), 500):
            chunk = sorted(involved)[start : start + 500]
            rows += self._db.execute(
                f"SELECT number, id, length(text) FROM documents WHERE number IN ({', '.join('?' * len(chunk))})", chunk
            ).fetchall()
        rows.sort()
        families = self._families_of(involved)
        return _result([(doc_id, length) for _, doc_id, length in rows], [r for _, _, r in relations], families, self.options)

    def _families_of(self, numbers: set[int]) -> list[list[str]]:
        """The whole families of the documents ``numbers`` (what :meth:`families` gives for them), found by
        following their joining relations rather than reading every relation of the archive."""
        joining = sorted(JOINING)
        members, frontier, links = set(numbers), set(numbers), set()
        kinds = ", ".join("?" * len(joining))
        while frontier:
            self._choose(frontier)
            found = self._db.execute(
                f"SELECT p.low, p.high FROM temp.chosen c CROSS JOIN pairs p ON p.low = c.number WHERE p.kind IN ({kinds}) UNION "
                f"SELECT p.low, p.high FROM temp.chosen c CROSS JOIN pairs p ON p.high = c.number WHERE p.kind IN ({kinds})",
                (*joining, *joining),
            ).fetchall()
            links.update(found)
            frontier = {n for pair in found for n in pair} - members
            members |= frontier
        ordered = sorted(members)
        self._choose(ordered)
        ids = dict(self._db.execute("SELECT d.number, d.id FROM temp.chosen c JOIN documents d ON d.number = c.number"))
        return story_families([ids[n] for n in ordered], [(ids[low], ids[high]) for low, high in links])


_QUERY_ID = "(query)"


def _judge_chunk(pairs: list[tuple[int, int, int]]) -> list[tuple[tuple[Any, ...], Comparison | None]]:
    """Rows of ``pairs`` for the table — ``(low, high, shared, kind, low_first, comparison JSON)`` — each with
    its comparison (``None`` when unrelated)."""
    context: _PairContext = installed()
    rows: list[tuple[tuple[Any, ...], Comparison | None]] = []
    for low, high, count in pairs:
        found = verify(context.document(low), context.document(high), context.options, context.common)
        if found is None:
            rows.append(((low, high, count, None, None, None), None))
        else:
            comparison = found.with_edits()
            rows.append(((low, high, count, comparison.relation, int(not found.swapped), comparison.to_json()), comparison))
    return rows


class _Transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT``, or ``ROLLBACK`` on any error (or when asked)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        self._rolled_back = False

    def __enter__(self) -> _Transaction:
        self._db.execute("BEGIN IMMEDIATE")
        return self

    def rollback(self) -> None:
        self._db.execute("ROLLBACK")
        self._rolled_back = True

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        if self._rolled_back:
            return
        self._db.execute("COMMIT" if kind is None else "ROLLBACK")


def _days_apart(a: str, b: str) -> int:
    return abs((datetime.date.fromisoformat(a) - datetime.date.fromisoformat(b)).days)


def _iso_date(value: Any, what: str) -> str:
    """``value`` as ``YYYY-MM-DD``: a date, a datetime, or text that starts with an ISO date."""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip()[:10]).isoformat()
        except ValueError:
            pass
    raise InvalidInput(f"{what} must be a date or text starting YYYY-MM-DD, got {value!r:.40}")


def _relation(low_id: str, high_id: str, kind: str, low_first: int, comparison: str) -> Relation:
    a, b = (low_id, high_id) if low_first else (high_id, low_id)
    return Relation(a, b, kind, Comparison.from_dict(json.loads(comparison)))


def _result(
    documents: Sequence[tuple[str, int]], relations: Sequence[Relation], families: Sequence[Sequence[str]], options: Options
) -> Result:
    """A result over ``documents``, their families in the whole archive cut down to them."""
    present = {doc_id for doc_id, _ in documents}
    kept = tuple(tuple(m for m in family if m in present) for family in families)
    return Result(
        ids=tuple(doc_id for doc_id, _ in documents),
        lengths=tuple(length for _, length in documents),
        relations=tuple(relations),
        families=tuple(family for family in kept if family),
        options=options.to_dict(),
    )
