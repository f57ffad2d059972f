"""The scoring path computes ``transform(docs) @ coef`` without the matrix: it must agree with it exactly.

The matrix path (``Featurizer.transform``) is what training fits on and what
``explain`` decomposes; the fast path (``Featurizer.decision``) is what
``score``, ``check`` and ``audit`` use. If they drift, scores stop matching
explanations and the trained model. The keyword signals are checked against
a plain-Python statement of their rule.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
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


@pytest.mark.parametrize(
    "cfg",
    [
        None,  # the trained model
        FeatureConfig(min_df=1, char_buckets=1000, word_ngram_max=1),  # no bigrams
        FeatureConfig(min_df=3, char_buckets=1 << 12, max_words=50),  # most tokens unknown
    ],
)
def test_decision_of_normalized_text_splices_runs_like_tokenize(cfg: FeatureConfig | None, small_model: Model,
                                                                corpus: pd.DataFrame,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The batch path (Chinese runs' words spliced in as ids by the kernel) equals decision of the tokenized docs."""
    from authenticity import _kernels

    texts = [*_texts(corpus, 200), "开头中文 then english 中间 #标签 [赞r] 结尾", "只有中文没有别的", "english only"]
    docs = prepare(texts)
    if cfg is None:
        f, coef = small_model.featurizer, small_model.coef
    else:
        f = Featurizer(cfg).fit(docs[:150])
        coef = np.random.default_rng(2).normal(size=f.n_features)
    ref = f.transform(docs) @ coef
    norm = [d.text for d in docs]
    monkeypatch.setattr(_kernels, "MIN_BATCH", 1)  # the kernel path where numba is installed, else the plain one
    assert np.allclose(f.decision_normalized(norm, coef), ref, rtol=0, atol=1e-10)
    assert np.allclose(f.decision_normalized(norm[:1], coef), ref[:1], rtol=0, atol=1e-10)
    assert f.decision_normalized([], coef).shape == (0,)
    monkeypatch.setattr(_kernels, "MIN_BATCH", 10**9)
    assert np.allclose(f.decision_normalized(norm, coef), ref, rtol=0, atol=1e-10)


_TOKEN_ALPHABET = st.sampled_from([
    "#", "[", "]", "r", "r]", "赞", "好物", "分享", " ", "\n", "\t", "'", "’", "don", "t", "a", "x" * 39, "_", "1", "❶",
    "🙂", "\ufe0f", "\u2600", "\ue001", "\ue00f", "。", "、", "!", ",", "(", '"', "é", "Σ", "𠀀", "\U00030000",
    "\U000e0001", "\U000f0000", "𝐀", "٣", "\u3000", "\u00a0", "ー", "の", "한", "[赞r]", "[" + "a" * 8 + "r]",
    "[" + "a" * 9 + "r]", "[rr]", "[r]", "#" + "话" * 45, "it’s", "rock'n'roll",
])


def _compiled_tokens(texts: list[str], drop_every: int = 0) -> None:
    """The compiled tokenizer against token_parts: ids, runs and hashtags of every post."""
    from authenticity import _kernels
    from authenticity.tokenize import char_kinds, token_parts

    parts = [token_parts(t) for t in texts]
    known = sorted({t for toks, runs, _ in parts for i, t in enumerate(toks) if i not in set(runs)})
    vocab = [t for i, t in enumerate(known) if not drop_every or i % drop_every]  # some tokens unknown: -1
    ids = {t: i for i, t in enumerate(vocab)}
    joined = "".join(texts)
    cp = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    bounds = np.cumsum([0, *map(len, texts)])
    got = _kernels.tokenize_ids(cp, bounds, char_kinds(), _kernels.VocabTable(vocab))
    for d, (toks, runs, _) in enumerate(parts):
        expected = [-2 if i in set(runs) else ids.get(t, -1) for i, t in enumerate(toks)]
        assert got.ids[got.bounds[d] : got.bounds[d + 1]].tolist() == expected, texts[d]
        spans = range(got.run_bounds[d], got.run_bounds[d + 1])
        assert [joined[got.run_start[k] : got.run_end[k]] for k in spans] == [toks[i] for i in runs]
        assert got.n_tags[d] == sum(t.startswith("#") for t in toks)


