"""Texts spilled to a temporary file, so a corpus is never held in memory as Python strings.

:func:`~textversions.find_versions` streams its input: each text is sketched and
appended here as UTF-8, and read back only when a candidate pair needs it.

The file has no name: it is unlinked the moment it is made, so nothing is left
behind when the process ends, however it ends (SIGKILL included). The store
pickles as its file descriptor and the creating process's id: a forked worker
reads the descriptor it inherited, any other process on Linux opens it through
``/proc/<pid>/fd``; all read with ``os.pread`` — no shared file position.

>>> with SpilledTexts() as texts:
...     texts.extend(["党组织", "主心骨 𠀀"])
...     texts.flush()
...     texts[1], len(texts), texts.lengths
('主心骨 𠀀', 2, [3, 5])
"""

from __future__ import annotations

import os
import tempfile
from array import array
from collections.abc import Iterable
from typing import Any

__all__ = ["SpilledTexts"]


class SpilledTexts:
    """An append-only list of texts in a temporary file, read back by position."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="textversions-", suffix=".utf8", buffering=1 << 20)
        self._owner = os.getpid()
        self._descriptor = self._file.fileno()
        self._offsets = array("q", [0])
        self.lengths: list[int] = []
        self._reader: int | None = None

    def extend(self, texts: Iterable[str]) -> None:
        """Append texts (each must be encodable as UTF-8: no lone surrogates)."""
        for text in texts:
            data = text.encode("utf-8")
            self._file.write(data)
            self._offsets.append(self._offsets[-1] + len(data))
            self.lengths.append(len(text))

    def flush(self) -> None:
        """Make everything appended so far readable, here and in other processes."""
        self._file.flush()

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, position: int) -> str:
        if self._reader is None:
            self._reader = self._open()
        start, end = self._offsets[position], self._offsets[position + 1]
        return os.pread(self._reader, end - start, start).decode("utf-8")

    def _open(self) -> int:
        """A descriptor to read from: the store's own, inherited on fork, else the owner's through /proc."""
        if os.getpid() == self._owner:
            return self._descriptor
        try:
            return os.open(f"/proc/{self._owner}/fd/{self._descriptor}", os.O_RDONLY)
        except OSError:
            return self._descriptor  # a forked worker: the descriptor is inherited

    def __getstate__(self) -> dict[str, Any]:
        return {
            "_owner": self._owner, "_descriptor": self._descriptor, "_offsets": self._offsets,
            "lengths": [], "_reader": None, "_file": None,
        }  # fmt: skip

    def close(self) -> None:
        """Close the file; the system frees it (it never had a name). Only the process that made the store does this."""
        if self._reader is not None and self._reader != self._descriptor:
            os.close(self._reader)
        self._reader = None
        if self._file is not None:
            self._file.close()
            self._file = None  # type: ignore[assignment]

    def __enter__(self) -> SpilledTexts:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
