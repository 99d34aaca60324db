"""Input and output schemas for campaigns, goals, personal goals and teams: shared by the API and the pages."""

from __future__ import annotations

import marshmallow as ma

from campaigns.domain import stages
from campaigns.schemas.fields import Id, StrictSchema, Text, Timezone
from campaigns.services import campaign_team, goals
from campaigns.services.campaigns import VISIBILITIES


class WholeNumber(ma.fields.Integer):
    """An integer, from JSON or a form's text, that refuses 2.5 rather than rounding it down."""

    def _validated(self, value):
        if isinstance(value, float) and not value.is_integer():
            raise self.make_error("invalid", input=value)
        if isinstance(value, str) and not value.strip().lstrip("+-").isdigit():
            raise self.make_error("invalid", input=value)
        return super()._validated(value)


# -- campaigns -----------------------------------------------------------------------------------------------
class CampaignIn(StrictSchema):
    concern_ids = ma.fields.List(
        Id(), required=True,
        validate=ma.validate.Length(min=1, max=20, error="Choose between 1 and 20 shared concerns."),
        metadata={"description": "Shared concerns of the organisation the campaign works on."})
    name = Text(required=True, min_length=1, max_length=140)
    summary = Text(max_length=5000, load_default="")
    ask = Text(max_length=2000, load_default="", metadata={"description": "What must change."})
    target = Text(max_length=500, load_default="", metadata={"description": "Who decides."})
    starts_on = ma.fields.Date(required=True)
    deadline = ma.fields.Date(allow_none=True, load_default=None)
    timezone = Timezone(metadata={"description": "IANA time zone; the organisation's if left out."})
    visibility = ma.fields.String(load_default="members", validate=ma.validate.OneOf(VISIBILITIES))


class CampaignPatchIn(StrictSchema):
    name = Text(min_length=1, max_length=140)
    summary = Text(max_length=5000)
    ask = Text(max_length=2000)
    target = Text(max_length=500)
    starts_on = ma.fields.Date()
    deadline = ma.fields.Date(allow_none=True)
    timezone = Timezone()
    visibility = ma.fields.String(validate=ma.validate.OneOf(VISIBILITIES))
    closing_summary = Text(max_length=5000)


class StageIn(StrictSchema):
    to = ma.fields.String(required=True, validate=ma.validate.OneOf(stages.ALL_STAGES))
    closing_summary = Text(max_length=5000, metadata={"description": "Needed to close the campaign."})


class StageQuery(ma.Schema):
    stage = ma.fields.String(validate=ma.validate.OneOf(stages.ALL_STAGES))


class ConcernRef(ma.Schema):
    id = ma.fields.Integer()
    title = ma.fields.String()


class CampaignOut(ma.Schema):
    id = ma.fields.Integer()
    translations = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Dict(), metadata={
        "description": "The name, summary and ask in other languages, {language: {field: text}}."})
    org_id = ma.fields.Integer()
    name = ma.fields.String()
    summary = ma.fields.String()
    ask = ma.fields.String()
    target = ma.fields.String()
    starts_on = ma.fields.Date()
    deadline = ma.fields.Date(allow_none=True)
    days_left = ma.fields.Integer(allow_none=True, metadata={
        "description": "Days to the deadline in the campaign's time zone; negative once passed."})
    timezone = ma.fields.String()
    visibility = ma.fields.String()
    stage = ma.fields.String()
    allowed_moves = ma.fields.List(ma.fields.String(), metadata={
        "description": "Stages you could move it to now, if you manage it (closing also needs a summary)."})
    intervention_began_at = ma.fields.DateTime(allow_none=True)
    closing_summary = ma.fields.String(allow_none=True)
    progress = ma.fields.Float()
    concerns = ma.fields.List(ma.fields.Nested(ConcernRef))
    created_at = ma.fields.DateTime()


# -- goals -----------------------------------------------------------------------------------------------------
class GoalIn(StrictSchema):
    name = Text(required=True, min_length=1, max_length=140)
    kind = ma.fields.String(load_default="measure", validate=ma.validate.OneOf(goals.KINDS))
    unit = Text(max_length=40, metadata={
        "description": f"One of {', '.join(goals.UNITS)}, or your own word. Not used for milestones."})
    target = WholeNumber(allow_none=True, metadata={"description": "Above 0; 1 for a milestone."})
    due_on = ma.fields.Date(allow_none=True, metadata={"description": "On or before the campaign deadline."})
    weight = ma.fields.Float(allow_none=True, metadata={"description": "Above 0; 1 if left out."})


class GoalPatchIn(StrictSchema):
    name = Text(min_length=1, max_length=140)
    target = WholeNumber()
    due_on = ma.fields.Date(allow_none=True)
    weight = ma.fields.Float(allow_none=True)


class GoalStatusQuery(ma.Schema):
    status = ma.fields.String(validate=ma.validate.OneOf(("accepted", "proposed", "declined")))


class DeclineIn(StrictSchema):
    reason = Text(required=True, min_length=1, max_length=500)


class GoalOut(ma.Schema):
    id = ma.fields.Integer()
    campaign_id = ma.fields.Integer()
    name = ma.fields.String()
    kind = ma.fields.String()
    unit = ma.fields.String()
    target = ma.fields.Integer()
    current = ma.fields.Float()
    due_on = ma.fields.Date(allow_none=True)
    weight = ma.fields.Float()
    status = ma.fields.String()
    decline_reason = ma.fields.String(allow_none=True)
    proposed_by_you = ma.fields.Boolean()
    achieved_at = ma.fields.DateTime(allow_none=True)
    created_at = ma.fields.DateTime()


# -- personal goals ------------------------------------------------------------------------------------------
class PersonalGoalIn(StrictSchema):
    text = Text(required=True, min_length=1, max_length=500, multiline=True)
    shared_with_worker = ma.fields.Boolean(load_default=False, metadata={
        "description": "Let your worker (a worker you have given a consent to) see it."})
    done = ma.fields.Boolean(allow_none=True, load_default=None)


class PersonalGoalOut(ma.Schema):
    text = ma.fields.String()
    shared_with_worker = ma.fields.Boolean()
    done = ma.fields.Boolean()
    done_at = ma.fields.DateTime(allow_none=True)
    created_at = ma.fields.DateTime()


class ClientGoalOut(ma.Schema):
    client = ma.fields.String(metadata={"description": "The client's display name."})
    text = ma.fields.String()
    done_at = ma.fields.DateTime(allow_none=True)


# -- team ------------------------------------------------------------------------------------------------------
class TeamIn(StrictSchema):
    user_id = Id(required=True, metadata={"description": "A member of the campaign's organisation."})
    role = ma.fields.String(load_default="member", validate=ma.validate.OneOf(campaign_team.ROLES))


class TeamRoleIn(StrictSchema):
    role = ma.fields.String(required=True, validate=ma.validate.OneOf(campaign_team.ROLES))


class TeamMemberOut(ma.Schema):
    id = ma.fields.Integer()
    user_id = ma.fields.Integer()
    display_name = ma.fields.String()
    role = ma.fields.String()
    joined_at = ma.fields.DateTime()
