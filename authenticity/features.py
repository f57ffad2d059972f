"""Features: hashed character n-grams, word n-grams and named style signals.

Three blocks, stacked side by side into one sparse matrix:

- **character n-grams** (1–4 by default) of the normalized text, hashed into
  ``char_buckets`` columns with a stable 64-bit hash computed in NumPy over a
  whole batch at once (language-neutral, robust to segmentation errors);
- **word n-grams** (1–2) of the tokens, with a vocabulary learned at fit time
  (``min_df`` documents at least, the ``max_words`` most frequent);
- the **style signals** of :mod:`authenticity.signals`, standardized and
  multiplied by ``signal_weight``.

The n-gram blocks are TF-IDF with sublinear tf (``1 + log(count)``), smooth
idf, and L2 normalization per block, as ``TfidfVectorizer(sublinear_tf=True)``
would compute them. Hashing is stable across runs and machines (never
Python's salted ``hash()``).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from . import _kernels
from .normalize import normalize_batch
from .signals import SIGNALS, signal_matrix
from .tokenize import char_kinds, segment_runs, tokenize

if TYPE_CHECKING:
    import scipy.sparse as sp

__all__ = ["Doc", "FeatureConfig", "Featurizer", "char_ngram_keys", "prepare"]

_P = np.uint64(0x100000001B3)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S31 = np.uint64(31)
_S29 = np.uint64(29)


class Doc(NamedTuple):
    """A post prepared for featurization: normalized text and its tokens."""

    text: str
    tokens: tuple[str, ...]


def prepare(texts: Sequence[str]) -> list[Doc]:
    """Normalize and tokenize raw posts."""
    norm = normalize_batch(texts)
    return list(map(Doc, norm, map(tuple, map(tokenize, norm))))


# Hashing works on batches of about this many characters: big enough that NumPy's per-call cost is spread over
# many posts, small enough that the working arrays stay in the CPU cache.
_CHUNK_CHARS = 1 << 12


def _chunks(texts: Sequence[str], limit: int = _CHUNK_CHARS) -> Iterator[tuple[int, int]]:
    """Consecutive ``(start, end)`` ranges of ``texts`` holding about ``limit`` characters each (at least one text)."""
    i, n = 0, len(texts)
    while i < n:
        j, size = i + 1, len(texts[i]) + 1
        while j < n and size + len(texts[j]) < limit:
            size += len(texts[j]) + 1
            j += 1
        yield i, j
        i = j


def _hash_chunk(texts: Sequence[str], n_min: int, n_max: int, buckets: int) -> Iterator[tuple[int, np.ndarray,
                                                                                           np.ndarray, np.ndarray,
                                                                                           np.ndarray]]:
    """Hash the character n-grams of a few texts; yields ``(n, positions, buckets, docid, doc_start)`` per ``n``.

    ``positions`` index the texts joined with one separator each; ``docid[positions]`` is the text of each
    n-gram and ``positions - doc_start[docid[positions]]`` its offset in that text. Buckets are ``uint64``.
    """
    joined = "\x00".join(texts) + "\x00"
    cp = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    length = len(cp)
    sep = np.flatnonzero(cp == 0)  # one separator after each text
    doc_start = np.empty(len(sep), dtype=np.int64)
    doc_start[0] = 0
    doc_start[1:] = sep[:-1] + 1
    span = sep - doc_start + 1
    docid = np.repeat(np.arange(len(sep), dtype=np.int64), span)
    room = np.repeat(sep, span) - np.arange(length)  # characters left before the separator
    cp64 = cp.astype(np.uint64)
    cp64 += np.uint64(1)
    h = np.zeros(length, dtype=np.uint64)
    g = np.empty(length, dtype=np.uint64)
    tmp = np.empty(length, dtype=np.uint64)
    pow2 = buckets & (buckets - 1) == 0
    for n in range(1, n_max + 1):
        m = length - n + 1
        if m <= 0:
            break
        # extend every (n-1)-gram starting at i by the character at i + n - 1
        hv = h[:m]
        np.multiply(hv, _P, out=hv)
        np.add(hv, cp64[n - 1 :], out=hv)
        if n < n_min:
            continue
        gv, tv = g[:m], tmp[:m]
        np.bitwise_xor(hv, np.uint64((n * int(_M2)) & 0xFFFFFFFFFFFFFFFF), out=gv)
        np.right_shift(gv, _S31, out=tv)
        np.bitwise_xor(gv, tv, out=gv)
        np.multiply(gv, _M1, out=gv)
        np.right_shift(gv, _S29, out=tv)
        np.bitwise_xor(gv, tv, out=gv)
        keep = room[:m] >= n  # the n-gram does not reach the separator
        if n == 1:
            keep &= (cp[:m] != 32) & (cp[:m] != 10)
        idx = np.flatnonzero(keep)
        gk = gv[idx]
        if pow2:
            gk &= np.uint64(buckets - 1)
        else:
            gk %= np.uint64(buckets)
        yield n, idx, gk, docid, doc_start


def char_ngram_keys(
    texts: Sequence[str], n_min: int, n_max: int, buckets: int, positions: bool = False
) -> tuple[np.ndarray, ...]:
    """Hash every character n-gram of a batch of normalized texts.

    Returns ``(doc, bucket)`` int64 arrays, one entry per n-gram occurrence,
    and with ``positions=True`` also ``(start, n)``: the n-gram's offset in
    its text and its length. N-grams never cross texts; single spaces and
    newlines are not unigrams.
    """
    docs_out, buckets_out, starts_out, ns_out = [], [], [], []
    for lo, hi in _chunks(texts, 1 << 16):
        for n, idx, gk, docid, doc_start in _hash_chunk(texts[lo:hi], n_min, n_max, buckets):
            d = docid[idx]
            docs_out.append(d + lo)
            buckets_out.append(gk.astype(np.int64))
            if positions:
                starts_out.append(idx - doc_start[d])
                ns_out.append(np.full(len(idx), n, dtype=np.int64))
    if not docs_out:
        empty = np.zeros(0, dtype=np.int64)
        return (empty, empty, empty, empty) if positions else (empty, empty)
    d = np.concatenate(docs_out)
    b = np.concatenate(buckets_out)
    if positions:
        return d, b, np.concatenate(starts_out), np.concatenate(ns_out)
    return d, b


def _tf_sums(keys: np.ndarray, n_docs: int, n_cols: int, idf_coef: np.ndarray,
             idf_sq: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-document ``sum(tf * idf * coef)`` and ``sum((tf * idf) ** 2)`` over distinct columns.

    ``keys`` holds ``doc * n_cols + column``, one entry per occurrence (it is sorted in place); ``tf`` is
    ``1 + log(count)``, as in :func:`_tfidf`.
    """
    if not len(keys):
        return np.zeros(n_docs), np.zeros(n_docs)
    keys.sort()
    new = np.empty(len(keys), dtype=bool)
    new[0] = True
    np.not_equal(keys[1:], keys[:-1], out=new[1:])
    first = np.flatnonzero(new)
    uniq = keys[first].astype(np.int64)
    doc, col = np.divmod(uniq, n_cols)
    tf = np.diff(first, append=len(keys)).astype(np.float64)
    np.log(tf, out=tf)
    tf += 1.0
    dot = np.bincount(doc, tf * idf_coef[col], minlength=n_docs)
    tf *= tf
    sq = np.bincount(doc, tf * idf_sq[col], minlength=n_docs)
    return dot, sq


