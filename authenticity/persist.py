"""The model file: data, never code.

A model file is a zip archive with three members and nothing else:

- ``manifest.json``: magic string, format version, library / scikit-learn /
  NumPy / segmenter versions, label names, feature configuration, scalars
  (intercept, calibration, threshold), training metadata (row counts, SHA-256
  of the training data, metrics) and the SHA-256 of the two other members;
- ``arrays.npz``: NumPy arrays, read with ``allow_pickle=False``;
- ``vocab.json``: the word n-gram vocabulary, a JSON list of strings.

Loading parses JSON and raw arrays only: nothing in the file can run code.
A file that is not a zip of exactly these members, fails its checksums, has
arrays of the wrong type or shape, or comes from a newer format version is
refused with a one-line :class:`ModelFormatError`.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from ._constants import MODEL_SUFFIX
from .errors import ModelFormatError, OutputError
from .features import FeatureConfig, Featurizer
from .labels import LABELS
from .model import Model
from .signals import SIGNAL_NAMES

__all__ = ["FORMAT_VERSION", "MAGIC", "MODEL_SUFFIX", "load_model", "read_manifest", "save_model"]

MAGIC = "authenticity-model"
FORMAT_VERSION = 1
_MEMBERS = ("manifest.json", "arrays.npz", "vocab.json")
_MAX_MANIFEST = 1 << 20
_MAX_MEMBER = 1 << 30
_MAX_BUCKETS = 1 << 24
_ARRAYS = {
    "char_idf": "char",
    "word_idf": "words",
    "coef": "all",
    "signal_mean": "signals",
    "signal_scale": "signals",
}


def _sha(b: bytes) -> str:
    return hashlib.sha256(b).hexdigest()


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for pkg in ("authenticity", "numpy", "scipy", "scikit-learn", "jieba", "rjieba"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def save_model(model: Model, path: str | os.PathLike[str]) -> Path:
    """Write ``model`` to ``path`` atomically (temporary file, then rename)."""
    from .tokenize import segmenter_name

    path = Path(path)
    f = model.featurizer
    if f.char_idf_ is None:
        raise ModelFormatError("cannot save an untrained model")
    arrays = {
        "char_idf": f.char_idf_.astype(np.float32),
        "word_idf": f.word_idf_.astype(np.float32),
        "coef": model.coef.astype(np.float32),
        "signal_mean": f.signal_mean_.astype(np.float64),
        "signal_scale": f.signal_scale_.astype(np.float64),
    }
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)
    arrays_bytes = buf.getvalue()
    vocab_bytes = json.dumps(f.word_list(), ensure_ascii=False).encode("utf-8")
    manifest = {
        "magic": MAGIC,
        "format_version": FORMAT_VERSION,
        "versions": _versions(),
        "segmenter": segmenter_name(),
        "labels": list(model.labels),
        "signals": list(SIGNAL_NAMES),
        "config": vars(f.config),
        "intercept": model.intercept,
        "calibration": {"a": model.calib_a, "b": model.calib_b},
        "threshold": model.threshold,
        "meta": {k: v for k, v in model.meta.items() if k not in ("path", "manifest")},
        "members": {"arrays.npz": _sha(arrays_bytes), "vocab.json": _sha(vocab_bytes)},
    }
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1, default=_json_default).encode()
    if path.exists() and path.is_dir():
        raise OutputError(f"{path} is a directory; give a file name such as model{MODEL_SUFFIX}")
    if not path.parent.exists():
        raise OutputError(f"output directory {path.parent} does not exist; create it first")
    from .io import write_atomic

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in zip(_MEMBERS, (manifest_bytes, arrays_bytes, vocab_bytes), strict=True):
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return write_atomic(path, archive.getvalue(), what="model file ")


def _json_default(o: Any) -> Any:
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    raise TypeError(f"not JSON serializable: {type(o).__name__}")


def _open(path: Path) -> zipfile.ZipFile:
    if not path.exists():
        raise ModelFormatError(f"model file {path} does not exist")
    if path.is_dir():
        raise ModelFormatError(f"model path {path} is a directory, not a model file")
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ModelFormatError(
            f"{path} is not an authenticity model file (not a valid archive: {exc}); it may be "
            "truncated or from another program"
        ) from None
    names = sorted(z.namelist())
    if names != sorted(_MEMBERS):
        z.close()
        raise ModelFormatError(
            f"{path} is not an authenticity model file (unexpected contents: {', '.join(names[:5])})"
        )
    return z


def _read(z: zipfile.ZipFile, name: str, path: Path, limit: int) -> bytes:
    info = z.getinfo(name)
    if info.file_size > limit:
        raise ModelFormatError(f"{path}: member {name} is too large ({info.file_size} bytes)")
    try:
        return z.read(name)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise ModelFormatError(f"{path} is damaged ({name}: {exc}); re-download or retrain it") from None


def read_manifest(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The manifest of a model file (checked for magic and format version)."""
    path = Path(path)
    with _open(path) as z:
        return _manifest(z, path)


