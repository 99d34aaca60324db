"""The group's own words in another language: a campaign's name, summary and ask; an action's title and
description. Readers in that language see them; everyone else the original."""

from __future__ import annotations

from flask.views import MethodView

from campaigns.api.blueprint import BEARER, Blueprint, caller
from campaigns.api.campaigns import campaign_out
from campaigns.api.volunteering import _action
from campaigns.db import get_session
from campaigns.schemas.campaigns import CampaignOut
from campaigns.schemas.content_translations import ActionWordsIn, CampaignWordsIn
from campaigns.schemas.volunteering import ActionOut
from campaigns.services import content_translations as service
from campaigns.services.campaigns import get as get_campaign
from campaigns.services.volunteering import action_for

blp = Blueprint("api_content_translations", __name__,
                description="Translations of a campaign's or an action's own words, one language at a time.")







@blp.route("/campaigns/<int:campaign_id>/translations/<string:locale>")
class CampaignTranslation(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(CampaignWordsIn)
    @blp.response(200, CampaignOut)
    def put(self, data, campaign_id: int, locale: str):
        """Set the campaign's name, summary or ask in one language (campaign coordinators)."""
        session = get_session()
        campaign = get_campaign(session, user=caller(), campaign_id=campaign_id)
        return campaign_out(service.translate_content(session, actor=caller(), subject=campaign, locale=locale,
                                                      texts=data))


@blp.route("/actions/<int:action_id>/translations/<string:locale>")
class ActionTranslation(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(ActionWordsIn)
    @blp.response(200, ActionOut)
    def put(self, data, action_id: int, locale: str):
        """Set the action's title or description in one language (campaign coordinators)."""
        session = get_session()
        action = action_for(session, caller(), action_id)
        return _action(service.translate_content(session, actor=caller(), subject=action, locale=locale,
                                                 texts=data))
