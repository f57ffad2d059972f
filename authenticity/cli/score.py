"""``authenticity score``."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("score", help="(not built yet)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..errors import InputError

    raise InputError("'score' is not available in this version yet")
