"""One reader and one atomic writer for every table format.

Formats, chosen by file extension: ``.csv .tsv .txt .jsonl .ndjson .json
.parquet .xlsx``; ``-`` reads CSV from standard input. Text encodings (for
the text formats): UTF-8 with or without BOM, UTF-16 (LE/BE, with or without
BOM) and GB18030 (which covers GBK and GB2312: Chinese Excel exports);
``encoding=`` forces one (e.g. ``big5``, ``cp1252``). Big5 and Latin-1 bytes
are mostly valid GB18030 too: a file that decodes as GB18030 but reads like
Big5 or Latin-1 mojibake is refused with a message naming ``--encoding``,
never read as garbage. CSV values are read as text, so output columns come
back exactly as they went in; JSON Lines records may have different keys
(every chunk gets all of them, in first-seen order, with one type each).

A file saved under the wrong extension (Parquet or Excel named ``.csv``,
JSON named ``.csv``, CSV named ``.json``/``.parquet``/``.xlsx``) is refused
with a message saying what it looks like. A CSV whose first row has one
field more than its header is refused (pandas would shift every column),
unless the extra field is empty (a trailing delimiter).

Writing goes to a temporary file beside the target, renamed over it only
when complete: an interrupted or failed run leaves no partial output. An
output that is the same file as an input is refused, and an existing output
is kept unless ``force=True``.
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
from .normalize import clean_unicode

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
    "write_atomic",
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


# Magic numbers of the binary formats people most often save under the wrong extension.
_MAGIC = ((b"PAR1", "a Parquet file", "; rename it to .parquet"),
          (b"PK\x03\x04", "an Excel workbook or a zip archive", "; rename a workbook to .xlsx"),
          (b"\xd0\xcf\x11\xe0", "an old Excel .xls workbook", "; save it as .xlsx or .csv"),
          (b"%PDF", "a PDF document", ""),
          (b"SQLite format 3", "an SQLite database", ""))


def _binary_kind(head: bytes) -> tuple[str, str]:
    """What a binary file looks like, and a hint (or "")."""
    for magic, what, hint in _MAGIC:
        if head.startswith(magic):
            return what, hint
    return "a binary file", ""


# Characters that are frequent in Chinese posts and written the same in simplified and traditional
# script: real text (GB18030 or Big5) is 35-70 % these; Big5 or Latin-1 bytes read as GB18030 are < 10 %.
_COMMON_HAN = frozenset(
    "的一了我是不有用在好上天很能就多都大家下到要子年人三小以后也看次得手去出和每全水可十自分面前里最但真本"
    "新第那月比心二几完方吃高生老只店定品么百太感地果超油口色它直度五加送行周半候量常放干皮包保孩做身回重打安"
    "便起己四清公毛房台合奶晚穿同作友早成快精中想道种味正外白你配日之平格器物再眼套提千牌防件朋理款接花衣通工"
    "住差值他什入喝气力少粉香化挺整始收必持明主底餐片程期音今如更跑卡然八基光西修算跟被美所板儿才睡效料食支海"
    "刷性拍肉步些速免式照像狗先容酸位充意特空而万事教客酒舒其原活非健路部低版知六菜宜者准吸于冷系需等找建又掉"
    "她瓶班茶左型市拉流法排喜折字近优解右七游把退已走享元复松限立"
)
# Kana, Greek, Cyrillic, box drawing, bopomofo, CJK extension A and private use: what Big5 read as
# GB18030 (or the reverse) turns into, and rare in real Chinese posts.
_ODD_RE = re.compile("[\u0370-\u04ff\u2500-\u257f\u3040-\u30ff\u3100-\u312f\u3400-\u4dbf\ue000-\uf8ff]")
_HAN_RE = re.compile("[\u4e00-\u9fff]")
_NON_ASCII_RE = re.compile("[^\x00-\x7f]+")


def _reads_as_chinese(text: str) -> tuple[int, bool]:
    """How many CJK-range characters ``text`` has, and whether they look like real Chinese."""
    han = _HAN_RE.findall(text)
    odd = len(_ODD_RE.findall(text))
    n = len(han) + odd
    common = sum(1 for c in han if c in _COMMON_HAN)
    return n, n > 0 and common >= 0.12 * len(han) and odd <= 0.2 * n


def _looks_latin1(head: bytes) -> bool:
    """Western text in Latin-1/Windows-1252: its non-ASCII characters are lone accented letters inside words."""
    text = _decode_head(head, "cp1252")
    if text is None:
        return False
    runs = list(_NON_ASCII_RE.finditer(text))
    good = 0
    for m in runs:
        before = text[m.start() - 1] if m.start() else " "
        after = text[m.end()] if m.end() < len(text) else " "
        in_word = (before.isascii() and before.isalpha()) or (after.isascii() and after.isalpha())
        good += m.group().isalpha() and (len(m.group()) == 1 or (len(m.group()) == 2 and in_word))
    return bool(runs) and good >= 0.8 * len(runs)


def _decode_head(head: bytes, enc: str) -> str | None:
    try:
        return codecs.getincrementaldecoder(enc)("strict").decode(head, final=len(head) < _SAMPLE)
    except UnicodeDecodeError:
        return None


def _other_encoding(head: bytes, han_seen: int = 6) -> str | None:
    """A hint naming Big5 or Latin-1 when ``head`` reads well in one of them, else None."""
    for enc in ("big5", "cp950"):
        alt = _decode_head(head, enc)
        if alt is None:
            continue
        n_alt, ok_alt = _reads_as_chinese(alt)
        if ok_alt and n_alt >= 2 and han_seen >= 2:
            return f"it looks like Big5 (traditional Chinese): name it with --encoding {enc}, or save it as UTF-8"
    if _looks_latin1(head):
        return ("it looks like Latin-1/Windows-1252 (accented Latin letters): name it with --encoding cp1252, "
                "or save it as UTF-8")
    return None


def _not_gb18030(head: bytes, text: str) -> str | None:
    """Why bytes that decode as GB18030 are really Big5 or Latin-1 (mojibake), or None.

    Big5 and most Latin-1 text are valid GB18030 byte sequences, so decoding
    alone cannot tell them apart; what they decode to can: real Chinese is
    mostly common characters, mojibake is rare characters, kana and symbols.
    """
    n, plausible = _reads_as_chinese(text)
    if n == 0 or plausible:
        return None
    odd = len(_ODD_RE.findall(text))
    # a few rare characters are no evidence against GB18030; six, or kana and symbols among them, are
    return _other_encoding(head, han_seen=n if n >= 6 or odd >= 2 else 0)


def check_encoding(encoding: str) -> str:
    """Return ``encoding`` if Python knows the codec; else raise :class:`InputError`."""
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise InputError(
            f"unknown encoding '{encoding}'; use a codec name such as utf-8, gb18030, big5, utf-16 or cp1252"
        ) from None
    return encoding


def detect_encoding(path: str | os.PathLike[str], head: bytes | None = None, *,
                    what: str = "a text table") -> str:
    """Guess the text encoding of a file from its first 64 KiB.

    Returns a Python codec name; raises :class:`InputError` for binary files,
    for Big5 and Latin-1 files (which would otherwise be read as GB18030
    mojibake: name them with ``--encoding``) and for anything that is not
    UTF-8, UTF-16 or GB18030.
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
        kind, hint = _binary_kind(head)
        raise InputError(f"{path} looks like {kind}, not {what}{hint}")
    if _decode_head(head, "utf-8") is not None:
        return "utf-8"
    text = _decode_head(head, "gb18030")
    if text is not None:
        why = _not_gb18030(head, text)
        if why:
            raise InputError(f"cannot decode {path} reliably: {why}")
        return "gb18030"
    hint = _other_encoding(head) or "save it as UTF-8 or name its encoding with --encoding (e.g. --encoding big5)"
    raise InputError(f"cannot decode {path}: it is not UTF-8, UTF-16 or GB18030/GBK; {hint}")


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
    if "Expected 1 fields" in msg:
        hint = "check the delimiter: comma, tab, semicolon and | are recognised from the header line"
    elif m:
        hint = "fix it or pass --skip-bad-lines"
    else:
        hint = "check the delimiter and quoting"
    return InputError(f"{path}: malformed CSV ({msg}); {hint}")


