"""Reading documents: text files, folders, tables (JSONL, CSV, Parquet), stdin, the seed corpus.

* A ``.txt``/``.md`` file is one document; its id is the file name without the
  extension, or inside a folder its path below that folder (``sub/article``).
* A ``.jsonl``/``.ndjson``, ``.csv``, ``.tsv`` or ``.parquet`` file is a table of
  documents: one per record, id and text from ``id_field`` / ``text_field``
  (ids that are numbers become strings). ``-`` reads JSONL from stdin.
* Text is UTF-8 (a BOM is dropped) or UTF-16 with its byte-order mark; any other
  encoding (GB18030, Big5, UTF-16 without a mark, …) is detected with
  charset-normalizer and reported (logger ``textversions.io``: ``a.txt: read as
  gb18030 (detected)``), or given with ``encoding=``. UTF-8 with a stray bad byte
  is refused, naming the byte, not "detected" as something else. Whatever cannot be read is an
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

import codecs
import csv
import io
import json
import logging
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
TABLE_SUFFIXES = (".jsonl", ".ndjson", ".csv", ".tsv", ".parquet")
_LOG = logging.getLogger(__name__)
_STRAY = 0.01
"""At most this share of undecodable characters, and UTF-8 everywhere else: a damaged UTF-8 file, refused."""


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


def read_text_file(path: Path, *, encoding: str | None = None) -> str:
    """The text of a file (see :func:`decoded`), or an error naming it."""
    _regular_file(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UnreadableDocument(f"{path}: cannot read ({error.strerror or error})") from error
    except MemoryError as error:
        raise UnreadableDocument(f"{path}: too large to read into memory") from error
    return decoded(data, str(path), encoding=encoding)


def decoded(data: bytes, name: str, *, encoding: str | None = None) -> str:
    """``data`` as text: in ``encoding`` if given; else UTF-8 (a BOM dropped), UTF-16 with a BOM, or the
    encoding charset-normalizer detects (reported); an error naming ``name`` otherwise.

    >>> decoded("党".encode("utf-16"), "x")
    '党'
    >>> decoded("株洲各行业各领域11万余个基层党组织".encode("gb18030"), "x")
    '株洲各行业各领域11万余个基层党组织'
    >>> decoded("株洲党组织".encode("utf-8") + b"\\xff" + "奋勇争先".encode("utf-8"), "x")
    Traceback (most recent call last):
    ...
    textversions.errors.UnreadableDocument: x: not UTF-8 text (byte 15: b'\\xff\\xe5\\xa5\\x8b'), though the rest is: a damaged file?
    """
    if encoding is not None:
        return _decoded_as(data, name, encoding)
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise UnreadableDocument(f"{name}: not UTF-16 text after its byte-order mark (byte {error.start})") from error
    utf16 = len(data) >= 4 and data[:2000].count(0) >= len(data[:2000]) // 4
    if not utf16:
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            if not _reads_as_utf16(data) and _damaged_utf8(data):
                raise UnreadableDocument(
                    f"{name}: not UTF-8 text (byte {error.start}: {data[error.start:error.start + 4]!r}), "
                    "though the rest is: a damaged file?"
                ) from error
    utf16 = utf16 or _reads_as_utf16(data)
    found = _detected(data, utf16)
    if found is None:
        kind = "looks like UTF-16 without a byte-order mark" if utf16 else "not UTF-8 text"
        raise UnreadableDocument(f"{name}: {kind}, and no encoding could be detected; say which (--encoding)")
    encoding, text = found
    _LOG.info("%s: read as %s (detected)", name, encoding)
    return text


def _damaged_utf8(data: bytes) -> bool:
    """Is ``data`` UTF-8 but for a few bad bytes (a damaged file, not another encoding)? Few undecodable
    characters, and several times as many well-formed non-ASCII ones (text in another encoding, read as
    UTF-8, rarely forms any)."""
    text = data.decode("utf-8", errors="replace")
    damaged = text.count("\ufffd")
    well_formed = sum(ord(c) > 0x7F for c in text) - damaged
    return damaged <= max(2, _STRAY * len(text)) and well_formed >= 4 * damaged


def _decoded_as(data: bytes, name: str, encoding: str) -> str:
    """``data`` in the encoding the user named (a UTF-8 byte-order mark dropped), or an error naming the byte."""
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        raise InvalidInput(f"unknown encoding {encoding!r}") from None
    try:
        return data.decode("utf-8-sig" if codec == "utf-8" else codec)
    except UnicodeDecodeError as error:
        raise UnreadableDocument(
            f"{name}: not {encoding} text (byte {error.start}: {data[error.start:error.start + 4]!r})"
        ) from error


_UTF16 = ["utf_16_le", "utf_16_be"]


def _detected(data: bytes, utf16: bool) -> tuple[str, str] | None:
    """``(encoding, text)`` as charset-normalizer reads ``data``, or ``None`` where nothing fits.

    Whether it is UTF-16 is decided first (zero bytes; the high bytes of Chinese in UTF-16): a short
    GB18030 text must not read as UTF-16, nor UTF-16 as a legacy code page.
    """
    from charset_normalizer import from_bytes

    best = (from_bytes(data, cp_isolation=_UTF16) if utf16 else from_bytes(data, cp_exclusion=_UTF16 + ["utf_32"])).best()
    if best is None or best.encoding is None:
        return None
    try:
        return best.encoding, data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        return None


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


Extras = dict[str, dict[str, Any]]
"""Other columns of a table to keep: ``{field: {}}``, filled as ``{field: {id: value}}`` while reading."""


def _record(where: str, record: Any, id_field: str, text_field: str, extras: Extras | None = None) -> tuple[str, str]:
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
    for field, values in (extras or {}).items():
        if record.get(field) not in (None, ""):
            values[str(doc_id)] = record[field]
    return str(doc_id), text


OnError = Callable[[str, str], None]
"""Called as ``on_error(source, reason)`` for a file or record that is skipped."""


def _jsonl(
    stream: TextIO, name: str, id_field: str, text_field: str, on_error: OnError | None, extras: Extras | None
) -> Iterator[tuple[str, str]]:
    for number, line in enumerate(stream, 1):
        if not line.strip():
            continue
        try:
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise UnreadableDocument(f"{name}:{number}: not JSON ({error.msg})") from error
            yield _record(f"{name}:{number}", record, id_field, text_field, extras)
        except (UnreadableDocument, InvalidInput) as error:
            if on_error is None:
                raise
            on_error(f"{name}:{number}", str(error))


def read_table(
    path: str | Path,
    *,
    id_field: str = "id",
    text_field: str = "text",
    on_error: OnError | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    extras: Extras | None = None,
) -> Iterator[tuple[str, str]]:
    """``(id, text)`` for each record of a JSONL, CSV, TSV or Parquet file (``-``: JSONL on stdin).

    Text tables are UTF-8 unless ``encoding`` says otherwise; ``delimiter`` is a CSV's
    (``,``; a ``.tsv`` file's is a tab). With ``on_error``, a JSONL record that cannot be
    read is reported to it and skipped. ``extras`` (``{field: {}}``) collects other
    columns by id as the records are read (a date, a source).
    """
    if encoding is not None:
        try:
            encoding = codecs.lookup(encoding).name
        except LookupError:
            raise InvalidInput(f"unknown encoding {encoding!r}") from None
    text_encoding = "utf-8-sig" if encoding in (None, "utf-8") else encoding
    if str(path) == "-":
        stdin = io.TextIOWrapper(sys.stdin.buffer, encoding=text_encoding, errors="strict")
        try:
            yield from _jsonl(stdin, "<stdin>", id_field, text_field, on_error, extras)
        except UnicodeDecodeError as error:
            raise UnreadableDocument(f"<stdin>: not {encoding or 'UTF-8'} text ({error.reason})") from error
        return
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix in (".jsonl", ".ndjson"):
            with path.open(encoding=text_encoding) as stream:
                yield from _jsonl(stream, str(path), id_field, text_field, on_error, extras)
        elif suffix in (".csv", ".tsv"):
            # A news page in one cell is far above csv's default 128 KiB field limit.
            csv.field_size_limit(max(csv.field_size_limit(), 1 << 30))
            with path.open(encoding=text_encoding, newline="") as stream:
                try:
                    reader = csv.DictReader(stream, delimiter=delimiter or ("\t" if suffix == ".tsv" else ","))
                    for row in reader:
                        where = f"{path}:{reader.line_num}"
                        if None in row:
                            raise InvalidInput(f"{where}: {len(row[None])} more cell(s) than the header's {len(reader.fieldnames or [])}")  # type: ignore[index]
                        for field in (id_field, text_field):
                            if field in row and row[field] is None:
                                raise InvalidInput(f"{where}: no cell for column {field!r} (the row is short)")
                        yield _record(where, row, id_field, text_field, extras)
                except csv.Error as error:
                    raise UnreadableDocument(f"{path}: not readable as CSV ({error})") from error
        elif suffix == ".parquet":
            yield from _parquet(path, id_field, text_field, extras)
        else:
            raise InvalidInput(f"{path}: not a table (expected one of {', '.join(TABLE_SUFFIXES)})")
    except UnicodeDecodeError as error:
        raise UnreadableDocument(f"{path}: not {encoding or 'UTF-8'} text ({error.reason} at byte {error.start}); say which (--encoding)") from error
    except OSError as error:
        raise UnreadableDocument(f"{path}: cannot read ({error.strerror or error})") from error


def _parquet(path: Path, id_field: str, text_field: str, extras: Extras | None) -> Iterator[tuple[str, str]]:
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
    columns = [id_field, text_field, *[field for field in extras or {} if field in names]]
    row = 0
    for batch in table.iter_batches(columns=columns, batch_size=4096):
        for record in batch.to_pylist():
            row += 1
            yield _record(f"{path}: row {row}", record, id_field, text_field, extras)


def read_paths(
    paths: Iterable[str | Path],
    *,
    id_field: str = "id",
    text_field: str = "text",
    on_error: OnError | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    extras: Extras | None = None,
) -> Iterator[tuple[str, str]]:
    """``(id, text)`` for each text file or table named, and each .txt/.md file in each folder named
    (``encoding``, ``delimiter`` and ``extras`` as for :func:`decoded` and :func:`read_table`).

    Without ``on_error`` the first file or record that cannot be read raises; with
    it, that file or record is reported as ``on_error(source, reason)`` and skipped.
    Two files that would get the same id are an error naming both.
    """
    sources: dict[str, Path] = {}
    for given in paths:
        if str(given) == "-" or Path(given).suffix.lower() in TABLE_SUFFIXES:
            try:
                yield from read_table(
                    given, id_field=id_field, text_field=text_field, on_error=on_error, encoding=encoding,
                    delimiter=delimiter, extras=extras,
                )  # fmt: skip
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
                text = read_text_file(file, encoding=encoding)
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
