"""Compare two texts: how they relate, where one sits in the other, and every edit.

How a pair becomes a relation — the one hard choice, made on the exact
anchors of the alignment (never on a sketch):

* ``coverage_a`` / ``coverage_b``: the share of each normalized text that the
  alignment matches (it is anchored on exact matches and cleaned of splinters,
  so two unrelated texts match next to nothing), paragraphs moved elsewhere included;
* ``duplicate``: the normalized texts are equal, or they are versions whose
  edits are all cosmetic;
* ``version``: both coverages reach ``min_coverage``, or the shorter text's does,
  the chain spans most of the longer one and covers at least half of
  ``min_coverage`` of it (new paragraphs woven in, not a short text quoted in a
  long one), or a pair that would be ``reuse`` is one story set again: both
  texts open with the same heading, keep most of their figures
  (:func:`textversions.subjects.kept_heading_and_figures`) and cover half of
  ``min_coverage`` each — a table re-sent with other rows, whose added figures
  the template check below does not count;
* ``contains`` / ``contained_by``: the shorter text's coverage reaches
  ``min_coverage`` but its matches sit in a block of the longer text, covered
  at least ``min_coverage`` there too — an article printed inside a page, not a
  short story's phrases spread thin over a long one that it quotes; ``contains``
  means ``a`` holds ``b``;
* templates are different stories: a would-be ``version`` (or ``contains``) whose
  subject tokens (numbers, dates, identifiers, titles: :mod:`textversions.subjects`;
  also the names and identifiers a template's slot was filled with, swapped
  throughout — 范德贝伦 / 拉希德, ``grep`` / ``xzgrep``; for ``contains``, the
  article's alone) differ in a quarter or more —
  ``subject_change`` at least ``TEMPLATE_SUBJECT_CHANGE``, not counting the slips
  (a token one character off) that the rest of the text's rate of change explains,
  and at least ``TEMPLATE_MIN_CHANGED`` tokens — is two notices built on one
  template (yesterday's and today's epidemic report, the pages of two commands), so
  it falls to ``reuse`` (or ``unrelated``); a version corrects a few of them. In
  alphabetic text, where a template's open slot is often one name, a would-be
  ``version`` or ``contains`` is also two stories when each text's lead names
  someone or something the other never mentions (``names_apart``,
  :func:`textversions.subjects.names_apart`): two funds' payout notices, two
  issuers' eurobonds; in any script, when each text states dates and none of one's
  is among the other's, the texts differing besides (``dates_apart``,
  :func:`textversions.subjects.dates_apart`): tomorrow's broadcast of the opening
  session and of the closing one — or when their furniture dates them on
  different days and they print other figures (:func:`textversions.subjects.sent_apart`):
  one day's Fed report and the next day's; in Chinese text, when each heading names an identifier the
  other text never mentions and the bodies name different ones too: two
  commands' pages of one template (``# unxz`` / ``# xzcat``), two alias pages of
  which the longer seems to hold the shorter (``# file-rename`` / ``# platformio``).
  A page that holds an article mentions every name of the article's lead, so a
  containment is never set apart by the page's other stories;
* ``reuse``: otherwise, if they share a passage of ``min_passage`` characters (twice as many in
  alphabetic text);
* ``unrelated``: nothing of that length in common.

>>> c = compare("越是风急浪骤，越需中流砥柱。株洲1.1万余个基层党组织", "越是风急浪骤,越需中流砥柱。株洲11万余个基层党组织")
>>> c.relation
'version'
>>> [(e.kind, e.a_text, e.b_text) for e in c.edits if not e.cosmetic]
[('number', '1.1万', '11万')]
>>> c.apply("越是风急浪骤，越需中流砥柱。株洲1.1万余个基层党组织") == "越是风急浪骤,越需中流砥柱。株洲11万余个基层党组织"
True
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Unpack

import numba
import numpy as np

from .align import Alignment, Anchor, Opcode, alignment
from .candidates import shares_passage
from .classify import is_traditional, typed_edits
from .edits import KINDS, Edit, EditTable
from .common import own_text
from .errors import InvalidInput
from .furniture import furniture_of
from .normalize import check_text
from .options import OptionKeywords, Options
from .shingle import Prepared, ShingleSet, distinct_overlap, prepare
from .subjects import SubjectChange, dates_apart, kept_heading_and_figures, names_apart, subject_change, swapped_names

if TYPE_CHECKING:
    from .explain import Explanation

__all__ = [
    "Comparison", "Judgement", "Passage", "Scores", "compare", "judge", "relations_under", "verify",
    "RELATIONS", "TEMPLATE_SUBJECT_CHANGE", "TEMPLATE_MIN_CHANGED", "HTML_VIEWS",
]  # fmt: skip

RELATIONS = ("duplicate", "version", "contains", "contained_by", "reuse", "unrelated")
_READ_BACKWARDS = {"contains": "contained_by", "contained_by": "contains"}
HTML_VIEWS: dict[type, Callable[[Any], str]] = {}
"""How a notebook shows a result, by type: filled in by :mod:`textversions.report` (no stage imports the report layer)."""
TEMPLATE_SUBJECT_CHANGE = 0.25
TEMPLATE_MIN_CHANGED = 4
FLANK = 40
"""Characters, on either side, of a stretch one text has at its start or end in place of another: the rest of a
page around an article, not a slot of a template (a headline filled two ways is shorter)."""
_PASSAGE_GAP = 12
"""Characters of edits a passage may hold between two of its anchors, at least (see ``_reach``)."""


@dataclass(frozen=True)
class Scores:
    """Similarity figures of a pair: every number is in [0, 1]; ``names_apart`` and ``dates_apart`` are yes or no.

    ``jaccard`` and ``containment_*`` are exact over the sets of shingles of the
    normalized texts (``containment_a``: the share of a's shingles found in b);
    ``coverage_*`` is the share of each normalized text that the alignment
    matches; ``similarity`` is ``2 * matched / (len(a) + len(b))`` over the
    final alignment; ``subject_change`` (0 unless the pair aligns as a version or a
    containment) is the share of the subject tokens (numbers, dates, identifiers,
    titles: :mod:`textversions.subjects`) that the other text lacks — high for
    notices built on one template, low for versions; from a quarter up, slips
    that the texts' own rate of change explains are left out of it.
    ``names_apart`` (would-be versions only) is true when each text's lead (the
    opening sentence of alphabetic text, the heading of Chinese) names someone or
    something the other text never mentions; ``dates_apart`` (would-be versions and
    containments) when the texts report different days: each states dates, none of
    one's among the other's, and they differ besides.
    """

    jaccard: float
    containment_a: float
    containment_b: float
    coverage_a: float
    coverage_b: float
    similarity: float
    subject_change: float
    names_apart: bool = False
    dates_apart: bool = False

    def to_dict(self) -> dict[str, float | bool]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass(frozen=True, slots=True)
class Passage:
    """A passage both texts share, as spans of the original texts."""

    a_span: tuple[int, int]
    b_span: tuple[int, int]
    length: int

    def to_dict(self) -> dict[str, Any]:
        return {"a_span": list(self.a_span), "b_span": list(self.b_span), "length": self.length}

    def transposed(self) -> Passage:
        """The same passage read from ``b`` to ``a``."""
        return Passage(self.b_span, self.a_span, self.length)


@dataclass(frozen=True)
class Comparison:
    """What :func:`compare` found. Spans are code-point offsets into the original texts."""

    relation: str
    scores: Scores
    edits: tuple[Edit, ...]
    passages: tuple[Passage, ...]
    a_region: tuple[int, int] | None
    b_region: tuple[int, int] | None
    a_length: int
    b_length: int
    approximate: bool

    @property
    def substantive_edits(self) -> tuple[Edit, ...]:
        """The edits that change the story, in text order."""
        return tuple(edit for edit in self.edits if not edit.cosmetic)

    @property
    def editorial_edits(self) -> tuple[Edit, ...]:
        """The substantive edits an editor made: likely OCR slips and characters lost to an encoding
        (:attr:`Edit.slip`) left out."""
        return tuple(edit for edit in self.edits if not edit.cosmetic and not edit.slip)

    def summary(self) -> dict[str, int]:
        """Edit counts per kind, substantive kinds first, kinds absent left out."""
        return _summary(self.edit_table().kinds)

    def apply(self, a: str) -> str:
        """Replay every edit on ``a``; gives ``b`` exactly."""
        if len(a) != self.a_length:
            raise InvalidInput(f"apply() expects the original a ({self.a_length} characters), got {len(a)}")
        pieces = []
        position = 0
        for edit in sorted(self.edits, key=lambda e: (e.a_span, e.b_span)):
            pieces.append(a[position : edit.a_span[0]])
            pieces.append(edit.b_text)
            position = edit.a_span[1]
        pieces.append(a[position:])
        return "".join(pieces)

    def as_opcodes(self) -> list[Opcode]:
        """difflib-style ``(tag, a_start, a_end, b_start, b_end)`` over the original texts, tiling both.

        Tags are ``equal``, ``replace``, ``insert`` and ``delete``; each edit is one
        opcode (cosmetic ones too), the text between edits ``equal``.

        >>> compare("共1.1万个", "共11万个").as_opcodes()
        [('equal', 0, 1, 0, 1), ('replace', 1, 5, 1, 4), ('equal', 5, 6, 4, 5)]
        """
        ops: list[Opcode] = []
        a_pos = b_pos = 0
        for edit in sorted(self.edits, key=lambda e: (e.a_span, e.b_span)):
            (a0, a1), (b0, b1) = edit.a_span, edit.b_span
            if a0 > a_pos:
                ops.append(("equal", a_pos, a0, b_pos, b0))
            tag = "replace" if a1 > a0 and b1 > b0 else "delete" if a1 > a0 else "insert"
            ops.append((tag, a0, a1, b0, b1))
            a_pos, b_pos = a1, b1
        if a_pos < self.a_length:
            ops.append(("equal", a_pos, self.a_length, b_pos, self.b_length))
        return ops

    def inverse(self) -> Comparison:
        """The comparison read from ``b`` to ``a``: ``inverse().apply(b) == a``.

        >>> c = compare("共1.1万个", "共11万个")
        >>> c.inverse().apply("共11万个"), c.inverse().edits[0].detail["ratio"]
        ('共1.1万个', 0.1)
        """
        scores = self.scores
        return Comparison(
            relation=_READ_BACKWARDS.get(self.relation, self.relation),
            scores=Scores(
                jaccard=scores.jaccard,
                containment_a=scores.containment_b,
                containment_b=scores.containment_a,
                coverage_a=scores.coverage_b,
                coverage_b=scores.coverage_a,
                similarity=scores.similarity,
                subject_change=scores.subject_change,
                names_apart=scores.names_apart,
                dates_apart=scores.dates_apart,
            ),
            edits=tuple(sorted((edit.inverse() for edit in self.edits), key=lambda e: (e.a_span, e.b_span))),
            passages=tuple(p.transposed() for p in self.passages),
            a_region=self.b_region,
            b_region=self.a_region,
            a_length=self.b_length,
            b_length=self.a_length,
            approximate=self.approximate,
        )

    def explain(self, a: str, b: str, *, options: Options | None = None, **keywords: Any) -> Explanation:
        """Why ``a`` and ``b`` (the texts compared) got this relation, stage by stage, and what would change it:
        :func:`textversions.explain.explain` with the same options.

        >>> c = compare("星锋村党总支书记带领群众连夜搬运防疫物资。", "星峰村党总支书记带领群众连夜搬运防疫物资。")
        >>> c.explain("星锋村党总支书记带领群众连夜搬运防疫物资。", "星峰村党总支书记带领群众连夜搬运防疫物资。").relation
        'version'
        """
        from .explain import explain

        if (len(a), len(b)) != (self.a_length, self.b_length):
            raise InvalidInput(f"explain() expects the texts compared ({self.a_length} and {self.b_length} characters), got {len(a)} and {len(b)}")
        return explain(a, b, options=options, **keywords)

    def edit_table(self) -> EditTable:
        """The edits as columns (what pickling, JSON and Spark rows are written from)."""
        table = self.__dict__.get("_edit_table")
        return table if table is not None else EditTable.of(self.edits)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; the schema is ``textversions/schema/output.schema.json``."""
        table = self.edit_table()
        return {
            "relation": self.relation,
            "scores": self.scores.to_dict(),
            "a_length": self.a_length,
            "b_length": self.b_length,
            "a_region": list(self.a_region) if self.a_region else None,
            "b_region": list(self.b_region) if self.b_region else None,
            "approximate": self.approximate,
            "summary": _summary(table.kinds),
            "passages": [passage.to_dict() for passage in self.passages],
            "edits": table.records(),
        }

    def to_json(self, **dumps_options: Any) -> str:
        """``to_dict()`` as JSON (UTF-8 text, not ASCII-escaped)."""
        dumps_options.setdefault("ensure_ascii", False)
        return json.dumps(self.to_dict(), **dumps_options)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Comparison:
        """The comparison ``to_dict()`` wrote (what an :class:`~textversions.archive.Archive` keeps).

        >>> c = compare("共1.1万个", "共11万个")
        >>> Comparison.from_dict(json.loads(c.to_json())).to_dict() == c.to_dict()
        True
        """
        regions = [tuple(data[side]) if data[side] else None for side in ("a_region", "b_region")]
        return cls(
            relation=data["relation"],
            scores=Scores(**data["scores"]),
            edits=tuple(
                Edit(e["kind"], e["a_text"], e["b_text"], tuple(e["a_span"]), tuple(e["b_span"]), e["cosmetic"], e["detail"])
                for e in data["edits"]
            ),
            passages=tuple(Passage(tuple(p["a_span"]), tuple(p["b_span"]), p["length"]) for p in data["passages"]),
            a_region=regions[0],  # type: ignore[arg-type]
            b_region=regions[1],  # type: ignore[arg-type]
            a_length=data["a_length"],
            b_length=data["b_length"],
            approximate=data["approximate"],
        )

    def _repr_html_(self) -> str:
        return HTML_VIEWS[type(self)](self)

    def __reduce__(self) -> tuple[Any, ...]:
        # Edits travel as one EditTable and become Edit objects only when first read: find_versions'
        # workers send back hundreds of thousands of edits, and the process collecting them has no time to spare.
        fields = [getattr(self, name) for name in self.__dataclass_fields__ if name != "edits"]
        return _with_edit_table, (*fields, self.edit_table())

    def __getattr__(self, name: str) -> Any:
        # Reached only when normal lookup fails: the edits of an unpickled comparison, still a table.
        table = self.__dict__.get("_edit_table")
        if name != "edits" or table is None:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        return self.__dict__.setdefault("edits", table.edits())


