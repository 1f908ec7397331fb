"""Stage 5 — candidate pairs: documents that may share text, from window sketches.

Each document's normalized text is cut into overlapping windows of ``window``
shingles; each window gets a MinHash signature and goes into a banded LSH index
tuned for a low Jaccard ``threshold``. Two documents become candidates when any
of their windows share a bucket, so the index surfaces near-duplicates (every
window collides), an article inside a page (the article's windows collide with
one block of the page's) and passages shared by different stories (a few
windows collide) — all three in one pass.

Candidates are only candidates: :func:`shares_passage` then checks, exactly,
that a pair shares a run of shingles long enough to be a passage; only the
survivors go to alignment.

>>> texts = ["越是风急浪骤越需中流砥柱关键时刻生死关头党组织就是主心骨" * 2,
...          "越是风急浪骤越需中流砥柱关键时刻生死关头党组织就是主心骨", "天气晴朗"]
>>> keys = [sketch_keys(text, window=16) for text in texts]
>>> sorted(candidate_pairs(keys))
[(0, 1)]
>>> shares_passage(texts[0], texts[1], min_passage=20)
True
"""

from __future__ import annotations

import numpy as np

from .index import DEFAULT_THRESHOLD, DEFAULT_WINDOW, MAX_BUCKET, bucket_pairs, sketch_keys
from .normalize import normalize
from .shingle import DEFAULT_SHINGLE, shingle_hashes

__all__ = ["sketch_keys", "candidate_pairs", "shares_passage", "DEFAULT_WINDOW", "DEFAULT_THRESHOLD"]

MIN_SHARED_BUCKETS = 3
"""Buckets two documents must share to be candidates: one is chance, a shared passage fills several."""


def candidate_pairs(keys: list[np.ndarray], *, max_bucket: int = MAX_BUCKET) -> dict[tuple[int, int], int]:
    """Pairs ``(i, j)``, ``i < j``, of documents whose windows share buckets, with how many they share."""
    pairs = bucket_pairs(keys, max_bucket=max_bucket)
    return {pair: shared for pair, shared in pairs.items() if shared >= min(MIN_SHARED_BUCKETS, _most(keys, pair))}


def _most(keys: list[np.ndarray], pair: tuple[int, int]) -> int:
    """The most buckets a pair could share: a tiny document has only a few."""
    return min(len(keys[pair[0]]), len(keys[pair[1]]))


_DENSITY = 0.25


def shares_passage(a: str, b: str, *, shingle: int = DEFAULT_SHINGLE, min_passage: int, fold_script: bool = True) -> bool:
    """Exactly: do two raw texts share shingles densely somewhere, as a shared passage does?

    Shared shingles of unrelated texts are scattered (common phrases); a version,
    a page holding an article, or a reused passage shares them close together:
    at least a quarter of the shingles of some stretch of ``min_passage``
    characters (edits every few characters still leave that much).
    """
    ha = shingle_hashes(normalize(a, fold_script=fold_script).text, shingle)
    hb = shingle_hashes(normalize(b, fold_script=fold_script).text, shingle)
    if len(ha) == 0 or len(hb) == 0:
        return False
    if len(hb) < len(ha):
        ha, hb = hb, ha
    hb = np.sort(hb)
    shared = (hb[np.minimum(np.searchsorted(hb, ha), len(hb) - 1)] == ha).astype(np.int64)
    span = min(len(ha), max(1, min_passage - shingle + 1))
    counts = np.cumsum(np.r_[0, shared])
    densest = int((counts[span:] - counts[:-span]).max())
    return densest >= max(1, int(_DENSITY * span))
