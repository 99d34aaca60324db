"""Errors a use case raises; the API turns them into problem+json, pages into messages."""

from __future__ import annotations


class DomainError(Exception):
    status = 400
    title = "Bad request"

    def __init__(self, message: str, *, field: str | None = None, errors: dict | None = None):
        super().__init__(message)
        self.message = message
        #: per-field messages, as in validation errors
        self.errors = errors or ({field: [message]} if field else {})


class Invalid(DomainError):
    status = 422
    title = "Unprocessable content"


class NotFound(DomainError):
    """Also what another organisation's objects answer: no existence leak."""

    status = 404
    title = "Not found"

    def __init__(self, message: str = "Not found."):
        super().__init__(message)


class Forbidden(DomainError):
    status = 403
    title = "Forbidden"


class Conflict(DomainError):
    status = 409
    title = "Conflict"


class TooManyAttempts(DomainError):
    status = 429
    title = "Too many attempts"