def _summary(kinds: list[str]) -> dict[str, int]:
    counts = Counter(kinds)
    return {kind: counts[kind] for kind in KINDS if counts[kind]}


def _with_edit_table(*fields: Any) -> Comparison:
    """A comparison from :meth:`Comparison.__reduce__`; its edits are built when first read."""
    comparison = object.__new__(Comparison)
    names = [name for name in Comparison.__dataclass_fields__ if name != "edits"]
    comparison.__dict__.update(zip(names, fields[:-1]))
    comparison.__dict__["_edit_table"] = fields[-1]
    return comparison


def _shingle_scores(a: Prepared, b: Prepared) -> tuple[float, float, float]:
    distinct_a, distinct_b, shared = distinct_overlap(a.sorted_hashes, b.sorted_hashes)
    if distinct_a == 0 or distinct_b == 0:
        return (1.0 if a.text == b.text else 0.0), 0.0, 0.0
    return shared / (distinct_a + distinct_b - shared), shared / distinct_a, shared / distinct_b


ALPHABETIC_PASSAGE = 2
"""How many times ``min_passage`` a passage of alphabetic text needs to match: a letter carries about half what a
Han character does, and seven English words in common ("looking to acquisitions and joint ventures", "the
Conservatives with 41 pct of the vote, Labour with 35 pct and the Alliance") are phrases of the trade, not a copy."""


