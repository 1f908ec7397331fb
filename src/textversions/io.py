"""Reading documents: text files, folders, tables (JSONL, CSV, Parquet), stdin, the seed corpus.

* A ``.txt``/``.md`` file is one document; its id is the file name without the
  extension, or inside a folder its path below that folder (``sub/article``).
* A ``.jsonl``/``.ndjson``, ``.csv`` or ``.parquet`` file is a table of
  documents: one per record, id and text from ``id_field`` / ``text_field``
  (ids that are numbers become strings). ``-`` reads JSONL from stdin.
* Text is UTF-8 (a BOM is dropped). Whatever cannot be read is an
  :class:`~textversions.errors.UnreadableDocument` or
  :class:`~textversions.errors.InvalidInput` naming the file and record — never
  silently skipped. Parquet needs pyarrow (``pip install textversions[parquet]``).

>>> ids = [doc_id for doc_id, _ in seed_corpus()]
>>> ids[3]
'003_2ce852fb66e9e90e'
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from importlib.resources import files
from pathlib import Path
from typing import Any, TextIO

from .errors import InvalidInput, NotText, UnreadableDocument

__all__ = ["read_paths", "read_table", "read_text_file", "seed_corpus", "TEXT_SUFFIXES", "TABLE_SUFFIXES"]

TEXT_SUFFIXES = (".txt", ".md")
TABLE_SUFFIXES = (".jsonl", ".ndjson", ".csv", ".parquet")


def read_text_file(path: Path) -> str:
    """The text of a UTF-8 file, or an error naming it."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UnreadableDocument(f"{path}: cannot read ({error.strerror or error})") from error
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableDocument(
            f"{path}: not UTF-8 text (byte {error.start}: {data[error.start:error.start + 4]!r})"
        ) from error


def _record(where: str, record: Any, id_field: str, text_field: str) -> tuple[str, str]:
    if not isinstance(record, dict):
        raise InvalidInput(f"{where}: expected an object with {id_field!r} and {text_field!r}")
    for field in (id_field, text_field):
        if field not in record:
            raise InvalidInput(f"{where}: no field {field!r} (fields: {', '.join(map(str, record)) or 'none'})")
    doc_id, text = record[id_field], record[text_field]
    if isinstance(doc_id, bool) or not isinstance(doc_id, (str, int)):
        raise InvalidInput(f"{where}: id must be a string or an integer, got {type(doc_id).__name__}")
    if not isinstance(text, str):
        raise NotText(f"{where}: document {doc_id!r}: text must be a string, got {type(text).__name__}")
    return str(doc_id), text


OnError = Callable[[str, str], None]
"""Called as ``on_error(source, reason)`` for a file or record that is skipped."""


def _jsonl(
    stream: TextIO, name: str, id_field: str, text_field: str, on_error: OnError | None
) -> Iterator[tuple[str, str]]:
    for number, line in enumerate(stream, 1):
        if not line.strip():
            continue
        try:
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise UnreadableDocument(f"{name}:{number}: not JSON ({error.msg})") from error
            yield _record(f"{name}:{number}", record, id_field, text_field)
        except (UnreadableDocument, InvalidInput) as error:
            if on_error is None:
                raise
            on_error(f"{name}:{number}", str(error))


def read_table(
    path: str | Path, *, id_field: str = "id", text_field: str = "text", on_error: OnError | None = None
) -> Iterator[tuple[str, str]]:
    """``(id, text)`` for each record of a JSONL, CSV or Parquet file (``-``: JSONL on stdin).

    With ``on_error``, a JSONL record that cannot be read is reported to it and skipped.
    """
    if str(path) == "-":
        stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", errors="strict")
        try:
            yield from _jsonl(stdin, "<stdin>", id_field, text_field, on_error)
        except UnicodeDecodeError as error:
            raise UnreadableDocument(f"<stdin>: not UTF-8 text ({error.reason})") from error
        return
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix in (".jsonl", ".ndjson"):
            with path.open(encoding="utf-8-sig") as stream:
                yield from _jsonl(stream, str(path), id_field, text_field, on_error)
        elif suffix == ".csv":
            # A news page in one cell is far above csv's default 128 KiB field limit.
            csv.field_size_limit(max(csv.field_size_limit(), 1 << 30))
            with path.open(encoding="utf-8-sig", newline="") as stream:
                try:
                    for number, row in enumerate(csv.DictReader(stream), 2):
                        yield _record(f"{path}:{number}", row, id_field, text_field)
                except csv.Error as error:
                    raise UnreadableDocument(f"{path}: not readable as CSV ({error})") from error
        elif suffix == ".parquet":
            yield from _parquet(path, id_field, text_field)
        else:
            raise InvalidInput(f"{path}: not a table (expected one of {', '.join(TABLE_SUFFIXES)})")
    except UnicodeDecodeError as error:
        raise UnreadableDocument(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from error
    except OSError as error:
        raise UnreadableDocument(f"{path}: cannot read ({error.strerror or error})") from error


def _parquet(path: Path, id_field: str, text_field: str) -> Iterator[tuple[str, str]]:
    try:
        import pyarrow.parquet as pq
    except ImportError as error:
        raise InvalidInput(f"{path}: reading Parquet needs pyarrow: pip install 'textversions[parquet]'") from error
    try:
        table = pq.ParquetFile(path)
    except Exception as error:  # pyarrow raises its own errors for foreign or corrupt files
        raise UnreadableDocument(f"{path}: not a readable Parquet file ({error})") from error
    names = table.schema_arrow.names
    for field in (id_field, text_field):
        if field not in names:
            raise InvalidInput(f"{path}: no column {field!r} (columns: {', '.join(names)})")
    row = 0
    for batch in table.iter_batches(columns=[id_field, text_field], batch_size=4096):
        for record in batch.to_pylist():
            row += 1
            yield _record(f"{path}: row {row}", record, id_field, text_field)


def read_paths(
    paths: Iterable[str | Path],
    *,
    id_field: str = "id",
    text_field: str = "text",
    on_error: OnError | None = None,
) -> Iterator[tuple[str, str]]:
    """``(id, text)`` for each text file or table named, and each .txt/.md file in each folder named.

    Without ``on_error`` the first file or record that cannot be read raises; with
    it, that file or record is reported as ``on_error(source, reason)`` and skipped.
    """
    for given in paths:
        if str(given) == "-" or Path(given).suffix.lower() in TABLE_SUFFIXES:
            try:
                yield from read_table(given, id_field=id_field, text_field=text_field, on_error=on_error)
            except (UnreadableDocument, InvalidInput) as error:
                if on_error is None:
                    raise
                on_error(str(given), str(error))
            continue
        path = Path(given)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)
            files = [(file.relative_to(path).with_suffix("").as_posix(), file) for file in found]
        elif path.is_file():
            files = [(path.stem, path)]
        else:
            raise InvalidInput(f"{path}: no such file or folder")
        for doc_id, file in files:
            try:
                text = read_text_file(file)
            except UnreadableDocument as error:
                if on_error is None:
                    raise
                on_error(str(file), str(error))
                continue
            yield doc_id, text


def seed_corpus() -> list[tuple[str, str]]:
    """The five seed news files shipped with the package, as ``(id, text)``."""
    folder = files("textversions") / "data" / "seeds"
    entries = sorted((entry for entry in folder.iterdir() if entry.name.endswith(".txt")), key=lambda e: e.name)
    return [(entry.name[: -len(".txt")], entry.read_text(encoding="utf-8")) for entry in entries]
