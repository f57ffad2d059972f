"""Constants the command line needs before it loads anything heavy, so that it starts quickly."""

from __future__ import annotations

__all__ = ["MAX_CHARS", "MODEL_SUFFIX"]

#: the file name ending of a model file
MODEL_SUFFIX = ".authm"
#: posts longer than this get status ``too_long`` instead of a score
MAX_CHARS = 100_000
