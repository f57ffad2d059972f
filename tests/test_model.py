from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from authenticity.errors import InputError, LabelError
from authenticity.labels import parse_labels
from authenticity.model import Model, train


def test_scores_are_probabilities_and_separate_classes(small_model: Model, corpus: pd.DataFrame,
                                                        sample: pd.DataFrame) -> None:
    held = corpus[~corpus.id.isin(sample.id)].sample(300, random_state=1)
    p = small_model.predict_proba(held.text.tolist())
    assert ((p >= 0) & (p <= 1)).all()
    y = parse_labels(held.label)
    from sklearn.metrics import roc_auc_score

    assert roc_auc_score(y, p) > 0.75


def test_explanation_adds_up(small_model: Model) -> None:
    e = small_model.explain("姐妹们冲！这款精华绝绝子✨28天焕亮 链接在评论区 用了两周，干皮")
    total = e.base + sum(e.char_weights) + sum(s.weight for s in e.signals)
    assert math.isclose(total, math.log(e.p_scripted / (1 - e.p_scripted)), abs_tol=1e-6)
    assert len(e.char_weights) == len(e.text)
    assert e.label in ("authentic", "scripted")
    top = e.top_phrases(3, "scripted")
    assert all(p.weight > 0 for p in top)
    assert all(e.text[p.start : p.end].strip() for p in top)


def test_ad_copy_scores_above_a_genuine_note(small_model: Model) -> None:
    ad = "✨姐妹们闭眼入！28天焕亮肌肤，持妆12小时不脱妆，全网最低价¥199，链接在评论区，手慢无！#好物分享"
    real = "用了快一个月，每天晚上用，干皮冬天有点不够滋润，得再叠个面霜。味道我不太喜欢，有点酒精味。"
    p_ad, p_real = small_model.predict_proba([ad, real])
    assert p_ad > 0.5 > p_real


def test_predict_proba_refuses_a_bare_string(small_model: Model) -> None:
    with pytest.raises(InputError, match="wrap it"):
        small_model.predict_proba("one post")  # type: ignore[arg-type]


def test_odd_inputs_score(small_model: Model) -> None:
    p = small_model.predict_proba(["", " ", "😀", "a" * 100_000])
    assert p.shape == (4,) and np.isfinite(p).all()


def test_training_is_deterministic(sample: pd.DataFrame) -> None:
    texts, y = sample.text.tolist()[:120], parse_labels(sample.label)[:120]
    m1, _ = train(texts, y, cv=0, c=4.0, signal_weight=0.3)
    m2, _ = train(texts, y, cv=0, c=4.0, signal_weight=0.3)
    assert np.array_equal(m1.predict_proba(texts), m2.predict_proba(texts))


def test_cross_validation_reports_metrics(sample: pd.DataFrame) -> None:
    _, cvm = train(sample.text.tolist(), parse_labels(sample.label), cv=3, c=4.0, signal_weight=0.3)
    for key in ("accuracy", "f1", "roc_auc", "n", "brier"):
        assert key in cvm
    assert cvm["folds"] == 3 and cvm["n"] == len(sample)
    assert 0.6 < cvm["roc_auc"] <= 1.0


def test_grouped_cv_needs_enough_groups(sample: pd.DataFrame) -> None:
    with pytest.raises(InputError, match="2 distinct group"):
        train(sample.text.tolist(), parse_labels(sample.label), groups=["a", "b"] * (len(sample) // 2), cv=5)


def test_single_class_and_too_little_data() -> None:
    with pytest.raises(LabelError, match="one class only"):
        train(["x"] * 30, [1] * 30)
    with pytest.raises(InputError, match="too little data"):
        train(["x", "y", "z", "w"], [0, 1, 0, 1])


def test_labels_synonyms_and_errors() -> None:
    assert parse_labels(["authentic", "Scripted", 0, 1, "organic", "sponsored", "真实", "广告", True]).tolist() == [
        0, 1, 0, 1, 0, 1, 0, 1, 1]
    with pytest.raises(LabelError, match="unknown label value"):
        parse_labels(["authentic", "maybe"])
    with pytest.raises(LabelError, match="no value"):
        parse_labels(["authentic", None])
