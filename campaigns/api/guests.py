"""A group's guests, for its coordinators: list them, invite one to join, erase one."""

from __future__ import annotations

from flask.views import MethodView

from campaigns.api.blueprint import BEARER, Blueprint, caller
from campaigns.auth import client_ip
from campaigns.db import get_session
from campaigns.domain.model import Organisation
from campaigns.schemas.guests import GuestInviteIn, GuestInviteOut, GuestOut
from campaigns.services import guest_admin
from campaigns.services.errors import NotFound

blp = Blueprint("api_guests", __name__, description="Guests: people who took part from public pages, without an "
                                                    "account (coordinators only).")








def _org(org_id: int) -> Organisation:
    org = get_session().get(Organisation, org_id)
    if org is None:
        raise NotFound()
    return org


@blp.route("/orgs/<int:org_id>/guests")
class Guests(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, GuestOut(many=True))
    def get(self, org_id: int):
        """The group's guests (coordinators). Each read is logged for the person."""
        rows = guest_admin.guests_of(get_session(), viewer=caller(), org=_org(org_id))
        return [{"id": r.guest.id, "display_name": r.user.display_name, "channels": r.guest.channels,
                 "accessibility_needs": r.guest.accessibility_needs, "places": r.places,
                 "confirmed_at": r.guest.confirmed_at, "invited_at": r.guest.invited_at} for r in rows]


@blp.route("/orgs/<int:org_id>/guests/<int:guest_id>/invitation")
class GuestInvitation(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(GuestInviteIn)
    @blp.response(201, GuestInviteOut)
    def post(self, data, org_id: int, guest_id: int):
        """Email a guest an invitation to join the group as a client or a worker (coordinators)."""
        guest_admin.invite(get_session(), viewer=caller(), org=_org(org_id), guest_id=guest_id, role=data["role"],
                           ip=client_ip())
        return {"invited": True}


@blp.route("/orgs/<int:org_id>/guests/<int:guest_id>")
class GuestItem(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(204)
    def delete(self, org_id: int, guest_id: int):
        """Erase a guest (coordinators): their places are given up; with no account anywhere, they go entirely."""
        guest_admin.erase(get_session(), viewer=caller(), org=_org(org_id), guest_id=guest_id)
