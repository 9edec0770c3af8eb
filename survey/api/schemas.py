"""What the API takes and gives, as marshmallow schemas: they validate requests and write the OpenAPI document.

Every message a client can get back is Vietnamese, field by field.
"""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from survey.models.api import SCOPES
from survey.models.trust import OUTCOMES

_MESSAGES = {"required": "Trường này là bắt buộc.", "null": "Trường này không được để trống."}
_CODE = validate.Length(min=1, max=64, error="Mã phải dài từ {min} đến {max} ký tự.")
#: no control character (PostgreSQL refuses NUL in text outright, and no code holds one)
_PRINTABLE = validate.Regexp(r"^[^\x00-\x1f\x7f]*$", error="Có ký tự điều khiển không hợp lệ.")


def _messages(**extra: str) -> dict[str, str]:
    return {**_MESSAGES, **extra}


def code(description: str, required: bool = False) -> fields.String:
    return fields.String(required=required, validate=[_CODE, _PRINTABLE], metadata={"description": description},
                         error_messages=_messages(invalid="Mã phải là một chuỗi ký tự."))  # fmt: skip


def count(description: str) -> fields.Integer:
    return fields.Integer(required=True, strict=True, metadata={"description": description},
                          validate=validate.Range(min=0, max=10_000_000, error="Số phải từ 0 đến 10.000.000."),
                          error_messages=_messages(invalid="Phải là một số nguyên."))  # fmt: skip


class Strict(Schema):
    """Unknown fields are refused, so a misspelt name is an error, not silently ignored."""

    class Meta:
        unknown = RAISE

    error_messages = {"unknown": "Trường không được hỗ trợ.", "type": "Dữ liệu phải là một đối tượng JSON."}


class ReceiptRequest(Strict):
    service_point = code("Mã điểm tiếp nhận (quầy). Cần mã này hoặc `unit`.")
    unit = code("Mã đơn vị (khi không gửi `service_point`: dùng quầy đang hoạt động của đơn vị cho lĩnh vực).")
    field = code("Mã lĩnh vực của hồ sơ.", required=True)
    procedure = code("Mã thủ tục (không bắt buộc).")
    officer_code = code("Mã công chức xử lý hồ sơ (mã định danh nội bộ, không ghi họ tên; không bắt buộc).")
    dossier = fields.String(
        required=True, validate=validate.Length(min=1, max=100, error="Mã hồ sơ dài từ {min} đến {max} ký tự."),
        metadata={"description": "Mã hồ sơ. Chỉ lưu mã băm có khoá, không bao giờ lưu nguyên văn."},
        error_messages=_messages(invalid="Mã hồ sơ phải là một chuỗi ký tự."),
    )  # fmt: skip
    returned_at = fields.AwareDateTime(
        metadata={"description": "Thời điểm trả kết quả (ISO 8601, có múi giờ); hạn dùng mã tính từ đây."},
        error_messages=_messages(invalid="Thời điểm không hợp lệ (ISO 8601).",
                                 invalid_awareness="Thời điểm phải có múi giờ, ví dụ +07:00."),
    )  # fmt: skip
    late = fields.Boolean(metadata={"description": "Hồ sơ trả kết quả quá hạn."},
                          error_messages=_messages(invalid="Phải là true hoặc false."))  # fmt: skip
    outcome = fields.String(validate=validate.OneOf(OUTCOMES, error="Phải là một trong: {choices}."),
                            metadata={"description": "Kết quả: returned (đã trả), refused (từ chối), "
                                                     "withdrawn (rút hồ sơ)."})  # fmt: skip


class Named(Schema):
    code = fields.String()
    name = fields.String()


