"""Copied passages come back whole: one passage per copy, however many copies, in whatever order (issue 20)."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from textversions import compare
from textversions.io import seed_corpus
from textversions.planting import ocr_noise
from conftest import WEB

SEEDS = dict(seed_corpus())
HOST = next(text for name, text in SEEDS.items() if name.startswith("004_"))  # another story, traditional script
SOURCE = SEEDS[WEB]
SOURCE_PARAGRAPHS = [m.span() for m in re.finditer(r"[^\n]{80,}", SOURCE)]
REUTERS = [
    json.loads(line)
    for line in (Path(__file__).parent / "golden" / "relations.jsonl").read_text("utf-8").splitlines()
    if "Reuters-21578" in line
]


def _planted(source: str, spans: list[tuple[int, int]], host: str, noise, rng: random.Random):
    """``host`` with noisy copies of ``source[span]`` put at line breaks, in shuffled order; and where each went."""
    copies = [(span, noise(source[span[0] : span[1]])) for span in spans]
    rng.shuffle(copies)
    breaks = sorted(rng.sample([m.end() for m in re.finditer("\n", host)], len(copies)))
    pieces, truth, taken, position = [], [], 0, 0
    for place, (span, copy) in zip(breaks, copies):
        pieces.append(host[taken:place])
        position += place - taken
        truth.append((span, (position, position + len(copy))))
        pieces.append(copy + "\n")
        position += len(copy) + 1
        taken = place
    pieces.append(host[taken:])
    return "".join(pieces), truth


def _overlap(x: tuple[int, int], y: tuple[int, int]) -> int:
    return max(0, min(x[1], y[1]) - max(x[0], y[0]))


def _assert_found_whole(source: str, planted: str, truth) -> None:  # type: ignore[no-untyped-def]
    passages = compare(source, planted).passages
    for source_span, planted_span in truth:
        hits = [p for p in passages if _overlap(p.a_span, source_span) and _overlap(p.b_span, planted_span)]
        assert len(hits) == 1, (source_span, planted_span, passages)
        # Slips within a few characters of a copy's edge can leave its last word or two out (nothing anchors
        # there): most of the copy, not all of it, is the promise.
        covered = _overlap(hits[0].b_span, planted_span) / (planted_span[1] - planted_span[0])
        assert covered >= 0.85, (covered, hits[0], planted_span)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 3), st.floats(0.0, 0.02))
def test_noisy_copies_of_chinese_paragraphs_are_one_passage_each_in_any_order(seed, count, rate):
    rng = random.Random(seed)
    spans = rng.sample(SOURCE_PARAGRAPHS, count)
    planted, truth = _planted(SOURCE, spans, HOST, lambda text: ocr_noise(text, rate, rng), rng)
    _assert_found_whole(SOURCE, planted, truth)


def _word_noise(rng: random.Random):  # type: ignore[no-untyped-def]
    def noisy(text: str) -> str:
        words = text.split(" ")
        out = []
        for word in words:
            roll = rng.random()
            out.extend([] if roll < 0.015 else [word, word] if roll < 0.03 else [word])
        return " ".join(out)

    return noisy


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_noisy_copies_of_english_sentences_are_one_passage_each_in_any_order(seed):
    rng = random.Random(seed)
    story = next(case for case in REUTERS if "bulletin" in case["what"])["b"]  # the Kuwait bulletin
    host = next(case for case in REUTERS if "eurobonds" in case["what"])["a"]  # a bond issue: another story
    sentences = [m.span() for m in re.finditer(r"[^.\n][^.]{100,}?\.", story)]
    spans = sorted(rng.sample(sentences, min(2, len(sentences))))
    planted, truth = _planted(story, spans, host, _word_noise(rng), rng)
    _assert_found_whole(story, planted, truth)


def test_a_shared_link_or_dateline_is_no_passage():
    link = "\n\n[查看原文](https://tv.cctv.com/2022/10/13/VIDEnYQnRlzksd6F5P29262S221013.shtml)"
    a = "国务院常务会议部署稳经济一揽子政策措施落实。" + link
    b = "全国秋粮收获进度过半，各地抢抓晴好天气抢收抢种。" + link
    assert compare(a, b).passages == ()


def test_a_phrase_of_the_trade_is_no_passage_in_english():
    """A phrase two unrelated wire stories share (Reuters-21578: "looking to acquisitions and joint ventures", 44
    characters) is no copy: an English passage matches twice the characters of a Chinese one. The sentence told
    again is."""
    carbide = ("NEW YORK, March 2 - Union Carbide Corp is looking to\nacquisitions and joint ventures to aid its specialty "
               "chemicals\nand industrial gases businesses, the company said.")
    other = ("The association's director said: \"We\nare looking to acquisitions and joint ventures in Asia to grow our "
             "members' trade, not to new plants.\"")
    assert compare(carbide, other).passages == ()
    assert compare(carbide, other).relation == "unrelated"
    assert compare(carbide, other, min_passage=20).passages  # it is a passage where 40 characters would do
    retold = "Analysts welcomed the plan. " + carbide.split(" - ")[1] + " Shares rose."
    (passage,) = compare(carbide, retold).passages
    assert passage.length >= 80


_STRETCH = st.tuples(st.integers(0, 400), st.integers(1, 60), st.integers(-40, 40)).map(
    lambda t: [t[0], t[0] + t[1], max(0, t[0] + t[2]), max(0, t[0] + t[2]) + t[1], t[1], t[1]]
)


@given(st.lists(_STRETCH, max_size=60))
def test_joined_passages_hold_every_stretch(stretches):
    """Joining stretches into passages loses none: each ends inside one passage on both sides, matched at most once."""
    import numpy as np

    from textversions.compare import _joined

    joined = _joined(np.array(stretches, dtype=np.int64).reshape(-1, 6)).tolist()
    assert len(joined) <= len(stretches)
    assert sum(p[4] for p in joined) <= sum(s[4] for s in stretches)
    for a0, a1, b0, b1, matched, longest in stretches:
        assert any(p[0] <= a0 and a1 <= p[1] and p[2] < b1 <= p[3] and p[5] >= longest for p in joined)
    again = _joined(np.array(stretches[::-1], dtype=np.int64).reshape(-1, 6)).tolist()
    if len({(s[0], s[2]) for s in stretches}) == len(stretches):  # no ties in the order of a: input order is moot
        assert sorted(map(tuple, again)) == sorted(map(tuple, joined))
