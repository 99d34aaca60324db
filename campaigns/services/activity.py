"""Activity feeds built from the event log, with the privacy filter every reader of the log goes through.

Only event types listed in FEED are ever shown, so a new event stays private until someone decides otherwise.
Never shown: who raised or supported a concern, attendance, waitlists and cancellations, personal goals,
reflections. People appear by display name only, and only where the event allows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm.util import identity_key
from sqlmodel import Session, col, select

from campaigns.domain import stages
from campaigns.domain.model import Action, Campaign, EventRecord, Goal, Task, User
from campaigns.domain.text import N_

#: event type -> whether its actor may be named (by display name) in a members' feed
FEED: dict[str, bool] = {
    "ConcernRaised": False, "ConcernBecameShared": False,
    "CampaignLaunched": True, "CampaignStageChanged": True, "MemberJoinedCampaign": True,
    "GoalSet": True, "GoalChanged": True,
    "ActionPlanned": True, "ActionRescheduled": True, "ActionCancelled": True, "TaskCreated": True,
    "SignupConfirmed": True, "SignupPromoted": True, "ContributionVerified": True,
    "GoalMilestoneReached": False, "GoalReached": False, "OutcomeRecorded": True,
}
#: what a public campaign page shows: nothing about people at all, not even that someone signed up
PUBLIC_FEED = frozenset({
    "CampaignLaunched", "CampaignStageChanged", "GoalSet", "GoalChanged", "ActionPlanned", "ActionRescheduled",
    "ActionCancelled", "ContributionVerified", "GoalMilestoneReached", "GoalReached", "OutcomeRecorded",
})
RESULTS = {"achieved": N_("achieved"), "partly": N_("partly achieved"), "not_achieved": N_("not achieved"),
           "too_early": N_("too early to tell")}


@dataclass(frozen=True)
class Entry:
    position: int
    type: str
    occurred_at: datetime
    campaign_id: int | None
    campaign_name: str | None
    #: a display name, or None when nobody may be named
    actor: str | None
    summary: str


def org_feed(org_id: int):
    """The organisation's showable events, newest first (a select to paginate)."""
    return (select(EventRecord).where(EventRecord.org_id == org_id, col(EventRecord.type).in_(FEED))
            .order_by(col(EventRecord.position).desc()))


def campaign_feed(campaign: Campaign, *, public: bool = False):
    """A campaign's showable events, newest first; `public` keeps only what a public page may show."""
    return select(EventRecord).where(*_of_campaign(campaign, public)).order_by(col(EventRecord.position).desc())


def _of_campaign(campaign: Campaign, public: bool) -> tuple:
    types = PUBLIC_FEED if public else FEED
    return (EventRecord.org_id == campaign.org_id, EventRecord.campaign_id == campaign.id,
            col(EventRecord.type).in_(types))


def recent(session: Session, campaign: Campaign, *, limit: int = 5, public: bool = False) -> list[Entry]:
    """The latest few entries of a campaign's feed."""
    query = (select(EventRecord, User.display_name).outerjoin(User, col(User.id) == EventRecord.actor_id)
             .where(*_of_campaign(campaign, public)).order_by(col(EventRecord.position).desc()).limit(limit))
    found = list(session.exec(query))  # with who acted, read alongside (whether to show it is _Names.actor's call)
    actors = {row.actor_id: name for row, name in found if row.actor_id is not None}
    return describe(session, [row for row, _ in found], public=public, actors=actors)


def describe(session: Session, rows: list[EventRecord], *, public: bool = False,
             actors: dict[int, str] | None = None) -> list[Entry]:
    """Feed entries for event rows, fetching the names they mention in a few batched queries (`actors`: display
    names already read with the rows)."""
    allowed = PUBLIC_FEED if public else FEED
    rows = [r for r in rows if r.type in allowed]  # the filter holds even for a caller's own query
    names = _Names(session, rows, public=public, actors=actors)
    return [Entry(position=r.position or 0, type=r.type, occurred_at=r.occurred_at, campaign_id=r.campaign_id,
                  campaign_name=names.campaigns.get(r.campaign_id), actor=names.actor(r),
                  summary=_summary(r, names)) for r in rows]


