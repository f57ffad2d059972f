"""The web app: a page for people at ``/`` and a JSON API under ``/v1``.

``create_app(model=None)`` loads the model once (``None``: the shipped
default), warms it up and returns a FastAPI app that shares it between
requests. The CPU-bound endpoints are plain ``def`` functions, so FastAPI
runs them in its thread pool and the event loop stays free.

==========================  =====================================================================
route                       what
==========================  =====================================================================
``GET /``                   the page: check a draft; audit a campaign (upload posts + brief)
``POST /v1/check``          one draft (+ optional brief) → the check report (``check --json``)
``POST /v1/score``          ``texts`` or ``records`` → one score per item, in order
``POST /v1/audit``          multipart: ``posts`` file + ``brief`` (text) or ``brief_file``
                            → the audit (``audit --json``), or the HTML report with ``?format=html``
``GET /v1/model``           the model card: labels, threshold, training metadata, versions
``GET /docs``               the API reference (offline, rendered from the schema)
``GET /openapi.json``       the OpenAPI schema
==========================  =====================================================================

Errors are JSON (see :mod:`authenticity.web.errors`); caps are in
:class:`~authenticity.web.guard.Limits`. Nothing in a request is used as a
file-system path: an uploaded file is written under a fresh temporary
directory with a fixed name (only its extension is kept, to pick the reader)
and removed after the request.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from collections.abc import AsyncIterator
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import anyio.to_thread
import pandas as pd
from fastapi import Depends, FastAPI, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from .. import __version__
from ..audit import ID_COLUMN_NAMES, audit_campaign
from ..check import check_draft
from ..errors import InputError
from ..io import READ_FORMATS, find_column, read_table, read_text_file
from ..model import Model
from ..persist import resolve_model
from ..scoring import score_texts
from ..signals import SIGNALS
from .docs import render_docs
from .errors import JSON, ApiError, error_response, install_handlers
from .guard import BodyLimit, Limits
from .schemas import CheckRequest, ScoreRequest

__all__ = ["Limits", "create_app", "model_info"]

_STATIC = {"app.css": "text/css; charset=utf-8", "app.js": "text/javascript; charset=utf-8",
           "index.html": "text/html; charset=utf-8"}
#: the page and the API reference: everything from this server, nothing from elsewhere
_PAGE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
             "connect-src 'self'; frame-src 'self' blob:; form-action 'self'; base-uri 'none'; "
             "frame-ancestors 'none'")
#: the audit report: no scripts at all
_REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"
_PAGE_HEADERS = {"Content-Security-Policy": _PAGE_CSP, "X-Content-Type-Options": "nosniff",
                 "Referrer-Policy": "no-referrer", "Cache-Control": "no-cache"}
_UPLOAD_TYPES = {
    "text/csv": ".csv", "application/csv": ".csv", "text/tab-separated-values": ".tsv", "application/json": ".json",
    "application/x-ndjson": ".jsonl", "application/jsonl": ".jsonl", "application/vnd.apache.parquet": ".parquet",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
}
_DESCRIPTION = """\
Tell raw consumer experience posts from scripted ad copy (Chinese and English), check a draft before \
publishing, and audit over-controlled seeding briefs.

Every error is one JSON object {"status", "error", "message"}: 400 malformed body or input the library \
refuses, 413 over a cap (request bytes, texts per request, text length, brief length, posts per audit), \
415 wrong Content-Type or posts file format, 422 a body of the wrong shape. Caps of this server: \
see GET /v1/model under "limits"."""


# -- the model ----------------------------------------------------------------------------


def _sha256(path: Path) -> str | None:
    try:
        h = hashlib.sha256()
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        return h.hexdigest()
    except OSError:
        return None


def model_info(model: Model) -> dict[str, Any]:
    """What ``GET /v1/model`` reports: the model card's metadata (no server paths)."""
    meta = dict(model.meta)
    manifest = meta.pop("manifest", {}) or {}
    path = meta.pop("path", None)
    card = None
    if path:
        card_path = Path(path).with_name("MODEL_CARD.md")
        if card_path.is_file() and card_path.stat().st_size < 200_000:
            card = card_path.read_text(encoding="utf-8", errors="replace")
    return {
        "file": Path(path).name if path else None,
        "sha256": _sha256(Path(path)) if path else None,
        "labels": list(model.labels),
        "threshold": float(model.threshold),
        "format_version": manifest.get("format_version"),
        "versions": manifest.get("versions"),
        "segmenter": manifest.get("segmenter"),
        "training": meta,
        "signals": [{"name": s.name, "description": s.description} for s in SIGNALS],
        "card": card,
        "server": {"authenticity": __version__},
    }


