"""The HTML audit report: self-contained, escaped, with charts; a headless-Chromium check when available."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from authenticity.audit import AuditReport, audit_campaign
from authenticity.cli import main
from authenticity.errors import InputError, OutputError
from authenticity.persist import resolve_model
from authenticity.report import render_html, write_html

ROOT = Path(__file__).resolve().parents[1]
CAMPAIGN = ROOT / "data" / "campaigns" / "mixed_lipstick_word_for_word"
EVIL = "<script>alert('x')</script> <img src=x onerror=alert(1)> & \"quotes\""


@pytest.fixture(scope="module")
def report() -> AuditReport:
    df = pd.read_csv(CAMPAIGN / "posts.csv", dtype=str, keep_default_na=False)
    extra = pd.DataFrame([{"post_id": "99", "creator": "<b>mallory</b>", "text": EVIL, "likes": "1"},
                          {"post_id": "100", "creator": "x", "text": "", "likes": "2"}])
    df = pd.concat([df, extra], ignore_index=True)
    return audit_campaign(df, (CAMPAIGN / "brief.md").read_text("utf-8"), model=resolve_model(None))


@pytest.fixture(scope="module")
def page(report: AuditReport) -> str:
    return render_html(report, source="posts.csv", brief_name="brief.md")


def test_page_is_self_contained(page: str) -> None:
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page.lower().replace("&lt;script", "")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page, re.I)
    assert "@import" not in page
    assert not re.search(r"url\((?!#)", page)  # only local references such as clip-path="url(#id)"
    assert not re.search(r"<(?:link|iframe|object|embed)\b", page, re.I)
    # the only URLs are XML namespace names inside the inline SVGs, which a browser never fetches
    urls = set(re.findall(r"https?://[^\s\"'<>]+", page))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}, urls


def test_page_has_the_charts_and_evidence(page: str, report: AuditReport) -> None:
    assert page.count("<svg") >= 5  # index, scores, copy per post, similarity, phrases, engagement
    assert "OVER-CONTROLLED" in page
    assert "持妆12小时，喝水吃饭不沾杯" in page
    assert '<mark class="brief">' in page
    assert "post similarity" in page
    for reason in report.reasons:
        assert reason.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace(
            '"', "&quot;").replace("'", "&#x27;") in page


def test_all_text_is_escaped(page: str) -> None:
    assert EVIL not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;b&gt;mallory&lt;/b&gt;" in page
    assert "<b>mallory</b>" not in page
    assert "empty: not audited" in page


def test_write_html_is_atomic_and_refuses_to_overwrite(report: AuditReport, tmp_path: Path) -> None:
    out = write_html(report, tmp_path / "r.html")
    assert out.read_text("utf-8").startswith("<!DOCTYPE html>")
    assert not list(tmp_path.glob(".*part"))
    with pytest.raises(OutputError, match="--force"):
        write_html(report, out)
    write_html(report, out, force=True)


def test_missing_matplotlib_is_a_clear_error(report: AuditReport, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(InputError, match=r"pip install 'authenticity\[report\]'"):
        render_html(report)


def test_cli_writes_the_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "audit.html"
    rc = main(["audit", str(CAMPAIGN / "posts.csv"), "--brief", str(CAMPAIGN / "brief.md"), "-o", str(out)])
    assert rc == 0
    assert "report written to" in capsys.readouterr().err
    assert "<svg" in out.read_text("utf-8")


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.mark.skipif(_chromium() is None, reason="headless Chromium is not installed (apt-get install chromium)")
def test_report_renders_in_headless_chromium(page: str, tmp_path: Path) -> None:
    from PIL import Image

    html_file = tmp_path / "report.html"
    html_file.write_text(page, encoding="utf-8")
    shot = tmp_path / "shot.png"
    cmd: list[Any] = [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                      "--window-size=1200,2200", f"--screenshot={shot}", html_file.as_uri()]
    subprocess.run(cmd, capture_output=True, timeout=90, check=False)
    assert shot.exists() and shot.stat().st_size > 20_000
    img = Image.open(shot).convert("RGB")
    assert img.size == (1200, 2200)
    # the charts are drawn: many distinct colours, and the red verdict badge is on the page
    small = img.resize((300, 550))
    colours = small.getcolors(maxcolors=300 * 550)
    assert colours is not None and len(colours) > 200
    assert any(r > 180 and g < 80 and b < 80 for _, (r, g, b) in colours)
