"""Blocks shared by the monthly and the quarterly report: head, index tables, change, items, signature."""

from __future__ import annotations

import unicodedata
from datetime import date

import numpy as np
import pandas as pd

from analysis.change import compare_periods
from analysis.indices import OVERALL_CODE
from analysis.profile import Profile
from analysis.stats import par_points, round_half_up
from analysis.tables import expectations_table
from survey.figures import labels
from survey.figures.periods import Period
from survey.models.counters import SERVICE_POINT_KINDS, one_stop_body
from survey.reports import fmt
from survey.reports.data import FeedbackSummary, Settings, UnitInfo
from survey.reports.document import Column, Header, Paragraph, Signature, Table
from survey.reports.signing import UNSET, Signing
from survey.services import response_rates

INTERVAL_TEXT = (
    "Khoảng tin cậy 95% là khoảng mà chỉ số thật (nếu hỏi được mọi người dân) nằm trong đó với độ tin cậy 95%; "
    "khoảng càng rộng khi càng ít phiếu."
)
PLACE_PREFIXES = (
    "ubnd ",
    "ủy ban nhân dân ",
    "thị trấn ",
    "thị xã ",
    "thành phố ",
    "xã ",
    "phường ",
    "huyện ",
    "quận ",
    "tỉnh ",
    "đặc khu ",
)
SMALL = "ít phiếu"
NBSP = "\u00a0"


def sentence_case(text: str) -> str:
    """The first letter up, the rest as it is (``quý II/2026`` → ``Quý II/2026``; ``str.capitalize`` lowers it)."""
    return text[:1].upper() + text[1:]


def place_of(unit: UnitInfo) -> str:
    """The place of the date line: the name without its kind (``UBND xã Bình Thạnh`` → ``Bình Thạnh``)."""
    name = unit.name if unit.kind != "department" or not unit.parent_name else unit.parent_name
    name = fmt.nfc(name)
    changed = True
    while changed:
        changed = False
        for prefix in PLACE_PREFIXES:
            if name.lower().startswith(prefix):
                name, changed = name[len(prefix) :], True
    return name


#: the kind of unit that is not a level of government: a department under its parent's People's Committee
DEPARTMENT = "department"
COMMITTEE = "Ủy ban nhân dân"
#: the usual signer of a department's report, by the first word of its name
HEAD_OF = {"phòng": "TRƯỞNG PHÒNG", "ban": "TRƯỞNG BAN", "sở": "GIÁM ĐỐC", "trung tâm": "GIÁM ĐỐC",
           "văn phòng": "CHÁNH VĂN PHÒNG"}  # fmt: skip


def _without_committee(name: str) -> str:
    """``UBND xã Bình Thạnh`` / ``Ủy ban nhân dân xã Bình Thạnh`` → ``xã Bình Thạnh``."""
    name = fmt.nfc(name).strip()
    for prefix in ("ubnd ", COMMITTEE.lower() + " "):
        if name.lower().startswith(prefix):
            return name[len(prefix) :]
    return name


def is_people_committee(unit: UnitInfo) -> bool:
    """A level of government (province, commune …) issues its reports as its People's Committee."""
    return unit.kind != DEPARTMENT


def issuer_lines(unit: UnitInfo) -> tuple[str, ...]:
    """The issuing body as Phụ lục I prints it: in full, capitals (``ỦY BAN NHÂN DÂN`` / ``XÃ BÌNH THẠNH``)."""
    if is_people_committee(unit):
        return (fmt.upper(COMMITTEE), fmt.upper(_without_committee(unit.name)))
    return (fmt.upper(unit.name),)


def committee_of(name: str, kind: str | None) -> str:
    """How a recipient is named: ``Tỉnh Quảng Ngãi`` (a level) → ``UBND tỉnh Quảng Ngãi``; a department as is."""
    if kind == DEPARTMENT:
        return name
    place = _without_committee(name)
    return f"UBND {place[:1].lower()}{place[1:]}"


