"""Bad input gets a clear error; nothing is silently dropped."""

from __future__ import annotations

import pytest

from textversions import DuplicateId, InvalidInput, NotText, UnreadableDocument, compare, find_versions
from textversions.io import read_paths


@pytest.mark.parametrize("bad", [None, b"bytes", 3, ["list"]], ids=repr)
def test_compare_rejects_non_text(bad):
    with pytest.raises(TypeError, match="must be str"):
        compare(bad, "text")
    with pytest.raises(NotText):
        compare("text", bad)


def test_find_versions_rejects_non_text_naming_the_document():
    with pytest.raises(NotText, match="'doc-2'"):
        find_versions({"doc-1": "text", "doc-2": b"bytes"})


def test_find_versions_rejects_a_single_string():
    with pytest.raises(TypeError):
        find_versions("not a corpus")


def test_duplicate_ids_are_an_error():
    with pytest.raises(DuplicateId, match="'x'"):
        find_versions([("x", "one"), ("x", "two")])
    assert issubclass(DuplicateId, ValueError)


def test_malformed_items_are_an_error():
    with pytest.raises(InvalidInput, match="#1"):
        find_versions([("x", "one"), ("y",)])
    with pytest.raises(InvalidInput, match="id must be str"):
        find_versions([(7, "text")])


def test_empty_documents_are_kept_as_singletons():
    text = "越是风急浪骤，越需中流砥柱。关键时刻，生死关头，党组织就是主心骨。"
    result = find_versions({"empty": "", "blank": " \n\t", "a": text, "b": text + "！"})
    assert result.ids == ("empty", "blank", "a", "b")
    assert ("empty",) in result.families and ("blank",) in result.families
    assert sorted(doc for family in result.families for doc in family) == sorted(result.ids)
    assert {d["id"] for d in result.to_dict()["documents"]} == set(result.ids)


def test_empty_corpus():
    result = find_versions({})
    assert result.families == () and result.relations == ()


def test_undecodable_file_is_named(tmp_path):
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("caf\xe9".encode("latin-1"))
    with pytest.raises(UnreadableDocument, match="latin1.txt"):
        list(read_paths([tmp_path]))


def test_missing_path_is_named(tmp_path):
    with pytest.raises(InvalidInput, match="nope"):
        list(read_paths([tmp_path / "nope"]))


@pytest.mark.parametrize("option", [{"min_coverage": 0}, {"shingle": 0}], ids=str)
def test_bad_options(option):
    with pytest.raises(InvalidInput):
        compare("a", "b", **option)


def test_apply_refuses_another_text():
    with pytest.raises(InvalidInput):
        compare("abc", "abd").apply("something else")


def test_workers_give_the_same_result(seeds):
    docs = {**seeds, "copy": seeds["003_2ce852fb66e9e90e"].replace("，", ",")}
    assert find_versions(docs, workers=2).to_json() == find_versions(docs).to_json()
    with pytest.raises(InvalidInput):
        find_versions(docs, workers=0)
