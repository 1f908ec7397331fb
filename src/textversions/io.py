"""Reading documents: text files and folders, and the embedded seed corpus.

A document's id is its file name without the extension; inside a folder given
on the command line, its path below that folder (``sub/article``). Files are
read as UTF-8 (a BOM is dropped); a file that does not decode is an
:class:`~textversions.errors.UnreadableDocument` naming the file — never
silently skipped.

>>> ids = [doc_id for doc_id, _ in seed_corpus()]
>>> ids[3]
'003_2ce852fb66e9e90e'
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from importlib.resources import files
from pathlib import Path

from .errors import InvalidInput, UnreadableDocument

__all__ = ["read_paths", "read_text_file", "seed_corpus", "TEXT_SUFFIXES"]

TEXT_SUFFIXES = (".txt", ".md")


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


def read_paths(paths: Iterable[str | Path]) -> Iterator[tuple[str, str]]:
    """``(id, text)`` for each text file named, and each .txt/.md file in each folder named."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)
            for file in found:
                yield file.relative_to(path).with_suffix("").as_posix(), read_text_file(file)
        elif path.is_file():
            yield path.stem, read_text_file(path)
        else:
            raise InvalidInput(f"{path}: no such file or folder")


def seed_corpus() -> list[tuple[str, str]]:
    """The five seed news files shipped with the package, as ``(id, text)``."""
    folder = files("textversions") / "data" / "seeds"
    entries = sorted((entry for entry in folder.iterdir() if entry.name.endswith(".txt")), key=lambda e: e.name)
    return [(entry.name[: -len(".txt")], entry.read_text(encoding="utf-8")) for entry in entries]
