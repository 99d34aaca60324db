"""Participants' private empowerment reflections, and their aggregates (over k people) for coordinators."""

from __future__ import annotations

from flask.views import MethodView
from sqlmodel import col, select

from campaigns.api.blueprint import BEARER, Blueprint, caller
from campaigns.api.pagination import paginate
from campaigns.db import get_session
from campaigns.domain.model import Reflection
from campaigns.schemas.reflections import (
    ReflectionIn,
    ReflectionOut,
    ReflectionSummaryOut,
)
from campaigns.services import policy, reflections

blp = Blueprint("api_reflections", __name__,
                description="Empowerment reflections: private answers, shown to others only as aggregates over k.")













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
