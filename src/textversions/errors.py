"""Errors raised by textversions.

Every error derives from one base, and each also inherits the matching built-in,
so ``except ValueError`` keeps working for callers who do not know this library::

    TextVersionsError
    ├── InvalidInput (ValueError)        bad arguments or options
    │   ├── NotText (TypeError)          a document that is not a str
    │   └── DuplicateId                  two documents under one id
    ├── UnreadableDocument (ValueError)  a file or record that cannot be decoded
    └── InvalidIndex (ValueError)        a saved index that is corrupt or foreign
"""

from __future__ import annotations

__all__ = [
    "TextVersionsError",
    "InvalidInput",
    "NotText",
    "DuplicateId",
    "UnreadableDocument",
    "InvalidIndex",
    "InvalidArchive",
]


class TextVersionsError(Exception):
    """Base class of every error textversions raises on purpose."""


class InvalidInput(TextVersionsError, ValueError):
    """An argument or option is out of range or of the wrong shape."""


class NotText(InvalidInput, TypeError):
    """A document is not a ``str`` (bytes, None, a number...)."""


class DuplicateId(InvalidInput):
    """Two documents were given under the same id."""


class UnreadableDocument(TextVersionsError, ValueError):
    """A file or record could not be read or decoded; the message names it."""


class InvalidIndex(TextVersionsError, ValueError):
    """A saved sketch index is corrupt, foreign, or of another format version."""


class InvalidArchive(TextVersionsError, ValueError):
    """A file is not a textversions archive, is damaged, or is of a newer schema."""
