"""Campaign audit: verdicts on the example campaigns, the evidence they name, edge cases, CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from authenticity.audit import (
    MAJORITY_REUSE,
    OVER_AT,
    WATCH_AT,
    AuditReport,
    align_to_original,
    audit_campaign,
    expected_terms,
)
from authenticity.brief import parse_brief
from authenticity.cli import main
from authenticity.dedup import near_duplicates
from authenticity.errors import InputError
from authenticity.overlap import compact
from authenticity.persist import resolve_model

ROOT = Path(__file__).resolve().parents[1]
CALIBRATION = sorted(p for p in (ROOT / "data" / "campaigns").iterdir() if p.is_dir())
HELD_OUT = sorted(p for p in (ROOT / "tests" / "fixtures" / "campaigns").iterdir() if p.is_dir())


class ConstantModel:
    """A stand-in model that calls every post scripted (p=1) or authentic (p=0)."""

    labels = ("authentic", "scripted")
    threshold = 0.5

    def __init__(self, p: float) -> None:
        self.p = p
        self.meta: dict[str, Any] = {"path": f"constant-{p}"}

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        return np.full(len(texts), self.p)

    def label_of(self, p: float) -> str:
        return self.labels[1] if p >= self.threshold else self.labels[0]


def _load(d: Path) -> tuple[pd.DataFrame, str, dict[str, Any]]:
    df = pd.read_csv(d / "posts.csv", dtype=str, keep_default_na=False)
    return df, (d / "brief.md").read_text(encoding="utf-8"), json.loads((d / "expected.json").read_text("utf-8"))


def _shingles(s: str) -> set[str]:
    c = compact(s).chars
    return {c[i : i + 6] for i in range(max(1, len(c) - 5))}


def _named(phrase: str, found: list[str]) -> bool:
    """An expected phrase is named when one reported phrase covers most of it."""
    want = _shingles(phrase)
    return any(len(want & _shingles(f)) >= 0.6 * len(want) for f in found)


@pytest.fixture(scope="module")
def model() -> Any:
    return resolve_model(None)


@pytest.fixture(scope="module")
def reports(model: Any) -> dict[str, tuple[AuditReport, dict[str, Any]]]:
    out = {}
    for d in CALIBRATION + HELD_OUT:
        df, brief, exp = _load(d)
        out[d.name] = (audit_campaign(df, brief, model=model), exp)
    return out


def _check_evidence(r: AuditReport, exp: dict[str, Any]) -> None:
    echoed = [e.text for e in r.echoed_phrases]
    shared = [s.text for s in r.shared_phrases]
    for phrase in exp["copied_phrases"]:
        assert _named(phrase, echoed), f"brief phrase not named: {phrase!r} (echoed: {echoed})"
    for phrase in exp["template_phrases"]:
        assert _named(phrase, shared), f"template phrase not named: {phrase!r} (shared: {shared})"
    clusters = [set(c.posts) for c in r.duplicate_clusters]
    for group in exp["duplicate_posts"]:
        if len(group) < 3:
            continue  # a pair may sit just under the similarity threshold
        best = max((len(set(group) & c) / len(group) for c in clusters), default=0.0)
        assert best >= 0.6, f"near-duplicates {group} not found (clusters: {clusters})"
    if exp["verdict"] == "ok":
        assert not [e for e in r.echoed_phrases if e.counted]
        assert not r.shared_phrases
        assert not r.duplicate_clusters
    missing = set(exp["copiers"]) - set(r.copiers)
    assert not missing, f"copiers not named: {missing}"
    extra = set(r.copiers) - set(exp["copiers"])
    assert len(extra) <= 1, f"creators named as copiers who wrote their own posts: {extra}"


@pytest.mark.parametrize("name", [d.name for d in CALIBRATION])
def test_calibration_campaign_verdict(reports: dict, name: str) -> None:
    r, exp = reports[name]
    assert r.verdict == exp["verdict"], (r.over_control_index, r.reasons)
    _check_evidence(r, exp)


@pytest.mark.parametrize("name", [d.name for d in HELD_OUT])
def test_held_out_campaign_verdict(reports: dict, name: str) -> None:
    r, exp = reports[name]
    assert r.verdict == exp["verdict"], (r.over_control_index, r.reasons)
    _check_evidence(r, exp)


def test_reasons_name_phrases_and_posts(reports: dict) -> None:
    r, _ = reports["mixed_lipstick_word_for_word"]
    text = " ".join(r.reasons)
    assert "12 of 17 posts repeat" in text and "持妆12小时，喝水吃饭不沾杯" in text
    r, _ = reports["en_hotel_near_duplicates"]
    assert any("posts 3, 5 and 7 are near-duplicates" in s for s in r.reasons)
    r, _ = reports["zh_hotpot_hidden_template"]
    assert any("not in the brief" in s and "终于被我挖到本地人私藏的宝藏火锅了" in s for s in r.reasons)
    assert r.recommendations


def test_index_is_the_sum_of_its_components(reports: dict) -> None:
    for r, _ in reports.values():
        assert r.over_control_index == pytest.approx(sum(c.points for c in r.components), abs=0.11)
        assert 0 <= r.over_control_index <= 100
        assert sum(c.weight for c in r.components) == 100
        by_index = "over-controlled" if r.over_control_index >= OVER_AT else (
            "watch" if r.over_control_index >= WATCH_AT else "ok")
        if by_index != r.verdict:
            assert r.verdict_rules  # a documented rule changed it, and says so in the reasons
            assert r.reasons[0].startswith("verdict ")


@pytest.mark.parametrize("p", [0.0, 1.0])
def test_verdicts_do_not_hinge_on_the_model(p: float) -> None:
    """The scripted share is one component of 15 points: any model gives the same calibration verdicts."""
    for d in CALIBRATION:
        df, brief, exp = _load(d)
        r = audit_campaign(df, brief, model=ConstantModel(p))
        assert r.verdict == exp["verdict"], (d.name, r.over_control_index)
        assert r.scripted_share == p


def test_expected_terms_do_not_count_against_the_brief(model: Any) -> None:
    brief = ("# Glow serum\n## What we want\nYour honest routine.\n## Mandatory\n- #GlowTrial\n- Tag @glowlab\n"
             "- Label 「广告」\n")
    posts = [f"广告 day {i}: my skin is {w}, used it for {i} weeks, a bit sticky. #GlowTrial @glowlab"
             for i, w in enumerate(["dry", "oily", "combination", "sensitive", "normal", "acne-prone"], 1)]
    r = audit_campaign(posts, brief, model=model)
    assert r.verdict == "ok"
    assert r.mean_brief_copy == 0
    assert not r.shared_phrases and not r.echoed_phrases
    terms = {t.text: t.n_posts for t in r.expected_terms}
    assert terms["#GlowTrial"] == 6 and terms["@glowlab"] == 6 and terms["广告"] == 6


def test_expected_terms_from_the_brief() -> None:
    b = parse_brief((ROOT / "data/campaigns/en_hotel_near_duplicates/brief.md").read_text("utf-8"))
    terms = dict(expected_terms(b))
    assert terms["#SaltmarshStays"] == "hashtag"
    assert terms["@thesaltmarshhotel"] == "mention"
    assert terms["Ad – hosted stay"] == "mandatory"  # quoted in the mandatory section


def test_rows_without_text_are_kept_with_a_status(model: Any) -> None:
    df = pd.DataFrame({
        "text": ["Used it for two weeks, my dry skin likes it but the pump broke.", "", None, 12345, "   ",
                 "三周了，油皮夏天用有点黏，但泛红少了。"],
        "作者": ["a", "b", "c", "d", "e", "f"],
    })
    r = audit_campaign(df, "# Brief\nTell us how it went.", model=model)
    assert [p.row for p in r.posts] == list(range(6))
    assert [p.status for p in r.posts] == ["ok", "empty", "empty", "not_text", "empty", "ok"]
    assert r.n_rows == 6 and r.n_posts == 2
    assert r.posts[1].p_scripted is None and r.posts[0].p_scripted is not None
    assert r.columns["creator"] == "作者" and r.posts[5].creator == "f"
    assert [p.post_id for p in r.posts] == [1, 2, 3, 4, 5, 6]


def test_list_input_and_bad_input(model: Any) -> None:
    r = audit_campaign(["用了两周，干皮冬天够用。", "Three weeks in, the dial is stiff."], "brief", model=model)
    assert r.n_posts == 2 and r.creators == ()
    with pytest.raises(InputError, match="one string"):
        audit_campaign("just one post", "brief", model=model)
    with pytest.raises(InputError, match="no posts"):
        audit_campaign([], "brief", model=model)
    with pytest.raises(InputError, match="none of the 2 posts has any text"):
        audit_campaign(["", None], "brief", model=model)  # type: ignore[list-item]
    with pytest.raises(InputError, match="no column 'body'"):
        audit_campaign(pd.DataFrame({"text": ["a post"]}), "brief", text_col="body", model=model)
    with pytest.raises(InputError, match="no column 'who'"):
        audit_campaign(pd.DataFrame({"text": ["a post"]}), "brief", creator_col="who", model=model)
    with pytest.raises(InputError, match="DataFrame"):
        audit_campaign(["a post"], "brief", creator_col="who", model=model)
    with pytest.raises(InputError, match="brief must be"):
        audit_campaign(["a post"], 42, model=model)  # type: ignore[arg-type]


def test_engagement_by_band(model: Any) -> None:
    d = ROOT / "data/campaigns/zh_snack_word_for_word"
    df, brief, _ = _load(d)
    df = df.rename(columns={"likes": "点赞", "saves": "收藏"})
    df.loc[0, "点赞"] = "1.2万"
    r = audit_campaign(df, brief, model=model)
    assert r.posts[0].engagement["likes"] == 12000
    bands = {b.band: b for b in r.engagement}
    assert set(bands) <= {"own words", "scripted", "reused"} and "reused" in bands
    assert sum(b.n_posts for b in r.engagement) == r.n_posts
    assert set(bands["reused"].median) == {"likes", "saves", "comments"}


def test_report_is_frozen_deterministic_and_serializable(reports: dict, model: Any) -> None:
    r, _ = reports["zh_robotvac_sample_script"]
    with pytest.raises(AttributeError):
        r.verdict = "ok"  # type: ignore[misc]
    d = r.as_dict()
    for key in ("verdict", "over_control_index", "n_posts", "scripted_share", "mean_brief_copy",
                "echoed_phrases", "shared_phrases", "duplicate_clusters", "creators", "posts"):
        assert key in d
    json.dumps(d, ensure_ascii=False)
    df, brief, _ = _load(ROOT / "data/campaigns/zh_robotvac_sample_script")
    assert audit_campaign(df, brief, model=model).as_dict() == d
    post = d["posts"][0]
    assert {"post_id", "status", "p_scripted", "brief_copy", "copied_spans", "duplicate_cluster"} <= set(post)


def test_highlights_map_back_to_the_original_text(reports: dict) -> None:
    r, _ = reports["zh_snack_word_for_word"]
    p = r.post(1)
    brief_marks = [h for h in p.highlights if h.kind == "brief"]
    assert brief_marks
    from authenticity.report import highlight_ranges

    spans = [p.text[a:b] for a, b, k in highlight_ranges(p) if k == "brief"]
    assert any("每袋只有128大卡" in s for s in spans)
    c = compact(p.text)
    where = align_to_original(p.text, c)
    assert len(where) == len(c.chars) and all(-1 <= w < len(p.text) for w in where)


def test_near_duplicates_lsh_matches_exact() -> None:
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(400)]
    base = [" ".join(rng.choice(words, 40)) for _ in range(30)]
    texts = []
    for b in base:
        texts.append(b)
        toks = b.split()
        toks[rng.integers(len(toks))] = "changed"
        texts.append(" ".join(toks))
    sets = [_shingles(t) for t in texts]
    exact = near_duplicates(sets, exact_max=10_000)
    lsh = near_duplicates(sets, exact_max=0)
    assert exact.method == "exact" and lsh.method == "minhash-lsh"
    assert [c.members for c in exact.clusters] == [c.members for c in lsh.clusters]
    assert len(exact.clusters) == 30
    assert near_duplicates(sets, exact_max=0).clusters == lsh.clusters  # stable seed


def test_large_campaign_uses_minhash(model: Any) -> None:
    d = ROOT / "data/campaigns/zh_snack_word_for_word"
    df, brief, _ = _load(d)
    corpus = pd.read_csv(ROOT / "data" / "posts.csv", dtype=str, keep_default_na=False).text.tolist()[:400]
    big = pd.concat([df[["text"]], pd.DataFrame({"text": corpus})], ignore_index=True)
    r = audit_campaign(big, brief, model=model)
    assert r.duplicate_method == "minhash-lsh"
    assert r.similarity is None
    copies = {i + 1 for i in range(len(df)) if r.posts[i].duplicate_cluster is not None}
    assert {1, 2, 3, 4, 6, 7} <= copies


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(posts=st.lists(st.text(max_size=80), min_size=1, max_size=6), brief=st.text(max_size=200))
def test_never_crashes_on_any_unicode(posts: list[str], brief: str) -> None:
    model = ConstantModel(0.2)
    try:
        r = audit_campaign([*posts, "用了两周 still good"], brief, model=model)
    except InputError:
        return
    assert r.verdict in ("ok", "watch", "over-controlled")
    json.dumps(r.as_dict())


# -- CLI ----------------------------------------------------------------------------------

CAMPAIGN = ROOT / "data/campaigns/zh_snack_word_for_word"


def test_cli_json_and_fail_on(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["audit", str(CAMPAIGN / "posts.csv"), "--brief", str(CAMPAIGN / "brief.md")]
    assert main([*args, "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["verdict"] == "over-controlled" and d["n_posts"] == 18
    assert main([*args, "--fail-on", "over-controlled"]) == 1
    out = capsys.readouterr().out
    assert "verdict: OVER-CONTROLLED" in out and "why:" in out and "what to do:" in out
    assert main([*args, "--fail-on", "watch", "--json"]) == 1
    capsys.readouterr()
    loose = ROOT / "data/campaigns/zh_serum_loose"
    assert main(["audit", str(loose / "posts.csv"), "--brief", str(loose / "brief.md"), "--fail-on",
                 "watch"]) == 0


def test_cli_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    posts = str(CAMPAIGN / "posts.csv")
    assert main(["audit", posts, "--brief", str(tmp_path / "nope.md")]) == 2
    assert "brief not found" in capsys.readouterr().err
    assert main(["audit", posts, "--brief", str(CAMPAIGN / "brief.md"), "-o", str(tmp_path / "r.pdf")]) == 2
    assert "ending in .html" in capsys.readouterr().err
    existing = tmp_path / "r.html"
    existing.write_text("keep me")
    assert main(["audit", posts, "--brief", str(CAMPAIGN / "brief.md"), "-o", str(existing)]) == 2
    assert "--force" in capsys.readouterr().err and existing.read_text() == "keep me"
    assert main(["audit", posts, "--brief", str(CAMPAIGN / "brief.md"), "--creator-col", "who"]) == 2
    assert "no column 'who'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["audit", posts])
    assert exc.value.code == 2


def test_majority_rule_constant() -> None:
    assert 0 < MAJORITY_REUSE <= 1
