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
import threading
from functools import lru_cache
from typing import Any

import numpy as np

__all__ = ["MIN_BATCH", "LiteralTable", "available", "char_sums", "key_sums", "literal_counts", "use"]

# Batches smaller than this use the plain NumPy / regex code even when the kernels are available: loading them
# costs a few tenths of a second once per process, which a single draft check should not pay.
MIN_BATCH = 500
_WORD_TABLE_SIZE = 0x40000


_lock = threading.Lock()


def _compiled() -> tuple[Any, Any, Any] | None:
    with _lock:  # one compilation even when the web server's threads ask at once
        return _compile()


@lru_cache(maxsize=1)
def _compile() -> tuple[Any, Any, Any] | None:
    if os.environ.get("AUTHENTICITY_NUMBA", "1").strip().lower() in ("0", "false", "no", "off"):
        return None
    try:
        from numba import njit
    except ImportError:
        return None

    @njit(cache=True, nogil=True, inline="always")
    def _count(c, tag, stamp, counts, touched, n_touched):  # type: ignore[no-untyped-def]
        """Count column ``c`` for the post stamped ``tag``; returns the new number of distinct columns."""
        if stamp[c] != tag:
            stamp[c] = tag
            counts[c] = 1
            touched[n_touched] = c
            return n_touched + 1
        counts[c] += 1
        return n_touched

    @njit(cache=True, nogil=True, inline="always")
    def _sums(touched, n_touched, counts, idf_coef, idf_sq):  # type: ignore[no-untyped-def]
        """``sum(tf * idf * coef)`` and ``sum((tf * idf) ** 2)`` over one post's distinct columns."""
        a = 0.0
        q = 0.0
        for t in range(n_touched):
            c = touched[t]
            tf = 1.0 + np.log(counts[c])
            a += tf * idf_coef[c]
            q += tf * tf * idf_sq[c]
        return a, q

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
                    n_touched = _count(b, tag, stamp, counts, touched, n_touched)
            dot[d], sq[d] = _sums(touched, n_touched, counts, idf_coef, idf_sq)
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
                if keys[i] >= 0:
                    n_touched = _count(keys[i], tag, stamp, counts, touched, n_touched)
            dot[d], sq[d] = _sums(touched, n_touched, counts, idf_coef, idf_sq)
        return dot, sq

    @njit(cache=True, nogil=True)
    def _literals(cp, bounds, root, edge_keys, edge_child, term_ptr, term_sig, term_start, term_end, word,
                  n_sig):  # type: ignore[no-untyped-def]
        n = len(bounds) - 1
        counts = np.zeros((n, n_sig), dtype=np.int64)
        next_free = np.zeros(n_sig, dtype=np.int64)
        best = np.zeros(n_sig, dtype=np.int64)
        hit = np.empty(n_sig, dtype=np.int64)
        n_edges = len(edge_keys)
        n_word = len(word)
        for d in range(n):
            start = bounds[d]
            end = bounds[d + 1]
            next_free[:] = start
            for i in range(start, end):
                c = cp[i]
                if c >= len(root):
                    continue
                node = root[c]
                if node < 0:
                    continue
                n_hit = 0
                j = i + 1
                while True:
                    for t in range(term_ptr[node], term_ptr[node + 1]):
                        sig = term_sig[t]
                        if i < next_free[sig]:
                            continue
                        if term_start[t] and i > start and cp[i - 1] < n_word and word[cp[i - 1]]:
                            continue
                        if term_end[t] and j < end and cp[j] < n_word and word[cp[j]]:
                            continue
                        if best[sig] == 0:
                            hit[n_hit] = sig
                            n_hit += 1
                        best[sig] = j - i  # deeper is longer: the longest word wins
                    if j >= end:
                        break
                    key = (np.int64(node) << 21) | np.int64(cp[j])
                    lo = 0
                    hi = n_edges
                    while lo < hi:
                        mid = (lo + hi) >> 1
                        if edge_keys[mid] < key:
                            lo = mid + 1
                        else:
                            hi = mid
                    if lo == n_edges or edge_keys[lo] != key:
                        break
                    node = edge_child[lo]
                    j += 1
                for h in range(n_hit):
                    sig = hit[h]
                    counts[d, sig] += 1
                    next_free[sig] = i + best[sig]
                    best[sig] = 0
        return counts

    return _char, _keys, _literals


