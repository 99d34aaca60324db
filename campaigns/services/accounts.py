"""People: creating accounts, logging in and out, server-side sessions, passwords and profiles."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import update
from sqlmodel import Session, select

from campaigns import clock
from campaigns.db import transaction
from campaigns.domain.model import AuthSession, NotificationSettings, User
from campaigns.domain.rules import is_valid_timezone
from campaigns.domain.text import N_
from campaigns.nudges import inbox
from campaigns.services import audit, policy, security, throttle, tokens
from campaigns.services.errors import Conflict, DomainError, Invalid, TooManyAttempts

LOGIN_FAILED = N_("That email and password don't match an account. Check them and try again.")
LOGIN_THROTTLED = N_("Too many attempts to log in. For your safety, please wait 15 minutes and try again, "
                   "or reset your password.")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == normalise_email(email))).first()


def create_user(
    session: Session,
    *,
    email: str,
    password: str,
    display_name: str,
    timezone: str | None = None,
    locale: str = "en",
    real_name: str | None = None,
    is_admin: bool = False,
) -> User:
    """Create an account with a safe display name; the password is checked and hashed with argon2id."""
    email = normalise_email(email)
    security.check_password_rules(password, email=email)
    timezone = timezone or current_app.config["DEFAULT_TIMEZONE"]
    validate_profile(display_name=display_name, timezone=timezone, locale=locale)
    with transaction(session):
        if by_email(session, email):
            raise Conflict(_("An account with this email already exists."), field="email")
        user = User(email=email, password_hash=security.hash_password(password), display_name=display_name.strip(),
                    timezone=timezone, locale=locale, real_name=real_name, is_admin=is_admin)
        session.add(user)
        session.flush()
        session.add(NotificationSettings(user_id=user.id))
    return user


def validate_profile(*, display_name: str | None = None, timezone: str | None = None,
                     locale: str | None = None) -> None:
    if display_name is not None and not display_name.strip():
        raise Invalid(_("Choose a display name. It can be a nickname."), field="display_name")
    if timezone is not None and not is_valid_timezone(timezone):
        raise Invalid(_("Choose a time zone from the list, like Europe/London."), field="timezone")
    if locale is not None and locale not in current_app.config["LANGUAGES"]:
        raise Invalid(_("Choose one of the offered languages."), field="locale")


def update_profile(session: Session, user: User, **changes) -> User:
    """Change display name, real name (and whether it shows), time zone or language."""
    validate_profile(**{k: v for k, v in changes.items() if k in {"display_name", "timezone", "locale"}})
    with transaction(session):
        for name, value in changes.items():
            setattr(user, name, value.strip() if isinstance(value, str) and name == "display_name" else value)
        session.add(user)
    return user


def _check_throttles(session: Session, *, account: str, address: str | None) -> bool:
    """Refuse a locked account (even with its password: guessing it from many addresses stops here); say whether
    the address is busy. A busy address only loses its answers to wrong passwords, because many people can share
    one (an office, a proxy) and anyone's failures must not lock everyone there out."""
    cfg = current_app.config
    window = timedelta(minutes=cfg["LOGIN_WINDOW_MINUTES"])
    throttle.check(session, [account], limit=cfg["LOGIN_MAX_FAILURES"], window=window, message=LOGIN_THROTTLED)
    return bool(address) and throttle.busy(session, [address], limit=cfg["LOGIN_MAX_FAILURES"], window=window)


def _throttle_keys(kind: str, account: str, ip: str | None) -> tuple[str, str | None]:
    return throttle.key(kind, "account", account), throttle.key(kind, "addr", ip) if ip else None


def _refusal(busy: bool, failed: Invalid) -> DomainError:
    return TooManyAttempts(LOGIN_THROTTLED) if busy else failed


def log_in(session: Session, *, email: str, password: str, ip: str | None) -> tuple[User, str]:
    """Check credentials under per-account and per-address throttling; start a new server-side session.

    Returns the user and the new session's secret. Failures say nothing about whether the account exists.
    """
    account, address = _throttle_keys("login", normalise_email(email), ip)
    with transaction(session):
        busy = _check_throttles(session, account=account, address=address)
        user = by_email(session, email)
        ok = user is not None and user.is_active and security.verify_password(user.password_hash, password)
        if user is None:
            security.dummy_verify()
        if not ok:
            throttle.fail(session, [k for k in (account, address) if k])
            audit.log(session, "login_failed", actor_id=user.id if user else None, ip=ip)
    if not ok:
        raise _refusal(busy, Invalid(LOGIN_FAILED))
    with transaction(session):
        token = start_session(session, user, ip=ip)
        audit.log(session, "login", actor_id=user.id, ip=ip)
    return user, token


def start_session(session: Session, user: User, *, ip: str | None) -> str:
    token = security.new_token()
    session.add(AuthSession(token_hash=security.token_hash(token), user_id=user.id, ip=ip))
    return token


