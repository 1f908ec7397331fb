"""The peers, each doing the sketch stage its own way on the same shingles.

Every function takes raw documents and returns one 128-value MinHash signature
per document, shingling included, single-threaded — the stage textversions'
``sketch`` replaces.
"""

from __future__ import annotations

import hashlib
import struct

import numpy as np

from textversions import normalize
from textversions.shingle import shingle_hash, sketch_shingles
from textversions.options import Options
from textversions.sketch import signatures

NUM_PERM = 128
SHINGLE = 5


def textversions_sketch(docs: list[str], workers: int = 1) -> list[np.ndarray]:
    """Ours: normalize, rolling shingle hashes and MinHash in one compiled pass per batch (``sketch.signatures``)."""
    return list(signatures(docs, Options(shingle=SHINGLE, num_perm=NUM_PERM), workers=workers))


def datasketch_update_batch(docs: list[str]) -> list[np.ndarray]:
    """datasketch's documented way: one MinHash per document, ``update_batch`` over its shingles."""
    from datasketch import MinHash

    out = []
    for text in docs:
        sketch = MinHash(num_perm=NUM_PERM)
        sketch.update_batch([s.encode("utf-8") for s in sketch_shingles(normalize(text).text, SHINGLE)])
        out.append(sketch.hashvalues)
    return out


def datasketch_same_hash(docs: list[str]) -> list[np.ndarray]:
    """datasketch with our shingle hash, to show the signatures are identical to ours."""
    from datasketch import MinHash

    out = []
    for text in docs:
        sketch = MinHash(num_perm=NUM_PERM, hashfunc=shingle_hash)
        sketch.update_batch(sketch_shingles(normalize(text).text, SHINGLE))
        out.append(sketch.hashvalues)
    return out


def rensa_rminhash(docs: list[str]) -> list[np.ndarray]:
    """rensa (Rust): ``RMinHash.update`` over the shingle strings."""
    from rensa import RMinHash

    out = []
    for text in docs:
        sketch = RMinHash(num_perm=NUM_PERM, seed=42)
        sketch.update(sketch_shingles(normalize(text).text, SHINGLE))
        out.append(np.asarray(sketch.digest(), dtype=np.uint32))
    return out


_MERSENNE = np.uint64((1 << 61) - 1)
_MAX_HASH = np.uint64((1 << 32) - 1)
_GENERATOR = np.random.RandomState(42)
_A = _GENERATOR.randint(1, _MERSENNE, size=NUM_PERM, dtype=np.uint64)
_B = _GENERATOR.randint(0, _MERSENNE, size=NUM_PERM, dtype=np.uint64)


def text_dedup_method(docs: list[str]) -> list[np.ndarray]:
    """text-dedup's ``embed_func`` arithmetic on the same character shingles:
    SHA-1 per shingle (32 bits), then ``(a * h + b) mod (2**61 - 1)`` per permutation with numpy."""
    out = []
    for text in docs:
        tokens = set(sketch_shingles(normalize(text).text, SHINGLE))
        hashes = np.array(
            [struct.unpack("<I", hashlib.sha1(t.encode("utf-8")).digest()[:4])[0] for t in tokens], dtype=np.uint64
        )
        permuted = np.bitwise_and((hashes[:, None] * _A[None, :] + _B[None, :]) % _MERSENNE, _MAX_HASH)
        out.append(permuted.min(axis=0).astype(np.uint32))
    return out


PEERS = {
    "datasketch update_batch": datasketch_update_batch,
    "rensa RMinHash": rensa_rminhash,
    "text-dedup method": text_dedup_method,
}
