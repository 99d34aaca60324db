"""Schemas of contributions, for the API and the pages alike."""

from __future__ import annotations

import marshmallow as ma

from campaigns.domain import rules_volunteering as rules
from campaigns.schemas.fields import Id, StrictSchema, Text


class ContributionIn(StrictSchema):
    goal_id = Id(required=True, metadata={"description": "A goal of this campaign."})
    amount = ma.fields.Float(required=True, allow_nan=False, validate=ma.validate.Range(
        min=0, min_inclusive=False, max=rules.MAX_AMOUNT,
        error=f"Enter an amount above 0 and at most {rules.MAX_AMOUNT:,}."))
    hours = ma.fields.Float(load_default=0.0, allow_nan=False, validate=ma.validate.Range(
        min=0, max=rules.MAX_HOURS, error=f"Enter hours between 0 and {rules.MAX_HOURS:,}."))
    note = Text(max_length=1000, load_default="")
    task_id = Id(allow_none=True)
    action_id = Id(allow_none=True)


class RejectIn(StrictSchema):
    reason = Text(required=True, min_length=1, max_length=500, metadata={
        "description": "Said kindly: the volunteer reads it."})


class ContributionOut(ma.Schema):
    id = ma.fields.Integer()
    campaign_id = ma.fields.Integer()
    goal_id = ma.fields.Integer()
    user_id = ma.fields.Integer(allow_none=True)
    task_id = ma.fields.Integer(allow_none=True)
    action_id = ma.fields.Integer(allow_none=True)
    amount = ma.fields.Float()
    hours = ma.fields.Float()
    note = ma.fields.String()
    status = ma.fields.String(metadata={"description": "pending, verified or rejected"})
    counted = ma.fields.Boolean(metadata={"description": "Whether it is in the goal's progress now."})
    reject_reason = ma.fields.String(allow_none=True)
    self_verified = ma.fields.Boolean(metadata={
        "description": "Verified by the person who logged it (a group with one coordinator only)."})
    reviewed_at = ma.fields.DateTime(allow_none=True)
    created_at = ma.fields.DateTime()


class StatusFilter(ma.Schema):
    status = ma.fields.String(validate=ma.validate.OneOf(["pending", "verified", "rejected"]))


class HoursOut(ma.Schema):
    verified = ma.fields.Float()
    pending = ma.fields.Float()


class FeedOut(ma.Schema):
    url = ma.fields.String(metadata={"description": "Your secret feed address. Shown only this once."})
