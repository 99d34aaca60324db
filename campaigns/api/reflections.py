"""Participants' private empowerment reflections, and their aggregates (over k people) for coordinators."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from sqlmodel import col, select

from campaigns.api.common import BEARER, Blueprint, StrictSchema, Text, caller, paginate
from campaigns.db import get_session
from campaigns.domain.model import Reflection
from campaigns.services import policy, reflections

blp = Blueprint("api_reflections", __name__,
                description="Empowerment reflections: private answers, shown to others only as aggregates over k.")

_SCALE = {"required": True, "validate": ma.validate.Range(min=1, max=5)}


class ReflectionIn(StrictSchema):
    influence = ma.fields.Integer(metadata={"description": reflections.QUESTIONS["influence"]}, **_SCALE)
    connected = ma.fields.Integer(metadata={"description": reflections.QUESTIONS["connected"]}, **_SCALE)
    know_how = ma.fields.Integer(metadata={"description": reflections.QUESTIONS["know_how"]}, **_SCALE)
    free_text = Text(max_length=5000, metadata={"description": "Only you ever see this."})


class ReflectionOut(ma.Schema):
    phase = ma.fields.String()
    influence = ma.fields.Integer()
    connected = ma.fields.Integer()
    know_how = ma.fields.Integer()
    free_text = ma.fields.String()
    created_at = ma.fields.DateTime()


class ItemSummaryOut(ma.Schema):
    mean = ma.fields.Float()
    distribution = ma.fields.List(ma.fields.Integer(), metadata={"description": "How many answered 1, 2, … 5."})


class PhaseSummaryOut(ma.Schema):
    answered = ma.fields.Integer()
    items = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Nested(ItemSummaryOut))


class ReflectionSummaryOut(ma.Schema):
    k = ma.fields.Integer()
    before = ma.fields.Nested(PhaseSummaryOut, allow_none=True,
                              metadata={"description": "null: fewer than k answers, nothing shown."})
    after = ma.fields.Nested(PhaseSummaryOut, allow_none=True)


PHASE = "<any(before, after):phase>"


def _campaign(campaign_id: int):
    return policy.campaign_for(get_session(), caller(), campaign_id)


@blp.route("/campaigns/<int:campaign_id>/reflections/mine")
class MyReflections(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, ReflectionOut(many=True))
    @blp.paginate()
    def get(self, campaign_id: int, pagination_parameters):
        """Your own reflections for a campaign (nobody else can read them)."""
        campaign = _campaign(campaign_id)
        query = select(Reflection).where(Reflection.campaign_id == campaign.id, Reflection.user_id == caller().id)
        return paginate(query.order_by(col(Reflection.phase).desc()), pagination_parameters)


@blp.route(f"/campaigns/<int:campaign_id>/reflections/{PHASE}")
class MyReflection(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(ReflectionIn)
    @blp.response(200, ReflectionOut)
    def put(self, data, campaign_id: int, phase: str):
        """Give or change your reflection: 'before' once you take part, 'after' once the campaign closes."""
        return reflections.submit(get_session(), campaign=_campaign(campaign_id), user=caller(), phase=phase,
                                  **data)

    @blp.doc(security=BEARER)
    @blp.response(204)
    def delete(self, campaign_id: int, phase: str):
        """Delete your reflection for one phase."""
        reflections.withdraw(get_session(), campaign_id=_campaign(campaign_id).id, user=caller(), phase=phase)


@blp.route("/campaigns/<int:campaign_id>/reflections/summary")
class ReflectionSummary(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, ReflectionSummaryOut)
    def get(self, campaign_id: int):
        """Before and after aggregates, only where at least k people answered (coordinators)."""
        return reflections.summary(get_session(), campaign=_campaign(campaign_id), user=caller())
