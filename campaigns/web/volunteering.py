"""Action and task pages: plan, edit and move actions, and add tasks. Signing up, stepping back, signing a client
up and "My tasks" are in web/signups.py, on this same blueprint; rosters and messages are in web/rosters.py;
contributions in web/contributions.py."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from campaigns import clock
from campaigns.auth import current_user
from campaigns.db import get_session
from campaigns.domain import rules_volunteering as rules
from campaigns.domain.model import Action, Campaign, Task
from campaigns.schemas.volunteering import ActionDetailsIn, ActionIn, RescheduleIn, TaskDetailsIn, TaskIn
from campaigns.services import actions, policy, volunteering
from campaigns.services import tasks as task_service
from campaigns.services.errors import DomainError
from campaigns.web import forms

bp = Blueprint("volunteering", __name__)

FORM_TIME = "%Y-%m-%dT%H:%M"


@bp.app_context_processor
def _kinds() -> dict:
    return {"action_kinds": rules.ACTION_KINDS}


@bp.get("/campaigns/<int:campaign_id>/actions")
@login_required
def actions_section(campaign_id: int):
    """The campaign's actions and tasks: what is coming up (seats filled), and apart from it what has ended."""
    session, me = get_session(), current_user()
    campaign = policy.campaign_for(session, me, campaign_id)
    split = volunteering.campaign_schedule(session, campaign)
    return render_template("volunteering/campaign_actions.html", campaign=campaign, schedule=split,
                           can_manage=volunteering.is_coordinator(session, me, campaign.id, campaign.org_id))


def wall_clock(moment, zone: str) -> str:
    """A UTC moment as the value of a datetime-local input in `zone`."""
    return moment.astimezone(ZoneInfo(zone)).strftime(FORM_TIME) if moment else ""


def task_home(task: Task) -> str:
    """Where a task is shown: its action's page, or its own."""
    if task.action_id is not None:
        return url_for("volunteering.action_page", action_id=task.action_id, _anchor=f"task-{task.id}")
    return url_for("volunteering.task_page", task_id=task.id)


def _tasks_context(tasks: list[Task], *, action: Action | None, zone: str) -> dict:
    """What the task list shows for this viewer: their own sign-ups, waitlist places, and why a task is closed."""
    session, me, now = get_session(), current_user(), clock.now()
    mine = volunteering.my_signups_for(session, me, [t.id for t in tasks])  # type: ignore[misc]
    closed = {t.id: rules.signup_closed_reason(
        action_status=action.status if action else None, deadline=t.deadline, now=now,
        ends_at=t.ends_at or (action.ends_at if action else None)) for t in tasks}
    org_id = tasks[0].org_id if tasks else None
    ended = {t.id: rules.has_ended(t.ends_at or (action.ends_at if action else t.deadline), now) for t in tasks}
    return {
        "tasks": tasks, "mine": mine, "zone": zone, "closed": closed, "ended": ended,
        "positions": {tid: volunteering.waitlist_position(session, s) for tid, s in mine.items()},
        "waiting": {t.id: volunteering.waitlist_length(session, t.id) for t in tasks},  # type: ignore[arg-type]
        "can_act_for": org_id is not None and policy.allowed(session, me, "act_for_client", org_id),
    }


@bp.get("/actions/<int:action_id>")
@login_required
def action_page(action_id: int):
    session, me = get_session(), current_user()
    action = volunteering.action_for(session, me, action_id)
    tasks = list(session.exec(volunteering.tasks_of_action(action.id)))  # type: ignore[arg-type]
    now = clock.now()
    return render_template(
        "volunteering/action.html", action=action, campaign=session.get(Campaign, action.campaign_id),
        show_place=volunteering.may_see_place(session, me, action), action_ended=rules.has_ended(action.ends_at, now),
        checkin_shown=rules.checkin_form_shown(action.starts_at, action.ends_at, now),
        can_manage=volunteering.is_coordinator(session, me, action.campaign_id, action.org_id),
        confirmed=volunteering.is_confirmed_for(session, me, action), checkin_form=forms.Form(),
        **_tasks_context(tasks, action=action, zone=action.timezone))


@bp.get("/tasks/<int:task_id>")
@login_required
def task_page(task_id: int):
    session, me = get_session(), current_user()
    task = volunteering.task_for(session, me, task_id)
    if task.action_id is not None:
        return redirect(task_home(task))
    campaign = session.get(Campaign, task.campaign_id)
    return render_template("volunteering/task.html", task=task, campaign=campaign,
                           can_manage=volunteering.is_coordinator(session, me, task.campaign_id, task.org_id),
                           **_tasks_context([task], action=None, zone=campaign.timezone))


# -- planning and editing -------------------------------------------------------------------------------------
def _action_form_page(campaign: Campaign, form: forms.Form, *, action: Action | None = None,
                      move_form: forms.Form | None = None):
    from campaigns.web.accounts import timezones

    status = 422 if form.errors or (move_form and move_form.errors) else 200
    kinds = [(kind, _(label)) for kind, label in rules.ACTION_KINDS.items()]
    return render_template("volunteering/action_form.html", campaign=campaign, form=form, action=action,
                           move_form=move_form, timezones=timezones(), kinds=kinds), status


