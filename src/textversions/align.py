"""Stage 6 — character alignment of two normalized texts, anchored on exact matches.

Aligning a 20,000-character page against a 9,000-character article with a plain
edit-distance matrix scatters matches of common characters (的, 疫情) over the
unrelated stories of the page. Instead:

1. **Anchors**: maximal runs of consecutive shared shingles on one diagonal
   (exact matches of at least ``shingle`` characters, checked character by
   character, never trusted to a hash).
2. **Chain**: the colinear set of anchors with the best total length, where a
   gap costs ``gap_cost`` per character of its longer side. Anchors of another
   story on the same page are too far away to pay for their gap and drop out;
   the chain's extent is the *located region* of one text in the other.
3. **Gaps** between anchors are aligned exactly with RapidFuzz's Levenshtein
   opcodes; diff-match-patch's semantic cleanup then merges the splinters into
   edits a person would name. A gap too large for the cell budget becomes one
   replacement and the alignment says it is ``approximate`` — never a silent
   time-out.

The result is a list of difflib-style opcodes over the normalized texts.

>>> a = alignment("abcdefghij", "abcdXfghij")
>>> [op for op in a.opcodes if op[0] != "equal"]
[('replace', 4, 5, 4, 5)]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from diff_match_patch import diff_match_patch
from rapidfuzz.distance import Levenshtein

from .shingle import DEFAULT_SHINGLE, shingle_hashes

__all__ = ["Anchor", "Alignment", "alignment", "anchors", "chain", "Opcode"]

Opcode = tuple[str, int, int, int, int]

MAX_CELLS = 50_000_000
"""Largest gap (``len(a) * len(b)``) aligned character by character."""
MAX_OCCURRENCES = 16
"""A shingle seen more often than this in either text is too common to anchor on."""
MAX_ANCHORS = 4000
GAP_COST = 0.05


@dataclass(frozen=True)
class Anchor:
    """An exact match ``a[a_start:a_start+length] == b[b_start:b_start+length]``."""

    a_start: int
    b_start: int
    length: int

    @property
    def a_end(self) -> int:
        return self.a_start + self.length

    @property
    def b_end(self) -> int:
        return self.b_start + self.length


@dataclass(frozen=True)
class Alignment:
    """Opcodes over two normalized texts, plus what the anchors said."""

    opcodes: list[Opcode]
    chain: list[Anchor]
    anchors: list[Anchor]
    approximate: bool

    @property
    def a_region(self) -> tuple[int, int] | None:
        """Normalized span of ``a`` covered by the chain (``None`` without one)."""
        if not self.chain:
            return None
        return self.chain[0].a_start, self.chain[-1].a_end

    @property
    def b_region(self) -> tuple[int, int] | None:
        if not self.chain:
            return None
        return self.chain[0].b_start, self.chain[-1].b_end


def anchors(a: str, b: str, *, shingle: int = DEFAULT_SHINGLE) -> list[Anchor]:
    """Maximal exact matches of at least ``shingle`` characters, by diagonal."""
    if len(a) < shingle or len(b) < shingle:
        return []
    ha = shingle_hashes(a, shingle)
    hb = shingle_hashes(b, shingle)
    order_b = np.argsort(hb, kind="stable")
    sorted_b = hb[order_b]
    left = np.searchsorted(sorted_b, ha, "left")
    count_b = np.searchsorted(sorted_b, ha, "right") - left
    sorted_a = np.sort(ha)
    count_a = np.searchsorted(sorted_a, ha, "right") - np.searchsorted(sorted_a, ha, "left")
    usable = np.flatnonzero((count_b > 0) & (count_b <= MAX_OCCURRENCES) & (count_a <= MAX_OCCURRENCES))
    if len(usable) == 0:
        return []
    counts = count_b[usable]
    a_pos = np.repeat(usable, counts)
    firsts = np.repeat(left[usable] - np.cumsum(counts) + counts, counts)
    b_pos = order_b[firsts + np.arange(len(a_pos))]
    diagonal = b_pos - a_pos
    order = np.lexsort((a_pos, diagonal))
    a_pos, diagonal = a_pos[order], diagonal[order]
    starts = np.flatnonzero(np.r_[True, (diagonal[1:] != diagonal[:-1]) | (a_pos[1:] != a_pos[:-1] + 1)])
    lengths = np.diff(np.r_[starts, len(a_pos)]) + shingle - 1
    found = []
    for start, length in zip(starts.tolist(), lengths.tolist()):
        i = int(a_pos[start])
        j = i + int(diagonal[start])
        # Hash runs are candidates; the characters decide.
        while length > 0 and a[i : i + length] != b[j : j + length]:
            length -= 1
        if length >= shingle:
            found.append(Anchor(i, j, length))
    found.sort(key=lambda m: (m.a_start, m.b_start))
    return found


def chain(found: list[Anchor], *, gap_cost: float = GAP_COST) -> list[Anchor]:
    """The colinear, non-overlapping anchors with the best length minus gap cost."""
    if not found:
        return []
    if len(found) > MAX_ANCHORS:
        found = sorted(sorted(found, key=lambda m: -m.length)[:MAX_ANCHORS], key=lambda m: (m.a_start, m.b_start))
    a_start = np.array([m.a_start for m in found])
    b_start = np.array([m.b_start for m in found])
    a_end = a_start + np.array([m.length for m in found])
    b_end = b_start + np.array([m.length for m in found])
    weight = np.array([m.length for m in found], dtype=np.float64)
    score = weight.copy()
    previous = np.full(len(found), -1)
    for k in range(1, len(found)):
        before = np.flatnonzero((a_end[:k] <= a_start[k]) & (b_end[:k] <= b_start[k]))
        if len(before) == 0:
            continue
        gap = np.maximum(a_start[k] - a_end[before], b_start[k] - b_end[before])
        gains = score[before] - gap_cost * gap
        best = int(np.argmax(gains))
        if gains[best] > 0:
            score[k] = weight[k] + gains[best]
            previous[k] = before[best]
    k = int(np.argmax(score))
    picked = []
    while k >= 0:
        picked.append(found[k])
        k = int(previous[k])
    return picked[::-1]


def _align_gap(a: str, b: str, a_off: int, b_off: int) -> tuple[list[Opcode], bool]:
    if not a and not b:
        return [], False
    if not a:
        return [("insert", a_off, a_off, b_off, b_off + len(b))], False
    if not b:
        return [("delete", a_off, a_off + len(a), b_off, b_off)], False
    if len(a) * len(b) > MAX_CELLS:
        return [("replace", a_off, a_off + len(a), b_off, b_off + len(b))], True
    ops = [
        (tag, i1 + a_off, i2 + a_off, j1 + b_off, j2 + b_off)
        for tag, i1, i2, j1, j2 in Levenshtein.opcodes(a, b).as_list()
    ]
    return ops, False


def _cleanup(ops: list[Opcode], a: str, b: str) -> list[Opcode]:
    """Merge splintered edits (diff-match-patch semantic cleanup), back to opcodes."""
    diffs: list[tuple[int, str]] = []
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal":
            diffs.append((0, a[i1:i2]))
            continue
        if i2 > i1:
            diffs.append((-1, a[i1:i2]))
        if j2 > j1:
            diffs.append((1, b[j1:j2]))
    dmp = diff_match_patch()
    dmp.diff_cleanupSemantic(diffs)
    out: list[Opcode] = []
    i, j = (ops[0][1], ops[0][3]) if ops else (0, 0)
    for op, text in diffs:
        if op == 0:
            out.append(("equal", i, i + len(text), j, j + len(text)))
            i += len(text)
            j += len(text)
        elif op == -1:
            out.append(("delete", i, i + len(text), j, j))
            i += len(text)
        else:
            out.append(("insert", i, i, j, j + len(text)))
            j += len(text)
    return merge_opcodes(out)


def merge_opcodes(ops: list[Opcode]) -> list[Opcode]:
    """Join neighbours of the same kind; a delete next to an insert is a replace."""
    merged: list[Opcode] = []
    for op in ops:
        if op[1] == op[2] and op[3] == op[4]:
            continue
        if merged:
            tag, i1, _, j1, _ = merged[-1]
            both_equal = tag == "equal" and op[0] == "equal"
            both_edits = tag != "equal" and op[0] != "equal"
            if both_equal or both_edits:
                new_tag = "equal" if both_equal else _edit_tag(i1, op[2], j1, op[4])
                merged[-1] = (new_tag, i1, op[2], j1, op[4])
                continue
        merged.append(op)
    return merged


def _edit_tag(i1: int, i2: int, j1: int, j2: int) -> str:
    if i1 == i2:
        return "insert"
    if j1 == j2:
        return "delete"
    return "replace"


def alignment(a: str, b: str, *, shingle: int = DEFAULT_SHINGLE, gap_cost: float = GAP_COST) -> Alignment:
    """Align two normalized texts; see the module docstring for the method."""
    found = anchors(a, b, shingle=shingle)
    picked = chain(found, gap_cost=gap_cost)
    if not picked:
        ops, approximate = _align_gap(a, b, 0, 0)
        return Alignment(_cleanup(ops, a, b), [], found, approximate)
    first, last = picked[0], picked[-1]
    # Flanks before the first and after the last anchor are aligned only when
    # both sides have text of comparable size; otherwise one side simply goes
    # on where the other stops (a page around an article, a cut-off tail) and
    # stays out of the cleanup, which would otherwise swallow the edge anchors.
    head, head_aligned, head_approx = _flank(a[: first.a_start], b[: first.b_start], 0, 0)
    tail, tail_aligned, tail_approx = _flank(a[last.a_end :], b[last.b_end :], last.a_end, last.b_end)
    approximate = head_approx or tail_approx
    core: list[Opcode] = head if head_aligned else []
    for k, anchor in enumerate(picked):
        core.append(("equal", anchor.a_start, anchor.a_end, anchor.b_start, anchor.b_end))
        if k + 1 < len(picked):
            nxt = picked[k + 1]
            gap_ops, gap_approx = _align_gap(
                a[anchor.a_end : nxt.a_start], b[anchor.b_end : nxt.b_start], anchor.a_end, anchor.b_end
            )
            core.extend(gap_ops)
            approximate |= gap_approx
    if tail_aligned:
        core.extend(tail)
    ops = ([] if head_aligned else head) + _cleanup(core, a, b) + ([] if tail_aligned else tail)
    return Alignment(merge_opcodes(ops), picked, found, approximate)


def _flank(a: str, b: str, a_off: int, b_off: int) -> tuple[list[Opcode], bool, bool]:
    """Opcodes for a flank, whether they are an alignment, and whether approximate."""
    if a and b and max(len(a), len(b)) <= 3 * min(len(a), len(b)):
        ops, approximate = _align_gap(a, b, a_off, b_off)
        return ops, True, approximate
    ops: list[Opcode] = []
    if a:
        ops.append(("delete", a_off, a_off + len(a), b_off, b_off))
    if b:
        ops.append(("insert", a_off + len(a), a_off + len(a), b_off, b_off + len(b)))
    return ops, False, False
