"""Empowerment reflections: a participant's optional, private answers when joining a campaign and after it
closes. Only the person ever sees their own answers and free text; coordinators see aggregates over k people.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from campaigns.db import insert_ignore, transaction
from campaigns.domain import rules_progress as rules
from campaigns.domain.model import Campaign, CampaignMember, Organisation, Reflection, Signup, Task, User
from campaigns.nudges import outbox as nudges
from campaigns.services import policy
from campaigns.services.errors import Invalid, NotFound

QUESTIONS = {
    "influence": "I can influence decisions that affect my community.",
    "connected": "I feel connected to others who share this concern.",
    "know_how": "I know how to take action.",
}
#: when each phase can be answered
OPEN_STAGES = {
    "before": frozenset({"assessment", "collaboration", "intervention", "evaluation"}),
    "after": frozenset({"closed", "archived"}),
}


def took_part(session: Session, *, campaign_id: int, user_id: int) -> bool:
    """Whether the person joined the campaign's team or took a place in one of its tasks."""
    if campaign_id in policy.teams(session, user_id):
        return True
    signed = (select(Signup.id).join(Task, col(Task.id) == Signup.task_id)
              .where(Task.campaign_id == campaign_id, Signup.user_id == user_id, Signup.status == "confirmed"))
    return session.exec(signed.limit(1)).first() is not None


def may_answer(session: Session, *, campaign: Campaign, user: User, phase: str) -> bool:
    """Whether this person can give (or change) this phase's answers now."""
    return (phase in OPEN_STAGES and campaign.stage in OPEN_STAGES[phase]
            and took_part(session, campaign_id=campaign.id, user_id=user.id))  # type: ignore[arg-type]


def _check(campaign: Campaign, phase: str, scores: dict[str, int], free_text: str) -> None:
    if phase not in rules.REFLECTION_PHASES:
        raise Invalid(_("Choose before or after."), field="phase")
    for item in rules.REFLECTION_ITEMS:
        if not isinstance(scores.get(item), int) or not 1 <= scores[item] <= 5:
            raise Invalid(_("Choose a number from 1 to 5."), field=item)
    if len(free_text) > 5000:
        raise Invalid(_("Keep it under 5000 characters."), field="free_text")
    if campaign.stage not in OPEN_STAGES[phase]:
        raise Invalid(_("These questions open at the start of a campaign, and again once it has closed.")
                      if phase == "after" else _("This campaign has closed: answer the 'after' questions instead."),
                      field="phase")


def submit(session: Session, *, campaign: Campaign, user: User, phase: str, influence: int, connected: int,
           know_how: int, free_text: str = "") -> Reflection:
    """Give or change your own reflection for a campaign you took part in. Records no event: it is private."""
    policy.authorize(session, user, "campaign.view", campaign.org_id)
    scores = {"influence": influence, "connected": connected, "know_how": know_how}
    _check(campaign, phase, scores, free_text)
    if not took_part(session, campaign_id=campaign.id, user_id=user.id):  # type: ignore[arg-type]
        raise Invalid(_("Join the campaign or take a task first; then you can share how you feel about it."))
    key = {"campaign_id": campaign.id, "user_id": user.id, "phase": phase}
    values = {**scores, "free_text": free_text.strip()}
    with transaction(session):
        # insert-or-ignore then update: a double submit can't collide on UNIQUE(campaign, user, phase)
        insert_ignore(session, Reflection.__table__, [{**key, **values}], unique=list(key))
        session.exec(update(Reflection).where(  # type: ignore[call-overload]
            *(getattr(Reflection, k) == v for k, v in key.items())).values(**values))
    return mine(session, campaign_id=campaign.id, user=user)[phase]  # type: ignore[arg-type]


def withdraw(session: Session, *, campaign_id: int, user: User, phase: str) -> None:
    """Delete your own answers for one phase."""
    with transaction(session):
        removed = session.exec(delete(Reflection).where(  # type: ignore[call-overload]
            col(Reflection.campaign_id) == campaign_id, col(Reflection.user_id) == user.id,
            col(Reflection.phase) == phase)).rowcount
    if not removed:
        raise NotFound()