def passage_characters(a: Prepared, b: Prepared, min_passage: int) -> int:
    """Characters a shared passage of ``a`` and ``b`` needs: ``min_passage``, or ``ALPHABETIC_PASSAGE`` times it
    between texts in alphabetic scripts."""
    return min_passage * ALPHABETIC_PASSAGE if a.alphabetic and b.alphabetic else min_passage


def _passages(found: list[Anchor], a: Prepared, b: Prepared, min_passage: int, own_a: np.ndarray | None) -> tuple[Passage, ...]:
    """Shared passages, found whole: each anchor, in the order of ``a``, joins the passage it continues on
    both sides across a small edit (a dropped, doubled or replaced word; the diagonal may shift as far as the
    gap may be long) — any passage still within reach, not only the latest, so passages in any order and stray
    matches between them do not cut a passage in pieces. A passage needs ``min_passage`` matched characters outside
    furniture (a link, a dateline) — twice as many between texts in alphabetic scripts (``ALPHABETIC_PASSAGE``) —
    and one exact stretch of half ``min_passage`` (a template's phrases joined across their figures are no copy;
    a noisy copy of an English sentence may hold no longer one); common text is no passage, and a passage inside
    another on both sides is part of it."""
    needed = passage_characters(a, b, min_passage)
    starts = np.array([(m.a_start, m.b_start, m.length) for m in found], dtype=np.int64).reshape(-1, 3)
    a_start, b_start, length = starts[:, 0], starts[:, 1], starts[:, 2]
    stretches = np.stack([a_start, a_start + length, b_start, b_start + length, length, length], axis=1)
    # Anchors join into passages; then passages that continue each other (cut where a repeated word sent an
    # anchor to another diagonal) join, with the reach their larger size allows.
    merged = _joined(_joined(stretches)).tolist()
    furniture = furniture_of(a.normalized)
    kept = [
        (a0, a1, b0, b1, matched)
        for a0, a1, b0, b1, matched, longest in sorted(merged, key=lambda p: (p[0], -p[1], p[2]))
        if matched >= needed
        and 2 * longest >= min_passage
        and matched - _inside(furniture, a0, a1) >= needed
        and (own_a is None or own_a[a0:a1].mean() >= 0.5)
    ]
    # A passage inside another on both sides (a phrase the copy repeats) adds nothing to it. In the order
    # of a (longest first among equal starts), the passage that holds another comes before it.
    whole: list[tuple[int, int, int, int, int]] = []
    for p in kept:
        if not any(p[1] <= q[1] and q[2] <= p[2] and p[3] <= q[3] for q in whole if q[1] > p[0]):
            whole.append(p)
    return tuple(
        Passage(a.normalized.original_span(a0, a1), b.normalized.original_span(b0, b1), matched)
        for a0, a1, b0, b1, matched in whole
    )


