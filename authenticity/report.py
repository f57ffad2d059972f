"""The campaign audit as one self-contained HTML file.

``render_html(report)`` returns a page that opens offline: inline CSS, charts
as inline SVG made with matplotlib (imported lazily, no pyplot state, text
kept as text so the browser draws Chinese with its own fonts), no scripts,
no external fonts, images or links. Every piece of post, brief and creator
text is HTML-escaped.

Charts: the over-control index and its components, the distribution of
``p_scripted``, brief copy per post, the post-similarity heatmap (or the
near-duplicate cluster sizes for large campaigns), repeated phrases, and
engagement by band. Then every post (up to :data:`MAX_POSTS_SHOWN`) with
the text copied from the brief, the hidden-template text and the expected
terms highlighted.
"""

from __future__ import annotations

import html
import io
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .audit import AuditReport, PostResult, align_to_original
from .errors import InputError, OutputError
from .normalize import normalize
from .overlap import compact

__all__ = ["MAX_POSTS_SHOWN", "render_html", "write_html"]

#: campaigns with more rows show only this many posts (the most borrowed first)
MAX_POSTS_SHOWN = 1000
_LARGE_SHOWN = 300

_VERDICT_COLOR = {"ok": "#1a7f37", "watch": "#b7791f", "over-controlled": "#c53030"}
_KIND_COLOR = {"brief": "#f6c343", "template": "#b794f4", "expected": "#cbd5e0"}
_COMPONENT_COLOR = {"reuse": "#e53e3e", "borrowed": "#dd6b20", "duplicates": "#805ad5", "scripted": "#3182ce"}
_FONTS = ["DejaVu Sans", "Noto Sans CJK SC", "Noto Sans SC", "WenQuanYi Micro Hei", "PingFang SC",
          "Microsoft YaHei", "sans-serif"]


def _mpl() -> Any:
    try:
        import matplotlib
    except ImportError:
        raise InputError("the HTML report needs matplotlib: pip install 'authenticity[report]'") from None
    return matplotlib


def _svg(fig: Any) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    s = buf.getvalue()
    s = s[s.index("<svg"):]  # drop the XML declaration and DOCTYPE
    s = re.sub(r"<metadata>.*?</metadata>", "", s, flags=re.S)
    return s


def _figure(w: float, h: float) -> tuple[Any, Any]:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(w, h), dpi=100)
    ax = fig.subplots()
    ax.spines[["top", "right"]].set_visible(False)
    return fig, ax


def _short(s: str, n: int = 38) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


def _chart_index(r: AuditReport) -> str:
    fig, ax = _figure(7.5, 1.5)
    left = 0.0
    for c in r.components:
        ax.barh([0], [c.points], left=left, color=_COMPONENT_COLOR.get(c.name, "#718096"), height=0.5,
                label=f"{c.name} {c.points:.0f}/{c.weight:.0f}")
        left += c.points
    watch, over = r.thresholds["watch_at"], r.thresholds["over_at"]
    ax.axvspan(0, watch, color="#c6f6d5", zorder=0)
    ax.axvspan(watch, over, color="#feebc8", zorder=0)
    ax.axvspan(over, 100, color="#fed7d7", zorder=0)
    for x, lab in ((watch / 2, "ok"), ((watch + over) / 2, "watch"), ((over + 100) / 2, "over-controlled")):
        ax.text(x, 0.34, lab, ha="center", va="bottom", fontsize=8, color="#4a5568")
    ax.axvline(r.over_control_index, color="black", lw=2, ymax=0.75)
    ax.set_xlim(0, 100)
    ax.set_ylim(-0.4, 0.6)
    ax.set_yticks([])
    ax.set_xlabel("over-control index")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.6), ncol=4, fontsize=8, frameon=False)
    return _svg(fig)


def _chart_scores(r: AuditReport) -> str:
    fig, ax = _figure(4.6, 2.8)
    hist = r.p_scripted_histogram
    thr = float(r.model.get("threshold", 0.5))
    xs = [i / 10 + 0.05 for i in range(10)]
    colors = ["#c53030" if x >= thr else "#2f855a" for x in xs]
    ax.bar(xs, hist, width=0.09, color=colors)
    ax.axvline(thr, color="#4a5568", ls="--", lw=1)
    ax.set_xlim(0, 1)
    ax.set_xlabel("p_scripted (model)")
    ax.set_ylabel("posts")
    ax.set_title(f"scripted share {r.scripted_share:.0%}", fontsize=10)
    ax.yaxis.get_major_locator().set_params(integer=True)
    return _svg(fig)


