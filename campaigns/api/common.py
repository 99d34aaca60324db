"""What every API blueprint uses: the caller, pagination, and shared schemas."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import marshmallow as ma
from flask import after_this_request, request
from flask_smorest import Blueprint as SmorestBlueprint
from flask_smorest import abort
from sqlalchemy import func
from sqlmodel import select

from campaigns.auth import current_user
from campaigns.db import get_session
from campaigns.domain.model import User
from campaigns.domain.rules import is_valid_timezone

PREFIX = "/api/v1"
BEARER = [{"bearer": []}]


class Blueprint(SmorestBlueprint):
    """A feature's API blueprint: bearer auth documented and JSON bodies required on writes."""

    def __init__(self, name: str, import_name: str, *, description: str, url_prefix: str = PREFIX):
        super().__init__(name, import_name, url_prefix=url_prefix, description=description)
        self.before_request(_require_json_body)


def _require_json_body():
    if request.method in {"POST", "PUT", "PATCH"} and request.content_length:
        if not request.is_json:
            abort(415, message="Send the body as JSON, with Content-Type: application/json.")


def caller() -> User:
    """The user behind the bearer token, or a 401 problem."""
    user = current_user()
    if user is None:
        abort(401, message="Send a personal API token as 'Authorization: Bearer cmp_…'.",
              headers={"WWW-Authenticate": 'Bearer realm="campaigns"'})
    return user


def paginate(query, pagination_parameters, transform: Callable[[Any], Any] | None = None) -> list:
    """One page of a select(), counting the total for the X-Pagination and Link headers."""
    session = get_session()
    count_query = select(func.count()).select_from(query.order_by(None).subquery())
    pagination_parameters.item_count = session.exec(count_query).one()
    page, size = pagination_parameters.page, pagination_parameters.page_size
    rows = list(session.exec(query.offset((page - 1) * size).limit(size)))
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
    """Input schemas refuse unknown fields (marshmallow's default), and say so per field."""

    class Meta:
        unknown = ma.RAISE


class Timezone(ma.fields.String):
    """An IANA time zone name, like Europe/London."""

    def _deserialize(self, value, attr, data, **kwargs):
        result = super()._deserialize(value, attr, data, **kwargs).strip()
        if not is_valid_timezone(result):
            raise ma.ValidationError("Choose a time zone from the list, like Europe/London.")
        return result


class Text(ma.fields.String):
    """A trimmed string with a length limit: empty and oversized text are refused at the edge."""

    def __init__(self, *, max_length: int, min_length: int = 0, **kwargs):
        super().__init__(validate=ma.validate.Length(min=min_length, max=max_length), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        result = super()._deserialize(value, attr, data, **kwargs)
        return result.strip() if isinstance(result, str) else result
