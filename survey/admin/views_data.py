"""What each dashboard view shows, as tables (the same rows feed the page and the exports) and charts.

Every number comes from :mod:`survey.figures` with the filters' settings; this module only picks
the rows and names the columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from analysis.indices import OVERALL_CODE
from analysis.profile import load_profile
from survey import queries
from survey.admin import charts, filters
from survey.admin.filters import Filters
from survey.extensions import db
from survey.figures import boundaries, derived, fmt, labels, province, tables
from survey.figures.export import Column, Table
from survey.figures.periods import VN, Period, month_name
from survey.models import Unit
from survey.models.types import utcnow
from survey.services import response_rates
from survey.services.masking import mask_personal
from survey.services.text import by_name
from survey.services.units import subtree_ids

ViewTable = Table  # a view's table is an export table


@dataclass
class View:
    name: str
    title: str
    tables: list[Table]
    chart: str | None = None
    notes: list[str] = field(default_factory=list)
    summary: dict = field(default_factory=dict)
    #: the overview's first screen (see :func:`overview`); its first table goes under "Chi tiết cách tính"
    headline: dict | None = None
    #: per table, the columns a phone shows at once (the others are one tap away); None: every column
    primary: list[tuple[str, ...] | None] = field(default_factory=list)

    def primary_of(self, index: int) -> tuple[str, ...] | None:
        return self.primary[index] if index < len(self.primary) else None


def _value(x):
    return x if fmt.defined(x) else None


def _interval(f: Filters) -> list[Column]:
    level = fmt.number(100 * f.settings.confidence, 0)
    return [Column("ci_low", f"Khoảng tin cậy {level} %: từ", "percent"),
            Column("ci_high", f"Khoảng tin cậy {level} %: đến", "percent")]  # fmt: skip


def _method_notes(f: Filters) -> list[str]:
    """How the overview's figures are made, in plain words (the "Chi tiết cách tính" block)."""
    level = fmt.number(100 * f.settings.confidence, 0)
    return [
        f"Tỷ lệ hài lòng: {labels.RULES[f.settings.rule]}. Một câu trả lời là hài lòng khi người dân chọn "
        "mức 4 hoặc 5; câu bỏ trống hoặc “không đánh giá” không được tính.",
        f"Khoảng tin cậy {level} %: vì chỉ một phần người dân trả lời phiếu, con số thật của mọi người dân đến "
        f"làm thủ tục có thể lệch đôi chút; với độ tin cậy {level} % nó nằm trong khoảng “từ … đến …”. Ít phiếu "
        "thì khoảng rộng. Khoảng của từng tiêu chí tính theo công thức Wilson; của chỉ số yếu tố và chỉ số "
        "chung có tính đến việc mỗi người trả lời nhiều tiêu chí (phương pháp delta).",
        f"Thay đổi rõ rệt: mức thay đổi so với kỳ kia lớn hơn dao động ngẫu nhiên của hai mẫu, ở độ tin cậy "
        f"{level} %. Thay đổi không rõ rệt có thể chỉ do ngẫu nhiên.",
        f"Dưới {fmt.integer(f.settings.min_n)} phiếu là mẫu nhỏ: vẫn tính chỉ số nhưng không xếp hạng.",
    ]


def _moves(current, others, f: Filters) -> list[dict]:
    """Per table of ``others``: (level, code) → the change of ``current`` against it."""
    changes = tables.changes(current, [tables.composites(other) for other in others], f.settings)
    return [{(r.level, r.code): r for r in change.itertuples()} if not change.empty else {} for change in changes]


def _comparison(move, period) -> dict:
    """One line of the headline: the change against ``period`` in words, and whether it is beyond chance."""
    if move is None or not fmt.defined(move.change):
        return {"against": period.phrase, "words": "chưa có số liệu", "significant": None}
    significant = bool(move.significant)
    mark, words, explanation = labels.SIGNIFICANCE[significant]
    return {"against": period.phrase, "words": labels.change_words(move.change), "significant": significant,
            "mark": mark, "mark_words": words, "explanation": explanation,
            "direction": "up" if move.change > 0 else ("down" if move.change < 0 else "same")}  # fmt: skip


