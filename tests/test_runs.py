"""The archive's key runs behave as a plain set of (key, document) rows: appended, merged, removed, found."""

from __future__ import annotations

import sqlite3

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from textversions.runs import KeyRuns

keys_strategy = st.lists(st.integers(-(2**63), 2**63 - 1) | st.integers(-5, 5), min_size=0, max_size=60)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(keys_strategy, st.booleans()), min_size=1, max_size=8), st.data())
def test_runs_hold_exactly_the_rows_given(batches, data):
    db = sqlite3.connect(":memory:", isolation_level=None)
    runs = KeyRuns(db)
    runs.create()
    model: set[tuple[int, int]] = set()
    owner = 0
    for keys, remove_one in batches:
        rows = set()
        for key in keys:  # each document's keys distinct, documents numbered as they come
            owner += 1
            rows |= {(key, owner), (key ^ 1, owner)}
        runs.append(np.array([k for k, _ in rows], dtype=np.int64), np.array([o for _, o in rows], dtype=np.int64))
        model |= rows
        if remove_one and model:
            gone = data.draw(st.sampled_from(sorted({o for _, o in model})))
            mine = np.array([k for k, o in model if o == gone], dtype=np.int64)
            runs.remove(mine, np.array([gone], dtype=np.int64))
            model = {(k, o) for k, o in model if o != gone}
        if remove_one and owner % 3 == 0:
            runs.compact()
        keys_held, owners_held = runs.rows()
        assert sorted(zip(keys_held.tolist(), owners_held.tolist())) == sorted(model)
        wanted = np.unique(np.array([k for k, _ in model] + [7, 2**40], dtype=np.int64))
        found_keys, found_owners = runs.members(wanted)
        assert list(zip(found_keys.tolist(), found_owners.tolist())) == sorted(model)


def test_many_rows_of_one_key_span_blocks_and_are_all_found():
    db = sqlite3.connect(":memory:", isolation_level=None)
    runs = KeyRuns(db)
    runs.create()
    for start in range(0, 400, 100):  # one bucket of 400 documents over runs that merge
        owners = np.arange(start, start + 100, dtype=np.int64)
        runs.append(np.r_[np.full(100, 42), owners * 1000].astype(np.int64), np.r_[owners, owners])
    keys, owners = runs.members(np.array([42], dtype=np.int64))
    assert owners.tolist() == list(range(400)) and set(keys.tolist()) == {42}
    assert db.execute("SELECT count(*) FROM key_runs").fetchone()[0] < 4  # merged
