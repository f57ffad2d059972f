"""Train, predict and explain: a calibrated linear model over the features.

The classifier is an L2-regularized logistic regression (scikit-learn,
``liblinear``) with balanced class weights; ``C`` is chosen by an inner
cross-validation unless given. Its decision value ``z`` is calibrated with
Platt scaling, ``p = sigmoid(a * z + b)``, fitted on out-of-fold decisions,
so ``p_scripted`` is a probability while every score is still an exact sum of
phrase and signal contributions (in calibrated log-odds).

Prediction needs only NumPy and SciPy; scikit-learn is imported when training.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .errors import InputError, LabelError
from .features import Doc, FeatureConfig, Featurizer, char_ngram_keys, prepare
from .labels import LABELS
from .normalize import readable
from .signals import SIGNALS

__all__ = [
    "C_GRID",
    "MIN_TRAIN_ROWS",
    "Explanation",
    "Model",
    "Phrase",
    "SignalContribution",
    "metrics",
    "train",
]

MIN_TRAIN_ROWS = 20
MIN_PER_CLASS = 5
C_GRID: tuple[float, ...] = (2.0, 8.0, 32.0)
SIGNAL_WEIGHT_GRID: tuple[float, ...] = (0.05, 0.5)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


@dataclass(frozen=True)
class Phrase:
    """A phrase of the post and how much it pushed the score (log-odds)."""

    text: str
    weight: float
    start: int
    end: int


@dataclass(frozen=True)
class SignalContribution:
    """A style signal's raw value and its contribution to the score (log-odds)."""

    name: str
    description: str
    value: float
    weight: float


@dataclass(frozen=True)
class Explanation:
    """Why a post got its score.

    ``logit(p_scripted) == base + sum(phrase weights of all tokens) + sum(signal
    weights)``; ``phrases`` lists the strongest phrases either way (positive
    weights push toward *scripted*), ``char_weights`` gives one weight per
    character of ``text`` (the normalized post) for highlighting.
    """

    text: str
    p_scripted: float
    label: str
    base: float
    phrases: tuple[Phrase, ...]
    signals: tuple[SignalContribution, ...]
    char_weights: tuple[float, ...]

    def top_phrases(self, k: int = 5, direction: str = "scripted") -> list[Phrase]:
        sign = 1 if direction == "scripted" else -1
        chosen = [p for p in self.phrases if p.weight * sign > 0]
        return sorted(chosen, key=lambda p: -abs(p.weight))[:k]

    def top_signals(self, k: int = 5, direction: str = "scripted") -> list[SignalContribution]:
        sign = 1 if direction == "scripted" else -1
        chosen = [s for s in self.signals if s.weight * sign > 0]
        return sorted(chosen, key=lambda s: -abs(s.weight))[:k]

    def as_dict(self, k: int = 8) -> dict[str, Any]:
        return {
            "p_scripted": round(self.p_scripted, 4),
            "label": self.label,
            "phrases": {
                d: [{"text": p.text, "weight": round(p.weight, 3)} for p in self.top_phrases(k, d)]
                for d in ("scripted", "authentic")
            },
            "signals": {
                d: [
                    {"name": s.name, "value": round(s.value, 3), "weight": round(s.weight, 3),
                     "description": s.description}
                    for s in self.top_signals(k, d)
                ]
                for d in ("scripted", "authentic")
            },
        }


