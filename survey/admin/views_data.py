"""What each dashboard view shows, as tables (the same rows feed the page and the exports) and charts.

Every number comes from :mod:`survey.figures` with the filters' settings; this module only picks
the rows and names the columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from analysis.profile import load_profile
from survey import queries
from survey.admin import charts
from survey.admin.filters import Filters
from survey.extensions import db
from survey.figures import boundaries, derived, fmt, labels, province, tables
from survey.figures.export import Column, Table
from survey.figures.periods import VN, month_name
from survey.models import Unit
from survey.models.types import utcnow
from survey.services import response_rates
from survey.services.masking import mask_personal

ViewTable = Table  # a view's table is an export table


@dataclass
class View:
    name: str
    title: str
    tables: list[Table]
    chart: str | None = None
    notes: list[str] = field(default_factory=list)
    summary: dict = field(default_factory=dict)


def _value(x):
    return x if fmt.defined(x) else None


def _interval(f: Filters) -> list[Column]:
    level = fmt.number(100 * f.settings.confidence, 0)
    return [Column("ci_low", f"KTC {level}% (cận dưới)", "percent"),
            Column("ci_high", f"KTC {level}% (cận trên)", "percent")]  # fmt: skip


def overview(f: Filters) -> View:
    profile = load_profile(f.profile)
    current = tables.table(f.scope(), (), f.settings)
    previous = tables.table(f.scope(f.period.previous()), (), f.settings)
    comp = tables.composites(current)
    change = tables.change(comp, tables.composites(previous), f.settings)
    moves = {(r.level, r.code): r for r in change.itertuples()} if not change.empty else {}
    table = Table(
        f"Chỉ số hài lòng — {f.period.label}",
        [
            Column("name", "Chỉ số"),
            Column("index", "Tỷ lệ hài lòng", "percent"),
            *_interval(f),
            Column("n_valid", "Số câu trả lời hợp lệ", "int"),
            Column("change", "Thay đổi so với kỳ trước (điểm %)", "points"),
            Column("significant", "Thay đổi có ý nghĩa thống kê"),
            Column("flag", "Ghi chú"),
        ],  # fmt: skip
    )
    respondents = 0
    for r in comp.itertuples() if not comp.empty else []:
        move = moves.get((r.level, r.code))
        table.rows.append({"name": labels.code_name(profile, r.code), "code": r.code, "index": _value(r.index),
                           "ci_low": _value(r.ci_low), "ci_high": _value(r.ci_high), "n_valid": int(r.n_valid),
                           "change": _value(move.change) if move is not None else None,
                           "significant": "" if move is None else labels.SIGNIFICANT[bool(move.significant)],
                           "flag": labels.flags(r.flag, f.settings.min_n)})  # fmt: skip
        respondents = int(r.n_responses)
    notes = [f"Cách tính chỉ số thành phần và chỉ số chung: {labels.RULES[f.settings.rule]}.",
             "Khoảng tin cậy: Wilson cho từng tiêu chí; phương pháp delta (tuyến tính hoá) cho chỉ số gộp."]  # fmt: skip
    notes += boundaries.notes(f.scope()) + province.notes(f.unit, f.scope(), f.settings)
    excluded = derived.excluded_total(f.scope())
    return View("overview", "Tổng quan", [table, _feedback_table(f)], notes=notes,
                summary={"respondents": respondents, "excluded": excluded.text(),
                         "response_rate": response_rates.overview(f.scope())})  # fmt: skip


def _feedback_table(f: Filters) -> Table:
    """Complaints received in the period per unit, and how they were handled (survey.figures.derived)."""
    summaries = derived.feedback(f.period, f.unit_ids, utcnow())
    names = dict(db.session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(list(summaries)))).all())
    names_of = labels.FEEDBACK
    table = Table(f"Phản ánh, kiến nghị tiếp nhận trong kỳ — {f.period.label}",
                  [Column("unit", "Đơn vị"), Column("received", names_of["received"], "int"),
                   Column("answered", names_of["answered"], "int"), Column("on_time", names_of["on_time"], "int"),
                   Column("share_on_time", names_of["share_on_time"], "percent"),
                   Column("overdue", names_of["overdue"], "int")])  # fmt: skip
    for unit_id, s in sorted(summaries.items(), key=lambda item: names.get(item[0], "")):
        table.rows.append({"unit": names.get(unit_id, ""), "received": s.received, "answered": s.answered,
                           "on_time": s.on_time, "share_on_time": s.share_on_time, "overdue": s.overdue})  # fmt: skip
    return table


def fields(f: Filters) -> View:
    t = tables.by_field(f.scope(), f.settings)
    table = Table(f"Chỉ số SIPAS theo lĩnh vực — {f.period.label}",
                  [Column("field_name", "Lĩnh vực"), Column("index", "Tỷ lệ hài lòng", "percent"), *_interval(f),
                   Column("n_responses", "Số phiếu", "int"), Column("flag", "Ghi chú")])  # fmt: skip
    bars = []
    for r in t.itertuples() if not t.empty else []:
        table.rows.append({"field_code": r.field_code, "field_name": r.field_name, "index": _value(r.index),
                           "ci_low": _value(r.ci_low), "ci_high": _value(r.ci_high), "n_responses": int(r.n_responses),
                           "flag": labels.flags(r.flag, f.settings.min_n)})  # fmt: skip
        bars.append((r.field_name, _value(r.index), "small_sample" in str(r.flag)))
    chart = charts.bar_chart(bars, table.title) if bars else None
    return View("fields", "Theo lĩnh vực", [table], chart=chart,
                notes=["Sắp xếp từ thấp đến cao. Thanh màu xám, dấu *: mẫu nhỏ."])  # fmt: skip


def units(f: Filters) -> View:
    t = tables.by_unit(f.scope(), f.settings)
    table = Table(f"Xếp hạng đơn vị theo chỉ số SIPAS — {f.period.label}",
                  [Column("rank", "Hạng", "rank"), Column("unit_name", "Đơn vị"),
                   Column("index", "Tỷ lệ hài lòng", "percent"), *_interval(f),
                   Column("n_responses", "Số phiếu", "int"), Column("flag", "Ghi chú")])  # fmt: skip
    bars = []
    for r in t.itertuples() if not t.empty else []:
        table.rows.append({"rank": _value(r.rank), "unit_code": r.unit_code, "unit_name": r.unit_name,
                           "index": _value(r.index), "ci_low": _value(r.ci_low), "ci_high": _value(r.ci_high),
                           "n_responses": int(r.n_responses), "flag": labels.flags(r.flag, f.settings.min_n)})  # fmt: skip
        bars.append((r.unit_name, _value(r.index), "small_sample" in str(r.flag)))
    chart = charts.bar_chart(bars, table.title) if bars else None
    return View("units", "Theo đơn vị", [table], chart=chart,
                notes=["Hạng theo giá trị làm tròn 2 chữ số; bằng nhau thì cùng hạng cao hơn; mẫu nhỏ không xếp hạng."])  # fmt: skip


def trend(f: Filters) -> View:
    profile = load_profile(f.profile)
    months, comp = tables.trend(f.scope(), f.period, f.settings)
    codes = ["SIPAS", *(e.code for e in profile.elements)]
    columns = [Column("month", "Tháng"), Column("n_responses", "Số phiếu", "int")]
    columns += [Column(c, labels.code_name(profile, c), "percent") for c in codes]
    table = Table("Diễn biến 12 tháng", columns)
    series: dict[str, list] = {c: [] for c in codes}
    keys = {m: f"{m // 100:04d}-{m % 100:02d}" for m in months}
    for m in months:
        part = comp[comp["month"] == keys[m]] if not comp.empty else comp
        values = dict(zip(part["code"], part["index"], strict=True)) if not part.empty else {}
        row = {"month": month_name(m), "n_responses": int(part["n_responses"].iloc[0]) if not part.empty else 0}
        for c in codes:
            row[c] = _value(values.get(c))
            series[c].append(row[c])
        table.rows.append(row)
    breaks = boundaries.breaks(f.scope(), months)
    chart = charts.line_chart([f"{m % 100:02d}/{m // 100 % 100:02d}" for m in months],
                              [(labels.code_name(profile, c), series[c]) for c in codes], table.title,
                              {months.index(m): label for m, label in breaks.items()})  # fmt: skip
    return View("trend", "Xu hướng", [table], chart=chart, notes=boundaries.notes(f.scope(), chart=True))


def items(f: Filters) -> View:
    profile = load_profile(f.profile)
    d = tables.item_distribution(f.scope(), f.settings)
    names = [label for _, label in profile.scale] + [profile.not_applicable_label]
    columns = [Column("code", "Mã"), Column("text", "Tiêu chí")]
    columns += [Column(f"n{v}", label, "int") for v, label in zip(range(1, 6), names, strict=False)]
    columns += [Column("n_na", "Không đánh giá", "int"), Column("n_blank", "Bỏ trống", "int"),
                Column("index", "Tỷ lệ hài lòng", "percent")]  # fmt: skip
    table = Table(f"Phân bố mức đánh giá từng tiêu chí — {f.period.label}", columns)
    bars = []
    for r in d.to_dict("records"):
        r["index"] = _value(r.get("index"))
        table.rows.append(r)
        bars.append((r["code"], [r["n1"], r["n2"], r["n3"], r["n4"], r["n5"], r["n_na"]]))
    chart = charts.stacked_bars(bars, names, table.title) if any(sum(b[1]) for b in bars) else None
    return View("items", "Từng tiêu chí", [table], chart=chart)


def expectations(f: Filters) -> View:
    counts = queries.counts(f.scope())
    x = tables.expectations(f.scope(), counts)
    p = tables.perception(f.scope(), counts)
    xt = Table(f"Mong đợi cải thiện — {f.period.label}",
               [Column("rank", "Hạng", "rank"), Column("text", "Nội dung"),
                Column("percent", "Tỷ lệ mong muốn (mức 3–4)", "percent"), Column("n_valid", "Số trả lời", "int")])  # fmt: skip
    for r in x.to_dict("records") if not x.empty else []:
        xt.rows.append({k: _value(v) for k, v in r.items()})
    pt = Table("Nhận định về nhũng nhiễu, chi trả ngoài quy định",
               [Column("text", "Câu hỏi"), Column("label", "Lựa chọn"), Column("n", "Số trả lời", "int"),
                Column("percent", "Tỷ lệ", "percent")])  # fmt: skip
    for r in p.to_dict("records") if not p.empty else []:
        pt.rows.append({k: _value(v) for k, v in r.items()})
    return View("expectations", "Mong đợi, nhận định", [xt, pt])


def comments(f: Filters) -> View:
    # masked (survey.services.masking); a unit's own officers see the day of a comment, never its minute
    officer = f.unit_ids is not None
    rows = [{**r, "comment": mask_personal(r["comment"]), "submitted_at": r["submitted_at"].astimezone(VN).date()
             if officer else r["submitted_at"]} for r in tables.comments(f.scope())]  # fmt: skip
    table = Table(f"Ý kiến của người dân — {f.period.label}",
                  [Column("submitted_at", "Ngày" if officer else "Thời gian", "date" if officer else "datetime"),
                   Column("unit", "Đơn vị"), Column("field", "Lĩnh vực"), Column("comment", "Ý kiến")], rows)  # fmt: skip
    return View(
        "comments", "Ý kiến", [table], notes=["Ý kiến hiển thị đã ẩn số điện thoại, địa chỉ thư, giấy tờ và tên người."]
    )


VIEWS = {"overview": overview, "fields": fields, "units": units, "trend": trend, "items": items,
         "expectations": expectations, "comments": comments}  # fmt: skip
TITLES = {"overview": "Tổng quan", "fields": "Theo lĩnh vực", "units": "Theo đơn vị", "trend": "Xu hướng",
          "items": "Từng tiêu chí", "expectations": "Mong đợi, nhận định", "comments": "Ý kiến"}  # fmt: skip