def overview(f: Filters) -> View:
    """The leader's first screen: SIPAS, its change in words, five elements, ballots, complaints on time."""
    profile = load_profile(f.profile)
    comp = tables.composites(tables.table(f.scope(), (), f.settings))
    previous, year_ago = f.period.previous(), f.period.year_ago()
    moves, moves_year = _moves(comp, [tables.table(f.scope(p), (), f.settings) for p in (previous, year_ago)], f)
    table = Table(
        f"Chỉ số hài lòng — {f.scope_name}, {f.period.label}",
        [
            Column("name", "Chỉ số"),
            Column("index", "Tỷ lệ hài lòng", "percent"),
            *_interval(f),
            Column("n_valid", "Số câu trả lời hợp lệ", "int"),
            Column("change", f"So với {previous.phrase} (điểm %)", "points"),
            Column("significant", "Thay đổi rõ rệt (so với kỳ trước)"),
            Column("change_year", f"So với {year_ago.phrase} (điểm %)", "points"),
            Column("significant_year", "Thay đổi rõ rệt (so với cùng kỳ năm trước)"),
            Column("flag", "Ghi chú"),
        ],  # fmt: skip
    )
    respondents, headline_index, headline_flag, elements = 0, None, "", []
    for r in comp.itertuples() if not comp.empty else []:
        move, move_year = moves.get((r.level, r.code)), moves_year.get((r.level, r.code))
        table.rows.append({"name": labels.code_name(profile, r.code), "code": r.code, "index": _value(r.index),
                           "ci_low": _value(r.ci_low), "ci_high": _value(r.ci_high), "n_valid": fmt.whole(r.n_valid),
                           "change": _value(move.change) if move is not None else None,
                           "significant": "" if move is None else labels.SIGNIFICANT[bool(move.significant)],
                           "change_year": _value(move_year.change) if move_year is not None else None,
                           "significant_year": "" if move_year is None
                           else labels.SIGNIFICANT[bool(move_year.significant)],
                           "flag": labels.flags(r.flag, f.settings.min_n)})  # fmt: skip
        respondents = fmt.whole(r.n_responses)
        if r.level == "overall":
            headline_index, headline_flag = _value(r.index), labels.flags(r.flag, f.settings.min_n)
        else:
            elements.append((labels.code_name(profile, r.code), _value(r.index), "small_sample" in str(r.flag)))
    overall_key = ("overall", OVERALL_CODE)
    excluded = derived.excluded_total(f.scope())
    summaries = derived.feedback(f.period, f.unit_ids, utcnow())
    complaints = sum(summaries.values(), derived.FeedbackSummary())
    headline = {
        "index": headline_index,
        "flag": headline_flag,
        "comparisons": [_comparison(moves.get(overall_key), previous), _comparison(moves_year.get(overall_key), year_ago)],
        "elements": charts.bar_list(elements, "Chỉ số của 5 yếu tố") if elements else None,
        "respondents": respondents,
        "excluded": excluded.total,
        "excluded_text": excluded.text(),
        "complaints": complaints,
    }  # fmt: skip
    notes = _method_notes(f) + boundaries.notes(f.scope()) + province.notes(f.unit, f.scope(), f.settings)
    return View("overview", "Tổng quan", [table, _feedback_table(f, summaries)], notes=notes,
                summary={"respondents": respondents, "excluded": excluded.text(),
                         "response_rate": response_rates.overview(f.scope())}, headline=headline,
                primary=[("name", "index", "change"), ("unit", "received", "share_on_time")])  # fmt: skip