def _decode_error(label: Any, encoding: str, exc: UnicodeDecodeError, offset: int | None = None) -> InputError:
    return InputError(
        f"cannot decode {label} as {encoding} (byte offset {exc.start if offset is None else offset}); save it as "
        "UTF-8 or name its encoding with --encoding"
    )


def _csv_layout(head: str, sep: str, label: Any) -> dict[str, Any]:
    """``read_csv`` options from the header and the first data row.

    When the first row has one field more than the header, pandas would take
    the first field for an index and shift every column left by one, reading
    posts from the wrong column. A trailing delimiter (an empty last field) is
    kept as an extra unnamed column instead; any other extra field is refused.
    """
    rows: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(head.lstrip("\ufeff"), newline=""), delimiter=sep):
            if row:
                rows.append(row)
            if len(rows) == 2:
                break
    except csv.Error:
        return {"index_col": False}
    if len(rows) < 2 or len(rows[1]) != len(rows[0]) + 1:
        return {"index_col": False}
    if not rows[1][-1].strip():
        return {"index_col": False, "header": 0, "names": _dedupe_columns([*rows[0], ""])}
    raise InputError(
        f"{label}: the first row has {len(rows[1])} fields but the header names {len(rows[0])}; check the delimiter "
        "(comma, tab, semicolon and | are recognised from the header line) or name every column in the header"
    )


