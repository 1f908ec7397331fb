"""Reading documents: text files, folders, tables (JSONL, CSV, Parquet), stdin, the seed corpus.

* A ``.txt``/``.md`` file is one document; its id is the file name without the
  extension, or inside a folder its path below that folder (``sub/article``).
* A ``.jsonl``/``.ndjson``, ``.csv`` or ``.parquet`` file is a table of
  documents: one per record, id and text from ``id_field`` / ``text_field``
  (ids that are numbers become strings). ``-`` reads JSONL from stdin.
* Text is UTF-8 (a BOM is dropped), or UTF-16 with its byte-order mark; UTF-16
  without one is refused, not misread. Whatever cannot be read is an
  :class:`~textversions.errors.UnreadableDocument` or
  :class:`~textversions.errors.InvalidInput` naming the file and record — never
  silently skipped: a FIFO, a device, a dangling or looping link, a folder named
  ``x.txt``, two files that would get one id, a folder with no text files.
  Parquet needs pyarrow (``pip install textversions[parquet]``).
* A file name that is not UTF-8 gives an id with its bytes escaped (``\\xff``),
  so every id can be written out.

>>> ids = [doc_id for doc_id, _ in seed_corpus()]
>>> ids[3]
'003_2ce852fb66e9e90e'
"""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from importlib.resources import files
from pathlib import Path
from typing import Any, TextIO

from .errors import InvalidInput, NotText, UnreadableDocument

__all__ = ["read_paths", "read_table", "read_text_file", "seed_corpus", "TEXT_SUFFIXES", "TABLE_SUFFIXES"]

TEXT_SUFFIXES = (".txt", ".md")
TABLE_SUFFIXES = (".jsonl", ".ndjson", ".csv", ".parquet")


_KINDS_OF_FILE = {stat.S_IFIFO: "a FIFO", stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device",
                  stat.S_IFSOCK: "a socket", stat.S_IFDIR: "a folder"}  # fmt: skip