def test_compiled_tokenizer_equals_the_token_regex_on_the_corpus(corpus: pd.DataFrame) -> None:
    from authenticity import _kernels

    if not _kernels.available():
        pytest.skip("numba is not installed (pip install 'authenticity[fast]')")
    texts = [d.text for d in prepare(_texts(corpus, 400))] + _texts(corpus, 50)  # normalized, and raw
    _compiled_tokens(texts)
    _compiled_tokens(texts, drop_every=3)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_TOKEN_ALPHABET, max_size=25).map("".join), min_size=1, max_size=4))
def test_compiled_tokenizer_equals_the_token_regex_on_generated_text(texts: list[str]) -> None:
    from authenticity import _kernels

    if not _kernels.available():
        pytest.skip("numba is not installed (pip install 'authenticity[fast]')")
    _compiled_tokens(texts)
    _compiled_tokens(texts, drop_every=2)


def test_characters_beyond_the_kind_table_are_only_hashtag_and_bracket_emoji_body() -> None:
    """What the compiled tokenizer assumes of every code point above tokenize.KIND_TABLE_SIZE."""
    from authenticity.tokenize import _KIND_CLASSES, KIND_TABLE_SIZE

    beyond = "".join(chr(c) for c in range(KIND_TABLE_SIZE, 0x110000))
    for kind, cls in _KIND_CLASSES.items():
        members = sum(m.end() - m.start() for m in re.finditer(cls + "+", beyond))
        assert members == (len(beyond) if kind in ("tag", "bemoji") else 0), kind


def test_signals_need_only_the_token_count_and_the_hashtags(corpus: pd.DataFrame) -> None:
    """signal_matrix with the true token counts and only some tokens (Chinese runs whole, or just the hashtags)."""
    from authenticity.signals import signal_matrix
    from authenticity.tokenize import splice, token_parts

    docs = prepare([*_texts(corpus, 300), "#好物分享 #ootd 真的 #爱了 #"])
    parts = [token_parts(d.text) for d in docs]
    assert [splice(*p) for p in parts] == [list(d.tokens) for d in docs]
    n_tokens = np.array([len(d.tokens) for d in docs])
    texts = [d.text for d in docs]
    full = signal_matrix(texts, [d.tokens for d in docs])
    assert np.array_equal(signal_matrix(texts, [p[0] for p in parts], n_tokens=n_tokens), full)
    # hashtags are the only tokens a signal reads
    tags = [[t for t in d.tokens if t.startswith("#")] for d in docs]
    assert sum(map(len, tags)) > 3
    assert np.array_equal(signal_matrix(texts, tags, n_tokens=n_tokens), full)
    with pytest.raises(ValueError, match="NUL"):
        signal_matrix(["a\x00b"], [["a", "b"]], n_tokens=np.array([2]))


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


# -- normalization and tokenization shortcuts --------------------------------------------------------------------

_NORM_ALPHABET = st.sampled_from(
    ["，", "！", "～", "…", "℃", "　", "Ａ", "ｶ", "ﾞ", "e", "\u0301", "\u0308", "１", "²", "ﬁ", "a", "中", " ", "\n",
     "\t", "  ", " \n ", "%", "¥", "满100减20", "5折", "20% off", "bogo", "199元", "$1,299", "x"]
)


def test_nfkc_and_lowercase_bring_in_no_character_that_normalize_drops() -> None:
    """Why normalize cleans only once, before NFKC: checked for every code point.

    NFKC decomposes each character (all of them are here) and composes only into letters with marks and Hangul
    syllables; lowercasing maps letters to letters and marks.
    """
    from authenticity.normalize import _DROP_RE, clean_unicode

    kept = clean_unicode("".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF))
    assert len(kept) > 1_000_000
    assert not _DROP_RE.search(unicodedata.normalize("NFKC", kept).lower())


