"""Who calls: the Bearer key, its scope, its rate limit, and the log of every call."""

from __future__ import annotations

import hashlib

from flask import current_app, g, request
from sqlalchemy.exc import SQLAlchemyError

from survey.api.problems import ApiProblem
from survey.extensions import db, limiter
from survey.services import api_keys

#: the scope each endpoint needs (endpoint name after the blueprint's)
SCOPE_OF = {"mint_receipt": "receipts", "receipt_qr": "receipts", "send_counts": "counts", "indices": "read"}


def _secret() -> str | None:
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" and secret.strip() else None


def rate_key() -> str:
    """Calls are counted per key (its hash: the limiter's store never sees a key)."""
    secret = _secret()
    if secret is None:
        from survey.public.clients import client_address_key

        return client_address_key()
    return "apikey:" + hashlib.sha256(secret.encode()).hexdigest()[:32]


#: applied to the whole API blueprint; RATELIMIT_PER_API_KEY is read per request
per_key_limit = limiter.limit(lambda: current_app.config["RATELIMIT_PER_API_KEY"], key_func=rate_key)


def authenticate() -> None:
    """Before each call: a valid, unrevoked key with the endpoint's scope, else 401 or 403."""
    g.api_key_id = None
    key = api_keys.authenticate(_secret())
    if key is None:
        raise ApiProblem(401, "Thiếu khoá API hoặc khoá không đúng (gửi tiêu đề Authorization: Bearer <khoá>).",
                         headers={"WWW-Authenticate": "Bearer"})  # fmt: skip
    g.api_key_id = key.id
    if not key.is_active:
        raise ApiProblem(401, "Khoá API đã bị thu hồi.", headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    #: the key's units (with those below), None = all: read once, so a retried view needs no ORM object
    g.api_unit_ids = api_keys.unit_ids(key)
    scope = SCOPE_OF.get((request.endpoint or "").rpartition(".")[2])
    if scope is None or scope not in key.scope_list:
        raise ApiProblem(403, f"Khoá API không có quyền “{scope}” cần cho thao tác này.")


def log_call(response):
    """After each call, in a transaction of its own: the log must outlive the call's rollback."""
    key_id = g.get("api_key_id")
    if key_id is None and "api_key_id" not in g:  # refused before authentication (rate limit)
        key = api_keys.authenticate(_secret())
        key_id = key.id if key else None
    action = (request.endpoint or "unknown").rpartition(".")[2]
    try:
        api_keys.log_call(key_id, action, response.status_code)
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.exception("API call could not be logged")
    return response
