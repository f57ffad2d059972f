"""Compiled inner loops for the scoring path, used when numba is installed (``pip install 'authenticity[fast]'``).

Each kernel computes exactly what the NumPy code in :mod:`authenticity.features`
computes (the same hashes, counts and sums; only the order of floating-point
additions differs), in one pass per post instead of a sort per batch: about 4x
faster for the character n-grams. ``available()`` says whether they can be
used; ``AUTHENTICITY_NUMBA=0`` turns them off. Nothing here is imported unless
numba is present, so the package works without it.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any

import numpy as np

__all__ = ["available", "char_sums", "key_sums"]


@lru_cache(maxsize=1)
def _compiled() -> tuple[Any, Any] | None:
    if os.environ.get("AUTHENTICITY_NUMBA", "1").strip().lower() in ("0", "false", "no", "off"):
        return None
    try:
        from numba import njit
    except ImportError:
        return None

    @njit(cache=True, nogil=True)
    def _char(cp, bounds, n_min, n_max, buckets, idf_coef, idf_sq, counts, stamp, touched):  # type: ignore[no-untyped-def]
        n = len(bounds) - 1
        dot = np.zeros(n)
        sq = np.zeros(n)
        prime = np.uint64(0x100000001B3)
        m1 = np.uint64(0xBF58476D1CE4E5B9)
        m2 = np.uint64(0x94D049BB133111EB)
        one = np.uint64(1)
        s31 = np.uint64(31)
        s29 = np.uint64(29)
        pow2 = (buckets & (buckets - 1)) == 0
        mask = np.uint64(buckets - 1)
        ubuckets = np.uint64(buckets)
        for d in range(n):
            start = bounds[d]
            end = bounds[d + 1]
            tag = stamp[-1] + 1  # a fresh stamp per post: no clearing of the count table
            stamp[-1] = tag
            n_touched = 0
            for i in range(start, end):
                h = np.uint64(0)
                for k in range(1, n_max + 1):
                    j = i + k - 1
                    if j >= end:
                        break
                    h = h * prime + (np.uint64(cp[j]) + one)
                    if k < n_min:
                        continue
                    if k == 1 and (cp[i] == 32 or cp[i] == 10):
                        continue
                    g = h ^ (np.uint64(k) * m2)
                    g ^= g >> s31
                    g *= m1
                    g ^= g >> s29
                    b = np.int64(g & mask) if pow2 else np.int64(g % ubuckets)
                    if stamp[b] != tag:
                        stamp[b] = tag
                        counts[b] = 1
                        touched[n_touched] = b
                        n_touched += 1
                    else:
                        counts[b] += 1
            a = 0.0
            q = 0.0
            for t in range(n_touched):
                b = touched[t]
                tf = 1.0 + np.log(counts[b])
                a += tf * idf_coef[b]
                q += tf * tf * idf_sq[b]
            dot[d] = a
            sq[d] = q
        return dot, sq

    @njit(cache=True, nogil=True)
    def _keys(keys, bounds, idf_coef, idf_sq, counts, stamp, touched):  # type: ignore[no-untyped-def]
        n = len(bounds) - 1
        dot = np.zeros(n)
        sq = np.zeros(n)
        for d in range(n):
            tag = stamp[-1] + 1
            stamp[-1] = tag
            n_touched = 0
            for i in range(bounds[d], bounds[d + 1]):
                c = keys[i]
                if c < 0:
                    continue
                if stamp[c] != tag:
                    stamp[c] = tag
                    counts[c] = 1
                    touched[n_touched] = c
                    n_touched += 1
                else:
                    counts[c] += 1
            a = 0.0
            q = 0.0
            for t in range(n_touched):
                c = touched[t]
                tf = 1.0 + np.log(counts[c])
                a += tf * idf_coef[c]
                q += tf * tf * idf_sq[c]
            dot[d] = a
            sq[d] = q
        return dot, sq

    return _char, _keys


def available() -> bool:
    """True when numba is installed and not turned off with ``AUTHENTICITY_NUMBA=0``."""
    return _compiled() is not None


def _tables(n_cols: int, n_keys: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    # stamp[-1] holds the last stamp used; the tables are small next to the model and built per call
    return np.zeros(n_cols, dtype=np.int32), np.zeros(n_cols + 1, dtype=np.int64), np.empty(max(n_keys, 1), np.int64)


def char_sums(texts: list[str], n_min: int, n_max: int, buckets: int, idf_coef: np.ndarray,
              idf_sq: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-post ``sum(tf * idf * coef)`` and ``sum((tf * idf) ** 2)`` over distinct character n-gram buckets."""
    kernels = _compiled()
    assert kernels is not None
    cp = np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    bounds = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(lengths, out=bounds[1:])
    counts, stamp, touched = _tables(buckets, n_max * int(lengths.max(initial=0)))
    return kernels[0](cp, bounds, n_min, n_max, buckets, idf_coef, idf_sq, counts, stamp, touched)


def key_sums(keys: np.ndarray, bounds: np.ndarray, n_cols: int, idf_coef: np.ndarray,
             idf_sq: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The same sums for integer keys (``-1`` is skipped), post *d* owning ``keys[bounds[d]:bounds[d + 1]]``."""
    kernels = _compiled()
    assert kernels is not None
    counts, stamp, touched = _tables(n_cols, int(np.diff(bounds).max(initial=0)))
    return kernels[1](keys, bounds, idf_coef, idf_sq, counts, stamp, touched)