def _counts_csr(rows: np.ndarray, cols: np.ndarray, n_rows: int, n_cols: int) -> sp.csr_matrix:
    """Count (row, col) pairs into a CSR matrix with sorted indices and summed duplicates."""
    import scipy.sparse as sp

    x = sp.csr_matrix((np.ones(len(rows), dtype=np.float64), (rows, cols)), shape=(n_rows, n_cols))
    x.sum_duplicates()
    return x


def _tfidf(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    x = counts.copy()
    x.data = (1.0 + np.log(x.data)) * idf[x.indices]
    x.eliminate_zeros()
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    x.data /= np.repeat(norms, np.diff(x.indptr))
    return x


def _use_kernels(n_docs: int, n_cols: int) -> bool:
    return n_cols <= 1 << 24 and _kernels.use(n_docs)


def _normalized(dot: np.ndarray, sq: np.ndarray) -> np.ndarray:
    norm = np.sqrt(sq)
    norm[norm == 0] = 1.0
    return dot / norm


def _idf(df: np.ndarray, n_docs: int, min_df: int) -> np.ndarray:
    idf = np.log((1.0 + n_docs) / (1.0 + df)) + 1.0
    idf[df < min_df] = 0.0
    return idf


@dataclass
class FeatureConfig:
    """Hyperparameters of the feature blocks (stored in every model file)."""

    char_ngram_min: int = 1
    char_ngram_max: int = 4
    char_buckets: int = 2**18
    word_ngram_max: int = 2
    min_df: int = 2
    max_words: int = 200_000
    char_weight: float = 1.0
    word_weight: float = 1.0
    signal_weight: float = 0.5

    def validate(self) -> None:
        if not 1 <= self.char_ngram_min <= self.char_ngram_max <= 8:
            raise ValueError(
                "char n-gram range must satisfy 1 <= min <= max <= 8, got "
                f"({self.char_ngram_min}, {self.char_ngram_max})"
            )
        if self.word_ngram_max not in (1, 2):
            raise ValueError(f"word_ngram_max must be 1 or 2, got {self.word_ngram_max}")
        if self.char_buckets < 16 or self.min_df < 1 or self.max_words < 1:
            raise ValueError("char_buckets >= 16, min_df >= 1 and max_words >= 1 are required")


class IntMap:
    """A read-only hash map from non-negative int64 keys to int64 values, looked up for whole arrays in NumPy.

    Open addressing with linear probing at a load of at most 1/4, built and
    probed in vectorized rounds (a few rounds suffice). ``get`` returns -1
    for missing keys.
    """

    _MUL = np.uint64(0x9E3779B97F4A7C15)

    def __init__(self, keys: np.ndarray, values: np.ndarray) -> None:
        keys = np.asarray(keys, dtype=np.int64)
        values = np.asarray(values, dtype=np.int64)
        if len(np.unique(keys)) != len(keys) or (len(keys) and keys.min() < 0):
            raise ValueError("IntMap keys must be unique and non-negative")
        self._bits = max(4, int(np.ceil(np.log2(max(4 * len(keys), 16)))))
        size = 1 << self._bits
        self._keys = np.full(size, -1, dtype=np.int64)
        self._values = np.full(size, -1, dtype=np.int64)
        self._n = len(keys)
        pending = np.arange(len(keys))
        slot = self._slot(keys)
        while len(pending):
            free = self._keys[slot[pending]] == -1
            cand = pending[free]
            # one key per free slot in this round: the first that asks for it
            taken, first = np.unique(slot[cand], return_index=True)
            won = cand[first]
            self._keys[taken] = keys[won]
            self._values[taken] = values[won]
            lost = np.ones(len(keys), dtype=bool)
            lost[won] = False
            pending = pending[lost[pending]]
            slot[pending] = (slot[pending] + 1) & (size - 1)

    def __len__(self) -> int:
        return self._n

    def _slot(self, keys: np.ndarray) -> np.ndarray:
        h = keys.astype(np.uint64) * self._MUL
        return (h >> np.uint64(64 - self._bits)).astype(np.int64)

    def get(self, keys: np.ndarray) -> np.ndarray:
        """The value of each key, -1 where a key is absent."""
        keys = np.asarray(keys, dtype=np.int64)
        out = np.full(len(keys), -1, dtype=np.int64)
        active = np.arange(len(keys))
        slot = self._slot(keys)
        mask = len(self._keys) - 1
        while len(active):
            found = self._keys[slot]
            hit = found == keys[active]
            out[active[hit]] = self._values[slot[hit]]
            go_on = (found != -1) & ~hit  # an occupied slot holding another key: probe the next one
            active, slot = active[go_on], (slot[go_on] + 1) & mask
        return out


@dataclass(frozen=True)
class _LinearWeights:
    """What ``Featurizer.decision`` needs, precomputed once per coefficient vector."""

    char_idf_coef: np.ndarray
    char_idf_sq: np.ndarray
    char_idf_both: np.ndarray  # the two above side by side, shape (buckets, 2) (they are its columns)
    word_idf_coef: np.ndarray
    word_idf_sq: np.ndarray
    signal_coef: np.ndarray
    token_ids: dict[str, int]  # tokens that occur in the word vocabulary, alone or in a bigram
    unigram_col: np.ndarray  # token id -> vocabulary column of the unigram, -1 if none; one extra -1 at the end
    bigram_cols: IntMap  # ``first_id * n_tokens + second_id`` -> vocabulary column, for the vocabulary's bigrams
    piece_ids: dict[str, int]  # ``token_ids`` and "\n" -> -3, the separator between Chinese runs' words
    kernel_vocab: dict[str, Any] = field(default_factory=dict)  # the compiled tokenizer's table, built on first use


@dataclass
class Featurizer:
    """Learns idf weights, the word vocabulary and signal scaling; maps docs to rows."""

    config: FeatureConfig = field(default_factory=FeatureConfig)
    char_idf_: np.ndarray | None = None
    vocab_: dict[str, int] | None = None
    word_idf_: np.ndarray | None = None
    signal_mean_: np.ndarray | None = None
    signal_scale_: np.ndarray | None = None
    _linear: tuple[np.ndarray, _LinearWeights] | None = field(default=None, init=False, repr=False, compare=False)

    # -- layout -----------------------------------------------------------
    @property
    def n_char(self) -> int:
        return self.config.char_buckets

    @property
    def n_words(self) -> int:
        return len(self.vocab_ or ())

    @property
    def n_features(self) -> int:
        return self.n_char + self.n_words + len(SIGNALS)

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_linear"] = None  # a cache of derived arrays: rebuilt where it is needed
        return state

    def word_list(self) -> list[str]:
        """Vocabulary entries in column order."""
        words = [""] * self.n_words
        for w, i in (self.vocab_ or {}).items():
            words[i] = w
        return words

    # -- word n-grams -------------------------------------------------------
    def _grams(self, tokens: Sequence[str]) -> list[str]:
        grams = list(tokens)
        if self.config.word_ngram_max >= 2:
            grams += [f"{a} {b}" for a, b in itertools.pairwise(tokens)]
        return grams

    def _word_keys(self, docs: Sequence[Doc]) -> tuple[np.ndarray, np.ndarray]:
        vocab = self.vocab_ or {}
        get = vocab.get
        rows: list[int] = []
        cols: list[int] = []
        two = self.config.word_ngram_max >= 2
        for i, d in enumerate(docs):
            toks = d.tokens
            ids = [j for j in map(get, toks) if j is not None]
            if two and len(toks) > 1:
                ids += [j for j in map(get, map(" ".join, itertools.pairwise(toks))) if j is not None]
            rows.extend([i] * len(ids))
            cols.extend(ids)
        return np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)

    # -- fit / transform ------------------------------------------------------
    def fit(self, docs: Sequence[Doc]) -> Featurizer:
        """Learn idf weights, vocabulary and signal scaling from training docs."""
        self.config.validate()
        cfg = self.config
        n = len(docs)
        d, b = char_ngram_keys([x.text for x in docs], cfg.char_ngram_min, cfg.char_ngram_max,
                               cfg.char_buckets)
        counts = _counts_csr(d, b, n, cfg.char_buckets)
        df = np.bincount(counts.indices, minlength=cfg.char_buckets)
        self.char_idf_ = _idf(df, n, cfg.min_df)

        word_df: dict[str, int] = {}
        for x in docs:
            for g in set(self._grams(x.tokens)):
                word_df[g] = word_df.get(g, 0) + 1
        kept = [(c, g) for g, c in word_df.items() if c >= cfg.min_df]
        kept.sort(key=lambda cg: (-cg[0], cg[1]))
        kept = kept[: cfg.max_words]
        kept.sort(key=lambda cg: cg[1])
        self.vocab_ = {g: i for i, (_, g) in enumerate(kept)}
        self.word_idf_ = _idf(np.array([c for c, _ in kept], dtype=np.float64), n, cfg.min_df)

        sig = signal_matrix([x.text for x in docs], [x.tokens for x in docs])
        self.signal_mean_ = sig.mean(axis=0)
        scale = sig.std(axis=0)
        scale[scale < 1e-6] = 1.0
        self.signal_scale_ = scale
        return self

    def _check(self) -> None:
        if self.char_idf_ is None or self.vocab_ is None:
            from .errors import NotFittedError

            raise NotFittedError("This Featurizer is not fitted yet; call fit() first.")

    def signal_block(self, docs: Sequence[Doc]) -> np.ndarray:
        """Standardized, weighted signal values, shape ``(n, n_signals)``."""
        self._check()
        return self._scaled_signals(signal_matrix([x.text for x in docs], [x.tokens for x in docs]))

    def _scaled_signals(self, raw: np.ndarray) -> np.ndarray:
        return (raw - self.signal_mean_) / self.signal_scale_ * self.config.signal_weight

    # -- fast linear scoring ------------------------------------------------------
    def _weights(self, coef: np.ndarray) -> _LinearWeights:
        cached = self._linear
        if cached is not None and cached[0] is coef:
            return cached[1]
        self._check()
        if coef.shape != (self.n_features,):
            raise ValueError(f"coef has shape {coef.shape}, expected ({self.n_features},)")
        a, b = self.n_char, self.n_char + self.n_words
        char_idf = np.asarray(self.char_idf_, dtype=np.float64)
        word_idf = np.asarray(self.word_idf_ if self.word_idf_ is not None else np.zeros(0), dtype=np.float64)
        token_ids: dict[str, int] = {}
        unigrams: list[tuple[int, int]] = []
        bigrams: list[tuple[int, int, int]] = []
        for word, col in (self.vocab_ or {}).items():
            parts = word.split(" ")
            ids = [token_ids.setdefault(t, len(token_ids)) for t in parts]
            if len(ids) == 1:
                unigrams.append((ids[0], col))
            elif len(ids) == 2:
                bigrams.append((ids[0], ids[1], col))
        n_tok = len(token_ids)
        unigram_col = np.full(n_tok + 1, -1, dtype=np.int64)
        for t, col in unigrams:
            unigram_col[t] = col
        both = np.stack((char_idf * coef[:a], char_idf * char_idf), axis=1)
        bkeys = np.array([x * n_tok + y for x, y, _ in bigrams], dtype=np.int64)
        bcols = np.array([c for _, _, c in bigrams], dtype=np.int64)
        w = _LinearWeights(
            char_idf_coef=both[:, 0], char_idf_sq=both[:, 1], char_idf_both=both,
            word_idf_coef=word_idf * coef[a:b], word_idf_sq=word_idf * word_idf,
            signal_coef=np.asarray(coef[b:], dtype=np.float64), token_ids=token_ids, unigram_col=unigram_col,
            bigram_cols=IntMap(bkeys, bcols), piece_ids={**token_ids, "\n": -3},
        )
        self._linear = (coef, w)
        return w

    def decision(self, docs: Sequence[Doc], coef: np.ndarray) -> np.ndarray:
        """``transform(docs) @ coef``, computed without building the feature matrix.

        This is the scoring path: n-gram occurrences are hashed or looked up
        in small batches and counted (with one sort per batch, or in one pass
        per post with the compiled kernels), and only the sums that the
        L2-normalized TF-IDF dot product needs are kept. Weights derived from
        ``coef`` are cached for as long as the same array is passed (do not
        modify it in place).
        """
        w = self._weights(coef)
        cfg = self.config
        n = len(docs)
        if n == 0:
            return np.zeros(0)
        return (self._char_decision([d.text for d in docs], w) * cfg.char_weight
                + self._word_decision(docs, w) * cfg.word_weight + self.signal_block(docs) @ w.signal_coef)

    def decision_normalized(self, texts: Sequence[str], coef: np.ndarray) -> np.ndarray:
        """``decision`` of normalized posts, tokenized here.

        With the compiled kernels, the posts are tokenized in compiled code
        straight into vocabulary ids (``_nb.tokens``); only the runs of Chinese
        characters become strings, for the segmenter, whose words the word
        kernel splices in as ids (``_nb.words``). The signals get each post's
        hashtag count and token count (see ``signal_matrix``). Otherwise this
        is ``decision`` of the tokenized docs.
        """
        w = self._weights(coef)
        cfg = self.config
        n = len(texts)
        if n == 0:
            return np.zeros(0)
        if (not (_use_kernels(n, self.n_words) and _use_kernels(n, cfg.char_buckets))
                or any("\x00" in t for t in texts)):
            return self.decision([Doc(t, tuple(tokenize(t))) for t in texts], coef)
        joined = "".join(texts)
        cp, bounds = _kernels.code_points(texts, joined)
        word, n_tokens, n_tags = self._word_decision_cp(joined, cp, bounds, w)
        raw = signal_matrix(texts, [("#",) * k for k in n_tags.tolist()], n_tokens=n_tokens)
        char = _normalized(*_kernels.char_sums_cp(cp, bounds, cfg.char_ngram_min, cfg.char_ngram_max,
                                                  cfg.char_buckets, w.char_idf_both))
        return char * cfg.char_weight + word * cfg.word_weight + self._scaled_signals(raw) @ w.signal_coef

    def _word_decision_cp(self, joined: str, cp: np.ndarray, bounds: np.ndarray,
                          w: _LinearWeights) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The word block's share of the decision, each post's token count and hashtag count (compiled kernels).

        ``joined`` is the posts' normalized texts concatenated, ``cp`` its code points, ``bounds`` where each post
        starts.
        """
        vocab = w.kernel_vocab.get("table")
        if vocab is None:  # built once per coefficient vector, on first use (it needs the kernels)
            vocab = w.kernel_vocab["table"] = _kernels.VocabTable(sorted(w.token_ids, key=w.token_ids.__getitem__))
        tok = _kernels.tokenize_ids(cp, bounds, char_kinds(), vocab)
        words = segment_runs(joined, tok.run_start, tok.run_end)
        piece_ids = np.fromiter(map(w.piece_ids.get, words, itertools.repeat(-1)), dtype=np.int64, count=len(words))
        bm = w.bigram_cols
        dot, sq, n_tokens = _kernels.word_sums(
            tok.ids, tok.bounds, piece_ids, w.unigram_col, bm._keys, bm._values, bm._bits, len(w.token_ids),
            self.config.word_ngram_max >= 2 and len(bm) > 0, w.word_idf_coef, w.word_idf_sq)
        return _normalized(dot, sq), n_tokens, tok.n_tags

    def _char_decision(self, texts: Sequence[str], w: _LinearWeights) -> np.ndarray:
        cfg = self.config
        buckets = cfg.char_buckets
        if _use_kernels(len(texts), buckets):
            return _normalized(*_kernels.char_sums(texts, cfg.char_ngram_min, cfg.char_ngram_max, buckets,
                                                   w.char_idf_both))
        dot = np.zeros(len(texts))
        sq = np.zeros(len(texts))
        for lo, hi in _chunks(texts):
            small = (hi - lo) * buckets < 1 << 32  # keys fit 32 bits: the sort is about twice as fast
            parts = []
            for _, idx, gk, docid, _ in _hash_chunk(texts[lo:hi], cfg.char_ngram_min, cfg.char_ngram_max, buckets):
                if small:
                    k = gk.astype(np.uint32)
                    k += (docid[idx] * buckets).astype(np.uint32)
                else:
                    k = gk.astype(np.int64) + docid[idx] * buckets
                parts.append(k)
            if parts:
                dot[lo:hi], sq[lo:hi] = _tf_sums(np.concatenate(parts), hi - lo, buckets, w.char_idf_coef,
                                                 w.char_idf_sq)
        return _normalized(dot, sq)

    def _word_decision(self, docs: Sequence[Doc], w: _LinearWeights) -> np.ndarray:
        n = len(docs)
        n_words = self.n_words
        flat = list(itertools.chain.from_iterable(d.tokens for d in docs))
        if not flat or not n_words:
            return np.zeros(n)
        lens = np.fromiter((len(d.tokens) for d in docs), dtype=np.int64, count=n)
        docid = np.repeat(np.arange(n, dtype=np.int64), lens)
        tid = np.array(list(map(w.token_ids.get, flat, itertools.repeat(-1))), dtype=np.int64)
        uni = w.unigram_col[tid]  # -1 (unknown token) picks the trailing -1
        bigram = np.full(len(flat), -1, dtype=np.int64)  # column of the bigram starting at each token, or -1
        if self.config.word_ngram_max >= 2 and len(w.bigram_cols) and len(flat) > 1:
            first, second = tid[:-1], tid[1:]
            ok = np.flatnonzero((first >= 0) & (second >= 0) & (docid[:-1] == docid[1:]))
            bigram[ok] = w.bigram_cols.get(first[ok] * len(w.token_ids) + second[ok])
        if _use_kernels(n, n_words):
            keys = np.stack((uni, bigram), axis=1).ravel()  # grouped by post: two keys per token
            bounds = np.zeros(n + 1, dtype=np.int64)
            np.cumsum(lens * 2, out=bounds[1:])
            return _normalized(*_kernels.key_sums(keys, bounds, n_words, w.word_idf_coef, w.word_idf_sq))
        u = np.flatnonzero(uni >= 0)
        b = np.flatnonzero(bigram >= 0)
        keys = np.concatenate((docid[u] * n_words + uni[u], docid[b] * n_words + bigram[b]))
        dot, sq = _tf_sums(keys, n, n_words, w.word_idf_coef, w.word_idf_sq)
        return _normalized(dot, sq)

    def transform(self, docs: Sequence[Doc]) -> sp.csr_matrix:
        """The feature matrix of ``docs``, shape ``(len(docs), n_features)``."""
        import scipy.sparse as sp

        return sp.hstack(self.blocks(docs), format="csr")

    def blocks(self, docs: Sequence[Doc]) -> tuple[sp.csr_matrix, sp.csr_matrix, np.ndarray]:
        """The three feature blocks (char n-grams, word n-grams, signals) without stacking them."""
        self._check()
        cfg = self.config
        n = len(docs)
        d, b = char_ngram_keys([x.text for x in docs], cfg.char_ngram_min, cfg.char_ngram_max,
                               cfg.char_buckets)
        xc = _tfidf(_counts_csr(d, b, n, cfg.char_buckets), self.char_idf_)
        r, c = self._word_keys(docs)
        xw = _tfidf(_counts_csr(r, c, n, self.n_words), self.word_idf_)
        if cfg.char_weight != 1.0:
            xc.data *= cfg.char_weight
        if cfg.word_weight != 1.0:
            xw.data *= cfg.word_weight
        return xc, xw, self.signal_block(docs)
