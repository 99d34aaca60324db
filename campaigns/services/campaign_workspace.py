"""A campaign as a workspace: its sections, and the one next step for this viewer, shown at the top of each.

The next step is the first that applies, in order: for those who run the campaign, contributions waiting to be
checked, outcome reviews due, the first goal, the first action, the next stage; for everyone, their own next shift,
an action that still needs people, joining the team, proposing a goal, a personal goal.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from campaigns import clock
from campaigns.domain import stages
from campaigns.domain.model import Action, Campaign, CampaignMember, Contribution, Goal, PersonalGoal, Role, User
from campaigns.services import campaigns, dashboards, outcomes, policy
from campaigns.services.volunteering import MyTask, signups_with_context

#: the workspace's sections, in order: (key, label); each has its own page
SECTIONS: tuple[tuple[str, str], ...] = (
    ("overview", "Overview"), ("actions", "Actions and tasks"), ("progress", "Progress"), ("team", "Team"),
    ("outcomes", "Outcomes"),
)


@dataclass
class NextStep:
    #: verify | review | add_goal | plan_action | move | blocked | your_shift | sign_up | join | propose_goal |
    #: personal_goal
    kind: str
    count: int = 0
    stage: str | None = None  #: move, blocked: the stage ahead
    reason: str | None = None  #: blocked: what to do first
    shift: MyTask | None = None  #: your_shift
    action: Action | None = None  #: sign_up
    places: int = 0  #: sign_up: places free


def next_step(session: Session, *, user: User, campaign: Campaign) -> NextStep | None:
    """This viewer's next step in the campaign, or None when there is nothing to ask of them."""
    if policy.allowed(session, user, "campaign.manage", campaign.org_id, campaign_id=campaign.id):
        found = _managers_step(session, campaign)
        if found:
            return found
    return _members_step(session, user, campaign)


def _managers_step(session: Session, campaign: Campaign) -> NextStep | None:
    pending = session.exec(select(func.count()).select_from(Contribution).where(
        Contribution.campaign_id == campaign.id, Contribution.status == "pending")).one()
    if pending:
        return NextStep("verify", count=pending)
    due = outcomes.due_for_review(session, [campaign.id], within_days=0)  # type: ignore[list-item]
    if due:
        return NextStep("review", count=len(due))
    if campaign.stage not in stages.ACTIVE:
        return None
    accepted = session.exec(select(func.count()).select_from(Goal).where(
        Goal.campaign_id == campaign.id, Goal.status == "accepted")).one()
    if not accepted and campaign.stage in ("assessment", "collaboration"):
        return NextStep("add_goal")
    if campaign.stage == "intervention" and not _has_upcoming_action(session, campaign.id):
        return NextStep("plan_action")
    ahead = stages.next_stage(campaign.stage)
    if ahead and ahead in campaigns.possible_moves(session, campaign):
        return NextStep("move", stage=ahead)
    blocker = campaigns.next_step_blocker(session, campaign)
    if blocker:
        return NextStep("blocked", stage=blocker[0], reason=blocker[1])
    return None


def _has_upcoming_action(session: Session, campaign_id: int) -> bool:
    return session.exec(select(Action.id).where(Action.campaign_id == campaign_id, Action.status == "planned",
                                                Action.ends_at > clock.now()).limit(1)).first() is not None


def _members_step(session: Session, user: User, campaign: Campaign) -> NextStep | None:
    now = clock.now()
    mine = [item for item in signups_with_context(session, user, statuses=("confirmed",))
            if item.campaign.id == campaign.id and item.ends_at and item.ends_at > now
            and not (item.action and item.action.status == "cancelled")]
    if mine:
        return NextStep("your_shift", shift=min(mine, key=lambda i: i.starts_at or now))
    if campaign.stage not in stages.ACTIVE:
        return None
    taken = {item.action.id for item in signups_with_context(session, user, statuses=("confirmed", "waitlisted"))
             if item.action is not None}
    needing = [u for u in dashboards.upcoming_unfilled(session, [campaign.id], {campaign.id: campaign.name})
               if u.action.id not in taken]
    if needing:
        return NextStep("sign_up", action=needing[0].action, places=needing[0].unfilled)
    member = policy.membership(session, user, campaign.org_id)
    on_team = session.exec(select(CampaignMember.id).where(CampaignMember.campaign_id == campaign.id,
                                                           CampaignMember.user_id == user.id)).first()
    if on_team is None and policy.has_role(member, "campaign.join"):
        return NextStep("join")
    if campaign.stage == "collaboration" and member is not None and member.role != Role.coordinator:
        return NextStep("propose_goal")
    has_goal = session.exec(select(PersonalGoal.id).where(PersonalGoal.campaign_id == campaign.id,
                                                          PersonalGoal.user_id == user.id)).first()
    return None if has_goal is not None else NextStep("personal_goal")
