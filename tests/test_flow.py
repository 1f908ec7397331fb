"""How a document travels: prepared once, one Options type at every door, stages that never import the report."""

from __future__ import annotations

import ast
import importlib
import sys
from pathlib import Path

import numpy as np
import pytest

from textversions import InvalidIndex, InvalidInput, Options, SketchIndex, compare, find_versions
from textversions.cli import main

normalize_module = importlib.import_module("textversions.normalize")  # the package's name is the function
shingle_module = importlib.import_module("textversions.shingle")
SOURCE = Path(__file__).resolve().parents[1] / "src" / "textversions"


def _count_whole_text_work(texts: dict[str, str], run) -> dict[str, tuple[int, int]]:
    """Run ``run()`` and count, per document, the calls of ``normalize`` on its text and of
    ``shingle_hashes`` on its normalized text (whatever name a module imported them under)."""
    normalized = {key: normalize_module.normalize(text).text for key, text in texts.items()}
    counts = {key: [0, 0] for key in texts}
    targets = {normalize_module.normalize.__code__: 0, shingle_module.shingle_hashes.__code__: 1}

    def profile(frame, event, arg):  # type: ignore[no-untyped-def]
        if event != "call" or frame.f_code not in targets:
            return
        which = targets[frame.f_code]
        text = frame.f_locals.get("text")
        for key in texts:
            if text == (texts[key] if which == 0 else normalized[key]):
                counts[key][which] += 1

    sys.setprofile(profile)
    try:
        run()
    finally:
        sys.setprofile(None)
    return {key: (n, h) for key, (n, h) in counts.items()}


def test_each_text_is_normalized_and_hashed_once_per_pair(seeds):
    page, web = "002_", "003_"
    docs = {key: next(text for name, text in seeds.items() if name.startswith(key)) for key in (page, web)}
    assert _count_whole_text_work(docs, lambda: compare(docs[page], docs[web])) == {page: (1, 1), web: (1, 1)}


def test_find_versions_prepares_each_document_once_however_many_pairs_it_is_in(seeds):
    page = next(text for name, text in seeds.items() if name.startswith("002_"))
    paragraphs = [p for p in page.split("\n") if len(p) > 120][:3]
    docs = {f"excerpt{n}": p for n, p in enumerate(paragraphs)} | {"page": page}
    result = []
    counts = _count_whole_text_work(docs, lambda: result.append(find_versions(docs)))
    assert len(result[0].relations) >= 3  # the page is in a pair with each excerpt
    assert counts == {key: (1, 1) for key in docs}


@pytest.mark.parametrize(
    "options, message",
    [
        ({"threshold": 7.0}, "threshold must be in"),
        ({"min_passage": -7}, "min_passage must be at least 1"),
        ({"shingle": 0}, "shingle must be at least 1"),
        ({"shingle": "5"}, "shingle must be a whole number"),
        ({"num_perm": 0}, "num_perm must be from 1"),
        ({"seed": -1}, "seed must be from 0"),
        ({"window": 1}, "window must be at least 2"),
        ({"min_coverage": 0}, "min_coverage must be in"),
        ({"fold_script": "yes"}, "fold_script must be True or False"),
        ({"shingles": 5}, "unknown option 'shingles'"),
    ],
    ids=str,
)
def test_every_door_refuses_the_same_bad_option_the_same_way(options, message):
    with pytest.raises(InvalidInput, match=message):
        Options.of(**options)
    with pytest.raises(InvalidInput, match=message):
        find_versions({"a": "x"}, **options)
    with pytest.raises(InvalidInput, match=message):
        compare("a", "b", **options)
    with pytest.raises(InvalidInput, match=message):
        SketchIndex(**options)


def test_options_or_keywords_give_the_same_answer(seeds):
    as_keywords = find_versions(seeds, shingle=4, min_passage=30)
    as_options = find_versions(seeds, options=Options(shingle=4, min_passage=30))
    assert as_keywords.to_json() == as_options.to_json()
    assert as_options.options == Options(shingle=4, min_passage=30).to_dict()


def test_cli_refuses_a_bad_option_before_reading_anything(tmp_path):
    from click.testing import CliRunner

    result = CliRunner().invoke(main, ["find", str(tmp_path / "missing.txt"), "--threshold", "7"])
    assert result.exit_code == 1
    assert "threshold must be in (0, 1), got 7.0" in result.output and "missing" not in result.output


def test_a_saved_index_with_a_bad_option_is_refused_on_load(tmp_path):
    import json

    path = tmp_path / "index.npz"
    index = SketchIndex(window=16)
    index.add({"a": "越是风急浪骤，越需中流砥柱。" * 4})
    index.save(path)
    with np.load(path) as archive:
        arrays = {name: archive[name] for name in archive.files}
    header = json.loads(arrays["header"].tobytes())
    header["options"]["shingle"] = "5"
    arrays["header"] = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
    np.savez(path, **arrays)
    with pytest.raises(InvalidIndex, match="shingle must be a whole number"):
        SketchIndex.load(path)


def test_no_stage_imports_the_report_layer():
    edge = {"report.py", "cli.py", "__init__.py"}
    for module in sorted(SOURCE.glob("*.py")):
        if module.name in edge:
            continue
        tree = ast.parse(module.read_text(encoding="utf-8"))
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        assert "report" not in imported, f"{module.name} imports the report layer"


def test_notebook_views_come_from_the_report_layer(seeds):
    result = find_versions(seeds)
    assert "<" in result._repr_html_() and "<" in result.relations[0].comparison._repr_html_()
