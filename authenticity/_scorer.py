"""Scoring a batch of values: what a scoring worker process runs.

Kept free of pandas (and of anything else a worker does not need), so that
the fork server that starts the workers loads quickly; :mod:`authenticity.scoring`
builds files and data frames around it.
"""

from __future__ import annotations

import gc
import math
import signal
import sys
from collections.abc import Sequence
from typing import Any

from ._constants import MAX_CHARS
from .model import Model
from .normalize import normalize_batch
from .tokenize import detect_langs

__all__ = ["MAX_CHARS", "NA_STRINGS", "row_status", "score_texts", "warm_up"]

#: how spreadsheets and data tools write a missing value; a cell holding only one of these is ``empty``
NA_STRINGS = frozenset({"nan", "-nan", "null", "none", "nil", "na", "n/a", "#n/a", "<na>", "nat", "#value!",
                        "#ref!", "#div/0!", "#name?", "#null!", "#num!"})


def row_status(value: object) -> str:
    """Why a value cannot be scored, or ``"ok"``."""
    if value is None:
        return "empty"
    pd = sys.modules.get("pandas")  # pd.NA and pd.NaT only exist where pandas is loaded
    if pd is not None and (value is pd.NA or value is pd.NaT):
        return "empty"
    if isinstance(value, float) and math.isnan(value):
        return "empty"
    if not isinstance(value, str):
        return "not_text"
    s = value.strip()
    if not s or (len(s) <= 7 and s.lower() in NA_STRINGS):
        return "empty"
    if len(value) > MAX_CHARS:
        return "too_long"
    if not any(ch.isalpha() or ord(ch) >= 0x2190 for ch in s):
        return "not_text"
    return "ok"


def score_texts(model: Model, values: Sequence[object], reasons: int = 0) -> dict[str, list[Any]]:
    """Score a list of values; returns the output columns as lists, aligned with ``values``."""
    status = [row_status(v) for v in values]
    ok = [i for i, s in enumerate(status) if s == "ok"]
    p_out: list[float | None] = [None] * len(values)
    label_out: list[str | None] = [None] * len(values)
    lang_out: list[str | None] = [None] * len(values)
    reasons_out: list[str | None] = [None] * len(values)
    if ok:
        texts = normalize_batch([values[i] for i in ok])  # type: ignore[misc]
        p = model.proba_normalized(texts).tolist()
        langs = detect_langs(texts)
        for j, i in enumerate(ok):
            pj = p[j]
            p_out[i] = round(pj, 4)
            label_out[i] = model.label_of(pj)
            lang_out[i] = langs[j]
        if reasons > 0:
            for i in ok:
                e = model.explain(values[i])  # type: ignore[arg-type]
                direction = "scripted" if e.label == "scripted" else "authentic"
                items = [ph.text for ph in e.top_phrases(reasons, direction)]
                items += [s.name for s in e.top_signals(max(1, reasons // 2), direction)]
                reasons_out[i] = "; ".join(items[: reasons + 1])
    out: dict[str, list[Any]] = {"p_scripted": p_out, "label": label_out, "lang": lang_out, "status": status}
    if reasons > 0:
        out["reasons"] = reasons_out
    return out


_WORKER_MODEL: Model | None = None


def warm_up() -> None:
    """Load what scoring a large batch needs (segmenter dictionary, compiled kernels) ahead of the first batch."""
    from . import _kernels
    from .normalize import _digit_table
    from .signals import _literal_table
    from .tokenize import char_kinds, cut_chinese

    cut_chinese("预热")
    if _kernels.available():
        _kernels.warm_up()
        _literal_table()
        char_kinds()
        _digit_table()


def _init_worker(model: Model) -> None:
    global _WORKER_MODEL
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _WORKER_MODEL = model
    # A worker makes many short-lived lists and few cycles: keep the model and the loaded modules out of the
    # collector's scans and let it run less often (about 2% faster).
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)


def _work(values: list[object], reasons: int) -> dict[str, list[Any]]:
    assert _WORKER_MODEL is not None
    return score_texts(_WORKER_MODEL, values, reasons)
