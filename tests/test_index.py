"""The sketch index: save, reopen, extend; same answers; corrupt and foreign files refused."""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from textversions import DuplicateId, InvalidIndex, SketchIndex
from textversions.planting import paragraphs
from textversions.io import seed_corpus
from conftest import PAGE, WEB

PARAGRAPHS = paragraphs([text for _, text in seed_corpus()])


def test_page_finds_the_web_article(seeds):
    index = SketchIndex()
    index.add({doc_id: text for doc_id, text in seeds.items() if doc_id != WEB})
    assert index.query(seeds[WEB])[0][0] == PAGE


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(PARAGRAPHS), min_size=1, max_size=8, unique=True), st.data())
def test_save_load_extend_same_answers(tmp_path, docs, data):
    today = {f"d{n}": text for n, text in enumerate(docs)}
    index = SketchIndex(window=20)
    index.add(today)
    queries = [data.draw(st.sampled_from(PARAGRAPHS)) for _ in range(3)]
    path = tmp_path / "index.npz"
    index.save(path)
    reopened = SketchIndex.load(path)
    assert reopened.ids == index.ids and reopened.options == index.options
    for query in queries:
        assert reopened.query(query) == index.query(query)
    tomorrow = data.draw(st.sampled_from(PARAGRAPHS))
    index.add({"tomorrow": tomorrow})
    reopened.add({"tomorrow": tomorrow})
    assert reopened.query(tomorrow) == index.query(tomorrow)
    assert ("tomorrow", reopened.query(tomorrow)[0][1]) in reopened.query(tomorrow)


def test_duplicate_ids_refused():
    index = SketchIndex()
    index.add({"a": "越是风急浪骤越需中流砥柱"})
    with pytest.raises(DuplicateId):
        index.add({"a": "again"})


def test_corrupt_and_foreign_files(tmp_path):
    index = SketchIndex()
    index.add({"a": "越是风急浪骤越需中流砥柱关键时刻生死关头"})
    good = tmp_path / "good.npz"
    index.save(good)
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(good.read_bytes()[:100])
    garbage = tmp_path / "garbage.npz"
    garbage.write_bytes(b"not an index at all")
    foreign = tmp_path / "foreign.npz"
    np.savez(foreign, weights=np.arange(3))
    pickled = tmp_path / "pickled.npz"
    np.savez(pickled, header=np.array([{"format": "textversions-sketch-index"}], dtype=object))
    for path in (truncated, garbage, foreign, pickled, tmp_path / "missing.npz"):
        with pytest.raises(InvalidIndex, match=path.name):
            SketchIndex.load(path)
    assert SketchIndex.load(good).query("越是风急浪骤越需中流砥柱关键时刻生死关头")[0][0] == "a"


def test_wrong_version_is_named(tmp_path):
    buffer = io.BytesIO()
    header = b'{"format": "textversions-sketch-index", "version": 99, "options": {}}'
    np.savez(buffer, header=np.frombuffer(header, dtype=np.uint8), ids=np.frombuffer(b"[]", dtype=np.uint8),
             keys=np.zeros(0, dtype=np.uint64), owners=np.zeros(0, dtype=np.int64))
    path = tmp_path / "future.npz"
    path.write_bytes(buffer.getvalue())
    assert zipfile.is_zipfile(path)
    with pytest.raises(InvalidIndex, match="version 99"):
        SketchIndex.load(path)


def test_buckets_refuse_counts_that_do_not_add_up():
    from textversions import InvalidInput
    from textversions.candidates import Buckets

    buckets = Buckets()
    with pytest.raises(InvalidInput, match="counts add up to 3 keys, got 2"):
        buckets.add(np.array([1, 2]), np.array([1, 2], dtype=np.uint64))
    assert len(buckets) == 0  # nothing half-added


def test_judgement_with_edits_is_compare(seeds):
    from textversions import Options, compare
    from textversions.compare import judge
    from textversions.shingle import prepare

    options = Options()
    found = judge(prepare(seeds[PAGE], options), prepare(seeds[WEB], options), options)
    assert found.relation == "contains"
    assert found.with_edits() == compare(seeds[PAGE], seeds[WEB])
    backwards = found.transposed().with_edits()  # read from the article, without aligning again
    assert backwards.relation == "contained_by"
    assert backwards.apply(seeds[WEB]) == seeds[PAGE]


def _saved_without(path, option):  # type: ignore[no-untyped-def]
    """Rewrite a saved index's header as a release before ``option`` wrote it: without that option."""
    with np.load(path, allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in archive.files}
    header = json.loads(arrays["header"].tobytes())
    del header["options"][option]
    arrays["header"] = np.frombuffer(json.dumps(header).encode("utf-8"), dtype=np.uint8)
    np.savez(path, **arrays)


def test_an_index_saved_before_word_shingles_keeps_sketching_by_character(tmp_path):
    english = "The Federal Reserve entered the U.S. Government securities market to arrange customer repurchases."
    old = SketchIndex(word_shingles=False)
    old.add({"fed": english})
    path = tmp_path / "old.npz"
    old.save(path)
    _saved_without(path, "word_shingles")  # as the previous release wrote it
    reopened = SketchIndex.load(path)
    assert reopened.options.word_shingles is False
    assert reopened.query(english) == [("fed", len(old._keys(english)))]
    # Sketched by words, the same text has other keys: reopened by the new default, the old index would miss it.
    assert set(SketchIndex()._keys(english).tolist()).isdisjoint(old._keys(english).tolist())


def test_an_index_saved_before_word_window_windows_word_shingles_as_it_did(tmp_path):
    english = " ".join(f"The fund number {n} paid its holders a monthly dividend of {n} cents." for n in range(40))
    old = SketchIndex(word_window=80)  # what the previous release did with word shingles: the one window
    old.add({"fund": english})
    path = tmp_path / "old.npz"
    old.save(path)
    _saved_without(path, "word_window")
    reopened = SketchIndex.load(path)
    assert reopened.options.word_window == reopened.options.window == 80
    assert reopened.query(english) == [("fund", len(old._keys(english)))]
    # Windowed by today's default, the same long text has other keys.
    assert set(SketchIndex()._keys(english).tolist()) != set(old._keys(english).tolist())


@pytest.mark.parametrize(
    "option, text",
    [
        # Folded, punctuated text has other keys: read by the new default, the old index would miss it.
        ("fold_punctuation", "1 当士师秉政的时候、国中遭遇饥荒、在犹大伯利恒有一个人带着妻子和两个儿子往摩押地去寄居．" * 3),
        # With figures, the notice has two keys more (110,552 and 123,092).
        ("figures", "Chrysler Corp said its February U.S. car production was 110,552 compared with 123,092 a year ago."),
        # With names, the story has two keys more (West Virginia Power, Dominion Resources Inc).
        ("names", "UtiliCorp said it bought West Virginia Power from Dominion Resources Inc for about 21 mln dlrs."),
        # With headings, the page has one key more (its heading, 国家卫生健康委通报最新疫情).
        ("headings", "国家卫生健康委通报最新疫情\n\n国家卫生健康委今天通报，新增确诊病例240例。"),
    ],
)
def test_an_index_saved_before_an_option_keeps_its_keys_as_they_were(tmp_path, option, text):
    old = SketchIndex(**{option: False})
    old.add({"story": text})
    path = tmp_path / "old.npz"
    old.save(path)
    _saved_without(path, option)
    reopened = SketchIndex.load(path)
    assert getattr(reopened.options, option) is False
    assert reopened.query(text) == [("story", len(old._keys(text)))]
    assert set(SketchIndex()._keys(text).tolist()) != set(old._keys(text).tolist())