@settings(max_examples=400, deadline=None)
@given(st.lists(_NORM_ALPHABET, max_size=20).map("".join))
def test_nfkc_shortcut_equals_unicodedata(text: str) -> None:
    import unicodedata

    from authenticity.normalize import _nfkc

    assert _nfkc(text) == unicodedata.normalize("NFKC", text)


@settings(max_examples=400, deadline=None)
@given(st.lists(_NORM_ALPHABET, max_size=20).map("".join))
def test_literal_led_patterns_match_like_the_plain_ones(text: str) -> None:
    from authenticity.normalize import _NEWLINES_RE, _SPACES_RE, _SUBS

    assert _SPACES_RE.sub(" ", text) == re.sub(r"[^\S\n]+", " ", text)
    assert _NEWLINES_RE.sub("\n", text) == re.sub(r" ?\n[\s]*", "\n", text)
    discount = (r"(?:满\d{1,7}减\d{1,7}|(?<![\d.])\d{1,3}(?:\.\d{1,2})?\s?折|(?<!\d)\d{1,3}\s?%\s?off\b|"
                r"(?<!\d)\d{1,3}\s?% discount|\bbogo\b|买一送一|第二件半价)")
    price = (r"(?:[¥$€£]\s?\d{1,10}(?:[.,]\d{1,3}){0,3}|"
             r"(?<![\d.])\d{1,10}(?:\.\d{1,2})?\s?(?:元|块钱|rmb|usd|dollars?|bucks|quid))")
    fast = {p.pattern: p for p, _ in _SUBS}
    led_discount = next(p for k, p in fast.items() if "二件半价" in k)
    led_price = next(p for k, p in fast.items() if "bucks" in k)
    assert led_discount.findall(text) == re.findall(discount, text)
    assert led_price.findall(text) == re.findall(price, text)


def _reference_tokenize(text: str) -> list[str]:
    """Tokenization as first written: one match at a time, one segmenter call per Chinese run."""
    from authenticity.tokenize import _TOKEN_RE, cut_chinese

    out: list[str] = []
    for m in _TOKEN_RE.finditer(text):
        out.extend(cut_chinese(m.group()) if m.lastgroup == "cjk" else [m.group()])
    return out


def test_tokenize_equals_the_one_run_at_a_time_reference(corpus: pd.DataFrame) -> None:
    from authenticity.tokenize import tokenize

    for doc in prepare([*_texts(corpus, 400), "#好物分享 [赞r] 㐀鿿豈𠀀 한국어 カタカナ it's _x_ 真的!好用。"]):
        assert tokenize(doc.text) == _reference_tokenize(doc.text)


def test_detect_langs_equals_detect_lang(corpus: pd.DataFrame) -> None:
    from authenticity.tokenize import detect_lang, detect_langs

    texts = [d.text for d in prepare(_texts(corpus))] + ["𠀀𠀁 abc", "\ud800x", "ÀÉ", "123"]
    assert detect_langs(texts) == [detect_lang(t) for t in texts]
    assert detect_langs([]) == []


