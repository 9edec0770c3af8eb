"""Fixtures: an app whose schema is built by the migrations, a clean database per test,
factories, and a live server for the browser tests.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import os
import re
import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import event, text
from werkzeug.serving import make_server

from survey import create_app
from survey.extensions import db as _db
from survey.models import Counter, Field, Procedure, Unit

ON_CI = os.environ.get("CI", "").lower() == "true"


def pytest_configure(config):
    os.environ.setdefault("SECRET_KEY", "test")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite")


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory) -> Iterator:
    instance = tmp_path_factory.mktemp("instance")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "PUBLIC_BASE_URL": "https://khaosat.example.vn",
            "REPORTS_DIR": str(instance / "reports"),
            # the "hours" flag reads the real clock: off here, so a test's ballots do not depend on when the
            # suite runs; the trust tests turn it on with their own clock (tests/trust/conftest.py)
            "TRUST_HOURS_START": None,
            "TRUST_HOURS_END": None,
        }
    )
    app.instance_path = str(instance)
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()  # close pooled connections before the interpreter collects them


def _tables_in_delete_order() -> list[str]:
    return [t.name for t in reversed(_db.metadata.sorted_tables)]


@pytest.fixture
def db(app) -> Iterator:
    """The database, emptied after the test (views commit, so rollback is not enough).

    No app context stays pushed during the test: a request of the test client would
    reuse it (and its ``g`` and session) instead of getting its own as in production.
    Tests that read the database open ``with app.app_context():`` themselves.
    """
    yield _db
    with app.app_context():
        _db.session.remove()
        with _db.engine.begin() as conn:
            for table in _tables_in_delete_order():
                conn.execute(text(f"DELETE FROM {table}"))


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def runner(app, db):
    return app.test_cli_runner()


def _saved(app, obj):
    """Commit ``obj`` in its own app context and hand it back detached, columns loaded."""
    with app.app_context():
        _db.session.add(obj)
        _db.session.commit()
        _db.session.refresh(obj)
        _db.session.expunge(obj)
    return obj


# ---- factories ---------------------------------------------------------------------


@pytest.fixture
def make_field(app, db) -> Callable[..., Field]:
    def make(code: str = "HT", name: str = "Hộ tịch", procedures: tuple[tuple[str, str], ...] = ()) -> Field:
        with app.app_context():
            field = _db.session.query(Field).filter_by(code=code).one_or_none()
            if field is not None:
                _db.session.expunge(field)
                return field
        field = Field(code=code, name=name)
        field.procedures = [Procedure(code=c, name=n) for c, n in procedures]
        return _saved(app, field)

    return make


@pytest.fixture
def make_unit(app, db, make_field) -> Callable[..., Unit]:
    def make(code: str = "XA-01", name: str = "UBND xã Bình Thạnh", kind: str = "commune", parent_id=None,
             field_codes=("HT", "DD")) -> Unit:  # fmt: skip
        names = {"HT": "Hộ tịch", "DD": "Đất đai", "XD": "Xây dựng", "CT": "Chứng thực"}
        for c in field_codes:
            make_field(c, names.get(c, c))
        with app.app_context():
            fields = list(_db.session.query(Field).filter(Field.code.in_(field_codes)))
            unit = Unit(code=code, name=name, kind=kind, parent_id=parent_id, fields=fields)
            _db.session.add(unit)
            _db.session.commit()
            _db.session.refresh(unit)
            _db.session.expunge(unit)
        return unit

    return make


@pytest.fixture
def make_counter(app, db, make_unit) -> Callable[..., Counter]:
    def make(unit=None, code: str | None = None, field_code: str | None = None, is_active: bool = True) -> Counter:
        unit = unit or make_unit()
        with app.app_context():
            field_id = _db.session.query(Field.id).filter_by(code=field_code).scalar() if field_code else None
        counter = Counter(unit_id=unit.id, code=code or f"{unit.code}-Q{secrets.token_hex(2)}", name="Quầy số 1",
                          field_id=field_id, is_active=is_active)  # fmt: skip
        return _saved(app, counter)

    return make


# ---- the form as a citizen fills it ---------------------------------------------------

HIDDEN = re.compile(r'<input[^>]*name="(csrf_token|key)"[^>]*value="([^"]*)"')


def hidden_fields(html: str) -> dict[str, str]:
    """csrf_token and key, as a browser would send them back."""
    found = {}
    for match in HIDDEN.finditer(html):
        found[match.group(1)] = match.group(2)
    return found


def full_answers(profile_code: str = "sipas-2024", value: int = 4) -> dict[str, str]:
    from analysis.profile import load_profile

    return {f"q_{code}": str(value) for code in load_profile(profile_code).item_codes}


@pytest.fixture
def open_form(client):
    """GET the form of a counter; returns the page and the hidden fields to post back."""

    def open_(counter) -> tuple[str, dict[str, str]]:
        response = client.get(f"/s/{counter.token}")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        return html, hidden_fields(html)

    return open_


# ---- live server for browser tests ---------------------------------------------------


@pytest.fixture
def live_server(app, db) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium through Playwright. On CI a missing browser fails; locally it skips."""
    if not Path(CHROMIUM).exists():
        if ON_CI:
            pytest.fail(f"{CHROMIUM} is missing: .ci/run must install Debian's chromium")
        pytest.skip("Debian chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],  # fmt: skip
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    """A phone-sized page (360×740, touch) with a Vietnamese locale."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="vi-VN")  # fmt: skip
    page = context.new_page()
    yield page
    context.close()


AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        if ON_CI:
            pytest.fail("axe-core is missing: run `npm ci` (make test does)")
        pytest.skip("axe-core is not installed (npm ci)")
    return AXE.read_text(encoding="utf-8")


def axe_violations(page, axe_source: str, impacts=("serious", "critical")) -> list[dict]:
    # evaluated from outside the page: its Content-Security-Policy (no inline script) stays on
    page.evaluate(axe_source + "\n;0")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in impacts]


def menu_link(page, name: str):
    """A link of the office's main menu; on a phone the menu is folded into "Menu", opened first."""
    folded = page.locator("nav.top details.menu-one")
    if folded.is_visible() and folded.get_attribute("open") is None:
        folded.locator("summary").click()
    return page.get_by_role("link", name=name, exact=True)


@contextmanager
def sql_statements(app) -> Iterator[list[str]]:
    """Every SQL statement sent on the app's engines while the block runs (what a page or a report costs)."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    with app.app_context():
        engines = {_db.engine, *_db.engines.values()}
    for engine in engines:
        event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", record)
