"""My inbox, my notification settings (with "step back"), and the no-login pages mail links lead to: one-click
confirm and cancel, and the RFC 8058 unsubscribe. Coordinators' and admins' pages are in web/reminders.py."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import marshmallow as ma
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import login_required

from campaigns import clock
from campaigns.auth import current_user
from campaigns.db import get_session
from campaigns.extensions import csrf
from campaigns.nudges import inbox, oneclick
from campaigns.nudges import settings as notification_settings
from campaigns.nudges.planning import rules as rn
from campaigns.pagination import page_of
from campaigns.schemas.fields import StrictSchema
from campaigns.schemas.nudges import SettingsIn
from campaigns.services import policy
from campaigns.services.errors import DomainError
from campaigns.web import forms

bp = Blueprint("nudges", __name__)


# -- inbox --------------------------------------------------------------------------------------------------------
@bp.get("/inbox")
@login_required
def inbox_page():
    page = page_of(inbox.items(get_session(), current_user()), size=30)
    step_backs = oneclick.inbox_step_backs(get_session(), current_user(), page.items)
    return render_template("nudges/inbox.html", page=page, step_backs=step_backs)


@bp.post("/inbox/<int:item_id>/read")
@login_required
def mark_read(item_id: int):
    inbox.mark_read(get_session(), current_user(), item_id)
    return redirect(url_for("nudges.inbox_page", page=request.args.get("page", 1)))


@bp.post("/inbox/read-all")
@login_required
def mark_all_read():
    inbox.mark_read(get_session(), current_user())
    flash(_("Everything is marked as read."), "success")
    return redirect(url_for("nudges.inbox_page"))


# -- settings -----------------------------------------------------------------------------------------------------
class StepBackIn(StrictSchema):
    until = ma.fields.Date(required=True)
    release_shifts = ma.fields.Boolean(load_default=False)


def _settings_page(form=None, step_form=None, status=200):
    user = current_user()
    settings = notification_settings.get(get_session(), user)
    values = {**settings.model_dump(), "quiet_start": settings.quiet_start.strftime("%H:%M"),
              "quiet_end": settings.quiet_end.strftime("%H:%M")}
    upcoming = notification_settings.upcoming_signups(get_session(), user)
    coordinating = "coordinator_nudges" in policy.account_features(get_session(), user)
    kinds = {k: label for k, label in rn.MUTABLE_KINDS.items() if coordinating or k not in rn.COORDINATOR_KINDS}
    return render_template("nudges/settings.html", form=form or forms.Form(values=values), settings=settings,
                           now_utc=clock.now(), step_form=step_form or forms.Form(), kinds=kinds, upcoming=upcoming,
                           sms_kinds=rn.SMS_KINDS, mobile=user.mobile,
                           digests=[("immediate", _("At once")), ("daily", _("Once a day")),
                                    ("weekly", _("Once a week, on Monday"))]), status


@bp.route("/account/notifications", methods=["GET", "POST"])
@login_required
def settings():
    if request.method == "GET":
        return _settings_page()
    form = forms.load(SettingsIn())
    if form.ok:
        data = dict(form.data)
        if "muted_kinds__present" in request.form and "muted_kinds" not in data:
            data["muted_kinds"] = []  # every switch on: the browser sends none of them
        if "sms_kinds__present" in request.form and "sms_kinds" not in data:
            data["sms_kinds"] = []
        try:
            notification_settings.update(get_session(), current_user(), **data)
        except DomainError as error:
            form.fail(error)
        else:
            flash(_("Your notification settings are saved."), "success")
            return redirect(url_for("nudges.settings"))
    return _settings_page(form=form, status=422)


@bp.post("/account/notifications/step-back")
@login_required
def step_back():
    form = forms.load(StepBackIn())
    if form.ok:
        user = current_user()
        settings = notification_settings.get(get_session(), user)
        # the break ends on the chosen day's morning, in the person's own time zone
        until = datetime.combine(form.data["until"], settings.quiet_end, tzinfo=ZoneInfo(user.timezone))
        try:
            freed = notification_settings.step_back(get_session(), user, until=until,
                                                    release_shifts=form.data["release_shifts"])
        except DomainError as error:
            form.fail(error)
        else:
            until = format_date(form.data["until"], "long")
            flash(_("Take all the time you need. We'll be quiet until %(day)s.", day=until)
                  + (" " + _("Your places are free for others now.") if freed else ""), "success")
            return redirect(url_for("nudges.settings"))
    return _settings_page(step_form=form, status=422)


@bp.post("/account/notifications/resume")
@login_required
def resume():
    notification_settings.resume(get_session(), current_user())
    flash(_("Welcome back. Nudges are on again."), "success")
    return redirect(url_for("nudges.settings"))


# -- one-click pages (no login: the signed token is the credential) ------------------------------------------------
def _oneclick(raw: str, choice: str):
    session = get_session()
    try:
        ticket = oneclick.read(session, raw, choice)
    except DomainError as error:
        return render_template("nudges/oneclick.html", error=error.message, choice=choice), 400
    if request.method == "GET":
        return render_template("nudges/oneclick.html", ticket=ticket, choice=choice, token=raw)
    try:
        changed = oneclick.confirm(session, ticket) if choice == "confirm" else oneclick.cancel(session, ticket)
    except DomainError as error:
        return render_template("nudges/oneclick.html", error=error.message, choice=choice), 409
    return render_template("nudges/oneclick.html", ticket=ticket, choice=choice, done=True, changed=changed)


@bp.route("/n/confirm/<token>", methods=["GET", "POST"])
@csrf.exempt
def oneclick_confirm(token: str):
    return _oneclick(token, "confirm")


@bp.route("/n/cancel/<token>", methods=["GET", "POST"])
@csrf.exempt
def oneclick_cancel(token: str):
    return _oneclick(token, "cancel")


@bp.route("/n/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str):
    """RFC 8058: a mail client POSTs `List-Unsubscribe=One-Click` here; a person clicking gets a button first."""
    try:
        if request.method == "GET":  # a page with a button: GET never changes anything (link scanners follow it)
            _user, kind = notification_settings.read_unsubscribe(get_session(), token)
            return render_template("nudges/unsubscribe.html", token=token, kind=rn.MUTABLE_KINDS.get(kind, kind))
        _user, kind = notification_settings.unsubscribe(get_session(), token)
    except DomainError as error:
        return render_template("nudges/unsubscribe.html", error=error.message), 400
    return render_template("nudges/unsubscribe.html", done=True, kind=rn.MUTABLE_KINDS.get(kind, kind))