def test_compiled_kernels_agree_with_numpy(small_model: Model, corpus: pd.DataFrame,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from authenticity import _kernels

    if not _kernels.available():
        pytest.skip("numba is not installed (pip install 'authenticity[fast]')")
    docs = prepare(_texts(corpus, 200))
    f = small_model.featurizer
    monkeypatch.setattr(_kernels, "MIN_BATCH", 1)
    compiled = f.decision(docs, small_model.coef)
    monkeypatch.setattr(_kernels, "MIN_BATCH", 10**9)
    numpy_only = f.decision(docs, small_model.coef)
    assert np.allclose(compiled, numpy_only, rtol=0, atol=1e-10)
    # non-power-of-two buckets and bigram-free configs take the other branches of the kernels
    cfg = FeatureConfig(min_df=1, char_buckets=1000, word_ngram_max=1, char_ngram_min=2)
    g = Featurizer(cfg).fit(docs)
    coef = np.random.default_rng(1).normal(size=g.n_features)
    monkeypatch.setattr(_kernels, "MIN_BATCH", 1)
    assert np.allclose(g.decision(docs, coef), g.transform(docs) @ coef, rtol=0, atol=1e-10)


def test_compiled_kernels_load_from_the_cache_in_a_new_process(tmp_path: Path) -> None:
    """A new process finds the kernels in numba's on-disk cache instead of compiling them (about a second)."""
    import subprocess
    import sys

    from authenticity import _kernels

    if not _kernels.available():
        pytest.skip("numba is not installed (pip install 'authenticity[fast]')")
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path), "NUMBA_DEBUG_CACHE": "1"}
    code = "from authenticity import _kernels; _kernels.warm_up()"
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
            for _ in range(2)]
    first, second = (r.stdout + r.stderr for r in runs)
    n = first.count("data saved")
    assert n >= 6  # every kernel that warm_up runs
    assert second.count("data loaded") == n and "data saved" not in second


def test_kernels_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    from authenticity import _kernels

    _kernels._compile.cache_clear()
    monkeypatch.setenv("AUTHENTICITY_NUMBA", "0")
    try:
        assert not _kernels.available()
    finally:
        monkeypatch.delenv("AUTHENTICITY_NUMBA")
        _kernels._compile.cache_clear()


def test_batched_signals_equal_signals_one_post_at_a_time(corpus: pd.DataFrame) -> None:
    from authenticity.signals import signal_matrix, signal_values

    # matches must not cross posts; a post with Arabic-Indic digits switches the batch to the exact number patterns
    docs = prepare([*_texts(corpus, 400), "[ab", "cr] 12", "ml 用了", "两周", "١٢ml, ٣ weeks in"])
    texts, tokens = [d.text for d in docs], [d.tokens for d in docs]
    one_by_one = np.array([signal_values(t, k) for t, k in zip(texts, tokens, strict=True)])
    assert np.allclose(signal_matrix(texts, tokens), one_by_one, rtol=0, atol=1e-12)
    # text with a NUL (never produced by normalize) is still handled, post by post
    assert np.allclose(signal_matrix(["a\x00b!", "c"], [["a"], ["c"]]),
                       [signal_values("a\x00b!", ["a"]), signal_values("c", ["c"])])


def _kernels_or_skip() -> object:
    from authenticity import _kernels

    if not _kernels.available():
        pytest.skip("numba is not installed (pip install 'authenticity[fast]')")
    return _kernels


def test_compiled_literal_counts_equal_the_regexes(corpus: pd.DataFrame, monkeypatch: pytest.MonkeyPatch) -> None:
    from authenticity.signals import signal_matrix

    kernels = _kernels_or_skip()
    docs = prepare([*_texts(corpus, 400), "con: cons con:s", "a must have", "i think i'm", "100%好 #1 10/10"])
    texts, tokens = [d.text for d in docs], [d.tokens for d in docs]
    monkeypatch.setattr(kernels, "MIN_BATCH", 10**9)
    plain = signal_matrix(texts, tokens)
    monkeypatch.setattr(kernels, "MIN_BATCH", 1)
    assert np.array_equal(signal_matrix(texts, tokens), plain)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_PIECES), max_size=10).map("".join), min_size=1, max_size=4))
