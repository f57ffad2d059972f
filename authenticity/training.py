"""Training and evaluation from tables: the library behind ``train`` and ``evaluate``."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .errors import InputError
from .features import FeatureConfig
from .labels import parse_labels
from .model import Model, metrics, train
from .normalize import normalize
from .scoring import row_status
from .tokenize import detect_lang

__all__ = ["LABEL_COLUMN_NAMES", "MAX_ROWS", "data_hash", "evaluate_table", "train_table", "usable_texts"]

#: rows of labeled data ``train`` and ``evaluate`` read at most: training holds every row's features in memory
#: (about 50 KB a post; 100,000 posts take about 5 GB and a quarter of an hour on one core)
MAX_ROWS = 100_000

LABEL_COLUMN_NAMES = ("label", "labels", "class", "is_ad", "is_scripted", "scripted", "y", "target", "标签",
                      "类别", "是否广告")


def data_hash(texts: Sequence[str], y: Sequence[int]) -> str:
    """SHA-256 of the (text, label) pairs, in order: identifies training data."""
    h = hashlib.sha256()
    for t, label in zip(texts, y, strict=True):
        h.update(str(int(label)).encode())
        h.update(b"\x1f")
        h.update(t.encode("utf-8", "surrogatepass"))
        h.update(b"\x1e")
    return h.hexdigest()


def usable_texts(values: pd.Series) -> tuple[list[str], np.ndarray]:
    """The texts of a column and a mask of the rows that hold real text.

    A row is used when :func:`~authenticity.scoring.row_status` calls it
    ``ok``, as scoring does: empty cells, missing-value markers (``NaN``,
    ``#N/A``), non-text values and posts over ``MAX_CHARS`` are skipped.
    """
    texts = []
    ok = np.zeros(len(values), dtype=bool)
    for i, v in enumerate(values.tolist()):
        if row_status(v) == "ok":
            texts.append(v)
            ok[i] = True
        else:
            texts.append("")
    return texts, ok


def _check_size(df: pd.DataFrame, what: str) -> None:
    if len(df) == 0:
        raise InputError(f"the {what} data has no rows")
    if len(df) > MAX_ROWS:
        raise InputError(f"the {what} data has {len(df):,} rows; at most {MAX_ROWS:,} are read: use a random sample")


def _labeled(df: pd.DataFrame, text_col: str, label_col: str) -> tuple[list[str], np.ndarray, np.ndarray]:
    texts, ok = usable_texts(df[text_col])
    lab = df[label_col]
    missing = lab.isna() | (lab.astype(str).str.strip() == "")
    keep = ok & ~missing.to_numpy()
    y = parse_labels(lab[keep].tolist(), label_col)
    return [t for t, k in zip(texts, keep, strict=True) if k], y, keep


def train_table(
    df: pd.DataFrame,
    *,
    text_col: str,
    label_col: str,
    group_col: str | None = None,
    cv: int = 5,
    seed: int = 0,
    c: float | None = None,
    config: FeatureConfig | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[Model, dict[str, Any]]:
    """Train on a labeled table; rows with empty text or no label are skipped and counted."""
    _check_size(df, "training")
    texts, y, keep = _labeled(df, text_col, label_col)
    groups = None
    if group_col is not None:
        groups = df[group_col][keep].astype(str).tolist()
    model, cvm = train(texts, y, groups=groups, cv=cv, seed=seed, c=c, config=config, progress=progress)
    model.meta.update(
        data_sha256=data_hash(texts, y),
        skipped_rows=int((~keep).sum()),
        text_col=text_col,
        label_col=label_col,
        group_col=group_col,
        langs=dict(pd.Series([detect_lang(normalize(t)) for t in texts]).value_counts().items()),
    )
    return model, cvm


def evaluate_table(model: Model, df: pd.DataFrame, *, text_col: str, label_col: str) -> dict[str, Any]:
    """Metrics of ``model`` on a labeled table, overall and per language."""
    _check_size(df, "evaluation")
    texts, y, keep = _labeled(df, text_col, label_col)
    if len(texts) == 0:
        raise InputError("no row has both text and a label")
    from .features import prepare

    docs = prepare(texts)
    p = model.proba_docs(docs)
    out = metrics(y, p, model.threshold)
    pred = (p >= model.threshold).astype(int)
    out["confusion"] = {
        "authentic_as_authentic": int(((y == 0) & (pred == 0)).sum()),
        "authentic_as_scripted": int(((y == 0) & (pred == 1)).sum()),
        "scripted_as_authentic": int(((y == 1) & (pred == 0)).sum()),
        "scripted_as_scripted": int(((y == 1) & (pred == 1)).sum()),
    }
    out["skipped_rows"] = int((~keep).sum())
    langs = np.array([detect_lang(d.text) for d in docs])
    by_lang = {}
    for lang in sorted(set(langs.tolist())):
        m = langs == lang
        by_lang[lang] = {k: v for k, v in metrics(y[m], p[m], model.threshold).items()}
    out["by_lang"] = by_lang
    return out
