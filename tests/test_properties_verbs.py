"""Property-based tests for the verbs' libraries: ``check_draft`` and ``audit_campaign`` take any Unicode.

Arbitrary strings (lone surrogates, control characters, RTL and other format
marks, emoji sequences, combining marks, placeholders' private-use code
points, platform syntax) never raise anything but a one-line
:class:`~authenticity.errors.InputError` for an input with nothing to check,
every score stays in [0, 1] (the over-control index in [0, 100]), every input
row comes back in order, and the same input gives the same report.
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from authenticity.audit import VERDICTS, audit_campaign
from authenticity.check import MAX_DRAFT_CHARS, check_draft
from authenticity.errors import InputError
from authenticity.model import Model

SPECIALS = ["\ud800", "\udfff", "\ud83d", "\u202e", "\u202b", "\u200f", "\u200e", "\u2066", "\u200b", "\u200d",
            "\ufeff", "\x00", "\x1b", "\x7f", "\x85", "\u0301", "\u0335", "\u20e3", "👩\u200d👩\u200d👧",
            "🏳️\u200d🌈", "👍🏽", "🇨🇳", "1\ufe0f\u20e3", "\ue001", "\ue005", "#话题[话题]#", "[赞R]", "@小鹿", "#",
            "¥199", "5折", "https://x.y/z", "\r\n", "\u3000", "ＮＯ．１", "最", "第一", "全網最低價", "广告", "#ad",
            "用了两周", "link in bio", "!!!", "。", "\n\n"]
PIECE = st.one_of(st.characters(), st.sampled_from(SPECIALS), st.text(max_size=12))
TEXT = st.lists(PIECE, max_size=30).map("".join)
SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@SETTINGS
@given(draft=TEXT, brief=st.one_of(st.none(), TEXT, TEXT.filter(str.strip)), lang=st.sampled_from(["auto", "zh", "en"]))
def test_check_draft_takes_any_unicode(small_model: Model, draft: str, brief: str | None, lang: str) -> None:
    try:
        r = check_draft(draft, brief=brief, model=small_model, lang=lang)
    except InputError as exc:  # nothing to check: an empty draft or brief; one line, no traceback
        assert "\n" not in str(exc)
        assert not draft.strip() or (brief is not None and not brief.strip())
        return
    assert 0.0 <= r.p_scripted <= 1.0 and r.label in ("authentic", "scripted")
    assert (r.copied_share is None) == (brief is None)
    assert r.copied_share is None or 0.0 <= r.copied_share <= 1.0
    for s in r.sentences:
        assert 0.0 <= s.p_scripted <= 1.0
        assert r.text[s.start : s.end] == s.text
    for t in r.absolute_terms:
        assert 0 <= t.start <= t.end <= len(draft)
    d = r.as_dict()
    json.dumps(d, ensure_ascii=False)
    assert check_draft(draft, brief=brief, model=small_model, lang=lang).as_dict() == d  # deterministic


@SETTINGS
@given(posts=st.lists(TEXT, min_size=1, max_size=6), brief=TEXT)
def test_audit_campaign_takes_any_unicode(small_model: Model, posts: list[str], brief: str) -> None:
    try:
        r = audit_campaign(posts, brief, model=small_model)
    except InputError as exc:  # no post has any text: one line, no traceback
        assert "\n" not in str(exc) and "none of the" in str(exc)
        return
    assert r.verdict in VERDICTS
    assert 0.0 <= r.over_control_index <= 100.0
    assert 0.0 <= r.scripted_share <= 1.0 and 0.0 <= r.mean_brief_copy <= 1.0
    assert [p.row for p in r.posts] == list(range(len(posts)))  # every input row, in order
    assert [p.text for p in r.posts] == [t if isinstance(t, str) else "" for t in posts]
    for p in r.posts:
        if p.status == "ok":
            assert p.p_scripted is not None and 0.0 <= p.p_scripted <= 1.0
            assert 0.0 <= p.brief_copy <= 1.0 and 0.0 <= p.borrowed <= 1.0 and 0.0 <= p.max_similarity <= 1.0
        else:
            assert p.p_scripted is None
    d = r.as_dict()
    json.dumps(d, ensure_ascii=False)
    assert audit_campaign(posts, brief, model=small_model).as_dict() == d  # deterministic


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(unit=TEXT.filter(lambda s: s.strip()))
def test_check_draft_at_its_length_cap(small_model: Model, unit: str) -> None:
    """A draft of exactly MAX_DRAFT_CHARS characters of any text is checked; one more is refused in one line."""
    draft = (unit * (MAX_DRAFT_CHARS // len(unit) + 1))[:MAX_DRAFT_CHARS]
    if draft.strip():
        assert 0.0 <= check_draft(draft, model=small_model).p_scripted <= 1.0
    try:
        check_draft(draft + "x", model=small_model)
    except InputError as exc:
        assert str(exc).startswith(f"the draft is too long: {MAX_DRAFT_CHARS + 1:,} characters")
    else:
        raise AssertionError("a draft over the cap was checked")
