"""`flask api-keys`: a key printed once, stored as a hash, scoped, revocable."""

from __future__ import annotations

import hashlib
import re

from sqlalchemy import select

from survey.extensions import db
from survey.models import ApiKey
from tests.api.conftest import assert_problem, bearer


def test_create_prints_the_key_once_and_stores_its_hash(app, runner, client, district):
    result = runner.invoke(args=["api-keys", "create", "--name", "iGate tỉnh Quảng Ngãi", "--unit", "21040",
                                 "--scope", "receipts,read"])  # fmt: skip
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip()
    assert re.fullmatch(r"sipas_[A-Za-z0-9_-]{43}", secret)
    with app.app_context():
        key = db.session.scalar(select(ApiKey))
        assert key.key_hash == hashlib.sha256(secret.encode()).hexdigest()
        assert secret not in (key.key_hash, key.prefix, key.name) and key.prefix == secret[:14]
        assert (key.scopes, [u.code for u in key.units]) == ("receipts,read", ["21040"])
    body = {"service_point": "21040-Q2", "field": "HT", "dossier": "HS-1"}
    assert client.post("/api/v1/receipts", json=body, headers=bearer(secret)).status_code == 201
    assert_problem(client.post("/api/v1/dossier-counts", json={"counts": []}, headers=bearer(secret)), 403)

    listed = runner.invoke(args=["api-keys", "list"])
    assert secret[:14] in listed.output and secret not in listed.output and "đang dùng" in listed.output

    revoked = runner.invoke(args=["api-keys", "revoke", secret[:14]])
    assert revoked.exit_code == 0 and "Đã thu hồi khoá “iGate tỉnh Quảng Ngãi”" in revoked.output
    assert_problem(client.post("/api/v1/receipts", json=body, headers=bearer(secret)), 401)


def test_create_refuses_unknown_units_and_scopes(app, runner, district):
    unknown_unit = runner.invoke(args=["api-keys", "create", "--name", "X", "--unit", "KHONG-CO"])
    assert unknown_unit.exit_code != 0 and "Không có đơn vị mã KHONG-CO" in unknown_unit.output
    bad_scope = runner.invoke(args=["api-keys", "create", "--name", "X", "--scope", "receipts,admin"])
    assert bad_scope.exit_code != 0 and "Quyền không hợp lệ: admin" in bad_scope.output
    no_name = runner.invoke(args=["api-keys", "create", "--name", "  "])
    assert no_name.exit_code != 0 and "không được để trống" in no_name.output
    with app.app_context():
        assert db.session.scalar(select(ApiKey)) is None
