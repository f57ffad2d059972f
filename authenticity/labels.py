"""Label names and their accepted synonyms.

A model always predicts ``authentic`` (0) or ``scripted`` (1). Training and
evaluation files may spell labels in any of the ``SYNONYMS`` below (case and
surrounding spaces ignored); anything else is refused with the list of
unknown values.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from .errors import LabelError

__all__ = ["LABELS", "SYNONYMS", "parse_labels"]

LABELS: tuple[str, str] = ("authentic", "scripted")

_AUTHENTIC = (
    "authentic", "0", "0.0", "false", "organic", "real", "genuine", "truthful", "human", "normal",
    "not_ad", "non-ad", "no", "negative", "真实", "真實", "原创", "自然", "非广告", "正常",
)
_SCRIPTED = (
    "scripted", "1", "1.0", "true", "sponsored", "fake", "ad", "ads", "advert", "advertorial",
    "deceptive", "paid", "promo", "promotional", "yes", "positive", "广告", "廣告", "软文", "軟文",
    "脚本", "种草文", "虚假",
)
SYNONYMS: dict[str, int] = {**{s: 0 for s in _AUTHENTIC}, **{s: 1 for s in _SCRIPTED}}


def parse_labels(values: Iterable[object], column: str = "label") -> np.ndarray:
    """Map label values to 0 (authentic) / 1 (scripted).

    Raises :class:`LabelError` naming the unknown values, or when a label is
    missing.
    """
    out = []
    unknown: dict[str, int] = {}
    missing = 0
    for v in values:
        if v is None or (isinstance(v, float) and v != v):
            missing += 1
            continue
        key = str(v).strip().lower()
        if isinstance(v, bool):
            key = str(int(v))
        code = SYNONYMS.get(key)
        if code is None:
            unknown[str(v)] = unknown.get(str(v), 0) + 1
        else:
            out.append(code)
    if missing:
        raise LabelError(
            f"{missing} row(s) have no value in label column '{column}'; fill or remove them."
        )
    if unknown:
        shown = ", ".join(repr(k) for k in list(unknown)[:5])
        raise LabelError(
            f"unknown label value(s) in column '{column}': {shown}; use authentic/scripted "
            "(or 0/1, organic/sponsored, real/fake, truthful/deceptive, 真实/广告)."
        )
    return np.asarray(out, dtype=np.int64)
