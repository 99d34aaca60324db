"""Server-rendered pages: one blueprint per feature, registered from one tuple."""

from __future__ import annotations

import importlib

from flask import Flask

#: feature modules, each exposing `bp`
BLUEPRINTS = (
    "meta", "accounts", "orgs", "admin", "concerns", "assessments", "consents", "campaigns", "volunteering", "rosters",
    "contributions", "calendar", "nudges", "progress", "outcomes", "reflections", "webhooks", "reports", "privacy",
    "sms", "public", "content_translations", "guests",
)


#: modules that add pages to another feature's blueprint (so its endpoint names stay), by that feature; each is
#: imported before the blueprint is registered, since a registered blueprint takes no more routes
PAGES_ON = {"volunteering": ("signups",), "campaigns": ("goals", "campaign_team"), "nudges": ("reminders",)}


#: the pages the scheduler's messages link to: its app has their URL rules (nudges/messages.py builds links
#: from them, and leaves out a link whose page is missing), and none of the other pages
LINKED_FROM_MESSAGES = ("meta", "campaigns", "volunteering", "nudges", "sms", "public")


def init_app(app: Flask, blueprints: tuple[str, ...] = BLUEPRINTS) -> None:
    from campaigns.web import caching, context

    context.init_app(app)
    caching.init_app(app)
    for name in blueprints:
        module = importlib.import_module(f"campaigns.web.{name}")
        for more in PAGES_ON.get(name, ()):
            importlib.import_module(f"campaigns.web.{more}")
        app.register_blueprint(module.bp)
