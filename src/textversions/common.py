"""Text common across the corpus — a template, a footer, boilerplate — measured once, then masked per document.

:func:`common_shingles` finds the shingles that many of the first
``COMMON_SAMPLE`` documents hold; :func:`own_text` then marks, in one document, the
characters that are its own. Common text counts toward neither coverage nor
shared passages, so two notices built on one template are not versions of each
other because of it.

>>> sample = ["本报讯 记者 今日天气晴朗。"] * 12 + [f"第{n}篇自己的文字。" for n in range(40)]
>>> len(common_shingles(sample, Options(shingle=3))) > 0
True
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .options import Options
from .shingle import Prepared, ShingleSet, covered, distinct, prepare

__all__ = ["COMMON_SAMPLE", "common_sample", "common_shingles", "corpus_common", "own_text"]

COMMON_SAMPLE = 2000
"""Documents sampled to measure which shingles are common (template text): the first ones read.

The first, not an evenly spread sample: a sample that does not move when documents
are added lets an :class:`~textversions.archive.Archive` that grows batch by batch
judge exactly as one run over all of it, without judging everything again."""
_COMMON_MIN_DOCS = 10
_COMMON_SHARE = 0.02
_OWN_SHARE = 0.2
"""A document with less of its own text than this (the rest common) is a reprint: judged as it is."""


def common_sample(count: int) -> range:
    """Positions of the sample of a corpus of ``count`` documents: the first ``COMMON_SAMPLE``."""
    return range(min(count, COMMON_SAMPLE))


def common_shingles(sample: Sequence[str], options: Options) -> np.ndarray:
    """Sorted hashes of shingles found in many documents of ``sample``: a template, a footer, boilerplate.

    ``sample`` is the texts at :func:`common_sample`'s positions. A shingle is
    common when at least ``_COMMON_MIN_DOCS`` and 2% of them hold it; a small
    corpus has none.
    """
    needed = max(_COMMON_MIN_DOCS, int(_COMMON_SHARE * len(sample)))
    if len(sample) < needed:
        return np.zeros(0, dtype=np.uint32)
    per_text = [distinct(prepare(text, options).hashes) for text in sample]
    hashes = np.sort(np.concatenate(per_text))
    starts = np.flatnonzero(np.r_[True, hashes[1:] != hashes[:-1]])
    counts = np.diff(np.r_[starts, len(hashes)])
    return hashes[starts[counts >= needed]]


def corpus_common(texts: Sequence[str], options: Options) -> ShingleSet:
    """The common shingles of a corpus as every local caller measures them (``find_versions``, its
    ``explain``, ``calibrate``): :func:`common_shingles` at :func:`common_sample`'s positions of ``texts``."""
    return ShingleSet(common_shingles([texts[position] for position in common_sample(len(texts))], options))


def own_text(doc: Prepared, common: ShingleSet | None) -> np.ndarray | None:
    """Mask of the normalized characters that are the document's own, not corpus-common text.

    ``None`` when nothing is discounted: no common shingles given or found, or the
    document is nearly all common text (a reprint of a widely shared story).
    """
    if common is None or not len(common) or len(doc.text) < doc.shingle:
        return None
    cached = doc.__dict__.get("_own_text")  # a document meets the same common text in each of its pairs
    if cached is not None and cached[0] is common:
        return cached[1]  # type: ignore[no-any-return]
    hit = common.contains(doc.hashes)
    own = ~covered(hit, doc.shingle, len(doc.text)) if hit.any() else None
    if own is not None and own.mean() < _OWN_SHARE:
        own = None
    if own is not None:
        own.setflags(write=False)
    doc.__dict__["_own_text"] = (common, own)
    return own
