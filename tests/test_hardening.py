"""Hardening: bad input, faults and hostile files across every verb, one row per case.

Each row of ``CASES`` runs one command line in-process and pins its exit code
and either the exact one-line error (``authenticity VERB: error: …``, the last
line on stderr; only ``note:``/``warning:`` lines may precede it) or, for
``score`` and ``audit --json``, the ``status`` of every row in input order.
No row may show a traceback. Placeholders in the command lines: ``{d}`` the
input files (built once by the ``d`` fixture), ``{o}`` an empty output
directory, ``{m}`` a small model trained in the session, ``{bad}`` hostile
model files. The faults a table cannot express (a read-only directory, an
interrupted write, columns that appear half-way through a file) have their
own tests below the table.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import authenticity.io
from authenticity.cli import main
from authenticity.errors import InputError, OutputError
from authenticity.io import TableWriter, check_output, read_table, read_text_file
from authenticity.model import Model
from authenticity.persist import FORMAT_VERSION, read_manifest
from authenticity.scoring import MAX_CHARS

ROOT = Path(__file__).resolve().parents[1]
CAMPAIGN = ROOT / "data" / "campaigns" / "zh_snack_word_for_word"

ZH = ["用了两周，干皮冬天够用，就是有点黏。", "姐妹们冲！这款精华绝绝子 链接在评论区", "第三天就退货了，味道太冲。"]
EN = ["returned it after a month, the strap broke", "The #1 serum, guaranteed results! link in bio"]
TRAD = ["這個精華液用了兩週，乾皮還可以，就是有點黏。", "全網最低價！閉眼入，連結在留言區",
        "飯店的早餐很豐富，房間乾淨。"]


def _csv(rows: list[tuple[object, ...]], header: str = "id,text") -> str:
    out = io.StringIO()
    pd.DataFrame(rows, columns=header.split(",")).to_csv(out, index=False, lineterminator="\n")
    return out.getvalue()


POSTS = _csv([(i + 1, t) for i, t in enumerate(ZH + EN)])


class _Boom:
    """Unpickling this creates ``target``: the side effect a safe model loader must never cause."""

    target = ""

    def __reduce__(self) -> tuple[object, ...]:
        return (Path.touch, (Path(_Boom.target),))


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def _hostile_models(good: Path, bad: Path) -> None:
    """Model files that must each be refused with one line, running nothing."""
    with zipfile.ZipFile(good) as z:
        members = {n: z.read(n) for n in z.namelist()}
    man = read_manifest(good)
    (bad / "truncated.authm").write_bytes(good.read_bytes()[:2000])
    with np.load(io.BytesIO(members["arrays.npz"])) as npz:
        arrays = {k: npz[k] for k in npz.files}
    arrays["coef"] = arrays["coef"] * 2
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)
    _zip(bad / "tampered.authm", {**members, "arrays.npz": buf.getvalue()})
    _zip(bad / "newer.authm", {**members, "manifest.json": json.dumps({**man, "format_version": FORMAT_VERSION + 1})
                                                               .encode()})
    _zip(bad / "other.authm", {"word/document.xml": b"<xml/>"})
    (bad / "notes.authm").write_text("a model, honest", "utf-8")
    _Boom.target = str(bad / "pwned")
    payload = pickle.dumps(_Boom())
    (bad / "pickle.authm").write_bytes(payload)
    # an object array (a pickle) inside the arrays, with a checksum that matches
    buf = io.BytesIO()
    np.savez(buf, char_idf=np.array([_Boom()], dtype=object), word_idf=np.zeros(1), coef=np.zeros(1),
             signal_mean=np.zeros(1), signal_scale=np.zeros(1))
    sums = {**man["members"], "arrays.npz": hashlib.sha256(buf.getvalue()).hexdigest()}
    _zip(bad / "pickle_npz.authm", {**members, "arrays.npz": buf.getvalue(),
                                    "manifest.json": json.dumps({**man, "members": sums}).encode()})
    # an array whose header declares 12 GB: refused before any memory is allocated
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as inner:
        for k, v in arrays.items():
            b = io.BytesIO()
            if k == "coef":
                np.lib.format.write_array_header_1_0(b, {"descr": "<f4", "fortran_order": False,
                                                         "shape": (3_000_000_000,)})
                b.write(b"\0" * 64)
            else:
                np.save(b, v)
            inner.writestr(f"{k}.npy", b.getvalue())
    sums = {**man["members"], "arrays.npz": hashlib.sha256(buf.getvalue()).hexdigest()}
    _zip(bad / "huge_array.authm", {**members, "arrays.npz": buf.getvalue(),
                                    "manifest.json": json.dumps({**man, "members": sums}).encode()})
    # a manifest nested 100,000 deep (a RecursionError in json.loads)
    _zip(bad / "deep.authm", {**members, "manifest.json": b"[" * 100_000 + b"]" * 100_000})
    _crafted_models(members, man, arrays, bad)


def _crafted_models(members: dict[str, bytes], man: dict, arrays: dict[str, np.ndarray], bad: Path) -> None:
    """One file for each other check of the loader (``CRAFTED``), checksums kept valid where the check is later."""

    def write(name: str, manifest: dict | None = None, **replace: bytes) -> None:
        mem = {**members, **{k.replace("_", "."): v for k, v in replace.items()}}
        m = dict(manifest or man)
        m["members"] = {k: hashlib.sha256(mem[k]).hexdigest() for k in ("arrays.npz", "vocab.json")}
        _zip(bad / f"{name}.authm", {**mem, "manifest.json": json.dumps(m).encode()})

    def npz(**change: np.ndarray) -> bytes:
        buf = io.BytesIO()
        np.savez_compressed(buf, **{**arrays, **change})
        return buf.getvalue()

    write("wrong_magic", {**man, "magic": "something-else"})
    write("no_version", {**man, "format_version": "1"})
    write("version_zero", {**man, "format_version": 0})
    _zip(bad / "big_manifest.authm", {**members, "manifest.json": b" " * (2 << 20)})
    write("extra_array", arrays_npz=npz(evil=np.zeros(1)))
    write("many_buckets", {**man, "config": {**man["config"], "char_buckets": 1 << 25}})
    write("other_signals", {**man, "signals": ["a", "b"]})
    write("vocab_object", vocab_json=b'{"a": 1}')
    write("vocab_deep", vocab_json=b"[" * 100_000 + b"]" * 100_000)
    write("three_labels", {**man, "labels": ["a", "b", "c"]})
    write("nan_array", arrays_npz=npz(coef=np.full_like(arrays["coef"], np.nan)))
    write("unknown_config", {**man, "config": {**man["config"], "evil": 1}})


@pytest.fixture(scope="module")
def d(tmp_path_factory: pytest.TempPathFactory, sample: pd.DataFrame, small_model_path: Path) -> Path:
    """Every input file of the table."""
    d = tmp_path_factory.mktemp("inputs")

    def w(name: str, data: str | bytes, encoding: str = "utf-8") -> None:
        (d / name).write_bytes(data if isinstance(data, bytes) else data.encode(encoding))

    # -- files
    w("posts.csv", POSTS)
    w("existing.csv", POSTS)
    w("empty.csv", b"")
    w("header.csv", "id,text\n")
    (d / "folder.csv").mkdir()
    w("binary.csv", bytes(range(256)) * 8)
    pd.read_csv(io.StringIO(POSTS)).to_parquet(d / "parquet_named.csv")
    w("jsonl_named.csv", "".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n"
                                 for i, t in enumerate(ZH, 1)))
    for ext in (".parquet", ".xlsx", ".json", ".jsonl"):
        w(f"csv_named{ext}", POSTS)
    w("semicolon.csv", "id;text\n1;用了两周, 干皮够用\n2;great, but pricey\n")
    w("pipe.csv", "id|text\n1|a, b, c: three plain words\n2|好用, 不黏\n")
    w("spaces.csv", "id text\n1 hello, world\n")
    w("spaces_later.csv", "id text\n1 hello world\n2 hello, world\n")
    w("unnamed_column.csv", "text,label\n1,用了两周，干皮够用,authentic\n2,闭眼入！,scripted\n")
    w("trailing_comma.csv", "id,text\n1,用了两周 干皮够用,\n2,great but pricey,\n")
    w("blank_lines.csv", "\n\n\n")
    w("blank_lines.jsonl", "\n\n")
    w("not_object.jsonl", '{"id": 1, "text": "a post"}\n\n[1, 2]\n')
    w("jsonl_named.json", '{"id": 1, "text": "a post"}\n{"id": 2, "text": "another"}\n')
    w("scalar.json", "42")
    w("mixed_list.json", '[{"id": 1, "text": "a post"}, 3]')
    w("deep.json", "[" * 100_000 + "]" * 100_000)
    w("damaged.parquet", b"PAR1" + b"\0" * 100 + b"PAR1")
    w("latin1.jsonl", '{"id": 1, "text": "café crème"}\n', "latin-1")
    w("quoted_newlines.csv", 'id,text\n1,"line one\nline two, still one post"\n2,"a ""quoted"" word\r\nand more"\n')
    w("ragged.csv", "id,text\n1,hello there\n2\n3,too,many\n4,fine text here\n")
    w("dup_cols.csv", "id,text,text\n1,the first post,the second column\n")
    w("big_field.csv", "id,text\n1," + "好" * (10 * 1024 * 1024 // 3) + "\n2,a short post\n")
    w("long_post.csv", f"id,text\n1,{'用' * MAX_CHARS}\n2,{'用' * (MAX_CHARS + 1)}\n")
    w("na_numbers.csv", "id,text\n1,NaN\n2,12345\n3,3.14\n4,#N/A\n5,null\n6,real words here\n7,\n8,2024-01-01\n")
    w("na_numbers.jsonl", '{"id": 1, "text": 12345}\n{"id": 2, "text": null}\n{"id": 3, "text": true}\n'
                          '{"id": 4, "text": "real words"}\n{"id": 5, "text": NaN}\n{"id": 6}\n')
    with pd.ExcelWriter(d / "sheets.xlsx") as xw:
        pd.DataFrame({"note_about": ["cover sheet"]}).to_excel(xw, sheet_name="cover", index=False)
        pd.read_csv(io.StringIO(POSTS)).to_excel(xw, sheet_name="posts", index=False)
    w("xlsx_named.csv", (d / "sheets.xlsx").read_bytes())
    w("xlsx_named.parquet", (d / "sheets.xlsx").read_bytes())
    with pd.ExcelWriter(d / "empty_sheet.xlsx") as xw:
        pd.DataFrame().to_excel(xw, sheet_name="empty", index=False)
    w("posts.doc", POSTS)
    w("object.json", json.dumps({"a": 1, "b": 2}))
    w("bad_line.jsonl", '{"id": 1, "text": "first post"}\n{"id": 2, "text": \n{"id": 3, "text": "third post"}\n')
    pd.DataFrame({"id": [1, 2, 3], "text": [7, 8, 9]}).to_parquet(d / "int_text.parquet")
    # -- encodings
    zh = _csv([(i + 1, t) for i, t in enumerate(ZH)])
    for name, enc in (("utf8_bom", "utf-8-sig"), ("gb18030", "gb18030"), ("gbk", "gbk"), ("utf16le", "utf-16-le"),
                      ("utf16be", "utf-16-be"), ("utf16", "utf-16")):
        w(f"{name}.csv", zh, enc)
    w("big5.csv", _csv([(i + 1, t) for i, t in enumerate(TRAD)]), "big5")
    w("latin1.csv", "id,text\n1,the crème brûlée was naïve\n2,señor año niño\n", "latin-1")
    w("mixed_eol.csv", b"id,text\r\n1,one post here\n2,two post here\r3,three post here\r\n")
    # -- labeled data
    lab = pd.concat([sample[sample.label == "authentic"].head(12), sample[sample.label == "scripted"].head(12)])
    rows = [(i + 1, t, y) for i, (t, y) in enumerate(zip(lab.text, lab.label, strict=True))]
    rows += [(25, "NaN", "authentic"), (26, "12345", "scripted"), (27, "", "authentic"),
             (28, "好" * (MAX_CHARS + 1), "scripted")]
    w("labeled.csv", _csv(rows, "id,text,label"))
    w("labeled_utf16be.csv", _csv(rows[:24], "id,text,label"), "utf-16-be")
    w("existing.authm", small_model_path.read_bytes())
    # -- campaign posts, briefs and drafts
    brief = (CAMPAIGN / "brief.md").read_text("utf-8")
    w("campaign.csv", (CAMPAIGN / "posts.csv").read_bytes())
    w("campaign_statuses.csv", _csv([(1, ZH[0]), (2, "NaN"), (3, ZH[1]), (4, "12345"), (5, "好" * (MAX_CHARS + 1)),
                                     (6, ZH[2]), (7, "")]))
    w("no_text.csv", "id,text\n1,\n2,12345\n")
    w("brief.md", brief)
    w("brief.html", brief)
    w("existing.html", "<p>keep me</p>")
    w("empty.md", b"")
    w("blank.md", "  \n\n\t\n")
    w("invisible.md", "\u202e\u200b\u200f\n")
    w("huge.md", "品" * 200_001)
    w("huge_bytes.md", "x" * 900_000)
    w("binary.md", bytes(range(256)) * 4)
    w("hashtags.md", "#暖屿蒸汽眼罩 #打工人护眼 #ad\n")
    w("big5_brief.md", "品牌：暖嶼\n核心賣點：這個眼罩用了兩週，熱敷二十分鐘，眼睛很放鬆。\n", "big5")
    w("draft.txt", ZH[0])
    w("draft_big5.txt", TRAD[0], "big5")
    w("draft_latin1.txt", "the crème brûlée was naïve", "latin-1")
    w("draft_binary.txt", bytes(range(256)) * 4)
    w("draft_invisible.txt", "\u202e\u200b\u2066\x1b")
    w("draft_hashtags.txt", "#好物分享 #护肤 #ootd")
    bad = d / "models"
    bad.mkdir()
    _hostile_models(small_model_path, bad)
    return d


@dataclass(frozen=True)
class Case:
    """One command line: exit code and the exact error, or every row's status in order."""

    id: str
    argv: tuple[str, ...]
    rc: int
    err: str | None = None
    statuses: tuple[str, ...] | None = None
    stdin: bytes | None = None
    patch: tuple[tuple[str, str, int], ...] = ()