class ReceiptResult(Schema):
    code = fields.String(metadata={"description": "Mã đánh giá (8 ký tự)."})
    display = fields.String(metadata={"description": "Mã để in, dạng ABCD-EFGH."})
    url = fields.String(metadata={"description": "Địa chỉ phiếu khảo sát của mã (in thành QR)."})
    qr_svg = fields.String(metadata={"description": "Mã QR của `url`, dạng SVG."})
    qr_png_url = fields.String(metadata={"description": "Ảnh PNG của mã QR (cần khoá)."})
    expires_at = fields.AwareDateTime(allow_none=True)
    used = fields.Boolean(metadata={"description": "Người dân đã trả lời bằng mã này."})
    created = fields.Boolean(metadata={"description": "true: mã mới; false: mã đã cấp trước cho hồ sơ này."})
    unit = fields.Nested(Named)
    field = fields.Nested(Named)


class CountCell(Strict):
    service_point = code("Mã điểm tiếp nhận (quầy); số được tính cho đơn vị của quầy.")
    unit = code("Mã đơn vị. Cần mã này hoặc `service_point`.")
    field = code("Mã lĩnh vực.", required=True)
    procedure = code("Mã thủ tục (không bắt buộc; không gửi: cả lĩnh vực).")
    month = fields.String(required=True, validate=validate.Regexp(r"^\d{4}-\d{2}$", error="Tháng có dạng YYYY-MM."),
                          metadata={"description": "Tháng (giờ Việt Nam), YYYY-MM; không nhận tháng chưa tới."},
                          error_messages=_messages(invalid="Tháng phải là chuỗi YYYY-MM."))  # fmt: skip
    received = count("Số hồ sơ tiếp nhận trong tháng.")
    returned = count("Số hồ sơ đã trả kết quả trong tháng.")
    returned_late = count("Trong số đã trả, số hồ sơ trả quá hạn.")


class CountsRequest(Strict):
    counts = fields.List(
        fields.Nested(CountCell), required=True,
        validate=validate.Length(min=1, max=1000, error="Gửi từ {min} đến {max} ô mỗi lần."),
        metadata={"description": "Các ô (đơn vị, lĩnh vực, thủ tục, tháng). Gửi lại một ô thì thay số cũ."},
        error_messages=_messages(invalid="Phải là một danh sách."),
    )  # fmt: skip


class CountsResult(Schema):
    created = fields.Integer(metadata={"description": "Số ô mới."})
    replaced = fields.Integer(metadata={"description": "Số ô đã có, được thay số mới."})


class IndicesQuery(Strict):
    unit = code("Mã đơn vị (gồm các đơn vị trực thuộc). Không gửi: mọi đơn vị của khoá.")
    period = fields.String(
        validate=validate.Regexp(r"^\d{4}(-\d{2}|-Q[1-4])?$", error="Kỳ có dạng YYYY-MM, YYYY-Qn hoặc YYYY."),
        metadata={"description": "Tháng YYYY-MM, quý YYYY-Qn hoặc năm YYYY. Mặc định: tháng trước."},
    )  # fmt: skip
    by = fields.String(load_default="field", validate=validate.OneOf(("field", "month", "unit"),
                                                                     error="Phải là một trong: {choices}."),
                       metadata={"description": "Chia theo lĩnh vực, tháng hoặc đơn vị trực thuộc."})  # fmt: skip
    dossier = fields.String(validate=validate.OneOf(("on_time", "late"), error="Phải là một trong: {choices}."),
                            metadata={"description": "Chỉ phiếu của hồ sơ trả đúng hạn (on_time) hoặc trễ hạn (late). "
                                                     "Không gửi: mọi phiếu."})  # fmt: skip
    boundaries = fields.String(
        validate=validate.Regexp(r"^(\d{4}-\d{2}-\d{2}|recorded)$", error="Ngày có dạng YYYY-MM-DD, hoặc recorded."),
        metadata={"description": "Đọc các đơn vị theo địa giới hành chính của ngày này (YYYY-MM-DD); mặc định: hôm nay, "
                                 "như bảng điều khiển. Phiếu, số hồ sơ và phiếu bị loại tại đơn vị cũ trước khi sắp xếp "
                                 "được tính cho đơn vị kế thừa: đủ khi sáp nhập nguyên đơn vị; theo tỷ lệ đã ghi nhận "
                                 "khi đơn vị cũ bị chia tách (làm tròn, ghi chú estimated). Số liệu riêng của huyện cũ "
                                 "là một dòng riêng, không tính cho xã nào. recorded: mỗi phiếu tính cho đơn vị nơi "
                                 "người dân được phục vụ."},
    )  # fmt: skip


