"""Options and helpers shared by the verbs."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

__all__ = ["add_input_options", "add_model_option", "note", "print_json", "stderr_is_tty"]


def add_input_options(p: argparse.ArgumentParser, *, text_col: bool = True) -> None:
    if text_col:
        p.add_argument("--text-col", metavar="C", help="the text column (default: auto-detected: text, "
                       "content, 正文, 内容, note …)")
    p.add_argument("--encoding", metavar="E", help="input text encoding, e.g. big5 or cp1252 (default: detected: "
                   "UTF-8, UTF-16, GB18030/GBK)")
    p.add_argument("--sheet", metavar="NAME", help="Excel sheet to read, by name or number from 0 (default: the "
                   "first)")
    p.add_argument("--skip-bad-lines", action="store_true", help="skip malformed CSV/JSONL lines with a warning "
                   "instead of stopping")


def add_model_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", "-m", metavar="MODEL", help="model file (default: the shipped default model)")


def _default(o: Any) -> Any:
    import numpy as np

    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    if hasattr(o, "as_dict"):
        return o.as_dict()
    raise TypeError(f"not JSON serializable: {type(o).__name__}")


def _clean(o: Any) -> Any:
    if isinstance(o, float) and o != o:
        return None
    if isinstance(o, dict):
        return {str(k): _clean(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [_clean(v) for v in o]
    return o


def print_json(obj: Any) -> None:
    """Print one JSON object on stdout (NaN becomes null)."""
    sys.stdout.write(json.dumps(_clean(obj), ensure_ascii=False, default=_default, indent=2) + "\n")


def stderr_is_tty() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def note(msg: str, quiet: bool = False) -> None:
    if not quiet:
        print(msg, file=sys.stderr)
