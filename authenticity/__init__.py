"""authenticity: tell raw consumer experience posts from scripted ad copy (Chinese and English).

The public API, imported lazily so that ``import authenticity`` stays light:

- :func:`load_model` / :func:`save_model` — the safe model file;
- :func:`train` — train a model from texts and labels;
- :func:`score` — score a list of posts or a DataFrame (every row back, in order);
- :func:`check_draft` — the draft check report;
- :func:`audit_campaign` — the campaign audit report.
"""

from __future__ import annotations

from functools import cache
from importlib import import_module
from typing import Any

_EXPORTS = {
    "load_model": "persist",
    "save_model": "persist",
    "train": "model",
    "score": "scoring",
    "check_draft": "check",
    "audit_campaign": "audit",
}

__all__ = ["__version__", *_EXPORTS]


@cache
def _version() -> str:
    # looked up on first use: reading the installed package's metadata takes a few hundredths of a second
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("authenticity")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0.0.0"


def __getattr__(name: str) -> Any:
    if name == "__version__":
        return _version()
    if name in _EXPORTS:
        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module 'authenticity' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
