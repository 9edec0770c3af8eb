"""One commune's month with dossier counts and answers, for the response-rate tests of the exports and reports.

UBND xã Bình Sơn, 10/2026, every answer through a QR code:
- Hộ tịch: 40 answers, every item "hài lòng" (4); dossiers received 120, returned 100, 5 of them late.
- Đất đai: 10 answers, every item "không hài lòng" (2); received 320, returned 300, 30 late.
- Xây dựng: no answer; received 60, returned 50, none late.

Worked out by hand: rates 40/100 = 40,00 %, 10/300 = 3,33 %, 0/50 = 0,00 % (flagged); in all 50/450 = 11,11 %
(received 500, late 35). SIPAS: every item 40/50 = 80,00 %. Weighted by dossiers returned (Xây dựng has no
answer and is left out): Hộ tịch 100/400 = 25 % satisfied, Đất đai 75 % not: 25,00 %.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from survey.extensions import db
from survey.models import DossierCount, Field
from survey.models.api import cell_key
from survey.services.responses import Ballot, build_response

ITEMS = ("A1", "A2", "A3", "B1", "B2", "B3", "B4", "C1", "C2", "C3", "D1", "D2", "D3", "E1", "E2", "E3")
#: (field, answers, level, received, returned, returned late)
FIELDS = (("HT", 40, 4, 120, 100, 5), ("DD", 10, 2, 320, 300, 30), ("XD", 0, None, 60, 50, 0))
#: comments that look like formulas, on the first Hộ tịch answers
HOSTILE = ('=HYPERLINK("http://x.example","bấm")', "Phục vụ tốt;=1+2", "-2+3")


def add_month(app, unit, counter, month: int = 10) -> None:
    with app.app_context():
        ids = dict(db.session.execute(select(Field.code, Field.id)).all())
        k = 0
        for code, n, level, received, returned, late in FIELDS:
            for i in range(n):
                db.session.add(build_response(Ballot(
                    key=f"rr-{unit.id}-{month}-{k:04d}-xxxxxxxxxxxxxxxx", profile="sipas-2024", unit_id=unit.id,
                    field_id=ids[code], counter_id=counter.id, channel="qr", answers=dict.fromkeys(ITEMS, level),
                    comment=HOSTILE[i] if code == "HT" and i < len(HOSTILE) else None,
                    submitted_at=datetime(2026, month, 5 + i % 20, 3, tzinfo=UTC))))  # fmt: skip
                k += 1
            db.session.add(DossierCount(cell=cell_key(unit.id, ids[code], None, 202600 + month), unit_id=unit.id,
                                        field_id=ids[code], month=202600 + month, received=received,
                                        returned=returned, returned_late=late))  # fmt: skip
        db.session.commit()
