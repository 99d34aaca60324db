"""Calendar feeds (RFC 5545): the secret personal feed and its page, campaign feeds, and .ics downloads.

Feeds are fetched by calendar apps without cookies, so the personal feed is opened by the secret in its URL
(compared by its hash); members-only campaigns are reachable the same way, public campaigns have a public feed.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from campaigns.auth import current_user
from campaigns.db import get_session
from campaigns.domain.model import Campaign, User
from campaigns.i18n import in_language_of
from campaigns.services import calendar, policy, volunteering

bp = Blueprint("calendar", __name__)


def _host() -> str:
    """The stable host in UIDs (from BASE_URL, not the request, so UIDs never change with the address used)."""
    return urlsplit(current_app.config["BASE_URL"]).hostname or "campaigns.local"


def _link(kind: str, row_id: int) -> str:
    endpoint = "volunteering.action_page" if kind == "action" else "volunteering.task_page"
    return url_for(endpoint, _external=True, **{f"{kind}_id": row_id})


def _ics(data: bytes, filename: str) -> Response:
    return Response(data, mimetype="text/calendar", headers={
        "Content-Disposition": f'inline; filename="{filename}"', "Cache-Control": "private, max-age=300",
        "Referrer-Policy": "no-referrer"})


def _feed_user(token: str) -> User:
    user = calendar.user_for_token(get_session(), token)
    if user is None:
        abort(404)
    return user


@bp.get("/calendar/<token>.ics")
def personal_feed(token: str):
    user = _feed_user(token)
    with in_language_of(user):  # no login: the feed owner's language
        data = calendar.personal_feed(get_session(), user, host=_host(), link=_link)
    return _ics(data, "my-tasks.ics")


@bp.get("/calendar/<token>/campaigns/<int:campaign_id>.ics")
def member_campaign_feed(token: str, campaign_id: int):
    """A campaign's actions for a member, opened by their personal feed secret."""
    user = _feed_user(token)
    campaign = policy.campaign_for(get_session(), user, campaign_id)
    with in_language_of(user):
        data = calendar.campaign_feed(get_session(), campaign, viewer=user, host=_host(), link=_link)
    return _ics(data, f"campaign-{campaign.id}.ics")


@bp.get("/calendar/campaigns/<int:campaign_id>.ics")
def public_campaign_feed(campaign_id: int):
    """A public campaign's actions, for anyone (private places left out)."""
    campaign = get_session().get(Campaign, campaign_id)
    if campaign is None or campaign.visibility != "public":
        abort(404)
    data = calendar.campaign_feed(get_session(), campaign, viewer=None, host=_host(), link=_link)
    return _ics(data, f"campaign-{campaign.id}.ics")


@bp.get("/actions/<int:action_id>.ics")
@login_required
def action_ics(action_id: int):
    action = volunteering.action_for(get_session(), current_user(), action_id)
    data = calendar.action_calendar(get_session(), action, viewer=current_user(), host=_host(), link=_link)
    return Response(data, mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="action-{action.id}.ics"'})


@bp.get("/my/calendar")
@login_required
def page():
    return render_template("volunteering/calendar.html", has_feed=current_user().calendar_token_hash is not None,
                           new_url=None, campaign_feeds=[])


@bp.post("/my/calendar")
@login_required
def issue():
    """Create or replace the secret feed address, shown once on the page that answers."""
    token = calendar.issue_token(get_session(), user=current_user())
    feeds = [(c, url_for("calendar.member_campaign_feed", token=token, campaign_id=c.id, _external=True))
             for c in volunteering.campaigns_with_actions(get_session(), current_user())]
    return render_template("volunteering/calendar.html", has_feed=True, campaign_feeds=feeds,
                           new_url=url_for("calendar.personal_feed", token=token, _external=True)), 201


@bp.post("/my/calendar/revoke")
@login_required
def revoke():
    calendar.revoke_token(get_session(), user=current_user())
    flash(_("Your calendar feed is off. Its address no longer works."), "success")
    return redirect(url_for("calendar.page"))