def mine(session: Session, *, campaign_id: int, user: User) -> dict[str, Reflection]:
    """Your own answers for a campaign, by phase (yours alone: nobody else reads them)."""
    rows = session.exec(select(Reflection).where(Reflection.campaign_id == campaign_id,
                                                 Reflection.user_id == user.id)
                        .execution_options(populate_existing=True))
    return {row.phase: row for row in rows}


def summary(session: Session, *, campaign: Campaign, user: User) -> dict:
    """Before and after aggregates for the campaign's coordinators; a phase with fewer than k answers is None."""
    policy.authorize(session, user, "reports.view", campaign.org_id, campaign_id=campaign.id)
    k = session.get(Organisation, campaign.org_id).share_threshold  # type: ignore[union-attr]  (loaded with the viewer)
    return summaries(session, [campaign.id], k)[campaign.id]  # type: ignore[index]


def summaries(session: Session, campaign_ids: list[int], k: int) -> dict[int, dict]:
    """{campaign_id: {"k": k, "before": aggregate or None, "after": …}} in one query (no free text read)."""
    answers: dict[int, dict[str, list]] = {cid: {p: [] for p in rules.REFLECTION_PHASES} for cid in campaign_ids}
    if campaign_ids:
        query = select(Reflection.campaign_id, Reflection.phase, Reflection.influence, Reflection.connected,
                       Reflection.know_how).where(col(Reflection.campaign_id).in_(campaign_ids))
        for campaign_id, phase, *scores in session.exec(query):
            answers[campaign_id][phase].append(tuple(scores))
    return {cid: {"k": k, **{p: rules.summarize_answers(rows, k) for p, rows in phases.items()}}
            for cid, phases in answers.items()}


# -- invitations (handlers, see bootstrap.event_handlers) -------------------------------------------------------------
INVITE_KIND = "reflection_invite"


def invite_on_joining(session: Session, event, row) -> None:
    """MemberJoinedCampaign: an in-app invitation to the optional 'before' reflection, once."""
    if event.actor_id is not None and event.campaign_id is not None:
        _invite(session, event.org_id, event.campaign_id, [event.actor_id], "before")


def invite_on_closing(session: Session, event, row) -> None:
    """CampaignStageChanged to closed: invite everyone who took part to the optional 'after' reflection, once."""
    if getattr(event, "to_stage", None) != "closed" or event.campaign_id is None:
        return
    members = select(CampaignMember.user_id).where(CampaignMember.campaign_id == event.campaign_id)
    volunteers = (select(Signup.user_id).join(Task, col(Task.id) == Signup.task_id)
                  .where(Task.campaign_id == event.campaign_id, Signup.status == "confirmed"))
    people = set(session.exec(members).all()) | {u for u in session.exec(volunteers).all() if u is not None}
    _invite(session, event.org_id, event.campaign_id, sorted(people), "after")


def _invite(session: Session, org_id: int, campaign_id: int, user_ids: list[int], phase: str) -> None:
    link = f"/campaigns/{campaign_id}/reflection/{phase}"
    words = {"before": ("How do you feel, joining this campaign?",
                        "If you like, answer three short questions, just for you. Nobody else sees your answers; "
                        "coordinators only ever see averages from several people."),
             "after": ("The campaign has closed: how do you feel now?",
                       "If you like, answer the same three questions again, just for you. Only averages from several "
                       "people are ever shown to anyone.")}[phase]
    about = _campaign_name(session, campaign_id)  # the invitation names the campaign it asks about
    nudges.plan_many(session, [nudges.NudgeSpec(
        recipient_id=user_id, kind=INVITE_KIND, subject_type="campaign", subject_id=campaign_id,
        reason=f"{INVITE_KIND}:{phase}", org_id=org_id, campaign_id=campaign_id, channels=("inapp",),
        payload={"title": words[0], "body": words[1], "link": link, "about": about}) for user_id in user_ids])


def _campaign_name(session: Session, campaign_id: int) -> str:
    return session.exec(select(Campaign.name).where(Campaign.id == campaign_id)).one()
