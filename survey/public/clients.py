"""Who is asking, as far as the trust checks and rate limits need to know: hashes only.

The device cookie holds a random id set on the form page; the database and the rate
limiter only ever see its keyed hash, and the client address only as a hash keyed
with the day's key (survey.services.privacy).
"""

from __future__ import annotations

import ipaddress
import re
import secrets

from flask import current_app, request
from flask.wrappers import Response as FlaskResponse

from survey.services import privacy

_DEVICE_ID = re.compile(r"^[A-Za-z0-9_-]{22}$")


def client_network(address: str) -> str:
    """The address as limits and flags count it: an IPv4 address, or the /64 of an IPv6 one
    (a home or phone gets a whole /64 and can rotate within it)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address) + "/64"
    return str(ip)


def _address_hash() -> str:
    """The client address's hash under today's key, computed once per request (each limit and the ballot ask)."""
    found = request.environ.get("sipas.ip_hash")
    if found is None:
        found = request.environ["sipas.ip_hash"] = privacy.ip_hash(client_network(request.remote_addr or "unknown"))
    return found


def client_address_key() -> str:
    """Rate-limit key of the client address: its hash under today's key, never the address."""
    return "ip:" + _address_hash()


def client_ip_hash() -> str | None:
    return _address_hash() if request.remote_addr else None


def device_id() -> str | None:
    """The id in the device cookie, if the browser sent a well-formed one."""
    value = request.cookies.get(current_app.config["DEVICE_COOKIE_NAME"], "")
    return value if _DEVICE_ID.match(value) else None


def device_hash() -> str | None:
    if "sipas.device_hash" not in request.environ:  # once per request: each limit and the ballot ask
        value = device_id()
        request.environ["sipas.device_hash"] = privacy.device_hash(value) if value else None
    return request.environ["sipas.device_hash"]


def device_key() -> str:
    """Rate-limit key of the device cookie (only used when there is one)."""
    return "device:" + (device_hash() or "none")


def has_no_device() -> bool:
    return device_id() is None


def page_device_id() -> str:
    """The device id a form page is issued for: the browser's, or the new one the page will set."""
    value = device_id()
    if value is None:
        value = request.environ.setdefault("sipas.new_device_id", secrets.token_urlsafe(16))
    return value


def ensure_device_cookie(response: FlaskResponse) -> FlaskResponse:
    """Give a browser without a device cookie a new random one (long-lived, HttpOnly, SameSite=Lax)."""
    if device_id() is None:
        config = current_app.config
        response.set_cookie(
            config["DEVICE_COOKIE_NAME"],
            page_device_id(),
            max_age=config["DEVICE_COOKIE_DAYS"] * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=config["SESSION_COOKIE_SECURE"],
        )
    return response
