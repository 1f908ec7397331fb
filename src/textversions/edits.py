"""Edits: one difference each, and a table of them as columns.

=============  =========  ==================================================
kind           cosmetic   what it is
=============  =========  ==================================================
whitespace     yes        line breaks, indentation, spaces (layout only)
width          yes        full-width against ASCII forms (，/ ,)
case           yes        letter case only
script         yes        script variants (奮戰 / 奋战, 着 / 著), regional words (软件 / 軟體) and words two
                          editions in two scripts write differently throughout (依赖 / 相依:
                          ``detail.throughout``, the times the pair swaps it)
numeral        yes        one value in another numeral form (两千 / 2000, 百分之六 / 6%)
punctuation    yes        punctuation marks only
surrounding    yes        the rest of a page around a located article
number         no         a number changed (1.1万 → 11万), values attached
substitution   no         characters replaced (星锋 → 星峰); ``detail.likely_ocr`` when one character
                          became a look-alike that does not sound alike, among other such slips;
                          ``detail.encoding_loss`` when ``?``, U+FFFD or a private-use character
                          stands for a character (臺 → ?: an encoding that lacked it);
                          ``detail.spelling`` when a word is one letter off inside it (hosuing →
                          housing), ``detail.abbreviation`` when one word abbreviates the other (cents → cts)
insertion      no         text only in b (``detail.likely_ocr``: a doubled character)
deletion       no         text only in a (``detail.likely_ocr``: a doubled character)
caption        no         a photo caption (▲…, 图为…) only in one version
boilerplate    no         web, page or wire furniture (来源, 责编, 新华社北京1月28日电, [视频]…)
truncation     no         one version stops where the other goes on
moved          no         the same passage at another position
repeated       no         a passage printed twice in one version
=============  =========  ==================================================

An :class:`EditTable` holds many edits as columns: it is what a comparison
pickles (workers send back hundreds of thousands of edits), what JSON and the
Spark engine's rows are written from, and it builds :class:`Edit` objects only
when they are asked for.

>>> table = EditTable.of([Edit("number", "1.1万", "11万", (2, 6), (2, 5), False, {"ratio": 10.0})])
>>> table.records()[0]["a_span"], table.records(flat=True)[0]["a_start"]
([2, 6], 2)
>>> table.edits()[0].b_text
'11万'
"""

from __future__ import annotations

import itertools
import json
from array import array
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Edit", "EditTable", "KINDS", "COSMETIC_KINDS", "SUBSTANTIVE_KINDS"]

COSMETIC_KINDS = ("whitespace", "width", "case", "script", "numeral", "punctuation", "surrounding")
SUBSTANTIVE_KINDS = (
    "number",
    "substitution",
    "insertion",
    "deletion",
    "caption",
    "boilerplate",
    "truncation",
    "moved",
    "repeated",
)
KINDS = SUBSTANTIVE_KINDS + COSMETIC_KINDS
"""Every edit kind, substantive ones first (the order summaries use)."""

_OPPOSITE_KIND = {"insertion": "deletion", "deletion": "insertion"}
_OPPOSITE_DETAIL = {"to": "from", "from": "to", "a_value": "b_value", "b_value": "a_value"}


