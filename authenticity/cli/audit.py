"""``authenticity audit``: is a seeding brief controlling the posts it produces?"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TextIO

from ..errors import InputError
from .common import add_input_options, add_model_option, note, print_json

FAIL_ON = {"over-controlled": ("over-controlled",), "watch": ("watch", "over-controlled")}
REPORT_SUFFIXES = (".html", ".htm")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "audit", help="audit a campaign: ok / watch / over-controlled, with evidence",
        description="Audit a seeding campaign: the posts creators wrote from one brief. Measures the share of "
        "scripted posts, how much of each post is copied from the brief, brief phrases repeated across posts, "
        "shared phrases that are not in the brief (a hidden template), near-duplicate posts and, with a creator "
        "column, who copied most; gives an over-control index 0-100 and a verdict ok / watch / over-controlled "
        "with the reasons and how to loosen the brief. Mandatory hashtags, @mentions and brand names are "
        "reported apart and not counted as copying.",
    )
    p.add_argument("posts", metavar="POSTS", help="the campaign's posts (.csv .tsv .jsonl .json .parquet .xlsx)")
    p.add_argument("--brief", "-b", required=True, metavar="BRIEF", help="the brief: a text or Markdown file "
                   "(sections such as key messages, mandatory, sample script are used when present)")
    add_input_options(p)
    p.add_argument("--creator-col", metavar="C", help="the creator column (default: auto-detected: creator, "
                   "author, user, 作者, 博主, 达人 …)")
    p.add_argument("--id-col", metavar="C", help="the post id column used to name posts (default: post_id, id, "
                   "note_id … if present, else the row number)")
    add_model_option(p)
    p.add_argument("-o", "--output", metavar="REPORT.html", help="write a self-contained HTML report (charts "
                   "and every post with its copied text highlighted)")
    p.add_argument("--force", action="store_true", help="overwrite an existing report file")
    p.add_argument("--json", action="store_true", help="print one JSON object with the full audit")
    p.add_argument("--fail-on", choices=tuple(FAIL_ON), metavar="VERDICT",
                   help="exit with status 1 when the verdict is this or worse: over-controlled or watch")
    p.add_argument("--quiet", "-q", action="store_true", help="no messages on stderr")
    p.set_defaults(run=run)


def _check_report_path(out: str, inputs: list[str], force: bool) -> Path:
    from ..io import check_output

    p = Path(out)
    if p.suffix.lower() not in REPORT_SUFFIXES:
        raise InputError(f"the report is HTML: give -o a name ending in .html (got '{p.name}')")
    return check_output(p, inputs, force=force, table=False)


def run(args: argparse.Namespace) -> int:
    from ..audit import MAX_POSTS, audit_campaign
    from ..brief import MAX_BRIEF_CHARS
    from ..io import read_table, read_text_file
    from ..persist import resolve_model

    out = _check_report_path(args.output, [args.posts, args.brief], args.force) if args.output else None
    if str(args.posts) == "-" and str(args.brief) == "-":
        raise InputError("POSTS and --brief cannot both be standard input; give at least one as a file")
    brief = read_text_file(args.brief, what="brief", max_chars=MAX_BRIEF_CHARS, encoding=args.encoding)
    model = resolve_model(args.model)
    df = read_table(args.posts, encoding=args.encoding, sheet=args.sheet, skip_bad_lines=args.skip_bad_lines,
                    max_rows=MAX_POSTS, limit_hint="audit one campaign at a time")
    if len(df) == 0:
        raise InputError(f"{args.posts} has a header but no rows")
    report = audit_campaign(df, brief, text_col=args.text_col, creator_col=args.creator_col, model=model,
                            id_col=args.id_col)
    if out is not None:
        from ..report import write_html

        write_html(report, out, source=os.path.basename(str(args.posts)),
                   brief_name=os.path.basename(str(args.brief)), force=True)
    if args.json:
        print_json(report.as_dict())
    else:
        print_summary(report, sys.stdout, source=str(args.posts))
    if out is not None:
        note(f"report written to {out}", args.quiet)
    sys.stdout.flush()
    if args.fail_on and report.verdict in FAIL_ON[args.fail_on]:
        return 1
    return 0


def _pct(x: float) -> str:
    return f"{x:.0%}"


def print_summary(report: object, fh: TextIO, source: str = "") -> None:
    """The terminal summary of an :class:`~authenticity.audit.AuditReport`."""
    from ..audit import AuditReport

    assert isinstance(report, AuditReport)
    r = report
    w = fh.write
    skipped = r.n_rows - r.n_posts
    w(f"audit of {r.n_posts} posts" + (f" from {source}" if source else "")
      + (f" ({skipped} rows without text skipped)" if skipped else "") + "\n")
    w(f"verdict: {r.verdict.upper()}   over-control index {r.over_control_index:.0f}/100  "
      f"(watch from {r.thresholds['watch_at']:.0f}, over-controlled from {r.thresholds['over_at']:.0f})\n")
    for c in r.components:
        w(f"  {c.name:<11}{c.points:5.1f} / {c.weight:<4.0f} {_pct(c.value):>5}  {c.description}\n")
    if r.reasons:
        w("\nwhy:\n")
        for s in r.reasons:
            w(f"  - {s}\n")
    if r.recommendations:
        w("\nwhat to do:\n")
        for s in r.recommendations:
            w(f"  - {s}\n")
    if r.echoed_phrases:
        w("\nbrief phrases repeated in posts:\n")
        for e in r.echoed_phrases[:8]:
            w(f"  {e.n_posts:>4}/{r.n_posts} {_pct(e.share):>5}  {e.text}  [{e.source}]\n")
    if r.shared_phrases:
        w("\nshared phrases that are not in the brief:\n")
        for s in r.shared_phrases[:8]:
            w(f"  {s.n_posts:>4}/{r.n_posts} {_pct(s.share):>5}  {s.text}\n")
    if r.duplicate_clusters:
        w(f"\nnear-duplicate clusters ({r.duplicate_method}):\n")
        for cl in r.duplicate_clusters[:8]:
            ids = ", ".join(str(x) for x in cl.posts[:20]) + (" …" if len(cl.posts) > 20 else "")
            w(f"  {len(cl.posts):>4} posts, {cl.mean_similarity:.0%} similar: {ids}\n")
    if r.creators:
        reusing = [c for c in r.creators if c.n_reusing]
        free = [c for c in reversed(r.creators) if not c.n_reusing]
        if reusing:
            w("\ncreators who copied most:\n")
            for c in reusing[:5]:
                w(f"  {c.creator}: {c.n_reusing}/{c.n_posts} posts reuse text, {c.mean_borrowed:.0%} borrowed\n")
        if free:
            w("creators who wrote most freely: " + ", ".join(c.creator for c in free[:5]) + "\n")
    if r.engagement:
        w("\nengagement by band (median):\n")
        for band in r.engagement:
            vals = ", ".join(f"{k} {v:,.0f}" for k, v in band.median.items() if v is not None)
            w(f"  {band.band:<10} {band.n_posts:>4} posts  {vals}\n")
    present = [e for e in r.expected_terms if e.n_posts][:6]
    if present:
        w("\nexpected terms (not counted as copying): "
          + ", ".join(f"{e.text} {e.n_posts}/{r.n_posts}" for e in present) + "\n")
