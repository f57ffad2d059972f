"""How a draft check looks: the terminal report (with ANSI colours) and the HTML one for notebooks.

:class:`~authenticity.check.CheckReport` calls these from ``render()`` and
``_repr_html_()``; nothing here changes what a check finds.
"""

from __future__ import annotations

import html
import math
from typing import TYPE_CHECKING

from .check import SEVERITIES, SPONSORED_P

if TYPE_CHECKING:
    from .check import CheckReport

__all__ = ["render_html", "render_terminal"]

_RESET = "\x1b[0m"


def _sgr(*codes: int) -> str:
    return "\x1b[" + ";".join(str(c) for c in codes) + "m" if codes else ""


def _char_marks(r: CheckReport) -> tuple[list[float], list[bool], list[int]]:
    """Per character of the draft: phrase weight, copied?, law severity rank (-1 = none)."""
    n = len(r.text)
    weight = [0.0] * n
    copied = [False] * n
    law = [-1] * n
    for rs in r.reasons:
        if rs.kind == "phrase" and rs.start is not None and rs.end is not None:
            for i in range(rs.start, min(rs.end, n)):
                weight[i] = rs.weight
    for c in r.copied:
        for i in range(c.start, min(c.end, n)):
            copied[i] = True
    for t in r.absolute_terms:
        rank = SEVERITIES.index(t.severity)
        for i in range(t.start, min(t.end, n)):
            law[i] = rank if law[i] < 0 else min(law[i], rank)
    return weight, copied, law


def _runs(r: CheckReport, s: int, e: int, marks: tuple[list[float], list[bool], list[int]]
          ) -> list[tuple[str, tuple[float, bool, int]]]:
    weight, copied, law = marks
    out: list[tuple[str, tuple[float, bool, int]]] = []
    for i in range(s, e):
        key = (float(math.copysign(1, weight[i])) if weight[i] else 0.0, copied[i], law[i])
        if out and out[-1][1] == key:
            out[-1] = (out[-1][0] + r.text[i], key)
        else:
            out.append((r.text[i], key))
    return out


def _bar(p: float, width: int) -> str:
    k = max(0, min(width, round(p * width)))
    return "█" * k + "·" * (width - k)


def _p_color(p: float, threshold: float) -> int:
    return 31 if p >= SPONSORED_P else 33 if p >= threshold else 32 if p < 0.3 else 0


def render_terminal(r: CheckReport, color: bool, source: str | None) -> str:
    def c(s: str, *codes: int) -> str:
        codes = tuple(x for x in codes if x)
        return f"{_sgr(*codes)}{s}{_RESET}" if color and codes else s

    def head(s: str) -> str:
        return c(s, 1)

    lines: list[str] = []
    name = f" — {source}" if source else ""
    lines.append(head(f"authenticity check{name}") + f" ({r.lang}, {len(r.text):,} characters)")
    lines.append("")
    lab_col = 31 if r.label == "scripted" else 32
    lines.append(f"{head('VERDICT')}  {c(r.label, 1, lab_col)}  p_scripted {r.p_scripted:.2f} "
                 f"{c(_bar(r.p_scripted, 10), _p_color(r.p_scripted, r.threshold))}")
    lines.append(f"  {r.summary}")
    lines.append("")
    lines.append(head("WHY"))
    for d, sign in (("scripted", "+"), ("authentic", "−")):
        rs = r.reasons_toward(d)
        if not rs:
            continue
        lines.append(f"  toward {d}:")
        for x in rs:
            txt = f'"{x.text}"' if x.kind == "phrase" else x.text
            col = 31 if d == "scripted" else 32
            lines.append(f"    {sign}{abs(x.weight):.2f}  {c(txt, col if x.kind == 'phrase' else 0)}")
    lines.append("")
    lines.append(head("SENTENCES") + " (score of each sentence on its own; ▲ = reads scripted)")
    if color:
        lines.append("  " + c("red", 31) + " pushes toward scripted, " + c("green", 32) + " toward authentic, "
                     + c("underlined", 4) + " copied from the brief, " + c("magenta", 35, 1)
                     + " advertising-law term")
    marks = _char_marks(r)
    for s in r.sentences:
        body = []
        for chunk, (w, cp, law) in _runs(r, s.start, s.end, marks):
            codes: list[int] = []
            if law >= 0:
                codes += [35, 1]
            elif w > 0:
                codes.append(31)
            elif w < 0:
                codes.append(32)
            if cp:
                codes.append(4)
            body.append(c(chunk, *codes))
        mark = "▲" if s.highlight else " "
        lines.append(f"  {c(f'{s.p_scripted:.2f}', _p_color(s.p_scripted, r.threshold))} {mark} {''.join(body)}")
    if not r.sentences:
        lines.append("  (no sentences with words)")
    if r.brief_given:
        lines.append("")
        lines.append(head("COPIED FROM THE BRIEF") + f"  {r.copied_share or 0:.0%} of the draft")
        for sp in r.copied:
            lines.append(f"  {c(chr(34) + sp.text + chr(34), 4)}")
        if not r.copied:
            lines.append("  nothing copied")
        if r.expected:
            lines.append("  expected, not counted: " + "  ".join(e.text for e in r.expected))
    lines.append("")
    lines.append(head("ADVERTISING-LAW TERMS"))
    sev_col = {"high": 31, "medium": 33, "low": 0}
    for t in r.absolute_terms:
        lines.append(f"  {c(t.severity.upper().ljust(6), sev_col[t.severity], 1)} {c(t.text, 35, 1)}  "
                     f"({t.category}) → {t.suggestion}")
    if not r.absolute_terms:
        lines.append("  none found")
    lines.append("")
    d = r.disclosure
    lines.append(head("DISCLOSURE"))
    lines.append(f"  {c('⚠ ', 33) if d.needed else ''}{d.message}")
    lines.append("")
    lines.append(head("SUGGESTIONS"))
    for i, sg in enumerate(r.suggestions, 1):
        lines.append(f"  {i}. {sg.text}")
    if not r.suggestions:
        lines.append("  none: it reads like your own experience")
    return "\n".join(lines) + "\n"


