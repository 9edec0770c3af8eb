"""The monthly report of one unit, as a :class:`~survey.reports.document.Doc`."""

from __future__ import annotations

from datetime import date

import pandas as pd

from analysis.indices import OVERALL_CODE
from analysis.profile import load_profile
from analysis.tables import rank_table
from survey.figures import boundaries
from survey.figures.labels import RULES
from survey.figures.labels import channel as channel_name
from survey.figures.periods import Period
from survey.models.counters import one_stop_place
from survey.queries import Scope
from survey.reports import fmt, sections
from survey.reports.data import Batch, UnitInfo
from survey.reports.document import Chart, Column, Doc, Heading, Paragraph, Table, Title
from survey.reports.signing import UNSET, Signing
from survey.services import response_rates

SAMPLE_NOTE = "DỮ LIỆU MẪU – chỉ dùng để thử nghiệm, không dùng để báo cáo"


def _unit_rows(frame: pd.DataFrame, code: str) -> pd.DataFrame:
    if frame.empty:
        return frame
    return frame.loc[frame["unit_code"] == code].drop(columns="unit_code").reset_index(drop=True)


def subject(unit: UnitInfo, period: Period) -> str:
    return (
        "Kết quả khảo sát sự hài lòng của người dân, tổ chức đối với sự phục vụ của "
        f"{one_stop_place(unit.name, period.first_day())} {period.phrase}"
    )


def info_rows(unit: UnitInfo, batch: Batch, n: int, excluded: int, today: date) -> list[tuple[str, str]]:
    settings, period = batch.settings, batch.period
    profile = load_profile(settings.profile)
    return [
        ("Đơn vị", unit.name),
        ("Mã đơn vị", unit.code),
        ("Kỳ báo cáo", period.label),
        ("Từ ngày", fmt.day(period.first_day())),
        ("Đến ngày", fmt.day(period.last_day())),
        ("Số phiếu hợp lệ", fmt.integer(n)),
        ("Số phiếu bị loại", fmt.integer(excluded)),
        ("Phiếu khảo sát", f"{profile.title}, theo {profile.legal_basis}"),
        ("Cách tính chỉ số", sections.sentence_case(RULES[settings.rule]) + "."),
        ("Ngưỡng mẫu nhỏ", f"{settings.min_n} phiếu"),
        ("Điểm tối đa PAR INDEX", fmt.decimal(settings.max_points)),
        ("Ngày lập", fmt.day(today)),
    ]


def sibling_rank(unit: UnitInfo, batch: Batch, siblings: list[UnitInfo]) -> Paragraph:
    """Rank on SIPAS among units with the same parent; ties share the better rank, small samples unranked."""
    codes = {s.code for s in siblings} | {unit.code}
    if len(codes) < 2:
        return Paragraph("Không có đơn vị cùng cấp để xếp hạng.")
    overall = batch.ranking.loc[batch.ranking["unit_code"].isin(codes)] if not batch.ranking.empty else batch.ranking
    ranked = rank_table(overall, "unit_code") if len(overall) else overall.assign(rank=pd.NA)
    n_ranked = int(ranked["rank"].notna().sum())
    mine = ranked.loc[ranked["unit_code"] == unit.code, "rank"]
    rule = f"đơn vị có dưới {batch.settings.min_n} phiếu không được xếp hạng; bằng điểm thì cùng hạng"
    if mine.empty or pd.isna(mine.iloc[0]):
        return Paragraph(
            f"Đơn vị không được xếp hạng trong {batch.period.phrase} (số phiếu dưới {batch.settings.min_n}). "
            f"Có {n_ranked}/{len(codes)} đơn vị cùng cấp được xếp hạng ({rule})."
        )
    return Paragraph(
        f"Chỉ số SIPAS của đơn vị xếp thứ {int(mine.iloc[0])}/{n_ranked} trong số các đơn vị cùng cấp được "
        f"xếp hạng ({len(codes)} đơn vị cùng cấp; {rule})."
    )


def _share_table(counts: list[tuple[str, int]], first: str, total: int, caption: str) -> Table:
    rows = [[name, n, 100 * n / total if total else None] for name, n in counts]
    rows.append(["Tổng cộng", total, 100.0 if total else None])
    columns = [Column(first, width=3.0), Column("Số phiếu", "int"), Column("Tỷ lệ", "pct")]
    return Table(columns, rows, caption, bold_rows=frozenset({len(rows) - 1}))


def _fields(unit: UnitInfo, batch: Batch) -> pd.DataFrame:
    rows = _unit_rows(batch.fields, unit.code)
    if rows.empty:
        return rows
    rows = rows.loc[rows["level"] == "overall"].copy()
    order = {code: i for i, code in enumerate(batch.field_names)}
    rows["_order"] = rows["field_code"].map(order).fillna(len(order))
    return rows.sort_values(["_order", "field_code"]).reset_index(drop=True)