def _chart_copy(r: AuditReport) -> str:
    ok = [p for p in r.posts if p.status == "ok"]
    from .audit import POST_COPY

    if len(ok) <= 80:
        fig, ax = _figure(max(4.6, 0.22 * len(ok) + 1.5), 2.8)
        xs = list(range(len(ok)))
        brief = [p.brief_copy for p in ok]
        tpl = [max(0.0, min(p.template_share, 1 - p.brief_copy)) for p in ok]
        ax.bar(xs, brief, color=_KIND_COLOR["brief"], label="copied from the brief")
        ax.bar(xs, tpl, bottom=brief, color=_KIND_COLOR["template"], label="shared text not in the brief")
        ax.axhline(POST_COPY, color="#4a5568", ls="--", lw=1)
        ax.set_xticks(xs)
        ax.set_xticklabels([str(p.post_id) for p in ok], fontsize=7, rotation=90 if len(ok) > 30 else 0)
        ax.set_xlabel("post")
        ax.set_ylim(0, 1)
        ax.set_ylabel("share of the post")
        ax.legend(fontsize=7, frameon=False, loc="upper right")
    else:
        fig, ax = _figure(4.6, 2.8)
        ax.hist([p.borrowed for p in ok], bins=20, range=(0, 1), color=_KIND_COLOR["brief"])
        ax.axvline(POST_COPY, color="#4a5568", ls="--", lw=1)
        ax.set_xlabel("share of a post taken from the brief or a template")
        ax.set_ylabel("posts")
    ax.set_title(f"text borrowed per post (mean brief copy {r.mean_brief_copy:.0%})", fontsize=10)
    return _svg(fig)


def _chart_similarity(r: AuditReport) -> str:
    ok = [p for p in r.posts if p.status == "ok"]
    if r.similarity is not None and len(ok) >= 2:
        import numpy as np

        m = np.asarray(r.similarity)
        order = [i for i, p in enumerate(ok) if p.duplicate_cluster is not None]
        order.sort(key=lambda i: (ok[i].duplicate_cluster, i))
        order += [i for i, p in enumerate(ok) if p.duplicate_cluster is None]
        m = m[np.ix_(order, order)]
        size = min(6.5, 2.2 + 0.16 * len(ok))
        fig, ax = _figure(size + 0.9, size)
        im = ax.imshow(m, vmin=0, vmax=1, cmap="magma_r")
        labels = [str(ok[i].post_id) for i in order]
        ax.set_xticks(range(len(order)))
        ax.set_yticks(range(len(order)))
        fs = 7 if len(ok) <= 40 else 5
        ax.set_xticklabels(labels, fontsize=fs, rotation=90)
        ax.set_yticklabels(labels, fontsize=fs)
        fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04, label="shared wording (Jaccard)")
        ax.set_title("post similarity (near-duplicate clusters first)", fontsize=10)
        return _svg(fig)
    clusters = r.duplicate_clusters[:20]
    fig, ax = _figure(5.5, 2.8)
    if clusters:
        ax.bar(range(len(clusters)), [len(c.posts) for c in clusters], color="#805ad5")
        ax.set_xticks(range(len(clusters)))
        ax.set_xticklabels([str(i + 1) for i in range(len(clusters))], fontsize=7)
        ax.set_xlabel("near-duplicate cluster")
        ax.set_ylabel("posts")
    else:
        ax.text(0.5, 0.5, "no near-duplicate posts", ha="center", va="center", transform=ax.transAxes)
        ax.set_xticks([])
        ax.set_yticks([])
    ax.set_title(f"near-duplicate clusters ({len(r.duplicate_clusters)})", fontsize=10)
    return _svg(fig)


def _chart_phrases(r: AuditReport) -> str:
    rows = [(e.text, e.share, _KIND_COLOR["brief"]) for e in r.echoed_phrases[:10]]
    rows += [(s.text, s.share, _KIND_COLOR["template"]) for s in r.shared_phrases[:8]]
    if not rows:
        return ""
    fig, ax = _figure(7.5, 0.34 * len(rows) + 1.0)
    ys = list(range(len(rows)))[::-1]
    ax.barh(ys, [x[1] for x in rows], color=[x[2] for x in rows])
    ax.set_yticks(ys)
    ax.set_yticklabels([_short(x[0], 44) for x in rows], fontsize=8)
    ax.set_xlim(0, 1)
    ax.axvline(r.thresholds["echo_share"], color="#4a5568", ls="--", lw=1)
    ax.set_xlabel("share of posts")
    ax.set_title("repeated phrases (yellow: from the brief; purple: not in the brief)", fontsize=10)
    return _svg(fig)


