"""Scoring on a Dask cluster: ``pip install 'authenticity[dask]'``.

Two entry points, both built on :func:`authenticity.scoring.score_frame`, the
one per-partition function local scoring uses, so the scores are identical:

- :func:`score` takes and returns a ``dask.dataframe.DataFrame`` (lazy): every
  partition gets the output columns, rows and columns kept, in order.
- :func:`score_file_dask` is ``authenticity score --engine dask``: the file is
  read on this machine by the same reader as local scoring, sent to the
  workers partition by partition, and the scored partitions come back in input
  order to one output file (atomically) or to a directory of Parquet
  partitions (``out.parquet/``). Memory stays bounded: only a few partitions
  per worker are in flight.

The model goes to each worker once (``client.scatter(model, broadcast=True)``;
without a distributed client, a single graph key), never once per partition.
"""

from __future__ import annotations

import contextlib
import io
import logging
import math
import os
import shutil
import sys
import time
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from .errors import InputError, OutputError
from .model import Model
from .scoring import ScoreSummary, output_name, score_frame

if TYPE_CHECKING:
    import dask.dataframe as dd
    from distributed import Client

__all__ = ["PARTITION_ROWS", "score", "score_file_dask"]

#: rows per partition when ``partitions`` is not given (a few seconds of work each)
PARTITION_ROWS = 5_000
_CONNECT_TIMEOUT = "10s"
_INSTALL = "pip install 'authenticity[dask]'"


def _need_dask(distributed: bool = False) -> None:
    try:
        import dask.dataframe  # noqa: F401

        if distributed:
            import distributed as _  # noqa: F401
    except ImportError as exc:
        raise InputError(f"the Dask engine needs Dask ({exc.name} is not installed): {_INSTALL}") from None


def _score_partition(df: pd.DataFrame, text_col: str, model: Model, reasons: int) -> pd.DataFrame:
    """Score one partition with :func:`score_frame`; a non-object text column is scored as plain Python values.

    Dask turns text columns into Arrow strings, whose missing values are
    ``pd.NA``; they are handed to the scorer as ``None`` (status ``empty``,
    as in local scoring) and the original column is put back unchanged.
    """
    values = df[text_col]
    if values.dtype == object:
        return score_frame(df, text_col, model, reasons)
    plain = df.copy(deep=False)
    plain[text_col] = values.astype(object).where(values.notna(), None)
    out = score_frame(plain, text_col, model, reasons)
    out[text_col] = values
    return out


def _distributed_client() -> Client | None:
    try:
        from distributed import default_client
    except ImportError:
        return None
    try:
        return default_client()
    except ValueError:
        return None


def score(ddf: dd.DataFrame, model: Model | str | os.PathLike[str] | None = None, *, text_col: str | None = None,
          reasons: int = 0) -> dd.DataFrame:
    """Score a Dask DataFrame lazily: every partition gets ``p_scripted``, ``label``, ``lang`` and ``status``.

    Rows, their order, the index and every input column are kept; an output
    column whose name the input already uses gets the ``scored_`` prefix, as in
    local scoring. With a distributed client active, the model is scattered to
    every worker once; otherwise it is a single key of the graph.

    >>> import dask.dataframe as dd  # doctest: +SKIP
    >>> scored = score(dd.read_parquet("posts/"), text_col="text")  # doctest: +SKIP
    >>> scored.to_parquet("scored/")  # doctest: +SKIP
    """
    _need_dask()
    import dask
    import dask.dataframe as dd

    from .io import find_column
    from .persist import resolve_model

    if not isinstance(ddf, dd.DataFrame):
        hint = " (for a pandas DataFrame use authenticity.scoring.score)" if isinstance(ddf, pd.DataFrame) else ""
        raise InputError(f"score() expects a dask.dataframe.DataFrame, got {type(ddf).__name__}{hint}")
    if reasons < 0:
        raise InputError(f"reasons must be 0 or more, got {reasons}")
    m = resolve_model(model)
    meta = ddf._meta
    col = find_column(meta, text_col)
    out_meta = _score_partition(meta, col, m, reasons)
    client = _distributed_client()
    handle: Any = client.scatter(m, broadcast=True, hash=False) if client is not None else dask.delayed(m)
    return ddf.map_partitions(_score_partition, col, handle, reasons, meta=out_meta, align_dataframes=False)


