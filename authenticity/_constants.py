"""Constants the command line needs before it loads anything heavy, so that it starts quickly."""

from __future__ import annotations

import os

__all__ = ["MAX_CHARS", "MODEL_SUFFIX", "numba_wanted"]

#: the file name ending of a model file
MODEL_SUFFIX = ".authm"
#: posts longer than this get status ``too_long`` instead of a score
MAX_CHARS = 100_000


def numba_wanted() -> bool:
    """False when the compiled kernels are turned off with ``AUTHENTICITY_NUMBA=0`` (or false, no, off)."""
    return os.environ.get("AUTHENTICITY_NUMBA", "1").strip().lower() not in ("0", "false", "no", "off")
