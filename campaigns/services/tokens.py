"""Personal API tokens: shown once, stored hashed, revocable."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from sqlmodel import Session, col, select

from campaigns import clock
from campaigns.db import transaction
from campaigns.domain.model import ApiToken, User
from campaigns.services import audit, policy, security, throttle
from campaigns.services.errors import Invalid, NotFound

PREFIX = "cmp_"
#: tokens one account (or one address) may create per hour: enough for any real use, too few to farm them
CREATE_LIMIT = 20


def create(session: Session, user: User, *, name: str, expires_days: int | None = None,
           ip: str | None = None) -> tuple[ApiToken, str]:
    """Create a token; returns the row and the secret, which is never shown again."""
    name = name.strip()
    if not name:
        raise Invalid(_("Give the token a name so you can recognise it later."), field="name")
    if expires_days is not None and not 1 <= expires_days <= 3650:
        raise Invalid(_("Choose between 1 and 3650 days."), field="expires_days")
    secret = PREFIX + security.new_token()
    expires_at = clock.now() + timedelta(days=expires_days) if expires_days else None
    keys = [throttle.key("token", "account", str(user.id))] + ([throttle.key("token", "addr", ip)] if ip else [])
    with transaction(session):
        throttle.check(session, keys, limit=CREATE_LIMIT, window=timedelta(hours=1),
                       message="You've created many tokens in the last hour. Please wait a while and try again.")
        throttle.fail(session, keys)  # every creation counts
        token = ApiToken(user_id=user.id, name=name[:80], prefix=secret[:10],
                         token_hash=security.token_hash(secret), expires_at=expires_at)
        session.add(token)
        session.flush()
        audit.log(session, "token_created", actor_id=user.id, target=f"token:{token.id}", ip=ip)
    return token, secret


def of_user(session: Session, user: User) -> list[ApiToken]:
    query = select(ApiToken).where(ApiToken.user_id == user.id).order_by(col(ApiToken.id).desc())
    return list(session.exec(query))


def revoke(session: Session, user: User, token_id: int, *, ip: str | None = None) -> ApiToken:
    """Revoke one of the user's own tokens (another person's answers NotFound)."""
    with transaction(session):
        token = session.get(ApiToken, token_id)
        if token is None or token.user_id != user.id:
            raise NotFound()
        if token.revoked_at is None:
            token.revoked_at = clock.now()
            session.add(token)
            audit.log(session, "token_revoked", actor_id=user.id, target=f"token:{token.id}", ip=ip)
    return token


def revoke_all(session: Session, user_id: int) -> int:
    """Revoke every live token of a person (a new password ends them, as it ends login sessions: whoever had the
    old password may have made one). Returns how many were live."""
    live = select(ApiToken).where(ApiToken.user_id == user_id, col(ApiToken.revoked_at).is_(None))
    revoked = list(session.exec(live))
    for token in revoked:
        token.revoked_at = clock.now()
        session.add(token)
    return len(revoked)


def authenticate(session: Session, secret: str) -> User | None:
    """The user a bearer token belongs to, if it is live."""
    if not secret.startswith(PREFIX):
        return None
    query = policy.with_standing(select(ApiToken, User).join(User, User.id == ApiToken.user_id)
                                 .where(ApiToken.token_hash == security.token_hash(secret)))
    rows = session.exec(query).all()
    if not rows:
        return None
    token, user = rows[0][:2]
    now = clock.now()
    if token.revoked_at or (token.expires_at and token.expires_at <= now) or not user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        with transaction(session):
            token.last_used_at = now
            session.add(token)
    policy.keep_standing(session, user, rows)
    return user
