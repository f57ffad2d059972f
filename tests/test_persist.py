from __future__ import annotations

import io
import json
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pytest

from authenticity.errors import ModelFormatError
from authenticity.model import Model
from authenticity.persist import FORMAT_VERSION, MAGIC, load_model, read_manifest, save_model

TEXTS = ["姐妹们冲！绝绝子 链接在评论区", "用了两周，干皮，有点黏", "best serum ever!! link in bio", ""]


def _rewrite(src: Path, dst: Path, **replace: bytes) -> Path:
    with zipfile.ZipFile(src) as z, zipfile.ZipFile(dst, "w") as out:
        for name in z.namelist():
            out.writestr(name, replace.get(name.replace(".", "_"), z.read(name)))
    return dst


def test_round_trip_gives_identical_scores(small_model: Model, small_model_path: Path) -> None:
    loaded = load_model(small_model_path)
    assert np.array_equal(loaded.predict_proba(TEXTS), small_model.predict_proba(TEXTS))


def test_manifest_records_what_the_design_asks(small_model_path: Path) -> None:
    man = read_manifest(small_model_path)
    assert man["magic"] == MAGIC and man["format_version"] == FORMAT_VERSION
    assert man["labels"] == ["authentic", "scripted"]
    for pkg in ("authenticity", "scikit-learn", "jieba", "numpy"):
        assert pkg in man["versions"]
    assert man["segmenter"] in ("rjieba", "jieba")
    assert "n" in man["meta"] and set(man["members"]) == {"arrays.npz", "vocab.json"}


def test_saving_twice_gives_identical_bytes(small_model: Model, tmp_path: Path) -> None:
    a = save_model(small_model, tmp_path / "a.authm").read_bytes()
    b = save_model(small_model, tmp_path / "b.authm").read_bytes()
    assert a == b


def test_truncated_file_is_refused(small_model_path: Path, tmp_path: Path) -> None:
    bad = tmp_path / "trunc.authm"
    bad.write_bytes(small_model_path.read_bytes()[:2000])
    with pytest.raises(ModelFormatError, match="not a valid archive"):
        load_model(bad)


def test_tampered_arrays_are_refused(small_model_path: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(small_model_path) as z:
        arrays = z.read("arrays.npz")
    with np.load(io.BytesIO(arrays)) as npz:
        d = {k: npz[k] for k in npz.files}
    d["coef"] = d["coef"] * 2
    buf = io.BytesIO()
    np.savez_compressed(buf, **d)
    bad = _rewrite(small_model_path, tmp_path / "t.authm", arrays_npz=buf.getvalue())
    with pytest.raises(ModelFormatError, match="integrity check"):
        load_model(bad)


def test_flipped_byte_is_refused(small_model_path: Path, tmp_path: Path) -> None:
    data = bytearray(small_model_path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    bad = tmp_path / "flip.authm"
    bad.write_bytes(bytes(data))
    with pytest.raises(ModelFormatError):
        load_model(bad)


def test_newer_format_is_refused(small_model_path: Path, tmp_path: Path) -> None:
    man = read_manifest(small_model_path)
    man["format_version"] = FORMAT_VERSION + 1
    bad = _rewrite(small_model_path, tmp_path / "new.authm", manifest_json=json.dumps(man).encode())
    with pytest.raises(ModelFormatError, match="newer authenticity"):
        load_model(bad)


def test_file_from_another_program_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.authm"
    with zipfile.ZipFile(other, "w") as z:
        z.writestr("word/document.xml", "<xml/>")
    with pytest.raises(ModelFormatError, match="unexpected contents"):
        load_model(other)
    txt = tmp_path / "notes.authm"
    txt.write_text("hello")
    with pytest.raises(ModelFormatError, match="not an authenticity model file"):
        load_model(txt)


class _Boom:
    def __reduce__(self):
        return (Path.touch, (Path(_Boom.target),))

    target = ""


def test_pickle_payloads_never_execute(small_model_path: Path, tmp_path: Path) -> None:
    """A file crafted to run code on load (pickle in place of the arrays) runs nothing."""
    marker = tmp_path / "pwned"
    _Boom.target = str(marker)
    payload = pickle.dumps(_Boom())
    # 1. a plain pickle file
    plain = tmp_path / "evil.authm"
    plain.write_bytes(payload)
    with pytest.raises(ModelFormatError):
        load_model(plain)
    # 2. a pickled object array inside the npz, with matching checksums in the manifest
    buf = io.BytesIO()
    np.savez(buf, char_idf=np.array([_Boom()], dtype=object), word_idf=np.zeros(1), coef=np.zeros(1),
             signal_mean=np.zeros(1), signal_scale=np.zeros(1))
    import hashlib

    man = read_manifest(small_model_path)
    man["members"]["arrays.npz"] = hashlib.sha256(buf.getvalue()).hexdigest()
    evil = _rewrite(small_model_path, tmp_path / "evil2.authm", arrays_npz=buf.getvalue(),
                    manifest_json=json.dumps(man).encode())
    with pytest.raises(ModelFormatError):
        load_model(evil)
    # 3. a pickle as the manifest
    evil3 = _rewrite(small_model_path, tmp_path / "evil3.authm", manifest_json=payload)
    with pytest.raises(ModelFormatError):
        load_model(evil3)
    assert not marker.exists()


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(ModelFormatError, match="does not exist"):
        load_model(tmp_path / "nope.authm")
    with pytest.raises(ModelFormatError, match="is a directory"):
        load_model(tmp_path)