def superior_line(unit: UnitInfo) -> str:
    """The directly superior body above a department's name (``UBND HUYỆN BÌNH SƠN``); none above a
    People's Committee, which the decree names alone at every level."""
    if is_people_committee(unit) or not unit.parent_name:
        return ""
    parent = _without_committee(unit.parent_name)
    return fmt.upper(parent if unit.parent_kind == DEPARTMENT else f"UBND {parent}")


def _initials(name: str) -> str:
    """``Phòng Tư pháp huyện Bình Sơn`` → ``PTP``: first letters of the words before the place, no marks."""
    places = {p.strip() for p in PLACE_PREFIXES}
    words = []
    for word in fmt.nfc(name).split():
        if word in places and words:  # "huyện", "xã" in lower case: the place begins ("Xã hội" does not)
            break
        if word[0].isalpha():
            words.append(word)
    letters = "".join(w[0] for w in words).upper().replace("Đ", "D")
    return unicodedata.normalize("NFKD", letters).encode("ascii", "ignore").decode() or "BC"


def symbol_of(unit: UnitInfo, signing: Signing) -> str:
    if signing.symbol:
        return signing.symbol
    return "BC-UBND" if is_people_committee(unit) else f"BC-{_initials(unit.name)}"


def header(unit: UnitInfo, today: date, signing: Signing = UNSET) -> Header:
    """The head of Phụ lục I for the unit's level, derived from its kind and its parent."""
    return Header(
        superior=superior_line(unit),
        issuer=issuer_lines(unit),
        number=f"Số:{NBSP * 8}/{symbol_of(unit, signing)}",
        place_date=fmt.place_date(place_of(unit), today),
    )


def usual_titles(unit: UnitInfo) -> tuple[str, ...]:
    if is_people_committee(unit):
        return ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")
    name = fmt.nfc(unit.name).lower()
    return (next((t for word, t in HEAD_OF.items() if name.startswith(word + " ")), "THỦ TRƯỞNG CƠ QUAN"),)


def signature(unit: UnitInfo, signing: Signing = UNSET, extra_recipients: tuple[str, ...] = (), *,
              period: Period | None = None) -> Signature:  # fmt: skip
    """ "Nơi nhận" and the signer as set for the unit; unset, the usual lines and room for the name. The one-stop
    body is the Trung tâm Phục vụ hành chính công, or the Bộ phận Một cửa for a ``period`` before 1/7/2025."""
    recipients = list(signing.recipients)
    if not recipients:
        if unit.parent_name:
            recipients.append(f"{committee_of(unit.parent_name, unit.parent_kind)} (để báo cáo)")
        leaders = "Chủ tịch, các Phó Chủ tịch UBND" if is_people_committee(unit) else "Lãnh đạo đơn vị"
        body = one_stop_body(period.first_day()) if period is not None else SERVICE_POINT_KINDS["centre"]
        recipients += [*extra_recipients, leaders, body, "Lưu: VT"]
    shown = tuple(f"- {line}{'.' if i == len(recipients) - 1 else ';'}" for i, line in enumerate(recipients))
    return Signature(shown, tuple(fmt.upper(t) for t in signing.titles) or usual_titles(unit), signing.name)


def rule_paragraph(settings: Settings) -> Paragraph:
    return Paragraph(
        f"Cách tính: {labels.RULES[settings.rule]}. Câu trả lời “hài lòng” là mức 4 và 5; câu trả lời "
        f"“Không đánh giá” và câu bỏ trống không tính vào mẫu số. {INTERVAL_TEXT}",
        "note",
    )


def small_sample_warning(n: int, settings: Settings, who: str = "Đơn vị") -> Paragraph:
    return Paragraph(
        f"Cảnh báo mẫu nhỏ: {who} chỉ có {fmt.integer(n)} phiếu hợp lệ (dưới {settings.min_n} phiếu). "
        "Kết quả chỉ có giá trị tham khảo, khoảng tin cậy rộng và không được xếp hạng.",
        "warning",
    )


