"""Who is asking: server-side login sessions for pages, bearer tokens for the API.

The session cookie only names a row in auth_session, so logging out or changing the password really ends
a session (Flask's signed cookie alone would survive logout: flask#3900). The API ignores cookies entirely and
takes only `Authorization: Bearer …`, so it needs no CSRF protection.
"""

from __future__ import annotations

from flask import Flask, has_request_context, request, session
from flask_login import AnonymousUserMixin, UserMixin, login_user, logout_user
from flask_login import current_user as _current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from campaigns.db import get_session
from campaigns.domain.model import User
from campaigns.extensions import login_manager
from campaigns.services import accounts, tokens


class Principal(UserMixin):
    """The logged-in person, as Flask-Login sees them. Attribute access falls through to the User row."""

    def __init__(self, user: User, session_token: str | None = None):
        self.user = user
        self._session_token = session_token

    def get_id(self) -> str | None:
        return self._session_token

    @property
    def is_active(self) -> bool:
        return self.user.is_active

    def __getattr__(self, name: str):
        return getattr(self.user, name)


class Anonymous(AnonymousUserMixin):
    user = None
    is_admin = False
    id = None


def current_user() -> User | None:
    """The User row of whoever is asking, or None (also outside requests)."""
    if not has_request_context():
        return None
    return getattr(_current_user, "user", None)


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def client_ip() -> str | None:
    return request.remote_addr


def begin(user: User, token: str) -> None:
    """Log the browser in with a fresh session (a new id every login: ASVS 3.2.1)."""
    session.clear()
    login_user(Principal(user, token))
    session.permanent = True


def end() -> None:
    token = session.get("_user_id")
    if token:
        accounts.log_out(get_session(), token, ip=client_ip())
    logout_user()
    session.clear()


def init_app(app: Flask) -> None:
    if app.config["TRUSTED_PROXIES"]:
        # behind a proxy every request comes from the proxy's address: take the client's from the headers the
        # trusted proxies set (and only theirs), so throttles and logs see people, not the proxy
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None
    login_manager.session_protection = None  # our server-side sessions do this job
    login_manager.anonymous_user = Anonymous

    @login_manager.user_loader
    def _load(token: str):
        if is_api_request():
            return None
        found = accounts.resume_session(get_session(), token)
        return Principal(found[0], token) if found else None

    @login_manager.request_loader
    def _load_bearer(req):
        header = req.headers.get("Authorization", "")
        if not is_api_request() or not header.lower().startswith("bearer "):
            return None
        user = tokens.authenticate(get_session(), header[7:].strip())
        return Principal(user) if user else None
