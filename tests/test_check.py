"""The draft check: library, golden reports and the ``authenticity check`` CLI.

Golden files (``tests/golden/check_*.json``) pin the JSON report of a handful
of drafts written for these tests. They are made with ``small_model`` (trained
in the test session with fixed settings), and every number or word that comes
from the model (scores, label, summary, reasons, the "reads scripted" cue) is
replaced by ``"<model>"`` before comparing, so a retrained model or a grown
corpus does not break them; what they pin is the model-independent part: the
sentences and their offsets, the copied spans, the advertising-law terms, the
disclosure check and the suggestions. Regenerate with
``AUTHENTICITY_UPDATE_GOLDEN=1 python -m pytest tests/test_check.py``.
"""

from __future__ import annotations

import copy
import dataclasses
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from authenticity.check import (
    MAX_DRAFT_CHARS,
    CheckReport,
    check_draft,
    load_lexicon,
    split_sentences,
)
from authenticity.cli import main
from authenticity.cli.check import _use_color
from authenticity.errors import InputError
from authenticity.model import Model

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("AUTHENTICITY_UPDATE_GOLDEN") == "1"

ZH_BRIEF = """# 暖屿 蒸汽眼罩 · 小红书种草 Brief

## 产品
品牌：暖屿
产品：暖屿蒸汽眼罩（薰衣草味），一盒10片

## 核心卖点（请完整使用以下表述）
1. 40℃恒温热敷20分钟，眼睛瞬间放松
2. 独立包装，出差通勤随时随地用
3. 薰衣草香气助眠，睡前敷一片一觉到天亮

## Mandatory
- 话题：#暖屿蒸汽眼罩[话题]# #打工人护眼[话题]#
- @暖屿官方旗舰店
- 笔记需标注「广告」
"""

EN_BRIEF = """# Lumo Bottle — creator brief

## Product
Brand: Lumo

## Key messages
- Keeps drinks cold for 24 hours and hot for 12
- Leak-proof lid you can throw in your bag
- Made from recycled stainless steel

## Mandatory
- #ad #LumoBottle
- Tag @lumo.official
"""

ZH_GENUINE = (
    "用了三周，我是混干皮，冬天脸颊容易起皮。这瓶精华质地有点黏，早上用完要等一会儿再上妆，不过晚上用完第二天起来脸没那么干了。\n"
    "30ml 大概能用一个半月，189元对我来说有点小贵，打折的时候可能会回购。最佳使用时间是晚上，我一般洗完脸就用。"
)
ZH_BRIEF_COPY = (
    "打工人必备！40℃恒温热敷20分钟，眼睛瞬间放松～独立包装，出差通勤随时随地用，薰衣草香气助眠，睡前敷一片一觉到天亮！姐妹们冲！\n"
    "#暖屿蒸汽眼罩[话题]# #打工人护眼[话题]# @暖屿官方旗舰店"
)
ZH_LAW = (
    "全网最低价，效果第一！这款精华是国家级实验室出品，唯一能根治痘痘的特效产品，立竿见影～\n"
    "最佳使用时间是晚上，第一次用就爱了。想要的加vx或打13812345678"
)
ZH_CODE = "最近在用这款洗面奶，我是油皮，洗完不紧绷。用我的专属优惠码 LUCKY20 下单立减20元，链接在评论区～"
EN_SCRIPTED = (
    "The #1 serum, guaranteed results! Best ever for glowing skin ✨ Use code GLOW20 for 20% off, link in bio!"
)
EN_GENUINE = (
    "#ad I've been using this serum for three weeks on my dry, sensitive skin. It's a bit sticky, so I wait 5 "
    "minutes before makeup, but my cheeks stopped flaking by day ten.\nFor best results use it at night. Not sure "
    "I'd pay full price though."
)
EN_BRIEF_COPY = (
    "Obsessed with my new Lumo bottle! It keeps drinks cold for 24 hours and hot for 12, and the leak-proof lid you "
    "can throw in your bag is a game changer. Made from recycled stainless steel. Use code LUMO15 for 15% off, link "
    "in bio! #LumoBottle @lumo.official"
)

