"""The archive's bucket index: sorted runs of ``(key, document)`` rows in SQLite, each behind a Bloom filter.

An archive of 100,000 documents holds about 50 million LSH keys, and a day's
batch brings a million new ones, spread at random over the key space. Kept as one
B-tree keyed by key, every batch would touch (and SQLite rewrite) nearly every page
of it. Kept as runs — a batch's rows sorted and written once, in blocks, at the end
of the file — a batch writes only its own rows; runs are merged when a newer one
grows to a quarter of the one before (each row is rewritten a few times in all) — within an append
only while that is cheap; the large merges wait for :meth:`KeyRuns.compact` (``archive compact``,
at a quiet hour) unless runs pile up.
Finding the rows of a million keys reads each run's Bloom filter and fences (first
key of each block) and then only the blocks that may hold one of them.

>>> import sqlite3
>>> db = sqlite3.connect(":memory:", isolation_level=None)
>>> runs = KeyRuns(db)
>>> runs.create()
>>> runs.append(np.array([5, 9, 5], dtype=np.int64), np.array([1, 1, 2], dtype=np.int64))
>>> [a.tolist() for a in runs.members(np.array([5, 7], dtype=np.int64))]
[[5, 5], [1, 2]]
"""

from __future__ import annotations

import json
import sqlite3

import numpy as np

from .shingle import distinct

__all__ = ["KeyRuns", "among"]

BLOCK = 32
"""Rows per block: a block (384 bytes) is read whole for any key in it, so blocks are small."""
_BITS_PER_KEY = 10
"""With three probes: about 1.7% of the keys a run does not hold pass its filter."""
_PROBES = (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9)
"""Odd multipliers: probe ``i`` of a key is the top bits of ``key * _PROBES[i]`` (keys are already random)."""
_GROWTH = 4
"""A run is merged into the one before it once it holds a quarter as many rows."""
_MERGE_IN_APPEND = 4
"""An append merges runs only while the merge rewrites at most this many times the rows it adds."""
_MAX_RUNS = 24
"""More runs than this are merged whatever the cost: each run costs every lookup a filter probe."""

_SCHEMA = (
    """CREATE TABLE key_runs(
        run INTEGER PRIMARY KEY,
        size INTEGER NOT NULL,
        first_block INTEGER NOT NULL,
        blocks INTEGER NOT NULL,
        fences BLOB NOT NULL,       -- first key of each block, int64
        bloom BLOB NOT NULL,        -- 2**bloom_bits bits
        bloom_bits INTEGER NOT NULL
    )""",
    "CREATE TABLE key_blocks(block INTEGER PRIMARY KEY, keys BLOB NOT NULL, owners BLOB NOT NULL)",
)
TABLES = ("key_runs", "key_blocks")