def _chart_engagement(r: AuditReport) -> str:
    bands = [b for b in r.engagement if b.n_posts]
    if not bands:
        return ""
    kinds = [k for k in bands[0].median if any(b.median.get(k) is not None for b in bands)]
    if not kinds:
        return ""
    fig, axes = None, None
    from matplotlib.figure import Figure

    fig = Figure(figsize=(2.3 * len(kinds) + 0.5, 2.6), dpi=100)
    axes = fig.subplots(1, len(kinds), squeeze=False)[0]
    colors = {"own words": "#2f855a", "scripted": "#3182ce", "reused": "#c53030"}
    for ax, k in zip(axes, kinds, strict=True):
        vals = [b.median.get(k) or 0 for b in bands]
        ax.bar(range(len(bands)), vals, color=[colors.get(b.band, "#718096") for b in bands])
        ax.set_xticks(range(len(bands)))
        ax.set_xticklabels([f"{b.band}\n({b.n_posts})" for b in bands], fontsize=7)
        ax.set_title(f"median {k}", fontsize=9)
        ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig)


# -- post text with highlights ------------------------------------------------------------


def highlight_ranges(post: PostResult) -> list[tuple[int, int, str]]:
    """The highlights of a post as ``(start, end, kind)`` ranges of its *original* text."""
    if post.status != "ok" or not post.highlights:
        return []
    c = compact(normalize(post.text), normalized=True)
    where = align_to_original(post.text, c)
    pos = {off: j for j, off in enumerate(c.offsets)}
    out: list[tuple[int, int, str]] = []
    for h in post.highlights:
        idx = [pos[o] for o in range(h.start, h.end) if o in pos]
        run: list[int] = []
        for j in [*idx, None]:
            w = where[j] if j is not None else -1
            if w >= 0 and (not run or w > run[-1]):
                run.append(w)
                continue
            if run:
                out.append((run[0], run[-1] + 1, h.kind))
            run = [w] if w >= 0 else []
    return out


def _marked(text: str, ranges: Sequence[tuple[int, int, str]]) -> str:
    if not ranges:
        return html.escape(text)
    rank = {"brief": 3, "template": 2, "expected": 1}
    kinds: list[str | None] = [None] * len(text)
    for a, b, k in ranges:
        for i in range(max(0, a), min(len(text), b)):
            cur = kinds[i]
            if cur is None or rank[k] > rank[cur]:
                kinds[i] = k
    out = []
    i = 0
    while i < len(text):
        k = kinds[i]
        j = i
        while j < len(text) and kinds[j] == k:
            j += 1
        if k:
            # one mark per line: a mark that spans line breaks is painted unreliably
            out.append("\n".join(f'<mark class="{k}">{html.escape(line)}</mark>' if line else ""
                                  for line in text[i:j].split("\n")))
        else:
            out.append(html.escape(text[i:j]))
        i = j
    return "".join(out)


def _post_card(p: PostResult, n_clusters: int) -> str:
    e = html.escape
    bits = [f"<b>post {e(str(p.post_id))}</b>"]
    if p.creator:
        bits.append(e(p.creator))
    if p.status != "ok":
        bits.append(f'<span class="status">{e(p.status)}: not audited</span>')
        return f'<div class="post skipped"><div class="meta">{" · ".join(bits)}</div></div>'
    bits.append(f"p_scripted {p.p_scripted:.2f} ({e(p.label or '')})")
    bits.append(f"brief copy {p.brief_copy:.0%}")
    if p.template_share:
        bits.append(f"shared template {p.template_share:.0%}")
    if p.duplicate_cluster is not None:
        bits.append(f"near-duplicate (cluster {p.duplicate_cluster + 1}, {p.max_similarity:.0%})")
    eng = ", ".join(f"{k} {v:,.0f}" for k, v in p.engagement.items() if v is not None)
    if eng:
        bits.append(e(eng))
    cls = {"reused": "reused", "scripted": "scripted"}.get(p.band or "", "own")
    body = _marked(p.text, highlight_ranges(p))
    return (f'<div class="post {cls}"><div class="meta">{" · ".join(bits)} <span class="band">'
            f"{e(p.band or '')}</span></div><div class=\"text\">{body}</div></div>")


