"""``/docs``: the API reference as one offline HTML page, rendered on the server from the OpenAPI schema.

FastAPI's own ``/docs`` (Swagger UI) loads its scripts and styles from a CDN,
so it is turned off; this page needs nothing but the server: every endpoint
with its parameters, request body fields, an example and its responses, and
a link to the machine-readable schema at ``/openapi.json``.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

__all__ = ["render_docs"]

_METHODS = ("get", "post", "put", "patch", "delete")


def _e(s: Any) -> str:
    return html.escape(str(s))


def _md(s: str) -> str:
    """Escaped text with Markdown `code` spans as <code>."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", _e(s))


def _resolve(schema: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        node: Any = spec
        for part in ref[2:].split("/"):
            node = node.get(part, {}) if isinstance(node, dict) else {}
        return node if isinstance(node, dict) else {}
    return schema


def _type(schema: dict[str, Any], spec: dict[str, Any]) -> str:
    schema = _resolve(schema, spec)
    if "anyOf" in schema:
        return " | ".join(_type(s, spec) for s in schema["anyOf"])
    if "enum" in schema:
        return " | ".join(json.dumps(v, ensure_ascii=False) for v in schema["enum"])
    if "const" in schema:
        return json.dumps(schema["const"], ensure_ascii=False)
    t = schema.get("type", "any")
    if t == "array":
        return f"list of {_type(schema.get('items', {}), spec)}"
    if t == "string" and schema.get("format") == "binary":
        return "file"
    return str(t)


def _fields(schema: dict[str, Any], spec: dict[str, Any]) -> str:
    schema = _resolve(schema, spec)
    props = schema.get("properties") or {}
    if not props:
        return ""
    required = set(schema.get("required") or ())
    rows = "".join(
        f"<tr><td><code>{_e(name)}</code>{' <b>required</b>' if name in required else ''}</td>"
        f"<td>{_e(_type(p, spec))}</td><td>{_md(_resolve(p, spec).get('description', ''))}</td></tr>"
        for name, p in props.items()
    )
    return f"<table><tr><th>field</th><th>type</th><th>description</th></tr>{rows}</table>"


def _operation(path: str, method: str, op: dict[str, Any], spec: dict[str, Any]) -> str:
    anchor = f"{method}-{path.strip('/').replace('/', '-') or 'root'}"
    out = [f'<section class="op" id="{_e(anchor)}"><h3><span class="method {method}">{method.upper()}</span> '
           f"<code>{_e(path)}</code> — {_e(op.get('summary', ''))}</h3>"]
    if op.get("description"):
        out.extend(f"<p>{_md(par)}</p>" for par in str(op["description"]).split("\n\n"))
    params = op.get("parameters") or []
    if params:
        rows = "".join(
            f"<tr><td><code>{_e(p.get('name'))}</code> ({_e(p.get('in'))})</td>"
            f"<td>{_e(_type(p.get('schema', {}), spec))}</td><td>{_e(p.get('description', ''))}</td></tr>"
            for p in params
        )
        out.append(f"<h4>Parameters</h4><table><tr><th>name</th><th>type</th><th>description</th></tr>{rows}</table>")
    body = op.get("requestBody") or {}
    for ctype, media in (body.get("content") or {}).items():
        schema = _resolve(media.get("schema", {}), spec)
        out.append(f"<h4>Request body <code>{_e(ctype)}</code></h4>{_fields(schema, spec)}")
        examples = schema.get("examples") or []
        if examples:
            out.append("<pre>" + _e(json.dumps(examples[0], ensure_ascii=False, indent=2)) + "</pre>")
    responses = op.get("responses") or {}
    if responses:
        rows = "".join(f"<tr><td>{_e(code)}</td><td>{_e(r.get('description', ''))}</td></tr>"
                       for code, r in responses.items())
        out.append(f"<h4>Responses</h4><table><tr><th>status</th><th>meaning</th></tr>{rows}</table>")
    out.append("</section>")
    return "".join(out)


def render_docs(spec: dict[str, Any]) -> str:
    """The reference page for an OpenAPI ``spec`` (a dict, as ``app.openapi()`` returns)."""
    info = spec.get("info") or {}
    ops = [(path, m, item[m]) for path, item in (spec.get("paths") or {}).items() for m in _METHODS if m in item]
    toc = "".join(
        f'<li><a href="#{_e(m)}-{_e(p.strip("/").replace("/", "-") or "root")}"><span class="method {m}">'
        f"{m.upper()}</span> <code>{_e(p)}</code></a> {_e(op.get('summary', ''))}</li>"
        for p, m, op in ops
    )
    desc = "".join(f"<p>{_md(par)}</p>" for par in str(info.get("description", "")).split("\n\n") if par)
    return (
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">'
        f"<title>{_e(info.get('title', 'API'))} — API reference</title>"
        '<link rel="stylesheet" href="/static/app.css"></head><body class="docs"><main>'
        f"<h1>{_e(info.get('title', 'API'))} <small>{_e(info.get('version', ''))}</small></h1>{desc}"
        '<p>Machine-readable schema: <a href="/openapi.json">/openapi.json</a> (OpenAPI '
        f"{_e(spec.get('openapi', ''))}). The page for people is at <a href=\"/\">/</a>.</p>"
        f"<h2>Endpoints</h2><ul class=\"toc\">{toc}</ul>"
        + "".join(_operation(p, m, op, spec) for p, m, op in ops)
        + "</main></body></html>"
    )
