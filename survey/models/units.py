"""Administrative units, procedure fields and procedures."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.extensions import db

UNIT_KINDS = ("province", "district", "commune", "department")

#: which procedure fields a unit's one-stop counter receives
unit_fields = Table(
    "unit_fields",
    db.metadata,
    Column("unit_id", Integer, ForeignKey("units.id", ondelete="CASCADE"), primary_key=True),
    Column("field_id", Integer, ForeignKey("fields.id", ondelete="CASCADE"), primary_key=True),
)


class Unit(db.Model):
    """A unit of the administration: province, district, commune or a district department.

    Units form a tree of any depth. Since the 2025 reform abolished districts and
    merged communes, a unit is never deleted: it gets ``valid_to`` and a
    ``successor`` so trends can be carried across the merger.
    """

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: stable administrative code (e.g. the GSO code), used in CSV files and URLs
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    #: one of UNIT_KINDS
    kind: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    valid_from: Mapped[date | None]
    #: last day the unit existed; None while it exists
    valid_to: Mapped[date | None]
    #: the unit that took over this one after a merger
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    #: demo data, shown as such everywhere
    is_sample: Mapped[bool] = mapped_column(default=False)
    # ---- how the unit's reports are signed (survey/reports/signing.py); empty: the usual form ----
    #: the signer's authority and title, one line each ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")
    report_signer_titles: Mapped[str | None] = mapped_column(Text)
    #: the signer's full name, printed under the signature
    report_signer_name: Mapped[str | None] = mapped_column(String(120))
    #: "Nơi nhận" of the reports, one recipient a line
    report_recipients: Mapped[str | None] = mapped_column(Text)
    #: the symbol after the report's number ("BC-UBND")
    report_symbol: Mapped[str | None] = mapped_column(String(40))

    parent: Mapped[Unit | None] = relationship(remote_side=[id], back_populates="children", foreign_keys=[parent_id])
    children: Mapped[list[Unit]] = relationship(back_populates="parent", foreign_keys=[parent_id])
    successor: Mapped[Unit | None] = relationship(remote_side=[id], foreign_keys=[successor_id])
    fields: Mapped[list[Field]] = relationship(secondary=unit_fields, order_by="Field.sort_order")

    def __repr__(self) -> str:
        return f"<Unit {self.code} {self.name!r}>"


class Field(db.Model):
    """A procedure field (lĩnh vực): đất đai, xây dựng, hộ tịch …"""

    __tablename__ = "fields"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    sort_order: Mapped[int] = mapped_column(default=0)

    procedures: Mapped[list[Procedure]] = relationship(back_populates="field", order_by="Procedure.code")

    def __repr__(self) -> str:
        return f"<Field {self.code}>"


class Procedure(db.Model):
    """An administrative procedure (thủ tục hành chính) within a field."""

    __tablename__ = "procedures"

    id: Mapped[int] = mapped_column(primary_key=True)
    field_id: Mapped[int] = mapped_column(ForeignKey("fields.id"), index=True)
    #: code in the national database of procedures, when known
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(Text)

    field: Mapped[Field] = relationship(back_populates="procedures")