def _bad_byte(src: Any, encoding: str, fallback: int) -> int:
    """The offset of the first byte ``encoding`` cannot decode (pandas reports it relative to a buffer)."""
    dec = codecs.getincrementaldecoder(encoding)("strict")
    done = 0
    try:
        if isinstance(src, io.BytesIO):
            src.seek(0)
            fh: Any = contextlib.nullcontext(src)
        else:
            fh = open(src, "rb")
        with fh as f:
            while block := f.read(1 << 20):
                try:
                    dec.decode(block)
                except UnicodeDecodeError as exc:
                    return done + exc.start
                done += len(block)
    except OSError:
        pass
    return fallback


def _csv_chunks(src: Any, label: Any, sep: str, encoding: str, chunksize: int | None,
                skip_bad_lines: bool, head: str = "") -> Iterator[pd.DataFrame]:
    layout = _csv_layout(head, sep, label)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            reader = pd.read_csv(
                src, sep=sep, encoding=encoding, dtype=object, keep_default_na=False, na_filter=False,
                chunksize=chunksize or 50_000, on_bad_lines="warn" if skip_bad_lines else "error",
                engine="c", encoding_errors="strict", skip_blank_lines=True, **layout,
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
            raise _decode_error(label, encoding, exc, _bad_byte(src, encoding, exc.start)) from None


def _jsonl_records(path: Any, encoding: str, skip_bad_lines: bool, warn: bool) -> Iterator[dict[str, Any]]:
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
                    rec = json.loads(line.rstrip("\r\n"))
                    if not isinstance(rec, dict):
                        raise ValueError(f"a JSON {type(rec).__name__}, not an object")
                except (ValueError, RecursionError) as exc:
                    msg = f"{path}: line {n} is not a JSON object ({str(exc).splitlines()[0][:80]})"
                    if skip_bad_lines:
                        if warn:
                            print(f"warning: {msg}; skipped", file=sys.stderr)
                        continue
                    if n == 1 and not line.lstrip().startswith("{") and ("," in line or "\t" in line):
                        raise InputError(f"{msg}; it looks like CSV: rename it to .csv") from None
                    raise InputError(f"{msg}; fix it or pass --skip-bad-lines") from None
                yield rec
        except UnicodeDecodeError as exc:
            raise _decode_error(path, encoding, exc, _bad_byte(path, encoding, exc.start)) from None


def _jsonl_chunks(path: Any, encoding: str, chunksize: int, skip_bad_lines: bool) -> Iterator[pd.DataFrame]:
    """JSON Lines in chunks; every chunk has every key of the file as a column, in first-seen order.

    Records may have different keys; a first pass collects them all so that
    each chunk has the same columns in the same order (missing keys are
    empty), and a bad line stops the run before any output is written.
    """
    keys: dict[str, set[str]] = {}
    for rec in _jsonl_records(path, encoding, skip_bad_lines, warn=False):
        for k, v in rec.items():
            keys.setdefault(k, set()).add(_json_type(v))
    rows: list[dict[str, Any]] = []
    for rec in _jsonl_records(path, encoding, skip_bad_lines, warn=True):
        rows.append(rec)
        if len(rows) >= chunksize:
            yield _same_types(_records_frame(rows, list(keys)), keys)
            rows = []
    if rows:
        yield _same_types(_records_frame(rows, list(keys)), keys)


def _json_type(v: Any) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return "null"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    return "float" if isinstance(v, float) else "str" if isinstance(v, str) else "other"


def _same_types(df: pd.DataFrame, types: dict[str, set[str]]) -> pd.DataFrame:
    """Give each column one type in every chunk (from the whole file): numbers are floats in every chunk when
    any is a float; a column mixing kinds of values (text and numbers, say) keeps Python objects."""
    for i, kinds in enumerate(types.values()):
        kinds = kinds - {"null"}
        if kinds == {"float"} or kinds == {"int", "float"}:
            df.isetitem(i, pd.to_numeric(df.iloc[:, i], errors="coerce").astype("float64"))
        elif len(kinds) > 1:
            df.isetitem(i, df.iloc[:, i].astype(object))
    return df


def _records_frame(rows: list[dict[str, Any]], columns: list[str] | None = None) -> pd.DataFrame:
    df = pd.DataFrame.from_records(rows, columns=columns)
    if columns is not None:
        present = {k for r in rows for k in r}
        for i, c in enumerate(columns):
            if c not in present:  # no value in this chunk: empty, not a float column of NaN
                df.isetitem(i, pd.Series([None] * len(df), index=df.index, dtype=object))
    df.columns = _dedupe_columns(df.columns)
    return df


def _json_frame(path: Any, encoding: str) -> pd.DataFrame:
    try:
        with open(path, encoding=encoding) as fh:
            data = json.load(fh)
    except json.JSONDecodeError as exc:
        hint = ""
        if exc.msg == "Extra data":
            hint = "; it holds several JSON values: if it is JSON Lines (one object per line), rename it to .jsonl"
        elif exc.pos == 0 or not exc.doc[: exc.pos].strip():
            hint = "; it does not start with [ or {: if it is CSV, rename it to .csv"
        raise InputError(f"{path}: invalid JSON at line {exc.lineno} column {exc.colno} ({exc.msg}){hint}") from None
    except RecursionError:
        raise InputError(f"{path}: JSON nested too deeply to read") from None
    except UnicodeDecodeError as exc:
        raise _decode_error(path, encoding, exc, _bad_byte(path, encoding, exc.start)) from None
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
    try:
        with open(p, "rb"):
            pass
    except OSError as exc:
        raise InputError(f"cannot read {p}: {exc.strerror or exc}") from None
    return p


def _wrong_magic(p: Path, expected: str, magic: bytes) -> None:
    """Refuse a file whose first bytes are not ``magic``, saying what it looks like instead."""
    with open(p, "rb") as fh:
        head = fh.read(_SAMPLE)
    if head.startswith(magic):
        return
    if b"\x00" in head and not _looks_utf16(head):
        looks = "".join(_binary_kind(head)).replace("; ", ": ")
    else:
        first = head.lstrip(codecs.BOM_UTF8).lstrip()[:1]
        looks = "JSON: rename it to .json or .jsonl" if first in (b"{", b"[") else "text: rename it to .csv"
    raise InputError(f"{p} is not {expected} (it looks like {looks})")


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
    if encoding:
        check_encoding(encoding)
    if str(path) == "-":
        data = (stdin or sys.stdin.buffer).read()
        if not data:
            raise InputError("standard input is empty")
        enc = encoding or detect_encoding("standard input", data[:_SAMPLE])
        head = data[:_SAMPLE].decode(enc, errors="replace")
        yield from _csv_chunks(io.BytesIO(data), "standard input", ",", enc, chunksize, skip_bad_lines, head)
        return
    p = _check_input(path)
    if fmt in ("csv", "tsv", "jsonl", "json"):
        enc = encoding or detect_encoding(p)
        if fmt == "csv" or fmt == "tsv":
            sep = "\t" if fmt == "tsv" else _sniff_sep(p, enc)
            with open(p, "rb") as fh:
                head = fh.read(_SAMPLE).decode(enc, errors="replace")
            yield from _csv_chunks(p, p, sep, enc, chunksize, skip_bad_lines, head)
        elif fmt == "jsonl":
            yield from _jsonl_chunks(p, enc, chunksize, skip_bad_lines)
        else:
            df = _json_frame(p, enc)
            for i in range(0, max(len(df), 1), chunksize):
                yield df.iloc[i : i + chunksize]
    elif fmt == "parquet":
        _wrong_magic(p, "a Parquet file", b"PAR1")
        yield from _parquet_chunks(p, chunksize)
    else:
        _wrong_magic(p, "an Excel .xlsx workbook", b"PK")
        df = _xlsx_frame(p, sheet)
        for i in range(0, max(len(df), 1), chunksize):
            yield df.iloc[i : i + chunksize]


def _sniff_sep(path: Path, encoding: str) -> str:
    """Comma unless the header line clearly uses tabs, semicolons or pipes; refuse JSON named .csv."""
    try:
        with open(path, encoding=encoding, errors="replace", newline="") as fh:
            header = fh.readline()
    except OSError:
        return ","
    start = header.lstrip("\ufeff \t")
    if start.startswith("{") or re.match(r"\[\s*(?:\{|\]|$)", start):
        raise InputError(f"{path} looks like JSON, not CSV: rename it to .jsonl (one object per line) or .json")
    counts = {s: header.count(s) for s in (",", "\t", ";", "|")}
    if counts[","] == 0 and max(counts.values()) > 0:
        return max(counts, key=lambda s: counts[s])
    return ","


def read_table(path: str | os.PathLike[str], *, max_rows: int | None = None, limit_hint: str = "",
               **kwargs: Any) -> pd.DataFrame:
    """Read a whole table (see :func:`iter_table` for the options).

    With ``max_rows``, reading stops with an :class:`InputError` as soon as the
    table is known to have more rows (``limit_hint`` is appended to the message).
    """
    chunks = []
    n = 0
    if max_rows is not None:
        kwargs.setdefault("chunksize", min(50_000, max_rows + 1))
    for chunk in iter_table(path, **kwargs):
        n += len(chunk)
        if max_rows is not None and n > max_rows:
            raise InputError(f"{path} has more than {max_rows:,} rows, the limit" + (f"; {limit_hint}" if limit_hint
                                                                                     else ""))
        chunks.append(chunk)
    if not chunks:
        return pd.DataFrame()
    return pd.concat(chunks, ignore_index=True) if len(chunks) > 1 else chunks[0].reset_index(drop=True)


def read_text_file(path: str | os.PathLike[str], *, what: str = "file", max_chars: int | None = None,
                   encoding: str | None = None) -> str:
    """Read a whole text file (a brief, a draft), detecting its encoding.

    With ``max_chars``, a file too large to hold that many characters (over 4
    bytes a character) is refused before it is read, so a huge file cannot
    exhaust memory.
    """
    if encoding:
        check_encoding(encoding)
    max_bytes = None if max_chars is None else 4 * max_chars + 4
    if str(path) == "-":
        data = sys.stdin.buffer.read(-1 if max_bytes is None else max_bytes + 1)
        label = "standard input"
    else:
        p = Path(path)
        if not p.exists():
            raise InputError(f"{what} not found: {p}")
        if p.is_dir():
            raise InputError(f"{what} {p} is a directory; give a file")
        label = str(p)
        try:
            with open(p, "rb") as fh:
                data = fh.read(-1 if max_bytes is None else max_bytes + 1)
        except OSError as exc:
            raise InputError(f"cannot read {what} {p}: {exc.strerror or exc}") from None
    if max_bytes is not None and len(data) > max_bytes:
        raise InputError(f"{what} {label} is too long: over {max_bytes:,} bytes (limit {max_chars:,} characters)")
    if not data.strip():
        raise InputError(f"{what} {label} is empty")
    enc = encoding or detect_encoding(f"{what} {label}", data[:_SAMPLE], what="a text file")
    try:
        text = data.decode(enc)
    except UnicodeDecodeError as exc:
        raise _decode_error(f"{what} {label}", enc, exc) from None
    if max_chars is not None and len(text) > max_chars:
        raise InputError(f"{what} {label} is too long: {len(text):,} characters (limit {max_chars:,})")
    if not clean_unicode(text).strip():
        raise InputError(f"{what} {label} has no visible text (only control or formatting characters)")
    return text.lstrip("\ufeff")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def check_output(out: str | os.PathLike[str], inputs: Sequence[str | os.PathLike[str]] = (),
                 force: bool = False, *, table: bool = True) -> Path:
    """Refuse outputs that would overwrite an input or an existing file (without force).

    Also refused, before any work is done: a directory, a missing or
    unwritable output directory and, with ``table=True``, an extension no
    table format is written to. Every verb that writes a file (a table, a
    model, a report) checks its output here.
    """
    p = Path(out)
    if table:
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


#: Excel's limits: rows of a sheet (one is the header) and characters of a cell
XLSX_MAX_ROWS = 1_048_575
XLSX_MAX_CELL = 32_767


def _xlsx_safe(df: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Drop the control characters Excel cannot store and cut cells at its limit; count the cells changed."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    changed = 0

    def fix(v: Any) -> Any:
        nonlocal changed
        if isinstance(v, str):
            w = ILLEGAL_CHARACTERS_RE.sub("", v)[:XLSX_MAX_CELL]
            changed += w != v
            return w
        return v

    out = df.copy()
    for i in range(out.shape[1]):
        dtype = out.dtypes.iloc[i]
        if pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype):
            out.isetitem(i, out.iloc[:, i].map(fix))
    out.columns = [fix(str(c)) for c in out.columns]
    return out, changed


def _as_text(v: Any) -> Any:
    if v is None or isinstance(v, str) or (isinstance(v, float) and v != v):
        return v
    return str(v)


def _arrow_table(df: pd.DataFrame) -> Any:
    """``df`` as an Arrow table. A column of Python objects that are not all text (numbers and text mixed, as
    JSON Lines and Excel give) is written as text, so that it has the same type in every chunk."""
    import pyarrow as pa

    df = df.copy()
    for i in range(df.shape[1]):
        col = df.iloc[:, i]
        if pd.api.types.is_object_dtype(col.dtype) and any(isinstance(v, (bool, int, float)) for v in col):
            df.isetitem(i, col.map(_as_text))
    try:
        return pa.Table.from_pandas(df, preserve_index=False)
    except (pa.ArrowTypeError, pa.ArrowInvalid):  # lists next to text, say
        for i in range(df.shape[1]):
            if pd.api.types.is_object_dtype(df.iloc[:, i].dtype):
                df.isetitem(i, df.iloc[:, i].map(lambda v: v if v is None or isinstance(v, str) else str(v)))
        return pa.Table.from_pandas(df, preserve_index=False)


def write_atomic(path: str | os.PathLike[str], data: bytes | str, *, what: str = "") -> Path:
    """Write ``data`` (bytes, or text as UTF-8) to ``path`` through a temporary file beside it, then rename.

    On an OS error or an interruption the temporary file is removed and ``path`` is left as it was;
    OS errors become one-line :class:`OutputError` s ("cannot write <what>PATH: reason").
    """
    p = Path(path)
    tmp = p.with_name(f".{p.name}.{os.getpid()}.part")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(tmp, p)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"cannot write {what}{p}: {exc.strerror or exc}") from None
    except BaseException:  # interrupted: leave nothing behind
        tmp.unlink(missing_ok=True)
        raise
    return p