DRAFTS: dict[str, tuple[str, str | None]] = {
    "zh_genuine": (ZH_GENUINE, None),
    "zh_brief_copy": (ZH_BRIEF_COPY, ZH_BRIEF),
    "zh_law_terms": (ZH_LAW, None),
    "zh_code_undisclosed": (ZH_CODE, None),
    "en_scripted_code": (EN_SCRIPTED, None),
    "en_genuine_disclosed": (EN_GENUINE, None),
    "en_brief_copy": (EN_BRIEF_COPY, EN_BRIEF),
}

MODEL = "<model>"


def stable(report: dict[str, Any]) -> dict[str, Any]:
    """The report with everything that depends on the model replaced by ``"<model>"``."""
    d = copy.deepcopy(report)
    for key in ("p_scripted", "label", "summary", "threshold"):
        d[key] = MODEL
    d["reasons"] = {k: MODEL for k in d["reasons"]}
    for s in d["sentences"]:
        s["p_scripted"] = s["highlight"] = MODEL
    disc = d["disclosure"]
    disc["reads_scripted"] = MODEL
    disc["cues"] = [c for c in disc["cues"] if c["kind"] != "reads scripted"]
    disc["message"] = re.sub(r",? ?p_scripted \d\.\d\d", "", disc["message"])
    if not disc["cues"]:  # then only the model decides whether it reads sponsored
        disc["sponsored"] = disc["needed"] = disc["message"] = MODEL
        d["suggestions"] = [s for s in d["suggestions"] if s["id"] != "disclose"]
    return d


def _spans_match(text: str, items: list[Any]) -> None:
    for it in items:
        assert " ".join(text[it.start : it.end].split()) == it.text, it


# -- the acceptance cases ------------------------------------------------------------


def test_genuine_note_passes_cleanly(small_model: Model) -> None:
    for text in (ZH_GENUINE, EN_GENUINE):
        r = check_draft(text, model=small_model)
        assert r.label == "authentic" and r.p_scripted < 0.3
        assert r.absolute_terms == ()
        assert not r.disclosure.needed
        assert r.failed(["any"]) == []
        assert {s.id for s in r.suggestions}.isdisjoint({"duration", "drawback", "situation", "first_person"})
        assert r.summary.startswith("Reads like a genuine experience note")


def test_pasted_brief_reads_scripted_and_shows_copied_phrases(small_model: Model) -> None:
    r = check_draft(ZH_BRIEF_COPY, brief=ZH_BRIEF, model=small_model)
    assert r.label == "scripted"
    copied = [s.text for s in r.copied]
    assert "40℃恒温热敷20分钟，眼睛瞬间放松" in copied
    assert any("薰衣草香气助眠" in s for s in copied)
    assert r.copied_share is not None and r.copied_share >= 0.5
    # mandatory hashtags and the @mention are listed apart, not as copying
    assert {e.text for e in r.expected} >= {"#暖屿蒸汽眼罩", "#打工人护眼", "@暖屿官方旗舰店"}
    assert not any("#" in s or "@" in s for s in copied)
    assert "copied" in {s.id for s in r.suggestions}
    assert r.failed(["copied"]) and "of the draft is copied" in r.failed(["copied"])[0]
    # the brief's disclosure requirement names the label
    assert r.disclosure.needed and r.disclosure.expected_label == "广告"
    _spans_match(r.text, list(r.copied))


def test_english_brief_copy(small_model: Model) -> None:
    r = check_draft(EN_BRIEF_COPY, brief=EN_BRIEF, model=small_model)
    assert r.label == "scripted"
    assert "keeps drinks cold for 24 hours and hot for 12" in [s.text for s in r.copied]
    assert {e.text for e in r.expected} >= {"#LumoBottle", "@lumo.official"}
    assert r.disclosure.needed and r.disclosure.expected_label == "#ad"


def test_absolute_terms_flagged_with_severities(small_model: Model) -> None:
    r = check_draft("全网最低价，效果第一", model=small_model)
    assert [(t.text, t.severity, t.category) for t in r.absolute_terms] == [
        ("全网最低", "high", "absolute"), ("效果第一", "high", "absolute")]
    assert all(t.suggestion and t.why for t in r.absolute_terms)
    r = check_draft("the #1 serum, guaranteed results", model=small_model)
    assert [(t.text, t.severity) for t in r.absolute_terms] == [("#1", "high"), ("guaranteed", "high")]
    assert r.failed(["absolute-terms"]) == ["absolute-terms (2: #1, guaranteed)"]
    assert check_draft("最佳使用时间是晚上", model=small_model).absolute_terms == ()