@dataclass
class Model:
    """A trained authenticity model: featurizer, linear weights and calibration."""

    featurizer: Featurizer
    coef: np.ndarray
    intercept: float
    calib_a: float = 1.0
    calib_b: float = 0.0
    threshold: float = 0.5
    meta: dict[str, Any] = field(default_factory=dict)
    labels: tuple[str, str] = LABELS
    #: calibrated out-of-fold probabilities from training (not saved)
    oof: np.ndarray | None = field(default=None, repr=False)

    # -- scoring ------------------------------------------------------------
    def decision_docs(self, docs: Sequence[Doc]) -> np.ndarray:
        """Uncalibrated decision values of prepared docs."""
        if not docs:
            return np.zeros(0)
        return self.featurizer.decision(docs, self.coef) + self.intercept

    def proba_docs(self, docs: Sequence[Doc]) -> np.ndarray:
        """``p_scripted`` of prepared docs."""
        return _sigmoid(self.calib_a * self.decision_docs(docs) + self.calib_b)

    def proba_normalized(self, texts: Sequence[str]) -> np.ndarray:
        """``p_scripted`` of normalized posts (the batch scoring path: see ``Featurizer.decision_normalized``)."""
        if len(texts) == 0:
            return np.zeros(0)
        decision = self.featurizer.decision_normalized(texts, self.coef) + self.intercept
        return _sigmoid(self.calib_a * decision + self.calib_b)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """``p_scripted`` for each raw post."""
        if isinstance(texts, str):
            raise InputError("predict_proba() expects a list of posts, got one string; wrap it: [text]")
        return self.proba_docs(prepare(texts))

    def predict(self, texts: Sequence[str]) -> list[str]:
        """``authentic`` / ``scripted`` for each raw post."""
        return [self.label_of(p) for p in self.predict_proba(texts)]

    def label_of(self, p: float) -> str:
        return self.labels[1] if p >= self.threshold else self.labels[0]

    # -- explanation ----------------------------------------------------------
    def explain(self, text: str) -> Explanation:
        """Decompose one post's score into phrase and signal contributions."""
        doc = prepare([text])[0]
        f = self.featurizer
        cfg = f.config
        a = self.calib_a
        x = f.transform([doc])
        row = x.getrow(0)
        contrib = dict(zip(row.indices.tolist(), (row.data * self.coef[row.indices]).tolist(),
                           strict=True))
        n = len(doc.text)
        cw = np.zeros(n)
        # character n-grams: spread each bucket's contribution over its occurrences
        _, b, starts, ns = char_ngram_keys([doc.text], cfg.char_ngram_min, cfg.char_ngram_max,
                                           cfg.char_buckets, positions=True)
        if len(b):
            occ = np.bincount(b, minlength=f.n_char)
            for bk, s, k in zip(b.tolist(), starts.tolist(), ns.tolist(), strict=True):
                c = contrib.get(bk)
                if c:
                    cw[s : s + k] += c / occ[bk] / k
        # word n-grams
        spans = _token_spans(doc.text, doc.tokens)
        vocab = f.vocab_ or {}
        grams: list[tuple[int, int, int]] = []  # (column, start, end)
        for i, (tok, s, e) in enumerate(spans):
            j = vocab.get(tok)
            if j is not None:
                grams.append((f.n_char + j, s, e))
            if cfg.word_ngram_max >= 2 and i + 1 < len(spans):
                j = vocab.get(f"{tok} {spans[i + 1][0]}")
                if j is not None:
                    grams.append((f.n_char + j, s, spans[i + 1][2]))
        gcount: dict[int, int] = {}
        for col, _, _ in grams:
            gcount[col] = gcount.get(col, 0) + 1
        for col, s, e in grams:
            c = contrib.get(col)
            if c and e > s:
                cw[s:e] += c / gcount[col] / (e - s)
        cw *= a
        # phrases: runs of tokens whose contributions share a sign
        phrases = _phrases(doc.text, spans, cw)
        sig_start = f.n_char + f.n_words
        raw = f.signal_block([doc])[0] / cfg.signal_weight * f.signal_scale_ + f.signal_mean_
        signals = tuple(
            SignalContribution(s.name, s.description, float(raw[i]),
                               a * contrib.get(sig_start + i, 0.0))
            for i, s in enumerate(SIGNALS)
        )
        z = float((x @ self.coef)[0] + self.intercept)
        p = float(_sigmoid(np.array([a * z + self.calib_b]))[0])
        return Explanation(
            text=doc.text,
            p_scripted=p,
            label=self.label_of(p),
            base=a * self.intercept + self.calib_b,
            phrases=tuple(phrases),
            signals=signals,
            char_weights=tuple(cw.tolist()),
        )

    # -- introspection ----------------------------------------------------------
    def signal_weights(self) -> dict[str, float]:
        """Calibrated weight per standard deviation of each signal."""
        f = self.featurizer
        start = f.n_char + f.n_words
        w = f.config.signal_weight * self.calib_a
        return {s.name: float(self.coef[start + i] * w) for i, s in enumerate(SIGNALS)}

    def top_words(self, k: int = 15) -> dict[str, list[tuple[str, float]]]:
        """The word n-grams with the largest weights either way."""
        f = self.featurizer
        w = self.coef[f.n_char : f.n_char + f.n_words] * (f.word_idf_ if f.word_idf_ is not None else 1)
        words = f.word_list()
        order = np.argsort(w)
        return {
            "scripted": [(readable(words[i]), float(w[i])) for i in order[::-1][:k]],
            "authentic": [(readable(words[i]), float(w[i])) for i in order[:k]],
        }


def _token_spans(text: str, tokens: Sequence[str]) -> list[tuple[str, int, int]]:
    spans = []
    pos = 0
    for t in tokens:
        i = text.find(t, pos)
        if i < 0:
            continue
        spans.append((t, i, i + len(t)))
        pos = i + len(t)
    return spans