def resume_session(session: Session, token: str) -> tuple[User, AuthSession] | None:
    """The live session named by the cookie, or None if it was revoked, idled out or is too old."""
    # one round trip for what every page needs about its viewer: the session, the person, their unread count and
    # their memberships
    query = policy.with_standing(select(AuthSession, User, inbox.unread_query(AuthSession.user_id).scalar_subquery())
                                 .join(User, User.id == AuthSession.user_id)
                                 .where(AuthSession.token_hash == security.token_hash(token)))
    rows = session.exec(query).all()
    if not rows:
        return None
    auth, user, unread = rows[0][:3]
    if auth.revoked_at is not None or not user.is_active:
        return None
    cfg, now = current_app.config, clock.now()
    idle = timedelta(minutes=cfg["SESSION_IDLE_MINUTES"])
    absolute = timedelta(hours=cfg["SESSION_ABSOLUTE_HOURS"])
    if now - auth.last_seen_at > idle or now - auth.created_at > absolute:
        return None
    if now - auth.last_seen_at > timedelta(minutes=1):  # one write a minute, not one per request
        with transaction(session):
            auth.last_seen_at = now
            session.add(auth)
    inbox.remember_unread(session, user, unread)
    policy.keep_standing(session, user, rows)
    return user, auth


def log_out(session: Session, token: str, *, ip: str | None) -> None:
    """End this session on the server, so the old cookie no longer works."""
    with transaction(session):
        auth = session.exec(select(AuthSession).where(AuthSession.token_hash == security.token_hash(token))).first()
        if auth and auth.revoked_at is None:
            auth.revoked_at = clock.now()
            session.add(auth)
            audit.log(session, "logout", actor_id=auth.user_id, ip=ip)


def revoke_all_sessions(session: Session, user_id: int) -> None:
    session.exec(
        update(AuthSession)
        .where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))  # type: ignore[union-attr]
        .values(revoked_at=clock.now())
    )


def change_password(session: Session, user: User, *, current: str, new: str, ip: str | None) -> str:
    """Change the password, end every session and API token of this person, and return a fresh session for this
    browser."""
    reauthenticate(session, user, password=current, ip=ip, field="current_password",
                   message="That isn't your current password.")
    security.check_password_rules(new, email=user.email, field="new_password")
    with transaction(session):
        _set_password(session, user, new)
        token = start_session(session, user, ip=ip)
        audit.log(session, "password_changed", actor_id=user.id, ip=ip)
    return token


def reauthenticate(session: Session, user: User, *, password: str, ip: str | None, field: str = "password",
                   message: str = "That isn't your password.") -> None:
    """Check the password of someone already logged in, before a sensitive act; throttled like logging in,
    so a stolen session cannot be used to guess the password."""
    account, address = _throttle_keys("reauth", str(user.id), ip)
    with transaction(session):
        busy = _check_throttles(session, account=account, address=address)
        if security.verify_password(user.password_hash, password):
            return
        throttle.fail(session, [k for k in (account, address) if k])
    raise _refusal(busy, Invalid(message, field=field))


def _set_password(session: Session, user: User, new: str) -> None:
    """A new password ends every login session and API token of the person (they were made with the old one)."""
    user.password_hash = security.hash_password(new)
    session.add(user)
    session.flush()
    revoke_all_sessions(session, user.id)
    tokens.revoke_all(session, user.id)


def _reset_fingerprint(user: User) -> str:
    # Part of the reset link: once the password changes, the link stops working (single use).
    return security.token_hash(user.password_hash)[:16]


def password_reset_token(user: User) -> str:
    return security.sign("reset", {"uid": user.id, "fp": _reset_fingerprint(user)})


def request_password_reset(session: Session, *, email: str, ip: str | None) -> str | None:
    """Throttled; returns a reset token for an existing account (the caller mails it), else None.

    The caller says the same thing either way, so nobody learns whether an account exists.
    """
    keys = [throttle.key("reset", "addr", ip or "-"), throttle.key("reset", "account", normalise_email(email))]
    with transaction(session):
        throttle.check(session, keys, limit=5, window=timedelta(hours=1),
                       message="Too many reset requests. Please wait an hour and try again.")
        throttle.fail(session, keys)  # every request counts toward the limit
    user = by_email(session, email)
    return password_reset_token(user) if user and user.is_active else None


def reset_password(session: Session, *, token: str, new: str, ip: str | None) -> User:
    """Set a new password from an emailed link; the link works once and for a limited time."""
    hours = current_app.config["PASSWORD_RESET_HOURS"]
    data = security.unsign("reset", token, max_age_seconds=hours * 3600)
    user = session.get(User, data.get("uid")) if isinstance(data, dict) else None
    if user is None or not security.same(data.get("fp", ""), _reset_fingerprint(user)):
        raise Invalid(_("This link has already been used or is not valid. Ask for a new one."))
    security.check_password_rules(new, email=user.email)
    with transaction(session):
        _set_password(session, user, new)
        audit.log(session, "password_reset", actor_id=user.id, ip=ip)
    return user
