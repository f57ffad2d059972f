"""``authenticity score``: score a file of posts, every row back in order."""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys

from .._constants import MAX_CHARS, numba_wanted
from .._pool import _estimate_rows, plan_jobs, start_worker_server
from ..errors import InputError
from .common import add_input_options, add_model_option, note, stderr_is_tty


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "score", help="score posts from a file",
        description="Score posts from a file. Every input row comes back, in input order, with its columns "
        "and p_scripted, label, lang and status (ok, empty, not_text, too_long). The file is streamed in "
        f"chunks on all cores; posts over {MAX_CHARS:,} characters get status too_long.",
    )
    p.add_argument("data", metavar="DATA", help="posts (.csv .tsv .jsonl .json .parquet .xlsx, or - for CSV on stdin)")
    p.add_argument("-o", "--output", metavar="OUT", help="output file; format from its extension (default: CSV "
                   "to stdout)")
    add_model_option(p)
    add_input_options(p)
    p.add_argument("--jobs", "-j", type=int, default=None, metavar="N", help="worker processes (default: all cores)")
    p.add_argument("--chunk-size", type=int, default=20_000, metavar="N", help="rows read at a time (default 20000)")
    p.add_argument("--reasons", type=int, default=0, metavar="K", help="add a 'reasons' column with the top K "
                   "phrases and signals (slower)")
    p.add_argument("--force", action="store_true", help="overwrite an existing output file")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar or summary")
    p.add_argument("--engine", choices=("local", "dask"), default="local", help="local processes (default) or "
                   "a Dask cluster (pip install 'authenticity[dask]')")
    p.add_argument("--scheduler", metavar="ADDRESS", help="with --engine dask: an existing scheduler "
                   "(default: a local cluster)")
    p.add_argument("--partitions", type=int, metavar="N", help="with --engine dask: number of partitions")
    p.set_defaults(run=run)


#: inputs above this many rows get a hint to install the compiled kernels when numba is missing
FAST_HINT_ROWS = 10_000


def fast_hint(path: str) -> str | None:
    """A one-line hint for a large input scored without the compiled kernels because numba is not installed."""
    if path == "-" or importlib.util.find_spec("numba") is not None:
        return None
    rows = _estimate_rows(path, stop_after=FAST_HINT_ROWS)
    if rows is None or rows <= FAST_HINT_ROWS:
        return None
    return ("note: numba is not installed; pip install 'authenticity[fast]' scores large files about twice as fast "
            "(same scores)")


def run(args: argparse.Namespace) -> int:
    if args.jobs is not None and args.jobs < 1:
        raise InputError(f"--jobs must be at least 1, got {args.jobs}")
    if args.chunk_size < 1:
        raise InputError(f"--chunk-size must be at least 1, got {args.chunk_size}")
    if args.reasons < 0:
        raise InputError(f"--reasons must be 0 or more, got {args.reasons}")
    if args.engine == "local" and (args.scheduler or args.partitions):
        raise InputError("--scheduler and --partitions need --engine dask")
    if not args.output and args.engine == "dask":
        raise InputError("--engine dask needs an output file (-o OUT)")
    jobs = args.jobs
    if args.engine == "local":
        jobs = plan_jobs(args.data, args.jobs, args.chunk_size)
        start_worker_server(jobs)  # the workers' fork server loads while this process imports and reads the model
    if not args.quiet and numba_wanted():
        hint = fast_hint(args.data)
        if hint:
            note(hint)
    from ..io import check_output
    from ..persist import resolve_model
    from ..scoring import score_file

    if args.output:
        check_output(args.output, [args.data], force=args.force)
    model = resolve_model(args.model)
    if args.engine == "dask":
        from ..dask import score_file_dask

        summary = score_file_dask(args.data, args.output, model=model, text_col=args.text_col,
                                  scheduler=args.scheduler, partitions=args.partitions, reasons=args.reasons,
                                  encoding=args.encoding, sheet=args.sheet, skip_bad_lines=args.skip_bad_lines)
    else:
        summary = score_file(
            args.data, args.output, model=model, text_col=args.text_col, jobs=jobs, chunk_size=args.chunk_size,
            reasons=args.reasons, encoding=args.encoding, sheet=args.sheet, skip_bad_lines=args.skip_bad_lines,
            progress=stderr_is_tty() and not args.quiet,
        )
    if args.output and not args.quiet:
        other = ", ".join(f"{n:,} {s}" for s, n in sorted((summary.statuses or {}).items()) if s != "ok")
        note(f"scored {summary.scored:,} of {summary.rows:,} rows ({summary.scripted:,} scripted"
             + (f"; not scored: {other}" if other else "") + f") in {summary.seconds:.1f}s"
             f" → {os.fspath(args.output)}")
    sys.stdout.flush()
    return 0
