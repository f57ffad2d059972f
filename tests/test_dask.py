"""The Dask engine: identical to local scoring on a 2-worker local cluster, model shipped once per worker."""

from __future__ import annotations

import dataclasses
import logging
import os
import pickle
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

from authenticity.cli import main  # noqa: E402
from authenticity.dask import _score_partition, score, score_file_dask  # noqa: E402
from authenticity.errors import InputError, OutputError  # noqa: E402
from authenticity.io import TableWriter  # noqa: E402
from authenticity.model import Model  # noqa: E402
from authenticity.scoring import MAX_CHARS, score_file  # noqa: E402
from authenticity.scoring import score as local_score  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BAD = {
    3: "",
    10: "   \n ",
    17: "12345",
    25: "2024-01-01",
    31: "😀😀😀",
    40: "x" * (MAX_CHARS + 1),
    55: '第一行\n第二行, with "quotes", commas\r\nand a third line',
    56: "#ad #sponsored",
}


@pytest.fixture(scope="module")
def cluster() -> Iterator[distributed.LocalCluster]:
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR) as c:
        yield c


@pytest.fixture
def client(cluster: distributed.LocalCluster) -> Iterator[distributed.Client]:
    with distributed.Client(cluster) as c:
        yield c


@pytest.fixture(scope="module")
def mixed(corpus: pd.DataFrame) -> pd.DataFrame:
    """3,000 mixed zh / en / mixed posts with bad rows; its ``label`` and ``lang`` columns collide with ours."""
    df = corpus.sample(3000, random_state=7)[["id", "text", "lang", "label", "platform"]].reset_index(drop=True)
    for i, text in BAD.items():
        df.loc[i, "text"] = text
    return df