@pytest.mark.parametrize("text", [
    "最佳使用时间是晚上，最好在洗脸后用。",  # usage instructions
    "第一次用就爱了，第一天没感觉，第一周开始变好。",  # order, not ranking
    "唯一的缺点是有点黏。",  # a drawback
    "最近换季，最后还是回购了。",  # time words
    "这是本品牌最新款，比上一代轻。",  # self-comparison
    "For best results, apply at night. My best friend loves it too, best before 2026.",
    "I treat myself to a mask on Sundays.",
    "微信支付宝都能用，注册手机号有点烦。",  # the app and a sign-up step, not contact diversion
    "安全第一，这只猫很治愈。",  # a priority and a figure of speech
    "温和，但不是那种立竿见影的。",  # negated
    "100% cotton, not a miracle, and they can't guarantee delivery dates. Cured meats were great.",
])
def test_exemptions_are_not_flagged(small_model: Model, text: str) -> None:
    assert check_draft(text, model=small_model).absolute_terms == ()


def test_brand_names_from_the_brief_are_exempt(small_model: Model) -> None:
    brief = "## Product\n品牌：最生活\n## Mandatory\n- #最生活毛巾[话题]#\n"
    assert check_draft("最生活的毛巾用了两周，吸水不错。", model=small_model).absolute_terms != ()
    r = check_draft("最生活的毛巾用了两周，吸水不错。", brief=brief, model=small_model)
    assert r.absolute_terms == ()


def test_efficacy_contact_and_traditional(small_model: Model) -> None:
    r = check_draft(ZH_LAW, model=small_model)
    cats = {(t.text, t.category) for t in r.absolute_terms}
    assert {("根治", "efficacy"), ("特效", "efficacy"), ("立竿见影", "efficacy"), ("加vx", "contact"),
            ("13812345678", "contact"), ("国家级", "absolute"), ("唯一", "absolute")} <= cats
    assert "最佳" not in {t.text for t in r.absolute_terms}
    assert "第一" not in {t.text for t in r.absolute_terms}  # 第一次用
    _spans_match(r.text, list(r.absolute_terms))
    tw = check_draft("這款是全網最低價，國家級品質！", model=small_model)
    assert {t.text for t in tw.absolute_terms} == {"全網最低", "國家級"}
    full = check_draft("ＮＯ．１的精华", model=small_model)
    assert [t.text for t in full.absolute_terms] == ["ＮＯ．１"]


def test_lang_option_restricts_terms(small_model: Model) -> None:
    text = "全网最低 and guaranteed"
    assert {t.text for t in check_draft(text, model=small_model).absolute_terms} == {"全网最低", "guaranteed"}
    assert {t.text for t in check_draft(text, model=small_model, lang="zh").absolute_terms} == {"全网最低"}
    assert {t.text for t in check_draft(text, model=small_model, lang="en").absolute_terms} == {"guaranteed"}
    with pytest.raises(InputError, match="lang must be one of auto, zh, en"):
        check_draft(text, model=small_model, lang="fr")


def test_discount_code_without_disclosure_gets_reminder(small_model: Model) -> None:
    r = check_draft(ZH_CODE, model=small_model)
    d = r.disclosure
    assert d.sponsored and d.needed and d.expected_label == "广告"
    assert "discount code" in {c.kind for c in d.cues}
    assert '"广告"' in d.message and r.suggestions[0].id == "disclose"
    r = check_draft("Loving these earbuds on my commute. Use code VEYRA15 for 15% off!", model=small_model)
    assert r.disclosure.needed and r.disclosure.expected_label == "#ad"
    assert r.failed(["undisclosed"]) == ['undisclosed (add "#ad")']