def _field_table(fields: pd.DataFrame, batch: Batch) -> Table:
    columns = [
        Column("Lĩnh vực", width=2.6),
        Column("Số phiếu", "int"),
        Column("Chỉ số SIPAS", "pct"),
        Column("KTC 95% từ", "pct"),
        Column("KTC 95% đến", "pct"),
        Column("Ghi chú", width=1.0),
    ]
    rows = []
    for r in fields.itertuples():
        note = sections.SMALL if "small_sample" in r.flag else ""
        rows.append(
            [
                batch.field_names.get(r.field_code, r.field_code),
                int(r.n_responses),
                r.index,
                r.ci_low,
                r.ci_high,
                note,
            ]
        )
    note = f"“{sections.SMALL}”: dưới {batch.settings.min_n} phiếu, chỉ có giá trị tham khảo."
    return Table(columns, rows, "Chỉ số SIPAS theo lĩnh vực", "Theo lĩnh vực", note=note)


def _trend_chart(unit: UnitInfo, batch: Batch) -> Chart:
    trend = _unit_rows(batch.trend, unit.code)
    overall = trend.loc[trend["level"] == "overall"].set_index("month") if not trend.empty else trend
    end = Period.of_month(batch.period.last_month)
    labels, values, muted = [], [], []
    for month in (end.shift(-k) for k in range(11, -1, -1)):
        row = overall.loc[month.key] if month.key in overall.index else None
        labels.append(f"{month.number:02d}/{month.year % 100:02d}")
        values.append(float(row["index"]) if row is not None and pd.notna(row["index"]) else float("nan"))
        muted.append(row is not None and "small_sample" in row["flag"])
    return Chart(
        f"{unit.code}-trend",
        "line",
        "Chỉ số SIPAS 12 tháng gần nhất (%)",
        tuple(labels),
        tuple(values),
        tuple(muted),
        f"Điểm rỗng: tháng có dưới {batch.settings.min_n} phiếu.",
    )


def response_rate(batch: Batch, units: list[UnitInfo]) -> dict | None:
    """Answers against dossiers of ``units`` together in the batch's period, and the SIPAS weighted by each
    field's share of dossiers (``survey.services.response_rates.summarise``); None without dossier counts."""
    codes = {u.code for u in units}
    rows = batch.rates.loc[batch.rates["unit_code"].isin(codes)] if not batch.rates.empty else batch.rates
    by_field = response_rates.regroup(rows, ["field_code"])
    if not response_rates.has_dossiers(by_field):
        return None
    settings, period = batch.settings, batch.period
    scope = Scope(
        profile=settings.profile,
        start_month=period.first_month,
        end_month=period.last_month,
        unit_ids=tuple(u.id for u in units),
        boundaries=batch.on,
    )  # as the batch (load_batch)
    weighted = response_rates.weighted_sipas(scope, settings.rule, settings.min_n)
    overall = weighted.loc[weighted["level"] == "overall"] if not weighted.empty else weighted
    return response_rates.marked(response_rates.summarise(
        by_field, batch.field_names, float(overall["index"].iloc[0]) if not overall.empty else None), scope)  # fmt: skip


