"""Batch scoring: every row back, in order, with ``p_scripted``, ``label``, ``lang`` and ``status``.

:func:`score_frame` is the one per-partition function: local scoring, the
multi-process file scorer and the Dask engine all call it, so they give
identical results. :func:`score_file` streams a file of any size through it
in chunks on all cores, with bounded memory, and writes atomically.

Row statuses: ``ok``; ``empty`` (missing, blank, or a spreadsheet's
missing-value marker such as ``NaN``, ``null``, ``#N/A``); ``not_text`` (a number,
date, boolean or other non-string value, or a string with no letters or
emoji, such as ``12345``); ``too_long`` (over :data:`MAX_CHARS` characters).
Rows that are not ``ok`` keep their columns and get no score.
"""

from __future__ import annotations

import os
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ._pool import BATCH, _estimate_rows, plan_jobs, start_worker_server
from ._scorer import MAX_CHARS, NA_STRINGS, _init_worker, _work, row_status, score_texts
from .errors import InputError
from .model import Model

__all__ = [
    "MAX_CHARS",
    "NA_STRINGS",
    "OUTPUT_COLUMNS",
    "row_status",
    "output_name",
    "score_texts",
    "score_frame",
    "score",
    "score_file",
    "ScoreSummary",
]

OUTPUT_COLUMNS = ("p_scripted", "label", "lang", "status")


def output_name(name: str, columns: Sequence[object]) -> str:
    """The name an output column gets: ``name``, or ``scored_<name>`` when the input already has ``name``."""
    existing = {str(c) for c in columns}
    out = name
    while out in existing:
        out = f"scored_{out}"
    return out


def _attach(df: pd.DataFrame, cols: dict[str, list[Any]], names: dict[str, str]) -> pd.DataFrame:
    out = df.copy()
    for name, values in cols.items():
        out[names[name]] = pd.Series(values, index=df.index, dtype="float64" if name == "p_scripted" else "object")
    return out


def score_frame(df: pd.DataFrame, text_col: str, model: Model, reasons: int = 0) -> pd.DataFrame:
    """Return ``df`` with the output columns added, rows in order; input columns are never replaced.

    An output column whose name the input already uses (``label`` in labeled
    data, say) is named ``scored_<name>`` instead.
    """
    cols = score_texts(model, df[text_col].tolist(), reasons)
    return _attach(df, cols, {n: output_name(n, df.columns) for n in cols})


def score(data: pd.DataFrame | Sequence[str], model: Model | str | os.PathLike[str] | None = None, *,
          text_col: str | None = None, reasons: int = 0) -> pd.DataFrame:
    """Score posts for a notebook: a list of texts or a DataFrame in, a DataFrame out.

    >>> score(["姐妹们冲！链接在评论区", "用了两周，干皮，有点黏"])  # doctest: +SKIP
    """
    from .io import find_column
    from .persist import resolve_model

    m = resolve_model(model)
    if isinstance(data, str):
        raise InputError("score() expects a list of posts or a DataFrame, got one string; wrap it: [text]")
    if isinstance(data, pd.DataFrame):
        col = find_column(data, text_col)
        return score_frame(data, col, m, reasons)
    return score_frame(pd.DataFrame({"text": list(data)}), "text", m, reasons)


# -- multi-process file scoring -------------------------------------------------------

@dataclass
class ScoreSummary:
    """What a file-scoring run did."""

    rows: int = 0
    scored: int = 0
    scripted: int = 0
    statuses: dict[str, int] | None = None
    seconds: float = 0.0

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0


class _Progress:
    def __init__(self, enabled: bool, total: int | None) -> None:
        self.enabled = enabled
        self.total = total
        self.t0 = time.perf_counter()
        self.last = 0.0

    def update(self, done: int, final: bool = False) -> None:
        if not self.enabled:
            return
        now = time.perf_counter()
        if not final and now - self.last < 0.2:
            return
        self.last = now
        rate = done / max(now - self.t0, 1e-9)
        msg = f"\rscored {done:,} rows · {rate:,.0f} rows/s"
        if self.total and rate > 0 and not final:
            left = max(self.total - done, 0) / rate
            msg += f" · {done / self.total:.0%} · {int(left // 60)}:{int(left % 60):02d} left"
        sys.stderr.write(msg + ("\n" if final else "   "))
        sys.stderr.flush()


