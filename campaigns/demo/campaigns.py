"""Demo campaigns: one in each stage (assessment, collaboration, intervention, evaluation, closed), launched from
shared concerns, with goals, a team and the demo client's personal goals, their history placed in the past.

Shares `world.extra["campaigns"]` (stage → Campaign) with the later steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from campaigns import clock
from campaigns.domain.model import Campaign, Concern, ConcernCategory, Outcome
from campaigns.services import campaign_team, campaigns, goals, personal_goals

LIFECYCLE = ("collaboration", "intervention", "evaluation", "closed")


@dataclass
class Spec:
    stage: str
    name: str
    #: a word of the shared concern's title it grows from; the fallback concern if none is shared
    concern_word: str
    fallback: tuple[str, str, str]  #: (title, description, category)
    summary: str
    ask: str
    target: str
    #: days from today: launch, then each stage change in LIFECYCLE order up to the campaign's stage
    timeline: tuple[int, ...]
    deadline_in: int
    goals: list[dict] = field(default_factory=list)
    #: nicknames joining the team (worker as organiser, the rest as members)
    team: tuple[str, ...] = ()
    personal_goal: tuple[str, bool, bool] | None = None  #: (text, shared with worker, done)
    #: goals members propose once collaboration begins: (nickname, goal fields)
    proposals: list[tuple[str, dict]] = field(default_factory=list)


SPECS = [
    Spec("assessment", "Keep the youth centre open in the evenings", "youth",
         ("Youth centre evening hours cut", "The youth centre now closes at 5pm; teenagers have nowhere safe to go "
          "in the evenings.", "community_support"),
         "The council cut the youth centre's evening opening to save money.",
         "Restore evening opening (5–9pm) on at least four days a week.",
         "The council's children and young people committee", (-3,), 120,
         [{"name": "Signatures from parents and young people", "unit": "signatures", "target": 300}],
         ("client3",)),
    Spec("collaboration", "An interpreter at every appointment", "interpreter",
         ("No interpreter at the clinic", "Appointments go ahead without an interpreter.", "cultural_language"),
         "People are seen without an interpreter and leave not understanding their diagnosis or treatment.",
         "Book a professional interpreter for every appointment that needs one, and say so on the letter.",
         "The clinic's patient experience board", (-12, -8), 90,
         [{"name": "Letters to the patient experience board", "unit": "letters", "target": 150},
          {"name": "Interpreting policy adopted by the clinic", "kind": "milestone"}],
         ("worker", "client", "client2"),
         ("Tell my story at the patient board's open meeting", True, False),
         [("client2", {"name": "Patients' stories collected", "unit": "stories", "target": 30})]),
    Spec("intervention", "Fair rents on the Riverside estate", "rent",
         ("Rent rises we can't keep up with", "Rents went up far faster than wages or benefits.", "housing"),
         "Rents on the estate rose 18% in a year while wages and benefits stood still.",
         "Cap rent rises at inflation and publish how rents are set.",
         "The city council's housing committee", (-40, -34, -14), 75,
         [{"name": "Letters to the housing committee", "unit": "letters", "target": 200, "due_in": 60},
          {"name": "Petition signatures", "unit": "signatures", "target": 500, "due_in": 60},
          {"name": "Meeting granted by the council", "kind": "milestone", "due_in": 45}],
         ("worker", "client", "client2", "client4"),
         ("Speak once at a public meeting", False, False)),
    Spec("evaluation", "Safe lighting on the path to the bus stop", "lighting",
         ("Unsafe street lighting near the estate", "Half the street lights have been broken for months.", "safety"),
         "Broken street lights made the path to the bus stop unsafe after dark.",
         "Repair every broken light on the path within a month, and check them monthly.",
         "The council's highways department", (-95, -88, -70, -6), -3,
         [{"name": "Walkabout with the highways officer", "kind": "milestone", "achieved": True},
          {"name": "Repair schedule published", "kind": "milestone", "achieved": True},
          {"name": "Residents at the evening walkabout", "unit": "attendees", "target": 25}],
         ("worker", "client", "client5"),
         ("Report a broken light myself", True, True)),
    Spec("closed", "Repairs done within 28 days", "repairs",
         ("Repairs take months at the housing association", "Repairs are promised but never done.", "housing"),
         "Tenants waited months for urgent repairs from the housing association.",
         "Commit to a 28-day repair target, in writing, and clear the backlog.",
         "The housing association's board", (-220, -210, -180, -60, -25), -70,
         [{"name": "Meeting with the housing association's board", "kind": "milestone", "achieved": True},
          {"name": "28-day repair promise in writing", "kind": "milestone", "achieved": True}],
         ("worker", "client", "client2", "client3"),
         ("Write my first letter to an official", False, True)),
]

OUTCOME = {"what_changed": "The housing association signed a 28-day repair promise and cleared 140 outstanding "
                           "repairs in two months.",
           "result": "achieved", "evidence_url": "https://example.org/riverside/repairs-promise",
           "what_worked": "Tenants telling their own stories at the board meeting; a shared log of repair requests.",
           "what_to_change": "Start the log earlier; agree who follows up each promise."}
CLOSING = "Won: a 28-day repair promise in writing and the backlog cleared. The tenants' repair log continues."


def _moment(days: int) -> datetime:
    """A time of day `days` from now (10:00 UTC), so the history reads like working hours."""
    return datetime.combine(clock.now().date() + timedelta(days=days), time(10), tzinfo=clock.now().tzinfo)


def _concern(world, spec: Spec) -> Concern:
    """The shared concern this campaign grows from: from the concerns step, else made here directly."""
    for concern in world.extra.get("shared_concerns") or []:
        if spec.concern_word in concern.title.lower() and concern.status == "shared":
            return concern
    title, description, category = spec.fallback
    session = world.session
    concern = Concern(org_id=world.org.id, title=title, description=description, status="shared",
                      support_count=world.org.share_threshold + 1, shared_at=_moment(spec.timeline[0] - 5))
    session.add(concern)
    session.flush()
    session.add(ConcernCategory(concern_id=concern.id, category=category))
    session.commit()
    return concern


def _goals(world, spec: Spec, campaign: Campaign, today: date) -> list:
    """Set the spec's goals; returns the milestones to mark achieved once intervention is under way."""
    coordinator, to_achieve = world.people["coordinator"], []
    for goal in spec.goals:
        fields = {k: v for k, v in goal.items() if k not in {"due_in", "achieved"}}
        if "due_in" in goal:
            fields["due_on"] = today + timedelta(days=goal["due_in"])
        made = goals.set_goal(world.session, actor=coordinator, campaign=campaign, **fields)
        if goal.get("achieved"):
            to_achieve.append(made)
    return to_achieve