def _manifest(z: zipfile.ZipFile, path: Path) -> dict[str, Any]:
    raw = _read(z, "manifest.json", path, _MAX_MANIFEST)
    try:
        man = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise ModelFormatError(f"{path} is damaged: its manifest is not valid JSON") from None
    if not isinstance(man, dict) or man.get("magic") != MAGIC:
        raise ModelFormatError(f"{path} is not an authenticity model file (wrong magic)")
    fv = man.get("format_version")
    if not isinstance(fv, int):
        raise ModelFormatError(f"{path} is damaged: no format version")
    if fv > FORMAT_VERSION:
        raise ModelFormatError(
            f"{path} was made by a newer authenticity (model format {fv}; this version reads up to "
            f"{FORMAT_VERSION}); upgrade: pip install -U authenticity"
        )
    if fv < 1:
        raise ModelFormatError(f"{path} has an unknown model format version {fv}")
    return man


def _check_array_headers(blob: bytes, path: Path, shapes: dict[str, tuple[int, ...]]) -> None:
    """Check every array's declared shape and type before any array is read (and memory allocated for it)."""
    from numpy.lib import format as npformat

    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        names = sorted(z.namelist())
        if names != sorted(f"{k}.npy" for k in shapes):
            raise ModelFormatError(f"{path} is damaged: unexpected arrays ({', '.join(names[:6])})")
        for name, shape in shapes.items():
            with z.open(f"{name}.npy") as fh:
                version = npformat.read_magic(fh)
                if version == (1, 0):
                    declared, _, dtype = npformat.read_array_header_1_0(fh)
                else:
                    declared, _, dtype = npformat.read_array_header_2_0(fh)
            if tuple(declared) != shape or dtype.kind != "f" or dtype.itemsize > 8:
                raise ModelFormatError(f"{path} is damaged: array {name} has the wrong shape or values")


