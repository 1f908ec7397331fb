"""Collate a story's versions: one variant table for all of its texts, character by character.

Every witness is aligned with one *base* witness exactly as :func:`~textversions.compare`
aligns a pair, and its typed edits are kept. The places where any witness differs
from the base become *variants*: edits of different witnesses that overlap on the
base are one variant (a place is never cut inside anyone's edit), so at each variant
every witness has exactly one *reading* — a span of its original text — and the
text between variants is the same in all of them. Hence:

* lossless: :meth:`Collation.text_of` rebuilds each witness from the base and its readings;
* order-free: each witness is aligned with the base alone and the base is chosen
  from the set (the witness whose text the others hold most of; ties to the longer,
  then to the smaller id), so the order of the input changes nothing but the order
  of the columns;
* typed: a reading's ``kind`` is its edits' (``number``, ``substitution``, ``script`` …
  the kinds of :mod:`textversions.edits`): a changed number first, else the
  substantive edit that changes most, else the largest cosmetic one (the page
  around the story); ``cosmetic`` says all of them are; a paragraph printed elsewhere is ``moved``, and
  ``moved_with`` names the variant at its other end; a page's text around the story is
  ``surrounding``.

Where witnesses place one insertion or deletion differently (``"ab" → "abb"``
may add either ``b``), it is placed as early as the text around it allows in all
of them, so one change made in several witnesses is one variant whatever else
each of them changed nearby.

>>> c = collate({"web": "株洲1.1万余个基层党组织，", "print": "株洲11万余个基层党组织,", "wire": "株洲1.1万余个基层党组织，"})
>>> c.base
'web'
>>> [(v.reading("print").text, v.reading("print").kind, v.groups) for v in c.variants]
[('11万', 'number', (('web', 'wire'), ('print',))), (',', 'width', (('web', 'wire'), ('print',)))]
>>> c.text_of("print")
'株洲11万余个基层党组织,'
"""

from __future__ import annotations

import bisect
import itertools
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Unpack

from .compare import HTML_VIEWS, Comparison, judge
from .edits import COSMETIC_KINDS, SUBSTANTIVE_KINDS, Edit
from .errors import InvalidInput
from .normalize import check_text
from .options import OptionKeywords, Options
from .shingle import Prepared, distinct_overlap, prepare

__all__ = ["Collation", "Reading", "Variant", "collate", "COLLATION_SCHEMA_VERSION"]

COLLATION_SCHEMA_VERSION = 1
_RANK = {kind: rank for rank, kind in enumerate(dict.fromkeys(SUBSTANTIVE_KINDS + ("surrounding",) + COSMETIC_KINDS))}
"""The order kinds are listed in: substantive ones first, then the page around the story, then the rest."""
_PINNED = ("moved", "repeated", "surrounding", "truncation")
"""Kinds whose spans are tied to another place or to a text's end: never shifted."""


@dataclass(frozen=True)
class Reading:
    """What one witness reads at one variant: ``text`` at ``span`` of its original text.

    ``kind`` is ``None`` where the witness reads as the base; otherwise the kind
    that names ``edits`` (see the module docstring) (the witness's own edits against the base inside this
    variant: ``a`` is the base, ``b`` the witness). ``moved_with`` is the number of
    the variant at the other end of a moved passage.
    """

    witness: str
    text: str
    span: tuple[int, int]
    kind: str | None
    cosmetic: bool
    edits: tuple[Edit, ...] = ()
    moved_with: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "witness": self.witness,
            "text": self.text,
            "span": list(self.span),
            "kind": self.kind,
            "cosmetic": self.cosmetic,
            "moved_with": self.moved_with,
            "edits": [edit.to_dict() for edit in self.edits],
        }


