"""Stage 4 — a persistent LSH index of window sketches: add documents, query texts, save, reopen.

:func:`~textversions.find_versions` bands a whole corpus in one pass
(:mod:`textversions.sketch`, :mod:`textversions.candidates`); :class:`SketchIndex`
keeps the same bucket keys for a corpus that grows, so that a new text can be
asked for the documents it may be a version of without sketching the corpus again.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Unpack

import numpy as np

from .errors import DuplicateId, InvalidIndex, InvalidInput
from .normalize import check_text
from .options import OptionKeywords, Options
from .sketch import lsh_params, sketch_keys

__all__ = ["SketchIndex"]

_FORMAT = "textversions-sketch-index"
_VERSION = 1


class SketchIndex:
    """Window sketches of a growing corpus: add documents, query texts, save, reopen, extend.

    Only sketches are kept (about ``bands`` keys of 8 bytes per window), never
    the texts. The file format is a NumPy ``.npz`` archive of plain arrays, read
    with ``allow_pickle=False``: opening a file executes nothing.

    >>> index = SketchIndex(window=16)
    >>> index.add({"web": "越是风急浪骤,越需中流砥柱。关键时刻,生死关头,党组织就是主心骨。"})
    >>> index.query("越是风急浪骤，越需中流砥柱。关键时刻，生死关头，党组织就是主心骨。")[0][0]
    'web'
    """

    def __init__(self, *, options: Options | None = None, **keywords: Unpack[OptionKeywords]) -> None:
        self.options = Options.of(options, **keywords)
        lsh_params(self.options.threshold, self.options.num_perm)  # fails early on impossible options
        self._ids: list[str] = []
        self._positions: dict[str, int] = {}
        self._key_chunks: list[np.ndarray] = []
        self._owner_chunks: list[np.ndarray] = []
        self._sorted: tuple[np.ndarray, np.ndarray] | None = None

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def ids(self) -> tuple[str, ...]:
        """Document ids in the order they were added."""
        return tuple(self._ids)

    def _keys(self, text: str) -> np.ndarray:
        return sketch_keys(text, self.options)

    def add(self, docs: Mapping[str, str] | Iterable[tuple[str, str]]) -> None:
        """Add documents (a mapping id → text or ``(id, text)`` pairs); ids must be new.

        All or nothing: a bad document anywhere in ``docs`` leaves the index as it was.
        """
        items = docs.items() if isinstance(docs, Mapping) else docs
        new: dict[str, np.ndarray] = {}
        for doc_id, text in items:
            if not isinstance(doc_id, str):
                raise InvalidInput(f"id must be str, got {type(doc_id).__name__}")
            check_text(doc_id, f"document id {doc_id!r}")
            check_text(text, f"document {doc_id!r}")
            if doc_id in self._positions or doc_id in new:
                raise DuplicateId(f"document id {doc_id!r} is already in the index")
            new[doc_id] = self._keys(text)
        for doc_id, keys in new.items():
            self._positions[doc_id] = len(self._ids)
            self._ids.append(doc_id)
            self._key_chunks.append(keys)
            self._owner_chunks.append(np.full(len(keys), self._positions[doc_id], dtype=np.int64))
            self._sorted = None

    def _lookup(self) -> tuple[np.ndarray, np.ndarray]:
        if self._sorted is None:
            keys = np.concatenate(self._key_chunks) if self._key_chunks else np.zeros(0, dtype=np.uint64)
            owners = np.concatenate(self._owner_chunks) if self._owner_chunks else np.zeros(0, dtype=np.int64)
            order = np.lexsort((owners, keys))
            self._key_chunks, self._owner_chunks = [keys[order]], [owners[order]]
            self._sorted = (keys[order], owners[order])
        return self._sorted

    def query(self, text: str) -> list[tuple[str, int]]:
        """Indexed documents sharing a bucket with ``text``: ``(id, shared buckets)``, most first."""
        check_text(text, "query")
        keys, owners = self._lookup()
        wanted = self._keys(text)
        left = np.searchsorted(keys, wanted, "left")
        right = np.searchsorted(keys, wanted, "right")
        hits: dict[int, int] = {}
        for lo, hi in zip(left.tolist(), right.tolist()):
            for owner in owners[lo:hi].tolist():
                hits[owner] = hits.get(owner, 0) + 1
        return [(self._ids[o], n) for o, n in sorted(hits.items(), key=lambda item: (-item[1], item[0]))]

    def save(self, path: str | Path) -> None:
        """Write the index to ``path`` (a ``.npz`` file of plain arrays)."""
        keys, owners = self._lookup()
        header = json.dumps(
            {"format": _FORMAT, "version": _VERSION, "options": self.options.to_dict(), "documents": len(self._ids),
             "keys": len(keys)}
        ).encode("utf-8")  # fmt: skip
        ids = json.dumps(self._ids, ensure_ascii=False).encode("utf-8")
        with Path(path).open("wb") as stream:
            np.savez_compressed(
                stream,
                header=np.frombuffer(header, dtype=np.uint8),
                ids=np.frombuffer(ids, dtype=np.uint8),
                keys=keys,
                owners=owners,
            )

    @classmethod
    def load(cls, path: str | Path) -> SketchIndex:
        """Reopen a saved index; a corrupt, foreign or implausible file is an :class:`InvalidIndex` error.

        Every header field and array is checked (type, shape, counts, ranges), and
        the archive's sizes before anything is decompressed: a small file that
        would inflate to gigabytes is refused, not read.
        """
        path = Path(path)
        try:
            sizes = _member_sizes(path)
            with np.load(path, allow_pickle=False) as archive:
                header = json.loads(archive["header"].tobytes().decode("utf-8"))
                _check_header(header, sizes)
                ids = json.loads(archive["ids"].tobytes().decode("utf-8"))
                keys = archive["keys"]
                owners = archive["owners"]
        except FileNotFoundError as error:
            raise InvalidIndex(f"{path}: no such file") from error
        except InvalidIndex as error:
            raise InvalidIndex(f"{path}: {error}") from None
        except (OSError, ValueError, KeyError, EOFError, TypeError, UnicodeDecodeError, zipfile.BadZipFile) as error:
            raise InvalidIndex(f"{path}: not a textversions index ({type(error).__name__}: {error})") from error
        if keys.dtype != np.uint64 or owners.dtype != np.int64 or keys.ndim != 1 or keys.shape != owners.shape:
            raise InvalidIndex(f"{path}: corrupt index (key arrays of the wrong type or shape)")
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids) or len(set(ids)) != len(ids):
            raise InvalidIndex(f"{path}: corrupt index (document ids)")
        if header.get("documents", len(ids)) != len(ids) or header.get("keys", len(keys)) != len(keys):
            raise InvalidIndex(f"{path}: corrupt index (the header counts other documents or keys than the file holds)")
        if len(owners) and (owners.min() < 0 or owners.max() >= len(ids)):
            raise InvalidIndex(f"{path}: corrupt index (key owners out of range)")
        try:
            for doc_id in ids:
                check_text(doc_id, f"document id {doc_id!r}")
            # Every field checked by Options; an index that does not name word_shingles was sketched before
            # they existed, by character shingles, and keeps them so that its keys stay comparable; one that does
            # not name word_window windowed word shingles as it windowed characters; one that does not name
            # fold_punctuation read punctuation marks as they are; one that does not name figures (names) kept no figure
            # (name) keys.
            saved = header["options"]
            index = cls(**{"word_shingles": False, "word_window": saved.get("window"), "fold_punctuation": False, "figures": False, "names": False, "headings": False, **saved})
        except (TypeError, AttributeError, InvalidInput) as error:
            raise InvalidIndex(f"{path}: corrupt index ({error})") from error
        index._ids = ids
        index._positions = {doc_id: n for n, doc_id in enumerate(ids)}
        index._key_chunks, index._owner_chunks = [keys], [owners]
        index._sorted = None
        return index


_MEMBERS = ("header.npy", "ids.npy", "keys.npy", "owners.npy")
_MAX_HEADER = 1 << 20
_MAX_RATIO = 200
"""Compression an index's arrays never reach (keys are random 64-bit values); a zip bomb's is in the thousands."""


def _member_sizes(path: Path) -> dict[str, int]:
    """The archive's members and their uncompressed sizes, checked before anything is inflated."""
    if not zipfile.is_zipfile(path):
        raise InvalidIndex("not a textversions index (not an .npz archive)")
    with zipfile.ZipFile(path) as archive:
        infos = {info.filename: info for info in archive.infolist()}
    if sorted(infos) != sorted(_MEMBERS):
        raise InvalidIndex(f"not a textversions index (members {', '.join(sorted(infos)) or 'none'})")
    if infos["header.npy"].file_size > _MAX_HEADER:
        raise InvalidIndex("corrupt index (a header of more than 1 MiB)")
    for info in infos.values():
        if info.file_size > (64 << 20) and info.file_size > _MAX_RATIO * max(1, info.compress_size):
            raise InvalidIndex(
                f"implausible index: {info.filename} would inflate {info.compress_size:,} bytes to {info.file_size:,}"
            )
    return {name: info.file_size for name, info in infos.items()}


def _check_header(header: object, sizes: dict[str, int]) -> None:
    if not isinstance(header, dict) or header.get("format") != _FORMAT:
        raise InvalidIndex(f"not a textversions index (no {_FORMAT!r} header)")
    if header.get("version") != _VERSION:
        raise InvalidIndex(f"index format version {header.get('version')!r}, this textversions reads {_VERSION}")
    if not isinstance(header.get("options"), dict):
        raise InvalidIndex("corrupt index (no options in the header)")
    count = header.get("keys")
    if count is not None:
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise InvalidIndex(f"corrupt index (a key count of {count!r})")
        for name in ("keys.npy", "owners.npy"):
            if sizes[name] > 8 * count + 4096:
                raise InvalidIndex(f"corrupt index ({name} holds more than the {count:,} keys the header counts)")