def C(id: str, cmd: str, rc: int, err: str | None = None, statuses: str | None = None, *, stdin: bytes | None = None,
      patch: tuple[tuple[str, str, int], ...] = ()) -> Case:
    return Case(id, tuple(cmd.split()), rc, err, tuple(statuses.split()) if statuses is not None else None, stdin,
                patch)


S = "score -j 1 -q -m {m}"          # score with the session model, one process, no summary
E = "evaluate -m {m}"
T = "train --cv 0 --C 4 -q"
K = "check -m {m} --json"
A = "audit -m {m} --json"
AB = f"{A} --brief {{d}}/brief.md"
OK5 = "ok ok ok ok ok"
BAD_MODELS = {
    "truncated": "{bad}/truncated.authm is not an authenticity model file (not a valid archive: File is not a zip "
                 "file); it may be truncated or from another program",
    "tampered": "{bad}/tampered.authm failed its integrity check (arrays.npz was modified)",
    "newer": f"{{bad}}/newer.authm was made by a newer authenticity (model format {FORMAT_VERSION + 1}; this version "
             f"reads up to {FORMAT_VERSION}); upgrade: pip install -U authenticity",
    "other": "{bad}/other.authm is not an authenticity model file (unexpected contents: word/document.xml)",
    "notes": "{bad}/notes.authm is not an authenticity model file (not a valid archive: File is not a zip file); it "
             "may be truncated or from another program",
    "pickle": "{bad}/pickle.authm is not an authenticity model file (not a valid archive: File is not a zip file); it "
              "may be truncated or from another program",
    "pickle_npz": "{bad}/pickle_npz.authm is damaged: array char_idf has the wrong shape or values",
    "huge_array": "{bad}/huge_array.authm is damaged: array coef has the wrong shape or values",
    "deep": "{bad}/deep.authm is damaged: its manifest is not valid JSON",
}
MODEL_VERBS = {"score": "score -j 1 -q {d}/posts.csv -o {o}/out.csv", "evaluate": "evaluate {d}/labeled.csv",
               "check": "check {d}/draft.txt", "audit": "audit {d}/campaign.csv --brief {d}/brief.md"}

