"""The scoring path computes ``transform(docs) @ coef`` without the matrix: it must agree with it exactly.

The matrix path (``Featurizer.transform``) is what training fits on and what
``explain`` decomposes; the fast path (``Featurizer.decision``) is what
``score``, ``check`` and ``audit`` use. If they drift, scores stop matching
explanations and the trained model. The keyword signals are checked against
a plain-Python statement of their rule.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from authenticity.features import FeatureConfig, Featurizer, prepare
from authenticity.model import Model
from authenticity.signals import _KW, KEYWORDS

EDGE_TEXTS = [
    "", " ", "\n\n", "a", "!!!", "🙂", "x" * 5000,  # longer than one hashing batch
    "用了两周，每晚一次，干皮冬天够用，就是有点黏。" * 40,
    "best serum ever!! use code GLOW #ad #好物分享[话题]# @小鹿 https://x.cn/abc ¥199",
    "完全没有见过的词语组合 qwertyuiop zxcvbnm",
]


def _texts(corpus: pd.DataFrame, n: int = 300) -> list[str]:
    return corpus.sample(n, random_state=1).text.tolist() + EDGE_TEXTS


def test_decision_equals_matrix_product_on_the_trained_model(small_model: Model, corpus: pd.DataFrame) -> None:
    docs = prepare(_texts(corpus))
    f = small_model.featurizer
    fast = f.decision(docs, small_model.coef)
    ref = f.transform(docs) @ small_model.coef
    assert np.allclose(fast, ref, rtol=0, atol=1e-10)
    # the probabilities the scorer reports come from the same path
    p = small_model.proba_docs(docs)
    assert np.allclose(p, 0.5 * (1 + np.tanh(0.5 * (small_model.calib_a * (ref + small_model.intercept)
                                                    + small_model.calib_b))), atol=1e-10)


@pytest.mark.parametrize(
    "cfg",
    [
        FeatureConfig(min_df=1, char_buckets=1000, word_ngram_max=1),  # buckets not a power of two, unigrams only
        FeatureConfig(min_df=1, char_ngram_min=2, char_ngram_max=3, char_buckets=1 << 20, char_weight=0.7,
                      word_weight=1.3),
        FeatureConfig(min_df=2, char_buckets=1 << 16, signal_weight=0.0),
    ],
)
def test_decision_equals_matrix_product_for_other_configs(cfg: FeatureConfig, corpus: pd.DataFrame) -> None:
    texts = _texts(corpus, 120)
    docs = prepare(texts)
    f = Featurizer(cfg).fit(docs[:100])
    coef = np.random.default_rng(0).normal(size=f.n_features)
    assert np.allclose(f.decision(docs, coef), f.transform(docs) @ coef, rtol=0, atol=1e-10)
    # a different coefficient vector is not served from the cache of the first one
    coef2 = -coef
    assert np.allclose(f.decision(docs, coef2), f.transform(docs) @ coef2, rtol=0, atol=1e-10)


def test_decision_refuses_a_coefficient_vector_of_the_wrong_size(small_model: Model) -> None:
    with pytest.raises(ValueError, match="expected"):
        small_model.featurizer.decision(prepare(["x"]), small_model.coef[:-1])
    assert small_model.featurizer.decision([], small_model.coef).shape == (0,)


# -- keyword signals ---------------------------------------------------------------------------------------------

_LATIN = re.compile(r"[a-z0-9][a-z0-9' /-]*")


def _naive_count(words: tuple[str, ...], text: str) -> int:
    """The documented rule: longest listed word at each position, left to right, no overlaps; Latin words whole."""

    def fits(w: str, i: int) -> bool:
        if not text.startswith(w, i):
            return False
        if _LATIN.fullmatch(w):
            if i > 0 and re.match(r"\w", text[i - 1]):
                return False
            j = i + len(w)
            if w[-1].isalnum() and j < len(text) and re.match(r"\w", text[j]):
                return False
        return True

    count, i = 0, 0
    by_len = sorted(words, key=len, reverse=True)
    while i < len(text):
        w = next((w for w in by_len if fits(w, i)), None)
        if w is None:
            i += 1
        else:
            count += 1
            i += len(w)
    return count


def test_keyword_signals_follow_their_rule_on_the_corpus(corpus: pd.DataFrame) -> None:
    texts = [d.text for d in prepare(corpus.sample(400, random_state=2).text.tolist())]
    for name, words in KEYWORDS.items():
        for t in texts:
            assert len(_KW[name].findall(t)) == _naive_count(words, t), (name, t)


_PIECES = sorted({w for ws in KEYWORDS.values() for w in ws} | {" ", "a", "s", "我", "的", "1", "!", "\n", "'"})


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=12).map("".join))
def test_keyword_signals_follow_their_rule_on_generated_text(text: str) -> None:
    for name, words in KEYWORDS.items():
        assert len(_KW[name].findall(text)) == _naive_count(words, text), name
