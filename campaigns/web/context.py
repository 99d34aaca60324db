"""What every template can use: the current person, their organisations, the unread count, helpers."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, g, has_request_context

from campaigns.auth import current_user
from campaigns.db import get_session
from campaigns.i18n import local_moment
from campaigns.nudges import inbox
from campaigns.services import content_translations, orgs, policy


def my_orgs():
    if "my_orgs" not in g:
        user = current_user()
        g.my_orgs = orgs.of_user(get_session(), user) if user else []
    return g.my_orgs


def local_time(moment: datetime | None, zone: str | None = None, fmt: str = "datetime") -> str:
    """A UTC moment as wall-clock time in `zone` (default: the viewer's), in the viewer's language; `fmt` is one
    of i18n.MOMENT_STYLES (datetime, date, time, day, weekday, stamp)."""
    if moment is None:
        return ""
    user = current_user()
    zone = zone or (user.timezone if user else "UTC")
    return local_moment(moment, zone, fmt)


def init_app(app: Flask) -> None:
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.globals["shown"] = content_translations.shown

    @app.context_processor
    def _globals():
        if not has_request_context():  # mail rendered by jobs and commands
            return {"me": None}
        return {
            "me": current_user(),
            "my_orgs": my_orgs,
            "allowed": lambda permission, org_id, campaign_id=None: policy.allowed(
                get_session(), current_user(), permission, org_id, campaign_id=campaign_id),
            "unread_count": lambda: _unread(),
        }


def _unread() -> int:
    user = current_user()
    return inbox.unread_count(get_session(), user) if user else 0