def monthly_doc(unit: UnitInfo, batch: Batch, siblings: list[UnitInfo], today: date, signing: Signing = UNSET) -> Doc:
    """Build the report of ``unit`` for ``batch.period`` (a month), signed as ``signing`` says."""
    settings, period = batch.settings, batch.period
    profile = load_profile(settings.profile)
    table = _unit_rows(batch.table, unit.code)
    overall = sections.one(table, "overall", OVERALL_CODE) if not table.empty else None
    n = int(overall["n_responses"]) if overall is not None else 0
    excluded = batch.excluded.get(unit.code, 0)
    doc = Doc(title=f"Báo cáo {period.phrase} – {unit.name}", info=info_rows(unit, batch, n, excluded, today))
    doc.add(
        sections.header(unit, today, signing),
        Title("BÁO CÁO", subject(unit, period), SAMPLE_NOTE if unit.is_sample else ""),
    )
    doc.add(
        Paragraph(
            "Thực hiện khảo sát sự hài lòng của người dân, tổ chức theo phương pháp tại "
            f"{profile.legal_basis}, "
            f"{unit.name} báo cáo kết quả {period.phrase} (từ ngày {fmt.day(period.first_day())} đến ngày "
            f"{fmt.day(period.last_day())}) như sau:"
        )
    )
    doc.add(Heading("I. KẾT QUẢ THU THẬP PHIẾU"))
    dropped = f"{fmt.integer(excluded)} phiếu bị loại (bị đánh dấu nghi vấn, không tính vào chỉ số)"
    rates = response_rate(batch, [unit])
    if n == 0:
        doc.add(
            Paragraph(
                f"Trong {period.phrase}, đơn vị không có phiếu khảo sát hợp lệ nào; {dropped}. "
                "Vì vậy không tính được chỉ số hài lòng của kỳ này.",
                "warning",
            )
        )
        doc.add(*sections.response_rate_blocks(rates, f"trong {period.phrase}"))
        doc.add(Heading("II. TIẾP NHẬN, XỬ LÝ PHẢN ÁNH, KIẾN NGHỊ"))
        doc.add(*sections.feedback_paragraphs(batch.feedback.get(unit.id), period.phrase))
        doc.add(sections.signature(unit, signing, period=period))
        return doc
    doc.add(Paragraph(f"Tổng số phiếu hợp lệ: {fmt.integer(n)} phiếu; {dropped}."))
    if n < settings.min_n:
        doc.add(sections.small_sample_warning(n, settings))
    fields = _fields(unit, batch)
    by_field = [(batch.field_names.get(r.field_code, r.field_code), int(r.n_responses)) for r in fields.itertuples()]
    doc.add(_share_table(by_field, "Lĩnh vực", n, "Số phiếu theo lĩnh vực"))
    channels = _unit_rows(batch.channels, unit.code)
    by_channel = [(channel_name(r.channel), int(r.n_responses)) for r in channels.itertuples()]
    doc.add(_share_table(by_channel, "Hình thức đánh giá", n, "Số phiếu theo hình thức đánh giá"))
    doc.add(*sections.response_rate_blocks(rates, f"trong {period.phrase}"))

    doc.add(Heading("II. CHỈ SỐ HÀI LÒNG"))
    doc.add(sections.index_table(table, profile, f"Chỉ số hài lòng {period.phrase}"))
    doc.add(*sections.weighted_paragraph(rates, sections.value_of(overall, "index")))
    doc.add(sections.rule_paragraph(settings), sections.par_paragraph(table, settings))
    doc.add(sibling_rank(unit, batch, siblings))

    doc.add(Heading("III. BIẾN ĐỘNG SO VỚI CÁC KỲ TRƯỚC"))
    comparisons = [
        (period.previous().label, _unit_rows(batch.previous, unit.code)),
        (f"Cùng kỳ ({period.year_ago().phrase})", _unit_rows(batch.year_ago, unit.code)),
    ]
    doc.add(sections.change_table(table, comparisons, profile), _trend_chart(unit, batch))

    doc.add(Heading("IV. KẾT QUẢ THEO LĨNH VỰC"))
    doc.add(_field_table(fields, batch))
    doc.add(
        Chart(
            f"{unit.code}-fields",
            "bar",
            "Chỉ số SIPAS theo lĩnh vực (%)",
            tuple(batch.field_names.get(c, c) for c in fields["field_code"]),
            tuple(float(v) for v in fields["index"]),
            tuple("small_sample" in f for f in fields["flag"]),
            f"Cột nhạt: lĩnh vực có dưới {settings.min_n} phiếu.",
        )
    )

    doc.add(Heading("V. KẾT QUẢ THEO TỪNG TIÊU CHÍ"))
    doc.add(sections.item_table(_unit_rows(batch.counts, unit.code), table, profile))
    doc.add(Heading("VI. NHỮNG NỘI DUNG CẦN CẢI THIỆN"))
    doc.add(Paragraph("Ba tiêu chí có tỷ lệ hài lòng thấp nhất trong kỳ:"), *sections.lowest_items(table, profile))
    doc.add(Heading("VII. TIẾP NHẬN, XỬ LÝ PHẢN ÁNH, KIẾN NGHỊ"))
    doc.add(*sections.feedback_paragraphs(batch.feedback.get(unit.id), period.phrase))
    expectations = sections.expectation_table(_unit_rows(batch.counts, unit.code), profile)
    doc.add(Heading("VIII. MONG ĐỢI CỦA NGƯỜI DÂN"))
    doc.add(expectations or Paragraph("Không có câu trả lời về mong đợi trong kỳ."))
    doc.add(Heading("IX. Ý KIẾN CỦA NGƯỜI DÂN"))
    comments = sections.comment_selection(batch.comments.get(unit.id, []), settings.comments_max)
    doc.add(Paragraph("Một số ý kiến tiêu biểu (đã ẩn thông tin có thể nhận diện cá nhân):", "italic"))
    split = batch.split_comments.get(unit.id)
    note = boundaries.split_comment_note(split, batch.on) if split else ""
    doc.add(*sections.comment_blocks(comments, note), sections.signature(unit, signing, period=period))
    return doc
