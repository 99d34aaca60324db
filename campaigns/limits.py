"""Limits on what a request may carry, beyond MAX_CONTENT_LENGTH (the body) and the JSON depth (api/common.py).

Ids in URLs: `<int:…>` accepts at most 2**31 - 1, the largest id both databases store in an INTEGER column. A
bigger number matches no route (404), where it would otherwise overflow the database driver (a 500), and the
OpenAPI document says so (`maximum`).
"""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    def __init__(self, map, fixed_digits: int = 0, min: int | None = None,  # noqa: A002 (werkzeug's names)
                 max: int | None = MAX_ID, signed: bool = False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def init_app(app: Flask) -> None:
    """Call before any blueprint is registered: routes pick their converter when they are added."""
    app.url_map.converters["int"] = IdConverter
