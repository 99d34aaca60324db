"""What every API blueprint uses: the caller, pagination, and shared schemas."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import marshmallow as ma
from flask import after_this_request, current_app, request
from flask_babel import gettext as _
from flask_smorest import Blueprint as SmorestBlueprint
from flask_smorest import abort
from webargs.flaskparser import FlaskParser

from campaigns import limits
from campaigns.auth import current_user
from campaigns.db import count, get_session
from campaigns.domain.model import User
from campaigns.domain.rules import zone_names

PREFIX = "/api/v1"
BEARER = [{"bearer": []}]
#: text this long or longer may span lines (descriptions, notes, messages), shorter text is one line (names, titles)
MULTILINE_FROM = 1000
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


def paginate(query, pagination_parameters, transform: Callable[[Any], Any] | None = None) -> list:
    """One page of a select(), counting the total for the X-Pagination and Link headers."""
    session = get_session()
    pagination_parameters.item_count = count(session, query)
    page, size = pagination_parameters.page, pagination_parameters.page_size
    # a page far past the end is empty (an offset that large would overflow the database driver)
    beyond = (page - 1) * size >= pagination_parameters.item_count
    rows = [] if beyond else list(session.exec(query.offset((page - 1) * size).limit(size)))
    _add_link_header(page, size, pagination_parameters.item_count)
    return [transform(row) for row in rows] if transform else rows


def _add_link_header(page: int, size: int, total: int) -> None:
    last = max(1, -(-total // size))
    links = {"first": 1, "last": last}
    if page > 1:
        links["prev"] = page - 1
    if page < last:
        links["next"] = page + 1

    @after_this_request
    def _link(response):
        base = request.base_url
        response.headers["Link"] = ", ".join(
            f'<{base}?page={n}&page_size={size}>; rel="{rel}"' for rel, n in links.items()
        )
        return response


class StrictSchema(ma.Schema):
    """Input schemas refuse unknown fields (marshmallow's default), and say so per field.

    Loaded from a JSON body (the API), values must have their JSON type: marshmallow would take 0 for false,
    "5" for 5 and a lone string for a list, which pages' forms need but the OpenAPI document does not allow.
    """

    class Meta:
        unknown = ma.RAISE

    #: set by Blueprint.arguments on the schemas it loads from a JSON body
    json_body = False

    @ma.pre_load
    def _readable_text(self, data, **_kwargs):
        """Control characters are refused in every field, before any other rule (see campaigns.limits)."""
        if not isinstance(data, dict):
            return data
        fields = {f.data_key or name: f for name, f in self.fields.items()}
        errors = {key: [problem] for key, value in data.items()
                  if (problem := _text_problem(value, multiline=_is_multiline(fields.get(key))))}
        if errors:
            raise ma.ValidationError(errors)
        return data

    @ma.pre_load
    def _json_types(self, data, **_kwargs):
        if not self.json_body or not isinstance(data, dict):
            return data
        fields = {f.data_key or name: f for name, f in self.fields.items()}
        errors = {key: [_JSON_TYPE_ERRORS[kind]] for key, value in data.items()
                  if value is not None and (kind := _json_kind(fields.get(key))) and not _is_json(kind, value)}
        if errors:
            raise ma.ValidationError(errors)
        return data


def _is_multiline(declared) -> bool:
    if isinstance(declared, ma.fields.List):
        declared = declared.inner
    return bool(getattr(declared, "multiline", False))


def _text_problem(value, *, multiline: bool) -> str | None:
    """The first problem with the text anywhere in a submitted value (nested lists and objects included)."""
    if isinstance(value, str):
        return limits.text_problem(value, multiline=multiline)
    if isinstance(value, dict):
        value = [*value.keys(), *value.values()]
    if isinstance(value, list):
        return next((p for item in value if (p := _text_problem(item, multiline=multiline))), None)
    return None


_JSON_TYPE_ERRORS = {"boolean": "Not a valid boolean.", "integer": "Not a valid integer.",
                     "number": "Not a valid number.", "array": "Not a valid list."}


def _json_kind(declared) -> str | None:
    if isinstance(declared, ma.fields.Boolean):
        return "boolean"
    if isinstance(declared, ma.fields.Integer):
        return "integer"
    if isinstance(declared, ma.fields.Number):
        return "number"
    if isinstance(declared, ma.fields.List):
        return "array"
    return None


def _is_json(kind: str, value) -> bool:
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "integer":  # marshmallow would cut 2.5 down to 2
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer())
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, list)


class Timezone(ma.fields.String):
    """An IANA time zone name, like Europe/London (the OpenAPI document lists them all, as an enum)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("validate", ma.validate.OneOf(
            sorted(zone_names()), error="Choose a time zone from the list, like Europe/London."))
        super().__init__(**kwargs)


class Id(ma.fields.Integer):
    """A row id in a request body: 1 to 2**31 - 1 (what both databases store), documented as such, so a
    huge number is a 422 at the edge and never overflows the database driver."""

    def __init__(self, **kwargs):
        kwargs.setdefault("validate", ma.validate.Range(min=1, max=limits.MAX_ID, error="Choose one from the list."))
        super().__init__(**kwargs)


class ClockTime(ma.fields.Time):
    """A time of day like 21:00 (or 21:00:00); the document gives the pattern, so any value it allows loads."""

    def __init__(self, **kwargs):
        metadata = {"pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$", **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)


class WallClock(ma.fields.NaiveDateTime):
    """Wall-clock time where something happens, without an offset, like 2026-05-01T18:00 (services turn it into
    UTC with the place's time zone). Documented by its pattern, not as RFC 3339 date-time, which needs an offset."""

    PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"
    default_error_messages = {
        "invalid": "Enter a date and time that exists, like 2026-05-01T18:00.",
        "invalid_awareness": "Give the local time where it happens, without an offset, like 2026-05-01T18:00.",
    }

    def __init__(self, **kwargs):
        super().__init__(metadata={"pattern": self.PATTERN, **kwargs.pop("metadata", {})}, **kwargs)


class Text(ma.fields.String):
    """A trimmed string with a length limit: empty and oversized text are refused at the edge.

    The length is checked as sent (what the OpenAPI document's minLength/maxLength say), then the text is trimmed;
    text that is only spaces counts as empty (the document's pattern asks for a non-space character). Long text
    (1,000 characters or more, or `multiline=True`) may hold tabs and line breaks; shorter text is one line."""

    default_error_messages = {"blank": "Write something here; spaces alone don't count."}
    #: whether tabs and line breaks are allowed (StrictSchema refuses other control characters everywhere)
    multiline = False

    def __init__(self, *, max_length: int, min_length: int = 0, multiline: bool | None = None, **kwargs):
        self.multiline = max_length >= MULTILINE_FROM if multiline is None else multiline
        if min_length:
            kwargs["metadata"] = {"pattern": r"\S", **kwargs.get("metadata", {})}
        super().__init__(validate=ma.validate.Length(min=min_length, max=max_length), **kwargs)

    def deserialize(self, value, attr=None, data=None, **kwargs):
        result = super().deserialize(value, attr, data, **kwargs)
        if isinstance(result, str):
            result = result.strip()
            least = max([v.min or 0 for v in self.validators if isinstance(v, ma.validate.Length)] or [0])
            if len(result) < least:
                raise self.make_error("blank")
        return result
