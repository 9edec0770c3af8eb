"""``flask reports …``: monthly unit reports, quarterly district summaries, and ``due`` for cron."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from survey.figures import periods
from survey.figures.periods import Period

reports = AppGroup("reports", help="Báo cáo kết quả khảo sát theo tháng, quý (DOCX, PDF, XLSX).")


def _period(kind: str):
    def convert(_ctx, param, value: str | None) -> Period | None:
        if value is None:
            return None
        try:
            period = Period.parse(value)
        except ValueError:
            period = None
        if period is None or period.kind != kind:
            shape = "YYYY-MM" if kind == "month" else "YYYY-Qn (n từ 1 đến 4)"
            raise click.BadParameter(f"phải có dạng {shape}, nhận được {value!r}", param=param)
        return period

    return convert


@contextmanager
def _one_run_at_a_time(root: Path) -> Iterator[None]:
    """Two runs at once (a slow cron run and a manual one) would write the same files: the second stops."""
    root.mkdir(parents=True, exist_ok=True)
    with (root / ".reports.lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise click.ClickException("Một lượt tạo báo cáo khác đang chạy; thử lại sau.") from exc
        yield


def _run(pairs, out_dir: Path | None, force: bool, workers: int | None, now) -> None:
    from survey.extensions import db
    from survey.reports import generate
    from survey.reports.data import Settings

    settings = Settings.from_config(current_app.config)
    with _one_run_at_a_time(generate.reports_root()):
        plan = generate.plan(pairs, out_dir, force)
        with click.progressbar(length=len(plan.make), label="Đang tạo báo cáo") as bar:
            outcome = generate.execute(plan, settings, now, workers, bar.update)
        db.session.commit()
    skipped = f"bỏ qua {outcome.skipped} báo cáo đã có" + (" (dùng --force để tạo lại)" if outcome.skipped else "")
    recorded = f"; ghi nhận {outcome.recorded} báo cáo có sẵn tệp" if outcome.recorded else ""
    seconds = f"{outcome.seconds:.1f}".replace(".", ",")
    click.echo(
        f"Xong: {len(outcome.units)} đơn vị, {outcome.reports} báo cáo, {outcome.files} tệp, {seconds} giây; "
        f"{skipped}{recorded}."
    )


_OUT = click.option(
    "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), help="Thư mục thay cho REPORTS_DIR."
)
_FORCE = click.option("--force", is_flag=True, help="Tạo lại cả báo cáo đã có.")
_JOBS = click.option("--jobs", "workers", type=click.IntRange(1, 64), help="Số tiến trình (mặc định: theo số lõi).")


@reports.command("monthly")
@click.option("--month", callback=_period("month"), help="Tháng YYYY-MM (mặc định: tháng trước, giờ Việt Nam).")
@click.option("--unit", "unit_code", help="Chỉ đơn vị này và các đơn vị trực thuộc.")
@_OUT
@_FORCE
@_JOBS
def monthly(month: Period | None, unit_code: str | None, out_dir: Path | None, force: bool, workers) -> None:
    """Báo cáo tháng của từng đơn vị có quầy tiếp nhận."""
    from survey.reports import generate

    now = periods.vn_now()
    month = month or periods.last_ended_month(now)
    try:
        pairs = generate.monthly_pairs([month], unit_code)
    except LookupError as exc:
        raise click.ClickException(f"Không có đơn vị mã {unit_code}.") from exc
    click.echo(f"Báo cáo {month.phrase}: {len(pairs)} đơn vị.")
    _run(pairs, out_dir, force, workers, now)


@reports.command("quarterly")
@click.option("--quarter", callback=_period("quarter"), help="Quý YYYY-Qn (mặc định: quý đã kết thúc gần nhất).")
@click.option("--unit", "unit_code", help="Đơn vị tổng hợp (mặc định: đơn vị cấp trên chung của mọi đơn vị có quầy).")
@_OUT
@_FORCE
@_JOBS
def quarterly(quarter: Period | None, unit_code: str | None, out_dir: Path | None, force: bool, workers) -> None:
    """Báo cáo quý tổng hợp các đơn vị (toàn huyện)."""
    from survey.reports import data, generate

    now = periods.vn_now()
    quarter = quarter or periods.last_ended_quarter(now)
    top = data.unit_info(unit_code) if unit_code else generate.top_unit()
    if top is None:
        raise click.ClickException(
            f"Không có đơn vị mã {unit_code}." if unit_code else "Không xác định được đơn vị tổng hợp; dùng --unit."
        )
    click.echo(f"Báo cáo tổng hợp {quarter.phrase}: {top.name}.")
    _run([(quarter, top)], out_dir, force, workers, now)


@reports.command("due")
@_JOBS
def due(workers) -> None:
    """Tạo mọi báo cáo tháng, quý đã kết thúc mà chưa có (chạy hằng ngày bằng cron)."""
    from survey.reports import data, generate
    from survey.reports.data import Settings

    now = periods.vn_now()
    last_month, last_quarter = periods.last_ended_month(now), periods.last_ended_quarter(now)
    firsts = data.first_months(Settings.from_config(current_app.config))
    pairs = []
    for unit in data.units_with_counters():
        if unit.id in firsts:
            months = periods.months_between(Period.of_month(firsts[unit.id]), last_month)
            pairs += [(m, unit) for m in months if unit.exists_in(m)]
    top = generate.top_unit()
    if top is not None and firsts:
        quarter = periods.quarter_of(Period.of_month(min(firsts.values())))
        while quarter <= last_quarter:
            pairs.append((quarter, top))
            quarter = quarter.shift(1)
    _run(pairs, None, False, workers, now)