def _e(s: object) -> str:
    return html.escape(str(s), quote=True)


def render_html(r: CheckReport) -> str:
    marks = _char_marks(r)
    sev_bg = {0: "#f5c2e7", 1: "#fde68a", 2: "#e5e7eb"}
    parts: list[str] = []
    lab_col = "#b91c1c" if r.label == "scripted" else "#15803d"
    parts.append('<div class="authenticity-check" style="font-family:system-ui,sans-serif;line-height:1.5;'
                 'max-width:56em">')
    parts.append(f'<div><b>Verdict</b>: <span style="color:{lab_col};font-weight:700">{_e(r.label)}</span> '
                 f"&nbsp;p_scripted {r.p_scripted:.2f}</div><p>{_e(r.summary)}</p>")
    parts.append('<div style="font-size:90%;color:#555">sentence background = its own p_scripted; '
                 '<span style="color:#b91c1c">red</span> toward scripted, '
                 '<span style="color:#15803d">green</span> toward authentic, <u>underlined</u> copied from the '
                 'brief, <span style="background:#f5c2e7">highlighted</span> advertising-law term</div>')
    parts.append('<div style="white-space:pre-wrap;border:1px solid #ddd;padding:.6em;border-radius:4px">')
    pos = 0
    for s in r.sentences:
        if s.start > pos:
            parts.append(_e(r.text[pos:s.start]))
        alpha = max(0.0, (s.p_scripted - 0.3) / 0.7) * 0.35
        parts.append(f'<span title="p_scripted {s.p_scripted:.2f}" style="background:rgba(220,38,38,{alpha:.2f})">')
        for chunk, (w, cp, law) in _runs(r, s.start, s.end, marks):
            style = []
            if w > 0:
                style.append("color:#b91c1c")
            elif w < 0:
                style.append("color:#15803d")
            if cp:
                style.append("text-decoration:underline")
            if law >= 0:
                style.append(f"background:{sev_bg[law]};font-weight:600")
            parts.append(f'<span style="{";".join(style)}">{_e(chunk)}</span>' if style else _e(chunk))
        parts.append("</span>")
        pos = s.end
    parts.append(_e(r.text[pos:]) + "</div>")

    def section(title: str, body: str) -> None:
        parts.append(f'<h4 style="margin:.8em 0 .3em">{_e(title)}</h4>{body}')

    rows = "".join(
        f"<tr><td>{_e(d)}</td><td>{_e(x.kind)}</td><td>{_e(x.text)}</td><td>{x.weight:+.2f}</td></tr>"
        for d in ("scripted", "authentic") for x in r.reasons_toward(d)
    )
    section("Why", f"<table><tr><th>toward</th><th>kind</th><th>what</th><th>weight</th></tr>{rows}</table>")
    if r.brief_given:
        items = "".join(f"<li><u>{_e(sp.text)}</u></li>" for sp in r.copied) or "<li>nothing copied</li>"
        exp = ("<div>expected, not counted: " + ", ".join(_e(x.text) for x in r.expected) + "</div>"
               if r.expected else "")
        section(f"Copied from the brief ({r.copied_share or 0:.0%} of the draft)", f"<ul>{items}</ul>{exp}")
    items = "".join(
        f"<li><b>{_e(t.severity)}</b> <mark>{_e(t.text)}</mark> ({_e(t.category)}) → {_e(t.suggestion)}</li>"
        for t in r.absolute_terms
    ) or "<li>none found</li>"
    section("Advertising-law terms", f"<ul>{items}</ul>")
    warn = "⚠ " if r.disclosure.needed else ""
    section("Disclosure", f"<p>{warn}{_e(r.disclosure.message)}</p>")
    items = "".join(f"<li>{_e(s.text)}</li>" for s in r.suggestions) or "<li>none</li>"
    section("Suggestions", f"<ol>{items}</ol>")
    parts.append("</div>")
    return "".join(parts)
