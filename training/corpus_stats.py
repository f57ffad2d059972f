"""Composition of data/posts.csv as Markdown (the tables in data/README.md).

Usage: python training/corpus_stats.py [data/posts.csv]
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd


def length_only_auc(df: pd.DataFrame) -> float:
    """Cross-validated ROC-AUC of a classifier that sees only the post length (should be near 0.5)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import cross_val_predict

    x = np.log1p(df.text.str.len().to_numpy()).reshape(-1, 1)
    x = np.hstack([x, x**2])
    y = (df.label == "scripted").to_numpy().astype(int)
    p = cross_val_predict(LogisticRegression(), x, y, cv=5, method="predict_proba")[:, 1]
    return float(roc_auc_score(y, p))


def category_only_accuracy(df: pd.DataFrame) -> float:
    """Accuracy of predicting the majority label of each (category, platform, lang) cell (chance: 0.5)."""
    y = (df.label == "scripted").astype(int)
    cell = df.category + "|" + df.platform + "|" + df.lang
    maj = y.groupby(cell).transform("mean").round()
    return float((maj == y).mean())


def tables(df: pd.DataFrame) -> str:
    out = [f"**{len(df):,} posts**: {(df.label == 'authentic').sum():,} authentic, "
           f"{(df.label == 'scripted').sum():,} scripted.", ""]
    for col in ("lang", "category", "platform", "hard_case"):
        t = df.assign(**{col: df[col].replace("", "(none)")}).groupby([col, "label"]).size().unstack(fill_value=0)
        t["share"] = (t.sum(axis=1) / len(df)).map(lambda v: f"{v:.1%}")
        out += [f"### By {col}", "", t.to_markdown(), ""]
    lens = df.groupby("label").text.apply(lambda s: s.str.len().describe(percentiles=[0.25, 0.5, 0.75]))
    out += ["### Length (characters)", "", lens.unstack().round(0).to_markdown(), ""]
    trad = df.text.str.contains("[這個們會說來對時還沒]", regex=True) & (df.lang == "zh")
    hard = df[df.hard_case != ""].groupby("label").size() / df.groupby("label").size()
    out += [
        f"- Traditional Chinese posts (approximate, by characters): {int(trad.sum())}",
        f"- Share with a hard case: authentic {hard.get('authentic', 0):.0%}, scripted {hard.get('scripted', 0):.0%}",
        f"- Length-only classifier, 5-fold ROC-AUC: {length_only_auc(df):.3f} (chance is 0.5)",
        f"- Majority label per (category, platform, language) cell, accuracy: {category_only_accuracy(df):.3f} "
        "(chance is 0.5)",
    ]
    return "\n".join(out)


if __name__ == "__main__":
    path = sys.argv[1] if len(sys.argv) > 1 else "data/posts.csv"
    print(tables(pd.read_csv(path, dtype=str, keep_default_na=False)))
