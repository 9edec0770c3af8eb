"""The quarterly summary across the units below the top unit (a province, or a district before 2025), as a Doc.

The top unit's value is the unweighted mean of its units' indices, as the method
aggregates across units (``analysis.parents.parent_from_children``); the value
pooling all respondents is printed beside it, labelled as the alternative. For a
province, the units are its communes (xã, phường, đặc khu), read on the boundaries
of the quarter's last day (a merged commune's year-ago figure counts the answers of
the units it was made from), ranked among themselves only; the summary is issued by
the Sở Nội vụ under the provincial People's Committee (Nghị định 30/2020, Phụ lục I).
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pandas as pd

from analysis.indices import OVERALL_CODE
from analysis.parents import parent_from_children, parent_pooled
from analysis.profile import load_profile
from analysis.tables import rank_table
from survey.figures.periods import Period
from survey.models.counters import ND118_DAY as REFORM_DAY
from survey.models.counters import one_stop_body
from survey.reports import fmt, sections
from survey.reports.data import Batch, FeedbackSummary, UnitInfo
from survey.reports.document import Chart, Column, Doc, Heading, Paragraph, Table, Title
from survey.reports.monthly import SAMPLE_NOTE, info_rows, response_rate
from survey.reports.signing import UNSET, Signing
from survey.services.text import by_name, vietnamese_key

#: beyond this many units a bar chart is unreadable; the table above has every unit
CHART_MAX_UNITS = 25


def _short(name: str) -> str:
    """``UBND xã Bình Thạnh`` → ``xã Bình Thạnh``: the chart's labels are narrow."""
    return name[5:] if name.startswith("UBND ") else name


#: who issues a province's summary, under the provincial People's Committee
PROVINCE_ISSUER = "Sở Nội vụ"


def is_province(top: UnitInfo) -> bool:
    return top.kind == "province"


def children_codes(top: UnitInfo, members: list[UnitInfo]) -> set[str] | None:
    """The units whose indices make the top unit's: a province's communes; None: every unit (a district)."""
    if not is_province(top):
        return None
    return {u.code for u in members if u.kind == "commune"}


def _district(table: pd.DataFrame, top: UnitInfo, min_n: int, children: set[str] | None = None) -> pd.DataFrame:
    if children is not None and not table.empty:
        table = table[table["unit_code"].isin(children)]
    if table.empty:
        return table.drop(columns="unit_code")
    parent_of = dict.fromkeys(table["unit_code"].unique(), top.code)
    return parent_from_children(table, "unit_code", parent_of, min_n=min_n).drop(columns="parent_code")


def issuer(top: UnitInfo) -> UnitInfo:
    """Who issues the summary: a province's Sở Nội vụ (under UBND tỉnh), else the top unit itself."""
    if not is_province(top):
        return top
    return dataclasses.replace(top, name=PROVINCE_ISSUER, kind="department", parent_name=top.name,
                               parent_kind=top.kind)  # fmt: skip


def province_recipients(top: UnitInfo) -> tuple[str, ...]:
    place = sections.place_of(top)
    return (f"UBND tỉnh {place} (để báo cáo)", f"Văn phòng UBND tỉnh {place}", "UBND các xã, phường, đặc khu",
            f"{one_stop_body(REFORM_DAY)} các xã, phường, đặc khu", "Lưu: VT")  # fmt: skip


def one_stop(period: Period) -> str:
    return one_stop_body(period.first_day())


