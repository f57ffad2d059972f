"""Scoring a batch of values: what a scoring worker process runs.

Kept free of pandas (and of anything else a worker does not need), so that
the fork server that starts the workers loads quickly; :mod:`authenticity.scoring`
builds files and data frames around it.
"""

from __future__ import annotations

import gc
import math
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .model import Model
from .normalize import normalize
from .tokenize import detect_langs

__all__ = ["MAX_CHARS", "NA_STRINGS", "plan_jobs", "row_status", "score_texts", "start_worker_server", "warm_up"]

_BATCH = 2_000  # posts a worker scores at a time

MAX_CHARS = 100_000
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
        texts = list(map(normalize, [values[i] for i in ok]))  # type: ignore[arg-type]
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
    from .signals import _literal_table
    from .tokenize import cut_chinese

    cut_chinese("预热")
    if _kernels.available():
        _kernels.warm_up()
        _literal_table()


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


def plan_jobs(path: str | os.PathLike[str], jobs: int | None, chunk_size: int = 20_000) -> int:
    """Worker processes for scoring ``path``: ``jobs``, or all cores, or 1 when the input is a single batch."""
    if jobs is not None:
        return max(1, jobs)
    jobs = os.cpu_count() or 1
    batch = max(200, min(_BATCH, chunk_size))
    rows = _estimate_rows(path, stop_after=batch + 1) if jobs > 1 and str(path) != "-" else None
    if rows is not None and rows <= batch:
        return 1  # one batch: starting workers would cost more than it saves
    return jobs


def start_worker_server(jobs: int) -> None:
    """Start the fork server that scoring workers come from, if ``jobs > 1``.

    It loads the segmenter and the compiled kernels (about a second) while
    this process is still loading the model and reading the first rows.
    """
    if jobs <= 1 or sys.platform == "win32":
        return
    import multiprocessing as mp
    from multiprocessing import forkserver

    mp.get_context("forkserver").set_forkserver_preload(["authenticity._worker"])
    forkserver.ensure_running()


def _estimate_rows(path: str | os.PathLike[str], stop_after: int | None = None) -> int | None:
    """Row count for the progress bar: Parquet metadata, or newlines in a text file.

    With ``stop_after``, counting may stop once the count exceeds it (the answer is then only "more").
    """
    p = Path(path)
    try:
        if p.suffix.lower() in (".parquet", ".pq"):
            import pyarrow.parquet as pq

            return int(pq.ParquetFile(p).metadata.num_rows)
        if p.suffix.lower() in (".csv", ".tsv", ".txt", ".jsonl", ".ndjson") and p.stat().st_size < (8 << 30):
            n = 0
            with open(p, "rb") as fh:
                while block := fh.read(1 << 24):
                    n += block.count(b"\n")
                    if stop_after is not None and n > stop_after + 1:
                        break
            return max(n - (0 if p.suffix.lower() in (".jsonl", ".ndjson") else 1), 0)
    except OSError:
        return None
    return None