# -- the page -----------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;
margin:0;background:#f7fafc;color:#1a202c;line-height:1.5}
main{max-width:1080px;margin:0 auto;padding:24px}
h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.15em;margin-top:1.8em;border-bottom:1px solid #e2e8f0}
.verdict{display:inline-block;color:#fff;padding:.2em .8em;border-radius:6px;font-weight:700;font-size:1.2em}
.index{font-size:1.2em;margin-left:.6em}
.sub{color:#4a5568;font-size:.9em}
.grid{display:flex;flex-wrap:wrap;gap:16px}
.card{background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:12px;overflow-x:auto}
.card svg{max-width:100%;height:auto}
table{border-collapse:collapse;width:100%;font-size:.9em;background:#fff}
th,td{border-bottom:1px solid #e2e8f0;padding:4px 8px;text-align:left;vertical-align:top}
td.num{text-align:right;white-space:nowrap}
.post{background:#fff;border:1px solid #e2e8f0;border-left:5px solid #2f855a;border-radius:6px;
padding:8px 12px;margin:8px 0}
.post.reused{border-left-color:#c53030}.post.scripted{border-left-color:#3182ce}.post.skipped{opacity:.6}
.post .meta{font-size:.82em;color:#4a5568}.post .text{white-space:pre-wrap;overflow-wrap:anywhere}
.band{float:right;font-weight:600}
mark.brief{background:#f6c343}mark.template{background:#d6bcfa}
mark.expected{background:none;border-bottom:2px dotted #a0aec0}
.legend mark{padding:0 .3em}
ul.reasons li{margin:.2em 0}
"""


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]], num: Sequence[int] = ()) -> str:
    e = html.escape
    head = "".join(f"<th>{e(h)}</th>" for h in headers)
    body = []
    for row in rows:
        cells = "".join(f'<td class="num">{e(str(v))}</td>' if i in num else f"<td>{e(str(v))}</td>"
                        for i, v in enumerate(row))
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _ids(ids: Sequence[Any], limit: int = 30) -> str:
    s = ", ".join(str(x) for x in ids[:limit])
    return s + (f" … (+{len(ids) - limit})" if len(ids) > limit else "")


def render_html(report: AuditReport, *, source: str | None = None, brief_name: str | None = None) -> str:
    """The audit as one self-contained HTML page (no scripts, no external resources)."""
    mpl = _mpl()
    e = html.escape
    r = report
    rc = {"svg.fonttype": "none", "svg.hashsalt": "authenticity", "font.family": _FONTS, "font.size": 9,
          "axes.titlesize": 10}
    import logging
    import warnings

    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    with mpl.rc_context(rc), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        charts = {
            "index": _chart_index(r),
            "scores": _chart_scores(r),
            "copy": _chart_copy(r),
            "similarity": _chart_similarity(r),
            "phrases": _chart_phrases(r),
            "engagement": _chart_engagement(r),
        }
    color = _VERDICT_COLOR.get(r.verdict, "#4a5568")
    title = r.brief_title or "campaign"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Campaign audit: {e(title)}</title><style>{_CSS}</style></head><body><main>",
        f"<h1>Campaign audit: {e(title)}</h1>",
        '<p class="sub">' + e(" · ".join(x for x in (
            f"posts: {source}" if source else "", f"brief: {brief_name}" if brief_name else "",
            f"{r.n_posts} posts audited of {r.n_rows} rows", f"language: {r.lang}",
            f"near-duplicates: {r.duplicate_method}") if x)) + "</p>",
        f'<p><span class="verdict" style="background:{color}">{e(r.verdict.upper())}</span>'
        f'<span class="index">over-control index <b>{r.over_control_index:.0f}</b>/100</span></p>',
        f'<div class="card">{charts["index"]}</div>',
        "<h2>Why</h2><ul class=\"reasons\">" + "".join(f"<li>{e(s)}</li>" for s in r.reasons) + "</ul>",
        "<h2>What to do</h2><ul class=\"reasons\">" + "".join(f"<li>{e(s)}</li>" for s in r.recommendations)
        + "</ul>",
        "<h2>How the index is made</h2>",
        _table(["component", "what it measures", "value", "score", "weight", "points"],
               [(c.name, c.description, f"{c.value:.0%}", f"{c.score:.2f}", f"{c.weight:.0f}", f"{c.points:.1f}")
                for c in r.components], num=(2, 3, 4, 5)),
        f'<p class="sub">verdict: ok below {r.thresholds["watch_at"]:.0f}, watch from '
        f'{r.thresholds["watch_at"]:.0f}, over-controlled from {r.thresholds["over_at"]:.0f}; when '
        f'{r.thresholds["majority_reuse"]:.0%} or more of the posts reuse text it is over-controlled, and a '
        f'near-duplicate cluster of {r.thresholds["duplicate_floor_posts"]:.0f} or more posts makes it at least '
        "watch." + "".join(f" <b>Applied: {e(x)}.</b>" for x in r.verdict_rules) + "</p>",
        "<h2>Charts</h2>",
        f'<div class="grid"><div class="card">{charts["scores"]}</div>'
        f'<div class="card">{charts["copy"]}</div></div>',
        f'<div class="grid"><div class="card">{charts["similarity"]}</div></div>',
    ]
    if charts["phrases"]:
        parts.append(f'<div class="card">{charts["phrases"]}</div>')
    if charts["engagement"]:
        parts.append('<h2>Engagement by band</h2><p class="sub">reused: copies the brief, uses the shared template '
                     "or is a near-duplicate; scripted: the model reads it as ad copy; own words: neither.</p>"
                     f'<div class="card">{charts["engagement"]}</div>')
    if r.echoed_phrases:
        parts.append("<h2>Brief phrases repeated in posts</h2>")
        parts.append(_table(["phrase", "from", "posts", "share", "post ids"],
                            [(x.text, x.source, x.n_posts, f"{x.share:.0%}", _ids(x.posts))
                             for x in r.echoed_phrases], num=(2, 3)))
    if r.shared_phrases:
        parts.append("<h2>Shared phrases that are not in the brief</h2>")
        parts.append(_table(["phrase", "posts", "share", "post ids"],
                            [(x.text, x.n_posts, f"{x.share:.0%}", _ids(x.posts)) for x in r.shared_phrases],
                            num=(1, 2)))
    if r.shared_structure is not None:
        s = r.shared_structure
        parts.append(f'<p class="sub">{s.n_posts} posts ({s.share:.0%}) follow the same list structure '
                     f"<b>{e(s.skeleton)}</b>: posts {e(_ids(s.posts))}</p>")
    if r.duplicate_clusters:
        parts.append("<h2>Near-duplicate clusters</h2>")
        parts.append(_table(["cluster", "posts", "post ids", "similarity", "creators"],
                            [(i + 1, len(c.posts), _ids(c.posts), f"{c.mean_similarity:.0%}",
                              _ids(list(c.creators), 10)) for i, c in enumerate(r.duplicate_clusters[:50])],
                            num=(0, 1, 3)))
    if r.creators:
        parts.append("<h2>Creators</h2>")
        shown = list(r.creators[:15])
        free = [c for c in reversed(r.creators) if c not in shown][:5]
        parts.append(_table(["creator", "posts", "reusing", "borrowed", "brief copy", "scripted"],
                            [(c.creator, c.n_posts, c.n_reusing, f"{c.mean_borrowed:.0%}",
                              f"{c.mean_brief_copy:.0%}", f"{c.scripted_share:.0%}") for c in shown + free],
                            num=(1, 2, 3, 4, 5)))
    if r.expected_terms:
        parts.append("<h2>Expected terms (not counted as copying)</h2>")
        parts.append(_table(["term", "kind", "posts", "share"],
                            [(t.text, t.kind, t.n_posts, f"{t.share:.0%}") for t in r.expected_terms],
                            num=(2, 3)))
    # posts
    posts = list(r.posts)
    note = ""
    if len(posts) > MAX_POSTS_SHOWN:
        ranked = sorted((p for p in posts if p.status == "ok"), key=lambda p: (-p.borrowed, p.row))
        posts = sorted(ranked[:_LARGE_SHOWN], key=lambda p: p.row)
        note = (f"<p class=\"sub\">{len(r.posts):,} rows: showing the {len(posts)} posts that borrow most; "
                "the JSON output (--json) has every post.</p>")
    n_clusters = len(r.duplicate_clusters)
    parts.append("<h2>Posts</h2>")
    parts.append('<p class="legend sub"><mark class="brief">copied from the brief</mark> '
                 '<mark class="template">shared text not in the brief</mark> '
                 '<mark class="expected">expected term</mark></p>')
    parts.append(note)
    parts.extend(_post_card(p, n_clusters) for p in posts)
    parts.append('<p class="sub">Made by authenticity. Thresholds: '
                 + e(", ".join(f"{k}={v:g}" for k, v in r.thresholds.items())) + "</p>")
    parts.append("</main></body></html>")
    return "\n".join(parts)


def write_html(report: AuditReport, path: str | os.PathLike[str], *, source: str | None = None,
               brief_name: str | None = None, force: bool = False) -> Path:
    """Write :func:`render_html` to ``path`` atomically (temporary file, then rename)."""
    p = Path(path)
    if p.exists() and not force:
        raise OutputError(f"{p} already exists; pass --force to overwrite it")
    page = render_html(report, source=source, brief_name=brief_name)
    from .io import write_atomic

    return write_atomic(p, page)
