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
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np

from .normalize import _fold_kernel, _tables, batch_codes, normalize
from .shingle import DEFAULT_SHINGLE, _rolling_hashes, shingle_hashes

__all__ = ["minhash", "signatures", "window_minhashes", "permutations", "DEFAULT_NUM_PERM", "DEFAULT_SEED"]

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


@numba.njit(cache=True, nogil=True)
def _signature_rows(codes, starts, width, a, b, expand_length, expand_start, expand_data, layout, zero_width, spaceless, fold):  # type: ignore[no-untyped-def]  # noqa: E501
    """normalize → shingle hashes → MinHash for each document of a batch, in one call that holds no GIL."""
    out = np.full((len(starts) - 1, len(a)), 0xFFFFFFFF, dtype=np.uint32)
    for d in range(len(starts) - 1):
        folded, _ = _fold_kernel(
            codes[starts[d] : starts[d + 1]], expand_length, expand_start, expand_data, layout, zero_width, spaceless, fold
        )
        if len(folded):
            hashes = _rolling_hashes(folded, min(width, len(folded)))
            out[d] = _block_minima(hashes, len(hashes), a, b)[0]
    return out


_BATCH = 64


def _signature_batch(texts: list[str], shingle: int, num_perm: int, seed: int, fold_script: bool) -> np.ndarray:
    tables = _tables(fold_script)
    a, b = permutations(num_perm, seed)
    codes, starts, needs_cluster = batch_codes(texts, fold_script)
    rows = _signature_rows(
        codes, starts, shingle, a, b, tables.expand_length, tables.expand_start, tables.expand_data,
        tables.layout, tables.zero_width, tables.spaceless, tables.fold,
    )  # fmt: skip
    for n in needs_cluster:
        rows[n] = minhash(shingle_hashes(normalize(texts[n], fold_script=fold_script).text, shingle), num_perm=num_perm, seed=seed)
    return rows


def signatures(
    texts: Sequence[str],
    *,
    shingle: int = DEFAULT_SHINGLE,
    num_perm: int = DEFAULT_NUM_PERM,
    seed: int = DEFAULT_SEED,
    fold_script: bool = True,
    workers: int = 1,
) -> np.ndarray:
    """MinHash signatures of raw texts, one row each: normalize, shingle and sketch in one compiled pass.

    Row ``n`` is ``minhash(shingle_hashes(normalize(texts[n]).text, shingle))`` —
    so it equals datasketch's ``MinHash(num_perm, seed, hashfunc=shingle_hash)``
    over those shingles. ``workers`` threads share the batches (the kernel holds
    no GIL).

    >>> rows = signatures(["奮戰在一線", "奋战在一线"], num_perm=4)
    >>> rows.shape, bool((rows[0] == rows[1]).all())
    ((2, 4), True)
    """
    batches = [list(texts[start : start + _BATCH]) for start in range(0, len(texts), _BATCH)]
    if not batches:
        return np.zeros((0, num_perm), dtype=np.uint32)

    def run(batch: list[str]) -> np.ndarray:
        return _signature_batch(batch, shingle, num_perm, seed, fold_script)

    if workers == 1:
        return np.concatenate([run(batch) for batch in batches])
    with ThreadPoolExecutor(workers) as pool:
        return np.concatenate(list(pool.map(run, batches)))