def _phrases(text: str, spans: list[tuple[str, int, int]], cw: np.ndarray) -> list[Phrase]:
    """Merge adjacent tokens pushing the same way into phrases (at most 6 tokens)."""
    out: list[Phrase] = []
    cur: list[tuple[int, int, float]] = []

    def flush() -> None:
        if cur:
            s, e = cur[0][0], cur[-1][1]
            w = sum(c for _, _, c in cur)
            frag = readable(text[s:e]).strip()
            if frag:
                out.append(Phrase(frag, float(w), s, e))
            cur.clear()

    total = float(np.abs(cw).sum()) or 1.0
    eps = 0.01 * total / max(len(spans), 1)
    for _, s, e in spans:
        w = float(cw[s:e].sum())
        if abs(w) <= eps:
            flush()
            continue
        if cur and (np.sign(w) != np.sign(cur[-1][2]) or len(cur) >= 6 or s - cur[-1][1] > 2):
            flush()
        cur.append((s, e, w))
    flush()
    return out


# -- training ----------------------------------------------------------------


def metrics(y: np.ndarray, p: np.ndarray, threshold: float = 0.5) -> dict[str, float]:
    """Accuracy, precision, recall, F1 (scripted = positive) and ROC-AUC."""
    from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score, roc_auc_score

    pred = (p >= threshold).astype(int)
    out = {
        "n": len(y),
        "accuracy": float(accuracy_score(y, pred)),
        "precision": float(precision_score(y, pred, zero_division=0)),
        "recall": float(recall_score(y, pred, zero_division=0)),
        "f1": float(f1_score(y, pred, zero_division=0)),
        "roc_auc": float(roc_auc_score(y, p)) if len(set(y.tolist())) == 2 else float("nan"),
    }
    return out


def _check_training_data(y: np.ndarray) -> None:
    n = len(y)
    counts = np.bincount(y, minlength=2)
    if (counts > 0).sum() < 2:
        only = LABELS[int(np.argmax(counts))]
        raise LabelError(
            f"the label column has one class only ('{only}'); training needs both authentic "
            "and scripted posts."
        )
    if n < MIN_TRAIN_ROWS or counts.min() < MIN_PER_CLASS:
        raise InputError(
            f"too little data to train: {n} labeled rows ({counts[0]} authentic, {counts[1]} "
            f"scripted); at least {MIN_TRAIN_ROWS} rows and {MIN_PER_CLASS} per class are needed."
        )


def _fit_lr(x: Any, y: np.ndarray, c: float, seed: int) -> Any:
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=c, solver="liblinear", class_weight="balanced", max_iter=200,
                            random_state=seed)
    return lr.fit(x, y)


def _splitter(y: np.ndarray, groups: np.ndarray | None, k: int, seed: int) -> list[tuple]:
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

    if groups is not None:
        n_groups = len(set(groups.tolist()))
        if n_groups < k:
            raise InputError(
                f"--group-col has {n_groups} distinct group(s); grouped {k}-fold cross-validation "
                f"needs at least {k}. Use fewer folds (--cv) or a finer group column."
            )
        cv = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=seed)
        return list(cv.split(np.zeros(len(y)), y, groups))
    k = min(k, int(np.bincount(y).min()))
    cv = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    return list(cv.split(np.zeros(len(y)), y))


def _scale_signals(x: Any, n_signals: int, factor: float) -> Any:
    import scipy.sparse as sp

    if factor == 1.0:
        return x
    d = np.ones(x.shape[1])
    d[x.shape[1] - n_signals :] = factor
    return (x @ sp.diags(d)).tocsr()


def _choose(x: Any, y: np.ndarray, groups: np.ndarray | None, seed: int, c_grid: Sequence[float],
            w_grid: Sequence[float]) -> tuple[float, float]:
    """Pick ``C`` and the signal weight by inner cross-validated ROC-AUC.

    ``x`` must have been built with ``signal_weight=1``.
    """
    from sklearn.metrics import roc_auc_score

    if len(c_grid) == 1 and len(w_grid) == 1:
        return float(c_grid[0]), float(w_grid[0])
    try:
        splits = _splitter(y, groups, 3, seed + 1)
    except InputError:
        splits = _splitter(y, None, 3, seed + 1)
    best, choice = -1.0, (float(c_grid[0]), float(w_grid[0]))
    for w in w_grid:
        xw = _scale_signals(x, len(SIGNALS), w)
        for c in c_grid:
            z = np.zeros(len(y))
            for tr, te in splits:
                z[te] = _fit_lr(xw[tr], y[tr], c, seed).decision_function(xw[te])
            auc = roc_auc_score(y, z)
            if auc > best + 1e-4:
                best, choice = auc, (float(c), float(w))
    return choice