def _joined(stretches: np.ndarray) -> np.ndarray:
    """Stretches (rows ``a_start, a_end, b_start, b_end, matched, longest``) joined, in the order of a, each to
    the open passage it continues on both sides within reach; the passages, in the order they opened.

    A stretch joins, among the passages it continues, the one with the smallest gap; equal gaps go to the
    passage on the lowest diagonal bucket (``(b_end - a_end) // _DIAGONALS``), then to the one filed there
    first (a passage is filed again each time it grows).
    """
    order = np.lexsort((stretches[:, 2], stretches[:, 0]))
    return _join_kernel(np.ascontiguousarray(stretches[order], dtype=np.int64), _DIAGONALS)


@numba.njit(cache=True, nogil=True)
def _join_kernel(ordered: np.ndarray, diagonals: int) -> np.ndarray:  # pragma: no cover - compiled
    n = ordered.shape[0]
    widest = np.empty(n, dtype=np.int64)  # the most any stretch from here on matches
    running = 0
    for k in range(n - 1, -1, -1):
        running = max(running, ordered[k, 4])
        widest[k] = running
    passages = np.empty((n, 6), dtype=np.int64)
    limit = np.empty(n, dtype=np.int64)  # the last a_start that may still join the passage
    filed = np.empty(n, dtype=np.int64)  # when the passage was last filed: ties go to the earliest
    open_ = np.empty(n, dtype=np.int64)  # passages that may still be joined
    count = 0
    n_open = 0
    clock = 0
    for number in range(n):
        a0, a1, b0, b1, matched, longest = ordered[number]
        kept = 0
        for k in range(n_open):  # stretches come in the order of a: a passage out of reach stays out of reach
            if limit[open_[k]] >= a0:
                open_[kept] = open_[k]
                kept += 1
        n_open = kept
        best = -1
        best_gap = 0
        best_bucket = 0
        for k in range(n_open):
            p = open_[k]
            gap_a, gap_b = a0 - passages[p, 1], b0 - passages[p, 3]
            reach = _reach(passages[p, 4] + matched)
            if (
                gap_a <= reach and -reach <= gap_b <= reach and abs(gap_a - gap_b) <= reach
                and a1 > passages[p, 1] and b1 > passages[p, 3]
            ):
                bucket = (passages[p, 3] - passages[p, 1]) // diagonals
                if best < 0 or (gap_a + gap_b, bucket, filed[p]) < (best_gap, best_bucket, filed[best]):
                    best, best_gap, best_bucket = p, gap_a + gap_b, bucket
        if best < 0:
            best = count
            passages[best] = ordered[number]
            open_[n_open] = best
            n_open += 1
            count += 1
        else:
            passages[best, 4] += max(0, matched - max(0, passages[best, 1] - a0))  # what overlaps is matched once
            passages[best, 5] = max(passages[best, 5], longest)
            passages[best, 1] = max(passages[best, 1], a1)
            passages[best, 3] = max(passages[best, 3], b1)
        limit[best] = passages[best, 1] + _reach(passages[best, 4] + widest[number])
        filed[best] = clock
        clock += 1
    return passages[:count]


