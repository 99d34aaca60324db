"""Coordinators' pages: a campaign's reminder rules and its delivery status; admins' dead-letter page.
Routes on the `nudges` blueprint (web/nudges.py)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlmodel import col, select

from campaigns.auth import current_user
from campaigns.db import get_session
from campaigns.domain.model import Action, Campaign, Organisation, Task
from campaigns.domain.text import N_
from campaigns.limits import row_id
from campaigns.nudges import outbox as nudge_rows
from campaigns.nudges.planning import reminders
from campaigns.nudges.planning import rules as rn
from campaigns.pagination import page_of
from campaigns.schemas.nudges import RuleChangeIn, RuleIn
from campaigns.services import policy
from campaigns.services.errors import DomainError
from campaigns.web import forms
from campaigns.web.nudges import bp
from campaigns.web.orgs import org_for

ANCHOR_WORDS = {"action_start": N_("the action starts"), "action_end": N_("the action ends"),
                "task_deadline": N_("a task's deadline"), "campaign_deadline": N_("the campaign's deadline"),
                "goal_due": N_("a goal's due date"), "signup": N_("someone signs up"), "event": N_("it happens")}
AUDIENCE_WORDS = {"confirmed": N_("volunteers with a place"), "waitlisted": N_("people on the waiting list"),
                  "members_without_signup": N_("campaign members who haven't signed up"),
                  "coordinators": N_("coordinators"), "consenting_workers": N_("workers of clients who consented"),
                  "recorded": N_("everyone who had a place")}
#: each template a rule may send (rn.RULE_TEMPLATES), by what its message says
TEMPLATE_WORDS = {"reminder": N_("A plain reminder"), "day_before": N_("The day before: still coming?"),
                  "two_hours_before": N_("Starting soon"), "after_action": N_("Afterwards: how did it go?"),
                  "task_deadline": N_("A task's deadline is coming up"),
                  "unfilled_tasks": N_("Places still free: can you join?")}
#: how a nudge travels, in words
CHANNEL_WORDS = {"inapp": N_("In the app"), "email": N_("Email"), "webhook": N_("Webhook"), "sms": N_("Text message")}


def _campaign(campaign_id: int) -> Campaign:
    return policy.campaign_for(get_session(), current_user(), campaign_id, "nudges.manage")


@bp.get("/o/<slug>/reminders")
@login_required
def org_reminders(slug: str):
    session, org = get_session(), org_for(slug, "nudges.manage")
    campaigns = list(session.exec(select(Campaign).where(Campaign.org_id == org.id).order_by(Campaign.name)))
    return render_template("nudges/org.html", org=org, campaigns=campaigns)


def _in_reader_words(words: dict[str, str]) -> dict[str, str]:
    """The labels in the reader's language (the form's options show them as given)."""
    return {key: _(label) for key, label in words.items()}


def _rules_page(campaign: Campaign, form=None, status=200, editing: str | None = None):
    rules = reminders.effective_rules(get_session(), campaign.id, include_disabled=True)
    values = {"template": "reminder", "channels": list(rn.CHANNELS), "offset_minutes": "-1440", "offset_days": "0"}
    return render_template("nudges/rules.html", campaign=campaign, rules=rules, form=form or forms.Form(values=values),
                           anchors=_in_reader_words(ANCHOR_WORDS), audiences=_in_reader_words(AUDIENCE_WORDS),
                           templates=[(code, _(TEMPLATE_WORDS[code])) for code in rn.RULE_TEMPLATES],
                           channels={code: _(CHANNEL_WORDS[code]) for code in rn.CHANNELS}, editing=editing), status


@bp.route("/campaigns/<int:campaign_id>/reminders", methods=["GET", "POST"])
@login_required
def rules(campaign_id: int):
    campaign = _campaign(campaign_id)
    if request.method == "GET":
        return _rules_page(campaign)
    done, form = forms.submit(
        RuleIn(),
        lambda **data: reminders.add_rule(get_session(), campaign, actor=current_user(), **data),
        done=_("The reminder is added. It is planned for everything coming up."),
        then=url_for("nudges.rules", campaign_id=campaign.id))
    if done:
        return done
    return _rules_page(campaign, form, 422)


@bp.post("/campaigns/<int:campaign_id>/reminders/<key>")
@login_required
def change_rule(campaign_id: int, key: str):
    campaign = _campaign(campaign_id)
    form = forms.load(RuleChangeIn())
    if form.ok:
        try:
            reminders.change_rule(get_session(), campaign, key, actor=current_user(), **form.data)
        except DomainError as error:
            if error.status == 404:
                raise
            form.fail(error)
        else:
            flash(_("The reminder is saved; what it had planned is re-planned."), "success")
            return redirect(url_for("nudges.rules", campaign_id=campaign.id))
    return _rules_page(campaign, form, 422, editing=key)


@bp.post("/campaigns/<int:campaign_id>/reminders/<key>/delete")
@login_required
def delete_rule(campaign_id: int, key: str):
    campaign = _campaign(campaign_id)
    try:
        reminders.delete_rule(get_session(), campaign, key, actor=current_user())
        flash(_("The reminder is deleted."), "success")
    except DomainError as error:
        if error.status == 404:
            raise
        flash(_(error.message), "error")
    return redirect(url_for("nudges.rules", campaign_id=campaign.id))


@bp.get("/campaigns/<int:campaign_id>/deliveries")
@login_required
def deliveries(campaign_id: int):
    campaign = _campaign(campaign_id)
    session = get_session()
    status = request.args.get("status") if request.args.get("status") in nudge_rows.STATUSES else None
    subject = None
    if request.args.get("action", type=row_id):
        subject = ("action", request.args.get("action", type=row_id))
    counts = nudge_rows.status_counts(session, campaign.id)
    actions = list(session.exec(select(Action).where(Action.campaign_id == campaign.id)
                                .order_by(col(Action.starts_at))))
    tasks = {t.id: t for t in session.exec(select(Task).where(Task.campaign_id == campaign.id))}
    page = page_of(nudge_rows.campaign_nudges(campaign.id, status=status, subject=subject))
    return render_template("nudges/deliveries.html", campaign=campaign, counts=counts, actions=actions,
                           tasks=tasks, page=page, status=status, subject=subject, statuses=nudge_rows.STATUSES)


@bp.get("/admin/nudges")
@login_required
def dead_letters():
    policy.require_admin(current_user())
    page = page_of(nudge_rows.dead_letters())
    ids = {n.org_id for n in page.items if n.org_id is not None}
    groups = {o.id: o.name for o in get_session().exec(select(Organisation).where(col(Organisation.id).in_(ids)))}
    return render_template("nudges/dead.html", page=page, kinds=rn.MUTABLE_KINDS, groups=groups,
                           channels=_in_reader_words(CHANNEL_WORDS))


@bp.post("/admin/nudges/<int:nudge_id>/retry")
@login_required
def retry(nudge_id: int):
    policy.require_admin(current_user())
    try:
        nudge_rows.retry_dead(get_session(), nudge_id=nudge_id, actor=current_user())
        flash(_("It will be tried again within a minute."), "success")
    except DomainError as error:
        if error.status == 404:
            abort(404)
        flash(_(error.message), "error")
    return redirect(url_for("nudges.dead_letters"))

