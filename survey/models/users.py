"""Accounts of the office staff. Citizens never have one."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.extensions import db
from survey.models.types import UTCDateTime, utcnow
from survey.models.units import Unit

#: admin: units, counters, fields, users; reviewer: the Văn phòng, sees every unit and
#: handles feedback; unit_officer: sees and acts only for their unit and the units below it
ROLES = ("admin", "reviewer", "unit_officer")
ROLE_NAMES = {"admin": "Quản trị", "reviewer": "Văn phòng (rà soát)", "unit_officer": "Cán bộ đơn vị"}


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('admin', 'reviewer', 'unit_officer')", name="role_known"),
        CheckConstraint("role <> 'unit_officer' OR unit_id IS NOT NULL", name="officer_has_unit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    #: scrypt hash from werkzeug.security; never the password
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    #: the unit a unit_officer works for (and sees, with the units below it)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    is_active: Mapped[bool] = mapped_column(default=True)
    #: where the daily digest of feedback items goes (survey.services.notify); None: no mail
    email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: failed logins since the last success; kept in the database so every server throttles alike
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: changes when the password changes, so old sessions stop working
    session_version: Mapped[int] = mapped_column(default=1)
    #: the password was set by someone else (a new account, an admin's reset): the next login must change it
    must_change_password: Mapped[bool] = mapped_column(default=False)
    #: the civil servant this account belongs to: such an account sees its own results and no one else's
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"), unique=True)

    unit: Mapped[Unit | None] = relationship()

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def sees_all_units(self) -> bool:
        return self.role in ("admin", "reviewer")

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"
