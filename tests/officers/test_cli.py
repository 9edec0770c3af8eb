"""`flask officers …` and `flask qr posters --officers`."""

from __future__ import annotations

from sqlalchemy import select

from survey.extensions import db
from survey.models import Officer


def test_create_list_and_placards(app, runner, communes, tmp_path):
    created = runner.invoke(args=["officers", "create", "--code", "cb-a9", "--name", "Đỗ Văn Bình", "--unit", "T-A",
                                  "--counter", "T-A-Q1", "--from", "01/02/2026"])  # fmt: skip
    assert created.exit_code == 0 and "Đã thêm công chức CB-A9." in created.output
    twice = runner.invoke(args=["officers", "create", "--code", "CB-A9", "--name", "X", "--unit", "T-A"])
    assert twice.exit_code != 0 and "Mã công chức CB-A9 đã có." in twice.output
    a_name = runner.invoke(args=["officers", "create", "--code", "Nguyễn Văn A", "--name", "X", "--unit", "T-A"])
    assert a_name.exit_code != 0 and "không ghi họ tên" in a_name.output
    listing = runner.invoke(args=["officers", "list"]).output.splitlines()
    assert listing[0] == "officer_code,unit_code,counter_code,active_from,active_to"
    assert "CB-A9,T-A,T-A-Q1,01/02/2026," in listing
    assert not any("Đỗ Văn Bình" in line for line in listing)  # codes only, never names
    out = tmp_path / "placards"
    result = runner.invoke(args=["qr", "posters", "--officers", "--unit", "T-A", "--out", str(out)])
    assert result.exit_code == 0 and "Đã tạo 3 áp phích bàn công chức" in result.output
    assert sorted(p.name for p in out.glob("*.pdf")) == ["T-A-Q1-CB-A1.pdf", "T-A-Q1-CB-A2.pdf", "T-A-Q1-CB-A9.pdf"]
    assert (out / "T-A-Q1-CB-A9.pdf").read_bytes()[:4] == b"%PDF"
    assert (out / "T-A-Q1-CB-A9.svg").read_text(encoding="utf-8").lstrip().startswith("<")


def test_link_account(app, runner, communes):
    from survey.services.users import create_user

    with app.app_context():
        create_user(
            "congchuc.a1", "mat-khau-thu-nghiem", "unit_officer", "Lan", db.session.get(type(communes.a), communes.a.id)
        )
        db.session.commit()
    result = runner.invoke(args=["officers", "link-account", "--user", "congchuc.a1", "--officer", "cb-a1"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        officer = db.session.scalar(select(Officer).where(Officer.code == "CB-A1"))
        from survey.models import User

        assert db.session.scalar(select(User.officer_id).where(User.username == "congchuc.a1")) == officer.id
    wrong = runner.invoke(args=["officers", "link-account", "--user", "congchuc.a1", "--officer", "CB-B1"])
    assert wrong.exit_code != 0 and "đúng đơn vị" in wrong.output
