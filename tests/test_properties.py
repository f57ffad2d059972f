"""Property-based tests: arbitrary Unicode never crashes the pipeline, and results are deterministic."""

from __future__ import annotations

import re

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from authenticity.features import prepare
from authenticity.model import Model
from authenticity.normalize import normalize
from authenticity.overlap import compact, copied_spans, copy_share, shingles
from authenticity.scoring import score_texts
from authenticity.tokenize import detect_lang, tokenize

# Everything, including lone surrogates, controls, RTL marks, combining marks and emoji sequences.
SPECIALS = ["\ud800", "\udfff", "\u202e", "\u200f", "\u200d", "\ufeff", "\x00", "\x1b", "\u0301", "\u20e3",
            "👩\u200d👩\u200d👧", "🇨🇳", "\ue001", "#话题[话题]#", "[赞R]", "@", "#", "¥", "https://", "\r\n"]
TEXT = st.lists(st.one_of(st.characters(), st.sampled_from(SPECIALS), st.text(max_size=20)), max_size=40).map("".join)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FAST
@given(TEXT)
def test_normalize_is_total_and_idempotent_on_its_output(text: str) -> None:
    out = normalize(text)
    assert isinstance(out, str)
    out.encode("utf-8")  # no lone surrogates survive
    assert out == out.strip()
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f\u200e\u200f\u202a-\u202e\ufeff]", out)
    assert "  " not in out


@FAST
@given(TEXT)
def test_tokenize_and_lang(text: str) -> None:
    n = normalize(text)
    toks = tokenize(n)
    assert all(isinstance(t, str) and t and not t.isspace() for t in toks)
    assert detect_lang(n) in ("zh", "en", "mixed", "other")


@FAST
@given(TEXT, TEXT)
def test_overlap_functions(a: str, b: str) -> None:
    ca, cb = compact(a), compact(b)
    ref = shingles(cb)
    share = copy_share(ca, ref)
    assert 0.0 <= share <= 1.0
    for s in copied_spans(ca, ref, min_len=1):
        assert 0 <= s.start < s.end <= len(ca.norm)
    assert copy_share(ca, shingles(ca)) in (0.0, 1.0)


@FAST
@given(st.lists(TEXT, min_size=1, max_size=6))
def test_scoring_properties(small_model: Model, texts: list[str]) -> None:
    out = score_texts(small_model, texts)
    assert len(out["status"]) == len(texts)  # one row per input, in order
    for p, status in zip(out["p_scripted"], out["status"], strict=True):
        assert (p is None) == (status != "ok")
        if p is not None:
            assert 0.0 <= p <= 1.0
    again = score_texts(small_model, texts)
    assert again == out  # deterministic
    # a post's score does not depend on its neighbours in the batch
    singles = [score_texts(small_model, [t])["p_scripted"][0] for t in texts]
    assert singles == out["p_scripted"]


@FAST
@given(TEXT)
def test_explain_is_consistent(small_model: Model, text: str) -> None:
    e = small_model.explain(text)
    assert 0.0 <= e.p_scripted <= 1.0
    assert len(e.char_weights) == len(e.text)
    p = small_model.proba_docs(prepare([text]))[0]
    assert np.isclose(p, e.p_scripted)
