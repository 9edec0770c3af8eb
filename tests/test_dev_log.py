"""The development server logs no client address, QR token, receipt code or query string (issue 16)."""

from __future__ import annotations

import contextlib
import logging
import urllib.request


def test_request_log_is_private(live_server, make_counter, caplog, monkeypatch):
    # the migrations' logging.config.fileConfig disabled the loggers that existed then
    monkeypatch.setattr(logging.getLogger("werkzeug"), "disabled", False)
    counter = make_counter()
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        for path in (f"/s/{counter.token}?moi=1", "/r/ABCD-EFGH-JK", "/r?ma=ABCDEFGHJK"):
            with contextlib.suppress(urllib.error.HTTPError):
                urllib.request.urlopen(live_server + path, timeout=10).read()  # noqa: S310 (our own loopback server)
    lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert len(lines) >= 3
    text = "\n".join(lines)
    assert counter.token not in text and "ABCD-EFGH-JK" not in text and "ABCDEFGHJK" not in text
    assert "127.0.0.1" not in text
    assert "GET /s/… " in text or "GET /s/…?…" in text
