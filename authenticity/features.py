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
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from .normalize import normalize
from .signals import SIGNALS, signal_matrix
from .tokenize import tokenize

__all__ = ["Doc", "FeatureConfig", "Featurizer", "char_ngram_keys", "prepare"]

_P = np.uint64(0x100000001B3)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_SPACE = (32, 10)


@dataclass(frozen=True)
class Doc:
    """A post prepared for featurization: normalized text and its tokens."""

    text: str
    tokens: tuple[str, ...]


def prepare(texts: Sequence[str]) -> list[Doc]:
    """Normalize and tokenize raw posts."""
    out = []
    for t in texts:
        n = normalize(t)
        out.append(Doc(n, tuple(tokenize(n))))
    return out


def char_ngram_keys(
    texts: Sequence[str], n_min: int, n_max: int, buckets: int, positions: bool = False
) -> tuple[np.ndarray, ...]:
    """Hash every character n-gram of a batch of normalized texts.

    Returns ``(doc, bucket)`` int64 arrays, one entry per n-gram occurrence,
    and with ``positions=True`` also ``(start, n)``: the n-gram's offset in
    its text and its length. N-grams never cross texts; single spaces and
    newlines are not unigrams.
    """
    joined = "\x00".join(texts) + "\x00"
    cp = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    sep = cp == 0
    cp64 = cp.astype(np.uint64) + np.uint64(1)
    doc_start = np.flatnonzero(np.concatenate(([True], sep[:-1])))
    docid = (np.cumsum(sep) - sep).astype(np.int64)
    docs_out, buckets_out, starts_out, ns_out = [], [], [], []
    length = len(cp)
    pow2 = buckets & (buckets - 1) == 0
    h = np.zeros(length, dtype=np.uint64)
    bad = np.zeros(length, dtype=bool)
    for n in range(1, n_max + 1):
        m = length - n + 1
        if m <= 0:
            break
        # extend every (n-1)-gram starting at i by the character at i + n - 1
        h = h[:m] * _P + cp64[n - 1 :]
        bad = bad[:m] | sep[n - 1 :]
        if n < n_min:
            continue
        g = h ^ np.uint64((n * int(_M2)) & 0xFFFFFFFFFFFFFFFF)
        g ^= g >> np.uint64(31)
        g *= _M1
        g ^= g >> np.uint64(29)
        keep = ~bad
        if n == 1:
            keep &= (cp[:m] != 32) & (cp[:m] != 10)
        idx = np.flatnonzero(keep)
        docs_out.append(docid[idx])
        gk = g[idx]
        buckets_out.append((gk & np.uint64(buckets - 1) if pow2 else gk % np.uint64(buckets)).astype(np.int64))
        if positions:
            starts_out.append(idx - doc_start[docid[idx]])
            ns_out.append(np.full(len(idx), n, dtype=np.int64))
    if not docs_out:
        empty = np.zeros(0, dtype=np.int64)
        return (empty, empty, empty, empty) if positions else (empty, empty)
    d = np.concatenate(docs_out).astype(np.int64)
    b = np.concatenate(buckets_out)
    if positions:
        return d, b, np.concatenate(starts_out), np.concatenate(ns_out)
    return d, b


def _counts_csr(rows: np.ndarray, cols: np.ndarray, n_rows: int, n_cols: int) -> sp.csr_matrix:
    """Count (row, col) pairs into a CSR matrix with sorted indices and summed duplicates."""
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


@dataclass
class Featurizer:
    """Learns idf weights, the word vocabulary and signal scaling; maps docs to rows."""

    config: FeatureConfig = field(default_factory=FeatureConfig)
    char_idf_: np.ndarray | None = None
    vocab_: dict[str, int] | None = None
    word_idf_: np.ndarray | None = None
    signal_mean_: np.ndarray | None = None
    signal_scale_: np.ndarray | None = None

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
        raw = signal_matrix([x.text for x in docs], [x.tokens for x in docs])
        return (raw - self.signal_mean_) / self.signal_scale_ * self.config.signal_weight

    def transform(self, docs: Sequence[Doc]) -> sp.csr_matrix:
        """The feature matrix of ``docs``, shape ``(len(docs), n_features)``."""
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
