"""Schemas of accounts, for the API and the pages alike."""

from __future__ import annotations

import marshmallow as ma

from campaigns.schemas.fields import StrictSchema, Text, Timezone


class MembershipOut(ma.Schema):
    org_id = ma.fields.Integer()
    org_slug = ma.fields.String()
    org_name = ma.fields.String()
    role = ma.fields.String()


class MeOut(ma.Schema):
    id = ma.fields.Integer()
    email = ma.fields.String()
    display_name = ma.fields.String()
    real_name = ma.fields.String(allow_none=True)
    show_real_name = ma.fields.Boolean()
    timezone = ma.fields.String()
    locale = ma.fields.String()
    is_admin = ma.fields.Boolean()
    memberships = ma.fields.List(ma.fields.Nested(MembershipOut))


class MeIn(StrictSchema):
    display_name = Text(min_length=1, max_length=80)
    real_name = Text(max_length=120, allow_none=True)
    show_real_name = ma.fields.Boolean()
    timezone = Timezone()
    locale = Text(max_length=10)


class TokenOut(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    prefix = ma.fields.String()
    created_at = ma.fields.DateTime()
    last_used_at = ma.fields.DateTime(allow_none=True)
    expires_at = ma.fields.DateTime(allow_none=True)
    revoked_at = ma.fields.DateTime(allow_none=True)


class NewTokenOut(TokenOut):
    token = ma.fields.String(metadata={"description": "The secret. Shown only this once."})


class TokenIn(StrictSchema):
    name = Text(required=True, min_length=1, max_length=80)
    expires_days = ma.fields.Integer(allow_none=True, validate=ma.validate.Range(min=1, max=3650))