def one(table: pd.DataFrame, level: str, code: str) -> pd.Series | None:
    """The first row of ``table`` at ``level`` with ``code`` (a report asks for a few dozen: compared as arrays)."""
    found = np.flatnonzero((table["level"].to_numpy() == level) & (table["code"].to_numpy() == code))
    return table.iloc[found[0]] if len(found) else None


def value_of(row: pd.Series | None, column: str) -> float | None:
    if row is None:
        return None
    value = row[column]
    return None if pd.isna(value) else float(value)


def index_table(table: pd.DataFrame, profile: Profile, caption: str, sheet: str | None = "Chỉ số") -> Table:
    """SIPAS and element indices with their 95% interval; the general question beside, where asked."""
    has_general = any(
        (r := one(table, "item", e.general.code)) is not None and r["n_valid"] > 0
        for e in profile.elements
        if e.general
    )
    columns = [
        Column("Mã", width=0.6),
        Column("Chỉ số", width=3.2),
        Column("Số câu trả lời hợp lệ", "int"),
        Column("Tỷ lệ hài lòng", "pct"),
        Column("KTC 95% từ", "pct"),
        Column("KTC 95% đến", "pct"),
    ]
    if has_general:
        columns.append(Column("Câu hỏi đánh giá chung", "pct"))
    rows: list[list[object]] = []
    entries = [(e.code, f"Yếu tố {e.code}: {e.name}", e.general) for e in profile.elements]
    entries.append((OVERALL_CODE, "Chỉ số hài lòng chung (SIPAS)", profile.overall_general))
    for code, name, general in entries:
        level = "overall" if code == OVERALL_CODE else "element"
        row = one(table, level, code)
        cells: list[object] = [
            code,
            name,
            value_of(row, "n_valid"),
            value_of(row, "index"),
            value_of(row, "ci_low"),
            value_of(row, "ci_high"),
        ]
        if has_general:
            cells.append(value_of(one(table, "item", general.code), "index") if general else None)
        rows.append(cells)
    return Table(columns, rows, caption, sheet, bold_rows=frozenset({len(rows) - 1}))


def par_paragraph(table: pd.DataFrame, settings: Settings) -> Paragraph:
    row = one(table, "overall", OVERALL_CODE)
    index = value_of(row, "index")
    points = None if index is None else float(par_points(index, settings.max_points))
    return Paragraph(
        f"Quy đổi sang điểm Chỉ số cải cách hành chính (PAR INDEX): {fmt.pct(index)} × "
        f"{fmt.decimal(settings.max_points)} điểm = {fmt.decimal(points)} điểm "
        f"(điểm tối đa {fmt.decimal(settings.max_points)}).",
    )


def change_table(current: pd.DataFrame, comparisons: list[tuple[str, pd.DataFrame]], profile: Profile) -> Table:
    """SIPAS and elements against earlier periods; a change is marked (*) where significant at 5%."""
    columns = [Column("Chỉ số", width=2.4), Column("Kỳ này", "pct")]
    merged = []
    for label, earlier in comparisons:
        columns += [
            Column(label, "pct"),
            Column("Thay đổi (điểm %)", "pp"),
            Column("Có ý nghĩa thống kê", width=1.1),
        ]
        usable = not earlier.empty and not current.empty
        merged.append(compare_periods(current, earlier).set_index(["level", "code"]) if usable else None)
    rows: list[list[object]] = []
    entries = [("element", e.code, f"Yếu tố {e.code}") for e in profile.elements]
    entries.append(("overall", OVERALL_CODE, "SIPAS"))
    for level, code, name in entries:
        cells: list[object] = [name, value_of(one(current, level, code), "index")]
        for result in merged:
            row = result.loc[(level, code)] if result is not None and (level, code) in result.index else None
            before, change = value_of(row, "index_previous"), value_of(row, "change")
            if before is None or change is None:
                cells += [before, None, fmt.DASH]
            else:
                cells += [before, change, "Có (*)" if bool(row["significant"]) else "Không"]
        rows.append(cells)
    note = (
        "(*) Thay đổi có ý nghĩa thống kê ở mức 5%: kiểm định hai tỷ lệ cho từng tiêu chí, "
        "khoảng tin cậy của hiệu số cho chỉ số tổng hợp. “—”: kỳ so sánh không có phiếu."
    )
    return Table(columns, rows, "So sánh với các kỳ trước", "Chỉ số", frozenset({len(rows) - 1}), note)


