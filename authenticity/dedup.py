"""Near-duplicate posts: clusters of posts whose shingle sets are very similar.

Two posts are near-duplicates when the Jaccard similarity of their shingle
sets (see :mod:`authenticity.overlap`) is at least ``threshold``. Clusters
are the connected components of that relation.

- Small campaigns (at most ``exact_max`` posts) compare every pair exactly.
- Large campaigns use MinHash-LSH (:mod:`datasketch`) to find candidate pairs
  without comparing all pairs; every candidate is then verified with the
  exact Jaccard similarity, so a reported pair is never an estimate (a
  candidate already in the query post's cluster is not verified again).

Results repeat across runs: the MinHash permutations come from a fixed
``seed`` and shingles are hashed with a stable hash (CRC-32 of the UTF-8
bytes), never Python's salted ``hash()``.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["DUP_THRESHOLD", "EXACT_MAX", "Cluster", "Dedup", "near_duplicates", "similarity_matrix"]

#: campaigns up to this many posts compare all pairs exactly
EXACT_MAX = 400
#: shingle Jaccard similarity at which two posts count as near-duplicates
DUP_THRESHOLD = 0.5
NUM_PERM = 128
SEED = 1
#: candidates whose MinHash estimate is this far below the threshold are not verified
ESTIMATE_MARGIN = 0.15


@dataclass(frozen=True)
class Cluster:
    """A group of near-duplicate posts (indices into the input list)."""

    members: tuple[int, ...]
    #: mean and lowest similarity of the verified pairs that link the cluster
    mean_similarity: float
    min_similarity: float


@dataclass(frozen=True)
class Dedup:
    """The result of :func:`near_duplicates`."""

    clusters: tuple[Cluster, ...]
    method: str
    #: per post, the highest verified similarity to another post of its cluster (0.0 outside clusters)
    best: tuple[float, ...]


def _stable_hash(s: str) -> int:
    return zlib.crc32(s.encode("utf-8", "surrogatepass"))


class _Union:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _jaccard(a: set[str], b: set[str]) -> float:
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def _exact_pairs(sets: Sequence[set[str]], threshold: float) -> dict[tuple[int, int], float]:
    pairs: dict[tuple[int, int], float] = {}
    sizes = [len(s) for s in sets]
    for i in range(len(sets)):
        if not sets[i]:
            continue
        for j in range(i + 1, len(sets)):
            if not sets[j]:
                continue
            # |a∩b|/|a∪b| <= min/max: skip pairs that cannot reach the threshold
            lo, hi = sorted((sizes[i], sizes[j]))
            if lo < threshold * hi:
                continue
            sim = _jaccard(sets[i], sets[j])
            if sim >= threshold:
                pairs[(i, j)] = sim
    return pairs


def _lsh_pairs(sets: Sequence[set[str]], threshold: float, num_perm: int, seed: int,
               uf: _Union) -> dict[tuple[int, int], float]:
    """Candidate pairs from MinHash-LSH, each verified exactly.

    A candidate already in the same cluster as the query post is not verified
    again, so a large cluster of copies costs about one verification per post
    rather than one per pair.
    """
    from datasketch import MinHash, MinHashLSH

    # a slightly lower LSH threshold catches pairs whose MinHash estimate falls below the true value
    lsh = MinHashLSH(threshold=max(0.1, threshold - 0.1), num_perm=num_perm)
    template = MinHash(num_perm=num_perm, seed=seed, hashfunc=int)
    perms, scheme = template.permutations, template.scheme
    hashes: dict[str, int] = {}
    pairs: dict[tuple[int, int], float] = {}
    sigs = np.zeros((len(sets), num_perm), dtype=template.hashvalues.dtype)
    for i, s in enumerate(sets):
        if not s:
            continue
        m = MinHash(num_perm=num_perm, seed=seed, hashfunc=int, permutations=perms, scheme=scheme)
        hv = []
        for sh in s:
            h = hashes.get(sh)
            if h is None:
                h = hashes[sh] = _stable_hash(sh)
            hv.append(h)
        m.update_batch(hv)
        sigs[i] = m.hashvalues
        cands = np.array(sorted(lsh.query(m)), dtype=np.int64)
        if len(cands):
            # the MinHash estimate screens out candidates far below the threshold before the exact check
            est = (sigs[cands] == sigs[i]).mean(axis=1)
            for j in cands[est >= threshold - ESTIMATE_MARGIN].tolist():
                if uf.find(i) == uf.find(j):
                    continue
                sim = _jaccard(s, sets[j])
                if sim >= threshold:
                    pairs[(j, i)] = sim
                    uf.union(i, j)
        lsh.insert(i, m, check_duplication=False)
    return pairs


def near_duplicates(sets: Sequence[set[str]], *, threshold: float = DUP_THRESHOLD, exact_max: int = EXACT_MAX,
                    num_perm: int = NUM_PERM, seed: int = SEED) -> Dedup:
    """Clusters of near-duplicate posts (see the module docstring).

    ``sets`` holds one shingle set per post (an empty set never matches).
    Clusters are sorted by size, largest first; members are sorted.
    """
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    n = len(sets)
    uf = _Union(n)
    if n <= exact_max:
        method = "exact"
        pairs = _exact_pairs(sets, threshold)
        for i, j in pairs:
            uf.union(i, j)
    else:
        method = "minhash-lsh"
        pairs = _lsh_pairs(sets, threshold, num_perm, seed, uf)
    best = [0.0] * n
    groups: dict[int, set[int]] = {}
    sims: dict[int, list[float]] = {}
    for (i, j), s in pairs.items():
        r = uf.find(i)
        groups.setdefault(r, set()).update((i, j))
        sims.setdefault(r, []).append(s)
        best[i] = max(best[i], s)
        best[j] = max(best[j], s)
    clusters = [
        Cluster(tuple(sorted(m)), float(np.mean(sims[r])), float(np.min(sims[r])))
        for r, m in groups.items()
    ]
    clusters.sort(key=lambda c: (-len(c.members), c.members))
    return Dedup(tuple(clusters), method, tuple(best))


def similarity_matrix(sets: Sequence[set[str]]) -> np.ndarray:
    """All-pairs Jaccard similarity (for small campaigns and charts only)."""
    n = len(sets)
    out = np.eye(n)
    for i in range(n):
        for j in range(i + 1, n):
            if sets[i] and sets[j]:
                out[i, j] = out[j, i] = _jaccard(sets[i], sets[j])
    return out
