"""The JSON API under /api/v1: flask-smorest blueprints, one per feature, registered from one tuple.

Conventions: bearer-token auth only; every error is RFC 9457 problem+json; every list is paginated
(`page`, `page_size`, with an `X-Pagination` header and a `Link` header).
"""

from __future__ import annotations

import importlib

from flask import Flask

#: feature modules, each exposing `blp`
BLUEPRINTS = (
    "accounts", "orgs", "concerns", "assessments", "consents", "campaigns", "volunteering", "contributions", "nudges",
    "progress", "outcomes", "reflections", "webhooks", "reports", "privacy", "homes", "campaign_workspace",
    "public",
    "sms", "content_translations", "guests",
)


def init_app(app: Flask) -> None:
    from campaigns.extensions import api, csrf
    from campaigns.schemas.fields import WallClock

    api.init_app(app)
    api.register_field(WallClock, "string", None)  # a pattern, not RFC 3339's date-time (which needs an offset)
    api.spec.components.security_scheme(
        "bearer", {"type": "http", "scheme": "bearer", "description": "A personal API token (cmp_…)."}
    )
    api.spec.components.parameter("Accept-Language", "header", {
        "name": "Accept-Language", "schema": {"type": "string", "example": "es"},
        "description": "The language of problem titles, field messages and words in the answer (en, es); "
                       "without it, the token owner's own language."})
    for name in BLUEPRINTS:
        module = importlib.import_module(f"campaigns.api.{name}")
        csrf.exempt(module.blp)
        api.register_blueprint(module.blp)
