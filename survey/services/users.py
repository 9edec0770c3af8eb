"""Accounts, passwords and what each account may see.

Every change an admin makes to an account (create, reset the password, unlock, deactivate,
reactivate) ends the account's sessions, is written to the audit log and to the
``survey.audit`` logger. A password set by someone else is temporary: the account must
change it at its next login (``must_change_password``), so only its owner ever knows the
password in use.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import and_, case, func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from survey.extensions import db
from survey.models import Unit, User
from survey.models.types import utcnow
from survey.models.users import ROLE_NAMES, ROLES
from survey.services import audit
from survey.services.errors import DomainError
from survey.services.passwords import password_problem
from survey.services.text import clean_text
from survey.services.unique import add_unique
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
                unit: Unit | None = None, *, actor: User | None = None) -> User:  # fmt: skip
    """A new account. Flushes.

    Created by an admin (``actor``), the password is temporary: the owner changes it at the
    first login. A name taken (also by a request at the same moment) is a DomainError.
    """
    username = _username(username)
    if not username or len(username) > 64:
        raise DomainError("Tên đăng nhập không hợp lệ.")
    if role not in ROLES:
        raise DomainError(f"Vai trò không hợp lệ: {role} (có: {', '.join(ROLES)}).")
    if role == "unit_officer" and unit is None:
        raise DomainError("Cán bộ đơn vị phải thuộc một đơn vị.")
    user = User(username=username, display_name=clean_text(display_name, 200) or username, role=role,
                unit_id=unit.id if unit else None, password_hash="", session_version=0,
                must_change_password=actor is not None)  # fmt: skip
    add_unique(user, f"Tên đăng nhập {username} đã có.")  # a name taken says so first, whatever the password
    set_password(user, password)  # a weak one raises: the caller rolls the new row back
    db.session.flush()
    if actor is not None:
        audit.record(actor, f"Tạo tài khoản {username} ({user.display_name}), vai trò {ROLE_NAMES[role]}"
                            + (f", đơn vị {unit.name}" if unit else ""))  # fmt: skip
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


def set_active(user: User, active: bool, *, actor: User | None = None) -> None:
    """Deactivate or reactivate an account (accounts are never deleted: their history stays theirs).

    Either way its old sessions end: reactivating must not revive them. Flushes.
    """
    if actor is not None and actor.id == user.id and not active:
        raise DomainError("Không thể tự ngừng tài khoản của mình.")
    user.is_active = active
    end_sessions(user)
    db.session.flush()
    if actor is not None:
        audit.record(actor, ("Cho hoạt động lại" if active else "Ngừng hoạt động") + f" tài khoản {user.username}")


#: the letters of a temporary password: no look-alikes (0/O, 1/l/I), easy to read out on the phone
_TEMPORARY_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"
#: 4 groups of 4 from 32 letters: 80 bits, far beyond zxcvbn's highest score
_TEMPORARY_GROUPS = 4


def temporary_password() -> str:
    """``abcd-efgh-jkmn-pqrs``: random, to be read out once and changed at the next login."""
    return "-".join("".join(secrets.choice(_TEMPORARY_ALPHABET) for _ in range(4)) for _ in range(_TEMPORARY_GROUPS))


def reset_password(user: User, *, actor: User) -> str:
    """An admin's reset: a new temporary password, returned once and never stored in clear. Flushes.

    The account's sessions end and its lock (after wrong passwords) is lifted; the owner
    logs in with the temporary password and must choose their own at once.
    """
    if actor.id == user.id:
        raise DomainError("Để đổi mật khẩu của chính mình, xin dùng trang Đổi mật khẩu.")
    password = temporary_password()
    set_password(user, password)
    user.must_change_password = True
    user.failed_logins = 0
    user.locked_until = None
    db.session.flush()
    audit.record(actor, f"Đặt lại mật khẩu cho tài khoản {user.username} (mật khẩu tạm, phải đổi khi đăng nhập)")
    return password


def is_locked(user: User, now: datetime | None = None) -> bool:
    """Locked after too many wrong passwords (for LOCK_MINUTES), as the login sees it."""
    return user.locked_until is not None and user.locked_until > (now or utcnow())


def unlock(user: User, *, actor: User) -> None:
    """Lift the lock that wrong passwords put on an account, before its minutes run out. Flushes."""
    if not is_locked(user) and not user.failed_logins:
        raise DomainError(f"Tài khoản {user.username} không bị khoá.")
    user.failed_logins = 0
    user.locked_until = None
    end_sessions(user)
    db.session.flush()
    audit.record(actor, f"Mở khoá tài khoản {user.username} (bị khoá do nhập sai mật khẩu)")


def change_own_password(user: User, current: str, new: str, repeated: str) -> None:
    """The owner's change: the current password first, the new one twice, by the password rule. Flushes.

    Every other session of the account ends (the caller logs this one in again).
    """
    if not check_password_hash(user.password_hash, current):
        raise DomainError("Mật khẩu hiện tại không đúng.")
    if new != repeated:
        raise DomainError("Hai lần nhập mật khẩu mới không giống nhau.")
    if new == current:
        raise DomainError("Mật khẩu mới phải khác mật khẩu hiện tại.")
    set_password(user, new)
    user.must_change_password = False
    db.session.flush()
    audit.record(user, f"Tài khoản {user.username} đổi mật khẩu của mình")


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
