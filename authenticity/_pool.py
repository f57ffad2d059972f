"""Worker processes for scoring a file: how many, and the fork server they start from.

Imports nothing heavy (no NumPy, no model), so that the command line can
start the fork server a fifth of a second after launch, while it loads the
rest.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["BATCH", "plan_jobs", "start_worker_server"]

BATCH = 2_000  # posts a worker scores at a time


def plan_jobs(path: str | os.PathLike[str], jobs: int | None, chunk_size: int = 20_000) -> int:
    """Worker processes for scoring ``path``: ``jobs``, or all cores, or 1 when the input is a single batch."""
    if jobs is not None:
        return max(1, jobs)
    jobs = os.cpu_count() or 1
    batch = max(200, min(BATCH, chunk_size))
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