def test_disclosure_labels_weak_labels_and_denials(small_model: Model) -> None:
    ok = check_draft("#ad Loving these earbuds. Use code VEYRA15 for 15% off!", model=small_model)
    assert ok.disclosure.labels == ("#ad",) and not ok.disclosure.needed
    weak = check_draft("Gifted by the brand! Use code VEYRA15 for 15% off, link in bio", model=small_model)
    assert weak.disclosure.needed and weak.disclosure.weak == ("Gifted",)
    assert "weak label" in weak.disclosure.message
    denial = check_draft("不是广告！用我的优惠码 LUCKY20 立减20元", model=small_model)
    assert denial.disclosure.needed and denial.disclosure.denials == ("不是广告",)
    assert denial.disclosure.labels == ()
    zh_ok = check_draft("【广告】用我的优惠码 LUCKY20 立减20元", model=small_model)
    assert not zh_ok.disclosure.needed
    # "spf" is not the weak label "sp"; "#adidas" is not "#ad"
    r = check_draft("spf 50 sunscreen #adidas, use code SUN10", model=small_model)
    assert r.disclosure.weak == () and r.disclosure.labels == ()


def test_suggestions_follow_missing_markers(small_model: Model) -> None:
    r = check_draft(EN_SCRIPTED, model=small_model)
    ids = [s.id for s in r.suggestions]
    assert ids[:2] == ["disclose", "law_terms"]
    assert {"hard_sell", "duration", "drawback"} <= set(ids)
    text = " ".join(s.text for s in r.suggestions)
    assert '"#1"' in text and "link in bio" in text and "skin type" in text
    zh = check_draft(ZH_BRIEF_COPY, brief=ZH_BRIEF, model=small_model)
    assert any("「" in s.text for s in zh.suggestions if s.id == "duration")  # Chinese examples for a Chinese draft
    assert len(r.suggestions) <= 6


# -- sentences, reasons, offsets -------------------------------------------------------------


def test_split_sentences_keeps_offsets() -> None:
    text = "  第一句。第二句！！\nThird one. Fourth? 3.5 stays ✨✨\n\n越嚼越香～好吃"
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == ["第一句。", "第二句！！", "Third one.", "Fourth?", "3.5 stays ✨✨",
                                             "越嚼越香～", "好吃"]
    assert split_sentences("✨✨\n---\n") == []


def test_sentences_scored_in_one_batch(small_model: Model) -> None:
    m = copy.copy(small_model)
    calls: list[list[str]] = []
    orig = small_model.predict_proba

    def counting(texts: list[str]) -> Any:
        calls.append(list(texts))
        return orig(texts)

    m.predict_proba = counting  # type: ignore[method-assign]
    r = check_draft(ZH_BRIEF_COPY, model=m)
    assert len(calls) == 1 and calls[0] == [s.text for s in r.sentences]
    for s in r.sentences:
        assert r.text[s.start : s.end] == s.text and 0 <= s.p_scripted <= 1
        assert s.highlight == (s.p_scripted >= small_model.threshold)
    assert max(r.sentences, key=lambda s: s.p_scripted).highlight


def test_reasons_either_way_with_offsets(small_model: Model) -> None:
    r = check_draft(EN_SCRIPTED, model=small_model)
    up, down = r.reasons_toward("scripted"), r.reasons_toward("authentic")
    assert up and all(x.weight > 0 for x in up) and all(x.weight < 0 for x in down)
    assert [abs(x.weight) for x in up] == sorted((abs(x.weight) for x in up), reverse=True)
    assert {"phrase", "signal"} <= {x.kind for x in up}
    _spans_match(r.text, [x for x in r.reasons if x.kind == "phrase" and x.start is not None])
    assert any(x.name == "calls_to_action" for x in up)


def test_offsets_survive_normalization(small_model: Model) -> None:
    text = ("ＷＯＷ！这个精华¥１９９ #好物分享[话题]# @小鹿 https://xhslink.com/abc "
            "全网最低价，加微信 wx123 ，电话 13812345678")
    r = check_draft(text, model=small_model)
    _spans_match(text, list(r.absolute_terms))
    _spans_match(text, [x for x in r.reasons if x.kind == "phrase" and x.start is not None])
    assert {t.text for t in r.absolute_terms} >= {"全网最低", "加微信", "13812345678"}