def _unit_table(batch: Batch, members: list[UnitInfo], profile, children: set[str] | None = None) -> Table:
    overall = batch.table.loc[batch.table["level"] == "overall"]
    if children is not None:  # a province's communes are ranked among themselves only
        overall = overall.loc[overall["unit_code"].isin(children)]
    ranked = rank_table(overall, "unit_code") if len(overall) else overall.assign(rank=pd.NA)
    ranks = ranked.set_index("unit_code")
    columns = [
        Column("Hạng", "int", 0.5),
        Column("Đơn vị", width=2.6),
        Column("Số phiếu", "int", 0.8),
        Column("SIPAS", "pct"),
        Column("KTC 95% từ", "pct"),
        Column("KTC 95% đến", "pct"),
    ]
    columns += [Column(f"Yếu tố {e.code}", "pct", 0.9) for e in profile.elements]
    rows = []
    for unit in members:
        row = ranks.loc[unit.code] if unit.code in ranks.index else None
        unit_rows = batch.table.loc[batch.table["unit_code"] == unit.code]
        elements = [sections.value_of(sections.one(unit_rows, "element", e.code), "index") for e in profile.elements]
        if row is None:
            rows.append([None, unit.name, 0, None, None, None, *elements])
            continue
        rank = None if pd.isna(row["rank"]) else int(row["rank"])
        rows.append([rank, unit.name, int(row["n_responses"]), row["index"], row["ci_low"], row["ci_high"], *elements])
    rows.sort(key=lambda r: (r[0] is None, r[0] or 0, vietnamese_key(r[1])))
    note = (
        f"Đơn vị có dưới {batch.settings.min_n} phiếu hoặc không có phiếu không được xếp hạng (“—”); "
        "bằng điểm (làm tròn 2 chữ số) thì cùng hạng."
    )
    return Table(columns, rows, "Chỉ số hài lòng theo đơn vị", "Theo đơn vị", note=note)


def _feedback_table(batch: Batch, members: list[UnitInfo]) -> Table:
    columns = [
        Column("Đơn vị", width=2.6),
        Column("Tiếp nhận", "int"),
        Column("Trả lời đúng hạn", "int"),
        Column("Trả lời quá hạn", "int"),
        Column("Chưa trả lời, quá hạn", "int"),
        Column("Chưa trả lời, còn hạn", "int"),
        Column("Tỷ lệ đúng hạn", "pct"),
    ]
    total = FeedbackSummary()
    rows = []
    for unit in members:
        s = batch.feedback.get(unit.id, FeedbackSummary())
        total = total + s
        rows.append([unit.name, s.received, s.on_time, s.late, s.overdue, s.open_in_time, s.share_on_time])
    rows.append(
        [
            "Tổng cộng",
            total.received,
            total.on_time,
            total.late,
            total.overdue,
            total.open_in_time,
            total.share_on_time,
        ]
    )
    return Table(columns, rows, "Tiếp nhận, xử lý phản ánh, kiến nghị", "Phản ánh", frozenset({len(rows) - 1}))


def _trend(batch: Batch, top: UnitInfo, children: set[str] | None = None) -> Chart:
    trend = batch.trend
    district = _district(trend, top, batch.settings.min_n, children) if not trend.empty else trend
    overall = district.loc[district["level"] == "overall"].set_index("month") if not district.empty else district
    end = Period.of_month(batch.period.last_month)
    months = [end.shift(-k) for k in range(11, -1, -1)]
    values = tuple(
        float(overall.loc[m.key, "index"])
        if m.key in overall.index and pd.notna(overall.loc[m.key, "index"])
        else float("nan")
        for m in months
    )
    labels = tuple(f"{m.number:02d}/{m.year % 100:02d}" for m in months)
    return Chart(f"{top.code}-trend", "line", "Chỉ số SIPAS chung 12 tháng gần nhất (%)", labels, values)


