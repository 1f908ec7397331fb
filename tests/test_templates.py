"""Piles that fool naive dedup: thousands of documents sharing a template, one story reprinted everywhere."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.corpus import BigramSampler  # noqa: E402
from textversions import compare, find_versions  # noqa: E402


def test_template_sharing_documents_are_not_versions():
    sampler = BigramSampler()
    rng = np.random.default_rng(7)
    head = "【本报讯】" + sampler.sample(1, 250, rng)[0]
    tail = sampler.sample(1, 150, rng)[0] + "（责任编辑：张三 来源：新华社）"
    bodies = sampler.sample(400, 400, rng)
    docs = {f"t{n}": f"{head}\n\n{body}\n\n{tail}" for n, body in enumerate(bodies)}
    story = sampler.sample(1, 1500, rng)[0]
    docs.update({f"reprint{n}": story if n % 2 else story.replace("，", ",") for n in range(30)})
    docs["t0-revised"] = f"{head}\n\n{bodies[0][:200]}新增的一句话。{bodies[0][200:]}\n\n{tail}"
    result = find_versions(docs, workers=2)
    kinds = Counter(relation.kind for relation in result.relations)
    assert kinds["version"] == 1 and kinds["reuse"] == 0, kinds
    assert result.family_of("t0") == ("t0", "t0-revised")
    assert result.family_of("reprint0") == tuple(f"reprint{n}" for n in range(30))
    singletons = [family for family in result.families if len(family) == 1]
    assert len(singletons) == 399
    # Two template documents on their own (no corpus to say what is common) share half their text.
    assert compare(docs["t1"], docs["t2"]).relation in ("version", "reuse")
