"""``authenticity serve``: a local web page and JSON API (needs the ``web`` extra: FastAPI, uvicorn).

``create_app(model=None)`` returns the FastAPI app (see :mod:`authenticity.web.app`);
run it with ``authenticity serve`` or any ASGI server.
"""

from __future__ import annotations

from .app import create_app, model_info
from .guard import Limits

__all__ = ["Limits", "create_app", "model_info"]