CASES = [
    # -- files: missing, empty, header only, a directory, binary --------------------------------------------------
    C("missing-score", f"{S} {{d}}/missing.csv", 2, "file not found: {d}/missing.csv"),
    C("missing-train", f"{T} {{d}}/missing.csv -o {{o}}/m.authm", 2, "file not found: {d}/missing.csv"),
    C("missing-evaluate", f"{E} {{d}}/missing.csv", 2, "file not found: {d}/missing.csv"),
    C("missing-audit", f"{AB} {{d}}/missing.csv", 2, "file not found: {d}/missing.csv"),
    C("missing-check", f"{K} {{d}}/missing.txt", 2, "draft not found: {d}/missing.txt"),
    C("empty-score", f"{S} {{d}}/empty.csv", 2, "{d}/empty.csv is empty (0 bytes)"),
    C("empty-train", f"{T} {{d}}/empty.csv -o {{o}}/m.authm", 2, "{d}/empty.csv is empty (0 bytes)"),
    C("empty-evaluate", f"{E} {{d}}/empty.csv", 2, "{d}/empty.csv is empty (0 bytes)"),
    C("empty-audit", f"{AB} {{d}}/empty.csv", 2, "{d}/empty.csv is empty (0 bytes)"),
    C("empty-check", f"{K} {{d}}/empty.md", 2, "draft {d}/empty.md is empty"),
    C("header-score", f"{S} {{d}}/header.csv -o {{o}}/out.csv", 0, statuses=""),
    C("header-score-stdout", f"{S} {{d}}/header.csv", 0, statuses=""),
    C("header-score-parquet", f"{S} {{d}}/header.csv -o {{o}}/out.parquet", 0, statuses=""),
    C("header-evaluate", f"{E} {{d}}/header.csv", 2, "{d}/header.csv has a header but no rows"),
    C("header-audit", f"{AB} {{d}}/header.csv", 2, "{d}/header.csv has a header but no rows"),
    C("dir-score", f"{S} {{d}}/folder.csv", 2, "{d}/folder.csv is a directory; give a file"),
    C("dir-train", f"{T} {{d}}/folder.csv -o {{o}}/m.authm", 2, "{d}/folder.csv is a directory; give a file"),
    C("dir-check", f"{K} {{d}}/folder.csv", 2, "draft {d}/folder.csv is a directory; give a file"),
    C("binary-score", f"{S} {{d}}/binary.csv", 2, "{d}/binary.csv looks like a binary file, not a text table"),
    C("binary-evaluate", f"{E} {{d}}/binary.csv", 2, "{d}/binary.csv looks like a binary file, not a text table"),
    C("binary-audit", f"{AB} {{d}}/binary.csv", 2, "{d}/binary.csv looks like a binary file, not a text table"),
    C("binary-check", f"{K} {{d}}/draft_binary.txt", 2,
      "draft {d}/draft_binary.txt looks like a binary file, not a text file"),
    # -- files: wrong extension for the content -------------------------------------------------------------------
    C("parquet-named-csv", f"{S} {{d}}/parquet_named.csv", 2,
      "{d}/parquet_named.csv looks like a Parquet file, not a text table; rename it to .parquet"),
    C("xlsx-named-csv", f"{T} {{d}}/xlsx_named.csv -o {{o}}/m.authm", 2, "{d}/xlsx_named.csv looks like an Excel "
      "workbook or a zip archive, not a text table; rename a workbook to .xlsx"),
    C("jsonl-named-csv", f"{E} {{d}}/jsonl_named.csv", 2,
      "{d}/jsonl_named.csv looks like JSON, not CSV: rename it to .jsonl (one object per line) or .json"),
    C("csv-named-parquet", f"{S} {{d}}/csv_named.parquet", 2,
      "{d}/csv_named.parquet is not a Parquet file (it looks like text: rename it to .csv)"),
    C("csv-named-xlsx", f"{AB} {{d}}/csv_named.xlsx", 2,
      "{d}/csv_named.xlsx is not an Excel .xlsx workbook (it looks like text: rename it to .csv)"),
    C("csv-named-json", f"{S} {{d}}/csv_named.json", 2, "{d}/csv_named.json: invalid JSON at line 1 column 1 "
      "(Expecting value); it does not start with [ or {: if it is CSV, rename it to .csv"),
    C("csv-named-jsonl", f"{S} {{d}}/csv_named.jsonl", 2, "{d}/csv_named.jsonl: line 1 is not a JSON object "
      "(Expecting value: line 1 column 1 (char 0)); it looks like CSV: rename it to .csv"),
    C("unknown-extension", f"{T} {{d}}/posts.doc -o {{o}}/m.authm", 2, "cannot read '.doc' files: use one of .csv "
      ".json .jsonl .ndjson .parquet .pq .tsv .txt .xlsm .xlsx"),
    # -- files: delimiters, quoting, ragged rows, duplicate columns -------------------------------------------------
    C("semicolon", f"{S} {{d}}/semicolon.csv -o {{o}}/out.csv", 0, statuses="ok ok"),
    C("pipe", f"{S} {{d}}/pipe.csv -o {{o}}/out.csv", 0, statuses="ok ok"),
    C("wrong-delimiter", f"{S} {{d}}/spaces.csv", 2, "{d}/spaces.csv: the first row has 2 fields but the header names "
      "1; check the delimiter (comma, tab, semicolon and | are recognised from the header line) or name every column "
      "in the header"),
    C("wrong-delimiter-later", f"{S} {{d}}/spaces_later.csv", 2, "{d}/spaces_later.csv: malformed CSV (Expected 1 "
      "fields in line 3, saw 2); check the delimiter: comma, tab, semicolon and | are recognised from the header "
      "line"),
    C("unnamed-first-column", f"{E} {{d}}/unnamed_column.csv", 2, "{d}/unnamed_column.csv: the first row has 3 fields "
      "but the header names 2; check the delimiter (comma, tab, semicolon and | are recognised from the header line) "
      "or name every column in the header"),
    C("trailing-delimiter", f"{S} {{d}}/trailing_comma.csv -o {{o}}/out.csv", 0, statuses="ok ok"),
    C("quoted-newlines", f"{S} {{d}}/quoted_newlines.csv -o {{o}}/out.jsonl", 0, statuses="ok ok"),
    C("ragged-score", f"{S} {{d}}/ragged.csv", 2,
      "{d}/ragged.csv: malformed CSV (Expected 2 fields in line 4, saw 3); fix it or pass --skip-bad-lines"),
    C("ragged-skip", f"{S} {{d}}/ragged.csv --skip-bad-lines -o {{o}}/out.csv", 0, statuses="ok empty ok"),
    C("ragged-audit", f"{AB} {{d}}/ragged.csv", 2,
      "{d}/ragged.csv: malformed CSV (Expected 2 fields in line 4, saw 3); fix it or pass --skip-bad-lines"),
    C("ragged-audit-skip", f"{AB} {{d}}/ragged.csv --skip-bad-lines", 0, statuses="ok empty ok"),
    C("blank-lines-only", f"{S} {{d}}/blank_lines.csv", 2, "{d}/blank_lines.csv is empty: no header row and no data"),
    C("blank-lines-only-jsonl", f"{S} {{d}}/blank_lines.jsonl", 2, "{d}/blank_lines.jsonl has no rows and no columns"),
    C("duplicate-columns", f"{S} {{d}}/dup_cols.csv -o {{o}}/out.csv", 0, statuses="ok"),
    # -- files: huge fields and posts, NaN and numbers in the text column -------------------------------------------
    C("10mb-field", f"{S} {{d}}/big_field.csv -o {{o}}/out.parquet", 0, statuses="too_long ok"),
    C("100k-post", f"{S} {{d}}/long_post.csv -o {{o}}/out.csv", 0, statuses="ok too_long"),
    C("nan-numbers-csv", f"{S} {{d}}/na_numbers.csv -o {{o}}/out.csv", 0,
      statuses="empty not_text not_text empty empty ok empty not_text"),
    C("nan-numbers-jsonl", f"{S} {{d}}/na_numbers.jsonl -o {{o}}/out.jsonl", 0,
      statuses="not_text empty not_text ok empty empty"),
    C("nan-numbers-audit", f"{AB} {{d}}/campaign_statuses.csv", 0,
      statuses="ok empty ok not_text too_long ok empty"),
    C("no-text-audit", f"{AB} {{d}}/no_text.csv", 2, "none of the 2 posts has any text; check the text column "
      "('text')"),
    C("non-string-parquet", f"{S} {{d}}/int_text.parquet -o {{o}}/out.parquet", 0, statuses="not_text " * 3),
    C("non-string-parquet-evaluate", f"{E} {{d}}/int_text.parquet --label-col id", 2,
      "no row has both text and a label"),
    # -- files: Excel sheets, JSON shapes, a bad JSONL line ---------------------------------------------------------
    C("sheets-default", f"{S} {{d}}/sheets.xlsx", 2, "cannot find the text column in {d}/sheets.xlsx; columns are: "
      "note_about; name it with --text-col"),
    C("sheets-by-name", f"{S} {{d}}/sheets.xlsx --sheet posts -o {{o}}/out.xlsx", 0, statuses=OK5),
    C("sheets-by-number", f"{AB} {{d}}/sheets.xlsx --sheet 1", 0, statuses=OK5),
    C("sheets-unknown", f"{S} {{d}}/sheets.xlsx --sheet nope", 2,
      "{d}/sheets.xlsx has no sheet 'nope'; sheets are: cover, posts"),
    C("json-object", f"{S} {{d}}/object.json", 2, '{d}/object.json: expected a JSON list of records, got an object '
      '(keys: a, b); use a list like [{"text": ...}, ...] or JSON Lines (.jsonl)'),
    C("json-object-audit", f"{AB} {{d}}/object.json", 2, '{d}/object.json: expected a JSON list of records, got an '
      'object (keys: a, b); use a list like [{"text": ...}, ...] or JSON Lines (.jsonl)'),
    C("jsonl-bad-line", f"{S} {{d}}/bad_line.jsonl", 2, "{d}/bad_line.jsonl: line 2 is not a JSON object (Expecting "
      "value: line 1 column 19 (char 18)); fix it or pass --skip-bad-lines"),
    C("jsonl-bad-line-evaluate", f"{E} {{d}}/bad_line.jsonl", 2, "{d}/bad_line.jsonl: line 2 is not a JSON object "
      "(Expecting value: line 1 column 19 (char 18)); fix it or pass --skip-bad-lines"),
    C("jsonl-not-object", f"{S} {{d}}/not_object.jsonl", 2, "{d}/not_object.jsonl: line 3 is not a JSON object "
      "(a JSON list, not an object); fix it or pass --skip-bad-lines"),
    C("jsonl-named-json", f"{S} {{d}}/jsonl_named.json", 2, "{d}/jsonl_named.json: invalid JSON at line 2 column 1 "
      "(Extra data); it holds several JSON values: if it is JSON Lines (one object per line), rename it to .jsonl"),
    C("json-scalar", f"{S} {{d}}/scalar.json", 2, "{d}/scalar.json: expected a JSON list of records, got a JSON int"),
    C("json-not-records", f"{S} {{d}}/mixed_list.json", 2, "{d}/mixed_list.json: record 2 is not a JSON object"),
    C("json-too-deep", f"{S} {{d}}/deep.json", 2, "{d}/deep.json: JSON nested too deeply to read"),
    C("parquet-damaged", f"{S} {{d}}/damaged.parquet", 2, "cannot read {d}/damaged.parquet as Parquet (Couldn't "
      "deserialize thrift: No more data to read.)"),
    C("xlsx-named-parquet", f"{S} {{d}}/xlsx_named.parquet", 2, "{d}/xlsx_named.parquet is not a Parquet file (it "
      "looks like an Excel workbook or a zip archive: rename a workbook to .xlsx)"),
    C("xlsx-empty-sheet", f"{S} {{d}}/empty_sheet.xlsx", 2, "cannot find the text column in {d}/empty_sheet.xlsx; "
      "columns are: (none); name it with --text-col"),
    C("jsonl-bad-line-skip", f"{S} {{d}}/bad_line.jsonl --skip-bad-lines -o {{o}}/out.csv", 0, statuses="ok ok"),
    # -- encodings ---------------------------------------------------------------------------------------------------
    C("utf8-bom", f"{S} {{d}}/utf8_bom.csv -o {{o}}/out.csv", 0, statuses="ok ok ok"),
    C("gb18030", f"{S} {{d}}/gb18030.csv -o {{o}}/out.csv", 0, statuses="ok ok ok"),
    C("gbk-audit", f"{AB} {{d}}/gbk.csv", 0, statuses="ok ok ok"),
    C("utf16le", f"{S} {{d}}/utf16le.csv -o {{o}}/out.csv", 0, statuses="ok ok ok"),
    C("utf16be-audit", f"{AB} {{d}}/utf16be.csv", 0, statuses="ok ok ok"),
    C("utf16-bom", f"{S} {{d}}/utf16.csv -o {{o}}/out.tsv", 0, statuses="ok ok ok"),
    C("big5-auto", f"{S} {{d}}/big5.csv", 2, "cannot decode {d}/big5.csv reliably: it looks like Big5 (traditional "
      "Chinese): name it with --encoding big5, or save it as UTF-8"),
    C("big5-auto-audit", f"{AB} {{d}}/big5.csv", 2, "cannot decode {d}/big5.csv reliably: it looks like Big5 "
      "(traditional Chinese): name it with --encoding big5, or save it as UTF-8"),
    C("big5-named", f"{S} {{d}}/big5.csv --encoding big5 -o {{o}}/out.csv", 0, statuses="ok ok ok"),
    C("big5-draft", f"{K} {{d}}/draft_big5.txt", 2, "cannot decode draft {d}/draft_big5.txt reliably: it looks like "
      "Big5 (traditional Chinese): name it with --encoding big5, or save it as UTF-8"),
    C("big5-draft-named", f"{K} {{d}}/draft_big5.txt --encoding big5", 0),
    C("big5-brief-audit", f"{A} {{d}}/big5.csv --brief {{d}}/big5_brief.md --encoding big5", 0, statuses="ok ok ok"),
    C("latin1-auto", f"{S} {{d}}/latin1.csv", 2, "cannot decode {d}/latin1.csv reliably: it looks like "
      "Latin-1/Windows-1252 (accented Latin letters): name it with --encoding cp1252, or save it as UTF-8"),
    C("latin1-draft", f"{K} {{d}}/draft_latin1.txt", 2, "cannot decode draft {d}/draft_latin1.txt reliably: it looks "
      "like Latin-1/Windows-1252 (accented Latin letters): name it with --encoding cp1252, or save it as UTF-8"),
    C("latin1-as-utf8", f"{S} {{d}}/latin1.csv --encoding utf-8", 2, "cannot decode {d}/latin1.csv as utf-8 (byte "
      "offset 16); save it as UTF-8 or name its encoding with --encoding"),
    C("latin1-as-utf8-check", f"{K} {{d}}/draft_latin1.txt --encoding utf-8", 2, "cannot decode draft "
      "{d}/draft_latin1.txt as utf-8 (byte offset 6); save it as UTF-8 or name its encoding with --encoding"),
    C("latin1-named", f"{S} {{d}}/latin1.csv --encoding cp1252 -o {{o}}/out.csv", 0, statuses="ok ok"),
    C("mixed-line-endings", f"{S} {{d}}/mixed_eol.csv -o {{o}}/out.csv", 0, statuses="ok ok ok"),
    C("unknown-encoding", f"{S} {{d}}/posts.csv --encoding klingon", 2, "unknown encoding 'klingon'; use a codec name "
      "such as utf-8, gb18030, big5, utf-16 or cp1252"),
    C("unknown-encoding-check", f"{K} {{d}}/draft.txt --encoding klingon", 2, "unknown encoding 'klingon'; use a "
      "codec name such as utf-8, gb18030, big5, utf-16 or cp1252"),
    C("unknown-encoding-stdin", f"{S} - --encoding klingon", 2, "unknown encoding 'klingon'; use a codec name such as "
      "utf-8, gb18030, big5, utf-16 or cp1252", stdin=POSTS.encode()),
    C("stdin-empty", f"{S} -", 2, "standard input is empty", stdin=b""),
    C("stdin-bad-bytes", f"{S} - --encoding utf-8", 2, "cannot decode standard input as utf-8 (byte offset 16); "
      "save it as UTF-8 or name its encoding with --encoding", stdin="id,text\n1,the crème brûlée\n".encode("latin-1")),
    C("jsonl-bad-bytes", f"{S} {{d}}/latin1.jsonl --encoding utf-8", 2, "cannot decode {d}/latin1.jsonl as utf-8 (byte "
      "offset 22); save it as UTF-8 or name its encoding with --encoding"),
    C("stdin-gbk", f"{S} -", 0, statuses=OK5, stdin=POSTS.encode("gb18030")),
    # -- outputs -----------------------------------------------------------------------------------------------------
    C("out-dir-missing-score", f"{S} {{d}}/posts.csv -o {{o}}/nodir/out.csv", 2,
      "output directory {o}/nodir does not exist; create it first"),
    C("out-dir-missing-train", f"{T} {{d}}/labeled.csv -o {{o}}/nodir/m.authm", 2,
      "output directory {o}/nodir does not exist; create it first"),
    C("out-dir-missing-audit", f"{AB} {{d}}/campaign.csv -o {{o}}/nodir/r.html", 2,
      "output directory {o}/nodir does not exist; create it first"),
    C("out-is-input-audit", f"{A} {{d}}/campaign.csv --brief {{d}}/brief.html -o {{d}}/brief.html --force", 2,
      "refusing to overwrite the input file {d}/brief.html; choose another output path"),
    C("out-is-input-train", f"{T} {{d}}/labeled.csv -o {{d}}/labeled.csv --force", 2,
      "a model file name ends in .authm: give -o a name such as model.authm (got 'labeled.csv')"),
    C("out-exists-score", f"{S} {{d}}/posts.csv -o {{d}}/existing.csv", 2,
      "{d}/existing.csv already exists; pass --force to overwrite it"),
    C("out-exists-train", f"{T} {{d}}/labeled.csv -o {{d}}/existing.authm", 2,
      "{d}/existing.authm already exists; pass --force to overwrite it"),
    C("out-exists-audit", f"{AB} {{d}}/campaign.csv -o {{d}}/existing.html", 2,
      "{d}/existing.html already exists; pass --force to overwrite it"),
    C("out-unknown-format", f"{S} {{d}}/posts.csv -o {{o}}/out.txt", 2,
      "cannot write '.txt' files: use one of .csv .json .jsonl .ndjson .parquet .pq .tsv .xlsx"),
    C("out-is-directory", f"{S} {{d}}/posts.csv -o {{d}}/folder.csv", 2,
      "{d}/folder.csv is a directory; give an output file name"),
    # -- briefs ------------------------------------------------------------------------------------------------------
    C("brief-empty-check", f"{K} {{d}}/draft.txt --brief {{d}}/empty.md", 2, "brief {d}/empty.md is empty"),
    C("brief-empty-audit", f"{A} {{d}}/campaign.csv --brief {{d}}/blank.md", 2, "brief {d}/blank.md is empty"),
    C("brief-invisible-audit", f"{A} {{d}}/campaign.csv --brief {{d}}/invisible.md", 2,
      "brief {d}/invisible.md has no visible text (only control or formatting characters)"),
    C("brief-huge-check", f"{K} {{d}}/draft.txt --brief {{d}}/huge.md", 2,
      "brief {d}/huge.md is too long: 200,001 characters (limit 200,000)"),
    C("brief-huge-audit", f"{A} {{d}}/campaign.csv --brief {{d}}/huge.md", 2,
      "brief {d}/huge.md is too long: 200,001 characters (limit 200,000)"),
    C("brief-huge-bytes", f"{A} {{d}}/campaign.csv --brief {{d}}/huge_bytes.md", 2,
      "brief {d}/huge_bytes.md is too long: over 800,004 bytes (limit 200,000 characters)"),
    C("brief-binary-check", f"{K} {{d}}/draft.txt --brief {{d}}/binary.md", 2,
      "brief {d}/binary.md looks like a binary file, not a text file"),
    C("brief-binary-audit", f"{A} {{d}}/campaign.csv --brief {{d}}/binary.md", 2,
      "brief {d}/binary.md looks like a binary file, not a text file"),
    C("brief-hashtags-check", f"{K} {{d}}/draft.txt --brief {{d}}/hashtags.md", 0),
    C("brief-hashtags-audit", f"{A} {{d}}/utf8_bom.csv --brief {{d}}/hashtags.md", 0, statuses="ok ok ok"),
    C("brief-stdin-both", f"{A} - --brief -", 2, "POSTS and --brief cannot both be standard input; give at least one "
      "as a file", stdin=POSTS.encode()),
    # -- drafts ------------------------------------------------------------------------------------------------------
    C("draft-invisible", f"{K} {{d}}/draft_invisible.txt", 2,
      "draft {d}/draft_invisible.txt has no visible text (only control or formatting characters)"),
    C("draft-invisible-stdin", K, 2, "draft standard input has no visible text (only control or formatting "
      "characters)", stdin="\u200b\u200f\n".encode()),
    C("draft-hashtags", f"{K} {{d}}/draft_hashtags.txt", 0),
    # -- limits ------------------------------------------------------------------------------------------------------
    C("audit-rows-cap", f"{AB} {{d}}/campaign.csv", 2, "{d}/campaign.csv has more than 10 rows, the limit; audit one "
      "campaign at a time", patch=(("authenticity.audit", "MAX_POSTS", 10),)),
    C("train-rows-cap", f"{T} {{d}}/labeled.csv -o {{o}}/m.authm", 2, "{d}/labeled.csv has more than 20 rows, the "
      "limit; use a random sample", patch=(("authenticity.training", "MAX_ROWS", 20),)),
    C("evaluate-rows-cap", f"{E} {{d}}/labeled.csv", 2, "{d}/labeled.csv has more than 20 rows, the limit; use a "
      "random sample", patch=(("authenticity.training", "MAX_ROWS", 20),)),
    # -- usage ---------------------------------------------------------------------------------------------------------
    C("jobs-zero", f"{S} {{d}}/posts.csv -j 0", 2, "--jobs must be at least 1, got 0"),
    C("chunk-size-zero", f"{S} {{d}}/posts.csv --chunk-size 0", 2, "--chunk-size must be at least 1, got 0"),
    C("reasons-negative", f"{S} {{d}}/posts.csv --reasons -1", 2, "--reasons must be 0 or more, got -1"),
    C("scheduler-without-dask", f"{S} {{d}}/posts.csv --scheduler tcp://x:1", 2,
      "--scheduler and --partitions need --engine dask"),
    C("dask-to-stdout", f"{S} {{d}}/posts.csv --engine dask", 2, "--engine dask needs an output file (-o OUT)"),
    C("train-C-zero", "train {d}/labeled.csv --C 0 -o {o}/m.authm", 2, "--C must be positive, got 0.0"),
    # -- the happy paths the rows above refuse -----------------------------------------------------------------------
    C("train-skips-bad-rows", "train --cv 0 --C 4 {d}/labeled.csv -o {o}/m.authm --json", 0),
    C("evaluate-utf16be", f"{E} {{d}}/labeled_utf16be.csv --json", 0),
    C("evaluate-text-report", f"{E} {{d}}/labeled.csv", 0),
]
# -- models: every verb that loads one refuses each hostile file, and nothing in it runs --------------------------
CASES += [C(f"model-{kind}-{verb}", f"{cmd} -m {{bad}}/{kind}.authm", 2, msg)
          for kind, msg in BAD_MODELS.items() for verb, cmd in MODEL_VERBS.items()]