class Figure(Schema):
    code = fields.String(metadata={"description": "SIPAS hoặc mã yếu tố (A…E)."})
    name = fields.String()
    index = fields.Float(allow_none=True, metadata={"description": "Tỷ lệ hài lòng, %."})
    ci_low = fields.Float(allow_none=True, metadata={"description": "Cận dưới khoảng tin cậy 95 %, %."})
    ci_high = fields.Float(allow_none=True, metadata={"description": "Cận trên khoảng tin cậy 95 %, %."})
    n_valid = fields.Integer(metadata={"description": "Số câu trả lời hợp lệ."})
    flags = fields.List(
        fields.String(),
        metadata={
            "description": "Ghi chú: small_sample, no_valid_answers, estimated (ước tính: có đơn vị cũ bị chia tách)…"
        },
    )


class IndexGroup(Schema):
    code = fields.String(metadata={"description": "Mã lĩnh vực, mã đơn vị hoặc tháng YYYY-MM."})
    name = fields.String()
    n = fields.Integer(metadata={"description": "Số phiếu."})
    returned = fields.Integer(allow_none=True, metadata={"description": "Số hồ sơ đã trả kết quả (nếu đã gửi)."})
    response_rate = fields.Float(allow_none=True, metadata={"description": "Tỷ lệ phản hồi: n / returned, %."})
    flags = fields.List(
        fields.String(),
        metadata={
            "description": "no_answers: có hồ sơ nhưng không có phiếu; no_dossiers: có phiếu nhưng chưa có số hồ sơ; "
            "estimated: số phiếu và số hồ sơ có phần chia theo tỷ lệ của đơn vị cũ bị chia tách."
        },
    )
    figures = fields.List(fields.Nested(Figure), metadata={"description": "SIPAS rồi từng yếu tố."})


class IndicesResult(Schema):
    unit = fields.Nested(Named, allow_none=True)
    period = fields.String(metadata={"description": "Kỳ, như đã hỏi."})
    period_label = fields.String()
    by = fields.String()
    dossier = fields.String(
        allow_none=True, metadata={"description": "on_time, late hoặc null (mọi phiếu), như đã hỏi."}
    )
    boundaries = fields.String(
        allow_none=True,
        metadata={"description": "Ngày địa giới đã dùng (YYYY-MM-DD), null: theo nơi trả lời (recorded)."},
    )
    notes = fields.List(
        fields.String(), metadata={"description": "Ghi chú như trên bảng điều khiển (địa giới, ước tính)."}
    )
    rule = fields.String(metadata={"description": "Cách tính chỉ số gộp (theo Phụ lục phương pháp)."})
    sipas_weighted_by_field = fields.Float(
        allow_none=True,
        metadata={"description": "SIPAS của cả phạm vi, mỗi lĩnh vực tính theo tỷ trọng hồ sơ đã trả (hậu phân tầng), "
                                 "để tham khảo bên cạnh chỉ số chính; null khi thiếu số hồ sơ."})  # fmt: skip
    groups = fields.List(fields.Nested(IndexGroup))


class Problem(Schema):
    """RFC 9457 problem details."""

    type = fields.String(metadata={"description": "Luôn about:blank."})
    title = fields.String(metadata={"description": "Tên lỗi."})
    status = fields.Integer()
    detail = fields.String(metadata={"description": "Lời giải thích bằng tiếng Việt."})
    errors = fields.Dict(metadata={"description": "Lỗi theo từng trường (nếu có)."})


#: the scopes, for the document's description
SCOPE_LIST = ", ".join(SCOPES)
