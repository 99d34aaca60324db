"""Paging long lists on pages (?page=N), the same way everywhere."""

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


def page_of(query, size: int = 50) -> Page:
    """The page `?page=` asks for; a number past the last page shows the last one (an offset that large would
    overflow the database driver), and anything but a number shows the first."""
    session = get_session()
    total = count(session, query)
    last = max(1, -(-total // size))
    number = min(max(1, request.args.get("page", 1, type=int) or 1), last)
    items = list(session.exec(query.offset((number - 1) * size).limit(size)))
    return Page(items=items, number=number, size=size, total=total)
