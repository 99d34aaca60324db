"""Limits on what a request may carry, beyond MAX_CONTENT_LENGTH (the body) and the JSON depth (api/blueprint.py).

Ids in URLs: `<int:…>` accepts at most 2**31 - 1, the largest id both databases store in an INTEGER column. A
bigger number matches no route (404), where it would otherwise overflow the database driver (a 500), and the
OpenAPI document says so (`maximum`). Ids read from a query string go through `row_id` for the same reason.

Text: control characters (NUL, which PostgreSQL cannot store, and the rest of C0, DEL and C1) and lone surrogates
(which have no UTF-8) are refused everywhere; long text (`multiline`) may hold tabs and line breaks. Input schemas
refuse them per field (schemas/fields.py); a path holding them is a 404, a query string a 4xx, before any view runs.
"""

from __future__ import annotations

import re

from flask import Flask, request
from flask_babel import gettext as _
from flask_smorest import abort
from werkzeug.routing import IntegerConverter

from campaigns.domain.text import N_

MAX_ID = 2**31 - 1
CONTROL_MESSAGE = N_("Remove the invisible control characters from this text.")
ONE_LINE_MESSAGE = N_("Keep this on one line, without tabs or line breaks.")

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_OR_BREAK = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def text_problem(text: str, *, multiline: bool = False) -> str | None:
    """Why `text` cannot be taken as it is, or None."""
    if _CONTROL.search(text):
        return CONTROL_MESSAGE
    if not multiline and _CONTROL_OR_BREAK.search(text):
        return ONE_LINE_MESSAGE
    return None


def row_id(value: str) -> int:
    """A row id from a query string (`request.args.get(name, type=row_id)`): anything else is left out."""
    number = int(value)
    if not 1 <= number <= MAX_ID:
        raise ValueError(value)
    return number


class IdConverter(IntegerConverter):
    def __init__(self, map, fixed_digits: int = 0, min: int | None = None,  # noqa: A002 (werkzeug's names)
                 max: int | None = MAX_ID, signed: bool = False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def _refuse_control_characters() -> None:
    if _CONTROL_OR_BREAK.search(request.path):
        abort(404)
    names = sorted({name for name, value in request.args.items(multi=True)
                    if text_problem(name) or text_problem(value)})
    if not names:
        return
    if request.path.startswith("/api/"):
        abort(422, messages={"query": {name: [CONTROL_MESSAGE] for name in names}})
    abort(400, message=_("That address holds characters that can't be used. Check the link and try again."))


def init_app(app: Flask) -> None:
    """Call before any blueprint is registered: routes pick their converter when they are added."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(_refuse_control_characters)
