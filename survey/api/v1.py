"""Version 1 of the API: thin views over the services; one commit per call."""

from __future__ import annotations

from flask import Response, current_app, g, url_for
from flask_smorest import Blueprint
from sqlalchemy import select

from survey.api import auth, figures, problems
from survey.api.problems import ApiProblem
from survey.api.schemas import (
    CountsRequest,
    CountsResult,
    IndicesQuery,
    IndicesResult,
    Problem,
    ReceiptRequest,
    ReceiptResult,
)
from survey.extensions import db
from survey.models import Counter, Field, Procedure, ReceiptCode, Unit
from survey.public.views import retry_on_database_restart
from survey.qrcodes import qr_png, qr_svg
from survey.receipt_sheet import receipt_url
from survey.services import dossiers, officers, receipts
from survey.services.errors import DomainError
from survey.services.units import unit_by_code

blp = Blueprint("api_v1", __name__, url_prefix="/api/v1",
                description="Kết nối hệ thống thông tin giải quyết thủ tục hành chính (một cửa).")  # fmt: skip
blp.before_request(auth.authenticate)
blp.after_request(auth.log_call)


@blp.after_request
def no_store(response):
    # codes, their QR and the figures are for the caller only: no proxy or cache keeps them
    response.headers["Cache-Control"] = "no-store"
    return response


problems.register(blp)

NOT_IN_SCOPE = "Không có {what} mã {code} trong phạm vi của khoá."
_ERRORS = {400: "Nội dung không phải JSON hợp lệ.", 401: "Thiếu khoá, khoá sai hoặc đã thu hồi.",
           403: "Khoá không có quyền này.", 409: "Hồ sơ đã có mã ở một đơn vị ngoài phạm vi của khoá.",
           422: "Dữ liệu không hợp lệ: xem errors (lỗi theo từng trường).",
           404: "Mã không có, hoặc ngoài phạm vi đơn vị của khoá.", 413: "Nội dung quá 64 KB.",
           429: "Quá giới hạn số lần gọi của khoá."}  # fmt: skip


def _documented_errors(*codes: int):
    def wrap(view):
        for status in codes:
            view = blp.alt_response(status, schema=Problem, description=_ERRORS.get(status, ""),
                                    content_type=problems.MIMETYPE)(view)  # fmt: skip
        return view

    return wrap


def _in_scope(unit_id: int) -> bool:
    return g.api_unit_ids is None or unit_id in g.api_unit_ids


def _by_code(model, code: str | None):
    return db.session.scalar(select(model).where(model.code == code)) if code else None


def _counter_for(data: dict, field: Field) -> Counter:
    """The service point named, or the unit's active one for the field; 404 if none in the key's units."""
    if data.get("service_point"):
        counter = _by_code(Counter, data["service_point"])
        if counter is None or not counter.is_active or not _in_scope(counter.unit_id):
            raise ApiProblem(404, NOT_IN_SCOPE.format(what="điểm tiếp nhận", code=data["service_point"]))
        return counter
    if not data.get("unit"):
        raise ApiProblem(422, "Cần mã điểm tiếp nhận (service_point) hoặc mã đơn vị (unit).",
                         {"unit": ["Cần service_point hoặc unit."]})  # fmt: skip
    unit = _by_code(Unit, data["unit"])
    if unit is None or not _in_scope(unit.id):
        raise ApiProblem(404, NOT_IN_SCOPE.format(what="đơn vị", code=data["unit"]))
    candidates = db.session.scalars(
        select(Counter).where(Counter.unit_id == unit.id, Counter.is_active.is_(True)).order_by(Counter.code)
    ).all()
    # a counter of this very field first, then one that asks the field
    for counter in sorted(candidates, key=lambda c: c.field_id != field.id):
        if counter.field_id in (None, field.id):
            return counter
    raise ApiProblem(422, f"Đơn vị {unit.code} chưa có quầy đang hoạt động tiếp nhận lĩnh vực {field.code}.")


