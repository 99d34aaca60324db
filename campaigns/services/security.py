"""Passwords, random secrets and signed links: the primitives every feature uses, in one place."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from functools import cache
from importlib import resources
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from campaigns import clock
from campaigns.services.errors import Invalid

MIN_PASSWORD_LENGTH = 12


@cache
def _hasher(memory_cost: int, time_cost: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=1)


def password_hasher() -> PasswordHasher:
    """argon2id with OWASP's parameters (19 MiB, t=2, p=1) unless the config lowers them for tests."""
    cfg = current_app.config
    return _hasher(cfg.get("ARGON2_MEMORY_KIB", 19456), cfg.get("ARGON2_TIME_COST", 2))


def hash_password(password: str) -> str:
    return password_hasher().hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return password_hasher().verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def dummy_verify() -> None:
    """Spend the time a real check takes, so timing does not tell whether an account exists."""
    verify_password(_dummy_hash(), "not-the-password")


@cache
def _dummy_hash() -> str:
    return hash_password("a-dummy-password-for-timing")


@cache
def common_passwords() -> frozenset[str]:
    text = resources.files("campaigns.data").joinpath("common_passwords.txt").read_text()
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


def check_password_rules(password: str, *, email: str = "", field: str = "password") -> None:
    """At least 12 characters, not a well-known password, not the email address."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(_("Use at least %(n)s characters. A few words together work well.", n=MIN_PASSWORD_LENGTH),
                      field=field)
    if len(password) > 256:
        raise Invalid(_("Use at most 256 characters."), field=field)
    lowered = password.lower()
    if lowered in common_passwords() or len(set(lowered)) <= 3 or (email and email.lower() in lowered):
        raise Invalid(_("That password is too easy to guess. Try a few unrelated words."), field=field)


def new_token(nbytes: int = 32) -> str:
    """A random, URL-safe secret (256 bits by default)."""
    return secrets.token_urlsafe(nbytes)


def token_hash(token: str) -> str:
    """How a secret that grants access is stored: its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


class _ClockSigner(TimestampSigner):
    """Signed links read the time from clock.now(), like everything else (so tests can expire them)."""

    def get_timestamp(self) -> int:
        return int(clock.now().timestamp())


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"campaigns.{purpose}", signer=_ClockSigner)


def sign(purpose: str, data: Any) -> str:
    """A signed, timestamped token for a link (password reset, one-click confirm/cancel, unsubscribe)."""
    return _serializer(purpose).dumps(data)


def unsign(purpose: str, token: str, *, max_age_seconds: int) -> Any:
    """The data in a signed token, or Invalid if it is forged or expired."""
    try:
        return _serializer(purpose).loads(token, max_age=max_age_seconds)
    except SignatureExpired:
        raise Invalid(_("This link has expired. Ask for a new one.")) from None
    except BadSignature:
        raise Invalid(_("This link is not valid.")) from None
