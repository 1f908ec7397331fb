"""Stage 5 — candidate pairs: documents that may share text, from window sketches.

Each document's normalized text is cut into overlapping windows of ``window``
shingles; each window gets a MinHash signature and goes into a banded LSH index
tuned for a low Jaccard ``threshold``. Two documents become candidates when any
of their windows share a bucket, so the index surfaces near-duplicates (every
window collides), an article inside a page (the article's windows collide with
one block of the page's) and passages shared by different stories (a few
windows collide) — all three in one pass.

Candidates are only candidates: :func:`verified` then counts the shingles each
pair really shares and drops pairs that cannot hold a ``min_passage``-character
passage; the survivors go to exact alignment.

>>> texts = ["越是风急浪骤越需中流砥柱关键时刻生死关头党组织就是主心骨" * 2,
...          "越是风急浪骤越需中流砥柱关键时刻生死关头党组织就是主心骨", "天气晴朗"]
>>> sorted(candidate_pairs(texts, window=16))
[(0, 1)]
"""

from __future__ import annotations

import numpy as np

from .index import bucket_pairs, document_keys
from .shingle import DEFAULT_SHINGLE, shingle_hashes
from .sketch import DEFAULT_NUM_PERM, DEFAULT_SEED

__all__ = ["candidate_pairs", "verified", "DEFAULT_WINDOW", "DEFAULT_THRESHOLD"]

DEFAULT_WINDOW = 50
DEFAULT_THRESHOLD = 0.3


def candidate_pairs(
    texts: list[str],
    *,
    shingle: int = DEFAULT_SHINGLE,
    window: int = DEFAULT_WINDOW,
    num_perm: int = DEFAULT_NUM_PERM,
    threshold: float = DEFAULT_THRESHOLD,
    seed: int = DEFAULT_SEED,
    max_bucket: int = 64,
) -> dict[tuple[int, int], int]:
    """Pairs ``(i, j)``, ``i < j``, of documents whose windows share an LSH bucket."""
    keys: list[np.ndarray] = []
    owners: list[np.ndarray] = []
    for number, text in enumerate(texts):
        doc_keys = document_keys(text, shingle=shingle, window=window, num_perm=num_perm, threshold=threshold, seed=seed)
        if len(doc_keys) == 0:
            continue
        keys.append(doc_keys)
        owners.append(np.full(len(doc_keys), number, dtype=np.int64))
    if not keys:
        return {}
    all_keys = np.concatenate(keys)[:, None]
    return bucket_pairs(all_keys, np.concatenate(owners), max_bucket=max_bucket)


def verified(
    texts: list[str], pairs: dict[tuple[int, int], int], *, shingle: int = DEFAULT_SHINGLE, min_passage: int
) -> list[tuple[int, int]]:
    """Candidate pairs that share at least one passage's worth of exact shingles."""
    needed = max(1, min_passage - shingle + 1)
    unique = {}
    kept = []
    for i, j in sorted(pairs):
        for k in (i, j):
            if k not in unique:
                hashes = np.sort(shingle_hashes(texts[k], shingle))
                unique[k] = hashes[np.r_[True, hashes[1:] != hashes[:-1]]] if len(hashes) else hashes
        if len(np.intersect1d(unique[i], unique[j], assume_unique=True)) >= min(
            needed, len(unique[i]), len(unique[j])
        ):
            kept.append((i, j))
    return kept
