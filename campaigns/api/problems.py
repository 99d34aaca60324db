"""RFC 9457 problem details for every API error, documented in the OpenAPI document as such."""

from __future__ import annotations

import http

import marshmallow as ma
from flask import Response, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from werkzeug.exceptions import HTTPException, InternalServerError

from campaigns.domain.text import N_
from campaigns.i18n import translate, translate_messages
from campaigns.services.errors import DomainError

PROBLEM = "application/problem+json"


class ProblemSchema(ma.Schema):
    type = ma.fields.String(metadata={"description": "A URI for the kind of problem, or about:blank."})
    title = ma.fields.String(required=True)
    status = ma.fields.Integer(required=True)
    detail = ma.fields.String()
    errors = ma.fields.Dict(
        keys=ma.fields.String(), values=ma.fields.Raw(),
        metadata={"description": "Messages per field, for validation errors."},
    )


def _flatten(messages) -> dict:
    """webargs nests messages by location ({"json": {"name": [...]}}); clients want them by field."""
    if not isinstance(messages, dict):
        return {"_schema": messages if isinstance(messages, list) else [str(messages)]}
    flat: dict = {}
    for location, fields in messages.items():
        if isinstance(fields, dict):
            flat.update(fields)
        else:
            flat[location] = fields
    return flat


def problem(status: int, *, detail: str | None = None, errors: dict | None = None,
            title: str | None = None, headers: dict | None = None) -> Response:
    body = {"type": "about:blank", "title": title or _title(status), "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


#: the titles of the problems the API answers with, in the words of RFC 9110, translated for the reader
TITLES = {
    400: N_("Bad Request"), 401: N_("Unauthorized"), 403: N_("Forbidden"), 404: N_("Not Found"),
    405: N_("Method Not Allowed"), 406: N_("Not Acceptable"), 409: N_("Conflict"), 410: N_("Gone"),
    412: N_("Precondition Failed"), 413: N_("Request Entity Too Large"), 415: N_("Unsupported Media Type"),
    422: N_("Unprocessable Entity"), 428: N_("Precondition Required"), 429: N_("Too Many Requests"),
    500: N_("Internal Server Error"), 502: N_("Bad Gateway"), 503: N_("Service Unavailable"),
}
#: what each of those means, when nothing more precise was said
DESCRIPTIONS = {
    400: N_("The request could not be understood."), 401: N_("Log in, or send a valid API token."),
    403: N_("You don't have permission to do this."), 404: N_("There is nothing here, or it isn't yours to see."),
    405: N_("This address doesn't take that method."), 413: N_("The request is too large."),
    415: N_("Send the body as JSON."), 429: N_("Too many requests: wait a little and try again."),
    500: N_("Something went wrong on our side. Please try again."),
}


def _title(status: int) -> str:
    return translate(TITLES[status]) if status in TITLES else http.HTTPStatus(status).phrase


def _description(error: HTTPException) -> str:
    """Werkzeug's own description is English; ours is in the reader's language."""
    return translate(DESCRIPTIONS[error.code]) if error.code in DESCRIPTIONS else error.description


def _is_api() -> bool:
    return request.path.startswith("/api/")


def html_error(status: int, message: str | None = None) -> tuple[str, int]:
    template = f"errors/{status}.html" if status in (403, 404, 429) else "errors/generic.html"
    return render_template(template, status=status, message=message), status


class CampaignsApi(Api):
    """flask-smorest's Api, speaking problem+json in the API and HTML pages elsewhere."""

    ERROR_SCHEMA = ProblemSchema

    def _register_responses(self):
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "An error, as RFC 9457 problem details.", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)

    def init_app(self, app, *, spec_kwargs=None):
        super().init_app(app, spec_kwargs=spec_kwargs)
        app.register_error_handler(DomainError, self.handle_domain_error)
        app.register_error_handler(Exception, self.handle_unexpected)

    def handle_http_exception(self, error: HTTPException):
        data = getattr(error, "data", None) or {}
        if not _is_api():
            return html_error(error.code or 500, data.get("message"))
        headers = dict(data.get("headers") or {})
        if error.code == 405 and error.valid_methods:
            headers["Allow"] = ", ".join(error.valid_methods)
        errors = translate_messages(_flatten(data["messages"])) if "messages" in data else None
        detail = data.get("message") or (_("Some fields need attention.") if errors else _description(error))
        return problem(error.code or 500, detail=detail, errors=errors, headers=headers)

    def handle_domain_error(self, error: DomainError):
        if not _is_api():
            return html_error(error.status, error.message)
        return problem(error.status, title=translate(error.title), detail=error.message,
                       errors=translate_messages(error.errors) or None)

    def handle_unexpected(self, error: Exception):
        if isinstance(error, HTTPException):
            return self.handle_http_exception(error)
        current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return self.handle_http_exception(InternalServerError())