# -- file scoring ---------------------------------------------------------------------


@contextlib.contextmanager
def _connect(scheduler: str | None) -> Iterator[Client]:
    """A client of the scheduler at ``scheduler``, or of a new local cluster sized to this machine."""
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout=_CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as exc:
            first = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
            raise InputError(
                f"cannot connect to the Dask scheduler at {scheduler} ({first}); check the address "
                "(e.g. tcp://HOST:8786) or leave out --scheduler to use a local cluster"
            ) from None
        with client:
            yield client
        return
    workers = os.cpu_count() or 1
    with (
        LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                     dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR) as cluster,
        Client(cluster) as client,
    ):
        yield client


def _count_rows(path: str | os.PathLike[str], encoding: str | None, **read: Any) -> int | None:
    """Exact row count of a Parquet or text table (one quick parsing pass), or None for other inputs."""
    from ._pool import _estimate_rows
    from .io import format_of, iter_table

    if str(path) == "-":
        return None
    fmt = format_of(path)
    if fmt == "parquet":
        return _estimate_rows(path)
    if fmt in ("csv", "tsv", "jsonl"):  # newlines overcount: posts hold line breaks
        # the scoring pass reports skipped lines; this counting pass keeps quiet so each is reported once
        with contextlib.redirect_stderr(io.StringIO()):
            return sum(len(c) for c in iter_table(path, chunksize=100_000, encoding=encoding, **read))
    return None


def _chunks(path: str | os.PathLike[str], encoding: str | None, partitions: int | None,
            **read: Any) -> Iterator[pd.DataFrame]:
    """The input in partitions: ``partitions`` of them, else :data:`PARTITION_ROWS` rows each.

    ``read`` goes to the reader (``sheet``, ``skip_bad_lines``).
    """
    from .io import iter_table, read_table

    if partitions is None:
        yield from iter_table(path, chunksize=PARTITION_ROWS, encoding=encoding, **read)
        return
    rows = _count_rows(path, encoding, **read)
    if rows is not None:
        yield from iter_table(path, chunksize=max(1, math.ceil(rows / partitions)), encoding=encoding, **read)
        return
    df = read_table(path, encoding=encoding, **read)  # .json, .xlsx, stdin: read whole anyway
    size = max(1, math.ceil(len(df) / partitions))
    for start in range(0, max(len(df), 1), size):
        yield df.iloc[start : start + size]


def _is_directory_output(out: str | os.PathLike[str]) -> bool:
    s = os.fspath(out)
    return s.endswith(("/", os.sep)) or Path(s).is_dir()