def _regular_file(path: Path) -> None:
    """Refuse, naming it, anything that is not a regular file (reading a FIFO waits forever, /dev/zero never ends)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError as error:
        raise UnreadableDocument(f"{path}: a dangling link" if path.is_symlink() else f"{path}: no such file") from error
    except OSError as error:
        raise UnreadableDocument(f"{path}: cannot read ({error.strerror or error})") from error
    if not stat.S_ISREG(mode):
        raise UnreadableDocument(f"{path}: not a regular file ({_KINDS_OF_FILE.get(stat.S_IFMT(mode), 'a special file')})")


def read_text_file(path: Path) -> str:
    """The text of a UTF-8 (or BOM-marked UTF-16) file, or an error naming it."""
    _regular_file(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UnreadableDocument(f"{path}: cannot read ({error.strerror or error})") from error
    except MemoryError as error:
        raise UnreadableDocument(f"{path}: too large to read into memory") from error
    return decoded(data, str(path))


def decoded(data: bytes, name: str) -> str:
    """``data`` as text: UTF-8 (a BOM dropped) or UTF-16 with a BOM; an error naming ``name`` otherwise.

    >>> decoded("党".encode("utf-16"), "x")
    '党'
    >>> decoded("党组织 ok".encode("utf-16-le"), "x")
    Traceback (most recent call last):
    ...
    textversions.errors.UnreadableDocument: x: looks like UTF-16 without a byte-order mark; save it as UTF-8
    """
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise UnreadableDocument(f"{name}: not UTF-16 text after its byte-order mark (byte {error.start})") from error
    if len(data) >= 4 and data[:2000].count(0) >= len(data[:2000]) // 4:
        raise UnreadableDocument(f"{name}: looks like UTF-16 without a byte-order mark; save it as UTF-8")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if _reads_as_utf16(data):
            raise UnreadableDocument(f"{name}: looks like UTF-16 without a byte-order mark; save it as UTF-8") from error
        raise UnreadableDocument(
            f"{name}: not UTF-8 text (byte {error.start}: {data[error.start:error.start + 4]!r})"
        ) from error


def _reads_as_utf16(data: bytes) -> bool:
    """Does the start of ``data`` read as UTF-16 text? Chinese in UTF-16 has no zero bytes to give it away,
    but its high bytes are few: 0 (ASCII), 0x20 and 0x30 (punctuation), 0x4E–0x9F (Han), 0xFF (full width) —
    where GB18030 or Big5 text has lead and trail bytes everywhere."""
    sample = data[: 4000 // 2 * 2]
    for order, high in (("utf-16-le", sample[1::2]), ("utf-16-be", sample[0::2])):
        plausible = sum(b in (0x00, 0x20, 0x30, 0xFF) or 0x4E <= b <= 0x9F for b in high)
        if not high or plausible < 0.9 * len(high):
            continue
        try:
            text = sample.decode(order)
        except UnicodeDecodeError:
            continue
        if sum(c.isprintable() or c.isspace() for c in text) >= 0.95 * len(text):
            return True
    return False


def readable_id(name: str) -> str:
    """A file name as an id that can always be written out: bytes that were not UTF-8 escaped (``\\xff``).

    >>> readable_id("story" + chr(0xDCFF))
    'story\\\\xff'
    """
    return os.fsencode(name).decode("utf-8", "backslashreplace") if any("\udc80" <= c <= "\udcff" for c in name) else name


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
                    reader = csv.DictReader(stream)
                    for row in reader:
                        where = f"{path}:{reader.line_num}"
                        if None in row:
                            raise InvalidInput(f"{where}: {len(row[None])} more cell(s) than the header's {len(reader.fieldnames or [])}")  # type: ignore[index]
                        for field in (id_field, text_field):
                            if field in row and row[field] is None:
                                raise InvalidInput(f"{where}: no cell for column {field!r} (the row is short)")
                        yield _record(where, row, id_field, text_field)
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
    Two files that would get the same id are an error naming both.
    """
    sources: dict[str, Path] = {}
    for given in paths:
        if str(given) == "-" or Path(given).suffix.lower() in TABLE_SUFFIXES:
            try:
                yield from read_table(given, id_field=id_field, text_field=text_field, on_error=on_error)
            except (UnreadableDocument, InvalidInput) as error:
                if on_error is None:
                    raise
                on_error(str(given), str(error))
            continue
        for doc_id, file in _text_files(Path(given)):
            if doc_id in sources:
                raise InvalidInput(
                    f"{sources[doc_id]} and {file} would both be document {doc_id!r}: "
                    "give their common folder instead, or rename one"
                )
            sources[doc_id] = file
            try:
                text = read_text_file(file)
            except UnreadableDocument as error:
                if on_error is None:
                    raise
                on_error(str(file), str(error))
                continue
            yield doc_id, text


def _text_files(path: Path) -> list[tuple[str, Path]]:
    """``(id, file)`` for a text file, or for each .txt/.md entry below a folder (links not followed)."""
    if not path.is_dir():
        if not path.exists() and not path.is_symlink():
            raise InvalidInput(f"{path}: no such file or folder")
        return [(readable_id(path.stem), path)]
    found: list[Path] = []
    others: Counter[str] = Counter()
    for folder, names, file_names in os.walk(path):
        names.sort()
        for name in sorted(file_names):
            suffix = Path(name).suffix.lower()
            if suffix in TEXT_SUFFIXES:
                found.append(Path(folder) / name)
            else:
                others[suffix or "(no suffix)"] += 1
        # A folder named x.txt is kept, to be refused by name.
        found += [Path(folder) / name for name in names if Path(name).suffix.lower() in TEXT_SUFFIXES]
    if not found:
        listed = ", ".join(f"{count} {suffix}" for suffix, count in sorted(others.items()))
        raise InvalidInput(f"{path}: no .txt or .md files" + (f" (found {listed})" if listed else " (an empty folder)"))
    ids = [readable_id(file.relative_to(path).with_suffix("").as_posix()) for file in found]
    counts = Counter(ids)
    # x.txt beside x.md: both keep their suffix in the id.
    return [
        (readable_id(file.relative_to(path).as_posix()) if counts[doc_id] > 1 else doc_id, file)
        for doc_id, file in zip(ids, found)
    ]


def seed_corpus() -> list[tuple[str, str]]:
    """The five seed news files shipped with the package, as ``(id, text)``."""
    folder = files("textversions") / "data" / "seeds"
    entries = sorted((entry for entry in folder.iterdir() if entry.name.endswith(".txt")), key=lambda e: e.name)
    return [(entry.name[: -len(".txt")], entry.read_text(encoding="utf-8")) for entry in entries]
