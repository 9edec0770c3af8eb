"""The annual sheet for the assessment of civil servants (XLSX and DOCX), for the unit's leader only.

Built as a format-neutral :class:`~survey.reports.document.Doc` so the report writers render
it; it is never part of a routine report or a general export (officers' results are the
officers' personal data, Luật 91/2025/QH15).
"""

from __future__ import annotations

from sqlalchemy import select

from survey.extensions import db
from survey.models import Officer, Unit
from survey.reports.document import Column, Doc, Paragraph, Table, Title
from survey.services.officer_results import GROUP_NAMES, Months, officer_figures

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

EXPLANATION = (
    "Chỉ số đã điều chỉnh là tỷ lệ hài lòng (trả lời 4 hoặc 5) với ba tiêu chí về công chức (C1 thái độ, "
    "C2 hướng dẫn, C3 tuân thủ quy định), ước lượng như thể công chức đã tiếp nhận đúng cơ cấu lĩnh vực "
    "của cả đơn vị trong năm, và kéo về mức chung của đơn vị khi có ít phiếu. Nhờ vậy người giải quyết "
    "lĩnh vực khó (như đất đai) không bị thiệt, và vài phiếu may rủi không quyết định kết quả. Khoảng tin cậy "
    "95% cho biết con số có thể dao động trong phạm vi nào. Không xếp thứ hạng: chỉ nói cao hơn, ngang hoặc "
    "thấp hơn mức chung của đơn vị khi khoảng tin cậy nằm hẳn trên, chứa hoặc nằm hẳn dưới mức đó."
)


def small_sample_text(min_n: int) -> str:
    return f"Chưa đủ {min_n} phiếu trong kỳ: không tính chỉ số (quá ít phiếu thì kết quả chủ yếu do may rủi)."


def sheet_rows(unit: Unit, year: int, min_n: int) -> list[list[object]]:
    """One row per officer of the unit who served during the year (element C, the year's responses)."""
    table = officer_figures(unit.id, Months.year(year), min_n=min_n)
    element = table[table["level"] == "element"].set_index("officer_code") if not table.empty else None
    officers = db.session.scalars(select(Officer).where(Officer.unit_id == unit.id).order_by(Officer.code)).all()
    rows: list[list[object]] = []
    for officer in officers:
        if officer.active_from.year > year or (officer.active_to is not None and officer.active_to.year < year):
            continue
        found = element is not None and officer.code in element.index
        r = element.loc[officer.code] if found else None
        n = int(r["n_responses"]) if r is not None else 0
        if r is None or r["flag"] == "small_sample":
            rows.append([officer.code, officer.name, n, r["index_raw"] if r is not None else None, None, None, None,
                         small_sample_text(min_n)])  # fmt: skip
        else:
            rows.append([officer.code, officer.name, n, r["index_raw"], r["index_adjusted"], r["ci_low"], r["ci_high"],
                         GROUP_NAMES.get(r["group"], "")])  # fmt: skip
    return rows


def sheet_doc(unit: Unit, year: int, rows: list[list[object]], min_n: int) -> Doc:
    doc = Doc(title=f"Bảng tổng hợp ý kiến người dân về công chức năm {year}")
    doc.info = [("Đơn vị", unit.name), ("Năm", str(year)), ("Số phiếu tối thiểu", str(min_n))]
    columns = [Column("Mã công chức", width=1.2), Column("Họ và tên", width=2.2), Column("Số phiếu", "int"),
               Column("Tỷ lệ hài lòng thô", "pct"), Column("Chỉ số đã điều chỉnh", "pct"),
               Column("Cận dưới (95%)", "pct"), Column("Cận trên (95%)", "pct"),
               Column("So với mức chung của đơn vị", width=2.4)]  # fmt: skip
    doc.add(
        Title(
            "BẢNG TỔNG HỢP",
            f"Ý kiến người dân về công chức giải quyết công việc năm {year} — {unit.name}",
            "Dùng cho đánh giá, xếp loại công chức. Tài liệu chứa dữ liệu cá nhân của công chức "
            "(Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15): không công bố, không gửi kèm báo cáo định kỳ.",
        ),  # fmt: skip
        Paragraph(EXPLANATION),
        Paragraph(small_sample_text(min_n), style="note"),
        Table(columns, rows, caption=f"Yếu tố Công chức giải quyết công việc, năm {year}", sheet="Công chức"),
        Paragraph(
            "Tính theo phương pháp SIPAS; tỷ lệ thô và chỉ số đã điều chỉnh được ghi cạnh nhau để đối chiếu.",
            style="note",
        ),  # fmt: skip
    )
    return doc


def sheet_xlsx(unit: Unit, year: int, rows: list[list[object]], min_n: int) -> bytes:
    from survey.reports.xlsx import write_xlsx

    return write_xlsx(sheet_doc(unit, year, rows, min_n))


def sheet_docx(unit: Unit, year: int, rows: list[list[object]], min_n: int) -> bytes:
    from survey.reports.docx import write_docx

    return write_docx(sheet_doc(unit, year, rows, min_n), {})