class TableWriter:
    """Write DataFrame chunks to a file atomically, or CSV to stdout (``path=None``).

    CSV, TSV, JSONL and Parquet are streamed; JSON and XLSX collect the rows
    and write them at the end. Use as a context manager: on an exception the
    temporary file is removed and the target is left untouched; an operating
    system error (no permission, disk full) becomes an :class:`OutputError`.

    Every chunk is written with the columns of the first one, in its order.
    Parquet keeps the column types of the first chunk (a column empty there
    is text); XLSX drops control characters and cuts cells at 32,767
    characters, which Excel cannot hold.
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
        self._columns: list[str] | None = None
        self.rows = 0

    def _error(self, exc: OSError) -> OutputError:
        return OutputError(f"cannot write {self.path}: {exc.strerror or exc}")

    def __enter__(self) -> TableWriter:
        if self.path is not None:
            if self.fmt == "xlsx":
                try:
                    import openpyxl  # noqa: F401
                except ImportError:
                    raise OutputError("writing .xlsx needs openpyxl: pip install 'authenticity[excel]'") from None
            self._tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.part")
            if self.fmt in ("csv", "tsv", "jsonl"):
                enc = "utf-8-sig" if self.fmt == "csv" else "utf-8"
                try:
                    self._fh = open(self._tmp, "w", encoding=enc, newline="")
                except OSError as exc:
                    raise self._error(exc) from None
        return self

    def _align(self, df: pd.DataFrame) -> pd.DataFrame:
        cols = [str(c) for c in df.columns]
        if self._columns is None:
            self._columns = cols
            return df
        if cols == self._columns:
            return df
        extra = [c for c in cols if c not in self._columns]
        if extra:
            raise OutputError(f"cannot write {self.path or 'the output'}: later rows have columns the first rows "
                              f"do not ({', '.join(extra[:5])})")
        return df.reindex(columns=self._columns)

    def write(self, df: pd.DataFrame) -> None:
        """Append the rows of ``df``."""
        df = self._align(df)
        self.rows += len(df)
        if self.path is None:
            out = self._stdout or sys.stdout
            df.to_csv(out, index=False, header=self._header, lineterminator="\n")
            self._header = False
            return
        try:
            self._write(df)
        except OutputError:
            raise
        except OSError as exc:
            raise self._error(exc) from None

    def _write(self, df: pd.DataFrame) -> None:
        if self.fmt in ("csv", "tsv"):
            df.to_csv(self._fh, index=False, header=self._header, sep="\t" if self.fmt == "tsv" else ",",
                      lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
            self._header = False
        elif self.fmt == "jsonl":
            text = df.to_json(orient="records", lines=True, force_ascii=False)
            self._fh.write(text if text.endswith("\n") or not text else text + "\n")
        elif self.fmt == "parquet":
            self._write_parquet(df)
        else:
            if self.fmt == "xlsx" and self.rows > XLSX_MAX_ROWS:
                raise OutputError(f"cannot write {self.path}: an Excel sheet holds at most {XLSX_MAX_ROWS:,} rows; "
                                  "write .csv or .parquet instead")
            self._held.append(df)

    def _write_parquet(self, df: pd.DataFrame) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = _arrow_table(df)
        if self._pq is None:
            # a column with no values yet (an optional field) gets a type later rows can fill: text
            fields = [f.with_type(pa.string()) if pa.types.is_null(f.type) else f for f in table.schema]
            self._pq_schema = pa.schema(fields)
            self._pq = pq.ParquetWriter(self._tmp, self._pq_schema)
        columns = []
        for field in self._pq_schema:
            col = table.column(field.name)
            if col.type != field.type:
                try:
                    col = col.cast(field.type)
                except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
                    if not pa.types.is_string(field.type):
                        raise OutputError(
                            f"cannot write {self.path}: column '{field.name}' is {field.type} in the first rows and "
                            f"{col.type} later; Parquet needs one type a column: write .csv or .jsonl instead"
                        ) from None
                    col = pa.array([_as_text(v) for v in col.to_pylist()], type=pa.string())
            columns.append(col)
        self._pq.write_table(pa.Table.from_arrays(columns, schema=self._pq_schema))

    def _finish(self) -> None:
        assert self._tmp is not None and self.path is not None
        if self._fh is not None:
            self._fh.close()
        if self._pq is not None:
            self._pq.close()
        elif self.fmt == "parquet":
            pd.DataFrame().to_parquet(self._tmp)
        if self.fmt == "json":
            df = pd.concat(self._held, ignore_index=True) if self._held else pd.DataFrame()
            self._tmp.write_text(df.to_json(orient="records", force_ascii=False, indent=1), "utf-8")
        elif self.fmt == "xlsx":
            df = pd.concat(self._held, ignore_index=True) if self._held else pd.DataFrame()
            df, changed = _xlsx_safe(df)
            if changed:
                print(f"note: {changed:,} cells of {self.path} lost control characters or were cut at "
                      f"{XLSX_MAX_CELL:,} characters (Excel's limits); write .csv or .parquet to keep them",
                      file=sys.stderr)
            df.to_excel(self._tmp, index=False)
        os.replace(self._tmp, self.path)

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if self.path is None:
            return
        if exc_type is not None:
            self._cleanup()
            return
        try:
            self._finish()
        except OutputError:
            self._cleanup()
            raise
        except OSError as e:
            self._cleanup()
            raise self._error(e) from None
        except BaseException:
            self._cleanup()
            raise

    def _cleanup(self) -> None:
        with contextlib.suppress(Exception):
            if self._fh is not None:
                self._fh.close()
        with contextlib.suppress(Exception):
            if self._pq is not None:
                self._pq.close()
        if self._tmp is not None:
            self._tmp.unlink(missing_ok=True)
