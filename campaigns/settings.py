"""Configuration from the environment. One class per environment; the factory picks one (create_app).

Every setting is listed in the README's configuration table.
"""

from __future__ import annotations

import math
import os
import secrets
from datetime import timedelta
from pathlib import Path

PLACEHOLDER_SECRETS = {"", "changeme", "change-me", "secret", "dev", "development", "please-change-me"}


#: a production SECRET_KEY needs this many characters, distinct characters, and estimated bits of randomness
#: (a random 32-character hex key has about 14 distinct characters and 115 bits by this estimate, never below 90
#: in 200,000 tries)
SECRET_MIN_LENGTH, SECRET_MIN_DISTINCT, SECRET_MIN_BITS = 32, 8, 88


def secret_key_is_weak(key: str | None) -> bool:
    """Whether a key is missing, a placeholder, short, or plainly not random: few distinct characters, a
    repeated pattern ('ab' * 16), or little randomness by a Shannon estimate over its characters."""
    if not key or key in PLACEHOLDER_SECRETS or len(key) < SECRET_MIN_LENGTH:
        return True
    repeats_a_pattern = (key + key).find(key, 1) < len(key)
    counts = [key.count(c) for c in set(key)]
    bits = -sum(n * math.log2(n / len(key)) for n in counts)
    return repeats_a_pattern or len(counts) < SECRET_MIN_DISTINCT or bits < SECRET_MIN_BITS


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


