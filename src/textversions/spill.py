"""Texts spilled to a temporary file, so a corpus is never held in memory as Python strings.

:func:`~textversions.find_versions` streams its input: each text is sketched and
appended here as UTF-8, and read back only when a candidate pair needs it. The
store pickles as its file name and offsets, so worker processes (forked or
spawned) open it themselves and read with ``os.pread`` — no shared file position.

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
        handle, self.path = tempfile.mkstemp(prefix="textversions-", suffix=".utf8")
        self._writer = os.fdopen(handle, "wb", buffering=1 << 20)
        self._offsets = array("q", [0])
        self.lengths: list[int] = []
        self._reader: int | None = None

    def extend(self, texts: Iterable[str]) -> None:
        """Append texts (each must be encodable as UTF-8: no lone surrogates)."""
        for text in texts:
            data = text.encode("utf-8")
            self._writer.write(data)
            self._offsets.append(self._offsets[-1] + len(data))
            self.lengths.append(len(text))

    def flush(self) -> None:
        """Make everything appended so far readable, here and in other processes."""
        self._writer.flush()

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, position: int) -> str:
        if self._reader is None:
            self._reader = os.open(self.path, os.O_RDONLY)
        start, end = self._offsets[position], self._offsets[position + 1]
        return os.pread(self._reader, end - start, start).decode("utf-8")

    def __getstate__(self) -> dict[str, Any]:
        return {"path": self.path, "_offsets": self._offsets, "lengths": [], "_reader": None, "_writer": None}

    def close(self) -> None:
        """Delete the file (only the process that made the store does this)."""
        if self._reader is not None:
            os.close(self._reader)
            self._reader = None
        if self._writer is not None:
            self._writer.close()
            os.unlink(self.path)
            self._writer = None  # type: ignore[assignment]

    def __enter__(self) -> SpilledTexts:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