@dataclass(frozen=True)
class Variant:
    """One place where the witnesses differ: ``base_span`` of the base, one reading per witness."""

    number: int
    base_span: tuple[int, int]
    readings: tuple[Reading, ...]

    def reading(self, witness: str) -> Reading:
        """The reading of ``witness`` here."""
        for reading in self.readings:
            if reading.witness == witness:
                return reading
        raise KeyError(witness)

    @property
    def groups(self) -> tuple[tuple[str, ...], ...]:
        """Witnesses that read the same text, the base's group first, then in the order of the columns."""
        by_text: dict[str, list[str]] = {}
        for reading in sorted(self.readings, key=lambda r: r.kind is not None):  # the base's text first
            by_text.setdefault(reading.text, []).append(reading.witness)
        order = {reading.witness: n for n, reading in enumerate(self.readings)}
        first = next(iter(by_text))
        return tuple(
            tuple(sorted(group, key=order.__getitem__))
            for text, group in sorted(by_text.items(), key=lambda item: (item[0] != first, min(map(order.__getitem__, item[1]))))
        )

    @property
    def cosmetic(self) -> bool:
        """Every reading that differs from the base differs only in form."""
        return all(reading.cosmetic for reading in self.readings if reading.kind is not None)

    @property
    def kinds(self) -> tuple[str, ...]:
        """The kinds of the readings that differ from the base, substantive ones first."""
        return tuple(sorted({r.kind for r in self.readings if r.kind is not None}, key=_RANK.__getitem__))

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "base_span": list(self.base_span),
            "cosmetic": self.cosmetic,
            "kinds": list(self.kinds),
            "groups": [list(group) for group in self.groups],
            "readings": [reading.to_dict() for reading in self.readings],
        }


