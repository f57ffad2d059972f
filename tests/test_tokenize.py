from __future__ import annotations

import os
import subprocess
import sys

import pandas as pd

from authenticity.normalize import normalize
from authenticity.tokenize import CJK_RE, cut_chinese, detect_lang, script_runs, tokenize


def test_mixed_post_tokens() -> None:
    toks = tokenize(normalize("这个serum真的绝绝子！闭眼入 #好物分享[话题]# [赞R]😍 用了两周"))
    assert "serum" in toks
    assert "绝绝子" in toks  # user dictionary
    assert "闭眼入" in toks
    assert "#好物分享" in toks
    assert "[赞r]" in toks
    assert "😍" in toks
    assert "!" in toks


def test_latin_words_keep_apostrophes() -> None:
    assert tokenize("i've used it, don't buy.") == ["i've", "used", "it", ",", "don't", "buy", "."]


def test_traditional_chinese_segments() -> None:
    toks = tokenize(normalize("這款眼霜我用了三個禮拜，乾肌"))
    assert "".join(t for t in toks if CJK_RE.fullmatch(t)) == "這款眼霜我用了三個禮拜乾肌"


def test_script_runs() -> None:
    assert script_runs("这个serum真的") == [("cjk", "这个"), ("other", "serum"), ("cjk", "真的")]


def test_detect_lang() -> None:
    assert detect_lang(normalize("用了两周，每晚一次，干皮冬天够用")) == "zh"
    assert detect_lang(normalize("I used it for three weeks on dry skin")) == "en"
    assert detect_lang(normalize("这个serum的texture很清爽，absorb很快")) == "mixed"
    assert detect_lang("😀😀") == "other"


def test_rjieba_matches_jieba_on_the_bundled_corpus(corpus: pd.DataFrame) -> None:
    """The fast segmenter cuts the corpus's Chinese runs like jieba.

    The one known difference is how the two break a tie between equally
    likely splits of a repeated character ("嘀嘀嘀" -> 嘀嘀|嘀 vs 嘀|嘀嘀); any
    other difference fails this test.
    """
    runs = []
    for text in corpus.text.tolist():
        runs.extend(CJK_RE.findall(normalize(text)))
    assert len(runs) > 10_000
    diff = [r for r in runs if cut_chinese(r, "rjieba") != cut_chinese(r, "jieba")]
    ties = [r for r in diff if any(a == b == c for a, b, c in zip(r, r[1:], r[2:], strict=False))]
    assert diff == ties
    assert len(diff) <= len(runs) / 5000


def test_segmenter_is_quiet_on_stderr() -> None:
    code = "from authenticity.tokenize import cut_chinese; print(cut_chinese('种草了一个好物', 'jieba'))"
    env = {**os.environ, "AUTHENTICITY_SEGMENTER": "jieba"}
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert res.stderr == ""
    assert "种草" in res.stdout
