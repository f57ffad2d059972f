"""Near-duplicate posts: clusters of posts whose shingle sets are very similar.

Two posts are near-duplicates when the Jaccard similarity of their shingle
sets (see :mod:`authenticity.overlap`) is at least ``threshold``. Clusters
are the connected components of that relation.

- Small campaigns (at most ``exact_max`` posts) compare every pair exactly.
- Large campaigns use MinHash-LSH (:mod:`datasketch`) to find candidate pairs
  without comparing all pairs; every candidate is then verified with the
  exact Jaccard similarity, so a reported pair is never an estimate.

Results repeat across runs: the MinHash permutations come from a fixed
``seed`` and shingles are hashed with a stable hash (CRC-32 of the UTF-8
bytes), never Python's salted ``hash()``.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["EXACT_MAX", "DUP_THRESHOLD", "Cluster", "near_duplicates", "similarity_matrix"]

#: campaigns up to this many posts compare all pairs exactly
EXACT_MAX = 400
#: shingle Jaccard similarity at which two posts count as near-duplicates
DUP_THRESHOLD = 0.5
NUM_PERM = 128
SEED = 1


@dataclass(frozen=True)
class Cluster:
    """A group of near-duplicate posts (indices into the input list)."""

    members: tuple[int, ...]
    mean_similarity: float
    min_similarity: float


def _stable_hash(s: str) -> int:
    return zlib.crc32(s.encode("utf-8", "surrogatepass"))


def _exact_pairs(sets: Sequence[set[str]], threshold: float) -> dict[tuple[int, int], float]:
    pairs: dict[tuple[int, int], float] = {}
    sizes = [len(s) for s in sets]
    for i in range(len(sets)):
        a = sets[i]
        if not a:
            continue
        for j in range(i + 1, len(sets)):
            b = sets[j]
            if not b:
                continue
            # |a∩b|/|a∪b| <= min/max: skip pairs that cannot reach the threshold
            lo, hi = sorted((sizes[i], sizes[j]))
            if lo < threshold * hi:
                continue
            inter = len(a & b)
            sim = inter / (sizes[i] + sizes[j] - inter)
            if sim >= threshold:
                pairs[(i, j)] = sim
    return pairs


def _lsh_pairs(sets: Sequence[set[str]], threshold: float, num_perm: int,
               seed: int) -> dict[tuple[int, int], float]:
    from datasketch import MinHash, MinHashLSH

    # a slightly lower LSH threshold catches pairs whose MinHash estimate falls below the true value
    lsh = MinHashLSH(threshold=max(0.1, threshold - 0.1), num_perm=num_perm)
    template = MinHash(num_perm=num_perm, seed=seed, hashfunc=int)
    perms = template.permutations
    hashes: dict[str, int] = {}
    pairs: dict[tuple[int, int], float] = {}
    for i, s in enumerate(sets):
        if not s:
            continue
        m = MinHash(num_perm=num_perm, seed=seed, hashfunc=int, permutations=perms)
        hv = []
        for sh in s:
            h = hashes.get(sh)
            if h is None:
                h = hashes[sh] = _stable_hash(sh)
            hv.append(h)
        m.update_batch(hv)
        lsh.insert(i, m, check_duplication=False)
        for j in lsh.query(m):
            if j == i:
                continue
            a, b = sets[i], sets[j]
            inter = len(a & b)
            sim = inter / (len(a) + len(b) - inter)
            if sim >= threshold:
                pairs[(min(i, j), max(i, j))] = sim
    return pairs


def near_duplicates(sets: Sequence[set[str]], *, threshold: float = DUP_THRESHOLD, exact_max: int = EXACT_MAX,
                    num_perm: int = NUM_PERM, seed: int = SEED) -> tuple[list[Cluster], str]:
    """Clusters of near-duplicate posts and the method used (``"exact"`` or ``"minhash-lsh"``).

    ``sets`` holds one shingle set per post (an empty set never matches).
    Clusters are sorted by size, largest first; members are sorted.
    """
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    n = len(sets)
    if n <= exact_max:
        method = "exact"
        pairs = _exact_pairs(sets, threshold)
    else:
        method = "minhash-lsh"
        pairs = _lsh_pairs(sets, threshold, num_perm, seed)

    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j in pairs:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)
    groups: dict[int, list[int]] = {}
    for i, j in pairs:
        for x in (i, j):
            groups.setdefault(find(x), [])
    for x in range(n):
        r = find(x)
        if r in groups:
            groups[r].append(x)
    sims: dict[int, list[float]] = {}
    for (i, _j), s in pairs.items():
        sims.setdefault(find(i), []).append(s)
    clusters = [
        Cluster(tuple(sorted(set(m))), float(np.mean(sims[r])), float(np.min(sims[r])))
        for r, m in groups.items()
    ]
    clusters.sort(key=lambda c: (-len(c.members), c.members))
    return clusters, method


def similarity_matrix(sets: Sequence[set[str]]) -> np.ndarray:
    """All-pairs Jaccard similarity (for small campaigns and charts only)."""
    n = len(sets)
    out = np.eye(n)
    for i in range(n):
        for j in range(i + 1, n):
            a, b = sets[i], sets[j]
            if a and b:
                inter = len(a & b)
                out[i, j] = out[j, i] = inter / (len(a) + len(b) - inter)
    return out