def test_report_is_frozen_and_renders(small_model: Model) -> None:
    r = check_draft(ZH_LAW, brief=ZH_BRIEF, model=small_model)
    assert isinstance(r, CheckReport)
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.label = "x"  # type: ignore[misc]
    plain = r.render(color=False)
    for head in ("VERDICT", "WHY", "SENTENCES", "COPIED FROM THE BRIEF", "ADVERTISING-LAW TERMS", "DISCLOSURE",
                 "SUGGESTIONS"):
        assert head in plain
    assert "\x1b[" not in plain and str(r) == plain
    coloured = r.render(color=True)
    assert "\x1b[35;1m全网最低" in coloured
    d = r.as_dict()
    assert set(d) >= {"p_scripted", "label", "summary", "reasons", "sentences", "copied_from_brief",
                      "absolute_terms", "disclosure", "suggestions"}
    json.dumps(d, ensure_ascii=False)
    assert check_draft(ZH_LAW, model=small_model).as_dict()["copied_from_brief"] is None


def test_html_escapes_everything(small_model: Model) -> None:
    brief = '## Key messages\n- <img src=x onerror="alert(1)"> 全网最低价\n'
    text = '<script>alert("x")</script> 全网最低价 <img src=x onerror="alert(1)"> & "quotes"'
    out = check_draft(text, brief=brief, model=small_model)._repr_html_()
    assert "<script" not in out and "<img" not in out
    assert "&lt;" in out and "&amp;" in out and "onerror=\"" not in out
    assert out.startswith('<div class="authenticity-check"') and out.endswith("</div>")


# -- bad input, limits, Unicode -------------------------------------------------------------


def test_bad_input(small_model: Model) -> None:
    with pytest.raises(InputError, match="the draft is empty"):
        check_draft(" \n ", model=small_model)
    with pytest.raises(InputError, match="too long: 20,001 characters"):
        check_draft("好" * (MAX_DRAFT_CHARS + 1), model=small_model)
    with pytest.raises(InputError, match="expects the draft as a str"):
        check_draft(None, model=small_model)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="brief is empty"):
        check_draft("ok", brief="  ", model=small_model)


def test_max_length_draft_is_fast_enough(small_model: Model) -> None:
    unit = "用了两周，我是干皮，这个精华有点黏但是保湿不错。全网最低价！ call 13812345678 @abc https://a.b/c ¥199\n"
    text = (unit * (MAX_DRAFT_CHARS // len(unit) + 1))[:MAX_DRAFT_CHARS]
    r = check_draft(text, model=small_model)
    assert len(r.sentences) > 300 and len(r.absolute_terms) > 100
    _spans_match(text, list(r.absolute_terms[:50]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=1, max_size=200).filter(lambda s: s.strip()))
def test_never_crashes_on_unicode(small_model: Model, text: str) -> None:
    r = check_draft(text, model=small_model)
    assert 0.0 <= r.p_scripted <= 1.0
    for s in r.sentences:
        assert r.text[s.start : s.end] == s.text
    for item in (*r.absolute_terms, *[x for x in r.reasons if x.kind == "phrase" and x.start is not None]):
        assert 0 <= item.start <= item.end <= len(text)
    r.render(color=True)
    r._repr_html_()
    json.dumps(r.as_dict(), ensure_ascii=False)


def test_surrogates_and_emoji_only(small_model: Model) -> None:
    r = check_draft("\ud800 好用 \udfff", model=small_model)
    assert "\ufffd" in r.text and len(r.text) == 6
    assert check_draft("😀😀✨", model=small_model).sentences == ()


# -- the lexicon ----------------------------------------------------------------------------------


def test_user_lexicon_extends_the_shipped_one(small_model: Model, tmp_path: Path) -> None:
    extra = tmp_path / "mine.json"
    extra.write_text(json.dumps({
        "terms": [{"match": "YYDS", "lang": "zh", "category": "hype", "severity": "low", "suggestion": "say why"}],
        "exemptions": [{"match": "全网最低温", "reason": "a specification"}],
        "disclosure": {"labels": ["#合作伙伴"]},
    }, ensure_ascii=False), encoding="utf-8")
    r = check_draft("这个yyds，全网最低温也能用，全网最低价", model=small_model, lexicon=extra)
    assert [(t.text, t.severity) for t in r.absolute_terms] == [("yyds", "low"), ("全网最低", "high")]
    assert r.failed(["absolute-terms"]) == ["absolute-terms (1: 全网最低)"]  # low severity does not fail
    lex = load_lexicon(extra)
    assert "#合作伙伴" in lex.label_names and "广告" in lex.label_names


@pytest.mark.parametrize("content, message", [
    ("{not json", "not valid JSON"),
    ('{"terms": [{"regex": "("}]}', "invalid regex"),
    ('{"terms": [{"match": "x", "severity": "urgent"}]}', "'severity' must be one of high, medium, low"),
    ('{"terms": [{"match": "x", "regex": "y"}]}', "exactly one of 'match'"),
    ('{"terms": [{"match": "x", "lang": "fr"}]}', "'lang' must be zh, en or any"),
    ('{"disclosure": {"labels": "广告"}}', "must be a list of non-empty strings"),
])
def test_bad_lexicon_files(tmp_path: Path, content: str, message: str) -> None:
    p = tmp_path / "bad.json"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(message)):
        load_lexicon(p)


def test_shipped_lexicon_loads() -> None:
    lex = load_lexicon()
    assert len(lex.terms) > 50 and len(lex.exemptions) > 5
    assert set(lex.categories) >= {"absolute", "efficacy", "guarantee", "contact"}
    assert {"zh", "en"} <= set(lex.expected)


# -- golden reports -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(DRAFTS))
def test_golden_reports(small_model: Model, name: str) -> None:
    text, brief = DRAFTS[name]
    got = {"draft": text, "brief": brief, "report": stable(check_draft(text, brief=brief, model=small_model).as_dict())}
    path = GOLDEN / f"check_{name}.json"
    if UPDATE or not path.exists():
        if not UPDATE:
            pytest.fail(f"{path} is missing; run with AUTHENTICITY_UPDATE_GOLDEN=1 to create it")
        path.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    want = json.loads(path.read_text("utf-8"))
    assert got == want


# -- the CLI -------------------------------------------------------------------------------------


def _stdin(monkeypatch: pytest.MonkeyPatch, data: str) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data.encode("utf-8")), encoding="utf-8"))


