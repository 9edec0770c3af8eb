"""Commands for trustworthy responses: printed one-time receipt codes, and the privacy purge."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from survey.extensions import db
from survey.models import Counter, Field
from survey.services import privacy
from survey.services import receipts as receipt_service
from survey.services.errors import DomainError

receipts = AppGroup("receipts", help="Mã đánh giá dùng một lần in trên giấy hẹn trả kết quả.")


@receipts.command("issue")
@click.option("--counter", "counter_code", required=True, help="Mã quầy phát giấy hẹn.")
@click.option("--field", "field_code", help="Mã lĩnh vực (mặc định: lĩnh vực của quầy, nếu có).")
@click.option("--count", type=click.IntRange(1, receipt_service.MAX_ISSUE), required=True, help="Số mã cần in.")
@click.option("--valid-days", type=click.IntRange(1, 3650), help="Số ngày hiệu lực (mặc định RECEIPT_VALID_DAYS).")
@click.option("--out", "out_file", required=True, type=click.Path(dir_okay=False, path_type=Path))
def receipts_issue(counter_code: str, field_code: str | None, count: int, valid_days: int | None,
                   out_file: Path) -> None:  # fmt: skip
    """Tạo mã đánh giá mới và in ra tệp PDF (A4, 24 mã một trang, mỗi mã kèm mã QR)."""
    from survey.receipt_sheet import sheet_pdf

    counter = db.session.scalar(select(Counter).where(Counter.code == counter_code))
    if counter is None or not counter.is_active:
        raise click.ClickException(f"Không có quầy đang hoạt động mã {counter_code}.")
    field = None
    if field_code:
        field = db.session.scalar(select(Field).where(Field.code == field_code))
        if field is None:
            raise click.ClickException(f"Không có lĩnh vực mã {field_code}.")
    days = valid_days or current_app.config["RECEIPT_VALID_DAYS"]
    try:
        codes = receipt_service.issue(counter, count, field=field, valid_days=days)
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    pdf = sheet_pdf(counter, codes, current_app.config["PUBLIC_BASE_URL"])
    out_file.parent.mkdir(parents=True, exist_ok=True)
    out_file.write_bytes(pdf)  # written before the commit: no stored code that was never printed
    db.session.commit()
    click.echo(f"Đã tạo {len(codes)} mã cho quầy {counter.code}, hiệu lực {days} ngày, in trong {out_file}.")


privacy_group = AppGroup("privacy", help="Bảo vệ dữ liệu cá nhân (Luật 91/2025/QH15, Nghị định 356/2025/NĐ-CP).")


@privacy_group.command("purge")
@click.option("--days", type=click.IntRange(0), help="Xoá mọi mã băm (IP, thiết bị) cũ hơn số ngày này.")
@click.option("--responses-days", type=click.IntRange(1),
              help="Xoá cả phiếu cũ hơn số ngày này (mặc định RESPONSE_RETENTION_DAYS, không đặt: giữ).")  # fmt: skip
def privacy_purge(days: int | None, responses_days: int | None) -> None:
    """Xoá mã băm địa chỉ IP, thiết bị và liên hệ người dân đã quá thời hạn lưu (chạy hằng ngày)."""
    result = privacy.purge(ip_days=days, device_days=days, response_days=responses_days)
    db.session.commit()
    click.echo(f"Đã xoá mã băm địa chỉ IP của {result.ip_hashes} phiếu.")
    click.echo(f"Đã xoá mã băm thiết bị của {result.device_hashes} phiếu.")
    click.echo(f"Đã xoá liên hệ người dân của {result.contacts} phản ánh đã đóng quá thời hạn lưu.")
    if result.responses:
        click.echo(f"Đã xoá {result.responses} phiếu quá thời hạn lưu trữ.")
