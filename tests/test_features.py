from __future__ import annotations

import numpy as np
import pytest

from authenticity.features import FeatureConfig, Featurizer, char_ngram_keys, prepare
from authenticity.signals import SIGNAL_NAMES, SIGNALS, docs, signal_values


def test_char_ngram_keys_are_stable_and_do_not_cross_texts() -> None:
    d1, b1, s1, n1 = char_ngram_keys(["ab", "c"], 1, 2, 1 << 20, positions=True)
    assert d1.tolist() == [0, 0, 1, 0]
    assert s1.tolist() == [0, 1, 0, 0]
    assert n1.tolist() == [1, 1, 1, 2]
    # the same n-gram hashes to the same bucket wherever it occurs
    _, b2 = char_ngram_keys(["xab"], 2, 2, 1 << 20)
    assert b1[3] == b2[1]


def test_known_bucket_values_do_not_drift() -> None:
    """Hashing must be identical across runs and machines (model files depend on it)."""
    _, b = char_ngram_keys(["种草"], 1, 2, 1 << 18)
    _, b_again = char_ngram_keys(["种草"], 1, 2, 1 << 18)
    assert b.tolist() == b_again.tolist()
    assert len(set(b.tolist())) == 3


def test_transform_matches_a_tfidf_reference() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = ["aab ab", "ab", "bbb a", "ab ab ab"]
    docs_ = prepare(texts)
    cfg = FeatureConfig(char_ngram_min=1, char_ngram_max=1, min_df=1, char_buckets=1 << 16, signal_weight=0.0)
    fz = Featurizer(cfg).fit(docs_)
    x = fz.transform(docs_)[:, : fz.n_char].toarray()
    ref = TfidfVectorizer(analyzer="char", sublinear_tf=True, token_pattern=None,
                          preprocessor=lambda s: s.replace(" ", "")).fit_transform(texts).toarray()
    # same values up to column order: compare sorted non-zero rows
    for i in range(len(texts)):
        assert np.allclose(sorted(x[i][x[i] > 0]), sorted(ref[i][ref[i] > 0]))


def test_word_vocabulary_respects_min_df() -> None:
    docs_ = prepare(["good good day", "good night", "bad day"])
    fz = Featurizer(FeatureConfig(min_df=2)).fit(docs_)
    assert set(fz.word_list()) == {"good", "day"}


def test_rows_are_l2_normalized_per_block() -> None:
    docs_ = prepare(["用了两周，每晚一次", "best serum ever!! use code GLOW", "用了两周 best"])
    fz = Featurizer(FeatureConfig(min_df=1)).fit(docs_)
    x = fz.transform(docs_)
    xc = x[:, : fz.n_char].toarray()
    xw = x[:, fz.n_char : fz.n_char + fz.n_words].toarray()
    assert np.allclose(np.linalg.norm(xc, axis=1), 1.0)
    assert np.allclose(np.linalg.norm(xw, axis=1), 1.0)


def test_unfitted_featurizer_raises() -> None:
    from authenticity.errors import NotFittedError

    with pytest.raises(NotFittedError, match="not fitted"):
        Featurizer().transform(prepare(["x"]))


def test_bad_config_is_refused() -> None:
    with pytest.raises(ValueError, match="char n-gram range"):
        Featurizer(FeatureConfig(char_ngram_min=3, char_ngram_max=2)).fit(prepare(["x"]))


def test_empty_batch_and_empty_text() -> None:
    docs_ = prepare(["a b c", "a b"])
    fz = Featurizer(FeatureConfig(min_df=1)).fit(docs_)
    assert fz.transform([]).shape == (0, fz.n_features)
    assert fz.transform(prepare([""])).shape == (1, fz.n_features)


def _sig(text: str) -> dict[str, float]:
    d = prepare([text])[0]
    return dict(zip(SIGNAL_NAMES, signal_values(d.text, d.tokens), strict=True))


def test_signals_fire_on_what_they_name() -> None:
    ad = _sig("姐妹们冲！！绝绝子✨\n✅28天焕亮\n✅持妆12小时\n链接在评论区 领券¥199 #好物分享[话题]# #护肤[话题]#")
    real = _sig("用了两周，每晚一次，干皮冬天够用，就是有点黏。不确定是不是它的功劳。")
    assert ad["calls_to_action"] > 0 and real["calls_to_action"] == 0
    assert ad["hashtags"] > real["hashtags"]
    assert ad["hype_words"] > 0 and ad["list_structure"] > 0 and ad["price_discount"] > 0
    assert real["duration_of_use"] > 0 and real["personal_context"] > 0
    assert real["balance"] > 0 and real["hedging"] > 0
    en = _sig("I returned it after 3 weeks, my dry skin hated it. Maybe not for everyone?")
    assert en["first_person"] > 0 and en["negative"] > 0 and en["questions"] > 0
    assert en["duration_of_use"] > 0
    assert en["superlatives"] == 0  # "everyone" is not "ever"


def test_every_signal_is_documented() -> None:
    table = docs()
    for s in SIGNALS:
        assert f"`{s.name}`" in table and s.description
