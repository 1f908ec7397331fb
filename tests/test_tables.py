"""Results as tables: pandas and Arrow out, a pandas Series or DataFrame in."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pytest

from textversions import InvalidInput, find_versions
from conftest import PAGE, WEB


def test_tables_hold_every_relation_edit_and_document(seeds):
    result = find_versions(seeds)
    tables = result.to_pandas()
    relations, edits, documents = tables["relations"], tables["edits"], tables["documents"]
    assert list(relations["kind"]) == [r.kind for r in result.relations]
    assert len(edits) == sum(len(r.comparison.edits) for r in result.relations)
    assert sorted(documents["id"]) == sorted(seeds) and documents["family"].notna().all()
    page = relations[(relations["a"] == PAGE) & (relations["b"] == WEB)].iloc[0]
    assert (page["kind"], page["substantive_edits"]) == ("contains", 26)
    assert (page["a_region_start"], page["a_region_end"]) == (4755, 6684)
    number = edits[(edits["kind"] == "number") & (edits["a"] == PAGE)].iloc[0]
    assert seeds[PAGE][number["a_start"] : number["a_end"]] == number["a_text"] == "11万"


def test_arrow_tables_are_typed_even_when_empty():
    result = find_versions({"a": "今天天气晴朗。", "b": "明天可能下雨。"})
    tables = result.to_arrow()
    assert tables["relations"].num_rows == 0 and tables["relations"].schema.field("jaccard").type == pa.float64()
    assert tables["edits"].schema.field("a_start").type == pa.int64()
    assert tables["documents"].column("id").to_pylist() == ["a", "b"]


def test_a_dataframe_or_series_is_read_as_documents(seeds):
    frame = pd.DataFrame({"url": list(seeds), "body": list(seeds.values())})
    from_frame = find_versions(frame, id_field="url", text_field="body")
    assert [(r.a, r.b, r.kind) for r in from_frame.relations] == [(r.a, r.b, r.kind) for r in find_versions(seeds).relations]
    series = pd.Series(list(seeds.values()))  # a RangeIndex: ids "0" … "4"
    assert find_versions(series).ids == ("0", "1", "2", "3", "4")
    with pytest.raises(InvalidInput, match="no column 'id'"):
        find_versions(frame)
    with pytest.raises(InvalidInput, match="appears more than once"):
        find_versions(pd.Series(["一", "二"], index=["same", "same"]))
