"""Bad input gets a clear error; nothing is silently dropped."""

from __future__ import annotations

import pytest

from textversions import DuplicateId, InvalidInput, NotText, UnreadableDocument, compare, find_versions
from textversions.io import read_paths
from conftest import WEB


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


def test_a_damaged_utf8_file_is_named_and_another_encoding_read_and_reported(tmp_path, caplog):
    bad = tmp_path / "damaged.txt"
    bad.write_bytes("株洲党组织奋勇争先".encode("utf-8") + b"\xff" + "战斗在第一线".encode("utf-8"))
    with pytest.raises(UnreadableDocument, match="damaged.txt: not UTF-8 text \\(byte 27"):
        list(read_paths([tmp_path]))
    bad.unlink()
    (tmp_path / "latin1.txt").write_bytes("Le café de la gare, où l'on déjeune à midi.".encode("latin-1"))
    with caplog.at_level("INFO", logger="textversions.io"):
        ((doc_id, text),) = read_paths([tmp_path])
    assert text.startswith("Le caf") and "latin1.txt: read as" in caplog.text


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


def test_gb18030_big5_and_bare_utf16_are_detected_and_encoding_can_be_forced(tmp_path, seeds):
    from textversions.io import read_paths, read_text_file
    from textversions.normalize import converter

    story = seeds[WEB].replace("\xa0", " ")
    (tmp_path / "gb.txt").write_bytes(story.encode("gb18030"))
    traditional = converter("s2tw")(story[:1500])  # Big5 lacks a few characters further on (塅)
    (tmp_path / "big5.txt").write_bytes(traditional.encode("big5"))
    (tmp_path / "bare.txt").write_bytes(story.encode("utf-16-be"))
    texts = dict(read_paths([tmp_path]))
    assert texts["gb"] == texts["bare"] == story and texts["big5"] == traditional
    assert read_text_file(tmp_path / "gb.txt", encoding="GB18030") == story
    with pytest.raises(UnreadableDocument, match="not big5 text"):
        read_text_file(tmp_path / "gb.txt", encoding="big5")
    with pytest.raises(InvalidInput, match="unknown encoding 'klingon'"):
        read_text_file(tmp_path / "gb.txt", encoding="klingon")


def test_tsv_and_a_delimiter(tmp_path):
    from textversions.io import read_paths

    (tmp_path / "docs.tsv").write_text("id\ttext\n1\t第一篇，含逗号\n2\t第二篇\n", encoding="utf-8")
    (tmp_path / "docs.csv").write_text("id;text\n3;第三篇, 含逗号\n", encoding="utf-8")
    assert list(read_paths([tmp_path / "docs.tsv"])) == [("1", "第一篇，含逗号"), ("2", "第二篇")]
    assert list(read_paths([tmp_path / "docs.csv"], delimiter=";")) == [("3", "第三篇, 含逗号")]
    gb = tmp_path / "gb.csv"
    gb.write_bytes("id,text\n4,株洲党组织\n".encode("gb18030"))
    assert list(read_paths([gb], encoding="gb18030")) == [("4", "株洲党组织")]
    with pytest.raises(UnreadableDocument, match="say which"):
        list(read_paths([gb]))
