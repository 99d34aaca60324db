"""Coordinators' rosters (attendance, contributions to verify), volunteers' check-in, and messages to volunteers."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from campaigns.auth import current_user
from campaigns.db import get_session
from campaigns.domain.model import Campaign, Goal, Signup, Task, User
from campaigns.schemas.volunteering import AttendanceIn, CheckInIn, MessageIn
from campaigns.services import attendance, audit, contributions, volunteering
from campaigns.services.errors import DomainError, NotFound
from campaigns.web import forms
from campaigns.web.volunteering import task_home

bp = Blueprint("rosters", __name__)


def _roster_page(*, action_id: int | None = None, task_id: int | None = None):
    session, me = get_session(), current_user()
    rows = attendance.roster(session, viewer=me, action_id=action_id, task_id=task_id)
    subject = (volunteering.action_for(session, me, action_id) if action_id
               else volunteering.task_for(session, me, task_id))  # type: ignore[arg-type]
    tasks = attendance.roster_tasks(session, viewer=me, action_id=action_id, task_id=task_id)
    campaign = session.get(Campaign, subject.campaign_id)
    pending = list(session.exec(contributions.pending_of_campaign(subject.campaign_id, action_id=action_id)))
    people = {c.user_id: session.get(User, c.user_id) for c in pending if c.user_id}
    audit.log_reads(session, viewer_id=me.id, subject_ids=people, what="contributions_to_check",
                    campaign=campaign.name)
    return render_template("volunteering/roster.html", subject=subject, is_action=action_id is not None,
                           campaign=campaign, tasks=tasks, rows=rows, pending=pending, people=people,
                           goals=_goal_names(session, pending),
                           for_another=contributions.waiting_for_another(session, pending, me))


def _goal_names(session, pending) -> dict[int, Goal | None]:
    return {c.goal_id: session.get(Goal, c.goal_id) for c in pending}


@bp.get("/actions/<int:action_id>/roster")
@login_required
def action_roster(action_id: int):
    return _roster_page(action_id=action_id)


@bp.get("/tasks/<int:task_id>/roster")
@login_required
def task_roster(task_id: int):
    return _roster_page(task_id=task_id)


@bp.post("/signups/<int:signup_id>/attendance")
@login_required
def mark_attendance(signup_id: int):
    session = get_session()
    signup = session.get(Signup, signup_id)
    if signup is None:
        raise NotFound()
    # authorise before reading the form: others (and other organisations) learn nothing from a bad form
    volunteering.task_for(session, current_user(), signup.task_id, "campaign.manage")
    form = forms.load(AttendanceIn())
    if not form.ok:
        return redirect(request.referrer or url_for("meta.home"))
    try:
        attendance.record_attendance(session, signup_id=signup_id, user=current_user(), **form.data)
        flash(_("Attendance saved."), "success")
    except DomainError as error:
        if error.status == 404:
            raise
        flash(_(error.message), "error")
    task = session.get(Task, signup.task_id)
    if task.action_id:
        return redirect(url_for("rosters.action_roster", action_id=task.action_id))
    return redirect(url_for("rosters.task_roster", task_id=task.id))


@bp.post("/actions/<int:action_id>/check-in")
@login_required
def check_in(action_id: int):
    volunteering.action_for(get_session(), current_user(), action_id, "volunteer")  # 404 for outsiders first
    form = forms.load(CheckInIn())
    if form.ok:
        try:
            attendance.check_in(get_session(), action_id=action_id, user=current_user(), code=form.data["code"])
        except DomainError as error:
            if error.status == 404:
                raise
            flash(_(error.message), "error")
        else:
            flash(_("You're checked in. Welcome, and thank you for coming!"), "success")
    else:
        flash(_("Type the code shown at the action."), "error")
    return redirect(url_for("volunteering.action_page", action_id=action_id, _anchor="check-in"))


def _message_page(*, action_id: int | None = None, task_id: int | None = None):
    session, me = get_session(), current_user()
    subject = (volunteering.action_for(session, me, action_id, "campaign.manage") if action_id
               else volunteering.task_for(session, me, task_id, "campaign.manage"))  # type: ignore[arg-type]
    back = (url_for("volunteering.action_page", action_id=action_id, _external=True) if action_id
            else task_home(subject) if isinstance(subject, Task) else "")
    form = forms.Form()
    if request.method == "POST":
        done, form = forms.submit(
            MessageIn(),
            lambda **data: attendance.message_volunteers(session, user=me, action_id=action_id, task_id=task_id,
                link=back, **data),
            done=lambda sent: _("Your message is on its way to %(n)s people, in-app and by email as each chose.",
                                n=sent),
            then=url_for("rosters.action_roster", action_id=action_id) if action_id
                                else url_for("rosters.task_roster", task_id=task_id))
        if done:
            return done
    return render_template("volunteering/message.html", subject=subject, is_action=action_id is not None,
                           form=form), 422 if form.errors else 200


@bp.route("/actions/<int:action_id>/message", methods=["GET", "POST"])
@login_required
def message_action(action_id: int):
    return _message_page(action_id=action_id)


@bp.route("/tasks/<int:task_id>/message", methods=["GET", "POST"])
@login_required
def message_task(task_id: int):
    return _message_page(task_id=task_id)