# -- models: one row for each other way a model file can be damaged (crafted by _crafted_models) --------------------
CRAFTED = {
    "wrong_magic": "{bad}/wrong_magic.authm is not an authenticity model file (wrong magic)",
    "no_version": "{bad}/no_version.authm is damaged: no format version",
    "version_zero": "{bad}/version_zero.authm has an unknown model format version 0",
    "big_manifest": "{bad}/big_manifest.authm: member manifest.json is too large (2097152 bytes)",
    "extra_array": "{bad}/extra_array.authm is damaged: unexpected arrays (char_idf.npy, coef.npy, evil.npy, "
                   "signal_mean.npy, signal_scale.npy, word_idf.npy)",
    "many_buckets": "{bad}/many_buckets.authm is damaged: 33554432 character buckets (at most 16777216)",
    "other_signals": "{bad}/other_signals.authm uses style signals this version does not compute; retrain it with "
                     "this version",
    "vocab_object": "{bad}/vocab_object.authm is damaged: vocabulary is not a list of strings",
    "vocab_deep": "{bad}/vocab_deep.authm is damaged: its vocabulary is not a list of strings",
    "three_labels": "{bad}/three_labels.authm is damaged: expected two labels, got ('a', 'b', 'c')",
    "nan_array": "{bad}/nan_array.authm is damaged: array coef has the wrong shape or values",
    "unknown_config": "{bad}/unknown_config.authm is damaged or incompatible (TypeError: FeatureConfig.__init__() got "
                      "an unexpected keyword argument 'evil')",
}
CASES += [C(f"model-{kind}", f"{K} {{d}}/draft.txt -m {{bad}}/{kind}.authm", 2, msg) for kind, msg in CRAFTED.items()]


