"""What every API blueprint is built on: the Blueprint (bearer auth documented, JSON bodies checked before they
are parsed) and the caller behind the token."""

from __future__ import annotations

import json

from flask import current_app, request
from flask_babel import gettext as _
from flask_smorest import Blueprint as SmorestBlueprint
from flask_smorest import abort
from webargs.flaskparser import FlaskParser

from campaigns.auth import current_user
from campaigns.domain.model import User
from campaigns.schemas.fields import StrictSchema

PREFIX = "/api/v1"
BEARER = [{"bearer": []}]
#: deepest nesting of arrays and objects a request body may have (ours need 3; a parser's recursion is finite)
MAX_JSON_DEPTH = 20


class _Parser(FlaskParser):
    """webargs's parser; a number past Python's digit limit (4,300 digits) makes json raise a plain ValueError,
    not the JSONDecodeError webargs turns into a 400, so that is a 400 problem here too, not a 500."""

    def _raw_load_json(self, req):
        try:
            return super()._raw_load_json(req)
        except json.JSONDecodeError:
            raise
        except ValueError:
            abort(400, message=_("A number in the JSON body has too many digits."))


class Blueprint(SmorestBlueprint):
    """A feature's API blueprint: bearer auth documented and JSON bodies required on writes."""

    ARGUMENTS_PARSER = _Parser()

    def __init__(self, name: str, import_name: str, *, description: str, url_prefix: str = PREFIX):
        super().__init__(name, import_name, url_prefix=url_prefix, description=description)
        self.before_request(_authenticate_first)
        self.before_request(_require_json_body)

    def arguments(self, schema, *, location: str = "json", required: bool | None = None, **kwargs):
        """As flask-smorest's, but a body is documented as required only if some field in it is, which is what
        the API enforces (an all-optional body may be left out)."""
        schema = schema() if isinstance(schema, type) else schema
        if required is None:
            required = location not in {"json", "form"} or any(f.required for f in schema.fields.values())
        if location == "json" and isinstance(schema, StrictSchema):
            schema.json_body = True
        return super().arguments(schema, location=location, required=required, **kwargs)

    def _document_pagination_metadata(self, spec, resp_doc):
        # the header is a JSON text, so it is documented as a string (an object schema would not match it)
        resp_doc.setdefault("headers", {}).update({
            self.PAGINATION_HEADER_NAME: {
                "description": "Pagination metadata as JSON: total, total_pages, first_page, last_page, page, "
                               "previous_page, next_page.",
                "schema": {"type": "string"},
            },
            "Link": {"description": "RFC 8288 links to the first, last, previous and next pages.",
                     "schema": {"type": "string"}},
        })


def _operation_doc() -> dict:
    view = current_app.view_functions.get(request.endpoint or "")
    method = getattr(getattr(view, "view_class", None), request.method.lower(), None)
    return getattr(method, "_apidoc", {})


def _authenticate_first():
    """An operation documented with bearer security refuses an anonymous caller before it reads the body, so
    a request without a token is always a 401 (never a 422 about its fields)."""
    if _operation_doc().get("manual_doc", {}).get("security") and current_user() is None:
        caller()


def _require_json_body():
    if request.method in {"POST", "PUT", "PATCH"} and request.content_length:
        if not request.is_json:
            abort(415, message=_("Send the body as JSON, with Content-Type: application/json."))
        # checked before parsing: a deep [[[[… body would otherwise exhaust the parser's recursion (a 500)
        if too_deep(request.get_data(cache=True), MAX_JSON_DEPTH):
            abort(400, message=_("The JSON body nests deeper than %(n)s levels.", n=MAX_JSON_DEPTH))


def too_deep(data: bytes, limit: int) -> bool:
    """Whether arrays and objects in a JSON text nest deeper than `limit`, found without parsing it."""
    if data.count(b"[") + data.count(b"{") <= limit:
        return False
    depth, in_string, escaped = 0, False, False
    for byte in data:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # closing quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return False


def caller() -> User:
    """The user behind the bearer token, or a 401 problem."""
    user = current_user()
    if user is None:
        abort(401, message=_("Send a personal API token as 'Authorization: Bearer cmp_…'."),
              headers={"WWW-Authenticate": 'Bearer realm="campaigns"'})
    return user