def _batches(chunks: Iterator[pd.DataFrame], text_col_of: Callable[[pd.DataFrame], str],
             batch: int) -> Iterator[tuple[pd.DataFrame, str, int, int]]:
    for chunk in chunks:
        col = text_col_of(chunk)
        if len(chunk) == 0:  # a header without rows: the output gets the header and the output columns
            yield chunk, col, 0, 0
        for start in range(0, len(chunk), batch):
            yield chunk, col, start, min(start + batch, len(chunk))


def score_file(
    path: str | os.PathLike[str],
    out: str | os.PathLike[str] | None,
    *,
    model: Model,
    text_col: str | None = None,
    jobs: int | None = None,
    chunk_size: int = 20_000,
    reasons: int = 0,
    encoding: str | None = None,
    sheet: str | None = None,
    skip_bad_lines: bool = False,
    progress: bool = False,
    stdout: Any = None,
) -> ScoreSummary:
    """Score a file chunk by chunk on ``jobs`` processes; write ``out`` atomically (CSV to stdout if None)."""
    from .io import TableWriter, find_column, iter_table

    batch = max(200, min(BATCH, chunk_size))
    jobs = plan_jobs(path, jobs, chunk_size)
    chunks = iter_table(path, chunksize=chunk_size, encoding=encoding, sheet=sheet, skip_bad_lines=skip_bad_lines)
    resolved: dict[str, str] = {}

    def text_col_of(df: pd.DataFrame) -> str:
        if "col" not in resolved:
            resolved["col"] = find_column(df, text_col, source=str(path))
        if resolved["col"] not in df.columns:
            raise InputError(f"{path}: column '{resolved['col']}' is missing from part of the file")
        return resolved["col"]

    summary = ScoreSummary(statuses={})
    bar = _Progress(progress, _estimate_rows(path) if progress and str(path) != "-" else None)
    t0 = time.perf_counter()

    names: dict[str, str] = {}

    def emit(writer: TableWriter, chunk: pd.DataFrame, start: int, end: int, cols: dict[str, list[Any]]) -> None:
        if not names:
            names.update({n: output_name(n, chunk.columns) for n in cols})
            renamed = [f"'{n}' as '{v}'" for n, v in names.items() if n != v]
            if renamed and progress is not None:
                print(f"note: the input already has these columns; writing {', '.join(renamed)}", file=sys.stderr)
        part = _attach(chunk.iloc[start:end], cols, names)
        writer.write(part)
        summary.rows += len(part)
        for s in cols["status"]:
            summary.statuses[s] = summary.statuses.get(s, 0) + 1  # type: ignore[index]
        summary.scripted += sum(1 for lab in cols["label"] if lab == "scripted")
        bar.update(summary.rows)

    with TableWriter(out, stdout=stdout) as writer:
        if jobs == 1:
            for chunk, col, start, end in _batches(chunks, text_col_of, batch):
                emit(writer, chunk, start, end, score_texts(model, chunk[col].iloc[start:end].tolist(), reasons))
        else:
            import multiprocessing as mp

            ctx = mp.get_context("forkserver" if sys.platform != "win32" else "spawn")
            start_worker_server(jobs)  # a no-op when the CLI has started it already
            queue: deque[tuple[Future[dict[str, list[Any]]], pd.DataFrame, int, int]] = deque()
            with ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_init_worker, initargs=(model,)) as ex:
                try:
                    for chunk, col, start, end in _batches(chunks, text_col_of, batch):
                        values = chunk[col].iloc[start:end].tolist()
                        queue.append((ex.submit(_work, values, reasons), chunk, start, end))
                        while len(queue) >= 2 * jobs:
                            fut, c, s, e = queue.popleft()
                            emit(writer, c, s, e, fut.result())
                    while queue:
                        fut, c, s, e = queue.popleft()
                        emit(writer, c, s, e, fut.result())
                except BaseException:
                    for fut, *_ in queue:
                        fut.cancel()
                    ex.shutdown(wait=False, cancel_futures=True)
                    raise
        if not names:
            raise InputError(f"{path} has no rows and no columns")
    summary.seconds = time.perf_counter() - t0
    summary.scored = summary.statuses.get("ok", 0)  # type: ignore[union-attr]
    bar.update(summary.rows, final=True)
    return summary