def _receipt_json(receipt: ReceiptCode, created: bool) -> dict:
    base = current_app.config["PUBLIC_BASE_URL"]
    url = receipt_url(base, receipt.code)
    field = receipt.field or receipt.counter.field
    return {"code": receipt.code, "display": receipts.display(receipt.code), "url": url, "qr_svg": qr_svg(url),
            "qr_png_url": base.rstrip("/") + url_for("api_v1.receipt_qr", code=receipt.code),
            "expires_at": receipt.expires_at, "used": receipt.used_at is not None, "created": created,
            "unit": {"code": receipt.counter.unit.code, "name": receipt.counter.unit.name},
            "field": {"code": field.code, "name": field.name} if field else None}  # fmt: skip


@blp.route("/receipts", methods=["POST"])
@blp.arguments(ReceiptRequest)
@blp.response(201, ReceiptResult, description="Mã mới cho hồ sơ.")
@blp.alt_response(200, schema=ReceiptResult, description="Hồ sơ đã có mã: trả lại đúng mã đó.")
@_documented_errors(400, 401, 403, 404, 409, 413, 422, 429)
@retry_on_database_restart  # safe: a dossier sent again gets its code, never a second one
def mint_receipt(data: dict):
    """Cấp mã đánh giá cho một hồ sơ (mỗi hồ sơ một mã, gửi lại vẫn được đúng mã cũ).

    In mã và mã QR lên giấy hẹn hoặc phiếu trả kết quả; người dân quét mã để đánh giá một lần,
    không phải chọn lĩnh vực. Mã hồ sơ chỉ được lưu dưới dạng mã băm có khoá.
    """
    field = _by_code(Field, data["field"])
    if field is None:
        raise ApiProblem(422, f"Không có lĩnh vực mã {data['field']}.", {"field": ["Mã lĩnh vực không có."]})
    procedure = _by_code(Procedure, data.get("procedure"))
    if data.get("procedure") and procedure is None:
        raise ApiProblem(422, f"Không có thủ tục mã {data['procedure']}.", {"procedure": ["Mã thủ tục không có."]})
    counter = _counter_for(data, field)
    officer = None
    if data.get("officer_code"):
        try:  # the handling officer must work at the unit of the service point
            officer = officers.for_receipt({counter.unit_id}, data["officer_code"])
        except DomainError as exc:
            raise ApiProblem(422, str(exc), {"officer_code": ["Mã công chức không có ở đơn vị này."]}) from exc
    try:
        receipt, created = receipts.for_dossier(
            counter, field, data["dossier"], procedure=procedure, is_late=data.get("late"),
            outcome=data.get("outcome"), returned_at=data.get("returned_at"), api_key_id=g.api_key_id,
            valid_days=current_app.config["RECEIPT_VALID_DAYS"], officer_id=officer.id if officer else None,
        )  # fmt: skip
    except DomainError as exc:
        raise ApiProblem(422, str(exc)) from exc
    if not _in_scope(receipt.counter.unit_id):
        raise ApiProblem(409, "Hồ sơ này đã được cấp mã ở một đơn vị ngoài phạm vi của khoá.")
    result = _receipt_json(receipt, created)
    db.session.commit()
    return result, 201 if created else 200


@blp.route("/receipts/<string:code>/qr.png", methods=["GET"])
@blp.response(200, {"type": "string", "format": "binary"}, description="Ảnh PNG của mã QR.", content_type="image/png")
@_documented_errors(401, 403, 404, 429)
def receipt_qr(code: str):
    """Ảnh PNG của mã QR dẫn tới phiếu của một mã đánh giá (để in)."""
    receipt = receipts.find(code)
    if receipt is None or not _in_scope(receipt.counter.unit_id):
        raise ApiProblem(404, "Không có mã đánh giá này trong phạm vi của khoá.")
    png = qr_png(receipt_url(current_app.config["PUBLIC_BASE_URL"], receipt.code))
    return Response(png, mimetype="image/png")


def _cell_of(cell: dossiers.Cell) -> tuple:
    return cell.unit.id, cell.field.id, cell.procedure.id if cell.procedure else None, cell.month