def _fill(text: str, fmt: dict[str, Path]) -> str:
    for k, v in fmt.items():
        text = text.replace("{" + k + "}", str(v))
    return text


def _run(case: Case, d: Path, o: Path, m: Path, capsys: pytest.CaptureFixture[str],
         monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    fmt = {"d": d, "o": o, "m": m, "bad": d / "models"}
    argv = [_fill(a, fmt) for a in case.argv]
    for module, name, value in case.patch:
        monkeypatch.setattr(f"{module}.{name}", value)
    if case.stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(case.stdin)))
    try:
        rc = main(argv)
    except SystemExit as exc:  # argparse
        rc = int(exc.code or 0)
    out, err = capsys.readouterr()
    return rc, out, err


def _statuses(case: Case, argv: list[str], out: str, o: Path) -> list[str]:
    if argv[0] == "audit":
        posts = json.loads(out)["posts"]
        assert [p["row"] for p in posts] == list(range(len(posts)))
        return [p["status"] for p in posts]
    if "-o" in argv:
        path = Path(argv[argv.index("-o") + 1])
        df = read_table(path) if path.suffix != ".csv" else pd.read_csv(path, dtype=str, keep_default_na=False,
                                                                         encoding="utf-8-sig")
    else:
        df = pd.read_csv(io.StringIO(out), dtype=str, keep_default_na=False)
    assert {"p_scripted", "status"} <= set(df.columns), list(df.columns)
    if "id" in df.columns and len(df):  # every input row, in input order
        assert [int(float(i)) for i in df["id"]] == sorted(int(float(i)) for i in df["id"])
    return [str(s) for s in df["status"]]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case: Case, d: Path, tmp_path: Path, small_model_path: Path, capsys: pytest.CaptureFixture[str],
              monkeypatch: pytest.MonkeyPatch) -> None:
    rc, out, err = _run(case, d, tmp_path, small_model_path, capsys, monkeypatch)
    fmt = {"d": d, "o": tmp_path, "m": small_model_path, "bad": d / "models"}
    assert "Traceback" not in err
    assert rc == case.rc, err
    lines = err.splitlines()
    if case.err is not None:
        verb = case.argv[0]
        assert lines and lines[-1] == f"authenticity {verb}: error: {_fill(case.err, fmt)}"
        assert all(line.startswith(("note:", "warning:")) for line in lines[:-1]), err
    else:
        assert not any("error" in line for line in lines), err
    if case.statuses is not None:
        argv = [_fill(a, fmt) for a in case.argv]
        assert _statuses(case, argv, out, tmp_path) == list(case.statuses)
    assert not (d / "models" / "pwned").exists()  # no hostile model ran code
    leftovers = [p.name for p in tmp_path.rglob("*") if p.name.startswith(".")]
    assert not leftovers  # no temporary file is left behind


