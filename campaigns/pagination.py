"""One paginator for every long list: pages (?page=N) and the API (page, page_size) cut a select() the same way."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import request

from campaigns.db import count, get_session


@dataclass
class Page:
    items: list[Any]
    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def cut(query, *, number: int, size: int, past_end: str = "empty") -> Page:
    """Page `number` of a select(), with the total. A number past the last page gives no rows
    (`past_end="empty"`, the API's answer) or the last page (`"last"`, what a page shows); either way no
    offset that large reaches the database (it would overflow the driver)."""
    session = get_session()
    total = count(session, query)
    pages = max(1, -(-total // size))
    if number > pages and past_end == "last":
        number = pages
    beyond = (number - 1) * size >= total
    items = [] if beyond else list(session.exec(query.offset((number - 1) * size).limit(size)))
    return Page(items=items, number=number, size=size, total=total)


def page_of(query, size: int = 50) -> Page:
    """The page `?page=` asks for, on a web page; anything but a number shows the first."""
    return cut(query, number=max(1, request.args.get("page", 1, type=int) or 1), size=size, past_end="last")
