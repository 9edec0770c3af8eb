"""Thin click commands: parse options, call services, commit once."""

from __future__ import annotations

import csv
import sys
from datetime import date, datetime
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from survey.extensions import db
from survey.figures.periods import VN
from survey.models import Counter, Unit
from survey.models.users import ROLE_NAMES, ROLES
from survey.services import counters as counter_service
from survey.services import demo, exchange
from survey.services import feedback as feedback_service
from survey.services import users as user_service
from survey.services.errors import DomainError, ImportRejected
from survey.services.units import subtree_ids, unit_by_code


def _unit_or_fail(code: str) -> Unit:
    unit = unit_by_code(code)  # a code reused across a merger: the unit bearing it today
    if unit is None:
        raise click.ClickException(f"Không có đơn vị mã {code}.")
    return unit


def _active_counters(unit_code: str | None) -> list[Counter]:
    stmt = select(Counter).where(Counter.is_active.is_(True)).order_by(Counter.code)
    if unit_code:
        stmt = stmt.where(Counter.unit_id.in_(subtree_ids(_unit_or_fail(unit_code).id)))
    return list(db.session.scalars(stmt))


qr = AppGroup("qr", help="Mã QR của các quầy tiếp nhận.")


@qr.command("list")
@click.option("--unit", "unit_code", help="Chỉ các quầy của đơn vị này (và đơn vị trực thuộc).")
def qr_list(unit_code: str | None) -> None:
    """In danh sách quầy đang hoạt động (CSV: counter_code, unit_code, field_code, url)."""
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["counter_code", "unit_code", "field_code", "url"])
    base = current_app.config["PUBLIC_BASE_URL"]
    for counter in _active_counters(unit_code):
        field_code = counter.field.code if counter.field else ""
        writer.writerow([counter.code, counter.unit.code, field_code, counter_service.survey_url(counter, base)])


@qr.command("posters")
@click.option("--unit", "unit_code", help="Chỉ các quầy của đơn vị này (và đơn vị trực thuộc).")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--officers", "for_officers", is_flag=True, help="Áp phích riêng cho bàn của từng công chức.")
def qr_posters(unit_code: str | None, out_dir: Path, for_officers: bool) -> None:
    """Tạo áp phích A4 (PDF) và ảnh mã QR (PNG, SVG) cho từng quầy (hoặc từng bàn công chức)."""
    from survey.qrcodes import write_counter_files

    base = current_app.config["PUBLIC_BASE_URL"]
    if for_officers:
        from survey.officers_cli import write_placards

        count = write_placards(_unit_or_fail(unit_code).id if unit_code else None, base, out_dir)
        click.echo(f"Đã tạo {count} áp phích bàn công chức trong {out_dir}.")
        return
    counters = _active_counters(unit_code)
    with click.progressbar(counters, label="Đang tạo áp phích") as bar:
        for counter in bar:
            write_counter_files(counter, counter_service.survey_url(counter, base), out_dir)
    click.echo(f"Đã tạo {len(counters)} áp phích trong {out_dir}.")


responses = AppGroup("responses", help="Xuất, nhập phiếu khảo sát theo định dạng trao đổi (CSV).")


def _day(value: str | None, name: str) -> datetime | None:
    if value is None:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"ngày phải có dạng YYYY-MM-DD, nhận được {value!r}", param_hint=name) from exc
    return datetime(day.year, day.month, day.day, tzinfo=VN)


