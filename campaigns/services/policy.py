"""Who may do what: the one place that decides. Views and API endpoints ask here, never decide themselves.

Rules: someone outside an organisation gets NotFound for anything in it (no existence leak); a member whose
role does not allow an act gets Forbidden. Site admins run the installation; they do not read an
organisation's members' data unless they are members themselves.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlmodel import Session, col, select

from campaigns.db import remember, remembered
from campaigns.domain.model import CampaignMember, Membership, Organisation, Role, User
from campaigns.services.errors import Forbidden, NotFound

ALL = frozenset(Role)
STAFF = frozenset({Role.worker, Role.coordinator})
COORDINATORS = frozenset({Role.coordinator})

#: permission -> organisation roles that have it
PERMISSIONS: dict[str, frozenset[Role]] = {
    "org.view": ALL,
    "org.manage": COORDINATORS,
    "members.view": COORDINATORS,
    "members.manage": COORDINATORS,
    "audit.view": COORDINATORS,
    "concern.raise": ALL,
    "concern.support": ALL,
    "concern.merge": COORDINATORS,
    "concern.close": COORDINATORS,
    "concern.export": COORDINATORS,
    "assessment.write": STAFF,
    "campaign.view": ALL,
    "campaign.launch": COORDINATORS,
    "campaign.manage": COORDINATORS,
    "campaign.join": frozenset({Role.client, Role.worker}),
    "goal.propose": ALL,
    "volunteer": ALL,
    "act_for_client": frozenset({Role.worker}),
    #: a client gives consents (and workers receive them: act_for_client)
    "consent.give": frozenset({Role.client}),
    "roster.view": COORDINATORS,
    "contribution.review": COORDINATORS,
    "reports.view": COORDINATORS,
    "webhooks.manage": COORDINATORS,
    "nudges.manage": COORDINATORS,
}

#: what a person's own account pages offer, by what they do in any of their groups (see `account_features`)
ACCOUNT_FEATURES: dict[str, frozenset[Role]] = {
    #: personal API tokens are for tools that help run or support campaigns
    "api_tokens": STAFF,
    #: nudges only coordinators get (outcome reviews, capacity alerts, the Monday summary)
    "coordinator_nudges": COORDINATORS,
    #: clients give consents; workers receive them
    "consents_given": frozenset({Role.client}),
    "consents_received": frozenset({Role.worker}),
}


#: campaign team roles that may manage their campaign as a coordinator would
CAMPAIGN_MANAGERS = frozenset({"lead", "organiser"})
#: permissions a campaign lead or organiser holds for their own campaign
CAMPAIGN_SCOPED = frozenset({"campaign.manage", "roster.view", "contribution.review", "nudges.manage"})


def standing(session: Session, user: User) -> dict[int, tuple[Organisation, Membership]]:
    """The user's organisations and memberships by organisation id (by name), read once per request: every
    permission check, the navigation and org lookups by id share this one query."""
    def load():
        query = (select(Organisation, Membership).join(Membership, Membership.org_id == Organisation.id)
                 .where(Membership.user_id == user.id).order_by(Organisation.name))
        return {org.id: (org, member) for org, member in session.exec(query)}
    return remembered(session, ("standing", user.id), load)


def with_standing(query):
    """`query`, which selects a User, extended to bring that user's memberships and organisations along (one row
    per membership): who is asking and where they belong in one round trip. Pass the rows to `keep_standing`."""
    return (query.add_columns(Membership, Organisation)
            .outerjoin(Membership, Membership.user_id == User.id)
            .outerjoin(Organisation, Organisation.id == Membership.org_id).order_by(Organisation.name))


def keep_standing(session: Session, user: User, rows) -> None:
    """Prime `standing` from rows of a `with_standing` query (their last two columns)."""
    remember(session, ("standing", user.id), {row[-1].id: (row[-1], row[-2]) for row in rows if row[-1] is not None})


def membership(session: Session, user: User | None, org_id: int) -> Membership | None:
    if user is None or user.id is None:
        return None
    found = standing(session, user).get(org_id)
    return found[1] if found else None


def require_member(session: Session, user: User | None, org_id: int) -> Membership:
    """The user's membership of the organisation, or NotFound: outsiders must not learn it exists."""
    found = membership(session, user, org_id)
    if found is None:
        raise NotFound()
    return found


def has_role(member: Membership | None, permission: str) -> bool:
    return member is not None and Role(member.role) in PERMISSIONS[permission]


def has_role_anywhere(session: Session, user: User | None, permission: str) -> bool:
    """Whether any of the user's memberships grants `permission` (for account pages, outside one group)."""
    if user is None or user.id is None:
        return False
    return any(has_role(member, permission) for _, member in standing(session, user).values())