def item_table(counts: pd.DataFrame, table: pd.DataFrame, profile: Profile) -> Table:
    """Every item: answers at each of the five levels, "not applicable", and the satisfied share."""
    scale = [v for v, _ in profile.scale]
    given = counts.loc[counts["value"].notna()]
    answers: dict[tuple[str, int], float] = {}
    for code, value, n in zip(given["code"], given["value"], given["n"], strict=True):
        answers[(code, int(value))] = answers.get((code, int(value)), 0) + n
    columns = [Column("Mã", width=0.6), Column("Tiêu chí", width=4.0)]
    columns += [Column(label, "int") for _, label in profile.scale]
    columns += [Column(profile.not_applicable_label, "int"), Column("Tỷ lệ hài lòng", "pct")]
    rows: list[list[object]] = []
    for element in profile.elements:
        for item in element.items:
            cells: list[object] = [item.code, item.text]
            for value in (*scale, 0):
                n = answers.get((item.code, value), 0)
                cells.append(0 if pd.isna(n) else int(n))
            cells.append(value_of(one(table, "item", item.code), "index"))
            rows.append(cells)
    return Table(columns, rows, "Kết quả theo từng tiêu chí (số câu trả lời ở mỗi mức)", "Theo tiêu chí")


def lowest_items(table: pd.DataFrame, profile: Profile, how_many: int = 3, counts: bool = True) -> list[Paragraph]:
    """The items with the lowest published index (ties in questionnaire order): what to improve first."""
    items = table.loc[(table["level"] == "item") & table["code"].isin(profile.item_codes) & table["index"].notna()]
    order = {code: i for i, code in enumerate(profile.item_codes)}
    ranked = sorted(items.itertuples(), key=lambda r: (round_half_up(float(r.index)), order[r.code]))
    out = []
    for r in ranked[:how_many]:
        text = f"{r.code} – {profile.text_of(r.code)}: {fmt.pct(r.index)} hài lòng"
        if counts:
            text += f" ({fmt.integer(r.n_satisfied)}/{fmt.integer(r.n_valid)} câu trả lời)"
        out.append(Paragraph(text + ".", "bullet"))
    return out


def expectation_table(counts: pd.DataFrame, profile: Profile) -> Table | None:
    if counts.empty or not profile.expectation_codes:
        return None
    table = expectations_table(counts, (), profile)
    table = table.loc[table["n_valid"] > 0]
    if table.empty:
        return None
    rows = [[int(r.rank), profile.text_of(r.code), int(r.n_valid), float(r.percent)] for r in table.itertuples()]
    columns = [
        Column("Thứ tự", "int", 0.6),
        Column("Nội dung người dân mong muốn cải thiện", width=4.0),
        Column("Số câu trả lời", "int"),
        Column("Tỷ lệ mong muốn", "pct"),
    ]
    note = "Tỷ lệ mong muốn: phần trăm câu trả lời chọn “Mong muốn” hoặc “Rất mong muốn”."
    return Table(columns, rows, "Mong đợi của người dân", "Mong đợi", note=note)


