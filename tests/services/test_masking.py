"""The one masking function (issue 16): every miss of the probe, and what must stay readable."""

from __future__ import annotations

import pytest

from survey.services.masking import mask_personal

H = "[đã ẩn]"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        # the probe's misses
        ("Gọi (0905)123456 nhé", f"Gọi {H} nhé"),
        ("Số 09\u200b05\u200b123\u200b456", f"Số {H}"),
        ("Cảm ơn Ông NGUYỄN VĂN AN đã giúp", f"Cảm ơn Ông {H} đã giúp"),
        ("anh nguyễn văn an rất nhiệt tình", f"anh {H} rất nhiệt tình"),
        ("Nguyễn Văn An ở quầy 2 rất tốt", f"{H} ở quầy 2 rất tốt"),
        ("Hộ chiếu C1234567 bị giữ", f"Hộ chiếu {H} bị giữ"),
        ("liên hệ x (at) gmail.com", f"liên hệ {H}"),
        ("mail lan.nguyen [at] gmail [dot] com", f"mail {H}"),
        ("Tôi là Trần Thị Bích, phản ánh", f"Tôi là {H}, phản ánh"),
        ("tên tôi là lê văn tám", f"tên tôi là {H}"),
        # kept from before
        ("Cảm ơn chị Nguyễn Thị Lan đã hỗ trợ", f"Cảm ơn chị {H} đã hỗ trợ"),
        ("Gọi 0905 123 456 hoặc lan.nguyen@gmail.com", f"Gọi {H} hoặc {H}"),
        ("+84 905 123 456", H),
        ("CCCD 051234567890 bị trả lại", f"CCCD {H} bị trả lại"),
        ("Anh Tuấn rất nhiệt tình, bà con hài lòng", f"Anh {H} rất nhiệt tình, bà con hài lòng"),
        # what must stay
        ("Cảm ơn cán bộ Bộ phận Một cửa", "Cảm ơn cán bộ Bộ phận Một cửa"),
        ("Hồ sơ trả chậm 3 ngày, hẹn 15/12", "Hồ sơ trả chậm 3 ngày, hẹn 15/12"),
        ("Thủ tục ở TP Hồ Chí Minh nhanh hơn", "Thủ tục ở TP Hồ Chí Minh nhanh hơn"),
        ("thị trấn Châu Ổ phục vụ tốt", "thị trấn Châu Ổ phục vụ tốt"),
        ("tôi là người dân xã Bình Chánh", "tôi là người dân xã Bình Chánh"),
        ("anh em cán bộ nhiệt tình", "anh em cán bộ nhiệt tình"),
        ("Phí 50.000 đồng", "Phí 50.000 đồng"),
    ],
)
def test_mask_personal(text, shown):
    assert mask_personal(text) == shown


def test_report_redaction_is_the_same_function():
    from survey.reports import fmt

    for text in ("Gọi (0905)123456", "Ông NGUYỄN VĂN AN", "x (at) gmail.com"):
        assert fmt.redact(text) == mask_personal(text)
