"""find_versions streams its input: texts go to a temporary file, are read back exactly, and the file goes away."""

from __future__ import annotations

import pickle
import tempfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from textversions import find_versions
from textversions.errors import DuplicateId
from textversions.spill import SpilledTexts

texts = st.lists(st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=60), max_size=20)


@given(texts)
def test_spilled_texts_read_back_exactly_here_and_in_a_copy(values):  # type: ignore[no-untyped-def]
    with SpilledTexts() as store:
        store.extend(values)
        store.flush()
        assert [store[n] for n in range(len(store))] == values
        assert store.lengths == [len(v) for v in values]
        copy = pickle.loads(pickle.dumps(store))  # what a worker process receives: the file name and offsets
        assert [copy[n] for n in range(len(copy))] == values
        copy.close()  # a copy never deletes the file
        assert [store[n] for n in range(len(store))] == values


def _stream(seeds):  # type: ignore[no-untyped-def]
    yield from seeds.items()


@pytest.mark.parametrize("workers", [1, 2])
def test_a_generator_gives_the_answer_a_dict_gives_and_leaves_no_file(seeds, tmp_path, monkeypatch, workers):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    streamed = find_versions(_stream(seeds), workers=workers)
    assert streamed.to_json() == find_versions(seeds).to_json()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("workers", [1, 2])
def test_an_error_mid_stream_names_the_document_and_leaves_no_file(seeds, tmp_path, monkeypatch, workers):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    docs = [(f"d{n}", text) for n, text in enumerate(seeds.values())] * 40  # ids repeat after the fifth
    with pytest.raises(DuplicateId, match="'d0'"):
        find_versions(iter(docs), workers=workers)
    assert list(tmp_path.iterdir()) == []


def test_progress_counts_a_stream_whose_length_is_unknown(seeds):  # type: ignore[no-untyped-def]
    calls = []
    find_versions(_stream(seeds), progress=lambda stage, done, total: calls.append((stage, done, total)))
    sketched = [(done, total) for stage, done, total in calls if stage == "sketch"]
    assert sketched[-1] == (5, 5)
    assert calls[-1][0] == "align" and calls[-1][1] == calls[-1][2]


def _read_all(store: SpilledTexts) -> list[str]:
    return [store[n] for n in range(len(store))]


def test_a_spawned_process_reads_the_nameless_file(tmp_path):  # type: ignore[no-untyped-def]
    import multiprocessing

    with SpilledTexts() as store:
        store.extend(["党组织", "主心骨 𠀀", ""])
        store.flush()
        with multiprocessing.get_context("spawn").Pool(1) as pool:
            assert pool.apply(_read_all, (store,)) == ["党组织", "主心骨 𠀀", ""]
