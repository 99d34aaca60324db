"""Organisations, members, invitations and join codes."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import abort

from campaigns.api.blueprint import BEARER, Blueprint, caller
from campaigns.api.pagination import paginate
from campaigns.auth import client_ip
from campaigns.db import get_session
from campaigns.domain.model import Membership, Organisation, User
from campaigns.schemas.orgs import (
    AuditOut,
    InvitationAcceptIn,
    InvitationIn,
    InvitationOut,
    JoinIn,
    JoinOut,
    MemberOut,
    OrgIn,
    OrgOut,
    OrgSettingsIn,
    RoleIn,
)
from campaigns.services import audit, orgs, policy

blp = Blueprint("api_orgs", __name__, description="Organisations (advocacy groups), members and invitations.")

























def _org_out(org: Organisation, member: Membership | None) -> dict:
    data = org.model_dump()
    if not policy.has_role(member, "org.manage"):
        data["join_code"] = None
    return data


def org_for(org_id: int, permission: str = "org.view") -> tuple[Organisation, Membership]:
    """The organisation if the caller may `permission` in it; outsiders get 404."""
    session, user = get_session(), caller()
    org = session.get(Organisation, org_id)
    if org is None:
        abort(404)
    member = policy.authorize(session, user, permission, org.id)
    return org, member


@blp.route("/orgs")
class Orgs(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, OrgOut(many=True))
    def get(self):
        """The organisations you belong to."""
        return [_org_out(org, member) for org, member in orgs.of_user(get_session(), caller())]

    @blp.doc(security=BEARER)
    @blp.arguments(OrgIn)
    @blp.response(201, OrgOut)
    def post(self, data):
        """Create an organisation (site admins); you become its first coordinator."""
        user = caller()
        policy.require_admin(user)
        org = orgs.create(get_session(), creator=user, **data)
        return _org_out(org, policy.membership(get_session(), user, org.id))


@blp.route("/orgs/<int:org_id>")
class OrgItem(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, OrgOut)
    def get(self, org_id: int):
        """One of your organisations."""
        return _org_out(*org_for(org_id))

    @blp.doc(security=BEARER)
    @blp.arguments(OrgSettingsIn)
    @blp.response(200, OrgOut)
    def patch(self, data, org_id: int):
        """Change the organisation's settings (coordinators)."""
        org, member = org_for(org_id, "org.manage")
        orgs.update_settings(get_session(), org, actor=caller(), **data)
        return _org_out(org, member)


@blp.route("/orgs/<int:org_id>/members")
class Members(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, MemberOut(many=True))
    @blp.paginate()
    def get(self, org_id: int, pagination_parameters):
        """Members and their roles (coordinators). Shows display names only."""
        org, _ = org_for(org_id, "members.view")
        page = paginate(orgs.members_query(org.id), pagination_parameters, lambda row: {
            **row[0].model_dump(), "display_name": row[1].display_name})
        audit.log_reads(get_session(), viewer_id=caller().id, subject_ids=[m["user_id"] for m in page],
                        what="members", group=org.name)
        return page


@blp.route("/orgs/<int:org_id>/members/<int:member_id>")
class MemberItem(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(RoleIn)
    @blp.response(200, MemberOut)
    def patch(self, data, org_id: int, member_id: int):
        """Change a member's role (coordinators)."""
        org, _ = org_for(org_id, "members.manage")
        member = orgs.change_role(get_session(), org, member_id=member_id, role=data["role"], actor=caller(),
                                  ip=client_ip())
        user = get_session().get(User, member.user_id)
        return {**member.model_dump(), "display_name": user.display_name}

    @blp.doc(security=BEARER)
    @blp.response(204)
    def delete(self, org_id: int, member_id: int):
        """Remove a member (coordinators)."""
        org, _ = org_for(org_id, "members.manage")
        orgs.remove_member(get_session(), org, member_id=member_id, actor=caller(), ip=client_ip())


@blp.route("/orgs/<int:org_id>/invitations")
class Invitations(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(InvitationIn)
    @blp.response(201, InvitationOut)
    def post(self, data, org_id: int):
        """Invite someone by email with a role (coordinators). The link is emailed and returned once."""
        org, _ = org_for(org_id, "members.manage")
        invitation, link = orgs.invite_by_email(get_session(), org, email=data["email"], role=data["role"],
                                                invited_by=caller(), ip=client_ip())
        return {**invitation.model_dump(), "link": link}


@blp.route("/orgs/join")
class Join(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(JoinIn)
    @blp.response(201, JoinOut)
    def post(self, data):
        """Join an organisation as a client with its join code."""
        member = orgs.join_by_code(get_session(), code=data["code"], user=caller(), ip=client_ip())
        return member.model_dump()


@blp.route("/invitations/accept")
class AcceptInvitation(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(InvitationAcceptIn)
    @blp.response(201, JoinOut)
    def post(self, data):
        """Accept an invitation with the token from its link."""
        member = orgs.accept_invitation(get_session(), secret=data["token"], user=caller(), ip=client_ip())
        return member.model_dump()


@blp.route("/orgs/<int:org_id>/audit")
class Audit(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, AuditOut(many=True))
    @blp.paginate()
    def get(self, org_id: int, pagination_parameters):
        """The organisation's security events, newest first (coordinators)."""
        org, _ = org_for(org_id, "audit.view")
        rows = paginate(audit.org_events(get_session(), org.id), pagination_parameters)
        entries = audit.readable(get_session(), rows, viewer=caller())
        return [{**row.model_dump(include={"id", "action", "actor_id", "target", "at"}), "what": str(entry.what),
                 "who": entry.who, "about": str(entry.about)} for row, entry in zip(rows, entries, strict=True)]
