"""``authenticity serve``: the local web page and JSON API.

Binds to 127.0.0.1 unless ``--host`` says otherwise; loads the model once,
before it starts listening; ``--port 0`` picks a free port. The address is
printed on stderr as ``authenticity serve: listening on http://HOST:PORT/``.
Needs the ``web`` extra (FastAPI, uvicorn): ``pip install 'authenticity[web]'``.
"""

from __future__ import annotations

import argparse
import ipaddress
import socket
import sys

from ..errors import InputError
from .common import add_model_option

WEB_EXTRA = "authenticity serve needs the web extra: pip install 'authenticity[web]'"


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"the port must be a number 0-65535, got {value!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"the port must be 0-65535 (0: any free port), got {port}")
    return port


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "serve", help="a local web page and JSON API (check drafts, audit campaigns)",
        description="Serve a web page for people (check a draft; audit a campaign from a posts file and its "
        "brief) and a JSON API under /v1 (check, score, audit, model), with its reference at /docs. Binds to "
        "127.0.0.1 (this computer only) unless --host says otherwise. Needs: pip install 'authenticity[web]'.",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this computer "
                   "only; 0.0.0.0 makes it reachable from the network)")
    p.add_argument("--port", type=_port, default=8000, help="port (default 8000; 0 picks a free one)")
    add_model_option(p)
    p.add_argument("--quiet", "-q", action="store_true", help="no request log on stderr")
    p.set_defaults(run=run)


def _bind(host: str, port: int) -> socket.socket:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise InputError(f"cannot listen on host '{host}' ({exc.strerror}); try --host 127.0.0.1") from None
    family, _, _, _, addr = infos[0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(addr)
    except OSError as exc:
        sock.close()
        if exc.errno == 98:  # EADDRINUSE
            raise InputError(f"port {port} on {host} is in use; choose another with --port (0: any free port)") \
                from None
        raise InputError(f"cannot listen on {host}:{port} ({exc.strerror or exc})") from None
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run(args: argparse.Namespace) -> int:
    try:
        import uvicorn

        from ..web import create_app
    except ImportError:
        raise InputError(WEB_EXTRA) from None

    app = create_app(args.model)  # loads the model (clear error when it is missing or damaged)
    sock = _bind(args.host, args.port)
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in str(host) else host
    if not _is_loopback(args.host):
        print(f"authenticity serve: warning: listening on {args.host}: anyone who can reach this machine can use it",
              file=sys.stderr)
    print(f"authenticity serve: listening on http://{shown}:{port}/ (API reference at /docs; Ctrl-C to stop)",
          file=sys.stderr, flush=True)
    config = uvicorn.Config(app, log_level="warning" if args.quiet else "info", access_log=not args.quiet,
                            server_header=False, timeout_keep_alive=15, limit_concurrency=1000)
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
    return 0
