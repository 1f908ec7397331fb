"""Stage 3 — MinHash sketches of whole documents and of their windows.

Signatures are exactly those of ``datasketch.MinHash(num_perm, seed,
hashfunc=shingle_hash)`` (datasketch 2's default ``affine32`` scheme: a
MurmurHash3 finalizer, then ``a*h + b mod 2**32``), so they can be handed to any
datasketch index. A numba kernel computes them: one pass over the shingles,
the permutations in the inner loop (vectorized by LLVM), no temporary arrays,
and no GIL held.

A document-level sketch cannot see an article inside a page ten times its size
(Jaccard 0.24 for the seed pair), so documents are also sketched in overlapping
*windows* of shingles: a window of the article and the matching window of the
page are near-identical even when the documents as wholes are not.

>>> from textversions.shingle import shingle_hashes
>>> sig = minhash(shingle_hashes("把最美的身影留在战疫最前线"), num_perm=8)
>>> sig.dtype, sig.shape
(dtype('uint32'), (8,))
"""

from __future__ import annotations

import functools

import numba

import numpy as np

__all__ = ["minhash", "window_minhashes", "permutations", "DEFAULT_NUM_PERM", "DEFAULT_SEED"]

DEFAULT_NUM_PERM = 32
DEFAULT_SEED = 1
_EMPTY = np.uint32(0xFFFFFFFF)


@functools.lru_cache(maxsize=16)
def permutations(num_perm: int, seed: int = DEFAULT_SEED) -> tuple[np.ndarray, np.ndarray]:
    """The ``(a, b)`` parameters datasketch draws for ``MinHash(num_perm, seed)``."""
    generator = np.random.RandomState(seed)
    a = generator.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    a.setflags(write=False)
    b.setflags(write=False)
    return a, b


@numba.njit(cache=True, nogil=True)
def _block_minima(hashes, step, a, b):  # type: ignore[no-untyped-def]
    """Per block of ``step`` shingles, the minimum of ``a * fmix32(h) + b`` (mod 2**32) per permutation."""
    num_perm = len(a)
    blocks = np.full(((len(hashes) + step - 1) // step, num_perm), 0xFFFFFFFF, dtype=np.uint32)
    mask = np.uint64(0xFFFFFFFF)
    for i in range(len(hashes)):
        h = np.uint64(hashes[i])
        h ^= h >> np.uint64(16)
        h = (h * np.uint64(0x85EBCA6B)) & mask
        h ^= h >> np.uint64(13)
        h = (h * np.uint64(0xC2B2AE35)) & mask
        h ^= h >> np.uint64(16)
        row = blocks[i // step]
        for p in range(num_perm):
            value = np.uint32((h * np.uint64(a[p]) + np.uint64(b[p])) & mask)
            if value < row[p]:
                row[p] = value
    return blocks


def minhash(hashes: np.ndarray, *, num_perm: int = DEFAULT_NUM_PERM, seed: int = DEFAULT_SEED) -> np.ndarray:
    """MinHash signature of a set of 32-bit shingle hashes (all ``0xFFFFFFFF`` if empty)."""
    if len(hashes) == 0:
        return np.full(num_perm, _EMPTY, dtype=np.uint32)
    a, b = permutations(num_perm, seed)
    return _block_minima(hashes.astype(np.uint32, copy=False), len(hashes), a, b)[0]


def window_minhashes(
    hashes: np.ndarray,
    *,
    window: int,
    num_perm: int = DEFAULT_NUM_PERM,
    seed: int = DEFAULT_SEED,
) -> np.ndarray:
    """Signatures of windows of ``2 * step`` consecutive shingles, ``step = window // 2`` apart.

    Returns an array ``(windows, num_perm)``; a document shorter than one window
    has one window (itself), an empty one none. Window ``k`` covers shingles
    ``[k * step, (k + 2) * step)``.
    """
    if len(hashes) == 0:
        return np.zeros((0, num_perm), dtype=np.uint32)
    a, b = permutations(num_perm, seed)
    blocks = _block_minima(hashes.astype(np.uint32, copy=False), max(1, window // 2), a, b)
    if len(blocks) == 1:
        return blocks
    return np.minimum(blocks[:-1], blocks[1:])
