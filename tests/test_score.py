from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from authenticity.cli import main
from authenticity.model import Model
from authenticity.scoring import MAX_CHARS, row_status, score, score_file

POSTS = [
    "姐妹们冲！这款精华绝绝子✨28天焕亮 链接在评论区",
    "",
    "用了两周，每晚一次，干皮冬天够用，就是有点黏。",
    "12345",
    "   ",
    "The #1 serum, guaranteed results! use code GLOW20, link in bio",
    "😍😍😍",
    "returned it after a month, the strap broke",
]


def test_row_status() -> None:
    assert [row_status(v) for v in (None, float("nan"), "", " \n", 42, True, "12345", "x" * (MAX_CHARS + 1),
                                    "ok text", "😀")] == [
        "empty", "empty", "empty", "empty", "not_text", "not_text", "not_text", "too_long", "ok", "ok"]


def test_score_api_keeps_rows_and_columns(small_model: Model) -> None:
    df = pd.DataFrame({"id": range(len(POSTS)), "content": POSTS, "label": ["x"] * len(POSTS)})
    out = score(df, small_model)
    assert out.id.tolist() == list(range(len(POSTS)))
    assert out.content.tolist() == POSTS and out.label.tolist() == ["x"] * len(POSTS)  # input label kept
    assert out.status.tolist() == ["ok", "empty", "ok", "not_text", "empty", "ok", "ok", "ok"]
    assert out.p_scripted.isna().tolist() == [s != "ok" for s in out.status]
    assert set(out.scored_label.dropna()) <= {"authentic", "scripted"}
    ok = out[out.status == "ok"]
    assert ((ok.p_scripted >= 0) & (ok.p_scripted <= 1)).all()
    listed = score(POSTS, small_model)
    assert listed.p_scripted.equals(out.p_scripted)


def test_score_refuses_a_bare_string(small_model: Model) -> None:
    from authenticity.errors import InputError

    with pytest.raises(InputError, match="wrap it"):
        score("one post", small_model)


@pytest.fixture(scope="module")
def posts_file(tmp_path_factory: pytest.TempPathFactory, corpus: pd.DataFrame) -> Path:
    df = corpus.sample(1500, random_state=3)[["id", "text", "lang"]].reset_index(drop=True)
    df.loc[5, "text"] = ""
    df.loc[7, "text"] = "2024-01-01"
    p = tmp_path_factory.mktemp("score") / "posts.csv"
    df.to_csv(p, index=False)
    return p


def test_jobs_1_and_2_give_identical_output(posts_file: Path, small_model: Model, tmp_path: Path) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    s1 = score_file(posts_file, a, model=small_model, jobs=1, chunk_size=400)
    s2 = score_file(posts_file, b, model=small_model, jobs=2, chunk_size=300)
    assert s1.rows == s2.rows == 1500
    assert a.read_bytes() == b.read_bytes()
    out = pd.read_csv(a, dtype=str, keep_default_na=False)
    src = pd.read_csv(posts_file, dtype=str, keep_default_na=False)
    assert out.id.tolist() == src.id.tolist() and out.text.tolist() == src.text.tolist()
    assert list(out.columns) == ["id", "text", "lang", "p_scripted", "label", "scored_lang", "status"]
    assert out.status[5] == "empty" and out.status[7] == "not_text" and out.p_scripted[5] == ""


@pytest.mark.parametrize("ext", [".jsonl", ".parquet", ".tsv", ".json", ".xlsx"])
def test_output_formats(posts_file: Path, small_model: Model, tmp_path: Path, ext: str) -> None:
    from authenticity.io import read_table

    out = tmp_path / f"out{ext}"
    score_file(posts_file, out, model=small_model, jobs=1, chunk_size=700)
    back = read_table(out)
    assert len(back) == 1500 and "p_scripted" in back.columns


@pytest.mark.parametrize("encoding", ["gbk", "utf-16", "utf-8-sig"])
def test_encodings(small_model: Model, tmp_path: Path, encoding: str) -> None:
    src = tmp_path / "in.csv"
    pd.DataFrame({"正文": ["用了两周，干皮够用", "闭眼入！链接在评论区"]}).to_csv(src, index=False, encoding=encoding)
    out = tmp_path / "out.csv"
    score_file(src, out, model=small_model, jobs=1)
    back = pd.read_csv(out, encoding="utf-8-sig")
    assert back["正文"].tolist() == ["用了两周，干皮够用", "闭眼入！链接在评论区"]
    assert back.status.tolist() == ["ok", "ok"]