def quarterly_doc(top: UnitInfo, members: list[UnitInfo], batch: Batch, today: date, signing: Signing = UNSET) -> Doc:
    """The summary of ``batch.period`` (a quarter) across ``members`` (the units with counters below ``top``)."""
    settings, period = batch.settings, batch.period
    profile = load_profile(settings.profile)
    members = sorted(by_name(members), key=lambda u: u.id != top.id)
    children = children_codes(top, members)
    body = issuer(top)
    if is_province(top) and not signing.recipients:
        signing = dataclasses.replace(signing, recipients=province_recipients(top))
    district = _district(batch.table, top, settings.min_n, children)
    overall = sections.one(district, "overall", OVERALL_CODE) if not district.empty else None
    n = int(overall["n_responses"]) if overall is not None else 0
    excluded = sum(batch.excluded.values())
    where = "các xã, phường, đặc khu" if is_province(top) else "các đơn vị"
    subject = (
        f"Tổng hợp kết quả khảo sát sự hài lòng của người dân, tổ chức đối với sự phục vụ của {one_stop(period)} "
        f"{where} thuộc {top.name} {period.phrase}"
    )
    doc = Doc(title=f"Báo cáo tổng hợp {period.phrase} – {top.name}", info=info_rows(top, batch, n, excluded, today))
    doc.info.insert(1, ("Số đơn vị", str(len(members))))
    doc.add(sections.header(body, today, signing), Title("BÁO CÁO", subject, SAMPLE_NOTE if top.is_sample else ""))
    doc.add(
        Paragraph(
            f"{body.name if is_province(top) else top.name} báo cáo tổng hợp kết quả khảo sát sự hài lòng tại "
            f"{len(members)} đơn vị có {one_stop(period)}, {period.phrase} (từ ngày {fmt.day(period.first_day())} "
            f"đến ngày {fmt.day(period.last_day())}), như sau:"
        )
    )
    doc.add(Heading("I. KẾT QUẢ THU THẬP PHIẾU"))
    doc.add(
        Paragraph(
            f"Tổng số phiếu hợp lệ: {fmt.integer(n)} phiếu; {fmt.integer(excluded)} phiếu bị loại "
            "(bị đánh dấu nghi vấn, không tính vào chỉ số)."
        )
    )
    rates = response_rate(batch, members)
    doc.add(*sections.response_rate_blocks(rates, f"trong {period.phrase}"))
    if n == 0:
        doc.add(Paragraph(f"Trong {period.phrase}, các đơn vị không có phiếu khảo sát hợp lệ nào.", "warning"))
        doc.add(Heading("II. TIẾP NHẬN, XỬ LÝ PHẢN ÁNH, KIẾN NGHỊ"), _feedback_table(batch, members))
        doc.add(sections.signature(body, signing, period=period))
        return doc
    small = [u.name for u in members if _n(batch, u.code) < settings.min_n]
    if small:
        doc.add(
            Paragraph(
                f"Cảnh báo mẫu nhỏ: {len(small)} đơn vị có dưới {settings.min_n} phiếu hợp lệ "
                f"({'; '.join(small)}); kết quả của các đơn vị này chỉ có giá trị tham khảo và không "
                "được xếp hạng.",
                "warning",
            )
        )

    doc.add(Heading("II. CHỈ SỐ HÀI LÒNG CHUNG"))
    doc.add(sections.index_table(district, profile, f"Chỉ số hài lòng chung {period.phrase}"))
    doc.add(*sections.weighted_paragraph(rates, sections.value_of(overall, "index")))
    pooled = parent_pooled(
        batch.counts,
        "unit_code",
        dict.fromkeys(batch.counts["unit_code"].unique(), top.code),
        profile=settings.profile,
        rule=settings.rule,
        min_n=settings.min_n,
    )  # type: ignore[arg-type]
    pooled_value = sections.value_of(sections.one(pooled, "overall", OVERALL_CODE), "index")
    of_whom = "các xã, phường, đặc khu có phiếu" if is_province(top) else "các đơn vị có phiếu"
    doc.add(
        Paragraph(
            f"Chỉ số chung là trung bình cộng (không trọng số) chỉ số của {of_whom}, như cách tổng hợp "
            f"chỉ số cấp trên từ cấp dưới; khoảng tin cậy coi các đơn vị là các mẫu độc lập. Tham khảo: nếu gộp tất cả "
            f"người trả lời như một mẫu, chỉ số SIPAS là {fmt.pct(pooled_value)}.",
            "note",
        )
    )
    doc.add(sections.rule_paragraph(settings), sections.par_paragraph(district, settings))

    doc.add(Heading("III. BIẾN ĐỘNG SO VỚI CÁC KỲ TRƯỚC"))
    comparisons = [
        (period.previous().label, _district(batch.previous, top, settings.min_n, children)),
        (f"Cùng kỳ ({period.year_ago().phrase})", _district(batch.year_ago, top, settings.min_n, children)),
    ]
    doc.add(sections.change_table(district, comparisons, profile), _trend(batch, top, children))
    if period.year_ago().first_day() < REFORM_DAY <= period.last_day():
        doc.add(
            Paragraph(
                f"Các kỳ trước ngày {fmt.day(REFORM_DAY)} được so sánh theo địa giới hành chính ngày "
                f"{fmt.day(period.last_day())}: phiếu tại các đơn vị cũ được tính cho xã, phường, đặc khu hình "
                "thành sau sắp xếp.",
                "note",
            )
        )

    doc.add(Heading("IV. KẾT QUẢ THEO ĐƠN VỊ"))
    unit_table = _unit_table(batch, members, profile, children)
    doc.add(unit_table)
    if len(unit_table.rows) <= CHART_MAX_UNITS:
        doc.add(
            Chart(
                f"{top.code}-units",
                "bar",
                "Chỉ số SIPAS theo đơn vị (%)",
                tuple(_short(r[1]) for r in unit_table.rows),
                tuple(float("nan") if r[3] is None else float(r[3]) for r in unit_table.rows),
                tuple(r[0] is None for r in unit_table.rows),
                "Cột nhạt: đơn vị không được xếp hạng.",
            )
        )

    doc.add(Heading("V. KẾT QUẢ THEO LĨNH VỰC"))
    doc.add(_field_table(batch, top, children))
    doc.add(Heading("VI. NHỮNG NỘI DUNG CẦN CẢI THIỆN"))
    doc.add(
        Paragraph("Ba tiêu chí có chỉ số chung (trung bình các đơn vị) thấp nhất:"),
        *sections.lowest_items(district, profile, counts=False),
    )
    doc.add(Heading("VII. TIẾP NHẬN, XỬ LÝ PHẢN ÁNH, KIẾN NGHỊ"), _feedback_table(batch, members))
    doc.add(Heading("VIII. MONG ĐỢI CỦA NGƯỜI DÂN"))
    pooled_counts = batch.counts.groupby(["code", "value"], dropna=False)["n"].sum().reset_index()
    doc.add(sections.expectation_table(pooled_counts, profile) or Paragraph("Không có câu trả lời về mong đợi."))
    extra = () if is_province(top) else (f"Các đơn vị có {one_stop(period)}",)
    doc.add(sections.signature(body, signing, extra, period=period))
    return doc