class _PartsWriter:
    """Parquet partitions ``part.000000.parquet`` … in a directory that appears only when complete.

    Every part has the schema of the first (columns that are all null there
    become strings), so the directory reads back as one table.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
        self._schema: Any = None
        self._n = 0
        self.rows = 0

    def __enter__(self) -> _PartsWriter:
        if self.path.exists():
            raise OutputError(f"{self.path} already exists; remove it or choose another output directory")
        if not self.path.parent.exists():
            raise OutputError(f"output directory {self.path.parent} does not exist; create it first")
        shutil.rmtree(self._tmp, ignore_errors=True)
        self._tmp.mkdir()
        return self

    def write(self, df: pd.DataFrame) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(df, preserve_index=False)
        if self._schema is None:
            fields = [pa.field(f.name, pa.string()) if pa.types.is_null(f.type) else f for f in table.schema]
            self._schema = pa.schema(fields, metadata=table.schema.metadata)
        try:
            table = table.cast(self._schema, safe=False)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, ValueError) as exc:
            raise OutputError(f"cannot write {self.path}: a column changes type between partitions "
                              f"({str(exc).splitlines()[0][:160]}); write a single file instead") from None
        pq.write_table(table, self._tmp / f"part.{self._n:06d}.parquet")
        self._n += 1
        self.rows += len(df)

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            return
        try:
            if self._n == 0:
                pd.DataFrame().to_parquet(self._tmp / "part.000000.parquet")
            os.replace(self._tmp, self.path)
        except OSError as e:
            shutil.rmtree(self._tmp, ignore_errors=True)
            raise OutputError(f"cannot write {self.path}: {e.strerror or e}") from None


def score_file_dask(
    path: str | os.PathLike[str],
    out: str | os.PathLike[str] | None,
    *,
    model: Model,
    text_col: str | None = None,
    scheduler: str | None = None,
    partitions: int | None = None,
    reasons: int = 0,
    encoding: str | None = None,
    sheet: str | None = None,
    skip_bad_lines: bool = False,
) -> ScoreSummary:
    """Score a file on a Dask cluster; write ``out`` (a file, or a directory of Parquet partitions).

    ``scheduler`` is the address of an existing scheduler; without it a local
    cluster with one single-threaded worker process per core is started and
    stopped. ``partitions`` cuts the input into (at most) that many equal
    partitions, which for a text file costs one quick extra parsing pass to
    count the rows; by default partitions have :data:`PARTITION_ROWS` rows.
    ``out`` ending in ``/`` (or an existing directory) is a directory of
    Parquet partitions ``part.000000.parquet`` … in input order; otherwise one
    file in the format of its extension. Either appears
    only when complete. The output is the same as local scoring's.
    """
    from .io import TableWriter, find_column

    if out is None or str(out) == "-":
        raise InputError("--engine dask needs an output file (-o OUT)")
    if partitions is not None and partitions < 1:
        raise InputError(f"--partitions must be at least 1, got {partitions}")
    if reasons < 0:
        raise InputError(f"--reasons must be 0 or more, got {reasons}")
    _need_dask(distributed=True)
    to_dir = _is_directory_output(out)
    writer: Any = _PartsWriter(Path(out)) if to_dir else TableWriter(out)
    summary = ScoreSummary(statuses={})
    statuses: dict[str, int] = {}
    names: dict[str, str] = {}
    resolved: dict[str, str] = {}
    t0 = time.perf_counter()

    def text_col_of(df: pd.DataFrame) -> str:
        if "col" not in resolved:
            resolved["col"] = find_column(df, text_col, source=str(path))
        if resolved["col"] not in df.columns:
            raise InputError(f"{path}: column '{resolved['col']}' is missing from part of the file")
        return resolved["col"]

    def emit(part: pd.DataFrame) -> None:
        writer.write(part)
        summary.rows += len(part)
        for s, n in part[names["status"]].value_counts().items():
            statuses[str(s)] = statuses.get(str(s), 0) + int(n)
        summary.scripted += int((part[names["label"]] == "scripted").sum())

    with writer, _connect(scheduler) as client:
        model_future = client.scatter(model, broadcast=True, hash=False)
        window = max(2, 2 * sum(client.nthreads().values()))
        queue: deque[Any] = deque()
        try:
            for chunk in _chunks(path, encoding, partitions, sheet=sheet, skip_bad_lines=skip_bad_lines):
                col = text_col_of(chunk)
                if len(chunk) == 0:
                    continue
                if not names:
                    cols = ["p_scripted", "label", "lang", "status"] + (["reasons"] if reasons > 0 else [])
                    names.update({n: output_name(n, chunk.columns) for n in cols})
                    renamed = [f"'{n}' as '{v}'" for n, v in names.items() if n != v]
                    if renamed:
                        print(f"note: the input already has these columns; writing {', '.join(renamed)}",
                              file=sys.stderr)
                data = client.scatter(chunk, hash=False)
                queue.append(client.submit(_score_partition, data, col, model_future, reasons, pure=False))
                while len(queue) >= window:
                    emit(queue.popleft().result())
            while queue:
                emit(queue.popleft().result())
        except BaseException:
            for fut in queue:
                fut.cancel()
            raise
    summary.statuses = statuses
    summary.scored = statuses.get("ok", 0)
    summary.seconds = time.perf_counter() - t0
    return summary
