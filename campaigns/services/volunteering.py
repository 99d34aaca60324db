"""What actions, tasks and sign-ups share (the Intervention step): checking a pure rule, finding an action or task
with access, and locking a row; and what pages, the API and feeds read (timelines, seats, waitlist places, a
person's own tasks and hours). Their use cases are in services/actions.py, services/tasks.py and
services/signups.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, tuple_
from sqlmodel import Session, col, select

from campaigns import clock
from campaigns.domain import rules_volunteering as rules
from campaigns.domain.model import Action, Campaign, Contribution, Goal, Membership, Signup, Task, User
from campaigns.services import policy
from campaigns.services.errors import Invalid, NotFound


def check(rule: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Apply a pure rule; a broken one becomes a field-level Invalid."""
    try:
        return rule(*args, **kwargs)
    except rules.RuleBroken as broken:
        raise Invalid(broken.message, field=broken.field) from None


# -- finding things, with access ------------------------------------------------------------------------------
def action_for(session: Session, user: User | None, action_id: int, permission: str = "campaign.view") -> Action:
    """The action if `user` may `permission` in its campaign; NotFound for outsiders and unknown ids."""
    action = session.get(Action, action_id)
    if action is None:
        raise NotFound()
    policy.campaign_for(session, user, action.campaign_id, permission)
    return action


def task_for(session: Session, user: User | None, task_id: int, permission: str = "campaign.view") -> Task:
    task = session.get(Task, task_id)
    if task is None:
        raise NotFound()
    policy.campaign_for(session, user, task.campaign_id, permission)
    return task


def locked(session: Session, model: type, row_id: int) -> Any:
    """A fresh copy of a row, locked until the transaction ends (on SQLite the write lock is already held)."""
    query = select(model).where(model.id == row_id).with_for_update().execution_options(populate_existing=True)
    row = session.exec(query).first()
    if row is None:
        raise NotFound()
    return row


# -- what pages, the API and feeds read: timelines, seats, waitlist places, a person's own tasks; who may see an
# action's place (nothing below writes) -------------------------------------------------------------------------
def is_coordinator(session: Session, user: User | None, campaign_id: int, org_id: int) -> bool:
    """Whether `user` runs this campaign (an organisation coordinator, or its lead or organiser)."""
    return policy.allowed(session, user, "campaign.manage", org_id, campaign_id=campaign_id)


def is_confirmed_for(session: Session, user: User | None, action: Action) -> bool:
    if user is None:
        return False
    query = select(func.count()).select_from(Signup).join(Task, col(Task.id) == Signup.task_id).where(
        Task.action_id == action.id, Signup.user_id == user.id, Signup.status == "confirmed")
    return session.exec(query).one() > 0


def may_see_place(session: Session, user: User | None, action: Action) -> bool:
    """A private place is for confirmed volunteers and coordinators only (pages, API and feeds alike)."""
    if action.address_public:
        return True  # no need to ask the database
    return rules.may_see_place(
        address_public=False, is_coordinator=is_coordinator(session, user, action.campaign_id, action.org_id),
        is_confirmed=is_confirmed_for(session, user, action))


def tasks_of_action(action_id: int):
    """An action's tasks by start (a query, for paging)."""
    return select(Task).where(Task.action_id == action_id).order_by(col(Task.starts_at), col(Task.id))


def actions_of_campaign(campaign_id: int):
    """A campaign's actions by start time (a query, for paging)."""
    return select(Action).where(Action.campaign_id == campaign_id).order_by(col(Action.starts_at), col(Action.id))


def timeline(session: Session, campaign: Campaign) -> list[tuple[Action, list[Task]]]:
    """A campaign's actions, each with its tasks (for seats filled)."""
    actions = list(session.exec(actions_of_campaign(campaign.id)))  # type: ignore[arg-type]
    if not actions:
        return []
    tasks = session.exec(select(Task).where(col(Task.action_id).in_([a.id for a in actions]))
                         .order_by(col(Task.starts_at), col(Task.id)))
    by_action: dict[int, list[Task]] = {}
    for task in tasks:
        by_action.setdefault(task.action_id, []).append(task)  # type: ignore[arg-type]
    return [(action, by_action.get(action.id, [])) for action in actions]  # type: ignore[arg-type]


@dataclass
class Schedule:
    """A campaign's actions (each with its tasks) and standalone tasks, the coming ones apart from the ended."""

    upcoming: list[tuple[Action, list[Task]]] = field(default_factory=list)
    past: list[tuple[Action, list[Task]]] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    past_tasks: list[Task] = field(default_factory=list)


def campaign_schedule(session: Session, campaign: Campaign) -> Schedule:
    """What the campaign's actions-and-tasks section lists: coming up (soonest first), and ended (latest first)."""
    now, schedule = clock.now(), Schedule()
    for action, tasks in timeline(session, campaign):
        (schedule.past if rules.has_ended(action.ends_at, now) else schedule.upcoming).append((action, tasks))
    schedule.past.reverse()
    for task in session.exec(standalone_tasks(campaign.id)):  # type: ignore[call-overload]
        (schedule.past_tasks if rules.has_ended(task.deadline, now) else schedule.tasks).append(task)
    schedule.past_tasks.reverse()
    return schedule


def standalone_tasks(campaign_id: int):
    """A campaign's tasks outside any action, by deadline (a query, for paging)."""
    query = select(Task).where(Task.campaign_id == campaign_id, col(Task.action_id).is_(None))
    return query.order_by(col(Task.deadline), col(Task.id))


