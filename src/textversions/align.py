"""Stage 6 — character alignment of two normalized texts, anchored on exact matches.

Aligning a 20,000-character page against a 9,000-character article with a plain
edit-distance matrix scatters matches of common characters (的, 疫情) over the
unrelated stories of the page. Instead:

1. **Anchors**: maximal runs of consecutive shared shingles on one diagonal
   (exact matches of at least ``shingle`` characters, checked character by
   character, never trusted to a hash). A short run far from every other run
   is a phrase shared by chance and is left out: in two long texts there are
   tens of thousands of them, and they would cost memory and time for nothing.
2. **Chain**: the colinear set of anchors with the best total length, where a
   gap costs ``gap_cost`` per character of its longer side. Anchors of another
   story on the same page are too far away to pay for their gap and drop out;
   the chain's extent is the *located region* of one text in the other.
3. **Gaps** between anchors are aligned exactly with RapidFuzz's Levenshtein
   opcodes (over the whole matrix while it is small, else within a band around
   the diagonal as wide as the edit distance: linear in length for texts that
   differ little); diff-match-patch's semantic cleanup then merges the
   splinters into edits a person would name. A gap too large for either budget
   becomes one replacement and the alignment says it is ``approximate`` —
   never a silent time-out.

The result is a list of difflib-style opcodes over the normalized texts.

>>> a = alignment("abcdefghij", "abcdXfghij")
>>> [op for op in a.opcodes if op[0] != "equal"]
[('replace', 4, 5, 4, 5)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numba
import numpy as np
from diff_match_patch import diff_match_patch
from rapidfuzz.distance import Levenshtein

from .normalize import Normalized, code_points, only_punctuation
from .numbers import NUMBER, NUMBER_CHAR
from .options import DEFAULT_SHINGLE
from .shingle import Prepared, _empty_table, _slot, shingle_hashes

__all__ = ["Anchor", "Alignment", "Segment", "alignment", "anchors", "chain", "chunked", "placed", "segments", "Opcode"]

Opcode = tuple[str, int, int, int, int]

MAX_CELLS = 50_000_000
"""Largest gap (``len(a) * len(b)``) aligned character by character over the whole matrix."""
MAX_BAND_CELLS = 10_000_000_000
"""Largest ``length × edit distance`` of a longer gap aligned exactly in a band (about 6 s, 120 MB)."""
MAX_OCCURRENCES = 16
"""A shingle seen more often than this in either text is too common to anchor on."""
MAX_ANCHORS = 4000
GAP_COST = 0.05


@dataclass(frozen=True, slots=True)
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

    def transposed(self) -> Alignment:
        """The same alignment read from ``b`` to ``a``."""
        flip = {"insert": "delete", "delete": "insert"}
        return Alignment(
            [(flip.get(tag, tag), j1, j2, i1, i2) for tag, i1, i2, j1, j2 in self.opcodes],
            [Anchor(m.b_start, m.a_start, m.length) for m in self.chain],
            [Anchor(m.b_start, m.a_start, m.length) for m in self.anchors],
            self.approximate,
        )


def anchors(
    a: str, b: str, *, shingle: int = DEFAULT_SHINGLE, prepared: tuple[Prepared, Prepared] | None = None
) -> list[Anchor]:
    """Maximal exact matches of at least ``shingle`` characters, by diagonal.

    ``prepared`` are the two texts as :func:`~textversions.shingle.prepare` made
    them, when the caller has them: their code points and shingle hashes are
    read, not computed again.
    """
    if len(a) < shingle or len(b) < shingle:
        return []
    if prepared is None:
        (codes_a, hashes_a), (codes_b, hashes_b) = ((code_points(t), shingle_hashes(t, shingle)) for t in (a, b))
    else:
        (codes_a, hashes_a), (codes_b, hashes_b) = ((doc.codes, doc.hashes) for doc in prepared)
    run_a, run_diagonal, run_shingles = _matching_runs(hashes_a, hashes_b, MAX_OCCURRENCES)
    # Hash runs are seeds (a short one alone, far from any other, is a phrase shared by chance);
    # the characters decide, and grow each to the whole exact match on its diagonal: a run cut
    # where a shingle too common to anchor on sits (" the ", "的一") is one match.
    run_length = run_shingles + (shingle - 1)
    kept = (run_length >= 2 * shingle) | _has_neighbour(run_a, run_diagonal)
    starts_a, starts_b, lengths = _exact_matches(codes_a, codes_b, run_a[kept], run_diagonal[kept], run_length[kept], shingle)
    found = [Anchor(i, j, n) for i, j, n in zip(starts_a.tolist(), starts_b.tolist(), lengths.tolist())]
    found.sort(key=lambda m: (m.a_start, m.b_start))
    return found


@numba.njit(cache=True, nogil=True)
def _exact_matches(codes_a, codes_b, run_a, run_diagonal, run_length, shingle):  # type: ignore[no-untyped-def]
    """Each seed run checked character by character (a hash collision is dropped) and grown both ways to
    the maximal exact match on its diagonal; seeds inside a match already grown are skipped."""
    order = np.argsort(run_diagonal * (len(codes_a) + 1) + run_a)
    starts_a = np.empty(len(order), dtype=np.int64)
    starts_b = np.empty(len(order), dtype=np.int64)
    lengths = np.empty(len(order), dtype=np.int64)
    count = 0
    last_diagonal, last_end = np.int64(-(1 << 62)), np.int64(-1)
    for k in order:
        i, diagonal = run_a[k], run_diagonal[k]
        j = i + diagonal
        if diagonal == last_diagonal and i < last_end:
            continue
        matched = 0
        while matched < run_length[k] and codes_a[i + matched] == codes_b[j + matched]:
            matched += 1
        if matched < shingle:
            continue
        while i > 0 and j > 0 and codes_a[i - 1] == codes_b[j - 1]:
            i -= 1
            j -= 1
        end = run_a[k] + matched
        while end < len(codes_a) and end + diagonal < len(codes_b) and codes_a[end] == codes_b[end + diagonal]:
            end += 1
        starts_a[count], starts_b[count], lengths[count] = i, j, end - i
        count += 1
        last_diagonal, last_end = diagonal, end
    return starts_a[:count], starts_b[:count], lengths[:count]


@numba.njit(cache=True, nogil=True)
def _matching_runs(ha, hb, max_occurrences):  # type: ignore[no-untyped-def]
    """Maximal runs of equal shingle hashes on one diagonal, as ``(a start, diagonal, shingles)`` arrays.

    A hash join: b's shingles go into a table like :class:`~textversions.shingle.ShingleSet`'s
    (with a chain of their positions per slot); a's look them up in order, and a
    match extends the run on its diagonal when the previous position of a matched
    there too. A shingle whose occurrences in both texts multiply to more than
    ``max_occurrences`` squared is too common to anchor on; one frequent in a single
    text (an article printed 17 times on a page) still anchors it, at a cost linear
    in its occurrences.
    """
    n_a, n_b = len(ha), len(hb)
    table, used = _empty_table(n_b)
    count_a = np.zeros(len(table), dtype=np.int32)
    count_b = np.zeros(len(table), dtype=np.int32)
    head = np.full(len(table), -1, dtype=np.int32)
    chained = np.empty(n_b, dtype=np.int32)  # the next position of b with the same hash
    for j in range(n_b - 1, -1, -1):
        slot = _slot(table, used, hb[j])
        used[slot] = True
        table[slot] = hb[j]
        count_b[slot] += 1
        chained[j] = head[slot]
        head[slot] = j
    slot_of = np.full(n_a, -1, dtype=np.int32)
    for i in range(n_a):
        slot = _slot(table, used, ha[i])
        if used[slot]:
            count_a[slot] += 1
            slot_of[i] = slot
    total = 0
    for i in range(n_a):
        s = slot_of[i]
        if s >= 0 and count_a[s] * count_b[s] <= max_occurrences * max_occurrences:
            total += count_b[s]
        else:
            slot_of[i] = -1
    last = np.full(n_a + n_b, -2, dtype=np.int32)  # per diagonal: the last position of a that matched on it
    run_of = np.zeros(n_a + n_b, dtype=np.int32)
    run_a = np.empty(total, dtype=np.int64)
    run_diagonal = np.empty(total, dtype=np.int64)
    run_shingles = np.zeros(total, dtype=np.int64)
    runs = 0
    for i in range(n_a):
        if slot_of[i] < 0:
            continue
        j = head[slot_of[i]]
        while j >= 0:
            d = j - i + n_a
            if last[d] == i - 1:
                run_shingles[run_of[d]] += 1
            else:
                run_a[runs] = i
                run_diagonal[runs] = j - i
                run_shingles[runs] = 1
                run_of[d] = runs
                runs += 1
            last[d] = i
            j = chained[j]
    return run_a[:runs], run_diagonal[:runs], run_shingles[:runs]


_NEAR_A = 64
_NEAR_DIAGONAL = 16


def _has_neighbour(run_a: np.ndarray, run_diagonal: np.ndarray) -> np.ndarray:
    """For each run of matching shingles: is another run near it (within about ``_NEAR_A``
    characters and ``_NEAR_DIAGONAL`` diagonals)?

    Text two versions share matches in runs close together, split only by edits;
    a short run alone, far from any other, is a phrase the texts share by chance
    (in a long text, tens of thousands of them). Grid cells of ``_NEAR_A`` by
    ``_NEAR_DIAGONAL``; a run is near another in its cell or the eight around it.
    """
    if len(run_a) < 2:
        return np.zeros(len(run_a), dtype=bool)
    return _near_counts(run_a // _NEAR_A, run_diagonal // _NEAR_DIAGONAL) >= 2  # itself and at least one more


@numba.njit(cache=True, nogil=True)
def _near_counts(cell_a, cell_d):  # type: ignore[no-untyped-def]
    """For each grid cell ``(cell_a, cell_d)``: how many runs lie in it and the eight around it."""
    cell_d = cell_d - cell_d.min() + 1
    width = cell_d.max() + 2
    cells = np.sort(cell_a * width + cell_d)
    around = np.zeros(len(cell_a), dtype=np.int64)
    for k in range(len(cell_a)):
        for step_a in (-1, 0, 1):
            for step_d in (-1, 0, 1):
                wanted = (cell_a[k] + step_a) * width + cell_d[k] + step_d
                around[k] += np.searchsorted(cells, wanted, "right") - np.searchsorted(cells, wanted, "left")
    return around


@numba.njit(cache=True, nogil=True)
def _chain_scores(a_start, b_start, weight, gap_cost):  # type: ignore[no-untyped-def]
    """The chaining dynamic programme: best score ending at each anchor, its predecessor and trim."""
    count = len(weight)
    score = weight.astype(np.float64)
    previous = np.full(count, -1, dtype=np.int64)
    trim = np.zeros(count, dtype=np.int64)
    for k in range(1, count):
        best_gain = 0.0
        for j in range(k):
            a_end, b_end = a_start[j] + weight[j], b_start[j] + weight[j]
            if not (a_start[j] < a_start[k] and b_start[j] < b_start[k]):
                continue
            if not (a_end < a_start[k] + weight[k] and b_end < b_start[k] + weight[k]):
                continue
            overlap = max(0, a_end - a_start[k], b_end - b_start[k])
            if overlap >= weight[k]:
                continue
            gap = max(a_start[k] + overlap - a_end, b_start[k] + overlap - b_end)
            gain = score[j] - gap_cost * gap - overlap
            if gain > best_gain:
                best_gain = gain
                previous[k] = j
                trim[k] = overlap
        score[k] = weight[k] + best_gain
    return score, previous, trim


def chain(found: list[Anchor], *, gap_cost: float = GAP_COST) -> list[Anchor]:
    """The colinear anchors with the best matched length minus gap cost.

    Two anchors may overlap by a few characters (a comma that could match on
    either side of an insertion); the later one is then trimmed, and pays for
    what it loses.
    """
    if not found:
        return []
    if len(found) > MAX_ANCHORS:
        found = sorted(sorted(found, key=lambda m: -m.length)[:MAX_ANCHORS], key=lambda m: (m.a_start, m.b_start))
    a_start = np.array([m.a_start for m in found], dtype=np.int64)
    b_start = np.array([m.b_start for m in found], dtype=np.int64)
    weight = np.array([m.length for m in found], dtype=np.int64)
    score, previous, trim = _chain_scores(a_start, b_start, weight, gap_cost)
    k = int(np.argmax(score))
    picked = []
    while k >= 0:
        cut = int(trim[k])
        picked.append(Anchor(found[k].a_start + cut, found[k].b_start + cut, found[k].length - cut))
        k = int(previous[k])
    return picked[::-1]


_JUNK_GAP = 32
_JUNK_SHARE = 0.3


def _align_gap(a: str, b: str, a_off: int, b_off: int) -> tuple[list[Opcode], bool]:
    if not a and not b:
        return [], False
    if not a:
        return [("insert", a_off, a_off, b_off, b_off + len(b))], False
    if not b:
        return [("delete", a_off, a_off + len(a), b_off, b_off)], False
    head = _common_prefix(a, b)
    tail = _common_prefix(a[head:][::-1], b[head:][::-1])
    if head or tail:
        middle, approximate = _align_gap(a[head : len(a) - tail], b[head : len(b) - tail], a_off + head, b_off + head)
        ops = [("equal", a_off, a_off + head, b_off, b_off + head)] if head else []
        ops += middle
        if tail:
            ops.append(("equal", a_off + len(a) - tail, a_off + len(a), b_off + len(b) - tail, b_off + len(b)))
        return ops, approximate
    found = Levenshtein.opcodes(a, b).as_list() if len(a) * len(b) <= MAX_CELLS else _banded(a, b)
    if found is None:
        return [("replace", a_off, a_off + len(a), b_off, b_off + len(b))], True
    shorter = min(len(a), len(b))
    if shorter > _JUNK_GAP:
        # Two unrelated stretches always share scattered characters (的, 疫情…);
        # a gap whose matches are mostly single characters is one replacement.
        meaningful = sum(i2 - i1 for tag, i1, i2, _, _ in found if tag == "equal" and i2 - i1 >= 2)
        if meaningful < _JUNK_SHARE * shorter:
            return [("replace", a_off, a_off + len(a), b_off, b_off + len(b))], False
    return [(tag, i1 + a_off, i2 + a_off, j1 + b_off, j2 + b_off) for tag, i1, i2, j1, j2 in found], False


def _banded(a: str, b: str) -> list[Opcode] | None:
    """Exact opcodes of two long stretches that differ little, or ``None`` when they differ too much.

    RapidFuzz aligns within a band of the edit distance around the diagonal,
    bit-parallel: time and memory grow with length × distance, not length².
    So a megabyte of one repeated character with two letters changed, or two
    5-million-character files differing in a hundred places, align exactly and
    in linear time. Only when length × distance exceeds ``MAX_BAND_CELLS`` is the
    stretch one replacement, and the alignment says it is approximate.
    """
    longer = max(len(a), len(b))
    budget = MAX_BAND_CELLS // longer
    if abs(len(a) - len(b)) > budget:
        return None
    distance = Levenshtein.distance(a, b, score_cutoff=budget)
    if distance > budget:
        return None
    return Levenshtein.opcodes(a, b, score_hint=max(1, distance)).as_list()


_ISLAND_EQUAL = 64
"""Equal runs at least this long separate islands of edits that are cleaned up apart."""


def _cleanup(ops: list[Opcode], a: str, b: str) -> list[Opcode]:
    """Merge splintered edits (diff-match-patch semantic cleanup), back to opcodes.

    diff-match-patch's cleanup is quadratic in pure Python on a long diff, so it
    runs on each island of edits separately, with up to ``_ISLAND_EQUAL``
    characters of the equal text on either side; long equal runs stay as they are.
    """
    ops = _split_long_equal(merge_opcodes(ops))
    out: list[Opcode] = []
    island: list[Opcode] = []
    for op in ops:
        if op[0] == "equal" and op[2] - op[1] >= _ISLAND_EQUAL:
            if island:
                out.extend(_cleanup_island(island, a, b))
                island = []
            out.append(op)
        else:
            island.append(op)
    if island:
        out.extend(_cleanup_island(island, a, b))
    return merge_opcodes(out)


def _split_long_equal(ops: list[Opcode]) -> list[Opcode]:
    """Cut each long equal run into edge pieces of ``_ISLAND_EQUAL`` and a middle, so islands get context."""
    out: list[Opcode] = []
    edge = _ISLAND_EQUAL - 1
    for index, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag != "equal" or i2 - i1 < 3 * edge:
            out.append((tag, i1, i2, j1, j2))
            continue
        lo = edge if index > 0 else 0
        hi = (i2 - i1) - (edge if index + 1 < len(ops) else 0)
        if lo:
            out.append(("equal", i1, i1 + lo, j1, j1 + lo))
        out.append(("equal", i1 + lo, i1 + hi, j1 + lo, j1 + hi))
        if hi < i2 - i1:
            out.append(("equal", i1 + hi, i2, j1 + hi, j2))
    return out


def _cleanup_island(ops: list[Opcode], a: str, b: str) -> list[Opcode]:
    if all(op[0] == "equal" for op in ops):
        return ops
    diffs: list[tuple[int, str]] = []
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal":
            diffs.append((0, a[i1:i2]))
            continue
        if i2 > i1:
            diffs.append((-1, a[i1:i2]))
        if j2 > j1:
            diffs.append((1, b[j1:j2]))
    diffs = semantic_cleanup(diffs)
    out: list[Opcode] = []
    i, j = ops[0][1], ops[0][3]
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
    return out


def semantic_cleanup(diffs: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """diff-match-patch's ``diff_cleanupSemantic``, its first pass compiled; the same diffs, returned anew.

    The first pass drops each equality no longer than the edits on both sides of it, and looks again at the
    one before after each drop: lengths and kinds only, but quadratic in Python on a splintered island
    (real news: 366 diffs folding into 22 took 12 ms). Then, as the library does, its own merge (when anything
    was dropped) and lossless shifts to word boundaries, and its last pass, which pulls the overlap of a
    deletion and an insertion out as an equality — written out here (it sits inside ``diff_cleanupSemantic``),
    and unlike the library's, never for an overlap of one character. Tests check the result equals the
    library's, given that one rule, on random diffs.

    >>> semantic_cleanup([(0, "ab"), (-1, "c"), (1, "d"), (0, "e"), (-1, "fgh"), (1, "ijk")])
    [(0, 'ab'), (-1, 'cefgh'), (1, 'deijk')]
    """
    if not diffs:
        return diffs
    kinds = np.array([op for op, _ in diffs], dtype=np.int8)
    lengths = np.array([len(text) for _, text in diffs], dtype=np.int64)
    out_kinds, sources, changed = _eliminated_equalities(kinds, lengths)
    cleaned = [(int(op), diffs[source][1]) for op, source in zip(out_kinds.tolist(), sources.tolist())]
    dmp = diff_match_patch()
    if changed:
        dmp.diff_cleanupMerge(cleaned)
    dmp.diff_cleanupSemanticLossless(cleaned)
    _overlaps_pulled_out(dmp, cleaned)
    return cleaned


@numba.njit(cache=True, nogil=True)
def _eliminated_equalities(kinds: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool]:  # pragma: no cover - compiled
    """``diff_cleanupSemantic``'s first pass on kinds (-1 delete, 0 equal, 1 insert) and lengths: the diffs after it,
    as kinds and the index of the input diff whose text each holds, and whether anything changed."""
    n = len(kinds)
    capacity = 2 * n + 1  # each drop inserts one diff; there are at most n equalities to drop
    kind = np.empty(capacity, dtype=np.int8)
    source = np.empty(capacity, dtype=np.int64)
    kind[:n] = kinds
    source[:n] = np.arange(n)
    size = n
    equalities = np.empty(capacity, dtype=np.int64)
    depth = 0
    last = -1  # the source of the last equality seen, -1 for none (the library's ``lastEquality``)
    inserted1 = deleted1 = inserted2 = deleted2 = 0
    changed = False
    pointer = 0
    while pointer < size:
        if kind[pointer] == 0:
            equalities[depth] = pointer
            depth += 1
            inserted1, inserted2 = inserted2, 0
            deleted1, deleted2 = deleted2, 0
            last = source[pointer]
        else:
            if kind[pointer] == 1:
                inserted2 += lengths[source[pointer]]
            else:
                deleted2 += lengths[source[pointer]]
            if (
                last >= 0 and lengths[last] > 0
                and lengths[last] <= max(inserted1, deleted1) and lengths[last] <= max(inserted2, deleted2)
            ):
                at = equalities[depth - 1]
                for k in range(size, at, -1):  # a deletion of the equality's text before it …
                    kind[k] = kind[k - 1]
                    source[k] = source[k - 1]
                size += 1
                kind[at] = -1
                source[at] = last
                kind[at + 1] = 1  # … and the equality itself an insertion
                depth -= 1
                if depth:
                    depth -= 1
                pointer = equalities[depth - 1] if depth else -1
                inserted1 = deleted1 = inserted2 = deleted2 = 0
                last = -1
                changed = True
        pointer += 1
    return kind[:size].copy(), source[:size].copy(), changed


_MIN_OVERLAP = 2
"""Shortest overlap of a deletion and an insertion kept as an equality: one shared character is not a shared
word (获取 → 取得 is one reworded word, not 获 deleted, 取 kept, 得 inserted)."""


def _overlaps_pulled_out(dmp: diff_match_patch, diffs: list[tuple[int, str]]) -> None:
    """``diff_cleanupSemantic``'s last pass, as the library writes it but for one character: a deletion and an
    insertion that overlap by at least half of one of them, and by ``_MIN_OVERLAP`` characters, keep the overlap
    as an equality (``<del>abcxxx</del><ins>xxxdef</ins>``)."""
    pointer = 1
    while pointer < len(diffs):
        if diffs[pointer - 1][0] == dmp.DIFF_DELETE and diffs[pointer][0] == dmp.DIFF_INSERT:
            deletion, insertion = diffs[pointer - 1][1], diffs[pointer][1]
            overlap1 = _overlap(dmp, deletion, insertion)
            overlap2 = _overlap(dmp, insertion, deletion)
            if overlap1 >= overlap2:
                if overlap1 >= len(deletion) / 2.0 or overlap1 >= len(insertion) / 2.0:
                    diffs.insert(pointer, (dmp.DIFF_EQUAL, insertion[:overlap1]))
                    diffs[pointer - 1] = (dmp.DIFF_DELETE, deletion[: len(deletion) - overlap1])
                    diffs[pointer + 1] = (dmp.DIFF_INSERT, insertion[overlap1:])
                    pointer += 1
            elif overlap2 >= len(deletion) / 2.0 or overlap2 >= len(insertion) / 2.0:
                diffs.insert(pointer, (dmp.DIFF_EQUAL, deletion[:overlap2]))
                diffs[pointer - 1] = (dmp.DIFF_INSERT, insertion[: len(insertion) - overlap2])
                diffs[pointer + 1] = (dmp.DIFF_DELETE, deletion[overlap2:])
                pointer += 1
            pointer += 1
        pointer += 1


def _overlap(dmp: diff_match_patch, first: str, second: str) -> int:
    overlap: int = dmp.diff_commonOverlap(first, second)
    return overlap if overlap >= _MIN_OVERLAP else 0


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


def alignment(
    a: str,
    b: str,
    *,
    shingle: int = DEFAULT_SHINGLE,
    gap_cost: float = GAP_COST,
    prepared: tuple[Prepared, Prepared] | None = None,
) -> Alignment:
    """Align two normalized texts; see the module docstring for the method (``prepared`` as for :func:`anchors`)."""
    found = anchors(a, b, shingle=shingle, prepared=prepared)
    picked = chain(found, gap_cost=gap_cost)
    if not picked:
        ops, approximate = _align_gap(a, b, 0, 0)
        return Alignment(_cleanup(ops, a, b), [], found, approximate)
    first, last = picked[0], picked[-1]
    # Flanks before the first and after the last anchor are aligned only when
    # both sides have text of comparable size; otherwise one side simply goes
    # on where the other stops (a page around an article, a cut-off tail) and
    # stays out of the cleanup, which would otherwise swallow the edge anchors.
    head, head_aligned, head_approx = _flank(a[: first.a_start], b[: first.b_start], 0, 0, at_end=False)
    tail, tail_aligned, tail_approx = _flank(
        a[last.a_end :], b[last.b_end :], last.a_end, last.b_end, at_end=True
    )
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


def _common_prefix(a: str, b: str) -> int:
    n = 0
    limit = min(len(a), len(b))
    while n < limit and a[n] == b[n]:
        n += 1
    return n


def _flank(a: str, b: str, a_off: int, b_off: int, *, at_end: bool) -> tuple[list[Opcode], bool, bool]:
    """Opcodes for the text before the first (or after the last) anchor.

    Returns the opcodes, whether they are an alignment (to be cleaned up with
    the rest) and whether it is approximate. The edge of the texts is common
    ground: what both texts end (or start) with is matched first.
    """
    edge = _common_prefix(a[::-1], b[::-1]) if at_end else _common_prefix(a, b)
    if at_end:
        inner_a, inner_b = a[: len(a) - edge], b[: len(b) - edge]
        inner_off_a, inner_off_b = a_off, b_off
        edge_op = ("equal", a_off + len(inner_a), a_off + len(a), b_off + len(inner_b), b_off + len(b))
    else:
        inner_a, inner_b = a[edge:], b[edge:]
        inner_off_a, inner_off_b = a_off + edge, b_off + edge
        edge_op = ("equal", a_off, a_off + edge, b_off, b_off + edge)
    edge_ops = [edge_op] if edge else []
    shorter, longer = sorted((len(inner_a), len(inner_b)))
    if edge or (shorter and longer <= 3 * shorter + 20):
        ops, approximate = _align_gap(inner_a, inner_b, inner_off_a, inner_off_b)
        return (ops + edge_ops if at_end else edge_ops + ops), True, approximate
    ops: list[Opcode] = []
    if a:
        ops.append(("delete", a_off, a_off + len(a), b_off, b_off))
    if b:
        ops.append(("insert", a_off + len(a), a_off + len(a), b_off, b_off + len(b)))
    return ops, False, False


# Placing the edits: where an editor would draw them, and where they lie in the original texts.

_CHUNK = 2000
"""Longest equal run handed to the cosmetic diff in one piece."""


@dataclass(frozen=True, slots=True)
class Segment:
    """One opcode on both the normalized texts and the original ones (``a_orig``, ``b_orig``)."""

    tag: str
    a: tuple[int, int]  # normalized
    b: tuple[int, int]
    a_orig: tuple[int, int]
    b_orig: tuple[int, int]
    flank: bool = False
    furniture: bool = False


_LATIN_CHAR = re.compile(r"[0-9a-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff]")
_LATIN_WORD = re.compile(_LATIN_CHAR.pattern + "+")


_TOKEN_REACH = 32
"""Characters either side of an edit searched for the number or word it belongs to."""


def _token_reach(text: str, pos: int) -> tuple[int, int]:
    """How far the numbers, dates and Latin words holding the character at ``pos`` stick out left and right.

    Tokens are found whole in a window of ``_TOKEN_REACH`` characters either side; a run that reaches
    the window's edge is longer than any word (``abcabc…`` repeated, a line of digits): no token to grow
    an edit to.
    """
    if not _in_token(text[pos]):
        return 0, 0
    start = max(0, pos - _TOKEN_REACH)
    stop = min(len(text), pos + 1 + _TOKEN_REACH)
    window = text[start:stop]
    at = pos - start
    left = right = 0
    for pattern in (NUMBER, _LATIN_WORD):
        for match in pattern.finditer(window):
            first, last = match.span()
            if first > at:
                break
            if last > at and (first > 0 or start == 0) and (last < len(window) or stop == len(text)):
                left, right = max(left, at - first), max(right, last - at - 1)
    return left, right


def _in_token(char: str) -> bool:
    """Can ``char`` be part of a number, date or Latin word? (Most changed characters of Chinese text cannot.)"""
    return NUMBER_CHAR.match(char) is not None or _LATIN_CHAR.match(char) is not None


def _edge_reach(text: str, lo: int, hi: int) -> tuple[int, int]:
    """How far the tokens under the first and the last changed character stick out."""
    if hi <= lo:
        return 0, 0
    return _token_reach(text, lo)[0], _token_reach(text, hi - 1)[1]


def _widened(ops: list[Opcode], a: str, b: str) -> list[Opcode]:
    """Grow each edit that touches a number, date or Latin word to the whole token on both sides."""
    rows = [list(op) for op in ops]
    for k, op in enumerate(rows):
        if op[0] == "equal":
            continue
        left_a, right_a = _edge_reach(a, op[1], op[2])
        left_b, right_b = _edge_reach(b, op[3], op[4])
        left, right = max(left_a, left_b), max(right_a, right_b)
        if left and k > 0 and rows[k - 1][0] == "equal":
            prev = rows[k - 1]
            grow = min(left, prev[2] - prev[1])
            prev[2] -= grow
            prev[4] -= grow
            op[1] -= grow
            op[3] -= grow
        if right and k + 1 < len(rows) and rows[k + 1][0] == "equal":
            nxt = rows[k + 1]
            grow = min(right, nxt[2] - nxt[1])
            nxt[1] += grow
            nxt[3] += grow
            op[2] += grow
            op[4] += grow
        op[0] = "replace" if op[1] < op[2] and op[3] < op[4] else op[0]
    return merge_opcodes([tuple(op) for op in rows])  # type: ignore[misc]


_SENTENCE_END = frozenset("。！？!?.;；")


def _boundary(text: str, pos: int) -> int:
    """How good a place ``pos`` is for an edit to start or end: 0 inside a word … 5 at a line or text edge."""
    if pos <= 0 or pos >= len(text):
        return 5
    left, right = text[pos - 1], text[pos]
    if left == "\n" or right == "\n":
        return 5
    if left in _SENTENCE_END:
        return 4
    if only_punctuation(left) and not left.isspace() or only_punctuation(right) and not right.isspace():
        return 3
    if left.isspace() or right.isspace():
        return 2
    return 1 if not (left.isalnum() and right.isalnum()) else 0


def _slid(ops: list[Opcode], a: str, b: str) -> list[Opcode]:
    """Each insertion or deletion that could sit at several places, put where an editor puts it.

    A run inserted next to text it repeats can slide (疫情防[控防]治 / 疫情[防控]防治);
    it is placed at the best word, clause or line boundary, and among equals as far
    left as it goes, so the run reads as the editor typed it: insertion ``防控``.
    """
    rows = [list(op) for op in ops]
    for k in range(1, len(rows) - 1):
        tag, i1, i2, j1, j2 = rows[k]
        before, after = rows[k - 1], rows[k + 1]
        if tag not in ("insert", "delete") or before[0] != "equal" or after[0] != "equal":
            continue
        text, lo, hi = (b, j1, j2) if tag == "insert" else (a, i1, i2)
        left = 0
        while left < before[2] - before[1] and text[lo - left - 1] == text[hi - left - 1]:
            left += 1
        right = 0
        while right < after[2] - after[1] and text[lo + right] == text[hi + right]:
            right += 1
        if not (left or right):
            continue
        best = max(range(-left, right + 1), key=lambda s: (_boundary(text, lo + s) + _boundary(text, hi + s), -s))
        if best:
            before[2] += best
            before[4] += best
            after[1] += best
            after[3] += best
            rows[k] = [tag, i1 + best, i2 + best, j1 + best, j2 + best]
    return merge_opcodes([tuple(row) for row in rows])  # type: ignore[misc]


def placed(ops: list[Opcode], a: str, b: str) -> list[Opcode]:
    """The opcodes as an editor would draw them: each insertion or deletion that could sit at several
    places put at the best boundary, and each edit that touches a number, date or Latin word grown to
    the whole token on both sides.

    >>> placed([("equal", 0, 3, 0, 3), ("insert", 3, 3, 3, 5), ("equal", 3, 4, 5, 6)], "疫情防治", "疫情防控防治")
    [('equal', 0, 2, 0, 2), ('insert', 2, 2, 2, 4), ('equal', 2, 4, 4, 6)]
    """
    return _widened(_slid(ops, a, b), a, b)


def chunked(ops: list[Opcode], marked: set[int]) -> tuple[list[Opcode], set[int]]:
    """Long equal runs cut into pieces, so the cosmetic diff inside each stays small (``marked`` indexes follow)."""
    out: list[Opcode] = []
    still_marked: set[int] = set()
    for index, (tag, i1, i2, j1, j2) in enumerate(ops):
        if index in marked:
            still_marked.add(len(out))
        if tag != "equal" or i2 - i1 <= _CHUNK:
            out.append((tag, i1, i2, j1, j2))
            continue
        for start in range(0, i2 - i1, _CHUNK):
            stop = min(start + _CHUNK, i2 - i1)
            out.append(("equal", i1 + start, i1 + stop, j1 + start, j1 + stop))
    return out, still_marked


def segments(
    na: Normalized,
    nb: Normalized,
    ops: list[Opcode],
    *,
    regions: tuple[tuple[int, int], tuple[int, int]] | None,
    furniture: set[int],
) -> list[Segment]:
    """Original spans for each opcode; layout between texts goes to equal segments.

    An insertion or deletion wholly outside ``regions`` (the normalized spans the
    chain covers) at a text's start or end is a ``flank``; the opcodes numbered in
    ``furniture`` are marked so.
    """
    flanks = {index for index, op in enumerate(ops) if regions and _is_flank(op, regions, len(na.text), len(nb.text))}

    def starts(norm: Normalized, lo: int) -> int:
        return int(norm.offsets[lo]) if lo < len(norm.text) else len(norm.original)

    def ends(norm: Normalized, hi: int) -> int:
        return norm.end(hi - 1) if hi > 0 else 0

    segments: list[Segment] = []
    a_pos = starts(na, 0) if na.text else 0
    b_pos = starts(nb, 0) if nb.text else 0
    segments.append(Segment("equal", (0, 0), (0, 0), (0, a_pos), (0, b_pos)))
    for index, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag == "equal":
            next_edit = index + 1 < len(ops)
            a_end = starts(na, i2) if next_edit else ends(na, i2)
            b_end = starts(nb, j2) if next_edit else ends(nb, j2)
        else:
            a_end = ends(na, i2) if i2 > i1 else a_pos
            b_end = ends(nb, j2) if j2 > j1 else b_pos
        a_end, b_end = max(a_end, a_pos), max(b_end, b_pos)
        segments.append(
            Segment(tag, (i1, i2), (j1, j2), (a_pos, a_end), (b_pos, b_end), index in flanks, index in furniture)
        )
        a_pos, b_pos = a_end, b_end
    n_a, n_b = len(na.text), len(nb.text)
    segments.append(Segment("equal", (n_a, n_a), (n_b, n_b), (a_pos, len(na.original)), (b_pos, len(nb.original))))
    return segments


def _is_flank(op: Opcode, regions: tuple[tuple[int, int], tuple[int, int]], length_a: int, length_b: int) -> bool:
    tag, i1, i2, j1, j2 = op
    (a_lo, a_hi), (b_lo, b_hi) = regions
    if tag == "delete":
        return (i1 == 0 and i2 <= a_lo) or (i2 == length_a and i1 >= a_hi)
    if tag == "insert":
        return (j1 == 0 and j2 <= b_lo) or (j2 == length_b and j1 >= b_hi)
    return False
