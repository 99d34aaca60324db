"""Schemas of organisations, for the API and the pages alike."""

from __future__ import annotations

import marshmallow as ma

from campaigns.domain.model import Role
from campaigns.schemas.fields import StrictSchema, Text, Timezone

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
    action = ma.fields.String(metadata={"description": "The event as a stable code (login, role_changed…)."})
    what = ma.fields.String(metadata={"description": "The event in words, in the request's language."})
    actor_id = ma.fields.Integer(allow_none=True)
    who = ma.fields.String(allow_none=True, metadata={
        "description": "Who did it, by name where you may see it; null for the system or someone you may not see."})
    target = ma.fields.String(allow_none=True, metadata={"description": "What it was about, as kind:id."})
    about = ma.fields.String(metadata={"description": "What it was about, in words, in the request's language."})
    at = ma.fields.DateTime()