class _Names:
    """Display names, goal names, task and action titles and campaign names for a page of events."""

    def __init__(self, session: Session, rows: list[EventRecord], *, public: bool, actors: dict[int, str] | None):
        self.public = public
        actor_ids = {r.actor_id for r in rows if r.actor_id and FEED.get(r.type) and not public}
        goal_ids = {r.subject_id for r in rows if r.subject_type == "goal"} | {
            r.payload.get("goal_id") for r in rows if r.type == "ContributionVerified"}
        task_ids = {r.payload.get("task_id") for r in rows if r.type in ("SignupConfirmed", "SignupPromoted")}
        action_ids = {r.subject_id for r in rows if r.subject_type == "action"}
        self.users = actors if actors is not None else _lookup(session, User, "display_name", actor_ids)
        goals = _lookup(session, Goal, ("name", "unit"), goal_ids)
        self.goals = {gid: name for gid, (name, _unit) in goals.items()}
        self.units = {gid: unit for gid, (_name, unit) in goals.items()}
        self.tasks = _lookup(session, Task, "title", task_ids)
        self.actions = _lookup(session, Action, "title", action_ids)
        self.campaigns = _lookup(session, Campaign, "name", {r.campaign_id for r in rows})

    def actor(self, row: EventRecord) -> str | None:
        if self.public or not FEED.get(row.type) or row.actor_id is None:
            return None
        return self.users.get(row.actor_id)


def _lookup(session: Session, model: Any, fields: str | tuple[str, ...], ids: set) -> dict:
    """id -> field (or tuple of fields) for `ids`: rows the request already loaded (the campaign and goals a
    page shows) cost nothing, the rest one query."""
    names = (fields,) if isinstance(fields, str) else fields
    ids = {i for i in ids if i is not None}
    held = {i: row for i in ids if (row := session.identity_map.get(identity_key(model, i))) is not None}
    found = {i: tuple(getattr(row, f) for f in names) for i, row in held.items()}
    if missing := ids - held.keys():
        query = select(model.id, *(getattr(model, f) for f in names)).where(col(model.id).in_(missing))
        found.update({key: tuple(values) for key, *values in session.exec(query)})
    return {i: values[0] for i, values in found.items()} if isinstance(fields, str) else found


def _summary(row: EventRecord, names: _Names) -> str:
    data = row.payload
    goal = names.goals.get(row.subject_id if row.subject_type == "goal" else data.get("goal_id"), _("a goal"))
    texts = {
        "ConcernRaised": lambda: _("A new concern was raised."),
        "ConcernBecameShared": lambda: _("A concern is now shared by enough people: %(title)s",
                                         title=data.get("title", "")),
        "CampaignLaunched": lambda: _("Campaign launched: %(name)s", name=data.get("name", "")),
        "CampaignStageChanged": lambda: _("Moved on to %(stage)s", stage=_(stages.LABELS.get(
            data.get("to_stage", ""), data.get("to_stage", "")))),
        "MemberJoinedCampaign": lambda: _("Joined the campaign"),
        "GoalSet": lambda: _("New goal: %(name)s (target %(target)s)", name=data.get("name", ""),
                             target=data.get("target", "")),
        "GoalChanged": lambda: _("Goal updated: %(name)s (target %(target)s)", name=data.get("name", ""),
                                 target=data.get("target", "")),
        "ActionPlanned": lambda: _("Action planned: %(title)s", title=data.get("title", "")),
        "ActionRescheduled": lambda: _("Action moved to a new time: %(title)s",
                                       title=names.actions.get(row.subject_id, _("an action"))),
        "ActionCancelled": lambda: _("Action cancelled: %(title)s", title=data.get("title", "")),
        "TaskCreated": lambda: _("New task: %(title)s", title=data.get("title", "")),
        "SignupConfirmed": lambda: _("Took a place: %(task)s", task=names.tasks.get(data.get("task_id"), "")),
        "SignupPromoted": lambda: _("Took a place: %(task)s", task=names.tasks.get(data.get("task_id"), "")),
        "ContributionVerified": lambda: _("%(amount)s %(unit)s toward %(goal)s", amount=_number(
            data.get("amount", 0)), unit=names.units.get(data.get("goal_id"), ""), goal=goal),
        "GoalMilestoneReached": lambda: _("%(goal)s is %(percent)s%% of the way there", goal=goal,
                                          percent=data.get("percent", "")),
        "GoalReached": lambda: _("Goal reached: %(goal)s", goal=data.get("name") or goal),
        "OutcomeRecorded": lambda: _("Outcome recorded: %(result)s", result=_(RESULTS.get(
            data.get("result", ""), data.get("result", "")))),
    }
    return texts[row.type]()


def _number(value: float) -> str:
    return f"{value:g}"