@dataclass(frozen=True)
class Collation:
    """A variant table of several witnesses of one story (see the module docstring).

    ``witnesses`` is the input order (the order of the columns); ``comparisons``
    holds each witness's comparison with the base (``a`` is the base), so
    ``relations`` and ``regions`` (where a page holds the story) come from them.
    """

    witnesses: tuple[str, ...]
    base: str
    base_text: str
    lengths: Mapping[str, int]
    variants: tuple[Variant, ...]
    comparisons: Mapping[str, Comparison]
    options: Mapping[str, Any]

    @property
    def relations(self) -> dict[str, str]:
        """Each other witness's relation to the base (``contained_by``: a page holds the base's story)."""
        return {w: comparison.relation for w, comparison in self.comparisons.items()}

    @property
    def regions(self) -> dict[str, tuple[int, int]]:
        """The span of each witness that holds the story: all of it, but where it is a page around it."""
        regions = {}
        for witness in self.witnesses:
            comparison = self.comparisons.get(witness)
            region = comparison.b_region if comparison is not None and comparison.relation == "contained_by" else None
            regions[witness] = region or (0, self.lengths[witness])
        return regions

    @property
    def substantive_variants(self) -> tuple[Variant, ...]:
        """The variants where some witness differs in substance."""
        return tuple(variant for variant in self.variants if not variant.cosmetic)

    def text_of(self, witness: str) -> str:
        """Rebuild ``witness``'s original text from the base and its readings.

        >>> collate({"a": "星锋村", "b": "星峰村"}).text_of("b")
        '星峰村'
        """
        if witness not in self.lengths:
            raise KeyError(witness)
        pieces, position = [], 0
        for variant in self.variants:
            start, end = variant.base_span
            pieces += [self.base_text[position:start], variant.reading(witness).text]
            position = end
        pieces.append(self.base_text[position:])
        return "".join(pieces)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; the schema is ``textversions/schema/output.schema.json`` (``$defs/collation``)."""
        return {
            "schema_version": COLLATION_SCHEMA_VERSION,
            "options": dict(self.options),
            "base": self.base,
            "base_text": self.base_text,
            "witnesses": [
                {
                    "id": witness,
                    "length": self.lengths[witness],
                    "relation": self.comparisons[witness].relation if witness in self.comparisons else None,
                    "region": list(self.regions[witness]),
                }
                for witness in self.witnesses
            ],
            "variants": [variant.to_dict() for variant in self.variants],
        }

    def to_json(self, **dumps_options: Any) -> str:
        """``to_dict()`` as JSON (UTF-8 text, not ASCII-escaped)."""
        dumps_options.setdefault("ensure_ascii", False)
        return json.dumps(self.to_dict(), **dumps_options)

    def _repr_html_(self) -> str:
        return HTML_VIEWS[type(self)](self)


def collate(
    texts: Mapping[str, str] | Sequence[tuple[str, str]],
    *,
    base: str | None = None,
    options: Options | None = None,
    **keywords: Unpack[OptionKeywords],
) -> Collation:
    """Collate two or more witnesses of one story (a mapping witness id → text).

    ``base`` names the witness the others are read against; by default the one
    whose text the others hold most of (see the module docstring). Options are
    those of :func:`~textversions.compare`.

    >>> story = "星锋村党总支书记带领群众连夜搬运防疫物资，守护一方平安。"
    >>> page = "要闻：今日天气晴朗，气温回升，市民出游。\\n" + story + "\\n另一篇：本市举办春季运动会，三千名运动员参加比赛。"
    >>> c = collate({"page": page, "web": story, "print": story.replace("锋", "峰")})
    >>> c.base, c.relations["page"], c.regions["page"], [v.reading("print").text for v in c.substantive_variants]
    ('web', 'contained_by', (21, 49), ['峰'])
    """
    items = list(texts.items() if isinstance(texts, Mapping) else texts)
    witnesses = tuple(witness for witness, _ in items)
    if len(items) < 2:
        raise InvalidInput(f"collate needs at least two witnesses, got {len(items)}")
    for witness, text in items:
        if not isinstance(witness, str):
            raise InvalidInput(f"witness ids must be str, got {type(witness).__name__}")
        check_text(text, f"witness {witness!r}")
    if len(set(witnesses)) != len(witnesses):
        raise InvalidInput(f"a witness id appears twice: {sorted(w for w in witnesses if witnesses.count(w) > 1)[0]!r}")
    by_id = dict(items)
    if base is not None and base not in by_id:
        raise InvalidInput(f"base {base!r} is not one of the witnesses")
    options = Options.of(options, **keywords)
    prepared = {witness: prepare(text, options) for witness, text in items}
    base = base if base is not None else _backbone(prepared)
    comparisons = {
        witness: judge(prepared[base], prepared[witness], options).with_edits() for witness in witnesses if witness != base
    }
    variants = _variants(witnesses, base, by_id, comparisons)
    return Collation(
        witnesses=witnesses,
        base=base,
        base_text=by_id[base],
        lengths={witness: len(by_id[witness]) for witness in witnesses},
        variants=variants,
        comparisons=comparisons,
        options=options.to_dict(),
    )


def _backbone(prepared: Mapping[str, Prepared]) -> str:
    """The witness whose shingles the others hold most of (summed shares), then the longest, then the smallest id.

    A page around the story scores low (the articles hold little of it); so does a
    witness with edits of its own; the story as most of them print it scores high.
    """
    shares: dict[str, list[float]] = {witness: [] for witness in prepared}
    for (one, a), (other, b) in itertools.combinations(prepared.items(), 2):
        distinct_a, distinct_b, shared = distinct_overlap(a.sorted_hashes, b.sorted_hashes)
        shares[one].append(shared / distinct_a if distinct_a else float(a.text == b.text))
        shares[other].append(shared / distinct_b if distinct_b else float(a.text == b.text))
    held = {witness: math.fsum(found) for witness, found in shares.items()}  # exact: the input order cannot tip a tie
    return min(prepared, key=lambda w: (-held[w], -len(prepared[w].normalized.original), w))


def _variants(
    witnesses: tuple[str, ...], base: str, texts: Mapping[str, str], comparisons: Mapping[str, Comparison]
) -> tuple[Variant, ...]:
    base_text = texts[base]
    edits = _placed_alike({witness: comparison.edits for witness, comparison in comparisons.items()}, base_text, texts)
    places = _places([edit.a_span for witness_edits in edits.values() for edit in witness_edits])
    tilings = {witness: _Tiling(witness_edits) for witness, witness_edits in edits.items()}
    rows: list[list[Reading]] = []
    moved_at: dict[tuple[str, str, tuple[int, int]], int] = {}  # (witness, side, an end of a moved passage) → variant
    for number, (start, end) in enumerate(places):
        row = [Reading(base, base_text[start:end], (start, end), None, True)]
        for witness in witnesses:
            if witness == base:
                continue
            w_start, w_end, inside = tilings[witness].inside(start, end)
            text = texts[witness][w_start:w_end]
            if text == base_text[start:end]:
                row.append(Reading(witness, text, (w_start, w_end), None, True))
                continue
            kind = min(inside, key=_naming).kind
            row.append(Reading(witness, text, (w_start, w_end), kind, all(edit.cosmetic for edit in inside), inside))
            for edit in inside:
                if edit.kind == "moved":
                    moved_at[(witness, "b", edit.b_span) if edit.b_text else (witness, "a", edit.a_span)] = number
        rows.append(row)
    variants = []
    for number, ((start, end), row) in enumerate(zip(places, rows)):
        readings = {reading.witness: _with_partner(reading, moved_at) for reading in row}
        variants.append(Variant(number, (start, end), tuple(readings[witness] for witness in witnesses)))
    return tuple(variants)


def _naming(edit: Edit) -> tuple[bool, bool, int, int]:
    """Which of a reading's edits names it: a substantive one before a cosmetic one, a changed number before
    anything else, then the edit that changes most (a page cut short is a truncation, though its footer is
    boilerplate too)."""
    return edit.cosmetic, edit.kind != "number", -(len(edit.a_text) + len(edit.b_text)), _RANK[edit.kind]


def _with_partner(reading: Reading, moved_at: Mapping[tuple[str, str, tuple[int, int]], int]) -> Reading:
    """The reading with ``moved_with`` set to the variant at the other end of its moved passage, if any."""
    for edit in reading.edits:
        if edit.kind == "moved":
            # The deletion's end names where the passage went in the witness, the insertion's where it came from.
            side, other = ("b", edit.detail.get("to")) if edit.a_text else ("a", edit.detail.get("from"))
            partner = moved_at.get((reading.witness, side, tuple(other))) if other else None
            if partner is not None:
                return Reading(reading.witness, reading.text, reading.span, reading.kind, reading.cosmetic, reading.edits, partner)
    return reading


def _placed_alike(edits: Mapping[str, Sequence[Edit]], base_text: str, texts: Mapping[str, str]) -> dict[str, list[Edit]]:
    """Each witness's edits in text order; where edits of several witnesses crowd one place of the base and
    do not sit on the same span, each insertion or deletion among them is moved as early as the equal text
    before it allows — the one placement every witness can agree on (``"ab" → "abb"`` inserts after the
    ``a``, never after the first ``b`` in one witness and the second in another)."""
    ordered = {witness: sorted(found, key=lambda e: (e.a_span, e.b_span)) for witness, found in edits.items()}
    shifts = {witness: _early_shifts(found, base_text, texts[witness]) for witness, found in ordered.items()}
    # Edits whose reach (from their earliest placement to their end) meets another's, in any witness.
    reaches = sorted(
        (edit.a_span[0] - shift, edit.a_span[1], witness, n)
        for witness, found in ordered.items()
        for n, (edit, shift) in enumerate(zip(found, shifts[witness]))
    )
    moving: set[tuple[str, int]] = set()
    group: list[tuple[int, int, str, int]] = []
    for reach in [*reaches, (len(base_text) + 1, len(base_text) + 1, "", -1)]:  # a sentinel closes the last group
        if group and reach[0] > max(end for _, end, _, _ in group):
            if len({ordered[witness][n].a_span for _, _, witness, n in group}) > 1:
                moving.update((witness, n) for _, _, witness, n in group)
            group = []
        group.append(reach)
    return {
        witness: [
            _shifted(edit, shift, base_text, texts[witness]) if shift and (witness, n) in moving else edit
            for n, (edit, shift) in enumerate(zip(found, shifts[witness]))
        ]
        for witness, found in ordered.items()
    }


def _early_shifts(edits: Sequence[Edit], a: str, b: str) -> list[int]:
    """How far each insertion or deletion of ``edits`` (in text order) may move back and change the same."""
    shifts, a_floor, b_floor = [], 0, 0  # where the edit before ends
    for edit in edits:
        (a0, a1), (b0, b1) = edit.a_span, edit.b_span
        changed = edit.a_text or edit.b_text
        shift = 0
        if changed and edit.kind not in _PINNED and not (edit.a_text and edit.b_text):
            # The character before the edit ends the changed text: the same change, one character earlier.
            while a0 - shift > a_floor and b0 - shift > b_floor and a[a0 - shift - 1] == changed[-1 - shift % len(changed)]:
                shift += 1
        shifts.append(shift)
        a_floor, b_floor = a1, b1
    return shifts


def _shifted(edit: Edit, shift: int, a: str, b: str) -> Edit:
    """``edit`` (an insertion or deletion) ``shift`` characters earlier: its text rotated to match."""
    (a0, a1), (b0, b1) = edit.a_span, edit.b_span
    deleted = a[a0 - shift : a1 - shift] if edit.a_text else ""
    inserted = b[b0 - shift : b1 - shift] if edit.b_text else ""
    return Edit(edit.kind, deleted, inserted, (a0 - shift, a1 - shift), (b0 - shift, b1 - shift), edit.cosmetic, edit.detail)


def _places(spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The variant places on the base: overlapping spans joined, and a point (an insertion) inside one joins it.

    Two spans that only touch stay apart; a point at the edge of a span is its own
    place, before (at its start) or after (at its end) it.
    """
    joined: list[list[int]] = []
    for start, end in sorted({span for span in spans if span[1] > span[0]}):
        if joined and start < joined[-1][1]:
            joined[-1][1] = max(joined[-1][1], end)
        else:
            joined.append([start, end])
    starts = [start for start, _ in joined]
    points = []
    for point in sorted({start for start, end in spans if start == end}):
        n = bisect.bisect_left(starts, point) - 1  # the last span starting before the point
        if n < 0 or joined[n][1] <= point:
            points.append((point, point))
    return sorted([(start, end) for start, end in joined] + points)


class _Tiling:
    """One witness's edits against the base, tiling both texts: where a place of the base lies in the witness."""

    def __init__(self, edits: list[Edit]) -> None:
        self.edits = edits
        self.keys = [edit.a_span for edit in edits]
        growth = ((e.b_span[1] - e.b_span[0]) - (e.a_span[1] - e.a_span[0]) for e in edits)
        self.shift = list(itertools.accumulate(growth, initial=0))  # witness offset minus base offset after n edits

    def inside(self, start: int, end: int) -> tuple[int, int, tuple[Edit, ...]]:
        """The witness's span and edits at the base place ``[start, end)`` (a point: what is inserted there)."""
        point = (start, start)
        if start == end:
            first, last = bisect.bisect_left(self.keys, point), bisect.bisect_right(self.keys, point)
            return start + self.shift[first], start + self.shift[last], tuple(self.edits[first:last])
        first, last = bisect.bisect_right(self.keys, point), bisect.bisect_left(self.keys, (end, end))
        return start + self.shift[first], end + self.shift[last], tuple(self.edits[first:last])