def _n(batch: Batch, code: str) -> int:
    rows = batch.table.loc[(batch.table["unit_code"] == code) & (batch.table["level"] == "overall"), "n_responses"]
    return int(rows.iloc[0]) if len(rows) else 0


def _field_table(batch: Batch, top: UnitInfo, children: set[str] | None = None) -> Table:
    fields = batch.fields
    columns = [
        Column("Lĩnh vực", width=2.6),
        Column("Số phiếu", "int"),
        Column("Số đơn vị", "int"),
        Column("Chỉ số SIPAS", "pct"),
        Column("KTC 95% từ", "pct"),
        Column("KTC 95% đến", "pct"),
    ]
    rows = []
    if not fields.empty:
        district = _district(fields, top, batch.settings.min_n, children)
        overall = district.loc[district["level"] == "overall"].set_index("field_code")
        for code, name in batch.field_names.items():
            if code in overall.index:
                r = overall.loc[code]
                rows.append([name, int(r["n_responses"]), int(r["n_children"]), r["index"], r["ci_low"], r["ci_high"]])
    note = "Chỉ số theo lĩnh vực: trung bình cộng chỉ số lĩnh vực đó của các đơn vị có phiếu."
    return Table(columns, rows, "Chỉ số SIPAS theo lĩnh vực", "Theo lĩnh vực", note=note)
