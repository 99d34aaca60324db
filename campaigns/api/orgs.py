"""Organisations, members, invitations and join codes."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import abort

from campaigns.api.common import BEARER, Blueprint, StrictSchema, Text, Timezone, caller, paginate
from campaigns.auth import client_ip
from campaigns.db import get_session
from campaigns.domain.model import Membership, Organisation, Role, User
from campaigns.services import audit, orgs, policy

blp = Blueprint("api_orgs", __name__, description="Organisations (advocacy groups), members and invitations.")

ROLES = [r.value for r in Role]


class OrgOut(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    slug = ma.fields.String()
    share_threshold = ma.fields.Integer()
    count_pending_contributions = ma.fields.Boolean()
    timezone = ma.fields.String()
    guest_hold_hours = ma.fields.Integer(metadata={
        "description": "How long a guest's unconfirmed sign-up waits for its confirmation (it holds no seat)."})
    join_code = ma.fields.String(allow_none=True, metadata={"description": "Coordinators only."})
    sms_monthly_budget = ma.fields.Integer()


class OrgIn(StrictSchema):
    name = Text(required=True, min_length=1, max_length=120)
    slug = Text(max_length=50)
    timezone = Timezone()


class OrgSettingsIn(StrictSchema):
    name = Text(min_length=1, max_length=120)
    share_threshold = ma.fields.Integer(validate=ma.validate.Range(min=1, max=100))
    count_pending_contributions = ma.fields.Boolean()
    timezone = Timezone()
    sms_monthly_budget = ma.fields.Integer(validate=ma.validate.Range(min=0, max=1_000_000), metadata={
        "description": "SMS segments the group may send a month; an action moved or cancelled goes beyond it."})
    guest_hold_hours = ma.fields.Integer(validate=ma.validate.Range(min=1, max=168))


class MemberOut(ma.Schema):
    id = ma.fields.Integer()
    user_id = ma.fields.Integer()
    display_name = ma.fields.String()
    role = ma.fields.String()
    joined_at = ma.fields.DateTime()


class RoleIn(StrictSchema):
    role = ma.fields.String(required=True, validate=ma.validate.OneOf(ROLES))


class InvitationIn(StrictSchema):
    email = ma.fields.Email(required=True, validate=ma.validate.Length(max=254))
    role = ma.fields.String(required=True, validate=ma.validate.OneOf(ROLES))


class InvitationOut(ma.Schema):
    id = ma.fields.Integer()
    email = ma.fields.String()
    role = ma.fields.String()
    expires_at = ma.fields.DateTime()
    link = ma.fields.String(metadata={"description": "The invitation link. Shown only this once."})


class JoinIn(StrictSchema):
    code = Text(required=True, min_length=1, max_length=32)


class InvitationAcceptIn(StrictSchema):
    token = Text(required=True, min_length=1, max_length=200)


class JoinOut(ma.Schema):
    org_id = ma.fields.Integer()
    role = ma.fields.String()


class AuditOut(ma.Schema):
    id = ma.fields.Integer()
    action = ma.fields.String()
    actor_id = ma.fields.Integer(allow_none=True)
    target = ma.fields.String(allow_none=True)
    at = ma.fields.DateTime()


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
                        what=f"member list of {org.name}")
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
        return paginate(audit.org_events(get_session(), org.id), pagination_parameters)