def _warm_up(model: Model) -> None:
    """Run one check so that lazy state (segmenter, lexicon) is built before the first request."""
    check_draft("用了两周，干皮冬天够用。I used it for two weeks, it is fine.", model=model)


# -- helpers ------------------------------------------------------------------------------


def _content_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def require_json(request: Request) -> None:
    """415 unless the body is declared as JSON."""
    ct = _content_type(request)
    if not (ct == "application/json" or (ct.startswith("application/") and ct.endswith("+json"))):
        raise ApiError(415, f"send the body as JSON with Content-Type: application/json (got {ct or 'none'})")


def require_multipart(request: Request) -> None:
    """415 unless the body is a multipart form (a file upload)."""
    ct = _content_type(request)
    if ct != "multipart/form-data":
        raise ApiError(415, "send the posts file and the brief as a form upload with Content-Type: "
                            f"multipart/form-data (got {ct or 'none'})")


def _api_message(msg: str, tmp: str | None = None, names: dict[str, str] | None = None) -> str:
    """A library message reworded for the API: temporary paths → upload names, CLI flags → field names."""
    for path, name in (names or {}).items():
        msg = msg.replace(path, name)
    if tmp:
        msg = msg.replace(tmp + os.sep, "").replace(tmp, "")
    msg = re.sub(r"--(text|creator|id)-col", r"\1_col", msg)
    if "--encoding" in msg:  # the API has no encoding field: drop the hint, ask for UTF-8
        clauses = [c for c in msg.split("; ") if "--encoding" not in c]
        msg = "; ".join(clauses).rstrip(" ,(") + "; save the file as UTF-8 and upload it again"
    return msg.replace("--sheet", "sheet")


def _upload_suffix(upload: UploadFile, what: str) -> str:
    suffix = Path(upload.filename or "").suffix.lower()
    if not suffix:
        suffix = _UPLOAD_TYPES.get((upload.content_type or "").split(";")[0].strip().lower(), "")
    if suffix not in READ_FORMATS:
        formats = " ".join(sorted({s for s in READ_FORMATS if s not in (".txt", ".xlsm", ".pq", ".ndjson")}))
        got = f"'{suffix}'" if suffix else f"a file with no extension ({upload.content_type or 'no type'})"
        raise ApiError(415, f"{what} must be one of {formats}; got {got}")
    return suffix


def _display_name(upload: UploadFile | None, default: str) -> str:
    """The uploaded file's base name, for messages and the report title only (never opened)."""
    name = os.path.basename((upload.filename or "") if upload else "").strip()
    name = re.sub(r"[\x00-\x1f\x7f]", "", name)[:120]
    return name or default


def _score_values(req: ScoreRequest) -> tuple[list[Any], list[Any] | None]:
    """The values to score and, for records, their ids (``id``, ``post_id`` … when present)."""
    if req.texts is not None:
        return list(req.texts), None
    records = req.records or []
    if not records:
        return [], None
    df = pd.DataFrame.from_records(records)
    col = find_column(df, req.text_col, source="the records")
    id_col = next((c for c in df.columns if str(c).lower() in ID_COLUMN_NAMES), None)
    values = [r.get(col) for r in records]
    ids = [r.get(id_col) for r in records] if id_col is not None else None
    return values, ids


# -- the app ------------------------------------------------------------------------------