def test_compiled_literal_counts_equal_the_regexes_on_generated_text(texts: list[str]) -> None:
    from authenticity import _kernels
    from authenticity.signals import _LITERAL_COLUMNS, SIGNALS, _literal_table

    if not _kernels.available():
        return
    counts = _kernels.literal_counts(texts, _literal_table())
    for text, row in zip(texts, counts.tolist(), strict=True):
        expected = [sum(len(rx.findall(text)) for rx in SIGNALS[j].patterns) for j in _LITERAL_COLUMNS]
        assert row == expected, text


def test_literal_table_refuses_lists_the_kernel_would_count_differently() -> None:
    kernels = _kernels_or_skip()
    with pytest.raises(ValueError, match="starts with a non-Latin word"):
        kernels.LiteralTable([(("ab-", False), ("ab-cd", True))])  # type: ignore[attr-defined]


_WORD = st.text(alphabet="ab c中:", min_size=1, max_size=4).filter(lambda w: w.strip() == w and w.strip())


@settings(max_examples=300, deadline=None)
@example([["中a", "中a:b", ":b"], ["a", "a b"]], ["中a:b", "a b a", "中a:bb"])  # longest first, then what is left
@given(st.lists(st.lists(_WORD, min_size=1, max_size=5, unique=True), min_size=1, max_size=3),
       st.lists(st.text(alphabet="ab c中:!", max_size=12), min_size=1, max_size=3))
def test_literal_kernel_counts_like_keyword_pattern_for_any_word_lists(lists: list[list[str]],
                                                                       texts: list[str]) -> None:
    """Overlapping, nested and mixed Latin/Chinese words, on a small alphabet where they collide often."""
    from authenticity import _kernels
    from authenticity.signals import _LATIN_WORD, keyword_pattern

    if not _kernels.available():
        return
    try:
        table = _kernels.LiteralTable([tuple((w, _LATIN_WORD.fullmatch(w) is not None) for w in ws) for ws in lists])
    except ValueError:
        return  # a list the regexes would count differently; the table refuses it
    counts = _kernels.literal_counts(texts, table).tolist()
    for text, row in zip(texts, counts, strict=True):
        assert row == [len(re.findall(keyword_pattern(ws), text)) for ws in lists], text


_GATE_PIECES = st.sampled_from(
    ["a", "中", " ", "@", "@ab.", "x@ab.cd", "ab.com", "www.", "http://x.cn/a", "1", "1234567", "13812345678",
     "010-1234-5678", "0755-", "-8888", "-1234",
     "5折", "20% off", "满100减20", "bogo", "¥", "$1", "199元", "30块钱", "usd", "#", "#话题[话题]#", "#tag#", "."]
)


_BATCH_GATE_PIECES = st.sampled_from(
    ["a", "1", "٣", "１", "-", "123-4", "12-3", "1234567", "123456", "--", " ", "折", "%", "满", "bog", "bogo",
     "买一送", "买一送一", "第二件", "¥", "$", "€", "£", "元", "块", "块钱", "rmb", "us", "usd", "dollar", "buck",
     "bucks", "quid", "中", "\n"]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(_BATCH_GATE_PIECES, max_size=12).map("".join), min_size=1, max_size=5))
def test_compiled_gates_equal_the_regex_gates(texts: list[str]) -> None:
    from authenticity import _kernels
    from authenticity.normalize import _GATES, _PHONE_GATE, GATE_WORDS, _digit_table

    if not _kernels.available():
        pytest.skip("numba is not installed (pip install 'authenticity[fast]')")
    got = _kernels.gate_flags(texts, _digit_table(), GATE_WORDS).tolist()
    assert got == [[bool(g(t)) for g in _GATES[_PHONE_GATE : _PHONE_GATE + 3]] for t in texts]


