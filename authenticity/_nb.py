"""The numba kernels of :mod:`authenticity._kernels`, imported only when numba is installed and wanted.

They live at module level, not in a closure, so that numba's on-disk cache
(``cache=True``) finds them again: a closure's cache key includes its captured
values, which differ from one process to the next, so every process compiled
them afresh (about a second and a half at every start of ``score``).
"""

from __future__ import annotations

import numpy as np
from numba import njit


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
def char(cp, bounds, n_min, n_max, buckets, idf, counts, grams, touched):  # type: ignore[no-untyped-def]
    """Character n-gram sums: ``idf[:, 0]`` holds ``idf * coef`` and ``idf[:, 1]`` holds ``idf ** 2`` per bucket.

    Per post: hash every n-gram into ``grams``, count them (``counts`` is all zeros between posts: each post
    clears what it counted), then sum over the distinct buckets in order of first occurrence. The tables are
    touched at random, so they are kept small (32-bit counts; the two idf columns side by side on one cache line).
    """
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
        m = 0
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
                grams[m] = np.int64(g & mask) if pow2 else np.int64(g % ubuckets)
                m += 1
        n_touched = 0
        for t in range(m):
            b = grams[t]
            c = counts[b]
            if c == 0:
                touched[n_touched] = b
                n_touched += 1
            counts[b] = c + 1
        a = 0.0
        q = 0.0
        for t in range(n_touched):
            b = touched[t]
            tf = 1.0 + np.log(counts[b])
            counts[b] = 0
            a += tf * idf[b, 0]
            q += tf * tf * idf[b, 1]
        dot[d] = a
        sq[d] = q
    return dot, sq


