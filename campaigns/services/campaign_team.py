"""A campaign's team: lead, organisers and members, by display name only.

Coordinators (and the campaign's lead or organisers) add, re-role and remove members; clients and workers join
and leave by themselves. A team always keeps at least one lead.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import case, func
from sqlmodel import Session, col, select

from campaigns.db import transaction
from campaigns.domain import events as ev
from campaigns.domain import stages
from campaigns.domain.model import Campaign, CampaignMember, Membership, User
from campaigns.services import messagebus, policy
from campaigns.services.errors import Conflict, Invalid, NotFound

ROLES = ("lead", "organiser", "member")
_ROLE_ORDER = case({role: i for i, role in enumerate(ROLES)}, value=CampaignMember.role)


def team_query(campaign_id: int):
    """(CampaignMember, display name) rows, leads first."""
    return (select(CampaignMember, User.display_name).join(User, User.id == CampaignMember.user_id)
            .where(CampaignMember.campaign_id == campaign_id)
            .order_by(_ROLE_ORDER, User.display_name, CampaignMember.id))


def team(session: Session, campaign_id: int, *, limit: int | None = None) -> list[tuple[CampaignMember, str]]:
    return [(row[0], row[1]) for row in session.exec(team_query(campaign_id).limit(limit))]


def team_size(session: Session, campaign_id: int) -> int:
    return session.exec(select(func.count()).select_from(CampaignMember)
                        .where(CampaignMember.campaign_id == campaign_id)).one()


def member_of(session: Session, campaign_id: int, user_id: int | None) -> CampaignMember | None:
    """Someone's place on the team, if they have one."""
    if user_id is None:
        return None
    return policy.teams(session, user_id).get(campaign_id)


#: the add form lists at most this many people (a large group is searched by name instead: `find`)
ADDABLE_LIMIT = 200


def addable(session: Session, campaign: Campaign, *, find: str = "", limit: int | None = None) -> list[tuple[int, str]]:
    """(user id, display name) of organisation members not yet on the team, optionally whose display name
    contains `find`, for the add form (one query)."""
    on_team = select(CampaignMember.user_id).where(CampaignMember.campaign_id == campaign.id)
    query = (select(User.id, User.display_name).join(Membership, Membership.user_id == User.id)
             .where(Membership.org_id == campaign.org_id, col(User.id).not_in(on_team)))
    if find.strip():
        query = query.where(func.lower(User.display_name).contains(find.strip().lower(), autoescape=True))
    return [(user_id, name) for user_id, name in
            session.exec(query.order_by(User.display_name, User.id).limit(limit or ADDABLE_LIMIT))]


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise Invalid(_("Choose lead, organiser or member."), field="role")
    return role


def _require_active(campaign: Campaign) -> None:
    if campaign.stage not in stages.ACTIVE:
        raise Conflict(_("This campaign is closed or archived; its team can't change."))


def _team_row(session: Session, campaign: Campaign, member_id: int) -> CampaignMember:
    member = session.get(CampaignMember, member_id, with_for_update=True, populate_existing=True)
    if member is None or member.campaign_id != campaign.id:
        raise NotFound()
    return member


def _leads(session: Session, campaign_id: int) -> int:
    query = select(func.count()).select_from(CampaignMember).where(
        CampaignMember.campaign_id == campaign_id, CampaignMember.role == "lead")
    return session.exec(query).one()


def _keep_a_lead(session: Session, member: CampaignMember) -> None:
    if member.role == "lead" and _leads(session, member.campaign_id) <= 1:
        raise Conflict(_("A campaign needs a lead. Make someone else lead first."))


def _joined(session: Session, campaign: Campaign, user_id: int, role: str) -> CampaignMember:
    if member_of(session, campaign.id, user_id) is not None:
        raise Conflict(_("They're already on the team."))
    member = CampaignMember(campaign_id=campaign.id, user_id=user_id, role=role)
    session.add(member)
    session.flush()
    # the actor is the person who joined (display names of the team are shown to its organisation anyway)
    messagebus.record(session, ev.MemberJoinedCampaign(org_id=campaign.org_id, campaign_id=campaign.id,
                                                       subject_id=campaign.id, actor_id=user_id))
    return member


def add_member(session: Session, *, actor: User, campaign: Campaign, user_id: int,
               role: str = "member") -> CampaignMember:
    """Put a member of the organisation on the team with a campaign role. Records MemberJoinedCampaign."""
    policy.authorize(session, actor, "campaign.manage", campaign.org_id, campaign_id=campaign.id)
    _check_role(role)
    _require_active(campaign)
    if policy.membership(session, session.get(User, user_id), campaign.org_id) is None:
        raise Invalid(_("Choose a member of this group."), field="user_id")
    with transaction(session):
        return _joined(session, campaign, user_id, role)


def change_role(session: Session, *, actor: User, campaign: Campaign, member_id: int, role: str) -> CampaignMember:
    """Give a team member another campaign role; the team keeps at least one lead."""
    policy.authorize(session, actor, "campaign.manage", campaign.org_id, campaign_id=campaign.id)
    _check_role(role)
    _require_active(campaign)
    with transaction(session):
        member = _team_row(session, campaign, member_id)
        if role != "lead":
            _keep_a_lead(session, member)
        member.role = role
        session.add(member)
    return member


def remove_member(session: Session, *, actor: User, campaign: Campaign, member_id: int) -> None:
    """Take someone off the team; the team keeps at least one lead."""
    policy.authorize(session, actor, "campaign.manage", campaign.org_id, campaign_id=campaign.id)
    with transaction(session):
        member = _team_row(session, campaign, member_id)
        _keep_a_lead(session, member)
        session.delete(member)


def join(session: Session, *, user: User, campaign: Campaign) -> CampaignMember:
    """A client or worker joins a campaign of their organisation. Records MemberJoinedCampaign."""
    policy.authorize(session, user, "campaign.join", campaign.org_id)
    _require_active(campaign)
    with transaction(session):
        if member_of(session, campaign.id, user.id) is not None:
            raise Conflict(_("You're already on this campaign's team."))
        return _joined(session, campaign, user.id, "member")  # type: ignore[arg-type]


def leave(session: Session, *, user: User, campaign: Campaign) -> None:
    """Step off a campaign's team (a lead hands over first)."""
    policy.require_member(session, user, campaign.org_id)
    with transaction(session):
        member = member_of(session, campaign.id, user.id)
        if member is None:
            raise Conflict(_("You're not on this campaign's team."))
        _keep_a_lead(session, member)
        session.delete(member)
