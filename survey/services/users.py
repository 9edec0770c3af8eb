"""Accounts, passwords and what each account may see."""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta

from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from survey.extensions import db
from survey.models import Unit, User
from survey.models.types import utcnow
from survey.models.users import ROLES
from survey.services.errors import DomainError
from survey.services.units import subtree_ids

#: failed logins allowed before the account is locked for LOCK_MINUTES
MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15
MIN_PASSWORD_LENGTH = 10
#: scrypt (werkzeug's default, memory-hard); named so a future default change is deliberate
PASSWORD_METHOD = "scrypt"  # noqa: S105  (a hash method name, not a password)


class LoginRefused(DomainError):
    pass


def _username(name: str) -> str:
    return unicodedata.normalize("NFC", name).strip().lower()


def create_user(username: str, password: str, role: str, display_name: str | None = None,
                unit: Unit | None = None) -> User:  # fmt: skip
    """A new account. Flushes."""
    username = _username(username)
    if not username or len(username) > 64:
        raise DomainError("Tên đăng nhập không hợp lệ.")
    if role not in ROLES:
        raise DomainError(f"Vai trò không hợp lệ: {role} (có: {', '.join(ROLES)}).")
    if role == "unit_officer" and unit is None:
        raise DomainError("Cán bộ đơn vị phải thuộc một đơn vị.")
    if db.session.scalar(select(User.id).where(func.lower(User.username) == username)) is not None:
        raise DomainError(f"Tên đăng nhập {username} đã có.")
    user = User(username=username, display_name=display_name or username, role=role,
                unit_id=unit.id if unit else None, password_hash="")  # fmt: skip
    set_password(user, password)
    db.session.add(user)
    db.session.flush()
    return user


def set_password(user: User, password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(f"Mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự.")
    user.password_hash = generate_password_hash(password, method=PASSWORD_METHOD)
    user.session_version = (user.session_version or 0) + 1


def authenticate(username: str, password: str, now: datetime | None = None) -> User:
    """The account for these credentials; raise LoginRefused otherwise. Flushes the counters.

    Failed attempts are counted in the database, so every server throttles alike; the
    message does not say whether the name exists.
    """
    now = now or utcnow()
    user = db.session.scalar(select(User).where(func.lower(User.username) == _username(username)))
    if user is None:
        # spend the same time as a real check, so timing does not reveal which names exist
        check_password_hash(generate_password_hash("x", method=PASSWORD_METHOD), password)
        raise LoginRefused("Tên đăng nhập hoặc mật khẩu không đúng.")
    if user.locked_until is not None and user.locked_until > now:
        minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
        raise LoginRefused(f"Tài khoản tạm khoá do đăng nhập sai nhiều lần. Xin thử lại sau {minutes} phút.")
    if not user.is_active or not check_password_hash(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until = now + timedelta(minutes=LOCK_MINUTES)
            user.failed_logins = 0
        db.session.flush()
        raise LoginRefused("Tên đăng nhập hoặc mật khẩu không đúng.")
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    db.session.flush()
    return user


def load_user(user_id: str) -> User | None:
    """Flask-Login's loader: ``id:session_version``, so a password change ends old sessions."""
    try:
        raw_id, version = user_id.split(":")
        user = db.session.get(User, int(raw_id))
    except (ValueError, TypeError):
        return None
    if user is None or not user.is_active or str(user.session_version) != version:
        return None
    return user


def visible_unit_ids(user: User) -> list[int] | None:
    """The units an account may see: None means every unit."""
    if user.sees_all_units:
        return None
    if user.unit_id is None:
        return []
    return subtree_ids(user.unit_id)


def can_see_unit(user: User, unit_id: int | None) -> bool:
    allowed = visible_unit_ids(user)
    return allowed is None or (unit_id is not None and unit_id in allowed)