def _feedback_table(f: Filters, summaries: dict[int, derived.FeedbackSummary]) -> Table:
    """Complaints received in the period per unit (``derived.feedback``), and how they were handled."""
    names = dict(db.session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(list(summaries)))).all())
    names_of = labels.FEEDBACK
    table = Table(f"Phản ánh, kiến nghị tiếp nhận trong kỳ — {f.scope_name}, {f.period.label}",
                  [Column("unit", "Đơn vị"), Column("received", names_of["received"], "int"),
                   Column("answered", names_of["answered"], "int"), Column("on_time", names_of["on_time"], "int"),
                   Column("share_on_time", names_of["share_on_time"], "percent"),
                   Column("overdue", names_of["overdue"], "int")])  # fmt: skip
    for unit_id, s in by_name(summaries.items(), lambda item: names.get(item[0], "")):
        table.rows.append({"unit": names.get(unit_id, ""), "received": s.received, "answered": s.answered,
                           "on_time": s.on_time, "share_on_time": s.share_on_time, "overdue": s.overdue})  # fmt: skip
    return table


def fields(f: Filters) -> View:
    t = tables.by_field(f.scope(), f.settings)
    table = Table(f"Chỉ số SIPAS theo lĩnh vực — {f.scope_name}, {f.period.label}",
                  [Column("field_name", "Lĩnh vực"), Column("index", "Tỷ lệ hài lòng", "percent"), *_interval(f),
                   Column("n_responses", "Số phiếu", "int"), Column("flag", "Ghi chú")])  # fmt: skip
    bars = []
    for r in t.itertuples() if not t.empty else []:
        table.rows.append({"field_code": r.field_code, "field_name": r.field_name, "index": _value(r.index),
                           "ci_low": _value(r.ci_low), "ci_high": _value(r.ci_high), "n_responses": fmt.whole(r.n_responses),
                           "flag": labels.flags(r.flag, f.settings.min_n)})  # fmt: skip
        bars.append((r.field_name, _value(r.index), "small_sample" in str(r.flag)))
    chart = charts.bar_list(bars, table.title) if bars else None
    return View("fields", "Theo lĩnh vực", [table], chart=chart, primary=[("field_name", "index", "n_responses")],
                notes=["Sắp xếp từ thấp đến cao. Thanh màu xám, dấu *: mẫu nhỏ."])  # fmt: skip


def _unit_rows(t, names: dict[str, str], f: Filters) -> list[dict]:
    return [{"rank": _value(r.rank), "unit_code": r.key, "unit_name": names[r.key], "index": _value(r.index),
             "ci_low": _value(r.ci_low), "ci_high": _value(r.ci_high), "n_responses": fmt.whole(r.n_responses),
             "flag": labels.flags(r.flag, f.settings.min_n)} for r in (t.itertuples() if not t.empty else [])]  # fmt: skip


