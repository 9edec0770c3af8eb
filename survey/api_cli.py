"""Commands for connected systems: API keys, and the monthly dossier counts from a spreadsheet."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from survey.extensions import db
from survey.models import ApiKey, Unit
from survey.models.api import SCOPES
from survey.services import api_keys as key_service
from survey.services import dossiers
from survey.services.errors import DomainError, ImportRejected

api_keys = AppGroup("api-keys", help="Khoá API cho hệ thống một cửa và cổng thông tin kết nối.")


@api_keys.command("create")
@click.option("--name", required=True, help="Tên hệ thống kết nối (ví dụ: iGate tỉnh Quảng Ngãi).")
@click.option("--unit", "unit_codes", multiple=True, help="Mã đơn vị khoá được dùng (cả đơn vị trực thuộc); "
              "nhắc lại để thêm; không có: mọi đơn vị.")  # fmt: skip
@click.option("--scope", "scopes", default="receipts,counts,read", show_default=True,
              help=f"Quyền, cách nhau bởi dấu phẩy: {', '.join(SCOPES)}.")  # fmt: skip
def keys_create(name: str, unit_codes: tuple[str, ...], scopes: str) -> None:
    """Tạo khoá và in khoá ra một lần duy nhất (chỉ lưu mã băm)."""
    units = []
    for code in unit_codes:
        unit = db.session.scalar(select(Unit).where(Unit.code == code))
        if unit is None:
            raise click.ClickException(f"Không có đơn vị mã {code}.")
        units.append(unit)
    try:
        key, secret = key_service.create_key(name, units, scopes)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    where = ", ".join(u.code for u in key.units) or "mọi đơn vị"
    click.echo(f"Đã tạo khoá “{key.name}” ({where}; quyền: {key.scopes}). Khoá chỉ hiện một lần, hãy lưu lại:",
               err=True)  # fmt: skip
    click.echo(secret)


@api_keys.command("revoke")
@click.argument("prefix")
def keys_revoke(prefix: str) -> None:
    """Thu hồi khoá (nhập phần đầu của khoá như trong `api-keys list`)."""
    key = key_service.find_by_prefix(prefix)
    if key is None:
        raise click.ClickException(f"Không có khoá bắt đầu bằng {prefix[: key_service.SHOWN_LENGTH]}.")
    key_service.revoke(key)
    db.session.commit()
    click.echo(f"Đã thu hồi khoá “{key.name}” ({key.prefix}…).")


@api_keys.command("list")
def keys_list() -> None:
    """Liệt kê các khoá (phần đầu, tên, đơn vị, quyền, trạng thái, lần dùng cuối)."""
    for key in db.session.scalars(select(ApiKey).order_by(ApiKey.created_at)):
        state = "đã thu hồi" if key.revoked_at else "đang dùng"
        used = key.last_used_at.strftime("%d/%m/%Y %H:%M UTC") if key.last_used_at else "chưa dùng"
        units = ",".join(u.code for u in key.units) or "mọi đơn vị"
        click.echo(f"{key.prefix}…\t{key.name}\t{units}\t{key.scopes}\t{state}\t{used}")


dossiers_group = AppGroup("dossiers", help="Số hồ sơ của hệ thống một cửa.")


@dossiers_group.command("import")
@click.argument("in_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def dossiers_import(in_file: Path) -> None:
    """Nhập số hồ sơ theo tháng từ tệp .xlsx hoặc .csv: nhập tất cả hoặc không nhập gì.

    Cột theo tên tiêu đề: unit (Mã đơn vị) hoặc service_point (Mã quầy), field (Mã lĩnh vực),
    procedure (Mã thủ tục, không bắt buộc), month (Tháng, YYYY-MM), received (Tiếp nhận),
    returned (Đã trả kết quả), returned_late (Trả quá hạn). Ô đã có thì được thay số mới.
    """
    try:
        created, replaced = dossiers.import_file(in_file)
        db.session.commit()
    except ImportRejected as exc:
        db.session.rollback()
        click.echo(str(exc), err=True)
        sys.exit(1)
    click.echo(f"Đã nhập {created + replaced} ô số hồ sơ từ {in_file} ({created} ô mới, {replaced} ô thay số cũ).")