@pytest.fixture()
def files(tmp_path: Path) -> dict[str, Path]:
    out = {}
    for name, text in (("genuine", ZH_GENUINE), ("law", ZH_LAW), ("code", ZH_CODE), ("copy", ZH_BRIEF_COPY),
                       ("brief", ZH_BRIEF), ("en", EN_SCRIPTED)):
        out[name] = tmp_path / f"{name}.txt"
        out[name].write_text(text, encoding="utf-8")
    return out


def test_cli_json(files: dict[str, Path], small_model_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["check", str(files["copy"]), "--brief", str(files["brief"]), "-m", str(small_model_path), "--json"])
    assert rc == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) >= {"p_scripted", "label", "summary", "reasons", "sentences", "copied_from_brief",
                        "absolute_terms", "disclosure", "suggestions"}
    assert out["copied_from_brief"]["share"] > 0.5 and out["disclosure"]["needed"] is True


@pytest.mark.parametrize("name, fail_on, rc", [
    ("genuine", ["--fail-on", "any"], 0),
    ("genuine", [], 0),
    ("law", ["--fail-on", "absolute-terms"], 1),
    ("genuine", ["--fail-on", "undisclosed"], 0),
    ("code", ["--fail-on", "undisclosed"], 1),
    ("en", ["--fail-on", "scripted"], 1),
    ("en", ["--fail-on", "copied"], 0),  # no brief: nothing can be copied
    ("genuine", ["--fail-on", "scripted,absolute-terms", "--fail-on", "undisclosed"], 0),
    ("en", ["--fail-on", "copied,absolute-terms"], 1),
])
def test_cli_exit_codes(files: dict[str, Path], small_model_path: Path, capsys: pytest.CaptureFixture[str],
                        name: str, fail_on: list[str], rc: int) -> None:
    assert main(["check", str(files[name]), "-m", str(small_model_path), *fail_on]) == rc
    err = capsys.readouterr().err
    assert ("authenticity check: failed:" in err) == (rc == 1)


def test_cli_fail_on_copied_with_brief(files: dict[str, Path], small_model_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["check", str(files["copy"]), "--brief", str(files["brief"]), "-m", str(small_model_path),
               "--fail-on", "copied", "--json"])
    assert rc == 1
    captured = capsys.readouterr()
    json.loads(captured.out)  # stdout stays one JSON object
    assert "copied (" in captured.err


