"""The page in a real browser: headless Chromium (Debian's ``chromium``) driven by Playwright.

Starts the app on a free loopback port (uvicorn in a thread, ``small_model``),
pastes scripted drafts, submits, and checks that the verdict appears in the
draft's language and that the highlighted phrases and advertising-law terms
sit exactly on the API's offsets (emoji included: the API counts code points,
JavaScript UTF-16 units). Then uploads a campaign and checks the audit report.
Screenshots go to ``tests/artifacts/`` (not committed).

Skipped when Playwright's Python package or the Chromium binary is missing
(``AUTHENTICITY_CHROMIUM`` overrides ``/usr/bin/chromium``). Playwright's own
browser download (``playwright install``) is not used.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")
sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = os.environ.get("AUTHENTICITY_CHROMIUM", "/usr/bin/chromium")
if not os.path.exists(CHROMIUM):
    pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)

import uvicorn  # noqa: E402

from authenticity.web import create_app  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"
CAMPAIGN = ROOT / "data" / "campaigns" / "zh_snack_word_for_word"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
DRAFT_ZH = ("🔥🔥姐妹们冲！！这款精华真的绝绝子，全网最低价，链接在评论区，闭眼入！\n"
            "用了两周，干皮冬天够用，就是有点黏，缺点是味道有点重。")
DRAFT_EN = "OMG you guys 😍 this is the #1 serum ever, guaranteed results in 3 days! Use code GLOW20, link in bio!!"

#: console errors and uncaught exceptions of the page
ERRORS: list[str] = []
_MARKS_JS = """() => {
  const view = document.getElementById("draft-view");
  const walk = document.createTreeWalker(view, NodeFilter.SHOW_TEXT);
  const marks = [];
  let pos = 0, node;
  while ((node = walk.nextNode())) {
    const len = Array.from(node.data).length;
    const m = node.parentElement.closest("mark");
    if (m) marks.push({cls: m.className, start: pos, end: pos + len, text: node.data});
    pos += len;
  }
  return {marks, total: pos, text: view.textContent};
}"""


@pytest.fixture(scope="module")
def base_url(small_model: Any) -> Iterator[str]:
    app = create_app(small_model)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    th = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    th.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the test server did not start"
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    th.join(10)
    sock.close()


@pytest.fixture(scope="module")
def page(base_url: str) -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        pg = browser.new_page(viewport={"width": 1100, "height": 900})
        pg.set_default_timeout(30_000)
        pg.on("console", lambda m: ERRORS.append(m.text) if m.type == "error" else None)
        pg.on("pageerror", lambda e: ERRORS.append(str(e)))
        # the page must not reach out: fail any request that is not to our server
        pg.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base_url)
                 or route.request.url.startswith(("data:", "blob:", "about:")) else route.abort())
        yield pg
        browser.close()


def _spans(report: dict[str, Any], direction: str) -> set[int]:
    return {i for r in report["reasons"][direction] if r["kind"] == "phrase" and r["start"] is not None
            for i in range(r["start"], r["end"])}


def _check(page: Any, base_url: str, draft: str) -> tuple[dict[str, Any], dict[str, Any]]:
    page.goto(base_url + "/")
    page.wait_for_selector("body[data-ready='1']")
    page.fill("#draft", draft)
    with page.expect_response(lambda r: r.url.endswith("/v1/check")) as resp:
        page.click("#check-submit")
    report = resp.value.json()
    page.wait_for_selector("#check-result:not([hidden])")
    return report, page.evaluate(_MARKS_JS)


def test_check_page_highlights_and_verdict(page: Any, base_url: str) -> None:
    report, shown = _check(page, base_url, DRAFT_ZH)
    assert report["label"] == "scripted"
    # the verdict, in the draft's language (Chinese)
    assert page.get_attribute("#verdict", "data-label") == "scripted"
    assert page.inner_text("#verdict-label") == "读起来像脚本化广告文案"
    assert page.get_attribute("html", "lang") == "zh-CN"
    # the draft is shown whole, and every mark sits on the API's offsets (code points; emoji first)
    assert shown["text"] == DRAFT_ZH and shown["total"] == len(DRAFT_ZH)
    scripted = [m for m in shown["marks"] if "phrase scripted" in m["cls"]]
    assert scripted, "no phrase highlighted toward scripted"
    allowed = _spans(report, "scripted")
    for m in scripted:
        assert set(range(m["start"], m["end"])) <= allowed, m
        assert DRAFT_ZH[m["start"]:m["end"]] == m["text"]
    law = [m for m in shown["marks"] if m["cls"].startswith("law") or " law " in f" {m['cls']} "]
    law_text = "".join(m["text"] for m in law)
    assert "全网最低" in law_text
    assert page.locator(".sent.hl").count() >= 1
    # the sections
    assert "全网最低" in page.inner_text("#law")
    assert page.locator("#suggestions li").count() == len(report["suggestions"])
    assert "广告" in page.inner_text("#disclosure")
    assert page.locator("#why-scripted li.reason").count() == len(report["reasons"]["scripted"])
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "check_zh.png"), full_page=True)
    assert not ERRORS, ERRORS


def test_check_page_english_draft_gets_english_ui(page: Any, base_url: str) -> None:
    report, shown = _check(page, base_url, DRAFT_EN)
    assert report["lang"] == "en"
    assert page.inner_text("#verdict-label") == (
        "Reads like scripted ad copy" if report["label"] == "scripted" else "Reads like a real experience")
    assert page.inner_text("#tab-check") == "Check a draft"
    assert shown["total"] == len(DRAFT_EN)
    assert any("#1" in m["text"] for m in shown["marks"] if "law" in m["cls"].split())
    page.click("#lang-toggle")  # switch by hand: the report re-renders in Chinese
    assert page.inner_text("[data-i18n='h_law']") == "广告法风险词"
    page.screenshot(path=str(ARTIFACTS / "check_en.png"), full_page=True)
    assert not ERRORS, ERRORS


def test_check_page_shows_api_errors(page: Any, base_url: str) -> None:
    page.goto(base_url + "/")
    page.wait_for_selector("body[data-ready='1']")
    page.fill("#draft", "   ")
    page.click("#check-submit")
    page.wait_for_selector("#check-error:not([hidden])")
    assert page.inner_text("#check-error")


def test_audit_page_shows_the_report(page: Any, base_url: str) -> None:
    page.goto(base_url + "/")
    page.wait_for_selector("body[data-ready='1']")
    page.click("#tab-audit")
    page.set_input_files("#posts", str(CAMPAIGN / "posts.csv"))
    page.set_input_files("#audit-brief-file", str(CAMPAIGN / "brief.md"))
    page.click("#audit-submit")
    page.wait_for_selector("#audit-frame:not([hidden])")
    frame = page.frame_locator("#audit-frame")
    frame.locator("text=OVER-CONTROLLED").first.wait_for()
    assert page.get_attribute("#audit-download", "href").startswith("blob:")
    page.screenshot(path=str(ARTIFACTS / "audit.png"))
    assert not ERRORS, ERRORS