def test_cli_score_to_stdout_and_refusals(posts_file: Path, small_model_path: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    small = tmp_path / "small.csv"
    pd.read_csv(posts_file).head(20).to_csv(small, index=False)
    assert main(["score", str(small), "--model", str(small_model_path), "-j", "1"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "id,text,lang,p_scripted,label,scored_lang,status"
    assert len(pd.read_csv(__import__("io").StringIO(out))) == 20
    # the input is never overwritten, even with --force
    before = small.read_bytes()
    assert main(["score", str(small), "-o", str(small), "--force", "--model", str(small_model_path)]) == 2
    assert "refusing to overwrite the input file" in capsys.readouterr().err
    assert small.read_bytes() == before
    # an existing output needs --force
    existing = tmp_path / "exists.csv"
    existing.write_text("keep")
    assert main(["score", str(small), "-o", str(existing), "--model", str(small_model_path)]) == 2
    assert capsys.readouterr().err.endswith("already exists; pass --force to overwrite it\n")
    assert existing.read_text() == "keep"
    assert main(["score", str(small), "-o", str(existing), "--force", "-q", "--model", str(small_model_path)]) == 0
    assert len(pd.read_csv(existing)) == 20


def test_cli_score_hints_at_the_fast_extra_for_large_inputs_without_numba(
        posts_file: Path, small_model_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    from authenticity.cli import score as score_cli

    small = tmp_path / "small.csv"
    pd.read_csv(posts_file).head(20).to_csv(small, index=False)
    monkeypatch.setattr(score_cli, "FAST_HINT_ROWS", 10)
    find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "numba" else find_spec(name, *a))
    args = ["score", str(small), "--model", str(small_model_path), "-j", "1", "-o"]
    assert main([*args, str(tmp_path / "a.csv")]) == 0
    assert "pip install 'authenticity[fast]'" in capsys.readouterr().err
    for quiet in (["-q"], []):  # quiet, or a small input: no hint
        if not quiet:
            monkeypatch.setattr(score_cli, "FAST_HINT_ROWS", 1000)
        assert main([*args, str(tmp_path / f"b{len(quiet)}.csv"), *quiet]) == 0
        assert "authenticity[fast]" not in capsys.readouterr().err
    # numba installed: no hint, however large the input
    monkeypatch.setattr(score_cli, "FAST_HINT_ROWS", 10)
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: object() if name == "numba" else find_spec(name, *a))
    assert score_cli.fast_hint(str(small)) is None
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "numba" else find_spec(name, *a))
    assert score_cli.fast_hint(str(small)) is not None
    assert score_cli.fast_hint("-") is None  # stdin: the size is unknown


def test_reasons_column(small_model: Model) -> None:
    out = score(["姐妹们冲！绝绝子 链接在评论区 手慢无", ""], small_model, reasons=3)
    assert isinstance(out.reasons[0], str) and out.reasons[0]
    assert out.reasons[1] is None


def test_interrupted_score_leaves_no_output(posts_file: Path, small_model_path: Path, tmp_path: Path) -> None:
    """SIGINT / SIGTERM during scoring: exit 130 / 143 and no output file, not even a partial one."""
    from authenticity import _kernels

    _kernels.warm_up()  # compiled and cached before the runs, so that the signals reach the scoring, not numba
    big = tmp_path / "big.csv"
    df = pd.read_csv(posts_file)
    pd.concat([df] * 30, ignore_index=True).to_csv(big, index=False)
    for sig, code in ((signal.SIGINT, 130), (signal.SIGTERM, 143)):
        out = tmp_path / f"out_{code}.csv"
        proc = subprocess.Popen(
            [sys.executable, "-m", "authenticity", "score", str(big), "-o", str(out), "-j", "1", "--chunk-size",
             "500", "--model", str(small_model_path)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        deadline = time.time() + 60
        while not list(tmp_path.glob(f".out_{code}.csv.*.part")) and time.time() < deadline:
            time.sleep(0.05)
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == code, err
        assert not out.exists()
        assert not list(tmp_path.glob(f".out_{code}*"))


def test_scores_match_explain(small_model: Model) -> None:
    texts = [p for p in POSTS if row_status(p) == "ok"]
    p = score(texts, small_model).p_scripted.to_numpy()
    q = np.array([round(small_model.explain(t).p_scripted, 4) for t in texts])
    assert np.allclose(p, q, atol=1e-4)


def test_plan_jobs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from authenticity._pool import plan_jobs

    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    small = tmp_path / "small.csv"
    small.write_text("text\n" + "好用\n" * 10, encoding="utf-8")
    big = tmp_path / "big.csv"
    big.write_text("text\n" + "好用\n" * 5_000, encoding="utf-8")
    assert plan_jobs(small, None) == 1  # one batch: no worker processes
    assert plan_jobs(big, None) == 4
    assert plan_jobs(big, None, chunk_size=10_000) == 4
    assert plan_jobs(small, 3) == 3  # an explicit --jobs is kept
    assert plan_jobs("-", None) == 4  # stdin: size unknown
    assert plan_jobs(tmp_path / "missing.csv", None) == 4  # the reader reports a missing file, not the planner
