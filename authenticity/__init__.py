"""authenticity: tell raw consumer experience posts from scripted ad copy (Chinese and English).

The public API, imported lazily so that ``import authenticity`` stays light:

- :func:`load_model` / :func:`save_model` — the safe model file;
- :func:`train` — train a model from texts and labels;
- :func:`score` — score a list of posts or a DataFrame (every row back, in order);
- :func:`check_draft` — the draft check report;
- :func:`audit_campaign` — the campaign audit report.
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import Any

try:
    __version__ = version("authenticity")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

_EXPORTS = {
    "load_model": "persist",
    "save_model": "persist",
    "train": "model",
    "score": "scoring",
    "check_draft": "check",
    "audit_campaign": "audit",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module 'authenticity' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
