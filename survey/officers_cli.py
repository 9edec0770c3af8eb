"""``flask officers …``: officer records, the roster import, officers' placards."""

from __future__ import annotations

import csv
import sys
from datetime import date
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from survey.extensions import db
from survey.models import Counter, Officer
from survey.services import officers as officer_service
from survey.services.errors import DomainError, ImportRejected
from survey.services.roster import import_roster, parse_day
from survey.services.units import subtree_ids, unit_by_code

officers_group = AppGroup("officers", help="Công chức phục vụ tại quầy và lịch trực.")


def placard_url(officer: Officer, base_url: str) -> str:
    return f"{base_url.rstrip('/')}/s/{officer.placard_token}"


def write_placards(unit_id: int | None, base_url: str, out_dir: Path) -> int:
    """One poster per officer serving today at an active counter: ``<counter>-<officer>.pdf/.png/.svg``."""
    from survey.qrcodes import poster_pdf, qr_png, qr_svg

    stmt = select(Officer).join(Counter, Officer.counter_id == Counter.id).where(Counter.is_active.is_(True))
    if unit_id is not None:
        stmt = stmt.where(Officer.unit_id.in_(subtree_ids(unit_id)))
    today = officer_service.vietnam_day()
    out_dir.mkdir(parents=True, exist_ok=True)
    count = 0
    for officer in db.session.scalars(stmt.order_by(Officer.code)):
        if not officer.serves_on(today):
            continue
        url = placard_url(officer, base_url)
        stem = out_dir / f"{officer.counter.code}-{officer.code}"
        stem.with_suffix(".pdf").write_bytes(poster_pdf(officer.counter, url))
        stem.with_suffix(".png").write_bytes(qr_png(url))
        stem.with_suffix(".svg").write_text(qr_svg(url), encoding="utf-8")
        count += 1
    return count


def _day_option(value: str | None) -> date | None:
    if value is None:
        return None
    day = parse_day(value)
    if day is None:
        raise click.BadParameter(f"ngày phải có dạng dd/mm/yyyy, nhận được {value!r}")
    return day


@officers_group.command("create")
@click.option("--code", required=True, help="Mã công chức (định danh nội bộ, không ghi họ tên).")
@click.option("--name", required=True, help="Họ và tên.")
@click.option("--unit", "unit_code", required=True, help="Mã đơn vị.")
@click.option("--counter", "counter_code", help="Mã quầy nơi công chức ngồi (áp phích riêng dẫn về quầy này).")
@click.option("--from", "active_from", help="Ngày bắt đầu phục vụ (dd/mm/yyyy; mặc định hôm nay).")
@click.option("--to", "active_to", help="Ngày thôi phục vụ (dd/mm/yyyy).")
def officers_create(code: str, name: str, unit_code: str, counter_code: str | None,
                    active_from: str | None, active_to: str | None) -> None:  # fmt: skip
    """Thêm một công chức."""
    unit = unit_by_code(unit_code)
    if unit is None:
        raise click.ClickException(f"Không có đơn vị mã {unit_code}.")
    counter = None
    if counter_code:
        counter = db.session.scalar(select(Counter).where(Counter.code == counter_code))
        if counter is None:
            raise click.ClickException(f"Không có quầy mã {counter_code}.")
    try:
        officer = officer_service.create(code, name, unit, counter=counter, active_from=_day_option(active_from),
                                         active_to=_day_option(active_to))  # fmt: skip
    except DomainError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Đã thêm công chức {officer.code}.")


@officers_group.command("list")
def officers_list() -> None:
    """In danh sách công chức (CSV: officer_code, unit_code, counter_code, active_from, active_to)."""
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["officer_code", "unit_code", "counter_code", "active_from", "active_to"])
    for o in db.session.scalars(select(Officer).order_by(Officer.code)):
        writer.writerow([o.code, o.unit.code, o.counter.code if o.counter else "", f"{o.active_from:%d/%m/%Y}",
                         f"{o.active_to:%d/%m/%Y}" if o.active_to else ""])  # fmt: skip


@officers_group.command("roster-import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def roster_import(path: Path) -> None:
    """Nhập lịch trực quầy từ tệp .xlsx hoặc .csv (cột: mã công chức, mã quầy, ngày): cả tệp hoặc không gì cả."""
    try:
        added, kept = import_roster(path)
    except ImportRejected as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Đã nhập {added} dòng lịch trực ({kept} dòng đã có từ trước).")


@officers_group.command("link-account")
@click.option("--user", "username", required=True, help="Tên đăng nhập (vai trò cán bộ đơn vị).")
@click.option("--officer", "officer_code", required=True, help="Mã công chức.")
def officers_link_account(username: str, officer_code: str) -> None:
    """Gắn tài khoản với công chức: tài khoản chỉ xem được kết quả của chính công chức đó."""
    from survey.models import User

    user = db.session.scalar(select(User).where(User.username == username.strip().lower()))
    officer = officer_service.by_code(officer_code.strip().upper())
    if user is None or officer is None:
        raise click.ClickException("Không có tài khoản hoặc công chức này.")
    try:
        officer_service.link_account(user, officer)
    except DomainError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Đã gắn tài khoản {user.username} với công chức {officer.code}.")
