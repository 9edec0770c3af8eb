"""Accounts, passwords and what each account may see."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import and_, case, func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from survey.extensions import db
from survey.models import Unit, User
from survey.models.types import utcnow
from survey.models.users import ROLES
from survey.services.errors import DomainError
from survey.services.passwords import password_problem
from survey.services.text import clean_text
from survey.services.units import subtree_ids

#: failed logins allowed before the account is locked for LOCK_MINUTES
MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15
#: scrypt (werkzeug's default, memory-hard); named so a future default change is deliberate
PASSWORD_METHOD = "scrypt"  # noqa: S105  (a hash method name, not a password)
#: the one answer to every refused login: wrong name, wrong password, locked or inactive
#: account alike, so the page never tells which accounts exist
LOGIN_REFUSED = (
    f"Tên đăng nhập hoặc mật khẩu không đúng. Sau {MAX_FAILED_LOGINS} lần sai liên tiếp, tài khoản bị tạm khoá "
    f"{LOCK_MINUTES} phút."
)


class LoginRefused(DomainError):
    pass


def _username(name: str) -> str:
    return (clean_text(name) or "").lower()


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
    user = User(username=username, display_name=clean_text(display_name, 200) or username, role=role,
                unit_id=unit.id if unit else None, password_hash="", session_version=0)  # fmt: skip
    set_password(user, password)
    db.session.add(user)
    db.session.flush()
    return user


def set_password(user: User, password: str) -> None:
    """A new password (an admin's reset too): checked by the password rule; every session of the account ends."""
    problem = password_problem(password, related=(user.username, *(user.display_name or "").split()))
    if problem:
        raise DomainError(problem)
    user.password_hash = generate_password_hash(password, method=PASSWORD_METHOD)
    end_sessions(user)


def end_sessions(user: User) -> None:
    """Every session and remember cookie of ``user`` stops working (their ``id:version`` no longer loads)."""
    user.session_version = (user.session_version or 0) + 1


def set_active(user: User, active: bool) -> None:
    """Lock or unlock an account. Either way its old sessions end: unlocking must not revive them. Flushes."""
    user.is_active = active
    end_sessions(user)
    db.session.flush()


@lru_cache(maxsize=1)
def _stand_in_hash() -> str:
    """A hash no password matches, checked when there is no real one, so every refusal costs one scrypt."""
    return generate_password_hash(secrets.token_hex(16), method=PASSWORD_METHOD)


def _count_attempt(username: str, now: datetime):
    """Count a login attempt for ``username`` before its password is checked: (id, attempts, locked_until) or None.

    One ``UPDATE … SET failed_logins = failed_logins + 1 … RETURNING``: parallel attempts each
    get their own number, so no more than MAX_FAILED_LOGINS passwords are ever checked between
    two successes, however many arrive at once. A locked account's count stays as it is.
    The count is written in a transaction of its own, committed at once: it holds no lock while
    the (slow, memory-hard) password check runs, and stays counted whatever becomes of the request.
    """
    locked = and_(User.locked_until.is_not(None), User.locked_until > now)
    stmt = (
        update(User)
        .where(func.lower(User.username) == username)
        .values(failed_logins=case((locked, User.failed_logins), else_=User.failed_logins + 1))
        .returning(User.id, User.failed_logins, User.locked_until)
    )
    with db.engine.begin() as connection:
        return connection.execute(stmt).one_or_none()


def _lock(user_id: int, now: datetime) -> None:
    stmt = update(User).where(User.id == user_id).values(locked_until=now + timedelta(minutes=LOCK_MINUTES),
                                                          failed_logins=0)  # fmt: skip
    with db.engine.begin() as connection:
        connection.execute(stmt)


def authenticate(username: str, password: str, now: datetime | None = None, *, known_browser: bool = False) -> User:
    """The account for these credentials; raise LoginRefused otherwise. Flushes the counters.

    Every refusal says the same (LOGIN_REFUSED) and costs one password check, whether the
    name is unknown, the password wrong or the account locked or inactive, so neither the
    page nor its timing tells which accounts exist. ``known_browser``: the account logged
    in from this browser before (survey.admin.auth); its attempts are not counted and a
    lock does not stop them, so a stranger cannot lock an officer out of their own browser.
    """
    now = now or utcnow()
    if known_browser:
        user = db.session.scalar(select(User).where(func.lower(User.username) == _username(username)))
        if not check_password_hash(user.password_hash if user else _stand_in_hash(), password) or not user.is_active:
            raise LoginRefused(LOGIN_REFUSED)
        user.last_login_at = now  # the lock stays for every other browser
        db.session.flush()
        return user
    row = _count_attempt(_username(username), now)
    if (
        row is None
        or (row.locked_until is not None and row.locked_until > now)
        or row.failed_logins > MAX_FAILED_LOGINS
    ):
        if row is not None and row.failed_logins > MAX_FAILED_LOGINS:
            _lock(row.id, now)  # attempts that arrived together with the one that locked it
        check_password_hash(_stand_in_hash(), password)
        raise LoginRefused(LOGIN_REFUSED)
    user = db.session.get(User, row.id, populate_existing=True)
    if not check_password_hash(user.password_hash, password) or not user.is_active:
        if row.failed_logins >= MAX_FAILED_LOGINS:
            _lock(user.id, now)
        db.session.flush()
        raise LoginRefused(LOGIN_REFUSED)
    return _logged_in(user, now)


def _logged_in(user: User, now: datetime) -> User:
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    db.session.flush()
    return user


def load_user(user_id: str) -> User | None:
    """Flask-Login's loader for the session and the remember cookie: ``id:session_version``.

    A logout, a new password, an admin's reset or a lock changes the version, so every
    session cookie and remember cookie issued before stops working.
    """
    try:
        raw_id, version = user_id.split(":")
        number = int(raw_id)
    except (ValueError, TypeError):
        return None
    user = db.session.get(User, number) if 0 < number < 2**31 else None
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
