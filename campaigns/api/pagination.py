"""Lists in the API: a page of a select() (campaigns.pagination cuts it), with X-Pagination and Link headers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import after_this_request, request

from campaigns.pagination import cut


def paginate(query, pagination_parameters, transform: Callable[[Any], Any] | None = None) -> list:
    """One page of a select(), counting the total for the X-Pagination and Link headers (a page far past the
    end is empty)."""
    page = cut(query, number=pagination_parameters.page, size=pagination_parameters.page_size)
    pagination_parameters.item_count = page.total
    add_link_header(page.number, page.size, page.total)
    return [transform(row) for row in page.items] if transform else page.items


def add_link_header(page: int, size: int, total: int) -> None:
    """RFC 8288 links to the first, last, previous and next pages, on this request's response."""
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