def units(f: Filters) -> View:
    """Units side by side: the units directly under the chosen one, each with everything under it.

    Only siblings are ranked. The chosen unit itself (all of it, and its own counters) is shown apart,
    unranked; a unit with nothing under it, or its own counters alone, has nothing to be ranked against.
    """
    parent = f.unit
    if parent is None:  # every unit: from the top, down a chain of single units to where units branch
        tops = filters.children_of(None)
        while len(tops) == 1:
            parent, tops = tops[0], filters.children_of(tops[0])
    columns = [Column("rank", "Hạng", "rank"), Column("unit_name", "Đơn vị"),
               Column("index", "Tỷ lệ hài lòng", "percent"), *_interval(f),
               Column("n_responses", "Số phiếu", "int"), Column("flag", "Ghi chú")]  # fmt: skip
    notes = ["Chỉ so sánh các đơn vị cùng cấp, mỗi đơn vị tính cả các đơn vị trực thuộc. Hạng theo giá trị làm "
             "tròn 2 chữ số; bằng nhau thì cùng hạng cao hơn; mẫu nhỏ không xếp hạng."]  # fmt: skip
    children = [] if f.unit_alone else filters.children_of(parent)
    tables_: list[Table] = []
    bars = []
    ranked_sets = [(u.code, tuple(subtree_ids(u.id))) for u in children]
    apart_sets = []
    if parent is not None:
        apart_sets = [(parent.code, tuple(subtree_ids(parent.id)))] if not f.unit_alone else []
        if children or f.unit_alone:
            apart_sets.append((filters.ALONE + parent.code, (parent.id,)))
    t_ranked, t_apart = tables.by_scopes_and_apart(f.scope(), f.settings, ranked_sets, apart_sets)
    if children:
        has_own = {u.id: bool(filters.children_of(u)) for u in children}
        names = {u.code: labels.unit_scope_name(u.name, has_children=has_own[u.id]) for u in children}
        t = t_ranked
        where = labels.unit_scope_name(parent.name) if parent is not None else labels.ALL_UNITS.lower()
        ranked = Table(f"Xếp hạng các đơn vị trực thuộc — {where}, {f.period.label}", columns,
                       _unit_rows(t, names, f))  # fmt: skip
        tables_.append(ranked)
        bars = [(r["unit_name"], r["index"], "Mẫu nhỏ" in r["flag"]) for r in ranked.rows]
        if t.empty or t["rank"].isna().all():
            notes.append("Chưa xếp hạng: cần ít nhất hai đơn vị đủ số phiếu.")
    if parent is not None:
        whole = labels.unit_scope_name(parent.name, has_children=bool(children) or f.unit_alone)
        own = labels.unit_scope_name(parent.name, alone=True)
        t = t_apart
        apart = Table(f"{whole}: số liệu chung, không xếp hạng — {f.period.label}", columns[1:],
                      _unit_rows(t, {parent.code: whole, filters.ALONE + parent.code: own}, f))  # fmt: skip
        tables_.append(apart)
        if not children:
            notes = [f"{f.scope_name} không có đơn vị trực thuộc để so sánh, nên không xếp hạng. Xem “Xu hướng” "
                     "để so với các tháng trước."]  # fmt: skip
    chart = charts.bar_list(bars, tables_[0].title) if bars else None
    primary = ("rank", "unit_name", "index", "n_responses")
    return View("units", "Theo đơn vị", tables_, chart=chart, notes=notes, primary=[primary, primary])


def trend(f: Filters) -> View:
    profile = load_profile(f.profile)
    months, comp = tables.trend(f.scope(), f.period, f.settings)
    codes = ["SIPAS", *(e.code for e in profile.elements)]
    columns = [Column("month", "Tháng"), Column("n_responses", "Số phiếu", "int")]
    columns += [Column(c, labels.code_name(profile, c), "percent") for c in codes]
    span = Period(months[0], months[-1], "range")
    table = Table(f"Diễn biến theo tháng, {span.phrase} — {f.scope_name}", columns)
    series: dict[str, list] = {c: [] for c in codes}
    keys = {m: f"{m // 100:04d}-{m % 100:02d}" for m in months}
    for m in months:
        part = comp[comp["month"] == keys[m]] if not comp.empty else comp
        values = dict(zip(part["code"], part["index"], strict=True)) if not part.empty else {}
        row = {"month": month_name(m), "n_responses": fmt.whole(part["n_responses"].iloc[0]) if not part.empty else 0}
        for c in codes:
            row[c] = _value(values.get(c))
            series[c].append(row[c])
        table.rows.append(row)
    breaks = boundaries.breaks(f.scope(), months)
    chart = charts.line_chart([f"{m % 100:02d}/{m // 100 % 100:02d}" for m in months],
                              [(labels.code_name(profile, c), series[c]) for c in codes], table.title,
                              {months.index(m): label for m, label in breaks.items()})  # fmt: skip
    return View(
        "trend",
        "Xu hướng",
        [table],
        chart=chart,
        notes=boundaries.notes(f.scope(), chart=True),
        primary=[("month", "n_responses", "SIPAS")],
    )


