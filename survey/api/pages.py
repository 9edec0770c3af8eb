"""``/api/docs``: the OpenAPI document as a plain HTML page (no script, no CDN); unknown API paths as problems."""

from __future__ import annotations

import json

from flask import Blueprint, current_app, render_template

from survey.api.problems import problem

bp = Blueprint("api_pages", __name__)

METHODS = ("get", "post", "put", "patch", "delete")
TYPE_NAMES = {"string": "chuỗi", "integer": "số nguyên", "number": "số", "boolean": "true/false", "object": "đối tượng"}


def _deref(spec: dict, node):
    if isinstance(node, dict) and "$ref" in node:
        target = spec
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        return target
    return node


def _fields(spec: dict, schema: dict | None) -> list[dict]:
    """The properties of a (referenced) object schema, one row each, nested lists and objects flattened."""
    schema = _deref(spec, schema or {})
    required = set(schema.get("required", ()))
    rows = []
    for name, prop in (schema.get("properties") or {}).items():
        prop = _deref(spec, prop)
        kind = TYPE_NAMES.get(prop.get("type", "object"), prop.get("type"))
        if prop.get("type") == "array":
            items = _deref(spec, prop.get("items", {}))
            kind = f"danh sách {TYPE_NAMES.get(items.get('type', 'object'), items.get('type'))}"
            nested = _fields(spec, items) if items.get("properties") else []
        else:
            nested = _fields(spec, prop) if prop.get("properties") else []
        rows.append({"name": name, "type": kind, "required": name in required, "enum": prop.get("enum"),
                     "format": prop.get("format"), "description": prop.get("description", ""), "nested": nested})  # fmt: skip
    return rows


def operations(spec: dict) -> list[dict]:
    out = []
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            body = (op.get("requestBody") or {}).get("content", {}).get("application/json", {}).get("schema")
            responses = []
            for status, response in op.get("responses", {}).items():
                response = _deref(spec, response)
                content = response.get("content", {})
                media = next(iter(content), "")
                responses.append({"status": status, "description": response.get("description", ""), "media": media,
                                  "fields": _fields(spec, content.get(media, {}).get("schema"))})  # fmt: skip
            out.append({"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                        "description": op.get("description", ""), "parameters": op.get("parameters", []),
                        "body": _fields(spec, body), "responses": responses})  # fmt: skip
    return out


@bp.get("/api/docs")
def docs():
    spec = current_app.extensions["sipas_api"].spec.to_dict()
    return render_template("api/docs.html", spec=spec, operations=operations(spec),
                           spec_json=json.dumps(spec, ensure_ascii=False, indent=2))  # fmt: skip


@bp.route("/api/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def unknown(rest: str):
    return problem(404, "Không có địa chỉ này trong API (xem /api/docs).")
