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
    number = request.args.get("page", 1, type=int) or 1
    number = max(1, number)
    session = get_session()
    total = count(session, query)
    items = list(session.exec(query.offset((number - 1) * size).limit(size)))
    return Page(items=items, number=number, size=size, total=total)