def signups_of(user: User, status: str | None = None):
    """A person's sign-ups, newest first (a query, for paging)."""
    query = select(Signup).where(Signup.user_id == user.id).order_by(col(Signup.id).desc())
    return query.where(Signup.status == status) if status else query


def waitlist_position(session: Session, signup: Signup) -> int | None:
    """1 for the next person to be promoted; None unless waitlisted."""
    if signup.status != "waitlisted":
        return None
    ahead = select(func.count()).select_from(Signup).where(
        Signup.task_id == signup.task_id, Signup.status == "waitlisted",
        tuple_(col(Signup.queued_at), col(Signup.id)) < tuple_(signup.queued_at, signup.id))
    return session.exec(ahead).one() + 1


def waitlist_length(session: Session, task_id: int) -> int:
    query = select(func.count()).select_from(Signup).where(Signup.task_id == task_id, Signup.status == "waitlisted")
    return session.exec(query).one()


def my_signups_for(session: Session, user: User | None, task_ids: list[int]) -> dict[int, Signup]:
    """The person's own sign-ups among these tasks, by task id."""
    if user is None or not task_ids:
        return {}
    query = select(Signup).where(col(Signup.task_id).in_(task_ids), Signup.user_id == user.id)
    return {s.task_id: s for s in session.exec(query)}


@dataclass
class MyTask:
    signup: Signup
    task: Task
    action: Action | None
    campaign: Campaign
    position: int | None = None  #: waitlist place

    @property
    def starts_at(self) -> datetime | None:
        return self.task.starts_at or (self.action.starts_at if self.action else self.task.deadline)

    @property
    def ends_at(self) -> datetime | None:
        return self.task.ends_at or (self.action.ends_at if self.action else self.task.deadline)


@dataclass
class MyTasks:
    upcoming: list[MyTask] = field(default_factory=list)
    waitlisted: list[MyTask] = field(default_factory=list)
    past: list[MyTask] = field(default_factory=list)
    hours: dict[str, float] = field(default_factory=dict)


def signups_with_context(session: Session, user: User, *, statuses: tuple[str, ...]) -> list[MyTask]:
    """The person's sign-ups with their task, action and campaign."""
    query = (select(Signup, Task, Campaign).join(Task, col(Task.id) == Signup.task_id)
             .join(Campaign, col(Campaign.id) == Task.campaign_id)
             .where(Signup.user_id == user.id, col(Signup.status).in_(statuses)).order_by(col(Signup.id)))
    rows = list(session.exec(query))
    action_ids = {t.action_id for _, t, _ in rows if t.action_id is not None}
    actions = {a.id: a for a in session.exec(select(Action).where(col(Action.id).in_(action_ids)))}
    return [MyTask(s, t, actions.get(t.action_id), c) for s, t, c in rows]  # type: ignore[arg-type]


def my_tasks(session: Session, user: User) -> MyTasks:
    """Upcoming confirmed tasks, waitlisted ones with their place, past ones, and the person's hours."""
    now, result = clock.now(), MyTasks()
    for item in signups_with_context(session, user, statuses=("confirmed", "waitlisted")):
        finished = item.ends_at is not None and item.ends_at <= now
        if finished and item.signup.status == "confirmed":
            result.past.append(item)
        elif item.signup.status == "confirmed":
            result.upcoming.append(item)
        elif not finished and not (item.action and item.action.status == "cancelled"):
            item.position = waitlist_position(session, item.signup)
            result.waitlisted.append(item)
    far = datetime.max.replace(tzinfo=now.tzinfo)
    result.upcoming.sort(key=lambda i: i.starts_at or far)
    result.past.sort(key=lambda i: i.starts_at or far, reverse=True)
    result.hours = hours_of(session, user)
    return result


def confirmed_action_ids(session: Session, user: User, action_ids: list[int]) -> set[int]:
    query = select(Task.action_id).join(Signup, col(Signup.task_id) == Task.id).where(
        col(Task.action_id).in_(action_ids), Signup.user_id == user.id, Signup.status == "confirmed")
    return {row for row in session.exec(query)}  # type: ignore[misc]


def countable_goals(session: Session, campaign_id: int) -> list[Goal]:
    """A campaign's agreed measurable goals: what tasks serve and contributions count toward."""
    query = select(Goal).where(Goal.campaign_id == campaign_id, Goal.status == "accepted", Goal.kind == "measure")
    return list(session.exec(query.order_by(col(Goal.id))))


def campaigns_with_actions(session: Session, user: User) -> list[Campaign]:
    """Campaigns of the person's organisations that have actions: the campaign feeds they can subscribe to."""
    orgs = select(Membership.org_id).where(Membership.user_id == user.id)
    with_actions = select(Action.campaign_id)
    query = select(Campaign).where(col(Campaign.org_id).in_(orgs), col(Campaign.id).in_(with_actions),
                                   Campaign.stage != "archived")
    return list(session.exec(query.order_by(col(Campaign.name))))


def hours_of(session: Session, user: User) -> dict[str, float]:
    """The person's logged hours: verified, and still waiting to be checked."""
    query = select(Contribution.status, func.coalesce(func.sum(Contribution.hours), 0)).where(
        Contribution.user_id == user.id).group_by(Contribution.status)
    totals = {status: float(hours) for status, hours in session.exec(query)}
    return {"verified": totals.get("verified", 0.0), "pending": totals.get("pending", 0.0)}