def items(f: Filters) -> View:
    profile = load_profile(f.profile)
    d = tables.item_distribution(f.scope(), f.settings)
    names = [label for _, label in profile.scale] + [profile.not_applicable_label]
    columns = [Column("code", "Mã"), Column("text", "Tiêu chí")]
    columns += [Column(f"n{v}", label, "int") for v, label in zip(range(1, 6), names, strict=False)]
    columns += [Column("n_na", "Không đánh giá", "int"), Column("n_blank", "Bỏ trống", "int"),
                Column("index", "Tỷ lệ hài lòng", "percent")]  # fmt: skip
    table = Table(f"Phân bố mức đánh giá từng tiêu chí — {f.scope_name}, {f.period.label}", columns)
    bars = []
    for r in d.to_dict("records"):
        r["index"] = _value(r.get("index"))
        table.rows.append(r)
        bars.append((r["code"], [r["n1"], r["n2"], r["n3"], r["n4"], r["n5"], r["n_na"]]))
    chart = charts.stacked_bars(bars, names, table.title) if any(sum(b[1]) for b in bars) else None
    return View("items", "Từng tiêu chí", [table], chart=chart, primary=[("code", "text", "index")])


def expectations(f: Filters) -> View:
    counts = queries.counts(f.scope())
    x = tables.expectations(f.scope(), counts)
    p = tables.perception(f.scope(), counts)
    xt = Table(f"Mong đợi cải thiện — {f.scope_name}, {f.period.label}",
               [Column("rank", "Hạng", "rank"), Column("text", "Nội dung"),
                Column("percent", "Tỷ lệ mong muốn (mức 3–4)", "percent"), Column("n_valid", "Số trả lời", "int")])  # fmt: skip
    for r in x.to_dict("records") if not x.empty else []:
        xt.rows.append({k: _value(v) for k, v in r.items()})
    pt = Table(f"Nhận định về nhũng nhiễu, chi trả ngoài quy định — {f.scope_name}, {f.period.label}",
               [Column("text", "Câu hỏi"), Column("label", "Lựa chọn"), Column("n", "Số trả lời", "int"),
                Column("percent", "Tỷ lệ", "percent")])  # fmt: skip
    for r in p.to_dict("records") if not p.empty else []:
        pt.rows.append({k: _value(v) for k, v in r.items()})
    return View(
        "expectations",
        "Mong đợi, nhận định",
        [xt, pt],
        primary=[("rank", "text", "percent"), ("text", "label", "percent")],
    )


def comments(f: Filters) -> View:
    # masked (survey.services.masking); a unit's own officers see the day of a comment, never its minute
    officer = f.unit_ids is not None
    rows = [{**r, "comment": mask_personal(r["comment"]), "submitted_at": r["submitted_at"].astimezone(VN).date()
             if officer else r["submitted_at"]} for r in boundaries.comments(f.scope())]  # fmt: skip
    table = Table(f"Ý kiến của người dân — {f.scope_name}, {f.period.label}",
                  [Column("submitted_at", "Ngày" if officer else "Thời gian", "date" if officer else "datetime"),
                   Column("unit", "Đơn vị"), Column("field", "Lĩnh vực"), Column("comment", "Ý kiến")], rows)  # fmt: skip
    return View(
        "comments", "Ý kiến", [table],
        notes=["Ý kiến hiển thị đã ẩn số điện thoại, địa chỉ thư, giấy tờ và tên người.",
               *boundaries.comment_notes(f.scope(), rows)],
    )  # fmt: skip


VIEWS = {"overview": overview, "fields": fields, "units": units, "trend": trend, "items": items,
         "expectations": expectations, "comments": comments}  # fmt: skip
TITLES = {"overview": "Tổng quan", "fields": "Theo lĩnh vực", "units": "Theo đơn vị", "trend": "Xu hướng",
          "items": "Từng tiêu chí", "expectations": "Mong đợi, nhận định", "comments": "Ý kiến"}  # fmt: skip