_DIAGONALS = 32
"""Diagonals per bucket of open passages (which one a tie goes to)."""


@numba.njit(cache=True, nogil=True)
def _reach(matched: int) -> int:  # pragma: no cover - compiled
    """How far apart two stretches that together match ``matched`` characters may lie and still be one passage:
    ``_PASSAGE_GAP``, or a sixth of what they match (a chance match that long, that close, is no chance)."""
    return max(_PASSAGE_GAP, matched // 6)


def _inside(spans: Sequence[tuple[int, int]], start: int, end: int) -> int:
    """Characters of ``[start, end)`` that lie inside ``spans`` (sorted, not overlapping)."""
    return sum(max(0, min(end, hi) - max(start, lo)) for lo, hi in spans)


def _matched(aligned: Alignment, length_a: int, length_b: int, shingle: int) -> tuple[np.ndarray, np.ndarray]:
    """Masks of the characters of each text that the alignment matches, moved text included.

    The opcodes follow one monotone chain; a paragraph the other version prints
    elsewhere is matched by anchors off that chain: their character pairs that
    neither text has matched yet count too (longest anchor first, at least two
    shingles of such pairs), so a version with reordered paragraphs is not mistaken
    for two stories sharing passages.
    """
    matched_a, matched_b = np.zeros(length_a, dtype=bool), np.zeros(length_b, dtype=bool)
    for tag, i1, i2, j1, j2 in aligned.opcodes:
        if tag == "equal":
            matched_a[i1:i2] = True
            matched_b[j1:j2] = True
    long_enough = [(-m.length, m.a_start, m.b_start) for m in aligned.anchors if m.length >= 2 * shingle]
    anchors = np.array(sorted(long_enough), dtype=np.int64).reshape(-1, 3)
    _match_off_chain(matched_a, matched_b, anchors, 2 * shingle)
    return matched_a, matched_b


@numba.njit(cache=True, nogil=True)
def _match_off_chain(matched_a: np.ndarray, matched_b: np.ndarray, anchors: np.ndarray, least: int) -> None:  # pragma: no cover - compiled
    """Mark, anchor by anchor, the character pairs that neither text has matched yet, where there are at least
    ``least`` of them."""
    for k in range(anchors.shape[0]):  # rows (-length, a_start, b_start), longest first
        length, a_start, b_start = -anchors[k, 0], anchors[k, 1], anchors[k, 2]
        free = 0
        for i in range(length):
            free += not matched_a[a_start + i] and not matched_b[b_start + i]
        if free >= least:
            for i in range(length):
                if not matched_a[a_start + i] and not matched_b[b_start + i]:
                    matched_a[a_start + i] = True
                    matched_b[b_start + i] = True


def _coverage(matched: np.ndarray, own: np.ndarray | None) -> float:
    """Share of one text (its own text, if a mask is given) that is matched."""
    if own is None:
        return float(matched.mean()) if len(matched) else 0.0
    return int((matched & own).sum()) / max(1, int(own.sum()))


def _relation(
    a: Prepared,
    b: Prepared,
    aligned: Alignment,
    passages: tuple[Passage, ...],
    min_coverage: float,
    own: tuple[np.ndarray | None, np.ndarray | None],
) -> tuple[str, float, float, float, bool, bool, str]:
    """``(relation, coverage_a, coverage_b, subject_change, names_apart, dates_apart, by_coverage)`` by the rule of
    the module docstring; ``by_coverage`` is the relation the coverage alone gives (``reuse`` for a story set again
    under its heading, which the rule makes a version)."""
    matched_a, matched_b = _matched(aligned, len(a.text), len(b.text), a.shingle)
    coverage_a, coverage_b = _coverage(matched_a, own[0]), _coverage(matched_b, own[1])
    if a.text == b.text:
        return "duplicate", 1.0, 1.0, 0.0, False, False, "duplicate"
    relation = "reuse" if passages else "unrelated"
    a_shorter = len(a.text) <= len(b.text)
    short_coverage = coverage_a if a_shorter else coverage_b
    if coverage_a >= min_coverage and coverage_b >= min_coverage:
        relation = "version"
    elif short_coverage >= min_coverage and aligned.chain:
        lo, hi = aligned.b_region if a_shorter else aligned.a_region  # type: ignore[misc]
        long_length = len(b.text) if a_shorter else len(a.text)
        long_coverage = coverage_b if a_shorter else coverage_a
        long_matched = matched_b if a_shorter else matched_a
        if (hi - lo) >= min_coverage * long_length:
            # New paragraphs woven into the story, not a short story quoted in a long one.
            relation = "version" if long_coverage >= min_coverage / 2 else relation
        elif long_matched[lo:hi].mean() >= min_coverage:
            relation = "contained_by" if a_shorter else "contains"
        # else: the short text's phrases are spread thin over a longer stretch (a short story quoting a long one),
        # not an article printed whole in a block of a page.
    # One story set again (a table re-sent with other rows and notes) aligns in short pieces, as rewrites do — half
    # the coverage a version needs, on each side; it keeps its heading and most of its figures, which a template's
    # notices do not (so its added rows' figures are no template's changed subjects).
    by_coverage = relation
    set_again = (
        relation == "reuse"
        and min(coverage_a, coverage_b) >= min_coverage / 2
        and kept_heading_and_figures(a.normalized, b.normalized) is not None
    )
    relation = "version" if set_again else relation
    if relation in ("reuse", "unrelated"):
        return relation, coverage_a, coverage_b, 0.0, False, False, relation
    # The subjects of both texts, or of the article alone when the other text is the page around it.
    of = {"contains": "b", "contained_by": "a"}.get(relation, "both")
    subjects = subjects_of(a, b, aligned, of)
    apart = names_apart(a.normalized, b.normalized)
    days = dates_apart(a.normalized, b.normalized, aligned.opcodes)
    if apart or days or (not set_again and subjects.share >= TEMPLATE_SUBJECT_CHANGE and subjects.count >= TEMPLATE_MIN_CHANGED):
        relation = "reuse" if passages else "unrelated"
    return relation, coverage_a, coverage_b, subjects.share, apart, days, by_coverage


def subjects_of(a: Prepared, b: Prepared, aligned: Alignment, of: str) -> SubjectChange:
    """The change of subjects the template rule reads (:func:`~textversions.subjects.subject_change`), with the names
    a template's slot was filled with (:func:`~textversions.subjects.swapped_names`; Han names only when both texts
    are in one script)."""
    one_script = is_traditional(a.normalized.original) == is_traditional(b.normalized.original)
    swapped = swapped_names(a.text, b.text, aligned.opcodes, han=one_script)
    # What one text has and the other has nothing in place of: an added paragraph, a truncated tail, and at either
    # end a long stretch each has instead of the other's (the rest of a page where an article stops; a headline
    # replaced is a template's slot).
    ops = aligned.opcodes
    edges = {0, len(ops) - 1}
    apart = [
        op for n, op in enumerate(ops)
        if op[0] in ("insert", "delete") or (op[0] == "replace" and n in edges and max(op[2] - op[1], op[4] - op[3]) >= FLANK)
    ]  # fmt: skip
    unpaired = ([(i1, i2) for _, i1, i2, _, _ in apart if i2 > i1], [(j1, j2) for _, _, _, j1, j2 in apart if j2 > j1])
    sent = (furniture_of(a.normalized), furniture_of(b.normalized))
    return subject_change(a.text, b.text, of=of, at_least=TEMPLATE_SUBJECT_CHANGE, swapped=swapped, unpaired=unpaired, sent=sent)


def compare(
    a: str,
    b: str,
    *,
    options: Options | None = None,
    common: np.ndarray | None = None,
    **keywords: Unpack[OptionKeywords],
) -> Comparison:
    """Relate two texts and list every edit from ``a`` to ``b``.

    Options (:class:`~textversions.options.Options`, or its fields as keywords)
    that matter here: ``shingle`` (characters per n-gram), ``min_coverage``
    (share of the shorter text that must align for a version or containment),
    ``min_passage`` (characters a shared passage needs for ``reuse``),
    ``fold_script`` (treat traditional and simplified script as equal when
    matching). ``common`` (sorted ``uint32`` shingle hashes of text common in
    the corpus — a template, a footer — which then counts toward neither
    coverage nor shared passages; :func:`~textversions.find_versions` measures it).
    """
    check_text(a, "a")
    check_text(b, "b")
    options = Options.of(options, **keywords)
    return judge(prepare(a, options), prepare(b, options), options, common).with_edits()


@dataclass(frozen=True)
class Judgement:
    """How two prepared texts relate, before their edits are typed: the cheap half of :func:`compare`.

    ``relation`` is final except that a ``version`` whose edits all prove
    cosmetic becomes a ``duplicate`` in :meth:`with_edits`. ``swapped`` says the
    judgement reads from the second text of the call to the first (see :func:`verify`).
    ``by_coverage`` is the relation the coverage alone gives, before the template
    check (:mod:`textversions.explain` says which check decided).
    """

    a: Prepared
    b: Prepared
    aligned: Alignment
    passages: tuple[Passage, ...]
    relation: str
    coverage: tuple[float, float]
    subject_change: float
    names_apart: bool = False
    dates_apart: bool = False
    swapped: bool = False
    by_coverage: str = ""

    def transposed(self) -> Judgement:
        """The same finding read from ``b`` to ``a`` (a page before its article), without aligning again."""
        return Judgement(
            self.b,
            self.a,
            self.aligned.transposed(),
            tuple(p.transposed() for p in self.passages),
            _READ_BACKWARDS.get(self.relation, self.relation),
            (self.coverage[1], self.coverage[0]),
            self.subject_change,
            self.names_apart,
            self.dates_apart,
            not self.swapped,
            _READ_BACKWARDS.get(self.by_coverage, self.by_coverage),
        )

    def with_edits(self) -> Comparison:
        """The full :class:`Comparison`: typed edits, scores, regions on the original texts."""
        na, nb, aligned, relation = self.a.normalized, self.b.normalized, self.aligned, self.relation
        container = {"contains": "a", "contained_by": "b"}.get(relation)
        regions = (aligned.a_region, aligned.b_region) if aligned.chain else None
        edits = typed_edits(na, nb, aligned.opcodes, regions=regions, container=container)  # type: ignore[arg-type]
        if relation == "version" and all(edit.cosmetic for edit in edits):
            relation = "duplicate"
        equal = sum(op[2] - op[1] for op in aligned.opcodes if op[0] == "equal")
        total = len(na.text) + len(nb.text)
        jaccard, containment_a, containment_b = _shingle_scores(self.a, self.b)
        scores = Scores(
            jaccard=round(jaccard, 6),
            containment_a=round(containment_a, 6),
            containment_b=round(containment_b, 6),
            coverage_a=round(self.coverage[0], 6),
            coverage_b=round(self.coverage[1], 6),
            similarity=round(2 * equal / total, 6) if total else 1.0,
            subject_change=round(self.subject_change, 6),
            names_apart=self.names_apart,
            dates_apart=self.dates_apart,
        )
        placed = relation in ("contains", "contained_by", "version") and aligned.chain
        return Comparison(
            relation=relation,
            scores=scores,
            edits=tuple(edits),
            passages=self.passages,
            a_region=na.original_span(*aligned.a_region) if placed else None,  # type: ignore[misc]
            b_region=nb.original_span(*aligned.b_region) if placed else None,  # type: ignore[misc]
            a_length=len(na.original),
            b_length=len(nb.original),
            approximate=aligned.approximate,
        )


def judge(a: Prepared, b: Prepared, options: Options, common: np.ndarray | ShingleSet | None = None) -> Judgement:
    """Align two prepared texts and decide how they relate (by the rule of the module docstring).

    ``common`` may be a :class:`~textversions.shingle.ShingleSet`, built once for many pairs.
    """
    if common is not None and not isinstance(common, ShingleSet):
        common = ShingleSet(common)
    aligned, own = _aligned(a, b, options, common)
    passages = _passages(aligned.anchors, a, b, options.min_passage, own[0])
    relation, coverage_a, coverage_b, subjects, apart, days, by_coverage = _relation(a, b, aligned, passages, options.min_coverage, own)
    return Judgement(a, b, aligned, passages, relation, (coverage_a, coverage_b), subjects, apart, days, by_coverage=by_coverage)


def _aligned(
    a: Prepared, b: Prepared, options: Options, common: ShingleSet | None
) -> tuple[Alignment, tuple[np.ndarray | None, np.ndarray | None]]:
    """The pair's alignment and each text's own-text mask (what is not corpus-common): what every rule reads."""
    return alignment(a.text, b.text, shingle=options.shingle, prepared=(a, b)), (own_text(a, common), own_text(b, common))


def relations_under(
    a: Prepared, b: Prepared, settings: Sequence[tuple[float, int]], options: Options, common: ShingleSet | None = None
) -> list[str]:
    """The relation :func:`judge` gives under each ``(min_coverage, min_passage)`` of ``settings``, the pair
    aligned once (the alignment does not depend on them): what :mod:`textversions.calibrate` tries a grid with.

    A ``version`` is not told from a ``duplicate`` here (that needs the edits typed).
    """
    aligned, own = _aligned(a, b, options, common)
    passages = {min_passage: _passages(aligned.anchors, a, b, min_passage, own[0]) for min_passage in {p for _, p in settings}}
    return [_relation(a, b, aligned, passages[min_passage], min_coverage, own)[0] for min_coverage, min_passage in settings]


def verify(a: Prepared, b: Prepared, options: Options, common: ShingleSet | None) -> Judgement | None:
    """One candidate pair checked and judged: ``None`` when it is unrelated, else its judgement, holder first.

    A pure function of its arguments, shared by every engine. The pair must
    first share a passage (:func:`~textversions.candidates.shares_passage`, cheap),
    then is aligned. A page holding its article is read page first —
    ``swapped`` is then true — so that ``contains`` always reads "first holds
    second"; the relation is known before the (costly) edits are typed.
    """
    if not shares_passage(a, b, min_passage=options.min_passage):
        return None
    found = judge(a, b, options, common)
    if found.relation == "contained_by":
        found = found.transposed()
    return None if found.relation in ("unrelated", "contained_by") else found