def feedback_paragraphs(summary: FeedbackSummary | None, period_label: str) -> list[Paragraph]:
    if summary is None or summary.received == 0:
        return [Paragraph(f"Trong {period_label}, không có phản ánh, kiến nghị nào được tiếp nhận.")]
    return [
        Paragraph(
            f"Trong {period_label}, tiếp nhận {fmt.integer(summary.received)} phản ánh, kiến nghị; "
            f"đã trả lời đúng hạn {fmt.integer(summary.on_time)} ({fmt.pct(summary.share_on_time)}), "
            f"trả lời quá hạn {fmt.integer(summary.late)}, "
            f"chưa trả lời và đã quá hạn {fmt.integer(summary.overdue)}, "
            f"chưa trả lời nhưng còn hạn {fmt.integer(summary.open_in_time)}."
        )
    ]


def comment_selection(comments: list[tuple[str, int]], limit: int) -> list[tuple[str, int]]:
    """Up to ``limit`` distinct comments, cleaned to plain text, names and numbers hidden."""
    shown: list[tuple[str, int]] = []
    seen: set[str] = set()
    for text, n in comments:
        clean = fmt.redact(fmt.one_line(text))
        if clean and clean.casefold() not in seen:
            seen.add(clean.casefold())
            shown.append((clean, n))
        if len(shown) == limit:
            break
    return shown


def comment_blocks(comments: list[tuple[str, int]], note: str = "") -> list[Paragraph | Table]:
    """The comments as quotes in the documents and as a table in the annex sheet; ``note`` (where some came
    from) under the quotes and under the sheet's table."""
    if not comments:
        return [Paragraph("Không có ý kiến góp ý bằng văn bản trong kỳ.")]
    quotes = [Paragraph(f"“{text}”" + (f" ({n} ý kiến)" if n > 1 else ""), "quote") for text, n in comments]
    columns = [Column("STT", "int", 0.5), Column("Ý kiến", width=6.0), Column("Số người nêu", "int", 0.8)]
    rows: list[list[object]] = [[i + 1, text, n] for i, (text, n) in enumerate(comments)]
    notes = [Paragraph(note, "note")] if note else []
    return [*quotes, *notes, Table(columns, rows, "Ý kiến tiêu biểu", "Ý kiến", note=note, in_document=False)]


def response_rate_blocks(summary: dict | None, when: str) -> list[Paragraph | Table]:
    """Answers against dossiers returned (``survey.services.response_rates``): the dashboard's sentence, the
    fields with dossiers but no answers in plain words, and a table by field; one line when no dossier
    count is known (never a table of zeros)."""
    lines = response_rates.rate_sentences(summary, when)
    if summary is None:
        return [Paragraph(lines[0], "italic")]
    blocks: list[Paragraph | Table] = [Paragraph(lines[0])]
    blocks += [Paragraph(line, "warning") for line in lines[1:]]
    columns = [
        Column("Lĩnh vực", width=2.4),
        Column("Hồ sơ tiếp nhận", "int"),
        Column("Hồ sơ đã trả kết quả", "int"),
        Column("Trong đó trả quá hạn", "int"),
        Column("Số phiếu", "int", 0.8),
        Column("Tỷ lệ phản hồi", "pct"),
        Column("Ghi chú", width=1.6),
    ]
    rows: list[list[object]] = [
        [r["field_name"], r["received"], r["returned"], r["returned_late"], r["answers"], r["rate"], r["flag"]]
        for r in summary["fields"]
    ]
    rows.append(["Tổng cộng", summary["received"], summary["returned"], summary["returned_late"], summary["answers"],
                 summary["rate"], ""])  # fmt: skip
    note = "Tỷ lệ phản hồi: số phiếu hợp lệ chia cho số hồ sơ đã trả kết quả trong kỳ (theo Hệ thống một cửa)."
    blocks.append(Table(columns, rows, "Tỷ lệ phản hồi theo lĩnh vực", "Tỷ lệ phản hồi",
                        frozenset({len(rows) - 1}), note))  # fmt: skip
    return blocks


def weighted_paragraph(summary: dict | None, unweighted: float | None) -> list[Paragraph]:
    """The SIPAS weighted by each field's share of dossiers, beside the method's SIPAS (the headline)."""
    text = response_rates.weighted_sentence(summary, unweighted)
    return [Paragraph(text, "note")] if text else []
