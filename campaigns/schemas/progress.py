"""Schemas of progress, for the API and the pages alike."""

from __future__ import annotations

import marshmallow as ma


class PointOut(ma.Schema):
    day = ma.fields.Date()
    value = ma.fields.Float()


class ProjectionOut(ma.Schema):
    status = ma.fields.String(metadata={"description": "reached | on_pace | not_at_pace | too_early"})
    on = ma.fields.Date(allow_none=True, metadata={"description": "When it is (or was) reached."})
    pace = ma.fields.Float(allow_none=True, metadata={"description": "Units per day over the last 14 days."})


class GoalProgressOut(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    kind = ma.fields.String()
    unit = ma.fields.String()
    target = ma.fields.Integer()
    current = ma.fields.Float()
    weight = ma.fields.Float()
    percent = ma.fields.Integer()
    due_on = ma.fields.Date(allow_none=True)
    milestone_reached = ma.fields.Integer()
    ideal_today = ma.fields.Float(allow_none=True, metadata={"description": "Where the ideal line is today."})
    projection = ma.fields.Nested(ProjectionOut)
    series = ma.fields.List(ma.fields.Nested(PointOut), metadata={"description": "Daily values, then today."})


class CampaignProgressOut(ma.Schema):
    campaign_id = ma.fields.Integer()
    name = ma.fields.String()
    stage = ma.fields.String()
    progress_percent = ma.fields.Integer()
    stalled = ma.fields.Boolean()
    last_activity_at = ma.fields.DateTime()
    goals = ma.fields.List(ma.fields.Nested(GoalProgressOut))


class PublicEntryOut(ma.Schema):
    position = ma.fields.Integer()
    type = ma.fields.String()
    occurred_at = ma.fields.DateTime()
    campaign_id = ma.fields.Integer(allow_none=True)
    campaign_name = ma.fields.String(allow_none=True)
    summary = ma.fields.String()


class EntryOut(PublicEntryOut):
    actor = ma.fields.String(allow_none=True, metadata={"description": "A display name, where it may be shown."})


class UpcomingOut(ma.Schema):
    action_id = ma.fields.Integer()
    title = ma.fields.String()
    campaign_id = ma.fields.Integer()
    campaign_name = ma.fields.String()
    starts_at = ma.fields.DateTime()
    places = ma.fields.Integer()
    taken = ma.fields.Integer()
    unfilled = ma.fields.Integer()


class ReviewDueOut(ma.Schema):
    outcome_id = ma.fields.Integer()
    campaign_id = ma.fields.Integer()
    campaign_name = ma.fields.String()
    result = ma.fields.String()
    review_on = ma.fields.Date()


class DashboardOut(ma.Schema):
    campaigns = ma.fields.List(ma.fields.Nested(CampaignProgressOut))
    upcoming = ma.fields.List(ma.fields.Nested(UpcomingOut))
    nudges = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer(),
                            metadata={"description": "Nudges of the last 7 days by status."})
    reviews = ma.fields.List(ma.fields.Nested(ReviewDueOut))


class CountsOut(ma.Schema):
    concerns_raised = ma.fields.Integer(allow_none=True)
    concerns_shared = ma.fields.Integer(allow_none=True)
    volunteers = ma.fields.Integer(allow_none=True)
    volunteer_hours = ma.fields.Float(allow_none=True)
    campaigns_by_stage = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    goals_reached = ma.fields.Integer()
    actions_held = ma.fields.Integer()
    outcomes_achieved = ma.fields.Integer()


class OverviewOut(CountsOut):
    k = ma.fields.Integer(metadata={"description": "Counts about people below k are null (fewer than k)."})


class PublicOutcomeOut(ma.Schema):
    result = ma.fields.String()
    what_changed = ma.fields.String()
    occurred_on = ma.fields.Date()
    evidence_url = ma.fields.String(allow_none=True)


class PublicActionLinkOut(ma.Schema):
    id = ma.fields.Integer()
    title = ma.fields.String()
    starts_at = ma.fields.String(metadata={"description": "UTC, ISO 8601."})
    timezone = ma.fields.String()
    url = ma.fields.String()


class PublicCampaignOut(ma.Schema):
    name = ma.fields.String()
    summary = ma.fields.String()
    ask = ma.fields.String()
    target = ma.fields.String()
    stage = ma.fields.String()
    deadline = ma.fields.Date(allow_none=True)
    progress = ma.fields.Nested(CampaignProgressOut)
    outcomes = ma.fields.List(ma.fields.Nested(PublicOutcomeOut))
    activity = ma.fields.List(ma.fields.Nested(PublicEntryOut))
    actions = ma.fields.List(ma.fields.Nested(PublicActionLinkOut), metadata={
        "description": "Its upcoming public actions, each with a page where anyone may sign up."})