def account_features(session: Session, user: User | None) -> frozenset[str]:
    """The account features that are this person's: those any of their memberships grants, API tokens for site
    admins too, and coordinators' nudges for a campaign's lead or organiser."""
    if user is None or user.id is None:
        return frozenset()
    roles = {Role(member.role) for _, member in standing(session, user).values()}
    found = {name for name, allowed in ACCOUNT_FEATURES.items() if roles & allowed}
    if user.is_admin:
        found.add("api_tokens")
    if any(place.role in CAMPAIGN_MANAGERS for place in teams(session, user.id).values()):
        found.add("coordinator_nudges")
    return frozenset(found)


def visible_people(session: Session, viewer: User | None, user_ids: set[int]) -> set[int]:
    """Which of these people `viewer` may see named in a log: themself; members of a group whose member list the
    viewer may see; for a site admin, admins and people in no group (never a group's members: one query)."""
    if viewer is None or viewer.id is None or not user_ids:
        return set()
    groups = [org_id for org_id, (_org, member) in standing(session, viewer).items()
              if has_role(member, "members.view")]
    rows = session.exec(select(User.id, User.is_admin, Membership.org_id).outerjoin(
        Membership, Membership.user_id == User.id).where(col(User.id).in_(user_ids))).all()
    seen = {viewer.id} & user_ids
    in_a_group = {uid for uid, _admin, org_id in rows if org_id is not None}
    for uid, admin, org_id in rows:
        if org_id in groups or (viewer.is_admin and (admin or uid not in in_a_group)):
            seen.add(uid)
    return seen


def authorize(session: Session, user: User | None, permission: str, org_id: int,
              *, campaign_id: int | None = None) -> Membership:
    """Allow `permission` in the organisation (or the campaign) or raise NotFound/Forbidden."""
    member = require_member(session, user, org_id)
    if has_role(member, permission):
        return member
    if campaign_id is not None and permission in CAMPAIGN_SCOPED and _manages(session, user, campaign_id):
        return member
    raise Forbidden(_("You don't have permission to do that here."))


def allowed(session: Session, user: User | None, permission: str, org_id: int,
            *, campaign_id: int | None = None) -> bool:
    """Whether `authorize` would pass: for showing or hiding buttons and links."""
    try:
        authorize(session, user, permission, org_id, campaign_id=campaign_id)
    except (NotFound, Forbidden):
        return False
    return True


def teams(session: Session, user_id: int) -> dict[int, CampaignMember]:
    """Someone's places on campaign teams by campaign id, read once per request."""
    def load():
        return {place.campaign_id: place for place in
                session.exec(select(CampaignMember).where(CampaignMember.user_id == user_id))}
    return remembered(session, ("teams", user_id), load)


def _manages(session: Session, user: User, campaign_id: int) -> bool:
    team = teams(session, user.id).get(campaign_id)
    return team is not None and team.role in CAMPAIGN_MANAGERS


def reviewers(session: Session, org_id: int, campaign_id: int) -> set[int]:
    """Who may review the campaign's contributions: the group's coordinators and the campaign's leads and
    organisers, among active accounts."""
    coordinators = (select(Membership.user_id).join(User, col(User.id) == Membership.user_id)
                    .where(Membership.org_id == org_id, Membership.role == Role.coordinator, col(User.is_active)))
    managers = (select(CampaignMember.user_id).join(User, col(User.id) == CampaignMember.user_id)
                .where(CampaignMember.campaign_id == campaign_id, col(CampaignMember.role).in_(CAMPAIGN_MANAGERS),
                       col(User.is_active)))
    return set(session.exec(coordinators)) | set(session.exec(managers))


def org_by_slug(session: Session, user: User | None, slug: str, permission: str = "org.view") -> Organisation:
    """The organisation `slug` if `user` may `permission` in it. Only members get past NotFound, so it is looked
    up among the user's own organisations (already read with who is asking): no query of its own."""
    found = next((org for org, _ in standing(session, user).values() if org.slug == slug), None) if user else None
    if found is None or user is None:
        raise NotFound()
    authorize(session, user, permission, found.id)
    return found


def campaign_for(session: Session, user: User | None, campaign_id: int, permission: str = "campaign.view"):
    """The campaign if `user` may `permission` in it; NotFound for outsiders and unknown ids.

    Public campaigns are readable by anyone only through the public page (see progress), not through here.
    """
    from campaigns.domain.model import Campaign

    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound()
    authorize(session, user, permission, campaign.org_id, campaign_id=campaign.id)
    return campaign


def require_admin(user: User | None) -> None:
    if user is None or not user.is_admin:
        raise NotFound()