def create_app(model: Model | str | os.PathLike[str] | None = None, *, limits: Limits | None = None) -> FastAPI:
    """The web app, with ``model`` (a model, a model path or ``None`` for the default) loaded once."""
    mdl = resolve_model(model)
    _warm_up(mdl)
    lim = limits or Limits()
    info = model_info(mdl)
    info["limits"] = {k: getattr(lim, k) for k in lim.__dataclass_fields__}
    try:
        static = {name: (resources.files(__package__) / "static" / name).read_bytes() for name in _STATIC}
    except OSError:
        raise InputError("the web page's files (authenticity/web/static) are missing from this installation; "
                         "reinstall authenticity") from None

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # the endpoints are CPU-bound and hold the GIL most of the time: a few worker threads (not anyio's
        # default 40) keep the event loop responsive, so it accepts, reads and answers without stalls
        anyio.to_thread.current_default_thread_limiter().total_tokens = lim.threads
        yield

    app = FastAPI(title="authenticity", version=__version__, description=_DESCRIPTION, docs_url=None,
                  redoc_url=None, default_response_class=JSON, lifespan=lifespan)
    app.state.model = mdl
    app.state.limits = lim
    install_handlers(app)
    app.add_middleware(BodyLimit, limits=lim, error=lambda status, kind, msg: error_response(status, msg))

    # -- pages -------------------------------------------------------------------------
    @app.get("/", include_in_schema=False)
    def page() -> Response:
        return Response(static["index.html"], media_type=_STATIC["index.html"], headers=_PAGE_HEADERS)

    @app.get("/static/{name}", include_in_schema=False)
    def static_file(name: str) -> Response:
        if name not in static or name == "index.html":
            raise ApiError(404, f"no such file: /static/{name}")
        return Response(static[name], media_type=_STATIC[name], headers={"X-Content-Type-Options": "nosniff",
                                                                         "Cache-Control": "no-cache"})

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(render_docs(app.openapi()), headers=_PAGE_HEADERS)

    # -- API ---------------------------------------------------------------------------
    err = {s: {"description": d} for s, d in ((400, "malformed body, or input that cannot be used"),
                                               (413, "over a cap"), (415, "wrong Content-Type"),
                                               (422, "body of the wrong shape"))}

    @app.get("/v1/model", summary="the model card", tags=["model"])
    def get_model() -> JSON:
        """The model in use: labels, decision threshold, training metadata and metrics, library versions,
        the style signals it uses, and this server's caps (`limits`)."""
        return JSON(info)

    @app.post("/v1/check", summary="check one draft", tags=["check"], responses=err,
              dependencies=[Depends(require_json)])
    def check(req: CheckRequest) -> JSON:
        """Check one draft before publishing, as `authenticity check --json`: `p_scripted`, `label`,
        `summary`, `reasons` (phrases and signals, with offsets), `sentences` (each scored),
        `copied_from_brief` (when a brief is given), `absolute_terms` (advertising-law terms with
        suggested rewordings), `disclosure` and `suggestions`. Offsets are code-point indices into
        `text`."""
        if len(req.text) > lim.max_text_chars:
            raise ApiError(413, f"the draft is {len(req.text):,} characters; this server checks at most "
                                f"{lim.max_text_chars:,} (one post at a time)")
        if req.brief is not None and len(req.brief) > lim.max_brief_chars:
            raise ApiError(413, f"the brief is {len(req.brief):,} characters; at most {lim.max_brief_chars:,}")
        brief = req.brief if req.brief and req.brief.strip() else None
        report = check_draft(req.text, brief=brief, model=mdl, lang=req.lang)
        return JSON(report.as_dict())

    @app.post("/v1/score", summary="score many posts", tags=["score"], responses=err,
              dependencies=[Depends(require_json)])
    def score(req: ScoreRequest) -> JSON:
        """Score `texts` (strings) or `records` (objects with a text field). `results` has one item
        per input, in order: `index`, `p_scripted`, `label`, `lang` and `status` (`ok`,
        `empty`, `not_text`); items that cannot be scored get a status and no score. Records with an
        `id` / `post_id` field have it echoed as `id`."""
        n = len(req.texts if req.texts is not None else req.records or [])
        if n > lim.max_texts:
            raise ApiError(413, f"{n:,} items in one request; this server scores at most {lim.max_texts:,} per "
                                "request: split them into batches")
        try:
            values, ids = _score_values(req)
        except InputError as exc:
            raise ApiError(400, _api_message(str(exc))) from None
        for i, v in enumerate(values):
            if isinstance(v, str) and len(v) > lim.max_text_chars:
                raise ApiError(413, f"item {i} is {len(v):,} characters; at most {lim.max_text_chars:,} per text")
        cols = score_texts(mdl, values)
        results = []
        for i in range(len(values)):
            item: dict[str, Any] = {"index": i}
            if ids is not None:
                item["id"] = ids[i]
            item.update({k: cols[k][i] for k in ("p_scripted", "label", "lang", "status")})
            results.append(item)
        return JSON({"n": len(values), "n_scored": sum(s == "ok" for s in cols["status"]), "results": results})

    @app.post("/v1/audit", summary="audit a campaign", tags=["audit"], responses=err,
              dependencies=[Depends(require_multipart)])
    def audit(
        posts: Annotated[UploadFile, File(description="the campaign's posts: .csv .tsv .jsonl .json .parquet .xlsx")],
        brief: Annotated[str | None, Form(description="the brief as text (or send brief_file)")] = None,
        brief_file: Annotated[UploadFile | None, File(description="the brief as a text/Markdown file")] = None,
        text_col: Annotated[str | None, Form(description="the text column (default: auto-detected)")] = None,
        creator_col: Annotated[str | None, Form(description="the creator column (default: auto-detected)")] = None,
        id_col: Annotated[str | None, Form(description="the post id column (default: auto-detected)")] = None,
        sheet: Annotated[str | None, Form(description="Excel sheet (default: the first)")] = None,
        format: Annotated[Literal["json", "html"], Query(description="json: the audit object (as "
                          "audit --json); html: the self-contained HTML report (as audit -o)")] = "json",
    ) -> Response:
        """Audit a seeding campaign: the posts file creators wrote from one brief. Returns the verdict
        (`ok` / `watch` / `over-controlled`), the over-control index and the evidence, or with
        `?format=html` the same HTML report as `authenticity audit -o`."""
        has_text = brief is not None and brief.strip() != ""
        if has_text == (brief_file is not None):
            raise ApiError(422, "give the brief either as text (field 'brief') or as a file (field 'brief_file'), "
                                "exactly one of them")
        posts_name = _display_name(posts, "posts")
        brief_name = _display_name(brief_file, "brief") if brief_file is not None else "brief"
        suffix = _upload_suffix(posts, "the posts file")
        with tempfile.TemporaryDirectory(prefix="authenticity-upload-") as tmp:
            posts_path = Path(tmp) / f"posts{suffix}"
            posts_path.write_bytes(posts.file.read())
            names = {str(posts_path): posts_name}
            try:
                if brief_file is not None:
                    brief_path = Path(tmp) / "brief.txt"
                    brief_path.write_bytes(brief_file.file.read())
                    names[str(brief_path)] = brief_name
                    brief_text = read_text_file(brief_path, what="brief", max_chars=None)
                else:
                    brief_text = brief or ""
                if len(brief_text) > lim.max_brief_chars:
                    raise ApiError(413, f"the brief is {len(brief_text):,} characters; at most "
                                        f"{lim.max_brief_chars:,}")
                df = read_table(posts_path, sheet=sheet)
            except InputError as exc:
                raise ApiError(400, _api_message(str(exc), tmp, names)) from None
        if len(df) == 0:
            raise ApiError(400, f"{posts_name} has no rows")
        if len(df) > lim.max_posts:
            raise ApiError(413, f"{posts_name} has {len(df):,} rows; this server audits at most {lim.max_posts:,} "
                                "posts (use the authenticity audit command for larger campaigns)")
        try:
            report = audit_campaign(df, brief_text, text_col=text_col, creator_col=creator_col, id_col=id_col,
                                    model=mdl)
        except InputError as exc:
            raise ApiError(400, _api_message(str(exc), None, names)) from None
        if format == "html":
            from ..report import render_html

            page = render_html(report, source=posts_name, brief_name=brief_name)
            return Response(page.encode("utf-8", errors="replace"), media_type="text/html; charset=utf-8",
                            headers={"Content-Security-Policy": _REPORT_CSP, "X-Content-Type-Options": "nosniff"})
        out = report.as_dict()
        if isinstance(out.get("model"), dict) and out["model"].get("path"):
            out["model"]["path"] = os.path.basename(str(out["model"]["path"]))  # no server paths
        return JSON(out)

    return app
