"""Absolute links to the app's pages from outside any request (jobs build messages), from BASE_URL.

Its own module so that what builds buttons (oneclick) and what renders messages (messages) both use it without
importing each other.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app
from werkzeug.routing import BuildError


def external(endpoint: str, **values) -> str | None:
    """An absolute URL from BASE_URL, outside any request (jobs); None if the page does not exist (yet)."""
    if endpoint not in current_app.view_functions:
        return None
    adapter = current_app.extensions.get("campaigns.url_adapter")
    if adapter is None:
        base = urlsplit(current_app.config["BASE_URL"])
        adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/",
                                           url_scheme=base.scheme or "https")
        current_app.extensions["campaigns.url_adapter"] = adapter
    try:
        return adapter.build(endpoint, values, force_external=True)
    except BuildError:
        return None


def path(endpoint: str, **values) -> str | None:
    url = external(endpoint, **values)
    return urlsplit(url).path if url else None
