"""Conditional answers for the public pages (a campaign's /p/<id>, an action's /p/actions/<id>).

A visitor's browser (or a CDN) that already holds the page asks again with If-None-Match; the answer is a 304 after
one statement (`public.page_version`) instead of a page of a dozen. The ETag is a digest of everything the page is
drawn from or varies on: the row and the organisation's position in the event log, the language, the visitor's CSRF
secret (the page's forms carry a token only that session accepts, so a copy kept for one session never serves
another), the minute (upcoming actions, and anything edited without an event, show within it) and the release.

The 304 is answered by a small WSGI layer in front of Flask (`Revalidation`): it reads the session cookie with
Flask's own serializer and asks the database once, so a revalidation costs about what the one statement does. Any
case it cannot settle (no cookie, a logged-in visitor, a changed page) goes to the view.

Never cached by anyone else: a logged-in visitor's page (private, no-store; it shows their name), nor an answer that
sets a cookie (private: a shared cache must never hand one visitor's cookie to the next).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from functools import cache, wraps
from importlib import metadata

from flask import Flask, Response, current_app, make_response, request, session
from itsdangerous import BadSignature
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header, parse_cookie, parse_etags

from campaigns import clock, i18n
from campaigns.db import get_session
from campaigns.services import public

#: how long a browser or CDN may show its copy without asking again (seconds): a sign-up shows within it
MAX_AGE = 30
#: the ETag also changes every minute, for what moves with time alone
BUCKET_SECONDS = 60
SHARED = f"public, max-age={MAX_AGE}, s-maxage={MAX_AGE}"
#: the page differs by language (the cookie or the browser's) and by session (the forms' CSRF token)
VARY = "Cookie, Accept-Language"
#: the public pages' paths, and which page each is
PAGES = ((re.compile(r"/p/(\d+)"), "campaign"), (re.compile(r"/p/actions/(\d+)"), "action"))


@cache  # reading the installed package's metadata costs more than the whole 304
def _release() -> str:
    try:
        return metadata.version("campaigns")
    except metadata.PackageNotFoundError:  # a checkout run without installing
        return "dev"


def etag(kind: str, version: tuple, *, locale: str, secret: str) -> str:
    moment = int(clock.now().timestamp()) // BUCKET_SECONDS
    key = repr((_release(), kind, version, locale, secret, moment))
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _personal(data) -> bool:
    """A logged-in visitor, or one with a message waiting to be shown once (a flash): their page is theirs."""
    return "_user_id" in data or "_flashes" in data


def _shared_headers(response: Response, tag: str) -> Response:
    response.set_etag(tag, weak=True)  # weak: the same page, though each render signs its CSRF token anew
    sets_cookie = current_app.session_interface.should_set_cookie(current_app, session)
    response.headers["Cache-Control"] = f"private, max-age={MAX_AGE}" if sets_cookie else SHARED
    response.headers["Vary"] = VARY
    return response


def conditional(kind: str, argument: str) -> Callable:
    """Wrap a public page's view: ETag and Cache-Control on its answer (and a 304 if `Revalidation` left one)."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def answer(**kwargs):
            if request.method != "GET":
                return view(**kwargs)
            if _personal(session):
                response = make_response(view(**kwargs))
                response.headers["Cache-Control"] = "private, no-store"
                return response
            version = public.page_version(get_session().get_bind(), kind, kwargs[argument])
            if version is None:  # not public (or gone): the view answers 404 as it always does
                return view(**kwargs)
            tag = etag(kind, version, locale=i18n.preferred_locale(), secret=session.get("csrf_token", ""))
            if request.if_none_match.contains_weak(tag):
                return _shared_headers(Response(status=304), tag)
            response = make_response(view(**kwargs))
            if response.status_code != 200:
                return response
            # the tag again after rendering: a first visit's session has only now got its token
            tag = etag(kind, version, locale=i18n.preferred_locale(), secret=session.get("csrf_token", ""))
            return _shared_headers(response, tag)

        return answer

    return decorate


class Revalidation:
    """WSGI layer in front of the app: a returning visitor's If-None-Match on a public page, settled without
    Flask's request machinery when their copy is current; everything else passes through untouched."""

    def __init__(self, app: Flask, wsgi_app):
        self.app, self.wsgi_app = app, wsgi_app
        self.engine = app.extensions["campaigns.engine"]
        self.languages, self.default = app.config["LANGUAGES"], app.config["BABEL_DEFAULT_LOCALE"]
        self.cookie_name = app.config["SESSION_COOKIE_NAME"]

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") == "GET" and environ.get("HTTP_IF_NONE_MATCH"):
            try:
                tag = self._current(environ)
            except Exception:  # noqa: BLE001 (the app answers and reports whatever went wrong, as for any request)
                tag = None
            if tag:
                start_response("304 Not Modified", [("ETag", f'W/"{tag}"'), ("Cache-Control", SHARED),
                                                    ("Vary", VARY)])
                return []
        return self.wsgi_app(environ, start_response)

    def _current(self, environ) -> str | None:
        """The page's tag when it is the one the visitor holds, else None (the app answers)."""
        page = next(((kind, int(m.group(1))) for pattern, kind in PAGES
                     if (m := pattern.fullmatch(environ.get("PATH_INFO", "")))), None)
        if page is None:
            return None
        cookies = parse_cookie(environ)
        data = self._session(cookies.get(self.cookie_name))
        if data is None or _personal(data):
            return None
        version = public.page_version(self.engine, *page)
        if version is None:
            return None
        browser = parse_accept_header(environ.get("HTTP_ACCEPT_LANGUAGE"), LanguageAccept).best_match(
            self.languages)
        locale = i18n.visitor_locale(cookies.get(i18n.COOKIE), browser, self.languages, self.default)
        tag = etag(page[0], version, locale=locale, secret=data.get("csrf_token", ""))
        return tag if parse_etags(environ["HTTP_IF_NONE_MATCH"]).contains_weak(tag) else None

    def _session(self, cookie: str | None) -> dict | None:
        """The visitor's session as Flask would read it, or None without one (a first visit: the app answers)."""
        if not cookie:
            return None
        serializer = self.app.session_interface.get_signing_serializer(self.app)
        if serializer is None:
            return None
        try:
            return serializer.loads(cookie, max_age=int(self.app.permanent_session_lifetime.total_seconds()))
        except BadSignature:
            return None


def init_app(app: Flask) -> None:
    app.wsgi_app = Revalidation(app, app.wsgi_app)  # type: ignore[method-assign]
