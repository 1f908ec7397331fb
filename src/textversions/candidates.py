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

from collections.abc import Sequence

import numpy as np

from .index import DEFAULT_THRESHOLD, DEFAULT_WINDOW, MAX_BUCKET, Buckets, sketch_keys
from .normalize import normalize
from .shingle import DEFAULT_SHINGLE, found_in, shingle_hashes

__all__ = [
    "sketch_keys", "candidate_pairs", "shares_passage", "passage_in_common", "DEFAULT_WINDOW", "DEFAULT_THRESHOLD"
]

MIN_SHARED_BUCKETS = 3
"""Buckets two documents must share to be candidates: one is chance, a shared passage fills several."""


def candidate_pairs(
    keys: Sequence[np.ndarray] | Buckets, *, max_bucket: int = MAX_BUCKET, workers: int = 1
) -> dict[tuple[int, int], int]:
    """Pairs ``(i, j)``, ``i < j``, of documents whose windows share buckets, with how many they share.

    ``keys`` is each document's bucket keys, or a :class:`~textversions.index.Buckets`
    holding them; ``workers`` threads share the pairing.
    """
    if not isinstance(keys, Buckets):
        keys = Buckets.of(keys)
    first, second, shared = keys.pairs(max_bucket=max_bucket, min_shared=MIN_SHARED_BUCKETS, workers=workers)
    return dict(zip(zip(first.tolist(), second.tolist()), shared.tolist()))


_DENSITY = 0.25


def shares_passage(a: str, b: str, *, shingle: int = DEFAULT_SHINGLE, min_passage: int, fold_script: bool = True) -> bool:
    """Exactly: do two raw texts share shingles densely somewhere, as a shared passage does?

    Shared shingles of unrelated texts are scattered (common phrases); a version,
    a page holding an article, or a reused passage shares them close together:
    at least a quarter of the shingles of some stretch of ``min_passage``
    characters (edits every few characters still leave that much).
    """
    norm_a, norm_b = normalize(a, fold_script=fold_script).text, normalize(b, fold_script=fold_script).text
    return passage_in_common(norm_a, norm_b, shingle=shingle, min_passage=min_passage)


def passage_in_common(a: str, b: str, *, shingle: int, min_passage: int) -> bool:
    """:func:`shares_passage` of two texts already normalized."""
    ha = shingle_hashes(a, shingle)
    hb = shingle_hashes(b, shingle)
    if len(ha) == 0 or len(hb) == 0:
        return False
    if len(hb) < len(ha):
        ha, hb = hb, ha
    shared = found_in(ha, hb).astype(np.int64)
    span = min(len(ha), max(1, min_passage - shingle + 1))
    counts = np.cumsum(np.r_[0, shared])
    densest = int((counts[span:] - counts[:-span]).max())
    return densest >= max(1, int(_DENSITY * span))