def test_normalize_batch_equals_normalize(corpus: pd.DataFrame, monkeypatch: pytest.MonkeyPatch) -> None:
    from authenticity import _kernels
    from authenticity.normalize import normalize, normalize_batch

    texts = [*_texts(corpus, 600), "电话 010-1234-5678 或 13812345678，满100减20，¥199，3折 bogo",
             "买一送一 20% off $5"]
    expected = [normalize(t) for t in texts]
    monkeypatch.setattr(_kernels, "MIN_BATCH", 1)  # the compiled gates where numba is installed
    assert normalize_batch(texts) == expected
    monkeypatch.setattr(_kernels, "MIN_BATCH", 10**9)
    assert normalize_batch(texts) == expected
    assert normalize_batch([]) == []
    assert normalize_batch(t for t in texts[:3]) == expected[:3]  # any iterable, as prepare() takes
    with pytest.raises(TypeError, match="expects a str"):
        normalize_batch(["ok", 3])  # type: ignore[list-item]


def test_decimal_digits_are_all_in_the_digit_table() -> None:
    from authenticity.normalize import _digit_table

    table = _digit_table()
    assert not re.search(r"\d", "".join(chr(c) for c in range(len(table), 0x110000) if not 0xD800 <= c <= 0xDFFF))
    assert table[ord("٣")] and table[ord("7")] and not table[ord("a")]


@settings(max_examples=400, deadline=None)
@given(st.lists(_GATE_PIECES, max_size=12).map("".join))
def test_normalize_gates_are_necessary_conditions(text: str) -> None:
    """A substitution is skipped when its gate fails: that must never skip a match."""
    from authenticity.normalize import _GATES, _SUBS

    for (pattern, _), gate in zip(_SUBS, _GATES, strict=True):
        if pattern.search(text):
            assert gate(text), pattern.pattern


def test_int_map_matches_a_dict() -> None:
    from authenticity.features import IntMap

    rng = np.random.default_rng(3)
    keys = np.unique(rng.integers(0, 5_000, 800))  # dense keys collide in the table often
    values = rng.integers(0, 10**9, len(keys))
    m = IntMap(keys, values)
    queries = rng.integers(0, 6_000, 3_000)
    d = dict(zip(keys.tolist(), values.tolist(), strict=True))
    assert m.get(queries).tolist() == [d.get(k, -1) for k in queries.tolist()]
    assert len(m) == len(keys)
    assert IntMap(np.zeros(0), np.zeros(0)).get(np.array([1, 2])).tolist() == [-1, -1]
    with pytest.raises(ValueError, match="unique"):
        IntMap(np.array([1, 1]), np.array([2, 3]))


def test_the_command_line_starts_without_numpy_or_pandas() -> None:
    """`authenticity score` starts the workers' fork server before it loads NumPy, pandas or the model."""
    import subprocess
    import sys

    code = ("import sys; from authenticity.cli import build_parser; build_parser(); "
            "print([m for m in ('numpy', 'pandas', 'authenticity.model') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_version_is_read_when_asked(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    import authenticity
    from authenticity.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"authenticity {version('authenticity')}" == \
        f"authenticity {authenticity.__version__}"


def test_scoring_workers_do_not_need_pandas() -> None:
    """The fork server loads authenticity._worker; without pandas it starts in well under a second."""
    import subprocess
    import sys

    code = "import sys, authenticity._scorer, authenticity._worker; print('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["3", "12", ".", " ", "ml", "天", "weeks", "week", " in", " later", "for ", "after ",
                                 "用了", "第", "a", "两周", "x", "%"]), max_size=12).map("".join))
def test_digit_patterns_fast_form_equals_exact_form(text: str) -> None:
    from authenticity.signals import _DURATION, _UNIT_NUMBER

    for p in (_DURATION, _UNIT_NUMBER):
        assert p.fast.findall(text) == p.exact.findall(text)


def test_digit_patterns_count_other_scripts_digits() -> None:
    """\\d is any decimal digit, as in the regexes the model was trained with: Arabic-Indic digits count too."""
    from authenticity.signals import _DURATION, _UNIT_NUMBER

    assert len(_UNIT_NUMBER.findall("١٢ml and 20ml")) == 2
    assert len(_DURATION.findall("٣ weeks in, then 2 weeks later")) == 2
