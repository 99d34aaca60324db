"""Schemas of reports, for the API and the pages alike."""

from __future__ import annotations

import marshmallow as ma

from campaigns.schemas.progress import CountsOut
from campaigns.schemas.reflections import ReflectionSummaryOut


class GoalRowOut(ma.Schema):
    name = ma.fields.String()
    unit = ma.fields.String()
    target = ma.fields.Integer()
    current = ma.fields.Float()
    percent = ma.fields.Integer()
    due_on = ma.fields.Date(allow_none=True)
    reached_on = ma.fields.Date(allow_none=True)


class ActionRowOut(ma.Schema):
    title = ma.fields.String()
    kind = ma.fields.String()
    starts_on = ma.fields.Date()
    status = ma.fields.String()
    places = ma.fields.Integer()
    taken = ma.fields.Integer()
    attended = ma.fields.Integer(allow_none=True, metadata={"description": "null: fewer than k."})


class OutcomeRowOut(ma.Schema):
    result = ma.fields.String()
    what_changed = ma.fields.String()
    occurred_on = ma.fields.Date()
    evidence_url = ma.fields.String(allow_none=True)
    review_on = ma.fields.Date(allow_none=True)
    reviewed = ma.fields.Boolean()
    what_worked = ma.fields.String()
    what_to_change = ma.fields.String()


class CampaignReportOut(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    stage = ma.fields.String()
    progress_percent = ma.fields.Integer()
    starts_on = ma.fields.Date()
    deadline = ma.fields.Date(allow_none=True)
    volunteers = ma.fields.Integer(allow_none=True, metadata={"description": "null: fewer than k."})
    hours = ma.fields.Float(allow_none=True, metadata={"description": "Verified hours; null with fewer than k."})
    goals = ma.fields.List(ma.fields.Nested(GoalRowOut))
    actions = ma.fields.List(ma.fields.Nested(ActionRowOut))
    outcomes = ma.fields.List(ma.fields.Nested(OutcomeRowOut))
    empowerment = ma.fields.Nested(ReflectionSummaryOut)


class ReportOut(ma.Schema):
    org = ma.fields.String()
    k = ma.fields.Integer()
    overview = ma.fields.Nested(CountsOut, allow_none=True)
    campaigns = ma.fields.List(ma.fields.Nested(CampaignReportOut))