def load_model(path: str | os.PathLike[str]) -> Model:
    """Load a model file, verifying its integrity; never executes code from it."""
    path = Path(path)
    with _open(path) as z:
        man = _manifest(z, path)
        members = man.get("members") or {}
        blobs = {}
        for name in ("arrays.npz", "vocab.json"):
            data = _read(z, name, path, _MAX_MEMBER)
            if _sha(data) != members.get(name):
                raise ModelFormatError(f"{path} failed its integrity check ({name} was modified)")
            blobs[name] = data
    try:
        vocab = json.loads(blobs["vocab.json"].decode("utf-8"))
        cfg = FeatureConfig(**man["config"])
        cfg.validate()
        if cfg.char_buckets > _MAX_BUCKETS:
            raise ModelFormatError(f"{path} is damaged: {cfg.char_buckets} character buckets (at most {_MAX_BUCKETS})")
        if list(man["signals"]) != list(SIGNAL_NAMES):
            raise ModelFormatError(
                f"{path} uses style signals this version does not compute; retrain it with this version"
            )
        if not isinstance(vocab, list) or not all(isinstance(w, str) for w in vocab):
            raise ModelFormatError(f"{path} is damaged: vocabulary is not a list of strings")
        fz = Featurizer(cfg)
        n_features = cfg.char_buckets + len(vocab) + len(SIGNAL_NAMES)
        _check_array_headers(blobs["arrays.npz"], path, {
            "char_idf": (cfg.char_buckets,), "word_idf": (len(vocab),), "coef": (n_features,),
            "signal_mean": (len(SIGNAL_NAMES),), "signal_scale": (len(SIGNAL_NAMES),),
        })
        with np.load(io.BytesIO(blobs["arrays.npz"]), allow_pickle=False) as npz:
            arrays = {k: np.asarray(npz[k]) for k in _ARRAYS}
        fz.vocab_ = {w: i for i, w in enumerate(vocab)}
        fz.char_idf_ = arrays["char_idf"].astype(np.float64)
        fz.word_idf_ = arrays["word_idf"].astype(np.float64)
        fz.signal_mean_ = arrays["signal_mean"].astype(np.float64)
        fz.signal_scale_ = arrays["signal_scale"].astype(np.float64)
        expect = {
            "char_idf": (cfg.char_buckets,),
            "word_idf": (len(vocab),),
            "coef": (fz.n_features,),
            "signal_mean": (len(SIGNAL_NAMES),),
            "signal_scale": (len(SIGNAL_NAMES),),
        }
        for k, shape in expect.items():
            a = arrays[k]
            if a.shape != shape or a.dtype.kind != "f" or not np.all(np.isfinite(a)):
                raise ModelFormatError(f"{path} is damaged: array {k} has the wrong shape or values")
        labels = tuple(man.get("labels", LABELS))
        if len(labels) != 2:
            raise ModelFormatError(f"{path} is damaged: expected two labels, got {labels}")
        model = Model(
            featurizer=fz,
            coef=arrays["coef"].astype(np.float64),
            intercept=float(man["intercept"]),
            calib_a=float(man["calibration"]["a"]),
            calib_b=float(man["calibration"]["b"]),
            threshold=float(man.get("threshold", 0.5)),
            meta=dict(man.get("meta") or {}),
            labels=(str(labels[0]), str(labels[1])),
        )
    except ModelFormatError:
        raise
    except RecursionError:
        raise ModelFormatError(f"{path} is damaged: its vocabulary is not a list of strings") from None
    except MemoryError:
        raise ModelFormatError(f"{path} is damaged: its arrays are too large to load") from None
    except (KeyError, TypeError, ValueError, AttributeError, OSError, zipfile.BadZipFile) as exc:
        raise ModelFormatError(f"{path} is damaged or incompatible ({type(exc).__name__}: {exc})") from None
    model.meta["manifest"] = {k: man[k] for k in ("format_version", "versions", "segmenter") if k in man}
    model.meta["path"] = str(path)
    return model


def default_model_path() -> Path:
    """Where the shipped default model is.

    ``$AUTHENTICITY_MODEL`` if set; else ``models/default.authm`` of a source
    checkout (editable install); else ``<prefix>/share/authenticity/default.authm``
    (where ``pip install`` puts it).
    """
    import sys

    env = os.environ.get("AUTHENTICITY_MODEL")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent.parent / "models" / "default.authm"
    if here.exists():
        return here
    for prefix in (sys.prefix, sys.base_prefix):
        p = Path(prefix) / "share" / "authenticity" / "default.authm"
        if p.exists():
            return p
    return here


_CACHE: dict[tuple[str, float], Model] = {}


def resolve_model(model: Model | str | os.PathLike[str] | None = None) -> Model:
    """A model object from a model, a path, or ``None`` (the shipped default), cached per file."""
    if isinstance(model, Model):
        return model
    path = Path(model) if model is not None else default_model_path()
    if model is None and not path.exists():
        raise ModelFormatError(
            f"the default model is missing ({path}); reinstall authenticity or pass --model"
        )
    try:
        key = (str(path.resolve()), path.stat().st_mtime)
    except OSError:
        key = (str(path), 0.0)
    if key not in _CACHE:
        _CACHE.clear()
        _CACHE[key] = load_model(path)
    return _CACHE[key]
