"""``flask --app survey figures …``: fold new ballots into the figure cells, rebuild and check them."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from survey.extensions import db
from survey.figures import cells, fmt
from survey.figures.periods import Period

figures_group = AppGroup("figures", help="Số liệu tổng hợp của bảng điều khiển và báo cáo.")


def _months(_ctx, param, value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    try:
        period = Period.parse(value)
    except ValueError:
        raise click.BadParameter(f"phải có dạng YYYY-MM, YYYY-Qn hoặc YYYY, nhận được {value!r}", param=param) from None
    return period.start, period.end


@figures_group.command("fold")
def fold_command() -> None:
    """Gộp các phiếu mới vào số liệu tổng hợp (chạy mỗi phút bằng cron)."""
    began = time.perf_counter()
    n = cells.fold()
    db.session.commit()
    click.echo(f"Đã gộp {n} phiếu trong {fmt.number(time.perf_counter() - began, 1)} giây.")


@figures_group.command("rebuild")
@click.option("--month", "months", callback=_months, help="Chỉ tháng (YYYY-MM), quý (YYYY-Qn) hoặc năm (YYYY) này.")
def rebuild_command(months: tuple[int, int] | None) -> None:
    """Tính lại số liệu tổng hợp từ từng phiếu và đối chiếu với số liệu đang lưu."""
    began = time.perf_counter()
    result = cells.rebuild(months)
    db.session.commit()
    check = "khớp" if result.differed == 0 else f"{result.differed} ô KHÔNG khớp (đã tính lại)"
    click.echo(f"Đã tính lại {result.cells} ô từ {result.ballots} phiếu trong {fmt.number(time.perf_counter() - began, 1)} giây; "
               f"đối chiếu với số liệu cũ: {check}.")  # fmt: skip
    if result.differed:
        raise SystemExit(1)