def _team(world, spec: Spec, campaign: Campaign) -> None:
    for nick in spec.team:
        person = world.people[nick]
        if nick == "worker":
            campaign_team.add_member(world.session, actor=world.people["coordinator"], campaign=campaign,
                                     user_id=person.id, role="organiser")
        else:
            campaign_team.join(world.session, user=person, campaign=campaign)


def _launch(world, spec: Spec, today: date) -> tuple[Campaign, list]:
    session, client = world.session, world.people["client"]
    with clock.frozen(_moment(spec.timeline[0])):
        campaign = campaigns.launch(
            session, actor=world.people["coordinator"], org_id=world.org.id, concern_ids=[_concern(world, spec).id],
            name=spec.name, summary=spec.summary, ask=spec.ask, target=spec.target,
            starts_on=_moment(spec.timeline[0]).date(), deadline=today + timedelta(days=spec.deadline_in),
            timezone=world.org.timezone)
        _team(world, spec, campaign)
        to_achieve = _goals(world, spec, campaign, today)
        if spec.personal_goal:
            personal_goals.set_mine(session, user=client, campaign=campaign, text=spec.personal_goal[0],
                                    shared_with_worker=spec.personal_goal[1])
    return campaign, to_achieve


def _build_one(world, spec: Spec) -> Campaign:
    session, coordinator, today = world.session, world.people["coordinator"], clock.now().date()
    campaign, to_achieve = _launch(world, spec, today)
    moves = LIFECYCLE[:LIFECYCLE.index(spec.stage) + 1] if spec.stage in LIFECYCLE else ()
    for stage, days in zip(moves, spec.timeline[1:], strict=True):
        if stage == "evaluation":
            with clock.frozen(_moment(days - 4)):  # milestones reached while acting, before evaluating
                for goal in to_achieve:
                    goals.mark_achieved(session, actor=coordinator, goal=goal, campaign=campaign)
                if spec.personal_goal and spec.personal_goal[2]:
                    personal_goals.mark_done(session, user=world.people["client"], campaign=campaign)
        summary = None
        if stage == "closed":
            session.add(Outcome(campaign_id=campaign.id, occurred_on=_moment(days - 3).date(),
                                review_on=today + timedelta(days=60), created_by_id=coordinator.id, **OUTCOME))
            session.commit()
            summary = CLOSING
        with clock.frozen(_moment(days)):
            campaign = campaigns.change_stage(session, actor=coordinator, campaign=campaign, to_stage=stage,
                                              closing_summary=summary)
        if stage == "collaboration":
            with clock.frozen(_moment(days + 2)):
                for nick, fields in spec.proposals:
                    goals.propose_goal(session, actor=world.people[nick], campaign=campaign, **fields)
    return campaign


def build(world) -> None:
    made = {spec.stage: _build_one(world, spec) for spec in SPECS}
    world.extra["campaigns"] = made
    world.echo(f"    {len(made)} campaigns: " + ", ".join(f"{c.name} ({stage})" for stage, c in made.items()))
