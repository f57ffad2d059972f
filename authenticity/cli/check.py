"""``authenticity check``: check one draft before publishing.

Reads the draft from FILE, from standard input with ``-``, or from standard
input when FILE is omitted. Prints the report (coloured on a terminal) or,
with ``--json``, one JSON object. Exit 0; 1 when a ``--fail-on`` condition is
met (so a publishing step can be gated); 2 on bad usage or input.
"""

from __future__ import annotations

import argparse
import os
import sys

from .common import add_model_option

# Start-up stays light: the library is imported in run(). These mirror
# authenticity.check.FAIL_CONDITIONS and COPY_FAIL_SHARE (a test keeps them equal).
_FAIL_CHOICES = ("scripted", "absolute-terms", "undisclosed", "copied", "any")
_COPY_FAIL_SHARE = 0.3


def _fail_on(value: str) -> list[str]:
    parts = [p.strip().lower() for p in value.split(",") if p.strip()]
    bad = [p for p in parts if p not in _FAIL_CHOICES]
    if bad or not parts:
        raise argparse.ArgumentTypeError(
            f"unknown condition {', '.join(repr(b) for b in bad) or repr(value)}; choose from "
            f"{', '.join(_FAIL_CHOICES)} (repeat the option or separate with commas)"
        )
    return parts


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "check",
        help="check a draft before publishing: score, reasons, copied brief phrases, ad-law terms, disclosure",
        description="Check one draft before publishing: how scripted it reads and why (phrases, style signals, "
        "per-sentence scores), what it copies from the brief, advertising-law terms (最, 第一, #1, guaranteed …), "
        "a disclosure reminder, and concrete suggestions. Exit 0, or 1 when a --fail-on condition is met.",
    )
    p.add_argument("file", nargs="?", default="-", metavar="FILE",
                   help="the draft, a text file; '-' or nothing: read it from standard input")
    p.add_argument("--brief", metavar="BRIEF", help="the brief the draft was written from (text or Markdown); "
                   "shows what the draft copied from it")
    add_model_option(p)
    p.add_argument("--lang", choices=("auto", "zh", "en"), default="auto",
                   help="language of the advertising-law terms to check (default auto: both)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of the report")
    p.add_argument("--fail-on", action="append", type=_fail_on, default=[], metavar="COND",
                   help="exit 1 when the draft is scripted, has absolute-terms (high or medium severity), is "
                   f"undisclosed, or copied (at least {_COPY_FAIL_SHARE * 100:.0f}%% from the brief); 'any' for all; "
                   "repeat or comma-separate")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                   help="colour the report (default auto: when standard output is a terminal and NO_COLOR is unset)")
    p.add_argument("--lexicon", action="append", default=[], metavar="FILE",
                   help="extra advertising-law lexicon (JSON, same shape as the shipped ad_law.json); repeatable")
    p.add_argument("--encoding", metavar="E", help="text encoding of the draft and brief (default: detected)")
    p.set_defaults(run=run)


def _use_color(choice: str) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def run(args: argparse.Namespace) -> int:
    from ..brief import MAX_BRIEF_CHARS
    from ..check import MAX_DRAFT_CHARS, check_draft
    from ..errors import InputError
    from ..io import read_text_file
    from .common import note, print_json

    conditions = [c for group in args.fail_on for c in group]
    if args.file == "-" and args.brief == "-":
        raise InputError("the draft and --brief cannot both be read from standard input; give the brief as a file")
    if args.file == "-":
        try:
            interactive = sys.stdin.isatty()
        except (AttributeError, ValueError):
            interactive = False
        if interactive:
            note("reading the draft from the terminal: paste it, then press Ctrl-D (or give a FILE)")
    text = read_text_file(args.file, what="draft", max_chars=MAX_DRAFT_CHARS, encoding=args.encoding)
    brief = None
    if args.brief:
        brief = read_text_file(args.brief, what="brief", max_chars=MAX_BRIEF_CHARS, encoding=args.encoding)
    report = check_draft(text, brief=brief, model=args.model, lang=args.lang, lexicon=args.lexicon or None)
    if args.json:
        print_json(report.as_dict())
    else:
        source = "standard input" if args.file == "-" else args.file
        sys.stdout.write(report.render(color=_use_color(args.color), source=source))
        sys.stdout.flush()
    failed = report.failed(conditions)
    if failed:
        print(f"authenticity check: failed: {'; '.join(failed)}", file=sys.stderr)
        return 1
    return 0
