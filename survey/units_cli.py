"""``flask units …``: official units from the package of the official lists, and the old → new table."""

from __future__ import annotations

import csv
import sys
from datetime import date

import click
from flask.cli import AppGroup

from survey.extensions import db
from survey.services.errors import DomainError

units_group = AppGroup("units", help="Đơn vị hành chính: nạp danh mục chính thức, bảng chuyển đổi cũ → mới.")


@units_group.command("load")
@click.option("--province", required=True, help='Tên tỉnh, thành phố hiện hành, ví dụ "Quảng Ngãi".')
@click.option("--with-former", is_flag=True, help="Nạp cả huyện, xã cũ (trước 1/7/2025) và bảng chuyển đổi.")
def units_load(province: str, with_former: bool) -> None:
    """Nạp các xã, phường, đặc khu của một tỉnh từ danh mục chính thức (chạy lại không thay đổi gì)."""
    from survey.services.official_units import load_province

    try:
        result = load_province(province, with_former=with_former)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{result.province}: {result.current_created} đơn vị hiện hành mới, {result.current_kept} đã có.")
    if with_former:
        click.echo(f"Đơn vị cũ: {result.former_created} mới, {result.former_kept} đã có; "
                   f"quan hệ kế thừa: {result.successions_created} mới, {result.successions_kept} đã có.")  # fmt: skip


def _on(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"ngày phải có dạng YYYY-MM-DD, nhận được {value!r}", param_hint="--on") from exc


@units_group.command("crosswalk")
@click.option("--on", "on_day", help="Chỉ các thay đổi có hiệu lực đến ngày này (YYYY-MM-DD).")
def units_crosswalk(on_day: str | None) -> None:
    """In bảng chuyển đổi đơn vị cũ → mới (CSV, UTF-8)."""
    from survey.services.units import crosswalk

    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["old_code", "old_name", "old_parent", "new_code", "new_name", "kind", "date", "share"])
    for row in crosswalk(_on(on_day)):
        share = "" if row.share is None else f"{row.share:g}"
        writer.writerow([row.old_code, row.old_name, row.old_parent, row.new_code, row.new_name, row.kind,
                         row.date.isoformat(), share])  # fmt: skip