@njit(cache=True, nogil=True)
def keys(keys, bounds, idf_coef, idf_sq, counts, stamp, touched):  # type: ignore[no-untyped-def]
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
def literals(cp, bounds, root, edge_keys, edge_child, term_ptr, term_sig, term_start, term_end, word,
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



@njit(cache=True, nogil=True, inline="always")
def _probe(key, map_keys, map_values, shift, mask):  # type: ignore[no-untyped-def]
    """``IntMap.get`` of one key: linear probing from the key's multiplicative hash."""
    slot = np.int64((np.uint64(key) * np.uint64(0x9E3779B97F4A7C15)) >> shift)
    while True:
        k = map_keys[slot]
        if k == key:
            return map_values[slot]
        if k == -1:
            return np.int64(-1)
        slot = (slot + 1) & mask


@njit(cache=True, nogil=True)
def words(tok_ids, tok_bounds, piece_ids, unigram_col, map_keys, map_values, map_bits, n_tok, bigrams, idf_coef,
          idf_sq, counts, stamp, touched, seq):  # type: ignore[no-untyped-def]
    """Word n-gram sums of posts given as token ids with their Chinese runs still whole (``-2``).

    Post *d* has tokens ``tok_ids[tok_bounds[d]:tok_bounds[d + 1]]``; ``piece_ids`` holds the words of all the
    batch's runs, in order, one run's words after another with ``-3`` between runs.
    Splices the words in (as ``tokenize.splice`` does), then counts each token's unigram column and the column of
    the bigram it starts, as ``key_sums`` counts the keys ``Featurizer._word_decision`` makes. Returns the two
    sums and the number of tokens of each post.
    """
    n = len(tok_bounds) - 1
    dot = np.zeros(n)
    sq = np.zeros(n)
    n_tokens = np.zeros(n, dtype=np.int64)
    shift = np.uint64(64 - map_bits)
    mask = np.int64(len(map_keys) - 1)
    p = 0
    p_end = len(piece_ids)
    for d in range(n):
        m = 0
        for i in range(tok_bounds[d], tok_bounds[d + 1]):
            if tok_ids[i] == -2:
                while p < p_end and piece_ids[p] != -3:
                    seq[m] = piece_ids[p]
                    m += 1
                    p += 1
                p += 1  # the separator
            else:
                seq[m] = tok_ids[i]
                m += 1
        n_tokens[d] = m
        tag = stamp[-1] + 1
        stamp[-1] = tag
        n_touched = 0
        for k in range(m):
            t = seq[k]
            if t < 0:
                continue
            c = unigram_col[t]
            if c >= 0:
                n_touched = _count(c, tag, stamp, counts, touched, n_touched)
            if bigrams and k + 1 < m and seq[k + 1] >= 0:
                c = _probe(t * n_tok + seq[k + 1], map_keys, map_values, shift, mask)
                if c >= 0:
                    n_touched = _count(c, tag, stamp, counts, touched, n_touched)
        dot[d], sq[d] = _sums(touched, n_touched, counts, idf_coef, idf_sq)
    return dot, sq, n_tokens


# Kinds of characters in ``tokenize.char_kinds`` (bits), and the kind of every character beyond the table.
_PH = 1
_TAG = 2
_BEMOJI = 4
_CJK = 8
_WORD = 16
_PUNCT = 32
_EMOJI = 64
_BEYOND = _TAG | _BEMOJI


@njit(cache=True, nogil=True, inline="always")
def _hash_span(cp, a, b):  # type: ignore[no-untyped-def]
    h = np.uint64(0xCBF29CE484222325)
    for i in range(a, b):
        h = (h ^ np.uint64(cp[i])) * np.uint64(0x100000001B3)
    h ^= h >> np.uint64(31)
    h *= np.uint64(0xBF58476D1CE4E5B9)
    h ^= h >> np.uint64(29)
    return h


@njit(cache=True, nogil=True)
def vocab_table(v_cp, v_off, size):  # type: ignore[no-untyped-def]
    """An open-addressing table (``size`` a power of two) from the hash of each word's code points to its id."""
    keys = np.zeros(size, dtype=np.uint64)
    vals = np.full(size, -1, dtype=np.int64)
    mask = np.uint64(size - 1)
    for t in range(len(v_off) - 1):
        h = _hash_span(v_cp, v_off[t], v_off[t + 1])
        slot = np.int64(h & mask)
        while vals[slot] >= 0:
            slot = (slot + 1) & (size - 1)
        keys[slot] = h
        vals[slot] = t
    return keys, vals


@njit(cache=True, nogil=True, inline="always")
def _lookup(cp, a, b, keys, vals, v_cp, v_off):  # type: ignore[no-untyped-def]
    """The id of the word ``cp[a:b]`` in ``vocab_table``, or -1; the code points are compared, not just hashes."""
    h = _hash_span(cp, a, b)
    size = len(vals)
    slot = np.int64(h & np.uint64(size - 1))
    while True:
        t = vals[slot]
        if t < 0:
            return np.int64(-1)
        if keys[slot] == h:
            o = v_off[t]
            if v_off[t + 1] - o == b - a:
                same = True
                for k in range(b - a):
                    if v_cp[o + k] != cp[a + k]:
                        same = False
                        break
                if same:
                    return t
        slot = (slot + 1) & (size - 1)


@njit(cache=True, nogil=True)
def tokens(cp, bounds, kinds, keys, vals, v_cp, v_off, tok_ids, tok_bounds, run_start, run_end, run_bounds,
           n_tags):  # type: ignore[no-untyped-def]
    """``tokenize.token_parts`` in one pass over code points, as vocabulary ids.

    Finds the tokens of ``tokenize._TOKEN_RE`` (the same alternatives, in the same order, with the same greedy
    lengths) and writes each one's id in the vocabulary table (-1 if absent), or -2 for a run of Chinese
    characters, whose span goes to ``run_start``/``run_end`` for the segmenter. Counts each post's hashtags.
    """
    n = len(bounds) - 1
    n_kinds = len(kinds)
    m = 0
    r = 0
    for d in range(n):
        s = bounds[d]
        e = bounds[d + 1]
        tags = 0
        i = s
        while i < e:
            c = cp[i]
            k = kinds[c] if c < n_kinds else _BEYOND
            j = i + 1
            if k & _PH:
                pass
            elif c == 35:  # "#": a hashtag of 1-40 body characters
                while j < e and j - i <= 40 and ((kinds[cp[j]] if cp[j] < n_kinds else _BEYOND) & _TAG):
                    j += 1
                if j == i + 1:
                    i += 1
                    continue
                tags += 1
            elif c == 91:  # "[": a bracket emoji, [ + 1-8 body characters + r]
                while j < e and j - i <= 10 and ((kinds[cp[j]] if cp[j] < n_kinds else _BEYOND) & _BEMOJI):
                    j += 1
                if not (j < e and cp[j] == 93 and cp[j - 1] == 114 and 1 <= j - i - 2 <= 8):
                    i += 1
                    continue
                j += 1
            elif k & _CJK:
                while j < e and cp[j] < n_kinds and kinds[cp[j]] & _CJK:
                    j += 1
                tok_ids[m] = -2
                m += 1
                run_start[r] = i
                run_end[r] = j
                r += 1
                i = j
                continue
            elif k & _WORD:
                while True:
                    while j < e and cp[j] < n_kinds and kinds[cp[j]] & _WORD:
                        j += 1
                    # an apostrophe joins two words (don't, it’s)
                    if j + 1 < e and (cp[j] == 39 or cp[j] == 0x2019) and cp[j + 1] < n_kinds \
                            and kinds[cp[j + 1]] & _WORD:
                        j += 2
                    else:
                        break
            elif k & _PUNCT:
                pass
            elif k & _EMOJI:
                if j < e and cp[j] == 0xFE0F:
                    j += 1
            else:
                i += 1
                continue
            tok_ids[m] = _lookup(cp, i, j, keys, vals, v_cp, v_off)
            m += 1
            i = j
        tok_bounds[d + 1] = m
        run_bounds[d + 1] = r
        n_tags[d] = tags


@njit(cache=True, nogil=True)
def gates(cp, bounds, digit, first, w_cp, w_off, w_group, n_groups):  # type: ignore[no-untyped-def]
    """Three of ``normalize``'s gates for each post: a phone number's digits, and a word of each ``GATE_WORDS`` group.

    Column 0: ``\\d(?:\\d{6}|\\d\\d-\\d)`` (seven decimal digits in a row, or three and a hyphen and one more);
    column 1 + g: a word of group g (``w_cp[w_off[k]:w_off[k + 1]]`` for the words k with ``w_group[k] == g``)
    occurs. ``first[c]`` tells whether some word starts with the character ``c``.
    """
    n = len(bounds) - 1
    out = np.zeros((n, 1 + n_groups), dtype=np.bool_)
    n_digit = len(digit)
    n_first = len(first)
    for d in range(n):
        s = bounds[d]
        e = bounds[d + 1]
        run = 0  # decimal digits in a row, ending at i
        for i in range(s, e):
            c = cp[i]
            if c < n_digit and digit[c]:
                run += 1
                if run >= 7:
                    out[d, 0] = True
            else:
                if c == 45 and run >= 3 and i + 1 < e and cp[i + 1] < n_digit and digit[cp[i + 1]]:
                    out[d, 0] = True
                run = 0
            if c < n_first and first[c]:
                for k in range(len(w_off) - 1):
                    a = w_off[k]
                    b = w_off[k + 1]
                    if w_cp[a] != c or i + (b - a) > e:
                        continue
                    same = True
                    for t in range(1, b - a):
                        if cp[i + t] != w_cp[a + t]:
                            same = False
                            break
                    if same:
                        out[d, 1 + w_group[k]] = True
    return out