@responses.command("export")
@click.option("--out", "out_file", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--from", "date_from", help="Từ ngày (YYYY-MM-DD, giờ Việt Nam), tính cả ngày này.")
@click.option("--to", "date_to", help="Đến ngày (YYYY-MM-DD, giờ Việt Nam), tính cả ngày này.")
@click.option("--unit", "unit_code", help="Chỉ phiếu của đơn vị này (và đơn vị trực thuộc).")
@click.option("--boundaries", "boundaries_day",
              help="Ghi unit_code theo địa giới ngày này (YYYY-MM-DD): phiếu của đơn vị cũ đã sáp nhập mang mã "
                   "đơn vị mới; mã cũ ở cột unit_code_original.")  # fmt: skip
def responses_export(out_file: Path, date_from: str | None, date_to: str | None, unit_code: str | None,
                     boundaries_day: str | None) -> None:  # fmt: skip
    """Xuất phiếu ra tệp CSV (UTF-8)."""
    from datetime import timedelta

    from survey.figures.boundaries import expand

    end = _day(date_to, "--to")
    on = _day(boundaries_day, "--boundaries").date() if boundaries_day else None
    unit_ids = subtree_ids((unit_by_code(unit_code, on) or _unit_or_fail(unit_code)).id) if unit_code else None
    if unit_ids is not None and on is not None:
        unit_ids = list(expand(unit_ids, on))
    stmt = exchange.export_query(
        start=_day(date_from, "--from"), end=end + timedelta(days=1) if end else None, unit_ids=unit_ids
    )
    with out_file.open("w", encoding="utf-8", newline="") as out:
        count = exchange.write_csv(out, stmt, on)
    click.echo(f"Đã xuất {count} phiếu ra {out_file}.")


@responses.command("import")
@click.argument("in_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def responses_import(in_file: Path) -> None:
    """Nhập phiếu từ tệp CSV: nhập tất cả hoặc không nhập gì."""
    from survey.services.importer import import_csv

    try:
        count = import_csv(in_file)
        db.session.commit()
    except ImportRejected as exc:
        db.session.rollback()
        click.echo(str(exc), err=True)
        sys.exit(1)
    click.echo(f"Đã nhập {count} phiếu từ {in_file}.")


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Tạo dữ liệu mẫu (tỉnh Quảng Ngãi năm 2026: các xã mới của Bình Sơn và đơn vị cũ, phiếu từ 07/2024) nếu chưa có."""
    if demo.is_seeded():
        click.echo("Dữ liệu mẫu đã có, không tạo lại.")
        return
    counts = demo.seed_demo()
    db.session.commit()
    click.echo(f"Đã tạo dữ liệu mẫu: {counts['current']} đơn vị cấp xã hiện hành, {counts['former']} đơn vị cũ "
               f"(thôi hoạt động 30/6/2025), {counts['counters']} quầy, {counts['responses']} phiếu.")  # fmt: skip


@click.command("demo-info")
@click.option("--base-url", help="Địa chỉ máy chủ đang chạy (mặc định PUBLIC_BASE_URL), ví dụ http://127.0.0.1:5101.")
@with_appcontext
def demo_info(base_url: str | None) -> None:
    """In một đường dẫn khảo sát, đường dẫn máy tính bảng tại quầy và các tài khoản mẫu để thử."""
    demo_counter = select(Counter).where(Counter.code == demo.DEMO_COUNTER, Counter.is_active.is_(True))
    counter = db.session.scalar(demo_counter) or db.session.scalar(
        select(Counter).where(Counter.is_active.is_(True)).order_by(Counter.code)
    )
    if counter is None:
        click.echo("Chưa có quầy nào.")
        return
    if counter.kiosk_token is None and counter.unit.is_sample:
        counter_service.new_kiosk_token(counter)  # the demo counter gets a kiosk to try
        db.session.commit()
    base = base_url or current_app.config["PUBLIC_BASE_URL"]
    click.echo(f"Phiếu khảo sát ({counter.service_point.full_name}, {counter.name}):")
    click.echo(f"  {counter_service.survey_url(counter, base)}")
    if counter.kiosk_token:
        click.echo("Máy tính bảng tại quầy (chữ lớn, tự về phiếu mới):")
        click.echo(f"  {counter_service.kiosk_url(counter, base)}")
    if demo.is_seeded():
        click.echo(f"Bảng điều khiển: {base.rstrip('/')}/admin/  — tài khoản mẫu (chỉ dùng thử):")
        for username, password, role, _unit_code in demo.DEMO_USERS:
            click.echo(
                f"  {username:<10} mật khẩu {password:<18} {demo.DEMO_USER_NAMES[username]} ({ROLE_NAMES[role]})"
            )


users = AppGroup("users", help="Tài khoản cán bộ.")


@users.command("create")
@click.option("--username", required=True, help="Tên đăng nhập.")
@click.option("--role", required=True, type=click.Choice(ROLES), help="admin, reviewer hoặc unit_officer.")
@click.option("--unit", "unit_code", help="Mã đơn vị (bắt buộc với unit_officer).")
@click.option("--name", "display_name", help="Họ tên hiển thị.")
@click.password_option("--password", help="Mật khẩu (nếu không có sẽ được hỏi, không hiện trên màn hình).")
def users_create(username: str, role: str, unit_code: str | None, display_name: str | None, password: str) -> None:
    """Tạo tài khoản (ví dụ tài khoản quản trị đầu tiên: --role admin)."""
    unit = _unit_or_fail(unit_code) if unit_code else None
    try:
        user = user_service.create_user(username, password, role, display_name, unit)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Đã tạo tài khoản {user.username} ({ROLE_NAMES[role]}).")


feedback = AppGroup("feedback", help="Phản ánh, kiến nghị.")


@feedback.command("collect")
def feedback_collect() -> None:
    """Tạo phản ánh cho các phiếu chấm thấp chưa có (ví dụ sau khi nhập tệp)."""
    count = feedback_service.collect()
    db.session.commit()
    click.echo(f"Đã tạo {count} phản ánh mới.")


def register_commands(app: Flask) -> None:
    from survey.api_cli import api_keys, dossiers_group
    from survey.figures.cli import figures_group
    from survey.notify_cli import notify_group
    from survey.officers_cli import officers_group
    from survey.reports.cli import reports
    from survey.trust_cli import privacy_group, receipts
    from survey.units_cli import units_group

    for command in (qr, responses, seed_demo, demo_info, users, feedback, reports, receipts, privacy_group,
                    api_keys, dossiers_group, officers_group, units_group, figures_group, notify_group):  # fmt: skip
        app.cli.add_command(command)
