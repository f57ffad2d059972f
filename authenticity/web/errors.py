"""Every error as one JSON object with a clear message and the right status; never a stack trace.

Shape: ``{"status": 413, "error": "too_large", "message": "…"}`` (422 adds
``"errors": [{"loc": "body.text", "message": "…"}]``).

======  ====================  ============================================================
status  error                 when
======  ====================  ============================================================
400     bad_request           malformed JSON or multipart body; input the library refuses
                              (an unreadable file, no text column, an empty draft …)
404     not_found             no such route
405     method_not_allowed    e.g. GET on a POST route
413     too_large             over a cap: body bytes, texts per request, text length,
                              brief length, posts per audit
415     unsupported_media     wrong Content-Type, or a posts file of an unknown format
422     invalid_request       the body has the wrong shape (missing field, wrong type)
500     internal_error        a bug; the details go to the server log, not the client
======  ====================  ============================================================
"""

from __future__ import annotations

import json
import logging
import math
from typing import Any

import numpy as np
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import AuthenticityError

__all__ = ["ApiError", "JSON", "error_response", "install_handlers"]

log = logging.getLogger("authenticity.web")

_KINDS = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "too_large",
          415: "unsupported_media", 422: "invalid_request", 500: "internal_error"}


class ApiError(Exception):
    """An error to send as JSON: ``ApiError(413, "too many texts …")``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _clean(o: Any) -> Any:
    if isinstance(o, float):
        return None if math.isnan(o) or math.isinf(o) else o
    if isinstance(o, np.generic):
        return _clean(o.item())
    if isinstance(o, dict):
        return {str(k): _clean(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [_clean(v) for v in o]
    if isinstance(o, np.ndarray):
        return _clean(o.tolist())
    return o


class JSON(JSONResponse):
    """UTF-8 JSON (Chinese kept as is); NaN and infinities become null, NumPy scalars plain numbers."""

    def render(self, content: Any) -> bytes:
        data = _clean(content)
        try:
            return json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"),
                              default=str).encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate from the request: send it \u-escaped
            return json.dumps(data, ensure_ascii=True, allow_nan=False, separators=(",", ":"),
                              default=str).encode("ascii")


def error_response(status: int, message: str, **extra: Any) -> JSON:
    """The JSON error object for ``status``."""
    body = {"status": status, "error": _KINDS.get(status, "error"), "message": message, **extra}
    return JSON(body, status_code=status)


def _loc(loc: Any) -> str:
    return ".".join(str(x) for x in loc) if isinstance(loc, (list, tuple)) else str(loc)


def _validation(request: Request, exc: RequestValidationError) -> JSON:
    errs = list(exc.errors())
    if any(e.get("type") == "json_invalid" for e in errs):
        e = next(e for e in errs if e.get("type") == "json_invalid")
        detail = (e.get("ctx") or {}).get("error", "")
        pos = _loc(e.get("loc", ("body",))[-1:])
        return error_response(400, f"the request body is not valid JSON ({detail} at position {pos})")
    items = []
    for e in errs:
        msg = str(e.get("msg", "invalid"))
        msg = msg.removeprefix("Value error, ")
        items.append({"loc": _loc(e.get("loc", ())), "message": msg})
    summary = "; ".join(f"{i['loc']}: {i['message']}" for i in items[:5])
    return error_response(422, f"invalid request: {summary}", errors=items)


def install_handlers(app: FastAPI) -> None:
    """Register the handlers that turn every exception into the JSON error object."""

    @app.exception_handler(ApiError)
    async def _api(request: Request, exc: ApiError) -> JSON:
        return error_response(exc.status, exc.message)

    @app.exception_handler(AuthenticityError)
    async def _input(request: Request, exc: AuthenticityError) -> JSON:
        return error_response(400, str(exc))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSON:
        return _validation(request, exc)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSON:
        status = exc.status_code
        if status == 404:
            msg = f"no such page or endpoint: {request.url.path} (the API is listed at /docs)"
        elif status == 405:
            msg = f"{request.method} is not allowed on {request.url.path} (see /docs)"
        elif status == 400 and "parsing the body" in str(exc.detail):
            msg = ("the request body could not be read as multipart/form-data (malformed, or a text field over "
                   "1 MiB: send a long brief as the file brief_file)")
        else:
            msg = str(exc.detail)
        return error_response(status, msg)

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> JSON:
        log.error("internal error on %s %s", request.method, request.url.path, exc_info=exc)
        return error_response(500, f"internal error ({type(exc).__name__}); the details are in the server log")