@dataclass(frozen=True, slots=True)
class Edit:
    """One difference: ``a[a_span] == a_text`` became ``b[b_span] == b_text``.

    >>> from textversions import compare
    >>> edit = compare("共1.1万个", "共11万个").edits[0]
    >>> edit.kind, edit.a_text, edit.b_text, edit.detail["ratio"]
    ('number', '1.1万', '11万', 10.0)
    """

    kind: str
    a_text: str
    b_text: str
    a_span: tuple[int, int]
    b_span: tuple[int, int]
    cosmetic: bool
    detail: dict[str, Any] = field(default_factory=dict, compare=False)

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled as its fields: half the time of a frozen dataclass's default.
        fields = (self.kind, self.a_text, self.b_text, self.a_span, self.b_span, self.cosmetic)
        return Edit, (*fields, self.detail) if self.detail else fields

    @property
    def slip(self) -> bool:
        """Is this an edit no editor made: a likely OCR slip, or a character an encoding lost (``detail``)?

        >>> Edit("substitution", "臺", "?", (0, 1), (0, 1), False, {"encoding_loss": True}).slip
        True
        """
        return bool(self.detail.get("likely_ocr") or self.detail.get("encoding_loss"))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (spans as ``[start, end]`` lists): one record of an :class:`EditTable`."""
        return EditTable.of([self]).records()[0]

    def inverse(self) -> Edit:
        """The same difference read from ``b`` to ``a`` (an insertion becomes a deletion, values swap).

        >>> Edit("insertion", "", "新", (3, 3), (3, 4), False).inverse().kind
        'deletion'
        """
        detail = {_OPPOSITE_DETAIL.get(key, key): value for key, value in self.detail.items()}
        a_value, b_value = detail.get("a_value"), detail.get("b_value")
        if "ratio" in detail:
            if isinstance(a_value, float) and isinstance(b_value, float) and a_value:
                detail["ratio"] = round(b_value / a_value, 6)
            else:
                del detail["ratio"]
        kind = _OPPOSITE_KIND.get(self.kind, self.kind)
        return Edit(kind, self.b_text, self.a_text, self.b_span, self.a_span, self.cosmetic, detail)


@dataclass(frozen=True)
class EditTable:
    """Edits as columns, in order: the one layout behind pickling, JSON records and Spark rows."""

    kinds: list[str]
    a_texts: list[str]
    b_texts: list[str]
    numbers: array  # a_start, a_end, b_start, b_end, cosmetic — five per edit
    details: dict[int, dict[str, Any]]  # only the edits that have one, by position

    @classmethod
    def of(cls, edits: Any) -> EditTable:
        """The table of a sequence of :class:`Edit`."""
        numbers = array("q")
        for edit in edits:
            numbers.extend((*edit.a_span, *edit.b_span, edit.cosmetic))
        return cls(
            [edit.kind for edit in edits],
            [edit.a_text for edit in edits],
            [edit.b_text for edit in edits],
            numbers,
            {n: edit.detail for n, edit in enumerate(edits) if edit.detail},
        )

    def __len__(self) -> int:
        return len(self.kinds)

    def _rows(self) -> Any:
        spans = iter(self.numbers)
        return zip(range(len(self)), self.kinds, self.a_texts, self.b_texts, spans, spans, spans, spans, spans)

    def edits(self) -> tuple[Edit, ...]:
        """The edits as :class:`Edit` values."""
        details = self.details
        return tuple(
            Edit(kind, a_text, b_text, (a0, a1), (b0, b1), cosmetic == 1, details[n] if n in details else {})
            for n, kind, a_text, b_text, a0, a1, b0, b1, cosmetic in self._rows()
        )

    def records(self, *, flat: bool = False) -> list[dict[str, Any]]:
        """One dict per edit: JSON's (spans as ``[start, end]``), or ``flat`` — Spark's columns
        (``a_start`` … ``b_end``, ``detail`` as a JSON string)."""
        out = []
        for n, kind, a_text, b_text, a0, a1, b0, b1, cosmetic in self._rows():
            detail = self.details.get(n, {})
            if flat:
                spans: dict[str, Any] = {"a_start": a0, "a_end": a1, "b_start": b0, "b_end": b1}
                shown: Any = json.dumps(detail, ensure_ascii=False, sort_keys=True)
            else:
                spans, shown = {"a_span": [a0, a1], "b_span": [b0, b1]}, detail
            out.append({"kind": kind, "cosmetic": cosmetic == 1, **spans, "a_text": a_text, "b_text": b_text, "detail": shown})
        return out

    def __reduce__(self) -> tuple[Any, ...]:
        # All texts as one string and all numbers as bytes: a pickle of a few objects, not of thousands.
        texts = self.a_texts + self.b_texts
        lengths = array("q", [len(text) for text in texts])
        return _table_from, (self.kinds, "".join(texts), lengths.tobytes(), self.numbers.tobytes(), self.details)


def _table_from(
    kinds: list[str], joined: str, length_bytes: bytes, number_bytes: bytes, details: dict[int, dict[str, Any]]
) -> EditTable:
    lengths, numbers = array("q"), array("q")
    lengths.frombytes(length_bytes)
    numbers.frombytes(number_bytes)
    cuts = list(itertools.accumulate(lengths, initial=0))
    texts = [joined[start:end] for start, end in zip(cuts, cuts[1:])]
    return EditTable(kinds, texts[: len(kinds)], texts[len(kinds) :], numbers, details)
