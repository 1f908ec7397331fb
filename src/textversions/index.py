"""Stage 4 — an LSH index over window signatures, banded with numpy.

A signature of ``num_perm`` values is cut into ``bands`` bands of ``rows`` values;
two windows whose signatures agree on every value of at least one band land in
the same bucket. For windows of Jaccard similarity ``s`` that happens with
probability ``1 - (1 - s**rows) ** bands`` — an S-curve whose steep part sits at
the threshold. ``bands`` and ``rows`` are chosen by datasketch's own optimiser
(the one ``MinHashLSH`` uses), weighing false positives and false negatives
equally; the banding itself is a sort per band, far faster than a dict of
Python lists.

Buckets that hold very many documents are template text (mastheads, footers,
boilerplate shared by thousands of pages): their members are chained in id order
instead of paired all-to-all, so a template never costs quadratic work while
true duplicates still end up connected.

>>> lsh_params(0.5, 64)
(14, 4)
"""

from __future__ import annotations

import functools

import numpy as np
from datasketch.lsh import _optimal_param

__all__ = ["lsh_params", "band_keys", "bucket_pairs"]


@functools.lru_cache(maxsize=64)
def lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """``(bands, rows)`` for a Jaccard ``threshold`` and ``num_perm`` permutations."""
    bands, rows = _optimal_param(threshold, num_perm, 0.5, 0.5)
    return int(bands), int(rows)


def band_keys(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """One 64-bit key per (window, band): an array ``(windows, bands)``."""
    count = len(signatures)
    used = signatures[:, : bands * rows].astype(np.uint64).reshape(count, bands, rows)
    keys = np.zeros((count, bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for r in range(rows):
            keys = (keys ^ used[:, :, r]) * np.uint64(0x100000001B3) + np.uint64(r + 1)
            keys ^= keys >> np.uint64(29)
    # Keys of different bands never meet: the band number is part of the key.
    return keys ^ (np.arange(bands, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15))[None, :]


def bucket_pairs(keys: np.ndarray, owners: np.ndarray, *, max_bucket: int = 64) -> dict[tuple[int, int], int]:
    """Document pairs sharing a bucket, with the number of buckets they share.

    ``keys`` is ``(windows, bands)``, ``owners[i]`` the document of window ``i``.
    Pairs are ``(low, high)`` document numbers. A bucket of more than
    ``max_bucket`` documents links each member to the next only.
    """
    flat_keys = keys.reshape(-1)
    flat_owners = np.repeat(owners.astype(np.int64), keys.shape[1])
    order = np.lexsort((flat_owners, flat_keys))
    sorted_keys = flat_keys[order]
    sorted_owners = flat_owners[order]
    # Drop repeated (key, owner) entries: a document counts once per bucket.
    fresh = np.ones(len(order), dtype=bool)
    fresh[1:] = (sorted_keys[1:] != sorted_keys[:-1]) | (sorted_owners[1:] != sorted_owners[:-1])
    sorted_keys = sorted_keys[fresh]
    sorted_owners = sorted_owners[fresh]
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
    sizes = np.diff(np.r_[starts, len(sorted_keys)])
    pairs: dict[tuple[int, int], int] = {}
    for start, size in zip(starts[sizes > 1].tolist(), sizes[sizes > 1].tolist()):
        members = sorted_owners[start : start + size].tolist()
        if size > max_bucket:
            linked = zip(members, members[1:])
        else:
            linked = ((x, y) for i, x in enumerate(members) for y in members[i + 1 :])
        for pair in linked:
            pairs[pair] = pairs.get(pair, 0) + 1
    return pairs