@pytest.fixture(scope="module")
def mixed_csv(mixed: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> Path:
    p = tmp_path_factory.mktemp("dask") / "posts.csv"
    mixed.to_csv(p, index=False)
    return p


@pytest.fixture(scope="module")
def local_csv(mixed_csv: Path, small_model: Model) -> tuple[Path, object]:
    out = mixed_csv.with_name("local.csv")
    summary = score_file(mixed_csv, out, model=small_model, jobs=1, chunk_size=1000)
    return out, summary


@pytest.fixture(scope="module")
def expected(mixed: pd.DataFrame, small_model: Model) -> pd.DataFrame:
    """Local scoring of ``mixed`` (the DataFrame API)."""
    return local_score(mixed, small_model)


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    """Values only: every column as Python objects, missing as None, a fresh index."""
    df = df.reset_index(drop=True).astype(object)
    return df.where(df.notna(), None)


def test_file_scoring_is_identical_to_local(mixed_csv: Path, local_csv: tuple[Path, object],
                                            cluster: distributed.LocalCluster, small_model: Model) -> None:
    local_out, local_summary = local_csv
    out = mixed_csv.with_name("dask.csv")
    summary = score_file_dask(mixed_csv, out, model=small_model, scheduler=cluster.scheduler_address,
                              partitions=7)
    assert out.read_bytes() == local_out.read_bytes()  # same rows, order, columns, values, bytes
    for field in ("rows", "scored", "scripted", "statuses"):
        assert getattr(summary, field) == getattr(local_summary, field)
    back = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(back.columns) == ["id", "text", "lang", "label", "platform", "p_scripted", "scored_label",
                                  "scored_lang", "status"]
    assert back.status[list(BAD)].tolist() == ["empty", "empty", "not_text", "not_text", "ok", "too_long", "ok",
                                               "ok"]
    assert back.text[55] == BAD[55]
    assert not list(out.parent.glob(".*.part"))


def test_parquet_directory_and_jsonl_outputs(mixed_csv: Path, expected: pd.DataFrame,
                                             cluster: distributed.LocalCluster, small_model: Model) -> None:
    out_dir = mixed_csv.parent / "scored.parquet"
    summary = score_file_dask(mixed_csv, f"{out_dir}/", model=small_model, scheduler=cluster.scheduler_address,
                              partitions=4)
    assert summary.rows == 3000
    assert sorted(p.name for p in out_dir.iterdir()) == [f"part.{i:06d}.parquet" for i in range(4)]
    back = pd.read_parquet(out_dir)
    pd.testing.assert_frame_equal(_plain(back), _plain(expected))
    assert dd.read_parquet(out_dir).npartitions == 4
    with pytest.raises(OutputError, match="already exists"):
        score_file_dask(mixed_csv, f"{out_dir}/", model=small_model, scheduler=cluster.scheduler_address)

    local_jsonl, dask_jsonl = mixed_csv.with_name("local.jsonl"), mixed_csv.with_name("dask.jsonl")
    with TableWriter(local_jsonl) as w:
        w.write(expected)
    score_file_dask(mixed_csv, dask_jsonl, model=small_model, scheduler=cluster.scheduler_address)
    assert dask_jsonl.read_bytes() == local_jsonl.read_bytes()


def test_dask_dataframe_api_matches_local(mixed: pd.DataFrame, expected: pd.DataFrame,
                                          client: distributed.Client, small_model: Model) -> None:
    ddf = dd.from_pandas(mixed, npartitions=6)
    scored = score(ddf, small_model)
    assert isinstance(scored, dd.DataFrame) and scored.npartitions == 6
    got = scored.compute()
    assert list(got.columns) == list(expected.columns)
    assert got.index.tolist() == list(range(len(mixed)))
    pd.testing.assert_frame_equal(_plain(got), _plain(expected))


def test_model_goes_to_each_worker_once(mixed: pd.DataFrame, client: distributed.Client,
                                        small_model: Model) -> None:
    ddf = dd.from_pandas(mixed[["id", "text"]].head(400), npartitions=8)
    scored = score(ddf, small_model)
    graph = dict(scored.__dask_graph__())
    model_bytes = len(pickle.dumps(small_model))
    # the 8 partition tasks refer to the scattered model by key: the graph does not carry the model
    assert len(pickle.dumps(graph)) < model_bytes / 2
    deps = set().union(*(getattr(task, "dependencies", ()) for task in graph.values()))
    keys = {k for k in deps if str(k).startswith("Model-")}
    assert len(keys) == 1  # every partition task depends on the one scattered model
    key = next(iter(keys))
    assert len(client.who_has()[key]) == 2  # one copy on each of the 2 workers

    def probe(df: pd.DataFrame, model: Model) -> pd.DataFrame:
        return pd.DataFrame({"pid": [os.getpid()], "model": [id(model)]})

    handle = distributed.Future(key)
    seen = ddf.map_partitions(probe, handle, meta={"pid": "int64", "model": "int64"}).compute()
    assert seen.groupby("pid").model.nunique().max() == 1  # one model object per worker process
    assert len(scored.compute()) == 400


def test_without_a_distributed_client_the_model_is_one_graph_key(mixed: pd.DataFrame, small_model: Model) -> None:
    with pytest.raises(ValueError):
        distributed.default_client()
    ddf = dd.from_pandas(mixed.head(300), npartitions=3)
    scored = score(ddf, small_model)
    graph = dict(scored.__dask_graph__())
    assert len(pickle.dumps(graph)) < 1.5 * len(pickle.dumps(small_model))
    got = scored.compute(scheduler="threads")
    pd.testing.assert_frame_equal(_plain(got), _plain(local_score(mixed.head(300), small_model)))


def test_arrow_strings_and_missing_values(small_model: Model) -> None:
    df = pd.DataFrame({"text": pd.array(["用了两周，干皮够用", None, ""], dtype="string[pyarrow]"), "n": [1, 2, 3]})
    out = _score_partition(df, "text", small_model, 0)
    assert out.status.tolist() == ["ok", "empty", "empty"]
    assert out.text.dtype == df.text.dtype and out.n.tolist() == [1, 2, 3]


def test_reasons_and_renamed_columns(mixed: pd.DataFrame, cluster: distributed.LocalCluster,
                                     small_model: Model, tmp_path: Path) -> None:
    src = tmp_path / "in.parquet"
    mixed.head(150).to_parquet(src)
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    score_file(src, a, model=small_model, jobs=1, reasons=3)
    score_file_dask(src, b, model=small_model, scheduler=cluster.scheduler_address, partitions=3, reasons=3)
    assert a.read_bytes() == b.read_bytes()
    assert "reasons" in pd.read_csv(b).columns


def test_cli_local_cluster_sized_to_the_machine(mixed_csv: Path, small_model_path: Path, small_model: Model,
                                                tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "few.csv"
    pd.read_csv(mixed_csv, dtype=str, keep_default_na=False).head(300).to_csv(src, index=False)
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    assert main(["score", str(src), "-o", str(a), "-j", "1", "-q", "--model", str(small_model_path)]) == 0
    assert main(["score", str(src), "-o", str(b), "--engine", "dask", "--partitions", "2", "--model",
                 str(small_model_path)]) == 0
    assert a.read_bytes() == b.read_bytes()
    err = capsys.readouterr().err
    assert re.search(r"scored 29\d of 300 rows .* → .*b\.csv", err), err


def test_refusals(mixed_csv: Path, small_model: Model, small_model_path: Path, tmp_path: Path,
                  capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(InputError, match="needs an output file"):
        score_file_dask(mixed_csv, None, model=small_model)
    with pytest.raises(InputError, match="--partitions must be at least 1, got 0"):
        score_file_dask(mixed_csv, tmp_path / "o.csv", model=small_model, partitions=0)
    with pytest.raises(InputError, match=r"pandas DataFrame use authenticity\.scoring\.score"):
        score(pd.DataFrame({"text": ["x"]}), small_model)  # type: ignore[arg-type]
    code = main(["score", str(mixed_csv), "-o", str(tmp_path / "o.csv"), "--engine", "dask", "--scheduler",
                 "no-port-here", "--model", str(small_model_path)])
    assert code == 2
    assert "cannot connect to the Dask scheduler at no-port-here" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_a_failure_leaves_no_output(cluster: distributed.LocalCluster, small_model: Model, tmp_path: Path) -> None:
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    lines = ["id,text"] + [f"{i},用了{i}天 honest notes" for i in range(400)]
    good.write_text("\n".join(lines) + "\n", "utf-8")
    bad.write_text("\n".join([*lines, '401,"a",extra field']) + "\n", "utf-8")
    broken = dataclasses.replace(small_model, coef=small_model.coef[:10])
    for out in (tmp_path / "out.csv", f"{tmp_path / 'out.parquet'}/"):
        # the reader fails on the last line, after the first partitions were sent
        with pytest.raises(InputError, match="malformed CSV"):
            score_file_dask(bad, out, model=small_model, scheduler=cluster.scheduler_address, partitions=4)
        # the workers fail
        with pytest.raises(ValueError, match=r"shape|dimension|mismatch") as info:
            score_file_dask(good, out, model=broken, scheduler=cluster.scheduler_address, partitions=4)
        assert not isinstance(info.value, InputError)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv", "good.csv"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_interrupt_leaves_no_output(mixed_csv: Path, small_model_path: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    pd.concat([pd.read_csv(mixed_csv)] * 4, ignore_index=True).to_csv(big, index=False)
    out = tmp_path / "out.csv"
    proc = subprocess.Popen(
        [sys.executable, "-m", "authenticity", "score", str(big), "-o", str(out), "--engine", "dask",
         "--partitions", "40", "--model", str(small_model_path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    assert proc.stderr is not None
    first = proc.stderr.readline()  # the input has 'label' and 'lang': noted when the first partition goes out
    assert first.startswith(b"note: the input already has these columns"), first
    time.sleep(0.5)
    assert list(tmp_path.glob(".out.csv.*.part")) and proc.poll() is None
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert b"interrupted" in err
    assert not out.exists() and not list(tmp_path.glob(".out*"))


def test_docs_examples_compile() -> None:
    text = (ROOT / "docs" / "dask.md").read_text("utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert len(blocks) >= 3
    for block in blocks:
        compile(block, "docs/dask.md", "exec")


def test_cli_dask_skips_bad_lines_when_asked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--skip-bad-lines reaches the Dask engine's reader, as it does the local one."""
    src = tmp_path / "bad.csv"
    src.write_text("id,text\n1,用了两周 干皮够用\n2,too,many,fields\n3,returned it after a week\n", "utf-8")
    out = tmp_path / "out.csv"
    assert main(["score", str(src), "-o", str(out), "--engine", "dask"]) == 2
    assert "line 3" in capsys.readouterr().err and not out.exists()
    assert main(["score", str(src), "-o", str(out), "--engine", "dask", "--skip-bad-lines", "-q"]) == 0
    assert pd.read_csv(out, dtype=str).id.tolist() == ["1", "3"]
