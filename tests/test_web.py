"""The web app (``authenticity serve``): every endpoint, every error status, the caps, the offline page.

Uses FastAPI's test client with ``small_model`` (trained in the test session),
so nothing here pins a score of the shipped model: API results are compared
with the library's own results for the same model, and only clear-cut cases
are pinned. Skipped when the ``web`` extra is not installed.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("multipart")
pytest.importorskip("httpx")

with warnings.catch_warnings():  # newer Starlette warns about its own use of httpx
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from authenticity.audit import audit_campaign
from authenticity.check import check_draft
from authenticity.cli import main
from authenticity.io import read_table
from authenticity.scoring import score_texts
from authenticity.web import Limits, create_app

ROOT = Path(__file__).resolve().parents[1]
CAMPAIGN = ROOT / "data" / "campaigns" / "zh_snack_word_for_word"
SCRIPTED = "姐妹们冲！！这款精华真的绝绝子，全网最低价🔥 链接在评论区，闭眼入！"
AUTHENTIC = "用了两周，干皮冬天够用，就是有点黏。缺点是味道有点重，夏天可能不会再买。"
TIGHT = Limits(max_body_bytes=8_000, max_upload_bytes=64_000, max_texts=5, max_text_chars=300,
               max_brief_chars=2_000, max_posts=10)


@pytest.fixture(scope="module")
def app(small_model: Any) -> Any:
    return create_app(small_model)


@pytest.fixture(scope="module")
def client(app: Any) -> TestClient:
    return TestClient(app)


@pytest.fixture(scope="module")
def tight(small_model: Any) -> TestClient:
    return TestClient(create_app(small_model, limits=TIGHT))


def _error(resp: Any, status: int, pattern: str = "") -> dict[str, Any]:
    """Assert a JSON error of ``status`` whose message matches ``pattern``; never a traceback."""
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/json")
    body = resp.json()
    assert body["status"] == status
    assert isinstance(body["message"], str) and body["message"]
    assert "Traceback" not in resp.text and 'File "' not in resp.text
    if pattern:
        assert re.search(pattern, body["message"]), body["message"]
    return body


def _upload(client: TestClient, posts: tuple[str, bytes, str] | None = None, **form: Any) -> Any:
    files: dict[str, Any] = {}
    if posts is not None:
        files["posts"] = posts
    if "brief_file" in form:
        files["brief_file"] = form.pop("brief_file")
    params = {"format": form.pop("format")} if "format" in form else None
    return client.post("/v1/audit", files=files or None, data=form or None, params=params)


def _posts() -> tuple[str, bytes, str]:
    return ("posts.csv", (CAMPAIGN / "posts.csv").read_bytes(), "text/csv")


def _brief() -> str:
    return (CAMPAIGN / "brief.md").read_text(encoding="utf-8")


# -- the model is loaded once and shared ----------------------------------------------------


def test_model_loaded_once_and_shared(app: Any, small_model: Any) -> None:
    assert app.state.model is small_model


def test_model_endpoint(client: TestClient, small_model: Any) -> None:
    r = client.get("/v1/model")
    assert r.status_code == 200
    body = r.json()
    assert body["labels"] == ["authentic", "scripted"]
    assert body["threshold"] == pytest.approx(small_model.threshold)
    assert body["training"]["n"] == small_model.meta["n"]
    assert {s["name"] for s in body["signals"]} >= {"first_person", "calls_to_action"}
    assert body["limits"]["max_texts"] == Limits().max_texts


def test_model_endpoint_names_the_file_not_its_path(small_model_path: Path) -> None:
    c = TestClient(create_app(small_model_path))
    body = c.get("/v1/model").json()
    assert body["file"] == "small.authm"
    assert len(body["sha256"]) == 64
    assert str(small_model_path.parent) not in c.get("/v1/model").text


# -- POST /v1/check --------------------------------------------------------------------------


def test_check_matches_the_library(client: TestClient, small_model: Any) -> None:
    r = client.post("/v1/check", json={"text": SCRIPTED})
    assert r.status_code == 200
    body = r.json()
    assert body == check_draft(SCRIPTED, model=small_model).as_dict()
    assert body["label"] == "scripted"
    terms = {t["text"]: t for t in body["absolute_terms"]}
    assert "全网最低" in terms
    t = terms["全网最低"]
    assert SCRIPTED[t["start"]:t["end"]] == "全网最低" and t["suggestion"]
    assert body["disclosure"]["needed"] is True
    assert body["copied_from_brief"] is None
    located = [ph for ph in body["reasons"]["scripted"] if ph["kind"] == "phrase" and ph["start"] is not None]
    assert located  # a phrase that cannot be located in the draft has null offsets (shown, not highlighted)
    for ph in located:
        assert 0 <= ph["start"] < ph["end"] <= len(SCRIPTED)


def test_check_authentic_and_with_brief(client: TestClient, small_model: Any) -> None:
    assert client.post("/v1/check", json={"text": AUTHENTIC}).json()["label"] == "authentic"
    brief = "## 参考文案\n这款精华真的绝绝子，全网最低价，闭眼入！\n## 必带\n#精华[话题]#"
    r = client.post("/v1/check", json={"text": SCRIPTED, "brief": brief, "lang": "zh"})
    body = r.json()
    assert body == check_draft(SCRIPTED, brief=brief, model=small_model, lang="zh").as_dict()
    assert body["copied_from_brief"]["share"] > 0
    assert any("绝绝子" in s["text"] for s in body["copied_from_brief"]["spans"])


def test_check_blank_brief_is_no_brief(client: TestClient) -> None:
    assert client.post("/v1/check", json={"text": AUTHENTIC, "brief": "  "}).json()["copied_from_brief"] is None


@pytest.mark.parametrize("text", ["🥲🥲🥲", "a\u0000b", "\ud800 lone surrogate", "\u202eRTL", "ｆｕｌｌ　ｗｉｄｔｈ！",
                                  "x" * 300])
def test_check_odd_unicode_never_500(tight: TestClient, text: str) -> None:
    body = json.dumps({"text": text})  # ASCII with \u escapes, so a lone surrogate can be sent
    r = tight.post("/v1/check", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code in (200, 400), r.text
    r.json()


@pytest.mark.parametrize("body, pattern", [
    ({}, r"body\.text: Field required"),
    ({"text": 42}, r"body\.text"),
    ({"text": "ok", "lang": "fr"}, r"body\.lang"),
    ({"text": "ok", "extra": 1}, r"body\.extra"),
    ([1, 2], r"body"),
])
def test_check_422_on_wrong_shape(client: TestClient, body: Any, pattern: str) -> None:
    b = _error(client.post("/v1/check", json=body), 422, pattern)
    assert b["errors"] and all({"loc", "message"} <= set(e) for e in b["errors"])


def test_check_400(client: TestClient) -> None:
    _error(client.post("/v1/check", content=b'{"text": ', headers={"Content-Type": "application/json"}), 400,
           r"not valid JSON")
    _error(client.post("/v1/check", json={"text": "   "}), 400, r"draft is empty")


def test_check_415_on_wrong_content_type(client: TestClient) -> None:
    _error(client.post("/v1/check", content=b'{"text": "hi"}', headers={"Content-Type": "text/plain"}), 415,
           r"Content-Type: application/json \(got text/plain\)")
    _error(client.post("/v1/check", data={"text": "hi"}), 415, r"application/x-www-form-urlencoded")
    _error(client.post("/v1/check", content=b'{"text": "hi"}'), 415, r"got none")


def test_check_413_caps(tight: TestClient) -> None:
    _error(tight.post("/v1/check", json={"text": "好" * 301}), 413, r"301 characters.*at most 300")
    _error(tight.post("/v1/check", json={"text": "ok", "brief": "b" * 2_001}), 413, r"brief is 2,001")
    assert tight.post("/v1/check", json={"text": "好用" * 150}).status_code == 200


def test_body_size_cap_from_content_length_and_chunked(tight: TestClient) -> None:
    big = b'{"text": "' + b"a" * 9_000 + b'"}'
    _error(tight.post("/v1/check", content=big, headers={"Content-Type": "application/json"}), 413,
           r"larger than the 8,000 bytes")

    def chunks() -> Any:  # no Content-Length: the body arrives chunked
        for _ in range(10):
            yield b"a" * 1_000

    r = tight.post("/v1/check", content=chunks(), headers={"Content-Type": "application/json"})
    _error(r, 413, r"larger than")
    _error(tight.post("/v1/check", content=b"{}", headers={"Content-Type": "application/json",
                                                            "Content-Length": "x"}), 400, r"Content-Length")


# -- POST /v1/score --------------------------------------------------------------------------


def test_score_texts_in_order(client: TestClient, small_model: Any) -> None:
    texts = [SCRIPTED, None, AUTHENTIC, 12345, "  ", "12345", "The #1 serum! link in bio"]
    r = client.post("/v1/score", json={"texts": texts})
    assert r.status_code == 200
    body = r.json()
    assert body["n"] == len(texts) and body["n_scored"] == 3
    expected = score_texts(small_model, texts)
    assert [x["index"] for x in body["results"]] == list(range(len(texts)))
    assert [x["status"] for x in body["results"]] == expected["status"]
    assert [x["p_scripted"] for x in body["results"]] == expected["p_scripted"]
    assert [x["label"] for x in body["results"]][:3] == ["scripted", None, "authentic"]
    assert body["results"][1]["status"] == "empty" and body["results"][3]["status"] == "not_text"


def test_score_records(client: TestClient) -> None:
    recs = [{"post_id": "a", "正文": SCRIPTED, "likes": 3}, {"post_id": "b", "正文": AUTHENTIC}, {"post_id": "c"}]
    body = client.post("/v1/score", json={"records": recs}).json()
    assert [x["id"] for x in body["results"]] == ["a", "b", "c"]
    assert [x["label"] for x in body["results"]] == ["scripted", "authentic", None]
    assert body["results"][2]["status"] == "empty"
    body = client.post("/v1/score", json={"records": [{"caption": "x", "body2": AUTHENTIC}], "text_col": "body2"})
    assert body.json()["results"][0]["status"] == "ok"
    assert client.post("/v1/score", json={"texts": []}).json() == {"n": 0, "n_scored": 0, "results": []}


def test_score_errors(client: TestClient, tight: TestClient) -> None:
    _error(client.post("/v1/score", json={}), 422, r"exactly one of 'texts'.*'records'")
    _error(client.post("/v1/score", json={"texts": ["a"], "records": [{"text": "a"}]}), 422, r"exactly one")
    _error(client.post("/v1/score", json={"texts": "one string"}), 422, r"body\.texts")
    _error(client.post("/v1/score", json={"texts": ["a"], "text_col": "x"}), 422, r"'records' only")
    _error(client.post("/v1/score", json={"records": [{"caption2": "a"}]}), 400,
           r"cannot find the text column in the records.*text_col")
    _error(client.post("/v1/score", json={"records": [{"text": "a"}], "text_col": "nope"}), 400, r"no column 'nope'")
    _error(client.post("/v1/score", content=b"a,b", headers={"Content-Type": "text/csv"}), 415, r"text/csv")
    _error(tight.post("/v1/score", json={"texts": ["ok"] * 6}), 413, r"6 items.*at most 5")
    _error(tight.post("/v1/score", json={"texts": ["ok", "x" * 301]}), 413, r"item 1 is 301 characters")
    assert tight.post("/v1/score", json={"texts": ["ok"] * 5}).status_code == 200


# -- POST /v1/audit --------------------------------------------------------------------------


def test_audit_json_matches_the_library(client: TestClient, small_model: Any) -> None:
    r = _upload(client, _posts(), brief=_brief())
    assert r.status_code == 200, r.text
    body = r.json()
    lib = audit_campaign(read_table(CAMPAIGN / "posts.csv"), _brief(), model=small_model)
    assert body["verdict"] == lib.verdict == "over-controlled"
    assert body["n_posts"] == lib.n_posts
    assert body["over_control_index"] == pytest.approx(lib.over_control_index)
    assert [p["post_id"] for p in body["posts"]] == [p.post_id for p in lib.posts]
    assert "/" not in str(body["model"].get("path") or "")  # the model file's name, not its server path


def test_audit_html_report_and_brief_file(client: TestClient) -> None:
    brief = ("brief.md", _brief().encode("utf-8"), "text/markdown")
    r = _upload(client, _posts(), brief_file=brief, format="html")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/html")
    assert "script-src" not in r.headers["content-security-policy"]
    page = r.text
    assert "Campaign audit" in page and "OVER-CONTROLLED" in page and "posts: posts.csv" in page
    assert "<script" not in page.lower()


def test_audit_excel_upload(client: TestClient, tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    path = tmp_path / "posts.xlsx"
    read_table(CAMPAIGN / "posts.csv").to_excel(path, index=False)
    xlsx = ("活动笔记.xlsx", path.read_bytes(), "application/octet-stream")
    r = _upload(client, xlsx, brief=_brief())
    assert r.status_code == 200, r.text
    assert r.json()["verdict"] == "over-controlled"


def test_audit_errors(client: TestClient) -> None:
    _error(_upload(client, None, brief_file=("b.md", b"brief", "text/markdown")), 422, r"body\.posts: Field required")
    _error(_upload(client, None, brief="a brief"), 415, r"multipart/form-data")  # no file: not multipart
    _error(_upload(client, _posts()), 422, r"brief.*exactly one")
    both = ("b.md", b"brief", "text/markdown")
    _error(_upload(client, _posts(), brief="text", brief_file=both), 422, r"exactly one")
    _error(_upload(client, ("posts.pdf", b"%PDF-1.4", "application/pdf"), brief="b"), 415, r"got '\.pdf'")
    _error(_upload(client, ("posts", b"a,b", "application/octet-stream"), brief="b"), 415, r"no extension")
    _error(client.post("/v1/audit", json={"posts": "x"}), 415, r"multipart/form-data")
    _error(client.post("/v1/audit", content=b"--x\r\nbroken", headers={"Content-Type": "multipart/form-data"}),
           400, r"multipart")
    r = _upload(client, ("../../etc/passwd.csv", b"words,who\nhello,me\n", "text/csv"), brief="a brief")
    body = _error(r, 400, r"cannot find the text column in the posts table.*text_col")
    assert "authenticity-upload-" not in body["message"] and "/tmp" not in body["message"]
    r = _upload(client, ("bin.csv", b"\x00\x01\x02\xff\xfe\x00binary", "text/csv"), brief="a brief")
    body = _error(r, 400, r"bin\.csv")
    assert "authenticity-upload-" not in body["message"]
    _error(_upload(client, ("empty.csv", b"", "text/csv"), brief="b"), 400, r"empty\.csv is empty")
    _error(_upload(client, ("head.csv", b"text,creator\n", "text/csv"), brief="b"), 400, r"head\.csv has no rows")
    r = _upload(client, ("bad.xlsx", b"PK not really a zip", "application/octet-stream"), brief="b")
    _error(r, 400, r"bad\.xlsx")


def test_audit_caps(tight: TestClient) -> None:
    _error(_upload(tight, _posts(), brief=_brief()), 413, r"18 rows.*at most 10")
    small = b"text\n" + "\n".join(f"post {i} 用了两周还不错" for i in range(5)).encode()
    _error(_upload(tight, ("p.csv", small, "text/csv"), brief="b" * 2_001), 413, r"brief is 2,001")
    big = b"text\n" + b"x" * 70_000
    _error(_upload(tight, ("p.csv", big, "text/csv"), brief="b"), 413, r"larger than")
    assert _upload(tight, ("p.csv", small, "text/csv"), brief="## Key messages\n- 还不错").status_code == 200


# -- other statuses, pages, docs ------------------------------------------------------------


def test_404_405_and_500_are_json(small_model: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    c = TestClient(create_app(small_model), raise_server_exceptions=False)
    _error(c.get("/nope"), 404, r"no such page or endpoint: /nope")
    _error(c.get("/static/../../etc/passwd"), 404)
    _error(c.get("/static/missing.js"), 404)
    _error(c.get("/v1/check"), 405, r"GET is not allowed on /v1/check")

    def boom(*a: Any, **k: Any) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr("authenticity.web.app.check_draft", boom)
    body = _error(c.post("/v1/check", json={"text": "hi"}), 500, r"internal error \(RuntimeError\)")
    assert "secret internals" not in body["message"]


def test_page_works_offline(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp
    page = r.text
    assert 'id="draft"' in page and 'id="audit-form"' in page
    for name in ("app.js", "app.css"):
        assert f"/static/{name}" in page
        assert client.get(f"/static/{name}").status_code == 200
    for text in (page, client.get("/static/app.js").text, client.get("/static/app.css").text,
                 client.get("/docs").text):
        assert not re.search(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text, re.I), "external resource"
        assert "@import" not in text and "@font-face" not in text
    assert "中文" in page  # the language switch
    js = client.get("/static/app.js").text
    assert "innerHTML" not in js  # user text goes in with textContent only


def test_docs_offline_and_openapi(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert {"/v1/check", "/v1/score", "/v1/audit", "/v1/model"} <= set(spec["paths"])
    assert "/" not in spec["paths"] and "/docs" not in spec["paths"]
    assert "CheckRequest" in spec["components"]["schemas"]
    r = client.get("/docs")
    assert r.status_code == 200
    for path in ("/v1/check", "/v1/score", "/v1/audit", "/v1/model", "/openapi.json"):
        assert path in r.text
    assert "<script" not in r.text and "swagger" not in r.text.lower()
    assert client.get("/redoc").status_code == 404


# -- the CLI ---------------------------------------------------------------------------------


def test_serve_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["serve", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "--host" in out and "--port" in out and "--model" in out and "127.0.0.1" in out


def test_serve_without_web_extra(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert "authenticity serve needs the web extra: pip install 'authenticity[web]'" in err
    assert "Traceback" not in err


def test_serve_bad_port_and_port_in_use(capsys: pytest.CaptureFixture[str]) -> None:
    from authenticity.cli.serve import _bind
    from authenticity.errors import InputError

    with pytest.raises(SystemExit) as exc:
        main(["serve", "--port", "70000"])
    assert exc.value.code == 2
    assert "0-65535" in capsys.readouterr().err
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        with pytest.raises(InputError, match=rf"port {port} on 127.0.0.1 is in use; choose another with --port"):
            _bind("127.0.0.1", port)


def test_serve_end_to_end(small_model_path: Path) -> None:
    """The real command: starts on a free loopback port, answers, stops on SIGTERM."""
    import httpx

    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "authenticity", "serve", "--port", "0", "--quiet",
                             "--model", str(small_model_path)], stderr=subprocess.PIPE, text=True, env=env)
    try:
        deadline = time.monotonic() + 60
        line = ""
        assert proc.stderr is not None
        while time.monotonic() < deadline:
            line = proc.stderr.readline()
            if "listening on" in line or not line:
                break
        m = re.search(r"listening on (http://127\.0\.0\.1:\d+/)", line)
        assert m, line
        base = m.group(1)
        for _ in range(100):
            try:
                r = httpx.get(base + "v1/model", timeout=5)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert r.status_code == 200 and r.json()["file"] == "small.authm"
        r = httpx.post(base + "v1/check", json={"text": SCRIPTED}, timeout=30)
        assert r.json()["label"] == "scripted"
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