@blp.route("/dossier-counts", methods=["POST"])
@blp.arguments(CountsRequest)
@blp.response(200, CountsResult, description="Đã lưu; ô gửi lại thay số cũ.")
@_documented_errors(400, 401, 403, 404, 413, 422, 429)
@retry_on_database_restart  # safe: a cell sent again replaces itself
def send_counts(data: dict):
    """Gửi số hồ sơ theo đơn vị (hoặc điểm tiếp nhận), lĩnh vực, thủ tục và tháng.

    Gửi lại một ô (cùng đơn vị, lĩnh vực, thủ tục, tháng) thì thay số cũ, không cộng thêm.
    Một ô sai thì không ô nào được lưu.
    """
    codes, cells, errors, seen = dossiers.Codes(), [], {}, {}
    for i, raw in enumerate(data["counts"]):
        cell, found = dossiers.check_cell(raw, codes)
        where = {column for column, _ in found}
        if where & {"unit", "service_point"}:
            code = raw.get("service_point") or raw.get("unit") or ""
            raise ApiProblem(404, NOT_IN_SCOPE.format(what="đơn vị hoặc điểm tiếp nhận", code=code))
        if cell is not None and not _in_scope(cell.unit.id):
            raise ApiProblem(404, NOT_IN_SCOPE.format(what="đơn vị hoặc điểm tiếp nhận",
                                                      code=raw.get("service_point") or raw.get("unit")))  # fmt: skip
        if found:
            errors[str(i)] = {column: [reason[:1].upper() + reason[1:] + "."] for column, reason in found}
        elif (key := _cell_of(cell)) in seen:
            errors[str(i)] = {"counts": [f"Trùng ô với ô {seen[key]} (cùng đơn vị, lĩnh vực, thủ tục, tháng)."]}
        else:
            seen[key] = i
        cells.append(cell)
    if errors:
        raise ApiProblem(422, "Có ô không hợp lệ; không ô nào được lưu.", errors)
    created, replaced = dossiers.record(cells, api_key_id=g.api_key_id)
    db.session.commit()
    return {"created": created, "replaced": replaced}


@blp.route("/indices", methods=["GET"])
@blp.arguments(IndicesQuery, location="query")
@blp.response(200, IndicesResult, description="Chỉ số theo nhóm, kèm tỷ lệ phản hồi khi có số hồ sơ.")
@_documented_errors(401, 403, 404, 422, 429)
def indices(query: dict):
    """Chỉ số hài lòng (SIPAS và 5 yếu tố) của một đơn vị trong một kỳ, chia theo lĩnh vực, tháng hoặc đơn vị.

    Cùng số liệu với bảng điều khiển, kèm khoảng tin cậy 95 % và ghi chú mẫu nhỏ. Mặc định theo địa giới
    hành chính hiện hành (``boundaries``): phiếu và số hồ sơ tại các đơn vị cũ trước khi sắp xếp được tính cho
    đơn vị hiện nay; đơn vị cũ bị chia tách được chia theo tỷ lệ, ghi chú ``estimated`` (ước tính).
    """
    unit = None
    if query.get("unit"):
        unit = unit_by_code(query["unit"])  # a code reused across a merger: its bearer today, as on the dashboard
        if unit is None or not _in_scope(unit.id):
            raise ApiProblem(404, NOT_IN_SCOPE.format(what="đơn vị", code=query["unit"]))
    period = figures.parse_period(query.get("period"))
    if period is None:
        raise ApiProblem(422, "Kỳ không hợp lệ hoặc chưa tới.", {"period": ["Kỳ không hợp lệ hoặc chưa tới."]})
    try:
        on = figures.parse_boundaries(query.get("boundaries"))
    except ValueError as exc:
        raise ApiProblem(422, "Ngày địa giới không hợp lệ.", {"boundaries": ["Không có ngày này."]}) from exc
    return figures.indices(g.api_unit_ids, unit, period, query["by"], query.get("dossier"), on)
