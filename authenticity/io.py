"""One reader and one atomic writer for every table format.

Formats, chosen by file extension: ``.csv .tsv .txt .jsonl .ndjson .json
.parquet .xlsx``; ``-`` reads CSV from standard input. Text encodings (for
the text formats): UTF-8 with or without BOM, UTF-16 (LE/BE, with or without
BOM) and GB18030 (which covers GBK and GB2312: Chinese Excel exports);
``encoding=`` forces one (e.g. ``big5``). Every value is read as text, so
output columns come back exactly as they went in.

Writing goes to a temporary file beside the target, renamed over it only
when complete: an interrupted run leaves no partial output. An output that
is the same file as an input is refused, and an existing output is kept
unless ``force=True``.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import json
import os
import re
import sys
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import pandas as pd

from .errors import InputError, OutputError

__all__ = [
    "READ_FORMATS",
    "TEXT_COLUMN_NAMES",
    "WRITE_FORMATS",
    "TableWriter",
    "check_output",
    "detect_encoding",
    "find_column",
    "format_of",
    "iter_table",
    "read_table",
    "read_text_file",
]

READ_FORMATS = {
    ".csv": "csv", ".tsv": "tsv", ".txt": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".json": "json", ".parquet": "parquet", ".pq": "parquet", ".xlsx": "xlsx", ".xlsm": "xlsx",
}
WRITE_FORMATS = {k: v for k, v in READ_FORMATS.items() if k not in (".txt", ".xlsm")}
TEXT_COLUMN_NAMES = (
    "text", "content", "正文", "内容", "內容", "note", "post", "body", "review", "review_text",
    "caption", "message", "comment", "描述", "文本", "笔记", "笔记内容", "评论", "评价", "desc",
    "description", "full_text", "tweet",
)
_SAMPLE = 1 << 16


def format_of(path: str | os.PathLike[str], *, write: bool = False) -> str:
    """The table format of ``path`` from its extension (``-`` is CSV)."""
    if str(path) == "-":
        return "csv"
    ext = Path(path).suffix.lower()
    table = WRITE_FORMATS if write else READ_FORMATS
    if ext not in table:
        kinds = " ".join(sorted(table))
        verb = "write" if write else "read"
        raise InputError(f"cannot {verb} '{ext or Path(path).name}' files: use one of {kinds}")
    return table[ext]


def _looks_utf16(head: bytes) -> str | None:
    if len(head) < 4:
        return None
    even = head[0::2]
    odd = head[1::2]
    z_even = even.count(0) / len(even)
    z_odd = odd.count(0) / len(odd)
    if z_odd > 0.3 and z_even < 0.05:
        return "utf-16-le"
    if z_even > 0.3 and z_odd < 0.05:
        return "utf-16-be"
    # Chinese text in UTF-16 has few NULs; use the line breaks instead.
    if head.count(b"\n\x00") >= 1 and head.count(b"\n\x00") == head.count(b"\n") and z_even < z_odd:
        return "utf-16-le"
    if head.count(b"\x00\n") >= 1 and head.count(b"\x00\n") == head.count(b"\n") and z_odd < z_even:
        return "utf-16-be"
    return None


def detect_encoding(path: str | os.PathLike[str], head: bytes | None = None) -> str:
    """Guess the text encoding of a file from its first 64 KiB.

    Returns a Python codec name; raises :class:`InputError` for binary files
    and anything that is not UTF-8, UTF-16 or GB18030.
    """
    if head is None:
        with open(path, "rb") as fh:
            head = fh.read(_SAMPLE)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    if b"\x00" in head:
        guess = _looks_utf16(head)
        if guess:
            return guess
        raise InputError(f"{path} looks like a binary file, not a text table")
    for enc in ("utf-8", "gb18030"):
        dec = codecs.getincrementaldecoder(enc)("strict")
        try:
            dec.decode(head, final=len(head) < _SAMPLE)
            return enc
        except UnicodeDecodeError:
            continue
    raise InputError(
        f"cannot decode {path}: it is not UTF-8, UTF-16 or GB18030/GBK; save it as UTF-8 "
        "or name its encoding with --encoding (e.g. --encoding big5)"
    )


def find_column(df: pd.DataFrame, wanted: str | None, *, kind: str = "text",
                candidates: Sequence[str] = TEXT_COLUMN_NAMES, source: str = "") -> str:
    """Resolve a column name: ``wanted`` if given, else the first common name found."""
    cols = [str(c) for c in df.columns]
    where = f" in {source}" if source else ""
    if wanted is not None:
        if wanted in cols:
            return wanted
        lowered = {c.lower().strip(): c for c in cols}
        if wanted.lower().strip() in lowered:
            return lowered[wanted.lower().strip()]
        raise InputError(
            f"no column '{wanted}'{where}; columns are: {', '.join(cols[:20]) or '(none)'}"
        )
    lowered = {c.lower().strip(): c for c in cols}
    for name in candidates:
        if name in lowered:
            return lowered[name]
    flag = "--text-col" if kind == "text" else f"--{kind}-col"
    raise InputError(
        f"cannot find the {kind} column{where}; columns are: {', '.join(cols[:20]) or '(none)'}; "
        f"name it with {flag}"
    )


def _dedupe_columns(cols: Sequence[object]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for c in cols:
        name = str(c)
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
            while name in seen:
                name += "_"
        seen.setdefault(name, 0)
        out.append(name)
    return out


_LINE_RE = re.compile(r"line (\d+)")


def _csv_error(path: Any, exc: Exception) -> InputError:
    msg = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
    msg = msg.replace("Error tokenizing data. C error: ", "")
    m = _LINE_RE.search(msg)
    hint = "fix it or pass --skip-bad-lines" if m else "check the delimiter and quoting"
    return InputError(f"{path}: malformed CSV ({msg}); {hint}")


def _csv_chunks(src: Any, label: Any, sep: str, encoding: str, chunksize: int | None,
                skip_bad_lines: bool) -> Iterator[pd.DataFrame]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            reader = pd.read_csv(
                src, sep=sep, encoding=encoding, dtype=str, keep_default_na=False, na_filter=False,
                chunksize=chunksize or 50_000, on_bad_lines="warn" if skip_bad_lines else "error",
                engine="c", encoding_errors="strict", skip_blank_lines=True,
            )
            for chunk in reader:
                for w in caught:
                    for line in str(w.message).strip().splitlines():
                        if line.strip():
                            print(f"warning: {label}: skipped malformed {line.strip()}", file=sys.stderr)
                caught.clear()
                chunk.columns = _dedupe_columns(chunk.columns)
                yield chunk
        except pd.errors.EmptyDataError:
            raise InputError(f"{label} is empty: no header row and no data") from None
        except pd.errors.ParserError as exc:
            raise _csv_error(label, exc) from None
        except UnicodeDecodeError as exc:
            raise InputError(
                f"cannot decode {label} as {encoding} (byte offset {exc.start}); save it as UTF-8 "
                "or name its encoding with --encoding"
            ) from None


def _jsonl_chunks(path: Any, encoding: str, chunksize: int, skip_bad_lines: bool) -> Iterator[pd.DataFrame]:
    rows: list[dict[str, Any]] = []
    try:
        fh = open(path, encoding=encoding, newline="")
    except OSError as exc:
        raise InputError(f"cannot open {path}: {exc.strerror}") from None
    with fh:
        try:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    rec = json.loads(line)
                    if not isinstance(rec, dict):
                        raise ValueError(f"a JSON {type(rec).__name__}, not an object")
                except ValueError as exc:
                    msg = f"{path}: line {n} is not a JSON object ({str(exc).splitlines()[0][:80]})"
                    if skip_bad_lines:
                        print(f"warning: {msg}; skipped", file=sys.stderr)
                        continue
                    raise InputError(f"{msg}; fix it or pass --skip-bad-lines") from None
                rows.append(rec)
                if len(rows) >= chunksize:
                    yield _records_frame(rows)
                    rows = []
        except UnicodeDecodeError as exc:
            raise InputError(f"cannot decode {path} as {encoding} (byte offset {exc.start})") from None
    if rows:
        yield _records_frame(rows)


def _records_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    df = pd.DataFrame.from_records(rows)
    df.columns = _dedupe_columns(df.columns)
    return df


def _json_frame(path: Any, encoding: str) -> pd.DataFrame:
    try:
        with open(path, encoding=encoding) as fh:
            data = json.load(fh)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: invalid JSON at line {exc.lineno} column {exc.colno} ({exc.msg})") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"cannot decode {path} as {encoding} (byte offset {exc.start})") from None
    if isinstance(data, dict):
        lists = [k for k, v in data.items() if isinstance(v, list)]
        if len(lists) == 1 and all(isinstance(r, dict) for r in data[lists[0]]):
            data = data[lists[0]]
        else:
            keys = ", ".join(list(data)[:5])
            raise InputError(
                f"{path}: expected a JSON list of records, got an object (keys: {keys}); "
                "use a list like [{\"text\": ...}, ...] or JSON Lines (.jsonl)"
            )
    if not isinstance(data, list):
        raise InputError(f"{path}: expected a JSON list of records, got a JSON {type(data).__name__}")
    bad = next((i for i, r in enumerate(data) if not isinstance(r, dict)), None)
    if bad is not None:
        raise InputError(f"{path}: record {bad + 1} is not a JSON object")
    return _records_frame(data) if data else pd.DataFrame()


def _parquet_chunks(path: Any, chunksize: int) -> Iterator[pd.DataFrame]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
        for batch in pf.iter_batches(batch_size=chunksize):
            df = pa.Table.from_batches([batch]).to_pandas()
            df.columns = _dedupe_columns(df.columns)
            yield df
        if pf.metadata.num_rows == 0:
            yield pf.schema_arrow.empty_table().to_pandas()
    except (pa.ArrowException, OSError) as exc:
        raise InputError(f"cannot read {path} as Parquet ({str(exc).splitlines()[0][:120]})") from None


def _xlsx_frame(path: Any, sheet: str | None) -> pd.DataFrame:
    try:
        import openpyxl
    except ImportError:
        raise InputError("reading .xlsx needs openpyxl: pip install 'authenticity[excel]'") from None
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for bad files
        raise InputError(f"cannot read {path} as an Excel workbook ({type(exc).__name__})") from None
    names = wb.sheetnames
    if sheet is None:
        name = names[0]
        if len(names) > 1:
            others = ", ".join(names[1:6])
            print(f"note: {path} has {len(names)} sheets; reading '{name}' (others: {others}); "
                  "choose with --sheet", file=sys.stderr)
    elif sheet in names:
        name = sheet
    elif sheet.isdigit() and int(sheet) < len(names):
        name = names[int(sheet)]
    else:
        raise InputError(f"{path} has no sheet '{sheet}'; sheets are: {', '.join(names)}")
    rows = list(wb[name].iter_rows(values_only=True))
    wb.close()
    if not rows:
        return pd.DataFrame()
    header = _dedupe_columns(["" if h is None else h for h in rows[0]])
    body = [list(r) + [None] * (len(header) - len(r)) for r in rows[1:]]
    body = [r[: len(header)] for r in body if any(v is not None for v in r)]
    df = pd.DataFrame(body, columns=header, dtype=object)
    return df


def _check_input(path: str | os.PathLike[str]) -> Path:
    p = Path(path)
    if not p.exists():
        raise InputError(f"file not found: {p}")
    if p.is_dir():
        raise InputError(f"{p} is a directory; give a file")
    if p.stat().st_size == 0:
        raise InputError(f"{p} is empty (0 bytes)")
    return p


def iter_table(
    path: str | os.PathLike[str],
    *,
    chunksize: int = 50_000,
    encoding: str | None = None,
    sheet: str | None = None,
    skip_bad_lines: bool = False,
    stdin: IO[bytes] | None = None,
) -> Iterator[pd.DataFrame]:
    """Read a table in chunks of at most ``chunksize`` rows, in order."""
    if str(path) != "-":
        _check_input(path)
    fmt = format_of(path)
    if str(path) == "-":
        data = (stdin or sys.stdin.buffer).read()
        if not data:
            raise InputError("standard input is empty")
        enc = encoding or detect_encoding("standard input", data[:_SAMPLE])
        yield from _csv_chunks(io.BytesIO(data), "standard input", ",", enc, chunksize, skip_bad_lines)
        return
    p = _check_input(path)
    if fmt in ("csv", "tsv", "jsonl", "json"):
        enc = encoding or detect_encoding(p)
        if encoding:
            try:
                codecs.lookup(encoding)
            except LookupError:
                raise InputError(f"unknown encoding '{encoding}'") from None
        if fmt == "csv" or fmt == "tsv":
            sep = "\t" if fmt == "tsv" else _sniff_sep(p, enc)
            yield from _csv_chunks(p, p, sep, enc, chunksize, skip_bad_lines)
        elif fmt == "jsonl":
            yield from _jsonl_chunks(p, enc, chunksize, skip_bad_lines)
        else:
            df = _json_frame(p, enc)
            for i in range(0, max(len(df), 1), chunksize):
                yield df.iloc[i : i + chunksize]
    elif fmt == "parquet":
        with open(p, "rb") as fh:
            if fh.read(4) != b"PAR1":
                raise InputError(f"{p} is not a Parquet file (wrong magic bytes)")
        yield from _parquet_chunks(p, chunksize)
    else:
        with open(p, "rb") as fh:
            if fh.read(2) != b"PK":
                raise InputError(f"{p} is not an Excel .xlsx workbook")
        df = _xlsx_frame(p, sheet)
        for i in range(0, max(len(df), 1), chunksize):
            yield df.iloc[i : i + chunksize]


def _sniff_sep(path: Path, encoding: str) -> str:
    """Comma unless the header line clearly uses tabs or semicolons."""
    try:
        with open(path, encoding=encoding, errors="replace", newline="") as fh:
            header = fh.readline()
    except OSError:
        return ","
    counts = {s: header.count(s) for s in (",", "\t", ";")}
    if counts[","] == 0 and max(counts.values()) > 0:
        return max(counts, key=lambda s: counts[s])
    return ","


def read_table(path: str | os.PathLike[str], **kwargs: Any) -> pd.DataFrame:
    """Read a whole table (see :func:`iter_table` for the options)."""
    chunks = list(iter_table(path, **kwargs))
    if not chunks:
        return pd.DataFrame()
    return pd.concat(chunks, ignore_index=True) if len(chunks) > 1 else chunks[0].reset_index(drop=True)


def read_text_file(path: str | os.PathLike[str], *, what: str = "file", max_chars: int | None = None,
                   encoding: str | None = None) -> str:
    """Read a whole text file (a brief, a draft), detecting its encoding."""
    if str(path) == "-":
        data = sys.stdin.buffer.read()
        label = "standard input"
    else:
        p = Path(path)
        if not p.exists():
            raise InputError(f"{what} not found: {p}")
        if p.is_dir():
            raise InputError(f"{what} {p} is a directory; give a file")
        data = p.read_bytes()
        label = str(p)
    if not data.strip():
        raise InputError(f"{what} {label} is empty")
    enc = encoding or detect_encoding(label, data[:_SAMPLE])
    try:
        text = data.decode(enc)
    except UnicodeDecodeError as exc:
        raise InputError(f"cannot decode {what} {label} as {enc} (byte offset {exc.start})") from None
    if max_chars is not None and len(text) > max_chars:
        raise InputError(f"{what} {label} is too long: {len(text):,} characters (limit {max_chars:,})")
    return text.lstrip("\ufeff")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def check_output(out: str | os.PathLike[str], inputs: Sequence[str | os.PathLike[str]] = (),
                 force: bool = False) -> Path:
    """Refuse outputs that would overwrite an input or an existing file (without force)."""
    p = Path(out)
    format_of(p, write=True)
    for i in inputs:
        if str(i) != "-" and (_same_file(p, Path(i)) or p.resolve() == Path(i).resolve()):
            raise OutputError(f"refusing to overwrite the input file {i}; choose another output path")
    if p.is_dir():
        raise OutputError(f"{p} is a directory; give an output file name")
    if not p.parent.exists():
        raise OutputError(f"output directory {p.parent} does not exist; create it first")
    if not os.access(p.parent, os.W_OK):
        raise OutputError(f"output directory {p.parent} is not writable")
    if p.exists() and not force:
        raise OutputError(f"{p} already exists; pass --force to overwrite it")
    return p


class TableWriter:
    """Write DataFrame chunks to a file atomically, or CSV to stdout (``path=None``).

    CSV, TSV, JSONL and Parquet are streamed; JSON and XLSX collect the rows
    and write them at the end. Use as a context manager: on an exception the
    temporary file is removed and the target is left untouched.
    """

    def __init__(self, path: str | os.PathLike[str] | None, stdout: IO[str] | None = None) -> None:
        self.path = None if path is None or str(path) == "-" else Path(path)
        self.fmt = "csv" if self.path is None else format_of(self.path, write=True)
        self._stdout = stdout
        self._tmp: Path | None = None
        self._fh: Any = None
        self._pq: Any = None
        self._pq_schema: Any = None
        self._held: list[pd.DataFrame] = []
        self._header = True
        self.rows = 0

    def __enter__(self) -> TableWriter:
        if self.path is not None:
            self._tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.part")
            if self.fmt in ("csv", "tsv", "jsonl"):
                enc = "utf-8-sig" if self.fmt == "csv" else "utf-8"
                self._fh = open(self._tmp, "w", encoding=enc, newline="")
        return self

    def write(self, df: pd.DataFrame) -> None:
        self.rows += len(df)
        if self.path is None:
            out = self._stdout or sys.stdout
            df.to_csv(out, index=False, header=self._header, lineterminator="\n")
            self._header = False
            return
        if self.fmt in ("csv", "tsv"):
            df.to_csv(self._fh, index=False, header=self._header, sep="\t" if self.fmt == "tsv" else ",",
                      lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
            self._header = False
        elif self.fmt == "jsonl":
            text = df.to_json(orient="records", lines=True, force_ascii=False)
            self._fh.write(text if text.endswith("\n") or not text else text + "\n")
        elif self.fmt == "parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            table = pa.Table.from_pandas(df, preserve_index=False)
            if self._pq is None:
                self._pq_schema = table.schema
                self._pq = pq.ParquetWriter(self._tmp, self._pq_schema)
            else:
                table = table.cast(self._pq_schema, safe=False)
            self._pq.write_table(table)
        else:
            self._held.append(df)

    def _finish(self) -> None:
        assert self._tmp is not None and self.path is not None
        if self._fh is not None:
            self._fh.close()
        if self.fmt == "parquet" and self._pq is None:
            self._held = [pd.DataFrame()]
        if self._pq is not None:
            self._pq.close()
        elif self.fmt == "parquet":
            pd.DataFrame().to_parquet(self._tmp)
        if self.fmt == "json":
            df = pd.concat(self._held, ignore_index=True) if self._held else pd.DataFrame()
            self._tmp.write_text(df.to_json(orient="records", force_ascii=False, indent=1), "utf-8")
        elif self.fmt == "xlsx":
            try:
                import openpyxl  # noqa: F401
            except ImportError:
                raise OutputError("writing .xlsx needs openpyxl: pip install 'authenticity[excel]'") from None
            df = pd.concat(self._held, ignore_index=True) if self._held else pd.DataFrame()
            df.to_excel(self._tmp, index=False)
        os.replace(self._tmp, self.path)

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if self.path is None:
            return
        if exc_type is None:
            try:
                self._finish()
            except OSError as e:
                self._cleanup()
                raise OutputError(f"cannot write {self.path}: {e.strerror or e}") from None
        else:
            self._cleanup()

    def _cleanup(self) -> None:
        with contextlib.suppress(Exception):
            if self._fh is not None:
                self._fh.close()
        with contextlib.suppress(Exception):
            if self._pq is not None:
                self._pq.close()
        if self._tmp is not None:
            self._tmp.unlink(missing_ok=True)