# -- faults the table cannot express ----------------------------------------------------------------------------


WRITERS = {
    "score": ("score -j 1 -q -m {m} {d}/posts.csv -o {o}/out.csv", "{o}/out.csv"),
    "train": ("train --cv 0 --C 4 -q {d}/labeled.csv -o {o}/m.authm", "{o}/m.authm"),
    "audit": ("audit -q -m {m} {d}/campaign.csv --brief {d}/brief.md -o {o}/r.html", "{o}/r.html"),
}


@pytest.mark.parametrize("verb", WRITERS)
def test_read_only_output_directory(verb: str, d: Path, tmp_path: Path, small_model_path: Path,
                                    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A read-only directory is refused before any work. Tests run as root, which ignores permissions, so
    ``os.access`` is made to say what it says for a read-only directory."""
    cmd = WRITERS[verb][0]
    fmt = {"d": d, "o": tmp_path, "m": small_model_path}
    real = os.access
    monkeypatch.setattr(authenticity.io.os, "access", lambda p, mode: False if Path(p) == tmp_path else real(p, mode))
    assert main(cmd.format(**fmt).split()) == 2
    assert capsys.readouterr().err == f"authenticity {verb}: error: output directory {tmp_path} is not writable\n"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("verb", WRITERS)
@pytest.mark.parametrize(("fault", "rc", "message"), [
    (PermissionError(13, "Permission denied"), 2, "cannot write {out}: Permission denied"),
    (OSError(28, "No space left on device"), 2, "cannot write {out}: No space left on device"),
    (KeyboardInterrupt(), 130, None),
])
def test_failed_or_interrupted_write_leaves_nothing(verb: str, fault: BaseException, rc: int, message: str | None,
                                                    d: Path, tmp_path: Path, small_model_path: Path,
                                                    small_model: Model,
                                                    capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The final rename fails (read-only directory, full disk) or Ctrl-C arrives: no output, no temporary file."""
    cmd, out = WRITERS[verb]
    fmt = {"d": d, "o": tmp_path, "m": small_model_path}
    # training is not what is tested here: skip it
    monkeypatch.setattr("authenticity.training.train_table", lambda *a, **k: (small_model, {}))

    def fail(src: object, dst: object) -> None:
        raise fault

    monkeypatch.setattr(os, "replace", fail)
    assert main(cmd.format(**fmt).split()) == rc
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("\n") == 1
    if message:
        out_path = out.format(**fmt)
        expect = message.format(out=out_path).replace("cannot write", "cannot write model file" if verb == "train"
                                                      else "cannot write")
        assert err == f"authenticity {verb}: error: {expect}\n"
    assert list(tmp_path.iterdir()) == []


def test_writer_turns_os_errors_into_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The temporary file cannot be created (a read-only directory as a non-root user) or a write fails."""
    real_open = open

    def deny(path: object, *args: object, **kwargs: object) -> object:
        if str(path).endswith(".part"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr("builtins.open", deny)
    with pytest.raises(OutputError, match=r"cannot write .*out.csv: Permission denied"):
        with TableWriter(tmp_path / "out.csv") as w:
            w.write(pd.DataFrame({"text": ["a"]}))
    monkeypatch.setattr("builtins.open", real_open)
    with pytest.raises(OutputError, match="No space left on device"):
        with TableWriter(tmp_path / "out.jsonl") as w:
            w._fh.write = lambda s: (_ for _ in ()).throw(OSError(28, "No space left on device"))
            w.write(pd.DataFrame({"text": ["a"]}))
    assert list(tmp_path.iterdir()) == []


def test_jsonl_keys_that_come_and_go_keep_every_column_in_place(small_model: Model, tmp_path: Path) -> None:
    """Records with different keys, across chunk boundaries: every output row keeps its own values in its columns."""
    from authenticity.scoring import score_file

    rows = ([{"id": i, "text": "用了两周，干皮够用", "a": 1} for i in range(3)]
            + [{"id": i, "text": "great, but pricey", "b": "x"} for i in range(3, 6)]
            + [{"id": 6, "text": None, "a": 2.5, "b": None}])
    src = tmp_path / "drift.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    for ext in (".csv", ".jsonl", ".parquet", ".xlsx", ".json"):
        out = tmp_path / f"out{ext}"
        score_file(src, out, model=small_model, jobs=1, chunk_size=2)
        back = read_table(out)
        assert list(back.columns)[:4] == ["id", "text", "a", "b"], ext
        assert [int(float(i)) for i in back.id] == list(range(7))
        assert back.status.tolist() == ["ok"] * 6 + ["empty"], ext
        b = back.b.tolist()
        assert [str(v) for v in b[3:6]] == ["x"] * 3 and all(pd.isna(v) or v == "" for v in b[:3]), ext
        assert [float(v) for v in back.a.tolist()[:3]] == [1.0] * 3, ext


def test_parquet_output_with_a_column_that_changes_type(small_model: Model, tmp_path: Path) -> None:
    """JSON Lines columns whose values change type between chunks: one type in the Parquet file (text when text and
    numbers mix, floats when integers and floats do)."""
    from authenticity.scoring import score_file

    src = tmp_path / "in.jsonl"
    for values, expect in (((1, 2, "abc"), ["1", "2", "abc"]), (("abc", 1, 2.5, None), ["abc", "1", "2.5", None]),
                           ((1, 2, 2.5, None), [1.0, 2.0, 2.5, None])):
        src.write_text("".join(json.dumps({"text": "好用", "n": v}) + "\n" for v in values), "utf-8")
        score_file(src, tmp_path / "out.parquet", model=small_model, jobs=1, chunk_size=2)
        back = pd.read_parquet(tmp_path / "out.parquet").n.tolist()
        assert [None if pd.isna(v) else v for v in back] == expect
    # a column whose type cannot hold later rows, given to the writer directly: refused, nothing left behind
    with pytest.raises(OutputError, match=r"column 'n' is int64 in the first rows and .*string later"):
        with TableWriter(tmp_path / "bad.parquet") as w:
            w.write(pd.DataFrame({"n": [1, 2]}))
            w.write(pd.DataFrame({"n": ["abc", "d"]}))
    assert not (tmp_path / "bad.parquet").exists() and not list(tmp_path.glob(".*"))


def test_xlsx_output_drops_what_excel_cannot_hold(small_model: Model, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from authenticity.scoring import score_file

    src = tmp_path / "in.csv"
    src.write_text('text\n"bad \x01\x02 control chars, still a post"\nfine post\n', "utf-8")
    score_file(src, tmp_path / "out.xlsx", model=small_model, jobs=1)
    back = read_table(tmp_path / "out.xlsx")
    assert back.text.tolist() == ["bad  control chars, still a post", "fine post"]
    assert back.status.tolist() == ["ok", "ok"]
    assert "1 cells of" in capsys.readouterr().err


def test_caps_in_the_library(small_model: Model, monkeypatch: pytest.MonkeyPatch) -> None:
    """The library enforces the same caps as the command line, with the same kind of message."""
    import authenticity.audit as audit
    import authenticity.training as training
    from authenticity.audit import audit_campaign
    from authenticity.brief import MAX_BRIEF_CHARS

    with pytest.raises(InputError, match="the brief is too long: 200,001 characters"):
        audit_campaign(["用了两周"], "x" * (MAX_BRIEF_CHARS + 1), model=small_model)
    monkeypatch.setattr(audit, "MAX_POSTS", 3)
    with pytest.raises(InputError, match="4 posts in one campaign; at most 3 are audited"):
        audit_campaign(["用了两周"] * 4, "brief", model=small_model)
    with pytest.raises(InputError, match="4 posts in one campaign"):
        audit_campaign(pd.DataFrame({"text": ["用了两周"] * 4}), "brief", model=small_model)
    with pytest.raises(InputError, match="got a mapping"):
        audit_campaign({"text": "用了两周"}, "brief", model=small_model)  # type: ignore[arg-type]
    monkeypatch.setattr(training, "MAX_ROWS", 3)
    with pytest.raises(InputError, match="the training data has 4 rows; at most 3 are read"):
        training.train_table(pd.DataFrame({"text": ["a"] * 4, "label": ["1"] * 4}), text_col="text",
                             label_col="label")


def test_huge_inputs_are_refused_without_reading_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A text file far over its cap is refused after reading at most the cap's worth of bytes; a table over its
    row cap is refused as soon as the cap is passed, not after reading all of it."""
    big = tmp_path / "big.md"
    big.write_bytes(b"x" * 5_000_000)
    reads: list[int] = []
    real_open = open

    class Spy(io.BufferedReader):
        def read(self, n: int | None = -1) -> bytes:  # type: ignore[override]
            data = super().read(n)
            reads.append(len(data))
            return data

    def spy_open(path: object, mode: str = "r", *args: object, **kwargs: object) -> object:
        if str(path) == str(big) and mode == "rb":
            return Spy(io.FileIO(str(path)))
        return real_open(path, mode, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr("builtins.open", spy_open)
    with pytest.raises(InputError, match="too long: over 4,004 bytes"):
        read_text_file(big, what="brief", max_chars=1000)
    assert sum(reads) <= 4_005
    monkeypatch.setattr("builtins.open", real_open)
    rows = tmp_path / "rows.csv"
    rows.write_text("text\n" + "a post\n" * 200_000, "utf-8")
    chunks: list[int] = []
    real_iter = authenticity.io.iter_table

    def counting(*args: object, **kwargs: object) -> object:
        for c in real_iter(*args, **kwargs):  # type: ignore[arg-type]
            chunks.append(len(c))
            yield c

    monkeypatch.setattr(authenticity.io, "iter_table", counting)
    with pytest.raises(InputError, match="has more than 100 rows, the limit"):
        read_table(rows, max_rows=100)
    assert sum(chunks) <= 202


def test_output_checks_for_models_and_reports(tmp_path: Path) -> None:
    """check_output(table=False) takes any extension (a model, a report) with the same protections."""
    assert check_output(tmp_path / "m.authm", [], table=False) == tmp_path / "m.authm"
    with pytest.raises(InputError, match=r"cannot write '\.authm' files"):
        check_output(tmp_path / "m.authm", [])


def test_writer_edge_cases(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No rows at all, columns that appear late, lists next to text, and Excel's row limit."""
    with TableWriter(tmp_path / "none.parquet"):
        pass
    assert len(pd.read_parquet(tmp_path / "none.parquet")) == 0
    with pytest.raises(OutputError, match=r"later rows have columns the first rows do not \(b\)"):
        with TableWriter(tmp_path / "late.csv") as w:
            w.write(pd.DataFrame({"a": [1]}))
            w.write(pd.DataFrame({"a": [2], "b": [3]}))
    with TableWriter(tmp_path / "fewer.csv") as w:  # a column missing from a later chunk is written empty
        w.write(pd.DataFrame({"a": [1], "b": ["x"]}))
        w.write(pd.DataFrame({"a": [2]}))
    assert (tmp_path / "fewer.csv").read_text("utf-8-sig") == "a,b\n1,x\n2,\n"
    with TableWriter(tmp_path / "lists.parquet") as w:
        w.write(pd.DataFrame({"v": ["text", None]}))
        w.write(pd.DataFrame({"v": [["a", "list"], "text"]}))
    assert pd.read_parquet(tmp_path / "lists.parquet").v.tolist()[2:] == ["['a', 'list']", "text"]
    monkeypatch.setattr(authenticity.io, "XLSX_MAX_ROWS", 3)
    with pytest.raises(OutputError, match=r"an Excel sheet holds at most 3 rows; write \.csv or \.parquet instead"):
        with TableWriter(tmp_path / "big.xlsx") as w:
            for _ in range(3):
                w.write(pd.DataFrame({"text": ["a", "b"]}))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fewer.csv", "lists.parquet", "none.parquet"]


def test_save_model_refuses_bad_paths(small_model: Model, tmp_path: Path) -> None:
    from authenticity.errors import ModelFormatError
    from authenticity.features import Featurizer
    from authenticity.persist import save_model

    with pytest.raises(OutputError, match=r"is a directory; give a file name such as model\.authm"):
        save_model(small_model, tmp_path)
    with pytest.raises(OutputError, match=r"output directory .* does not exist"):
        save_model(small_model, tmp_path / "no" / "m.authm")
    untrained = Model(featurizer=Featurizer(), coef=small_model.coef, intercept=0.0, calib_a=1.0, calib_b=0.0)
    with pytest.raises(ModelFormatError, match="cannot save an untrained model"):
        save_model(untrained, tmp_path / "m.authm")


@pytest.mark.parametrize(("fault", "verb", "rc", "message"), [
    (MemoryError(), "score", 2, "authenticity score: error: out of memory; use a smaller --chunk-size"),
    (MemoryError(), "audit", 2, "authenticity audit: error: out of memory; give it less data"),
    (BrokenPipeError(), "score", 0, ""),
    ("SIGTERM", "check", 143, "authenticity check: terminated"),
    (KeyboardInterrupt(), "train", 130, "authenticity train: interrupted"),
])
def test_faults_in_any_verb_are_one_line(fault: object, verb: str, rc: int, message: str, d: Path,
                                         capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Out of memory, a closed pipe (``| head``), SIGTERM and Ctrl-C map to their exit codes without a traceback."""
    import signal

    def run(args: object) -> int:
        if fault == "SIGTERM":
            os.kill(os.getpid(), signal.SIGTERM)  # the handler main() installs turns it into an exception
        raise fault  # type: ignore[misc]

    monkeypatch.setattr(f"authenticity.cli.{verb}.run", run)
    argv = {"score": [str(d / "posts.csv")], "audit": [str(d / "campaign.csv"), "--brief", str(d / "brief.md")],
            "check": [str(d / "draft.txt")], "train": [str(d / "labeled.csv")]}[verb]
    with open(os.devnull, "w") as devnull:
        if isinstance(fault, BrokenPipeError):  # main() points stdout at /dev/null: give it a descriptor to replace
            monkeypatch.setattr(sys, "stdout", devnull)
        assert main([verb, *argv]) == rc
    err = capsys.readouterr().err
    assert err == (message + "\n" if message else "")


def test_multiprocess_scoring_stops_cleanly_on_a_bad_line(small_model: Model, tmp_path: Path) -> None:
    """A malformed line after the first batches went to the workers: one-line error, no output, no temporary file."""
    from authenticity.scoring import score_file

    src = tmp_path / "in.csv"
    src.write_text("id,text\n" + "".join(f"{i},用了{i}天 honest notes\n" for i in range(900)) + '901,"a",extra\n',
                   "utf-8")
    with pytest.raises(InputError, match="malformed CSV"):
        score_file(src, tmp_path / "out.csv", model=small_model, jobs=2, chunk_size=300)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


def test_progress_bar_goes_to_stderr(small_model: Model, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from authenticity.scoring import score_file

    src = tmp_path / "in.csv"
    src.write_text("text\n" + "用了两周 honest notes\n" * 50, "utf-8")
    s = score_file(src, tmp_path / "out.csv", model=small_model, jobs=1, progress=True)
    err = capsys.readouterr().err
    assert err.startswith("\rscored ") and err.endswith("rows/s\n") and s.rows == 50 and s.rows_per_second > 0


def test_dask_row_count_pass_reports_no_bad_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--engine dask --partitions counts rows first; only the scoring pass may report a skipped line."""
    pytest.importorskip("dask")
    from authenticity.dask import _count_rows

    p = tmp_path / "bad.csv"
    p.write_text('text,n\n好用,1\n"a,b",2,3\nok,4\n', encoding="utf-8")
    assert _count_rows(p, None, skip_bad_lines=True) == 2
    assert "skipped" not in capsys.readouterr().err
