"""Stage 3 — MinHash sketches of whole documents and of their windows.

Signatures are exactly those of ``datasketch.MinHash(num_perm, seed,
hashfunc=shingle_hash)`` (datasketch 2's default ``affine32`` scheme: a
MurmurHash3 finalizer, then ``a*h + b mod 2**32``), so they can be handed to any
datasketch index; we compute them with numpy for whole documents at once.

A document-level sketch cannot see an article inside a page ten times its size
(Jaccard 0.24 for the seed pair), so documents are also sketched in overlapping
*windows* of shingles: a window of the article and the matching window of the
page are near-identical even when the documents as wholes are not.

>>> import numpy as np
>>> from textversions.shingle import shingle_hashes
>>> sig = minhash(shingle_hashes("把最美的身影留在战疫最前线"), num_perm=8)
>>> sig.dtype, sig.shape
(dtype('uint32'), (8,))
"""

from __future__ import annotations

import functools

import numpy as np

__all__ = ["minhash", "window_minhashes", "permutations", "DEFAULT_NUM_PERM", "DEFAULT_SEED"]

DEFAULT_NUM_PERM = 64
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


def _fmix32(values: np.ndarray) -> np.ndarray:
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    return values ^ (values >> np.uint32(16))


def _permuted(hashes: np.ndarray, num_perm: int, seed: int) -> np.ndarray:
    a, b = permutations(num_perm, seed)
    mixed = _fmix32(hashes.astype(np.uint32, copy=False))
    with np.errstate(over="ignore"):
        return mixed[:, None] * a[None, :] + b[None, :]


_CHUNK = 1 << 15
"""Shingles permuted at a time: memory stays ``_CHUNK * num_perm * 4`` bytes whatever the length."""


def minhash(hashes: np.ndarray, *, num_perm: int = DEFAULT_NUM_PERM, seed: int = DEFAULT_SEED) -> np.ndarray:
    """MinHash signature of a set of 32-bit shingle hashes (all ``0xFFFFFFFF`` if empty)."""
    signature = np.full(num_perm, _EMPTY, dtype=np.uint32)
    for start in range(0, len(hashes), _CHUNK):
        np.minimum(signature, _permuted(hashes[start : start + _CHUNK], num_perm, seed).min(axis=0), out=signature)
    return signature


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
    step = max(1, window // 2)
    chunk = max(step, _CHUNK // step * step)
    blocks = np.concatenate(
        [
            np.minimum.reduceat(
                _permuted(hashes[start : start + chunk], num_perm, seed), np.arange(0, min(chunk, len(hashes) - start), step), axis=0
            )
            for start in range(0, len(hashes), chunk)
        ]
    )
    if len(blocks) == 1:
        return blocks
    return np.minimum(blocks[:-1], blocks[1:])
