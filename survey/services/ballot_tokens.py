"""One stored ballot per form the server issued: the signed, single-use ballot token.

Each fresh form carries a token the server signed (itsdangerous, keyed from
``SECRET_KEY``) for one counter and one browser (its device cookie), valid for
``BALLOT_TOKEN_HOURS``. Its random part is the ballot's idempotency key, stored under
UNIQUE, so a token stores one ballot at most: sending it again finds that ballot.
A form not issued by the server, issued for another counter or another browser, or
too old is refused — the citizen's answers come back with a fresh token.

A POST that comes back without the device cookie the token was issued for (cookies
blocked, or a script that drops them) is not refused but flagged by the trust checks.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, TimestampSigner

#: the random part, also the stored response key (token_urlsafe(18) is 24 characters)
NONCE_LENGTH = 24
#: characters of the device binding (a keyed digest of the device-cookie id)
BINDING_LENGTH = 12


class TokenRefused(Exception):
    """The form was not issued by this server for this counter and browser, or is too old."""


@dataclass(frozen=True)
class Redeemed:
    #: the ballot's idempotency key
    key: str
    #: the browser came back without the device cookie the form was issued for
    without_device: bool


def _signer(counter_token: str) -> TimestampSigner:
    return TimestampSigner(str(current_app.config["SECRET_KEY"]), salt="sipas-ballot/" + counter_token)


def _binding(device_id: str) -> str:
    key = hashlib.sha256(b"sipas-ballot-device/" + str(current_app.config["SECRET_KEY"]).encode()).digest()
    return hmac.new(key, device_id.encode(), hashlib.sha256).hexdigest()[:BINDING_LENGTH]


def issue(counter_token: str, device_id: str) -> str:
    """A new ballot token for a form of the counter ``counter_token``, for the browser ``device_id``."""
    value = secrets.token_urlsafe(18) + _binding(device_id)
    return _signer(counter_token).sign(value).decode()


def redeem(token: str | None, counter_token: str, device_id: str | None) -> Redeemed:
    """Check a token sent back with a ballot; raise TokenRefused when it cannot be taken."""
    try:
        value = _signer(counter_token).unsign(token or "", max_age=current_app.config["BALLOT_TOKEN_HOURS"] * 3600)
    except BadSignature as exc:  # also SignatureExpired
        raise TokenRefused from exc
    value = value.decode()
    key, binding = value[:NONCE_LENGTH], value[NONCE_LENGTH:]
    if len(key) != NONCE_LENGTH or len(binding) != BINDING_LENGTH:
        raise TokenRefused
    if device_id is not None and not hmac.compare_digest(binding, _binding(device_id)):
        raise TokenRefused  # issued to another browser
    return Redeemed(key=key, without_device=device_id is None)
