"""Errors a use case raises; the API turns them into problem+json, pages into messages."""

from __future__ import annotations

from campaigns.domain.text import N_
from campaigns.i18n import translate


class DomainError(Exception):
    status = 400
    title = N_("Bad request")

    def __init__(self, message: str, *, field: str | None = None, errors: dict | None = None):
        message = translate(message)  # the domain's words, in the language of whoever is asking
        super().__init__(message)
        self.message = message
        #: per-field messages, as in validation errors
        self.errors = errors or ({field: [message]} if field else {})


class Invalid(DomainError):
    status = 422
    title = N_("Unprocessable content")


class NotFound(DomainError):
    """Also what another organisation's objects answer: no existence leak."""

    status = 404
    title = N_("Not found")

    def __init__(self, message: str = N_("Not found.")):
        super().__init__(message)


class Forbidden(DomainError):
    status = 403
    title = N_("Forbidden")


class Conflict(DomainError):
    status = 409
    title = N_("Conflict")


class TooManyAttempts(DomainError):
    status = 429
    title = N_("Too many attempts")
