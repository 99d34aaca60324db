"""Server-rendered pages: one blueprint per feature, registered from one tuple."""

from __future__ import annotations

import importlib

from flask import Flask

#: feature modules, each exposing `bp`
BLUEPRINTS = (
    "meta", "accounts", "orgs", "admin", "concerns", "assessments", "consents", "campaigns", "volunteering", "rosters",
    "contributions", "calendar", "nudges", "progress", "outcomes", "reflections", "webhooks", "reports", "privacy",
)


def init_app(app: Flask) -> None:
    from campaigns.web import context

    context.init_app(app)
    for name in BLUEPRINTS:
        app.register_blueprint(importlib.import_module(f"campaigns.web.{name}").bp)
