"""The bundled corpus and example campaigns: schema and composition (issue: corpus)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from authenticity.labels import LABELS

ROOT = Path(__file__).resolve().parents[1]
CATEGORIES = {"skincare", "makeup", "food_drink", "restaurant", "travel_hotel", "electronics", "home_appliance",
              "fashion", "mother_baby", "fitness", "pets", "cars", "books", "apps"}


def test_schema(corpus: pd.DataFrame) -> None:
    assert list(corpus.columns) == ["id", "text", "label", "lang", "category", "platform", "hard_case"]
    assert corpus.id.is_unique and corpus.text.is_unique
    assert set(corpus.label) == set(LABELS)
    assert set(corpus.lang) == {"zh", "en", "mixed"}
    assert set(corpus.category) <= CATEGORIES
    assert (corpus.text.str.strip() != "").all()


def test_composition(corpus: pd.DataFrame) -> None:
    n = len(corpus)
    assert n >= 4000
    share = corpus.lang.value_counts(normalize=True)
    assert share["zh"] >= 0.40 and share["en"] >= 0.30 and share["mixed"] >= 0.10
    assert corpus.category.nunique() >= 12 and corpus.platform.nunique() >= 5
    # both classes in every category and every language
    assert (corpus.groupby(["category", "label"]).size().unstack().min(axis=1) > 0).all()
    assert (corpus.groupby(["lang", "label"]).size().unstack().min(axis=1) > 0).all()
    # some Traditional Chinese
    assert corpus.text.str.contains("[這個們會說還沒]", regex=True).sum() >= 30
    # hard cases: at least a quarter of each class
    hard = (corpus.hard_case != "").groupby(corpus.label).mean()
    assert (hard >= 0.25).all()


def test_length_does_not_give_the_label_away(corpus: pd.DataFrame) -> None:
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import cross_val_predict

    x = corpus.text.str.len().to_numpy().reshape(-1, 1) ** 0.5
    y = (corpus.label == "scripted").to_numpy()
    p = cross_val_predict(LogisticRegression(), x, y, cv=5, method="predict_proba")[:, 1]
    assert 0.42 < roc_auc_score(y, p) < 0.58
    med = corpus.groupby(["lang", "label"]).text.apply(lambda s: s.str.len().median()).unstack()
    assert ((med.authentic / med.scripted).between(0.75, 1.33)).all()


def test_campaigns() -> None:
    dirs = sorted(p for p in (ROOT / "data" / "campaigns").iterdir() if p.is_dir())
    assert len(dirs) >= 12
    langs, verdicts = set(), set()
    for d in dirs:
        exp = json.loads((d / "expected.json").read_text("utf-8"))
        posts = pd.read_csv(d / "posts.csv", dtype=str, keep_default_na=False)
        assert {"post_id", "creator", "text"} <= set(posts.columns), d.name
        assert (d / "brief.md").read_text("utf-8").strip()
        assert exp["verdict"] in ("ok", "watch", "over-controlled")
        langs.add(exp["lang"])
        verdicts.add(exp["verdict"])
        assert re.fullmatch(r"[a-z0-9_]+", d.name)
    assert langs == {"zh", "en", "mixed"} and verdicts == {"ok", "watch", "over-controlled"}