class Config:
    ENV_NAME = "base"
    DATABASE_URL: str | None = os.environ.get("DATABASE_URL")
    SECRET_KEY: str | None = os.environ.get("SECRET_KEY")
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
    DEFAULT_TIMEZONE = os.environ.get("DEFAULT_TIMEZONE", "Europe/London")
    SHARE_THRESHOLD = _int("SHARE_THRESHOLD", 3)
    BABEL_DEFAULT_LOCALE = os.environ.get("DEFAULT_LOCALE", "en")
    #: languages people may choose; add one once its catalog exists in campaigns/translations (README)
    LANGUAGES = [code.strip() for code in os.environ.get("LANGUAGES", "en,es").split(",") if code.strip()]

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = _int("MAIL_PORT", 587)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", True)
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "Campaigns <no-reply@localhost>")
    #: where mail goes when no SMTP server is configured (development/demo only)
    MAIL_FOLDER = os.environ.get("MAIL_FOLDER", "")

    #: texts go through Twilio when an account and a sender (number or messaging service) are set
    TWILIO_ACCOUNT_SID = os.environ.get("TWILIO_ACCOUNT_SID", "")
    TWILIO_AUTH_TOKEN = os.environ.get("TWILIO_AUTH_TOKEN", "")
    TWILIO_FROM_NUMBER = os.environ.get("TWILIO_FROM_NUMBER", "")
    TWILIO_MESSAGING_SERVICE_SID = os.environ.get("TWILIO_MESSAGING_SERVICE_SID", "")
    #: another address for Twilio's REST API (a loopback test server); empty: https://api.twilio.com
    TWILIO_API_BASE = os.environ.get("TWILIO_API_BASE", "")
    #: countries whose numbers may be texted (ISO 3166, comma-separated)
    SMS_COUNTRIES = [c.strip().upper() for c in os.environ.get(
        "SMS_COUNTRIES", "GB,GG,JE,IM,IE,US,CA,ES,FR,DE,NL,BE,PT,IT,AU,NZ").split(",") if c.strip()]
    #: where texts go without Twilio (development/demo only), readable at /dev/sms
    SMS_FOLDER = os.environ.get("SMS_FOLDER", "")

    SESSION_IDLE_MINUTES = _int("SESSION_IDLE_MINUTES", 30)
    SESSION_ABSOLUTE_HOURS = _int("SESSION_ABSOLUTE_HOURS", 12)
    LOGIN_MAX_FAILURES = _int("LOGIN_MAX_FAILURES", 10)
    LOGIN_WINDOW_MINUTES = _int("LOGIN_WINDOW_MINUTES", 15)
    INVITATION_DAYS = _int("INVITATION_DAYS", 7)
    PASSWORD_RESET_HOURS = _int("PASSWORD_RESET_HOURS", 2)
    STALLED_DAYS = _int("STALLED_DAYS", 14)
    LOG_RETENTION_DAYS = _int("LOG_RETENTION_DAYS", 365)
    SCHEDULER_TICK_SECONDS = _int("SCHEDULER_TICK_SECONDS", 10)
    #: guest sign-ups from public action pages: per address an hour, per email or number an hour, and per
    #: contact on one action (a waiting-list place counts)
    GUEST_SIGNUPS_PER_ADDRESS = _int("GUEST_SIGNUPS_PER_ADDRESS", 20)
    GUEST_SIGNUPS_PER_CONTACT = _int("GUEST_SIGNUPS_PER_CONTACT", 5)
    GUEST_SIGNUPS_PER_ACTION = _int("GUEST_SIGNUPS_PER_ACTION", 3)

    #: how many reverse proxies (TLS terminator, load balancer) stand in front of the app and set X-Forwarded-For
    #: and X-Forwarded-Proto; 0 believes no such header (a client could forge it)
    TRUSTED_PROXIES = _int("TRUSTED_PROXIES", 0)
    MAX_CONTENT_LENGTH = _int("MAX_CONTENT_LENGTH", 256 * 1024)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=SESSION_ABSOLUTE_HOURS)
    # the cookie lives as long as the absolute limit from login; idling out is the server's job (auth_session),
    # so re-signing and re-sending the cookie on every response would buy nothing
    SESSION_REFRESH_EACH_REQUEST = False
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    WTF_CSRF_TIME_LIMIT = None  # the session's own lifetime bounds the token
    ALLOW_HTTP_WEBHOOKS = False
    TESTING = False

    API_TITLE = "Campaigns API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    API_SPEC_OPTIONS = {"info": {"description": (
        "Advocacy campaigns for the Social Action Model. Authenticate with a personal token (My account → API tokens) "
        "as `Authorization: Bearer cmp_…`.\n\n"
        "**Languages.** Problem titles and details, field messages and any words in an answer (`what`, `about`…) "
        "are in the language of the request's `Accept-Language` (`en`, `es`), else the token owner's own language; "
        "the answer's `Content-Language` names it. Codes, field names and `type` never change with the language, "
        "and what people typed stays as they typed it.\n\n"
        "**Errors** are RFC 9457 `application/problem+json`; a validation error is a 422 with `errors` per field. "
        "**Lists** take `page` and `page_size` and answer with `X-Pagination` and `Link` headers.")}}
    OPENAPI_URL_PREFIX = "/api"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "/docs"
    # served from our own static folder: no CDN
    OPENAPI_SWAGGER_UI_URL = "/static/vendor/swagger-ui/"

    def finalise(self, instance_path: str) -> None:
        """Fill defaults that need the instance folder, and refuse insecure settings."""
        if not self.DATABASE_URL:
            self.DATABASE_URL = f"sqlite:///{Path(instance_path) / 'campaigns.sqlite'}"
        if not self.MAIL_FOLDER:
            self.MAIL_FOLDER = str(Path(instance_path) / "mail")
        if not self.SMS_FOLDER:
            self.SMS_FOLDER = str(Path(instance_path) / "sms")


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    ALLOW_HTTP_WEBHOOKS = True

    def finalise(self, instance_path: str) -> None:
        super().finalise(instance_path)
        if not self.SECRET_KEY or self.SECRET_KEY in PLACEHOLDER_SECRETS:
            # a development key is generated once and kept, so logins survive restarts
            key_file = Path(instance_path) / "secret_key"
            if not key_file.exists():
                key_file.write_text(secrets.token_urlsafe(48))
                key_file.chmod(0o600)
            self.SECRET_KEY = key_file.read_text().strip()


class TestingConfig(DevelopmentConfig):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production-0123456789"  # noqa: S105 (tests only)
    SCHEDULER_TICK_SECONDS = 1
    # cheap hashing keeps the suite fast; production uses OWASP's parameters (tested in test_security)
    ARGON2_MEMORY_KIB = 1024
    ARGON2_TIME_COST = 1


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    # __Host- binds the cookie to this host over HTTPS with path / (ASVS 3.4.4)
    SESSION_COOKIE_NAME = "__Host-session"

    def finalise(self, instance_path: str) -> None:
        super().finalise(instance_path)
        if secret_key_is_weak(self.SECRET_KEY):
            raise RuntimeError(
                "SECRET_KEY must be set to a random value of at least 32 characters in production, not a "
                "placeholder or a pattern "
                '(for example: python -c "import secrets; print(secrets.token_urlsafe(48))").'
            )


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def load(name: str | None = None) -> Config:
    """The config for CAMPAIGNS_ENV (development by default)."""
    name = name or os.environ.get("CAMPAIGNS_ENV", "development")
    try:
        return CONFIGS[name]()
    except KeyError:
        raise RuntimeError(f"CAMPAIGNS_ENV must be one of {sorted(CONFIGS)}, not {name!r}") from None
