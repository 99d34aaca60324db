"""Reports for coordinators: goals and progress, actions with places and attendance counts, hours, outcomes and
empowerment aggregates, per campaign or for the whole organisation, as JSON-ready dicts or CSV.

No names and no email addresses, ever; counts about people below k are left empty ("fewer than k").
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func
from sqlmodel import Session, col, select

from campaigns.domain import rules_progress as rules
from campaigns.domain.model import Action, Campaign, CampaignTally, Goal, Organisation, Outcome, Signup, Task, User
from campaigns.services import dashboards, policy, reflections

CSV_COLUMNS = ("campaign_id", "campaign", "section", "item", "measure", "value")
#: measures about people: empty means "fewer than k", and the CSV says so
PEOPLE_MEASURES = frozenset({"volunteers", "hours", "attended", "concerns_raised", "concerns_shared",
                             "volunteer_hours"})


def campaign_report(session: Session, *, campaign: Campaign, user: User) -> dict[str, Any]:
    """One campaign's report (the organisation's coordinators)."""
    policy.authorize(session, user, "reports.view", campaign.org_id)
    org = session.get(Organisation, campaign.org_id)
    return {"org": org.name, "k": org.share_threshold,  # type: ignore[union-attr]
            "campaigns": _campaigns(session, [campaign], org.share_threshold)}  # type: ignore[union-attr]


def org_report(session: Session, *, org: Organisation, user: User) -> dict[str, Any]:
    """Every campaign's report and the organisation's overview (the organisation's coordinators)."""
    policy.authorize(session, user, "reports.view", org.id)
    campaigns = list(session.exec(select(Campaign).where(Campaign.org_id == org.id).order_by(Campaign.id)))
    summary = dashboards.overview(session, user=user, org=org)
    return {"org": org.name, "k": org.share_threshold, "overview": {
        "concerns_raised": summary.concerns_raised, "concerns_shared": summary.concerns_shared,
        "volunteers": summary.volunteers, "volunteer_hours": summary.volunteer_hours,
        "campaigns_by_stage": summary.campaigns_by_stage, "goals_reached": summary.goals_reached,
        "actions_held": summary.actions_held, "outcomes_achieved": summary.outcomes_achieved},
        "campaigns": _campaigns(session, campaigns, org.share_threshold)}


def _campaigns(session: Session, campaigns: list[Campaign], k: int) -> list[dict[str, Any]]:
    ids = [c.id for c in campaigns]
    goals, actions = _goals(session, ids), _actions(session, ids, k)
    hours, outcomes = _hours(session, ids, k), _outcomes(session, ids)
    empowerment = reflections.summaries(session, ids, k)  # type: ignore[arg-type]
    return [{"id": c.id, "name": c.name, "stage": c.stage, "progress_percent": int(c.progress * 100 + 1e-9),
             "starts_on": c.starts_on, "deadline": c.deadline, "goals": goals[c.id], "actions": actions[c.id],
             **hours.get(c.id, {"volunteers": 0, "hours": 0.0}), "outcomes": outcomes[c.id],
             "empowerment": empowerment[c.id]} for c in campaigns]  # type: ignore[index]


def _goals(session: Session, ids: list) -> dict[int, list]:
    found: dict[int, list] = defaultdict(list)
    for g in session.exec(select(Goal).where(col(Goal.campaign_id).in_(ids), Goal.status == "accepted")
                          .order_by(Goal.id)):
        found[g.campaign_id].append({
            "name": g.name, "unit": g.unit, "target": g.target, "current": g.current,
            "percent": rules.percent(g.current, g.target), "due_on": g.due_on,
            "reached_on": g.achieved_at.date() if g.achieved_at else None})
    return found


def _actions(session: Session, ids: list, k: int) -> dict[int, list]:
    attended = dict(session.exec(
        select(Task.action_id, func.count()).join(Signup, col(Signup.task_id) == Task.id)
        .where(col(Task.campaign_id).in_(ids), Signup.attendance == "attended").group_by(Task.action_id)).all())
    query = (select(Action, func.coalesce(func.sum(Task.capacity), 0), func.coalesce(func.sum(Task.taken), 0))
             .join(Task, col(Task.action_id) == Action.id, isouter=True)
             .where(col(Action.campaign_id).in_(ids)).group_by(col(Action.id)).order_by(Action.starts_at))
    found: dict[int, list] = defaultdict(list)
    for action, places, taken in session.exec(query):
        found[action.campaign_id].append({
            "title": action.title, "kind": action.kind, "starts_on": action.starts_at.date(),
            "status": action.status, "places": int(places), "taken": int(taken),
            "attended": rules.shown_count(attended.get(action.id, 0), k)})
    return found


def _hours(session: Session, ids: list, k: int) -> dict[int, dict]:
    found = {}
    for tally in session.exec(select(CampaignTally).where(col(CampaignTally.campaign_id).in_(ids))):
        shown = rules.shown_count(tally.volunteers, k)
        found[tally.campaign_id] = {"volunteers": shown, "hours": round(tally.hours, 1) if shown is not None else None}
    return found


def _outcomes(session: Session, ids: list) -> dict[int, list]:
    found: dict[int, list] = defaultdict(list)
    for o in session.exec(select(Outcome).where(col(Outcome.campaign_id).in_(ids)).order_by(Outcome.occurred_on)):
        found[o.campaign_id].append({
            "result": o.result, "what_changed": o.what_changed, "occurred_on": o.occurred_on,
            "evidence_url": o.evidence_url, "review_on": o.review_on, "reviewed": o.reviewed_at is not None,
            "what_worked": o.what_worked, "what_to_change": o.what_to_change})
    return found


# -- CSV ------------------------------------------------------------------------------------------------------
def to_csv(report: dict[str, Any]) -> str:
    """The report as tidy CSV rows: campaign_id, campaign, section, item, measure, value."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    hidden = _("fewer than %(k)s", k=report["k"])
    for section, item, measure, value in _overview_rows(report.get("overview")):
        value = hidden if value is None and measure in PEOPLE_MEASURES else value
        writer.writerow(["", "", section, item, measure, _cell(value)])
    for c in report["campaigns"]:
        for section, item, measure, value in _campaign_rows(c, report["k"]):
            value = hidden if value is None and measure in PEOPLE_MEASURES else value
            writer.writerow([c["id"], _cell(c["name"]), section, _cell(item), measure, _cell(value)])
    return out.getvalue()


def _overview_rows(overview: dict | None):
    if not overview:
        return
    for measure, value in overview.items():
        if isinstance(value, dict):
            for key, n in value.items():
                yield "overview", measure, key, n
        else:
            yield "overview", "organisation", measure, value


def _campaign_rows(c: dict, k: int):
    yield "campaign", c["name"], "stage", c["stage"]
    yield "campaign", c["name"], "progress_percent", c["progress_percent"]
    yield "campaign", c["name"], "volunteers", c["volunteers"]
    yield "campaign", c["name"], "hours", c["hours"]
    for g in c["goals"]:
        for measure in ("unit", "target", "current", "percent", "due_on", "reached_on"):
            yield "goal", g["name"], measure, g[measure]
    for a in c["actions"]:
        for measure in ("kind", "starts_on", "status", "places", "taken", "attended"):
            yield "action", a["title"], measure, a[measure]
    for number, o in enumerate(c["outcomes"], start=1):
        for measure in ("result", "occurred_on", "what_changed", "evidence_url", "review_on", "reviewed",
                        "what_worked", "what_to_change"):
            yield "outcome", f"outcome {number}", measure, o[measure]
    for phase in rules.REFLECTION_PHASES:
        aggregate = c["empowerment"][phase]
        if aggregate is None:
            yield "empowerment", phase, "answered", _("fewer than %(k)s", k=k)
            continue
        yield "empowerment", phase, "answered", aggregate["answered"]
        for item, values in aggregate["items"].items():
            yield "empowerment", phase, f"{item}_mean", values["mean"]
            for score, n in enumerate(values["distribution"], start=1):
                yield "empowerment", phase, f"{item}_{score}", n


def _cell(value: Any) -> Any:
    """Empty for unknown, and text that a spreadsheet would run as a formula is defused (OWASP CSV injection)."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