@bp.route("/campaigns/<int:campaign_id>/actions/new", methods=["GET", "POST"])
@login_required
def plan_action(campaign_id: int):
    campaign = policy.campaign_for(get_session(), current_user(), campaign_id, "campaign.manage")
    form = forms.Form(values={"timezone": campaign.timezone, "kind": "town_hall", "address_public": True})
    if request.method == "POST":
        done, form = forms.submit(
            ActionIn(),
            lambda **data: actions.plan_action(get_session(), campaign_id=campaign.id, user=current_user(),
                **data),
            done=_("The action is planned. Add the tasks volunteers can take."),
            then=lambda action: url_for("volunteering.add_task", action_id=action.id))
        if done:
            return done
    return _action_form_page(campaign, form)


def _action_values(action: Action) -> dict:
    values = action.model_dump()
    values.update(starts_at=wall_clock(action.starts_at, action.timezone),
                  ends_at=wall_clock(action.ends_at, action.timezone),
                  interpreter_languages=", ".join(action.interpreter_languages or []))
    return values


@bp.route("/actions/<int:action_id>/edit", methods=["GET", "POST"])
@login_required
def edit_action(action_id: int):
    session = get_session()
    action = volunteering.action_for(session, current_user(), action_id, "campaign.manage")
    form = forms.Form(values=_action_values(action))
    if request.method == "POST":
        done, form = forms.submit(
            ActionDetailsIn(),
            lambda **data: actions.edit_action(session, action_id=action.id, user=current_user(), **data),
            done=_("The action is updated. Volunteers' calendars will follow."),
            then=url_for("volunteering.action_page", action_id=action.id))
        if done:
            return done
    return _action_form_page(session.get(Campaign, action.campaign_id), form, action=action,
                             move_form=forms.Form(values=_action_values(action)))


@bp.post("/actions/<int:action_id>/move")
@login_required
def move_action(action_id: int):
    session = get_session()
    action = volunteering.action_for(session, current_user(), action_id, "campaign.manage")
    done, form = forms.submit(
        RescheduleIn(),
        lambda **data: actions.reschedule_action(session, action_id=action.id, user=current_user(), **data),
        done=_("The action has moved. Everyone signed up will be told."),
        then=url_for("volunteering.action_page", action_id=action.id))
    if done:
        return done
    return _action_form_page(session.get(Campaign, action.campaign_id), forms.Form(values=_action_values(action)),
                             action=action, move_form=form)


@bp.post("/actions/<int:action_id>/cancel")
@login_required
def cancel_action(action_id: int):
    actions.cancel_action(get_session(), action_id=action_id, user=current_user())
    flash(_("The action is called off. Everyone signed up will be told."), "success")
    return redirect(url_for("volunteering.action_page", action_id=action_id))


def _task_form_page(campaign: Campaign, form: forms.Form, *, action: Action | None = None, task: Task | None = None):
    goals = [(g.id, g.name) for g in volunteering.countable_goals(get_session(), campaign.id)]
    return render_template("volunteering/task_form.html", campaign=campaign, action=action, task=task, form=form,
                           goal_options=goals), 422 if form.errors else 200


def _create_task(campaign: Campaign, action: Action | None):
    form = forms.Form(values={"capacity": 5})
    if request.method == "POST":
        form = forms.load(TaskIn())
        if form.ok:
            try:
                where = {"action_id": action.id} if action else {"campaign_id": campaign.id}
                task = task_service.add_task(get_session(), user=current_user(), **where, **form.data)
            except DomainError as error:
                form.fail(error)
            else:
                flash(_("The task is added. Volunteers can sign up now."), "success")
                return redirect(task_home(task))
    return _task_form_page(campaign, form, action=action)


@bp.route("/actions/<int:action_id>/tasks/new", methods=["GET", "POST"])
@login_required
def add_task(action_id: int):
    action = volunteering.action_for(get_session(), current_user(), action_id, "campaign.manage")
    return _create_task(get_session().get(Campaign, action.campaign_id), action)


@bp.route("/campaigns/<int:campaign_id>/tasks/new", methods=["GET", "POST"])
@login_required
def add_standalone_task(campaign_id: int):
    return _create_task(policy.campaign_for(get_session(), current_user(), campaign_id, "campaign.manage"), None)


@bp.route("/tasks/<int:task_id>/edit", methods=["GET", "POST"])
@login_required
def edit_task(task_id: int):
    session = get_session()
    task = volunteering.task_for(session, current_user(), task_id, "campaign.manage")
    form = forms.Form(values={**task.model_dump(), "skills": ", ".join(task.skills or [])})
    if request.method == "POST":
        done, form = forms.submit(
            TaskDetailsIn(),
            lambda **data: task_service.edit_task(session, task_id=task.id, user=current_user(), **data),
            done=_("The task is updated."), then=task_home(task))
        if done:
            return done
    action = session.get(Action, task.action_id) if task.action_id else None
    return _task_form_page(session.get(Campaign, task.campaign_id), form, action=action, task=task)
