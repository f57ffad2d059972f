"""Compiled inner loops for the scoring path, used when numba is installed (``pip install 'authenticity[fast]'``).

Each kernel computes exactly what the plain code computes, in one pass per
post: the character n-gram sums and the word n-gram sums of
:mod:`authenticity.features` (the same hashes, counts and sums; only the order
of floating-point additions differs), the token regex of
:mod:`authenticity.tokenize` straight into vocabulary ids, the literal-keyword
signals of :mod:`authenticity.signals` and three substitution gates of
:mod:`authenticity.normalize`. The tests pin each one to the plain code.
``available()`` says whether they can be used; ``AUTHENTICITY_NUMBA=0`` turns
them off. The kernels themselves are in :mod:`authenticity._nb`, imported only
when numba is present, so the package works without it.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, NamedTuple

import numpy as np

from ._constants import numba_wanted

__all__ = ["MIN_BATCH", "LiteralTable", "Tokens", "VocabTable", "available", "char_sums", "char_sums_cp", "code_points",
           "gate_flags", "key_sums", "literal_counts", "tokenize_ids", "use", "word_sums"]

# Batches smaller than this use the plain NumPy / regex code even when the kernels are available: loading them
# costs a few tenths of a second once per process, which a single draft check should not pay.
MIN_BATCH = 500
_WORD_TABLE_SIZE = 0x40000


_lock = threading.Lock()


def _compiled() -> Any:
    with _lock:  # one compilation even when the web server's threads ask at once
        return _compile()


@lru_cache(maxsize=1)
def _compile() -> Any:
    if not numba_wanted():
        return None
    try:
        from . import _nb
    except ImportError:  # numba is not installed
        return None

    return _nb


def available() -> bool:
    """True when numba is installed and not turned off with ``AUTHENTICITY_NUMBA=0``."""
    return _compiled() is not None


def warm_up() -> None:
    """Compile (or load from numba's cache) every kernel and build the word-character table."""
    kernels = _compiled()
    if kernels is None:
        return
    char_sums(["ab"], 1, 2, 16, np.zeros((16, 2)))
    key_sums(np.array([0, -1], dtype=np.int64), np.array([0, 2], dtype=np.int64), 1, np.zeros(1), np.zeros(1))
    literal_counts(["ab"], LiteralTable([(("a", True),)]))
    one = np.array([0, 1], dtype=np.int64)
    word_sums(np.array([0], dtype=np.int64), one, np.array([0], dtype=np.int64), np.array([0, -1], dtype=np.int64),
              np.full(16, -1, dtype=np.int64), np.full(16, -1, dtype=np.int64), 4, 1, True, np.zeros(1), np.zeros(1))
    cp = np.frombuffer("ab".encode("utf-32-le"), dtype=np.uint32)
    tokenize_ids(cp, np.array([0, 2], dtype=np.int64), np.zeros(128, dtype=np.uint8), VocabTable(["ab"]))
    gate_flags(["ab"], np.zeros(128, dtype=np.bool_), (("a",),))


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
    cp, bounds = code_points(texts)
    return kernels.literals(cp, bounds, table.root, table.edge_keys, table.edge_child, table.term_ptr, table.term_sig,
                      table.term_start, table.term_end, _word_chars(), table.n_lists)


def _tables(n_cols: int, n_keys: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    # stamp[-1] holds the last stamp used; the tables are small next to the model and built per call
    return np.zeros(n_cols, dtype=np.int32), np.zeros(n_cols + 1, dtype=np.int64), np.empty(max(n_keys, 1), np.int64)


def char_sums(texts: list[str], n_min: int, n_max: int, buckets: int,
              idf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-post ``sum(tf * idf * coef)`` and ``sum((tf * idf) ** 2)`` over distinct character n-gram buckets.

    ``idf`` has shape ``(buckets, 2)``: ``idf * coef`` and ``idf ** 2`` of each bucket.
    """
    cp, bounds = code_points(texts)
    return char_sums_cp(cp, bounds, n_min, n_max, buckets, idf)


def char_sums_cp(cp: np.ndarray, bounds: np.ndarray, n_min: int, n_max: int, buckets: int,
                 idf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``char_sums`` of the posts ``cp[bounds[d]:bounds[d + 1]]`` given as code points."""
    kernels = _compiled()
    assert kernels is not None
    most = max(n_max * int(np.diff(bounds).max(initial=0)), 1)
    return kernels.char(cp, bounds, n_min, n_max, buckets, idf, np.zeros(buckets, dtype=np.int32),
                        np.empty(most, dtype=np.int64), np.empty(most, dtype=np.int64))


def key_sums(keys: np.ndarray, bounds: np.ndarray, n_cols: int, idf_coef: np.ndarray,
             idf_sq: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The same sums for integer keys (``-1`` is skipped), post *d* owning ``keys[bounds[d]:bounds[d + 1]]``."""
    kernels = _compiled()
    assert kernels is not None
    counts, stamp, touched = _tables(n_cols, int(np.diff(bounds).max(initial=0)))
    return kernels.keys(keys, bounds, idf_coef, idf_sq, counts, stamp, touched)


def word_sums(tok_ids: np.ndarray, tok_bounds: np.ndarray, piece_ids: np.ndarray, unigram_col: np.ndarray,
              map_keys: np.ndarray, map_values: np.ndarray, map_bits: int, n_tok: int, bigrams: bool,
              idf_coef: np.ndarray, idf_sq: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Word n-gram sums of posts whose Chinese runs are spliced in here (see ``_nb.words``), and token counts."""
    kernels = _compiled()
    assert kernels is not None
    longest = int(np.diff(tok_bounds).max(initial=0)) + len(piece_ids)  # a bound on one post's spliced tokens
    counts, stamp, touched = _tables(len(idf_coef), 2 * longest)
    seq = np.empty(max(longest, 1), dtype=np.int64)
    return kernels.words(tok_ids, tok_bounds, piece_ids, unigram_col, map_keys, map_values, map_bits, n_tok, bigrams,
                         idf_coef, idf_sq, counts, stamp, touched, seq)


class VocabTable:
    """Words (tokens) and their ids, as the compiled tokenizer looks them up: by code points, in a hash table."""

    def __init__(self, words: list[str]) -> None:
        """``words[i]`` gets id *i*."""
        kernels = _compiled()
        assert kernels is not None
        self.cp, self.off = code_points(words)
        size = 1 << max(4, (4 * len(words)).bit_length())
        self.keys, self.vals = kernels.vocab_table(self.cp, self.off, size)


class Tokens(NamedTuple):
    """The compiled tokenizer's output for a batch of posts (see ``_nb.tokens``)."""

    ids: np.ndarray  # a token's id in the vocabulary, -1 if absent, -2 for a run of Chinese characters
    bounds: np.ndarray  # post d's tokens are ids[bounds[d]:bounds[d + 1]]
    run_start: list[int]  # the runs' spans in the batch's code points, post by post
    run_end: list[int]
    run_bounds: list[int]  # post d's runs are run_start[run_bounds[d]:run_bounds[d + 1]]
    n_tags: np.ndarray  # hashtags per post


def tokenize_ids(cp: np.ndarray, bounds: np.ndarray, kinds: np.ndarray, vocab: VocabTable) -> Tokens:
    """Tokens of the posts ``cp[bounds[d]:bounds[d + 1]]`` (code points of normalized text), as in ``token_parts``."""
    kernels = _compiled()
    assert kernels is not None
    n = len(bounds) - 1
    size = max(len(cp), 1)
    ids = np.empty(size, dtype=np.int64)
    tok_bounds = np.zeros(n + 1, dtype=np.int64)
    run_start = np.empty(size, dtype=np.int64)
    run_end = np.empty(size, dtype=np.int64)
    run_bounds = np.zeros(n + 1, dtype=np.int64)
    n_tags = np.zeros(n, dtype=np.int64)
    kernels.tokens(cp, bounds, kinds, vocab.keys, vocab.vals, vocab.cp, vocab.off, ids, tok_bounds, run_start,
                   run_end, run_bounds, n_tags)
    n_runs = int(run_bounds[-1])
    return Tokens(ids[: tok_bounds[-1]], tok_bounds, run_start[:n_runs].tolist(), run_end[:n_runs].tolist(),
                  run_bounds.tolist(), n_tags)


def gate_flags(texts: list[str], digit: np.ndarray, groups: tuple[tuple[str, ...], ...]) -> np.ndarray:
    """Per post: whether a phone number's digits occur, and whether a word of each group does (see ``_nb.gates``)."""
    kernels = _compiled()
    assert kernels is not None
    cp, bounds = code_points(texts)
    return kernels.gates(cp, bounds, digit, *_gate_words(groups), len(groups))


@lru_cache(maxsize=4)
def _gate_words(groups: tuple[tuple[str, ...], ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``first``, ``w_cp``, ``w_off`` and ``w_group`` of ``_nb.gates`` for word groups (built once)."""
    words = [w for g in groups for w in g]
    w_cp, w_off = code_points(words)
    w_group = np.array([k for k, g in enumerate(groups) for _ in g], dtype=np.int64)
    first = np.zeros(max(map(ord, (w[0] for w in words)), default=0) + 1, dtype=np.bool_)
    first[[ord(w[0]) for w in words]] = True
    return first, w_cp, w_off, w_group


def code_points(texts: Sequence[str], joined: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The texts' code points, concatenated, and where each text starts (``bounds[d]:bounds[d + 1]``).

    ``joined`` is ``"".join(texts)`` when the caller has it already.
    """
    if joined is None:
        joined = "".join(texts)
    cp = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    bounds = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)), out=bounds[1:])
    return cp, bounds
