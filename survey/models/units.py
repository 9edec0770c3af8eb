"""Administrative units, procedure fields and procedures."""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.extensions import db

#: the tier a unit sits at (what rights, reports and trees go by)
UNIT_KINDS = ("province", "district", "commune", "department")

#: the official type of a unit, as the lists of administrative units name it, and its tier.
#: Since 1/7/2025: tỉnh / thành phố, xã, phường, đặc khu; the others are kept for history.
UNIT_TYPES: dict[str, tuple[str, str]] = {
    "tinh": ("Tỉnh", "province"),
    "thanh_pho_tw": ("Thành phố", "province"),
    "xa": ("Xã", "commune"),
    "phuong": ("Phường", "commune"),
    "dac_khu": ("Đặc khu", "commune"),
    "huyen": ("Huyện", "district"),
    "thi_xa": ("Thị xã", "district"),
    "quan": ("Quận", "district"),
    "thanh_pho": ("Thành phố thuộc tỉnh", "district"),
    "thi_tran": ("Thị trấn", "commune"),
}

#: what happened to a predecessor: merged whole into the successor, split among several successors,
#: a part of it moved to the successor while it went on, or renamed
SUCCESSION_KINDS: dict[str, str] = {
    "merge": "Sáp nhập",
    "split": "Chia tách",
    "part": "Điều chỉnh một phần",
    "rename": "Đổi tên",
}

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
    merged communes, a unit is never deleted: it gets ``valid_to`` and its
    successions (``UnitSuccession``) so trends can be carried across the merger.
    The id is the unit's identity; the official code is unique only among the units
    in force on a day (code 21040 was Thị trấn Châu Ổ, then Xã Bình Sơn).
    """

    __tablename__ = "units"
    __table_args__ = (
        # Portable parts of "one code per day" (the full rule is in survey/services/units.py):
        # one current unit per code, and no two units of a code ending the same day.
        Index(
            "uq_units_code_current",
            "code",
            unique=True,
            sqlite_where=text("valid_to IS NULL"),
            postgresql_where=text("valid_to IS NULL"),
        ),  # fmt: skip
        UniqueConstraint("code", "valid_to", name="uq_units_code_valid_to"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: official administrative code (the GSO code), used in CSV files and URLs; reused across mergers
    code: Mapped[str] = mapped_column(String(32), index=True)
    name: Mapped[str] = mapped_column(String(200))
    #: one of UNIT_KINDS
    kind: Mapped[str] = mapped_column(String(20))
    #: one of UNIT_TYPES (official type); None for units recorded before types were kept
    unit_type: Mapped[str | None] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    valid_from: Mapped[date | None]
    #: last day the unit existed; None while it exists
    valid_to: Mapped[date | None]
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
    #: what this unit became (it is the predecessor)
    successions_out: Mapped[list[UnitSuccession]] = relationship(
        foreign_keys="UnitSuccession.predecessor_id", back_populates="predecessor", order_by="UnitSuccession.id"
    )
    #: what this unit was made from (it is the successor)
    successions_in: Mapped[list[UnitSuccession]] = relationship(
        foreign_keys="UnitSuccession.successor_id", back_populates="successor", order_by="UnitSuccession.id"
    )
    fields: Mapped[list[Field]] = relationship(secondary=unit_fields, order_by="Field.sort_order")

    @property
    def successor(self) -> Unit | None:
        """The one unit this one went into whole (merge or rename); None if it goes on or was split."""
        whole = [s.successor for s in self.successions_out if s.kind in ("merge", "rename")]
        return whole[0] if len(whole) == 1 else None

    def __repr__(self) -> str:
        return f"<Unit {self.code} {self.name!r}>"


class UnitSuccession(db.Model):
    """One change of the map: (a share of) the predecessor went to the successor on ``date``."""

    __tablename__ = "unit_successions"
    __table_args__ = (
        UniqueConstraint("predecessor_id", "successor_id", name="uq_unit_successions_pair"),
        CheckConstraint("predecessor_id <> successor_id", name="not_self"),
        CheckConstraint("kind IN ('merge', 'split', 'part', 'rename')", name="kind"),
        CheckConstraint("share IS NULL OR (share > 0 AND share <= 1)", name="share"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    predecessor_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    successor_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    #: first day of the successor's part (the predecessor's valid_to is the day before)
    date: Mapped[date]
    #: one of SUCCESSION_KINDS
    kind: Mapped[str] = mapped_column(String(10))
    #: the part of the predecessor (population or area, as the legal text gives) that went to the successor;
    #: 1 for merge and rename; None while the legal text's figure is not recorded
    share: Mapped[float | None] = mapped_column(Float)
    #: what the share measures: "dân số" or "diện tích"
    share_basis: Mapped[str | None] = mapped_column(String(20))
    #: number of the resolution (e.g. "1677/NQ-UBTVQH15"); the official lists do not carry it
    legal_basis_number: Mapped[str | None] = mapped_column(String(60))
    #: date of the resolution
    legal_basis_date: Mapped[date | None]

    predecessor: Mapped[Unit] = relationship(foreign_keys=[predecessor_id], back_populates="successions_out")
    successor: Mapped[Unit] = relationship(foreign_keys=[successor_id], back_populates="successions_in")

    def __repr__(self) -> str:
        return f"<UnitSuccession {self.predecessor_id}->{self.successor_id} {self.kind} {self.date}>"


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
