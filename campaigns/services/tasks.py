"""Tasks: roles and shifts in an action, or standalone tasks with a deadline, and their capacity.

Capacity changes run under the task's row lock like sign-ups (see services/signups), so raising it promotes
from the waitlist in order and lowering it below the confirmed count is refused.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import update
from sqlmodel import Session, col

from campaigns import clock
from campaigns.db import transaction
from campaigns.domain import events as ev
from campaigns.domain import rules_volunteering as rules
from campaigns.domain.model import Action, Campaign, Goal, Task, User
from campaigns.services import messagebus, policy
from campaigns.services.actions import touch, utc_window
from campaigns.services.errors import Conflict, Invalid
from campaigns.services.signups import closed_reason, promote_waitlist
from campaigns.services.volunteering import action_for, check, locked, task_for


def _clean_skills(skills: Any) -> list[str]:
    cleaned = list(dict.fromkeys(s.strip() for s in (skills or []) if s and s.strip()))
    if len(cleaned) > 10 or any(len(s) > 40 for s in cleaned):
        raise Invalid(_("List up to 10 skills, each at most 40 characters."), field="skills")
    return cleaned


def _check_goal(session: Session, goal_id: int | None, campaign_id: int) -> None:
    goal = session.get(Goal, goal_id) if goal_id is not None else None
    if goal_id is not None and (goal is None or goal.campaign_id != campaign_id):
        raise Invalid(_("Choose one of this campaign's goals."), field="goal_id")


def _task_times(session: Session, user: User, *, action_id: int | None, campaign_id: int | None,
                starts_at: datetime | None, ends_at: datetime | None, deadline: datetime | None) -> dict:
    """Where a new task belongs and its times: a shift in an action, or standalone with a deadline."""
    if action_id is not None:
        action = action_for(session, user, action_id, "campaign.manage")
        if campaign_id is not None and campaign_id != action.campaign_id:
            raise Invalid(_("That action belongs to another campaign."), field="action_id")
        if action.status == "cancelled":
            raise Conflict(_("This action was cancelled, so it can't have new tasks."))
        if deadline is not None:
            raise Invalid(_("Tasks in an action follow its time; leave the deadline empty."), field="deadline")
        times: dict[str, Any] = {"org_id": action.org_id, "campaign_id": action.campaign_id, "action_id": action.id}
        if starts_at is not None or ends_at is not None:
            if starts_at is None or ends_at is None:
                raise Invalid(_("Give the shift both a start and an end, or neither."), field="ends_at")
            times["starts_at"], times["ends_at"] = utc_window(starts_at, ends_at, action.timezone)
        return times
    if campaign_id is None:
        raise Invalid(_("Choose the campaign or action this task belongs to."), field="campaign_id")
    campaign: Campaign = policy.campaign_for(session, user, campaign_id, "campaign.manage")
    if deadline is None:
        raise Invalid(_("Give a task outside an action a deadline."), field="deadline")
    due = check(rules.to_utc, deadline, campaign.timezone, field="deadline")
    if due <= clock.now():
        raise Invalid(_("Choose a deadline in the future."), field="deadline")
    return {"org_id": campaign.org_id, "campaign_id": campaign.id, "deadline": due}


def add_task(session: Session, *, user: User, title: str, capacity: int, action_id: int | None = None,
             campaign_id: int | None = None, description: str = "", starts_at: datetime | None = None,
             ends_at: datetime | None = None, deadline: datetime | None = None, skills: Any = (),
             goal_id: int | None = None) -> Task:
    """Add a role or shift to an action, or a standalone task with a deadline to a campaign. Records TaskCreated."""
    check(rules.check_capacity, capacity)
    if not title.strip():
        raise Invalid(_("Give the task a title."), field="title")
    times = _task_times(session, user, action_id=action_id, campaign_id=campaign_id, starts_at=starts_at,
                        ends_at=ends_at, deadline=deadline)
    _check_goal(session, goal_id, times["campaign_id"])
    with transaction(session):
        task = Task(title=title, description=description, capacity=capacity, skills=_clean_skills(skills),
                    goal_id=goal_id, **times)
        session.add(task)
        session.flush()
        messagebus.record(session, ev.TaskCreated(
            org_id=task.org_id, campaign_id=task.campaign_id, subject_id=task.id, actor_id=user.id,
            title=task.title, capacity=task.capacity))
    return task


def edit_task(session: Session, *, task_id: int, user: User, capacity: int | None = None,
              **details: Any) -> Task:
    """Change a task's title, description, skills or goal, and its capacity (see change_capacity)."""
    task = task_for(session, user, task_id, "campaign.manage")
    if set(details) - {"title", "description", "skills", "goal_id"}:
        raise Invalid(_("Only the title, description, skills, goal and capacity can be changed here."))
    if "title" in details and not (details["title"] or "").strip():
        raise Invalid(_("Give the task a title."), field="title")
    if "skills" in details:
        details["skills"] = _clean_skills(details["skills"])
    if "goal_id" in details:
        _check_goal(session, details["goal_id"], task.campaign_id)
    with transaction(session):
        task = locked(session, Task, task_id)
        changed = {k: v for k, v in details.items() if getattr(task, k) != v}
        for name, value in changed.items():
            setattr(task, name, value)
        session.add(task)
        if task.action_id is not None and ({"title", "description"} & set(changed)):
            touch(locked(session, Action, task.action_id))  # the volunteer's calendar entry names their task
        if capacity is not None:
            change_capacity(session, task_id=task_id, user=user, capacity=capacity)
    return task


def change_capacity(session: Session, *, task_id: int, user: User, capacity: int) -> Task:
    """Change how many people a task needs. Lowering it below the confirmed count is refused; raising it
    promotes from the waitlist in order. Records TaskCapacityChanged (and SignupPromoted for each)."""
    task_for(session, user, task_id, "campaign.manage")
    check(rules.check_capacity, capacity)
    with transaction(session):
        task = locked(session, Task, task_id)
        check(rules.check_capacity_change, capacity, task.taken)
        if capacity == task.capacity:
            return task
        session.exec(update(Task).where(col(Task.id) == task_id, col(Task.taken) <= capacity)  # type: ignore[call-overload]
                     .values(capacity=capacity))
        messagebus.record(session, ev.TaskCapacityChanged(
            org_id=task.org_id, campaign_id=task.campaign_id, subject_id=task.id, actor_id=user.id,
            capacity=capacity))
        if closed_reason(session, task) is None:
            promote_waitlist(session, task)
    return task
