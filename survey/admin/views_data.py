"""What each dashboard view shows, as tables (the same rows feed the page and the exports) and charts."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import select

from analysis.profile import load_profile
from survey import queries
from survey.admin import charts
from survey.admin.filters import Filters
from survey.admin.periods import add_months
from survey.extensions import db
from survey.formatting import date as vn_date
from survey.formatting import month_label
from survey.models import Unit
from survey.services import feedback, response_rates, stats, trust
from survey.services.masking import mask_personal
from survey.services.periods import month_bounds

FLAG_NAMES = {
    "small_sample": f"Mẫu nhỏ (dưới {stats.MIN_N} phiếu), không xếp hạng",
    "no_valid_answers": "Không có câu trả lời hợp lệ",
    "not_asked": "Không hỏi",
}
RULE_NAMES = {
    "mean_of_items": "trung bình cộng các tiêu chí (mean_of_items)",
    "pooled": "gộp mọi câu trả lời (pooled)",
    "general_question": "câu hỏi đánh giá chung (general_question)",
}


@dataclass
class Column:
    key: str
    header: str
    #: text, percent, int, number, rank
    kind: str = "text"


@dataclass
class ViewTable:
    title: str
    columns: list[Column]
    rows: list[dict] = field(default_factory=list)


@dataclass
class View:
    name: str
    title: str
    tables: list[ViewTable]
    chart: str | None = None
    notes: list[str] = field(default_factory=list)
    summary: dict = field(default_factory=dict)


def _flag(text) -> str:
    if not isinstance(text, str) or not text:
        return ""
    return "; ".join(FLAG_NAMES.get(f, f) for f in text.split(";") if f)


def _value(x):
    if x is None or x is pd.NA:
        return None
    if isinstance(x, float) and math.isnan(x):
        return None
    return x


def _code_name(profile, code: str) -> str:
    if code == "SIPAS":
        return "Chỉ số hài lòng chung (SIPAS)"
    for e in profile.elements:
        if e.code == code:
            return f"{e.code}. {e.name}"
    return code


INTERVAL = [Column("ci_low", "KTC 95% (cận dưới)", "percent"), Column("ci_high", "KTC 95% (cận trên)", "percent")]


def overview(f: Filters) -> View:
    profile = load_profile(f.profile)
    current = stats.table(f.scope())
    previous = stats.table(f.scope(f.period.previous()))
    comp = stats.composites(current)
    change = stats.change(comp, stats.composites(previous))
    moves = {(r.level, r.code): r for r in change.itertuples()} if not change.empty else {}
    table = ViewTable(
        f"Chỉ số hài lòng — {f.period.label}",
        [
            Column("name", "Chỉ số"),
            Column("index", "Tỷ lệ hài lòng", "percent"),
            *INTERVAL,
            Column("n_valid", "Số câu trả lời hợp lệ", "int"),
            Column("change", "Thay đổi so với kỳ trước (điểm %)", "number"),
            Column("significant", "Thay đổi có ý nghĩa thống kê"),
            Column("flag", "Ghi chú"),
        ],  # fmt: skip
    )
    respondents = 0
    for r in comp.itertuples() if not comp.empty else []:
        move = moves.get((r.level, r.code))
        significant = "" if move is None else ("Có" if bool(move.significant) else "Không")
        table.rows.append({"name": _code_name(profile, r.code), "code": r.code, "index": _value(r.index),
                           "ci_low": _value(r.ci_low), "ci_high": _value(r.ci_high), "n_valid": int(r.n_valid),
                           "change": _value(move.change) if move is not None else None,
                           "significant": significant, "flag": _flag(r.flag)})  # fmt: skip
        respondents = int(r.n_responses)
    tables = [table, _feedback_table(f)]
    notes = [f"Cách tính chỉ số thành phần và chỉ số chung: {RULE_NAMES[stats.DEFAULT_RULE]}.",
             "Khoảng tin cậy 95%: Wilson cho từng tiêu chí; phương pháp delta (tuyến tính hoá) cho chỉ số gộp."]  # fmt: skip
    excluded = trust.excluded_summary(f.scope())
    return View("overview", "Tổng quan", tables, notes=notes,
                summary={"respondents": respondents, "excluded": excluded.text(),
                         "response_rate": response_rates.overview(f.scope())})  # fmt: skip


def _feedback_table(f: Filters) -> ViewTable:
    """Complaints received in the period per unit, and the share answered on time."""
    start = month_bounds(f.period.start // 100, f.period.start % 100)[0]
    end = month_bounds(f.period.end // 100, f.period.end % 100)[1]
    rows = feedback.summary(f.unit_ids, start, end)
    names = {u.id: u.name for u in db.session.scalars(select(Unit).where(Unit.id.in_([r["unit_id"] for r in rows])))}
    table = ViewTable(f"Phản ánh, kiến nghị tiếp nhận trong kỳ — {f.period.label}",
                      [Column("unit", "Đơn vị"), Column("received", "Tiếp nhận", "int"),
                       Column("answered", "Đã trả lời", "int"), Column("on_time", "Trả lời đúng hạn", "int"),
                       Column("on_time_share", "Tỷ lệ đúng hạn", "percent"), Column("overdue", "Đang quá hạn", "int")])  # fmt: skip
    for r in sorted(rows, key=lambda r: names.get(r["unit_id"], "")):
        table.rows.append({**r, "unit": names.get(r["unit_id"], "")})
    return table


def fields(f: Filters) -> View:
    t = stats.by_field(f.scope())
    table = ViewTable(f"Chỉ số SIPAS theo lĩnh vực — {f.period.label}",
                      [Column("field_name", "Lĩnh vực"), Column("index", "Tỷ lệ hài lòng", "percent"), *INTERVAL,
                       Column("n_responses", "Số phiếu", "int"), Column("flag", "Ghi chú")])  # fmt: skip
    bars = []
    for r in t.itertuples() if not t.empty else []:
        table.rows.append({"field_code": r.field_code, "field_name": r.field_name, "index": _value(r.index),
                           "ci_low": _value(r.ci_low), "ci_high": _value(r.ci_high), "n_responses": int(r.n_responses),
                           "flag": _flag(r.flag)})  # fmt: skip
        bars.append((r.field_name, _value(r.index), "small_sample" in str(r.flag)))
    chart = charts.bar_chart(bars, table.title) if bars else None
    return View("fields", "Theo lĩnh vực", [table], chart=chart,
                notes=["Sắp xếp từ thấp đến cao. Thanh màu xám, dấu *: mẫu nhỏ."])  # fmt: skip


def units(f: Filters) -> View:
    t = stats.by_unit(f.scope())
    table = ViewTable(f"Xếp hạng đơn vị theo chỉ số SIPAS — {f.period.label}",
                      [Column("rank", "Hạng", "rank"), Column("unit_name", "Đơn vị"),
                       Column("index", "Tỷ lệ hài lòng", "percent"), *INTERVAL,
                       Column("n_responses", "Số phiếu", "int"), Column("flag", "Ghi chú")])  # fmt: skip
    bars = []
    for r in t.itertuples() if not t.empty else []:
        table.rows.append({"rank": _value(r.rank), "unit_code": r.unit_code, "unit_name": r.unit_name,
                           "index": _value(r.index), "ci_low": _value(r.ci_low), "ci_high": _value(r.ci_high),
                           "n_responses": int(r.n_responses), "flag": _flag(r.flag)})  # fmt: skip
        bars.append((r.unit_name, _value(r.index), "small_sample" in str(r.flag)))
    chart = charts.bar_chart(bars, table.title) if bars else None
    return View("units", "Theo đơn vị", [table], chart=chart,
                notes=["Hạng theo giá trị làm tròn 2 chữ số; bằng nhau thì cùng hạng cao hơn; mẫu nhỏ không xếp hạng."])  # fmt: skip


def trend(f: Filters) -> View:
    profile = load_profile(f.profile)
    end = f.period.end
    start = add_months(end, -11)
    t = stats.table(f.scope_months(start, end), ["month"])
    months = [f"{add_months(start, i) // 100:04d}-{add_months(start, i) % 100:02d}" for i in range(12)]
    codes = ["SIPAS", *(e.code for e in profile.elements)]
    columns = [Column("month", "Tháng"), Column("n_responses", "Số phiếu", "int")]
    columns += [Column(c, _code_name(profile, c), "percent") for c in codes]
    table = ViewTable("Diễn biến 12 tháng", columns)
    series = {c: [] for c in codes}
    comp = stats.composites(t)
    for m in months:
        part = comp[comp["month"] == m] if not comp.empty else comp
        values = dict(zip(part["code"], part["index"], strict=True)) if not part.empty else {}
        row = {"month": month_label(m), "n_responses": int(part["n_responses"].iloc[0]) if not part.empty else 0}
        for c in codes:
            row[c] = _value(values.get(c))
            series[c].append(row[c])
        table.rows.append(row)
    chart = charts.line_chart([f"{m[5:7]}/{m[2:4]}" for m in months],
                              [(_code_name(profile, c), series[c]) for c in codes], table.title)  # fmt: skip
    return View("trend", "Xu hướng", [table], chart=chart)


def items(f: Filters) -> View:
    profile = load_profile(f.profile)
    d = stats.item_distribution(f.scope())
    labels = [label for _, label in profile.scale] + [profile.not_applicable_label]
    columns = [Column("code", "Mã"), Column("text", "Tiêu chí")]
    columns += [Column(f"n{v}", label, "int") for v, label in zip(range(1, 6), labels, strict=False)]
    columns += [Column("n_na", "Không đánh giá", "int"), Column("n_blank", "Bỏ trống", "int"),
                Column("index", "Tỷ lệ hài lòng", "percent")]  # fmt: skip
    table = ViewTable(f"Phân bố mức đánh giá từng tiêu chí — {f.period.label}", columns)
    bars = []
    for r in d.to_dict("records"):
        r["index"] = _value(r.get("index"))
        table.rows.append(r)
        bars.append((r["code"], [r["n1"], r["n2"], r["n3"], r["n4"], r["n5"], r["n_na"]]))
    chart = charts.stacked_bars(bars, labels, table.title) if any(sum(b[1]) for b in bars) else None
    return View("items", "Từng tiêu chí", [table], chart=chart)


def expectations(f: Filters) -> View:
    counts = queries.counts(f.scope())
    x = stats.expectations(f.scope(), counts)
    p = stats.perception(f.scope(), counts)
    xt = ViewTable(f"Mong đợi cải thiện — {f.period.label}",
                   [Column("rank", "Hạng", "rank"), Column("text", "Nội dung"),
                    Column("percent", "Tỷ lệ mong muốn (mức 3–4)", "percent"), Column("n_valid", "Số trả lời", "int")])  # fmt: skip
    for r in x.to_dict("records") if not x.empty else []:
        xt.rows.append({k: _value(v) for k, v in r.items()})
    pt = ViewTable("Nhận định về nhũng nhiễu, chi trả ngoài quy định",
                   [Column("text", "Câu hỏi"), Column("label", "Lựa chọn"), Column("n", "Số trả lời", "int"),
                    Column("percent", "Tỷ lệ", "percent")])  # fmt: skip
    for r in p.to_dict("records") if not p.empty else []:
        pt.rows.append({k: _value(v) for k, v in r.items()})
    return View("expectations", "Mong đợi, nhận định", [xt, pt])


def comments(f: Filters) -> View:
    # masked (survey.services.masking); a unit's own officers see the day of a comment, never its minute
    officer = f.unit_ids is not None
    rows = [{**r, "comment": mask_personal(r["comment"]), "submitted_at": vn_date(r["submitted_at"]) if officer
             else r["submitted_at"]} for r in stats.comments(f.scope())]  # fmt: skip
    table = ViewTable(f"Ý kiến của người dân — {f.period.label}",
                      [Column("submitted_at", "Ngày" if officer else "Thời gian", "text" if officer else "datetime"),
                       Column("unit", "Đơn vị"), Column("field", "Lĩnh vực"), Column("comment", "Ý kiến")], rows)  # fmt: skip
    return View(
        "comments", "Ý kiến", [table], notes=["Ý kiến hiển thị đã ẩn số điện thoại, địa chỉ thư, giấy tờ và tên người."]
    )


VIEWS = {"overview": overview, "fields": fields, "units": units, "trend": trend, "items": items,
         "expectations": expectations, "comments": comments}  # fmt: skip
TITLES = {"overview": "Tổng quan", "fields": "Theo lĩnh vực", "units": "Theo đơn vị", "trend": "Xu hướng",
          "items": "Từng tiêu chí", "expectations": "Mong đợi, nhận định", "comments": "Ý kiến"}  # fmt: skip