def _platt(z: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=1e4, solver="lbfgs").fit(z.reshape(-1, 1), y)
    a, b = float(lr.coef_[0, 0]), float(lr.intercept_[0])
    if not math.isfinite(a) or a <= 0:
        return 1.0, 0.0
    return a, b


def train(
    texts: Sequence[str],
    y: Sequence[int] | np.ndarray,
    *,
    groups: Sequence[object] | None = None,
    cv: int = 5,
    config: FeatureConfig | None = None,
    c: float | None = None,
    signal_weight: float | None = None,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
) -> tuple[Model, dict[str, Any]]:
    """Train a model; return it with its cross-validated metrics.

    ``y`` holds 0 (authentic) / 1 (scripted). With ``cv >= 2`` the metrics are
    out-of-fold and nested: the vocabulary, idf, ``C`` and the signal weight
    are all learned inside each training fold; with ``groups`` whole groups are
    held out. ``c=None`` / ``signal_weight=None`` choose them from ``C_GRID`` /
    ``SIGNAL_WEIGHT_GRID`` by inner cross-validation.
    """
    say = progress or (lambda msg: None)
    y = np.asarray(y, dtype=np.int64)
    if len(texts) != len(y):
        raise InputError(f"{len(texts)} texts but {len(y)} labels")
    _check_training_data(y)
    g = None if groups is None else np.asarray([str(v) for v in groups])
    config = config or FeatureConfig()
    config.validate()
    c_grid = C_GRID if c is None else (float(c),)
    w_grid = SIGNAL_WEIGHT_GRID if signal_weight is None else (float(signal_weight),)
    unit = FeatureConfig(**{**vars(config), "signal_weight": 1.0})
    t0 = time.perf_counter()
    say(f"preparing {len(texts):,} posts")
    docs = prepare(texts)
    oof = None
    cv_metrics: dict[str, Any] = {}
    if cv and cv >= 2:
        splits = _splitter(y, g, cv, seed)
        oof = np.zeros(len(y))
        chosen = []
        for i, (tr, te) in enumerate(splits, 1):
            say(f"cross-validation fold {i}/{len(splits)}")
            fz = Featurizer(FeatureConfig(**vars(unit))).fit([docs[j] for j in tr])
            xtr = fz.transform([docs[j] for j in tr])
            cc, ww = _choose(xtr, y[tr], None if g is None else g[tr], seed, c_grid, w_grid)
            chosen.append({"C": cc, "signal_weight": ww})
            lr = _fit_lr(_scale_signals(xtr, len(SIGNALS), ww), y[tr], cc, seed)
            xte = _scale_signals(fz.transform([docs[j] for j in te]), len(SIGNALS), ww)
            oof[te] = lr.decision_function(xte)
        from sklearn.metrics import roc_auc_score

        cv_metrics = metrics(y, (oof > 0).astype(float))
        cv_metrics["roc_auc"] = float(roc_auc_score(y, oof))
        cv_metrics.update(folds=len(splits), grouped=g is not None, chosen=chosen)
    say("fitting the final model")
    fz = Featurizer(FeatureConfig(**vars(unit))).fit(docs)
    x1 = fz.transform(docs)
    c_final, w_final = _choose(x1, y, g, seed, c_grid, w_grid)
    fz.config.signal_weight = w_final
    x = _scale_signals(x1, len(SIGNALS), w_final)
    lr = _fit_lr(x, y, c_final, seed)
    if oof is None:
        try:
            splits = _splitter(y, g, 3, seed)
        except InputError:
            splits = _splitter(y, None, 3, seed)
        oof = np.zeros(len(y))
        for tr, te in splits:
            oof[te] = _fit_lr(x[tr], y[tr], c_final, seed).decision_function(x[te])
    a, b = _platt(oof, y)
    if cv_metrics:
        cv_metrics["brier"] = float(np.mean((_sigmoid(a * oof + b) - y) ** 2))

    fz.char_idf_ = fz.char_idf_.astype(np.float32).astype(np.float64)
    fz.word_idf_ = fz.word_idf_.astype(np.float32).astype(np.float64)
    model = Model(
        featurizer=fz,
        coef=lr.coef_[0].astype(np.float32).astype(np.float64),
        intercept=float(np.float32(lr.intercept_[0])),
        calib_a=float(np.float32(a)),
        calib_b=float(np.float32(b)),
        meta={
            "n": len(y),
            "n_authentic": int((y == 0).sum()),
            "n_scripted": int((y == 1).sum()),
            "C": c_final,
            "signal_weight": w_final,
            "seed": seed,
            "cv": cv_metrics,
            "train_seconds": round(time.perf_counter() - t0, 1),
        },
    )
    if cv_metrics:
        model.oof = _sigmoid(a * oof + b)
    return model, cv_metrics
