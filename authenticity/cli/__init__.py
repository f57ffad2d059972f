"""The ``authenticity`` command line: parsing, dispatch and error handling only.

Each verb lives in its own module with ``register(subparsers)`` and
``run(args) -> int``; the work is done by the library. Errors the user can
fix (:class:`~authenticity.errors.AuthenticityError`) become one line on
stderr and exit code 2; Ctrl-C exits 130, SIGTERM 143; a traceback appears
only with ``--debug``.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Sequence
from enum import IntEnum
from importlib import import_module

from ..errors import AuthenticityError

__all__ = ["ExitStatus", "build_parser", "main"]

VERBS = ("train", "evaluate", "score", "check", "audit", "serve")


class ExitStatus(IntEnum):
    OK = 0
    FOUND = 1
    USAGE = 2
    INTERRUPTED = 130
    TERMINATED = 143


class _Version(argparse.Action):
    """``--version``, reading the installed version only when asked."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: object,
                 option_string: str | None = None) -> None:
        from .. import __version__

        print(f"authenticity {__version__}")
        parser.exit()


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2
        self.exit(ExitStatus.USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


class Terminated(BaseException):
    """Raised in the main thread on SIGTERM so that cleanup code runs."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise Terminated()


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="authenticity",
        description="Tell raw consumer experience posts from scripted ad copy (Chinese and English), "
        "and audit over-controlled seeding briefs.",
    )
    parser.add_argument("--version", action=_Version, nargs=0, help="show the version and exit")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    sub = parser.add_subparsers(dest="verb", metavar="VERB", parser_class=_Parser)
    for verb in VERBS:
        import_module(f".{verb}", __name__).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.verb:
        parser.print_help(sys.stderr)
        return ExitStatus.USAGE
    previous = None
    try:
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    except ValueError:  # not in the main thread
        previous = None
    try:
        return int(args.run(args))
    except AuthenticityError as exc:
        if args.debug:
            raise
        print(f"authenticity {args.verb}: error: {exc}", file=sys.stderr)
        return ExitStatus.USAGE
    except KeyboardInterrupt:
        print(f"authenticity {args.verb}: interrupted", file=sys.stderr)
        return ExitStatus.INTERRUPTED
    except Terminated:
        print(f"authenticity {args.verb}: terminated", file=sys.stderr)
        return ExitStatus.TERMINATED
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return ExitStatus.OK
    except MemoryError:
        hint = "use a smaller --chunk-size" if args.verb == "score" else "give it less data"
        print(f"authenticity {args.verb}: error: out of memory; {hint}", file=sys.stderr)
        return ExitStatus.USAGE
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
