"""Caps on what a request may carry, and the body-size gate that enforces the byte caps.

:class:`Limits` holds every cap; :class:`BodyLimit` is a plain ASGI middleware
that refuses a body larger than the cap of its route with 413 before any
parsing: first from ``Content-Length``, then by counting the bytes of a
chunked body as they arrive (the body is buffered, at most the cap, and
replayed to the app).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from ..brief import MAX_BRIEF_CHARS
from ..check import MAX_DRAFT_CHARS

__all__ = ["UPLOAD_PATHS", "BodyLimit", "Limits"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: routes that take file uploads (multipart) and so get the larger byte cap
UPLOAD_PATHS = frozenset({"/v1/audit"})


@dataclass(frozen=True)
class Limits:
    """Caps on a request (beyond any of them it is refused with 413), and the worker threads."""

    #: bytes of a JSON request body (``/v1/check``, ``/v1/score``)
    max_body_bytes: int = 4 * 1024 * 1024
    #: bytes of an upload request (``/v1/audit``: posts file + brief)
    max_upload_bytes: int = 20 * 1024 * 1024
    #: texts or records in one ``/v1/score`` request
    max_texts: int = 1_000
    #: characters of one draft or one scored text
    max_text_chars: int = MAX_DRAFT_CHARS
    #: characters of a brief
    max_brief_chars: int = MAX_BRIEF_CHARS
    #: rows of an audited posts file
    max_posts: int = 10_000
    #: worker threads for the CPU-bound endpoints (requests beyond wait their turn, first in, first out)
    threads: int = 4

    def body_cap(self, path: str) -> int:
        """The byte cap of the route at ``path``."""
        return self.max_upload_bytes if path in UPLOAD_PATHS else self.max_body_bytes


def _mib(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MiB" if n >= 1024 * 1024 else f"{n:,} bytes"


class BodyLimit:
    """ASGI middleware: 413 for a body over ``limits.body_cap(path)``; 400 for a bad ``Content-Length``."""

    def __init__(self, app: ASGIApp, limits: Limits,
                 error: Callable[[int, str, str], Callable[[Scope, Receive, Send], Awaitable[None]]]) -> None:
        self.app = app
        self.limits = limits
        self.error = error  # (status, kind, message) -> an ASGI response

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        cap = self.limits.body_cap(scope["path"])
        too_big = f"the request body is larger than the {_mib(cap)} this server accepts; send less"
        length = None
        for k, v in scope.get("headers", ()):
            if k == b"content-length":
                try:
                    length = int(v)
                except ValueError:
                    length = -1
        if length is not None and length < 0:
            await self.error(400, "bad_request", "invalid Content-Length header")(scope, receive, send)
            return
        if length is not None and length > cap:
            await self.error(413, "too_large", too_big)(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            msg = await receive()
            if msg["type"] == "http.disconnect":
                return
            body = msg.get("body", b"")
            size += len(body)
            if size > cap:
                await self.error(413, "too_large", too_big)(scope, receive, send)
                return
            chunks.append(body)
            more = msg.get("more_body", False)
        data = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": data, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