def available() -> bool:
    """True when numba is installed and not turned off with ``AUTHENTICITY_NUMBA=0``."""
    return _compiled() is not None


def warm_up() -> None:
    """Compile (or load from numba's cache) every kernel and build the word-character table."""
    kernels = _compiled()
    if kernels is None:
        return
    char_sums(["ab"], 1, 2, 16, np.zeros(16), np.zeros(16))
    key_sums(np.array([0, -1], dtype=np.int64), np.array([0, 2], dtype=np.int64), 1, np.zeros(1), np.zeros(1))
    literal_counts(["ab"], LiteralTable([(("a", True),)]))


def use(n_docs: int) -> bool:
    """Whether a batch of ``n_docs`` posts should use the kernels."""
    return n_docs >= MIN_BATCH and available()


@lru_cache(maxsize=1)
def _word_chars() -> np.ndarray:
    """``table[cp]`` is True when ``chr(cp)`` is a regex word character (``\\w``).

    The table covers planes 0-3, where every letter and digit of Unicode is; the kernel takes code points beyond
    it (unassigned planes, tags, private use) as non-word characters, as the regex engine does.
    """
    import re

    table = np.zeros(_WORD_TABLE_SIZE, dtype=bool)
    for m in re.finditer(r"\w+", "".join(map(chr, range(_WORD_TABLE_SIZE)))):  # word characters come in runs
        table[m.start() : m.end()] = True
    return table


class LiteralTable:
    """Lists of literal words, one list per signal, as a trie the kernel walks once per position.

    At each position every signal takes its longest word that matches there (a Latin word only as a whole word:
    no word character before it, nor after it when it ends in a letter or digit), unless its previous match
    still covers the position: what ``authenticity.signals.keyword_pattern`` does, for all lists in one pass.
    """

    def __init__(self, lists: list[tuple[tuple[str, bool], ...]]) -> None:
        """``lists[k]`` holds ``(word, latin)`` pairs of signal *k*."""
        children: list[dict[int, int]] = [{}]
        terms: list[list[tuple[int, bool, bool]]] = [[]]
        for k, words in enumerate(lists):
            # the regexes try a list's other words before its Latin words; longest-first agrees unless an other
            # word is a prefix of a Latin one
            others = [w for w, latin in words if not latin]
            for word, latin in words:
                if latin and any(word.startswith(o) for o in others):
                    raise ValueError(f"list {k}: {word!r} starts with a non-Latin word of the same list")
            for word, latin in words:
                node = 0
                for ch in word:
                    nxt = children[node].get(ord(ch))
                    if nxt is None:
                        nxt = len(children)
                        children[node][ord(ch)] = nxt
                        children.append({})
                        terms.append([])
                    node = nxt
                terms[node].append((k, latin, latin and word[-1].isalnum()))
        firsts = children[0]
        self.root = np.full(max(firsts, default=0) + 1, -1, dtype=np.int32)
        for ch, child in firsts.items():
            self.root[ch] = child
        edges = sorted(((node << 21) | ch, child) for node in range(1, len(children))
                       for ch, child in children[node].items())
        self.edge_keys = np.array([e for e, _ in edges], dtype=np.int64)
        self.edge_child = np.array([c for _, c in edges], dtype=np.int32)
        self.term_ptr = np.zeros(len(terms) + 1, dtype=np.int64)
        np.cumsum([len(t) for t in terms], out=self.term_ptr[1:])
        flat = [x for t in terms for x in t]
        self.term_sig = np.array([x[0] for x in flat], dtype=np.int64)
        self.term_start = np.array([x[1] for x in flat], dtype=np.bool_)
        self.term_end = np.array([x[2] for x in flat], dtype=np.bool_)
        self.n_lists = len(lists)


def literal_counts(texts: list[str], table: LiteralTable) -> np.ndarray:
    """Matches per post and list, shape ``(len(texts), table.n_lists)``."""
    kernels = _compiled()
    assert kernels is not None
    cp = np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    bounds = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)), out=bounds[1:])
    return kernels[2](cp, bounds, table.root, table.edge_keys, table.edge_child, table.term_ptr, table.term_sig,
                      table.term_start, table.term_end, _word_chars(), table.n_lists)


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
