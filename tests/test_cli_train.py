from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from authenticity.cli import build_parser, main


def _write(sample: pd.DataFrame, path: Path, **rename: str) -> Path:
    df = sample[["text", "label", "lang"]].rename(columns=rename)
    if path.suffix == ".jsonl":
        df.to_json(path, orient="records", lines=True, force_ascii=False)
    else:
        df.to_csv(path, index=False)
    return path


def test_train_json_then_evaluate(sample: pd.DataFrame, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _write(sample, tmp_path / "posts.jsonl", text="正文")
    model = tmp_path / "m.authm"
    assert main(["train", str(data), "--cv", "3", "--C", "4", "-o", str(model), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["n"] == len(sample)
    for key in ("accuracy", "f1", "roc_auc"):
        assert 0.5 < out["cv"][key] <= 1.0
    assert model.exists()
    assert main(["evaluate", str(data), "--model", str(model), "--json"]) == 0
    ev = json.loads(capsys.readouterr().out)
    assert ev["n"] == len(sample) and set(ev["by_lang"]) >= {"zh", "en"}
    assert ev["accuracy"] > 0.9  # its own training data


def test_train_grouped_text_output(sample: pd.DataFrame, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _write(sample, tmp_path / "posts.csv")
    model = tmp_path / "m.authm"
    rc = main(["train", str(data), "--group-col", "lang", "--cv", "3", "--C", "4", "-o", str(model), "-q"])
    assert rc == 0
    out = capsys.readouterr().out
    assert "grouped by lang" in out and f"model written to {model}" in out


def test_train_refuses_to_overwrite_a_model(sample: pd.DataFrame, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    data = _write(sample, tmp_path / "posts.csv")
    model = tmp_path / "m.authm"
    model.write_text("old")
    assert main(["train", str(data), "-o", str(model)]) == 2
    err = capsys.readouterr().err
    assert err == f"authenticity train: error: {model} already exists; pass --force to overwrite it\n"
    assert model.read_text() == "old"


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (None, [], "file not found: {data}"),
        ("text,label\n" + "a,authentic\n" * 30, [], "the label column has one class only ('authentic'); "
         "training needs both authentic and scripted posts."),
        ("text,label\n" + "a,authentic\nb,maybe\n" * 15, [], "unknown label value(s) in column 'label': 'maybe'; "
         "use authentic/scripted (or 0/1, organic/sponsored, real/fake, truthful/deceptive, 真实/广告)."),
        ("text,label\na,authentic\nb,scripted\n", [], "too little data to train: 2 labeled rows (1 authentic, "
         "1 scripted); at least 20 rows and 5 per class are needed."),
        ("words,label\na,authentic\n", [], "cannot find the text column in {data}; columns are: words, label; "
         "name it with --text-col"),
        ("text,label\na,authentic\n", ["--label-col", "y"], "no column 'y' in {data}; columns are: text, label"),
        ("text,label\n", [], "{data} has a header but no rows"),
        ("text,label\n" + "a,0\nb,1\n" * 15, ["--cv", "1"], "--cv must be 0 (no cross-validation) or at least 2, "
         "got 1"),
    ],
)
def test_train_errors_are_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None,
                                          args: list[str], message: str) -> None:
    data = tmp_path / "d.csv"
    if content is not None:
        data.write_text(content, "utf-8")
    rc = main(["train", str(data), "-o", str(tmp_path / "m.authm"), *args])
    err = capsys.readouterr().err
    assert rc == 2
    assert err == f"authenticity train: error: {message.format(data=data)}\n"


def test_evaluate_with_a_bad_model(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "d.csv"
    data.write_text("text,label\na,authentic\n", "utf-8")
    bad = tmp_path / "bad.authm"
    bad.write_text("not a model")
    assert main(["evaluate", str(data), "--model", str(bad)]) == 2
    assert "is not an authenticity model file" in capsys.readouterr().err


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["train"])
    assert exc.value.code == 2
    assert "error: the following arguments are required: DATA" in capsys.readouterr().err
    assert main([]) == 2


def test_every_verb_has_help() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "verb")
    for name, p in sub.choices.items():
        assert p.description or p.format_help(), name
        assert sub._name_parser_map[name].format_help().strip()