class KeyRuns:
    """Rows ``(key, owner)`` — an LSH bucket key and a document number — in runs inside an open SQLite database.

    The caller holds the transaction: every method reads or writes inside it.
    """

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def create(self) -> None:
        """Create the tables (in a new archive)."""
        for statement in _SCHEMA:
            self._db.execute(statement)

    def append(self, keys: np.ndarray, owners: np.ndarray) -> None:
        """Add rows (each ``(key, owner)`` at most once, none already kept) as a new run; merge the runs that
        grew, as long as the merge costs no more than rewriting ``_MERGE_IN_APPEND`` times the new rows (the
        larger merges wait for :meth:`compact`, or for ``_MAX_RUNS`` runs)."""
        if len(keys):
            order = np.lexsort((owners, keys))
            self._write(keys[order], owners[order])
        self._merge(budget=_MERGE_IN_APPEND * max(1, len(keys)))

    def compact(self) -> int:
        """Merge the runs that grew, however large (a quiet hour's work); how many runs are left."""
        self._merge(budget=None)
        return int(self._db.execute("SELECT count(*) FROM key_runs").fetchone()[0])

    def _merge(self, *, budget: int | None) -> None:
        runs = self._db.execute("SELECT run, size FROM key_runs ORDER BY run").fetchall()
        while len(runs) >= 2 and (
            len(runs) > _MAX_RUNS
            or (runs[-2][1] <= _GROWTH * runs[-1][1] and (budget is None or runs[-2][1] + runs[-1][1] <= budget))
        ):
            if len(runs) > _MAX_RUNS and not runs[-2][1] <= _GROWTH * runs[-1][1]:
                # Too many runs: the two smallest neighbours go together.
                at = min(range(len(runs) - 1), key=lambda n: runs[n][1] + runs[n + 1][1])
            else:
                at = len(runs) - 2
            (older, _), (newer, _) = runs[at], runs[at + 1]
            keys, owners = _merged(self._rows_of([older]), self._rows_of([newer]))
            self._drop([older, newer])
            self._write(keys, owners, run=older)
            runs = self._db.execute("SELECT run, size FROM key_runs ORDER BY run").fetchall()

    def members(self, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every row whose key is in ``wanted`` (sorted, distinct): ``(keys, owners)``, sorted by key, then owner."""
        found_keys, found_owners = [], []
        for _, first_block, fences_blob, bloom, bloom_bits in self._db.execute(
            "SELECT run, first_block, fences, bloom, bloom_bits FROM key_runs ORDER BY run"
        ).fetchall():
            maybe = wanted[_bloom_holds(np.frombuffer(bloom, dtype=np.uint8), bloom_bits, wanted)]
            if not len(maybe):
                continue
            fences = np.frombuffer(fences_blob, dtype="<i8")
            # A key's rows lie in the blocks from the last one starting below it to the last one starting at or below it.
            low = np.maximum(np.searchsorted(fences, maybe, "left") - 1, 0)
            high = np.maximum(np.searchsorted(fences, maybe, "right") - 1, 0)
            blocks = distinct(np.repeat(low, high - low + 1) + _ramps(high - low + 1)) + first_block
            keys, owners = self._blocks(blocks.tolist())
            # The blocks of a run, in order, hold its keys in order: each wanted key's rows are one stretch.
            starts, ends = np.searchsorted(keys, maybe, "left"), np.searchsorted(keys, maybe, "right")
            hit = np.repeat(starts, ends - starts) + _ramps(ends - starts)
            found_keys.append(keys[hit].astype(np.int64))
            found_owners.append(owners[hit].astype(np.int64))
        if not found_keys:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        keys, owners = np.concatenate(found_keys), np.concatenate(found_owners)
        order = np.lexsort((owners, keys))
        return keys[order], owners[order]

    def remove(self, keys: np.ndarray, gone: np.ndarray) -> None:
        """Remove the rows of documents ``gone`` (their keys are ``keys``): the blocks holding them are rewritten."""
        wanted, gone = distinct(keys), distinct(gone)
        for run, first_block, fences_blob in self._db.execute("SELECT run, first_block, fences FROM key_runs").fetchall():
            fences = np.frombuffer(fences_blob, dtype="<i8")
            low = np.maximum(np.searchsorted(fences, wanted, "left") - 1, 0)
            high = np.maximum(np.searchsorted(fences, wanted, "right") - 1, 0)
            removed = 0
            for block in (distinct(np.repeat(low, high - low + 1) + _ramps(high - low + 1)) + first_block).tolist():
                block_keys, block_owners = self._blocks([block])
                keep = ~among(block_owners.astype(np.int64), gone)
                if not keep.all():
                    removed += int((~keep).sum())
                    self._db.execute(
                        "UPDATE key_blocks SET keys = ?, owners = ? WHERE block = ?",
                        (block_keys[keep].astype("<i8").tobytes(), block_owners[keep].astype("<i4").tobytes(), block),
                    )
            if removed:
                self._db.execute("UPDATE key_runs SET size = size - ? WHERE run = ?", (removed, run))

    def rows(self) -> tuple[np.ndarray, np.ndarray]:
        """Every row kept (to check an archive): ``(keys, owners)``, sorted."""
        runs = [row[0] for row in self._db.execute("SELECT run FROM key_runs")]
        keys, owners = self._rows_of(runs)
        order = np.lexsort((owners, keys))
        return keys[order], owners[order]

    def _write(self, keys: np.ndarray, owners: np.ndarray, *, run: int | None = None) -> None:
        """A new run of sorted rows; ``run``: its number (a merge takes the older one's place in the order)."""
        start = int(self._db.execute("SELECT coalesce(max(block), -1) + 1 FROM key_blocks").fetchone()[0])
        cuts = range(0, len(keys), BLOCK)
        key_bytes, owner_bytes = keys.astype("<i8").tobytes(), owners.astype("<i4").tobytes()  # cut below, block by block
        self._db.executemany(
            "INSERT INTO key_blocks VALUES (?, ?, ?)",
            ((start + n, key_bytes[8 * cut : 8 * (cut + BLOCK)], owner_bytes[4 * cut : 4 * (cut + BLOCK)]) for n, cut in enumerate(cuts)),
        )
        bits = max(13, int(np.ceil(np.log2(_BITS_PER_KEY * max(1, len(keys))))))
        self._db.execute(
            "INSERT INTO key_runs(run, size, first_block, blocks, fences, bloom, bloom_bits) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (run, len(keys), start, len(cuts), keys[::BLOCK].astype("<i8").tobytes(), _bloom(distinct(keys), bits), bits),
        )

    def _drop(self, runs: list[int]) -> None:
        for run in runs:
            first, count = self._db.execute("SELECT first_block, blocks FROM key_runs WHERE run = ?", (run,)).fetchone()
            self._db.execute("DELETE FROM key_blocks WHERE block >= ? AND block < ?", (first, first + count))
            self._db.execute("DELETE FROM key_runs WHERE run = ?", (run,))

    def _rows_of(self, runs: list[int]) -> tuple[np.ndarray, np.ndarray]:
        keys, owners = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
        for run in runs:
            first, count = self._db.execute("SELECT first_block, blocks FROM key_runs WHERE run = ?", (run,)).fetchone()
            found = self._db.execute("SELECT keys, owners FROM key_blocks WHERE block >= ? AND block < ? ORDER BY block", (first, first + count))
            rows = found.fetchall()
            keys.append(np.frombuffer(b"".join(row[0] for row in rows), dtype="<i8").astype(np.int64))
            owners.append(np.frombuffer(b"".join(row[1] for row in rows), dtype="<i4").astype(np.int64))
        return np.concatenate(keys), np.concatenate(owners)

    def _blocks(self, blocks: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """The rows of ``blocks`` (sorted), block after block: ``(keys, owners)`` as stored (``<i8``, ``<i4``)."""
        rows = self._db.execute(
            "SELECT b.block, b.keys, b.owners FROM json_each(?) j JOIN key_blocks b ON b.block = j.value", (json.dumps(blocks),)
        ).fetchall()
        rows.sort()  # (SQL promises no order without ORDER BY; they come in order, so this costs little)
        keys = np.frombuffer(b"".join(row[1] for row in rows), dtype="<i8")
        owners = np.frombuffer(b"".join(row[2] for row in rows), dtype="<i4")
        return keys, owners


def among(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """Which ``values`` are in ``sorted_set`` (sorted, distinct): a binary search each.

    >>> among(np.array([3, 4]), np.array([1, 3])).tolist()
    [True, False]
    """
    if not len(sorted_set):
        return np.zeros(len(values), dtype=bool)
    position = np.minimum(np.searchsorted(sorted_set, values), len(sorted_set) - 1)
    return sorted_set[position] == values


def _merged(older: tuple[np.ndarray, np.ndarray], newer: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Two runs as one, sorted by key, then owner: a newer run's owners are all above an older one's (documents
    are numbered as they are added), so each newer row goes after the older rows of its key — one pass, no sort."""
    (old_keys, old_owners), (new_keys, new_owners) = older, newer
    places = np.searchsorted(old_keys, new_keys, "right") + np.arange(len(new_keys))
    keys = np.empty(len(old_keys) + len(new_keys), dtype=np.int64)
    owners = np.empty(len(keys), dtype=np.int64)
    from_new = np.zeros(len(keys), dtype=bool)
    from_new[places] = True
    keys[places], owners[places] = new_keys, new_owners
    keys[~from_new], owners[~from_new] = old_keys, old_owners
    return keys, owners


def _ramps(lengths: np.ndarray) -> np.ndarray:
    """``0 … n-1`` for each ``n`` of ``lengths``, one after the other."""
    total = int(lengths.sum())
    if not total:
        return np.zeros(0, np.int64)
    starts = np.repeat(np.cumsum(lengths) - lengths, lengths)
    return np.arange(total) - starts


def _probes(keys: np.ndarray, bits: int) -> list[np.ndarray]:
    unsigned = keys.view(np.uint64)
    shift = np.uint64(64 - bits)
    with np.errstate(over="ignore"):
        return [(unsigned * np.uint64(multiplier)) >> shift for multiplier in _PROBES]


def _bloom(keys: np.ndarray, bits: int) -> bytes:
    """A Bloom filter of ``keys`` with ``2**bits`` bits, packed little-endian."""
    filled = np.zeros(1 << bits, dtype=bool)
    for start in range(0, len(keys), 1 << 22):
        for probe in _probes(keys[start : start + (1 << 22)], bits):
            filled[probe] = True
    return np.packbits(filled, bitorder="little").tobytes()


def _bloom_holds(bloom: np.ndarray, bits: int, keys: np.ndarray) -> np.ndarray:
    """Which ``keys`` the filter may hold (a few it does not; never misses one it does)."""
    held = np.ones(len(keys), dtype=bool)
    for probe in _probes(keys, bits):
        held &= (bloom[probe >> np.uint64(3)] >> (probe & np.uint64(7)).astype(np.uint8)) & 1 == 1
    return held
