"""Demo volunteering in the intervention campaign: actions with full, partly full and empty tasks, a waitlist,
a past action with attendance, contributions (verified, pending, kindly declined), and a message to volunteers.

Shares `world.extra["volunteering"]` (actions, tasks and the campaign by nickname) with the nudges step.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import select

from campaigns import clock
from campaigns.domain.model import Campaign, Goal
from campaigns.services import actions, attendance, consents, contributions, signups
from campaigns.services import tasks as task_service


def _campaign(world) -> Campaign:
    """The intervention campaign from the campaigns step, or one made here if that step made none."""
    found = (world.extra.get("campaigns") or {}).get("intervention")
    if found is not None:
        return found
    campaign = Campaign(org_id=world.org.id, name="Fair rents on the Riverside estate", stage="intervention",
                        summary="Rents rose 18% in a year; repairs wait for months.",
                        ask="Cap rent rises at inflation and fix repairs within 28 days.",
                        target="City housing committee", starts_on=date.today() - timedelta(days=40),
                        deadline=date.today() + timedelta(days=80), timezone=world.org.timezone,
                        intervention_began_at=clock.now() - timedelta(days=10),
                        created_by_id=world.people["coordinator"].id)
    world.session.add(campaign)
    world.session.commit()
    return campaign


def _goals(world, campaign: Campaign) -> dict[str, Goal]:
    """Two countable goals (letters, signatures): the campaign's own if it has them, else made here."""
    session = world.session
    goals = list(session.exec(select(Goal).where(Goal.campaign_id == campaign.id, Goal.status == "accepted",
                                                 Goal.kind == "measure")))
    by_unit = {g.unit: g for g in goals}
    for unit, name, target in (("letters", "Letters to councillors", 200), ("signatures", "Petition signatures", 500)):
        if unit not in by_unit:
            by_unit[unit] = Goal(campaign_id=campaign.id, name=name, unit=unit, target=target,
                                 due_on=date.today() + timedelta(days=60))
            session.add(by_unit[unit])
    session.commit()
    return by_unit


def _at(days: int, hour: int, zone: str) -> datetime:
    """Wall-clock time `days` from now at `hour`, in `zone` (what a coordinator types)."""
    local = (clock.now() + timedelta(days=days)).astimezone(ZoneInfo(zone))
    return local.replace(hour=hour, minute=0, second=0, microsecond=0, tzinfo=None)


def build(world) -> None:
    session, people = world.session, world.people
    coordinator = people["coordinator"]
    campaign = _campaign(world)
    goals = _goals(world, campaign)
    zone = campaign.timezone
    plan = lambda **kw: actions.plan_action(session, campaign_id=campaign.id, user=coordinator,  # noqa: E731
                                            timezone=zone, **kw)
    task = lambda action, **kw: task_service.add_task(session, user=coordinator,  # noqa: E731
                                                      action_id=action.id if action else None,
                                                      campaign_id=None if action else campaign.id, **kw)
    join = lambda t, nick: signups.sign_up(session, task_id=t.id, user=people[nick])  # noqa: E731

    # a past town hall, planned and filled while it was still ahead, then attended
    with clock.frozen(clock.now() - timedelta(days=21)):
        town_hall = plan(kind="town_hall", title="Town hall: rents on the estate", starts_at=_at(7, 18, zone),
                         ends_at=_at(7, 20, zone), address="Riverside Community Centre, 2 Mill Lane",
                         accessibility_notes="Step-free entrance and a hearing loop.",
                         interpreter_languages=["Polish", "Somali"],
                         description="Residents tell the committee what the rent rises mean for them.")
        stewards = task(town_hall, title="Steward", capacity=3, description="Welcome people and hand out the agenda.")
        stewarding = [join(stewards, nick) for nick in ("client", "client2", "client3")]
    attendance.record_attendance(session, signup_id=stewarding[0].id, user=coordinator, attended=True)
    attendance.record_attendance(session, signup_id=stewarding[1].id, user=coordinator, attended=False)

    meeting = plan(kind="meeting_decision_maker", title="Meeting the housing committee chair",
                   starts_at=_at(10, 11, zone), ends_at=_at(10, 12, zone), address="City Hall, Room 4",
                   address_public=False, content_note="Residents may describe eviction threats.",
                   description="Five of us present the petition and ask for the rent cap.")
    speakers = task(meeting, title="Speaker", capacity=2, skills=["public speaking"])  # full
    notes = task(meeting, title="Note taker", capacity=1)  # full, with a waitlist
    for t, nick in ((speakers, "client"), (speakers, "client2"), (notes, "client3"), (notes, "client4"),
                    (notes, "client5")):
        join(t, nick)

    letters = plan(kind="letter_writing", title="Letter-writing evening", starts_at=_at(5, 18, zone),
                   ends_at=_at(5, 20, zone), address="Riverside Library, Mill Lane",
                   interpreter_languages=["Arabic"], description="Tea, templates and stamps provided.",
                   accessibility_notes="Step-free, with a quiet corner.", public=True)  # guests welcome
    writers = task(letters, title="Letter writer", capacity=10, goal_id=goals["letters"].id)  # partly full
    welcome = task(letters, title="Welcome table", capacity=2)  # empty
    for nick in ("client2", "client4"):
        join(writers, nick)

    flyers = task(None, title="Flyers on the estate", capacity=5, deadline=_at(12, 17, zone),
                  goal_id=goals["signatures"].id, description="Post 50 flyers through doors on your block.")
    join(flyers, "client5")
    if consents.live(session, worker=people["worker"], client_id=people["client"].id, scope="sign_up",
                     org_id=world.org.id) is None:
        consents.give(session, client=people["client"], worker_id=people["worker"].id, org_id=world.org.id,
                      scope="sign_up")
    signups.sign_up(session, task_id=writers.id, user=people["worker"], on_behalf_of=people["client"].id)

    campaign.visibility = "public"  # its public page lists the letter-writing evening (no people on it)
    session.add(campaign)
    session.commit()
    _contributions(world, campaign, goals, town_hall)
    attendance.message_volunteers(
        session, user=coordinator, action_id=meeting.id, title="Before the meeting",
        body="We'll meet at the City Hall entrance 15 minutes early to go over who says what.")
    world.extra["volunteering"] = {
        "campaign": campaign, "goals": goals,
        "actions": {"town_hall": town_hall, "meeting": meeting, "letters": letters},
        "tasks": {"stewards": stewards, "speakers": speakers, "notes": notes, "writers": writers, "welcome": welcome,
                  "flyers": flyers},
    }


def _contributions(world, campaign: Campaign, goals: dict[str, Goal], town_hall) -> None:
    session, people, coordinator = world.session, world.people, world.people["coordinator"]
    log = lambda nick, goal, amount, hours, note="": contributions.log_contribution(  # noqa: E731
        session, user=people[nick], campaign_id=campaign.id, goal_id=goals[goal].id, amount=amount, hours=hours,
        note=note, action_id=town_hall.id)
    for nick, goal, amount, hours in (("client", "letters", 12, 2), ("client3", "signatures", 40, 3)):
        contributions.verify(session, contribution_id=log(nick, goal, amount, hours).id, user=coordinator)
    log("client2", "letters", 8, 1.5, "Wrote these at home after the town hall.")  # pending
    log("client4", "signatures", 25, 2)  # pending
    twice = log("client3", "signatures", 40, 0, "Same sheet as before, I think.")
    contributions.reject(session, contribution_id=twice.id, user=coordinator,
                         reason="These were counted already — thank you for being careful!")
