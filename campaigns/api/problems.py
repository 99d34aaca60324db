"""RFC 9457 problem details for every API error, documented in the OpenAPI document as such."""

from __future__ import annotations

import http

import marshmallow as ma
from flask import Response, current_app, jsonify, render_template, request
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from werkzeug.exceptions import HTTPException, InternalServerError

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
    body = {"type": "about:blank", "title": title or http.HTTPStatus(status).phrase, "status": status}
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
        errors = _flatten(data["messages"]) if "messages" in data else None
        detail = data.get("message") or (
            "Some fields need attention." if errors else error.description
        )
        return problem(error.code or 500, detail=detail, errors=errors, headers=headers)

    def handle_domain_error(self, error: DomainError):
        if not _is_api():
            return html_error(error.status, error.message)
        return problem(error.status, title=error.title, detail=error.message, errors=error.errors or None)

    def handle_unexpected(self, error: Exception):
        if isinstance(error, HTTPException):
            return self.handle_http_exception(error)
        current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return self.handle_http_exception(InternalServerError())
