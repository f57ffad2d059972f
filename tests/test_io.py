from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from authenticity.errors import InputError, OutputError
from authenticity.io import TableWriter, check_output, detect_encoding, find_column, iter_table, read_table

ROWS = [{"id": "1", "text": "用了两周，干皮够用"}, {"id": "2", "text": "best serum ever, link in bio"},
        {"id": "3", "text": "第三行, with a comma"}]


def _csv(path: Path, encoding: str = "utf-8", sep: str = ",") -> Path:
    pd.DataFrame(ROWS).to_csv(path, index=False, encoding=encoding, sep=sep)
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le", "utf-16-be"])
def test_encodings_are_detected(tmp_path: Path, encoding: str) -> None:
    p = _csv(tmp_path / "x.csv", encoding)
    df = read_table(p)
    assert df.text.tolist() == [r["text"] for r in ROWS]


def test_unknown_encoding_is_a_clear_error(tmp_path: Path) -> None:
    p = tmp_path / "latin.csv"
    p.write_bytes("text\ncaf\xe9 cr\xe8me \xe0 la\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8, UTF-16 or GB18030"):
        read_table(p)
    assert read_table(p, encoding="latin-1").text[0] == "café crème à la"


def test_binary_file_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "x.csv"
    p.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(InputError, match="binary"):
        read_table(p)


@pytest.mark.parametrize("ext", [".tsv", ".jsonl", ".json", ".parquet", ".xlsx"])
def test_formats_round_trip(tmp_path: Path, ext: str) -> None:
    df = pd.DataFrame(ROWS)
    p = tmp_path / f"out{ext}"
    with TableWriter(p) as w:
        w.write(df.iloc[:2])
        w.write(df.iloc[2:])
    back = read_table(p)
    assert back.astype(str).to_dict("records") == ROWS


def test_chunks_come_in_order(tmp_path: Path) -> None:
    p = tmp_path / "big.csv"
    pd.DataFrame({"text": [f"post {i}" for i in range(1000)]}).to_csv(p, index=False)
    chunks = list(iter_table(p, chunksize=300))
    assert [len(c) for c in chunks] == [300, 300, 300, 100]
    assert pd.concat(chunks).text.tolist() == [f"post {i}" for i in range(1000)]


def test_values_stay_text(tmp_path: Path) -> None:
    p = tmp_path / "x.csv"
    p.write_text("id,text\n007,NaN\n008,\n", "utf-8")
    df = read_table(p)
    assert df.id.tolist() == ["007", "008"] and df.text.tolist() == ["NaN", ""]


def test_malformed_csv_line_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "bad.csv"
    p.write_text("id,text\n1,ok\n2,too,many,fields\n3,fine\n", "utf-8")
    with pytest.raises(InputError, match="line 3"):
        read_table(p)
    df = read_table(p, skip_bad_lines=True)
    assert df.id.tolist() == ["1", "3"]
    assert "line 3" in capsys.readouterr().err


def test_bad_jsonl_line(tmp_path: Path) -> None:
    p = tmp_path / "x.jsonl"
    p.write_text('{"text": "a"}\nnot json\n{"text": "b"}\n', "utf-8")
    with pytest.raises(InputError, match="line 2 is not a JSON object"):
        read_table(p)
    assert read_table(p, skip_bad_lines=True).text.tolist() == ["a", "b"]


def test_json_object_is_refused_unless_it_wraps_one_list(tmp_path: Path) -> None:
    p = tmp_path / "x.json"
    p.write_text(json.dumps({"a": 1, "b": 2}), "utf-8")
    with pytest.raises(InputError, match="expected a JSON list of records, got an object"):
        read_table(p)
    p.write_text(json.dumps({"posts": ROWS}), "utf-8")
    assert len(read_table(p)) == 3


def test_missing_empty_directory_and_extension(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        read_table(tmp_path / "nope.csv")
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        read_table(tmp_path / "empty.csv")
    with pytest.raises(InputError, match="is a directory"):
        read_table(tmp_path / ".")
    (tmp_path / "x.doc").write_text("text\nhello\n")
    with pytest.raises(InputError, match=r"cannot read '\.doc' files"):
        read_table(tmp_path / "x.doc")


def test_text_column_detection() -> None:
    assert find_column(pd.DataFrame(columns=["id", "正文"]), None) == "正文"
    assert find_column(pd.DataFrame(columns=["id", "Content"]), None) == "Content"
    with pytest.raises(InputError, match=r"cannot find the text column.*--text-col"):
        find_column(pd.DataFrame(columns=["id", "x"]), None)
    with pytest.raises(InputError, match="no column 'body'"):
        find_column(pd.DataFrame(columns=["id", "x"]), "body")


def test_duplicate_columns_are_renamed(tmp_path: Path) -> None:
    p = tmp_path / "dup.csv"
    p.write_text("text,text,id\na,b,1\n", "utf-8")
    assert list(read_table(p).columns) == ["text", "text.1", "id"]


def test_check_output_protects_inputs_and_existing_files(tmp_path: Path) -> None:
    src = _csv(tmp_path / "in.csv")
    with pytest.raises(OutputError, match="refusing to overwrite the input"):
        check_output(src, [src], force=True)
    with pytest.raises(OutputError, match="already exists; pass --force"):
        check_output(src, [])
    with pytest.raises(OutputError, match="does not exist"):
        check_output(tmp_path / "no" / "out.csv", [])
    assert check_output(tmp_path / "out.csv", [src]) == tmp_path / "out.csv"


def test_writer_leaves_nothing_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    with pytest.raises(RuntimeError), TableWriter(target) as w:
        w.write(pd.DataFrame(ROWS))
        raise RuntimeError("interrupted")
    assert list(tmp_path.iterdir()) == []


def test_detect_encoding_utf16_without_bom_chinese(tmp_path: Path) -> None:
    p = tmp_path / "x.csv"
    p.write_bytes("text\n用了两周\n干皮够用\n".encode("utf-16-le"))
    assert detect_encoding(p) == "utf-16-le"