@pytest.mark.parametrize("argv, message", [
    (["--fail-on", "bogus"], "unknown condition 'bogus'"),
    (["--lang", "fr"], "invalid choice: 'fr'"),
    (["--color", "sometimes"], "invalid choice: 'sometimes'"),
])
def test_cli_bad_usage(files: dict[str, Path], capsys: pytest.CaptureFixture[str], argv: list[str],
                       message: str) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["check", str(files["genuine"]), *argv])
    assert exc.value.code == 2
    assert message in capsys.readouterr().err


def test_cli_bad_input(files: dict[str, Path], small_model_path: Path, tmp_path: Path,
                       capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    m = ["-m", str(small_model_path)]
    assert main(["check", str(tmp_path / "missing.txt"), *m]) == 2
    assert "draft not found" in capsys.readouterr().err
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    assert main(["check", str(empty), *m]) == 2
    assert "is empty" in capsys.readouterr().err
    long = tmp_path / "long.txt"
    long.write_text("好" * (MAX_DRAFT_CHARS + 1), encoding="utf-8")
    assert main(["check", str(long), *m]) == 2
    assert "too long: 20,001 characters (limit 20,000)" in capsys.readouterr().err
    assert main(["check", str(files["genuine"]), "-m", str(tmp_path / "nope.authm")]) == 2
    assert "does not exist" in capsys.readouterr().err
    bad_lex = tmp_path / "lex.json"
    bad_lex.write_text("[]", encoding="utf-8")
    assert main(["check", str(files["genuine"]), *m, "--lexicon", str(bad_lex)]) == 2
    assert "must be a JSON object" in capsys.readouterr().err
    _stdin(monkeypatch, ZH_LAW)
    assert main(["check", "-", "--brief", "-", *m]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot both be read from standard input" in err


@pytest.mark.parametrize("argv", [["check"], ["check", "-"]])
def test_cli_reads_stdin(small_model_path: Path, capsys: pytest.CaptureFixture[str],
                         monkeypatch: pytest.MonkeyPatch, argv: list[str]) -> None:
    _stdin(monkeypatch, EN_SCRIPTED)
    assert main([*argv, "-m", str(small_model_path), "--json", "--fail-on", "absolute-terms"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert [t["text"] for t in out["absolute_terms"]][:2] == ["#1", "guaranteed"]


def test_cli_colour(files: dict[str, Path], small_model_path: Path, capsys: pytest.CaptureFixture[str],
                    monkeypatch: pytest.MonkeyPatch) -> None:
    m = ["-m", str(small_model_path)]
    assert main(["check", str(files["law"]), *m]) == 0
    assert "\x1b[" not in capsys.readouterr().out  # not a terminal
    assert main(["check", str(files["law"]), *m, "--color", "always"]) == 0
    assert "\x1b[" in capsys.readouterr().out
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert _use_color("auto") is True
    monkeypatch.setenv("NO_COLOR", "1")
    assert _use_color("auto") is False and _use_color("always") is True and _use_color("never") is False


def test_cli_constants_mirror_the_library() -> None:
    from authenticity.check import COPY_FAIL_SHARE, FAIL_CONDITIONS
    from authenticity.cli import check as cli_check

    assert cli_check._FAIL_CHOICES == (*FAIL_CONDITIONS, "any")
    assert cli_check._COPY_FAIL_SHARE == COPY_FAIL_SHARE


def test_cli_help_mentions_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["check", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for opt in ("--brief", "--model", "--lang", "--json", "--fail-on", "--color", "--lexicon"):
        assert opt in out
    assert "at least 30% from the brief" in out


def test_cli_subprocess_does_not_import_training_stack(files: dict[str, Path], small_model_path: Path) -> None:
    code = (
        "import sys\nfrom authenticity.cli import main\n"
        f"rc = main(['check', {str(files['en'])!r}, '-m', {str(small_model_path)!r}, '--json'])\n"
        "print('SKLEARN' if 'sklearn' in sys.modules else 'OK', rc, file=sys.stderr)\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    assert res.stderr.strip().endswith("OK 0")
    assert json.loads(res.stdout)["label"] in ("authentic", "scripted")
