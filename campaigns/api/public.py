"""Public actions and guest sign-up, without a login: the action as anyone may see it, asking for a place,
confirming it with the code from the message, giving it up and stopping messages by signed token."""

from __future__ import annotations

from flask import url_for
from flask.views import MethodView
from flask_babel import gettext as _

from campaigns.api.blueprint import Blueprint
from campaigns.auth import client_ip
from campaigns.db import get_session
from campaigns.domain.model import Signup, User
from campaigns.schemas.public import (
    GuestConfirmIn,
    GuestSignupIn,
    GuestSignupOut,
    GuestSignupStatusOut,
    GuestTokenIn,
    PublicActionOut,
)
from campaigns.services import guests, public, security, signups
from campaigns.services.errors import Invalid

blp = Blueprint("api_public", __name__,
                description="Public actions and guest sign-up: no account, double opt-in, no people shown.")


def public_action_out(page: public.PublicAction) -> dict:
    a = page.action
    return {"id": a.id, "campaign_id": a.campaign_id, "kind": a.kind, "title": a.title, "description": a.description,
            "starts_at": a.starts_at, "ends_at": a.ends_at, "timezone": a.timezone, "address": page.address,
            "online": page.online, "place_after_signup": page.place_after_signup,
            "accessibility_notes": a.accessibility_notes, "interpreter_languages": a.interpreter_languages,
            "url": url_for("public.action_page", action_id=a.id, _external=True),
            "calendar_url": url_for("public.calendar", action_id=a.id, _external=True),
            "tasks": [vars(t) for t in page.tasks]}


@blp.route("/public/actions/<int:action_id>")
class PublicAction(MethodView):
    @blp.response(200, PublicActionOut)
    def get(self, action_id: int):
        """A public action: what, when, where (if public) and its tasks' places (no login; no people)."""
        return public_action_out(public.public_action(get_session(), action_id))


@blp.route("/public/signups")
class GuestSignups(MethodView):
    @blp.arguments(GuestSignupIn)
    @blp.response(202, GuestSignupOut)
    def post(self, data):
        """Ask for a place as a guest. Nothing is held until the code sent to you is confirmed; the answer is the
        same whether or not the address is known."""
        request = guests.Request(task_id=data["task_id"], display_name=data["display_name"], email=data["email"],
                                 mobile=data["mobile"], channels=tuple(data["channels"]),
                                 accessibility_needs=data["accessibility_needs"], website=data["website"])
        answer = guests.request_signup(get_session(), request, ip=client_ip())
        ref = public.ref_for(answer.signup_id)
        return {"sent_to": answer.sent_to, "ref": ref,
                "confirm_url": url_for("public.confirm_page", ref=ref, _external=True)}


def _status(signup: Signup) -> dict:
    return {"status": signup.status,
            "cancel_url": url_for("public.cancel", token=public.cancel_token(signup.id), _external=True),
            "cancel_token": public.cancel_token(signup.id)}


@blp.route("/public/signups/confirm")
class GuestConfirm(MethodView):
    @blp.arguments(GuestConfirmIn)
    @blp.response(200, GuestSignupStatusOut)
    def post(self, data):
        """Confirm a request with its code: a place if one is free, else the waiting list."""
        signup_id = public.signup_of_ref(data["ref"])
        return _status(guests.confirm(get_session(), signup_id=signup_id, code=data["code"]))


@blp.route("/public/signups/cancel")
class GuestCancel(MethodView):
    @blp.arguments(GuestTokenIn)
    @blp.response(200, GuestSignupStatusOut)
    def post(self, data):
        """Give up a place with the token from its confirmation (the next person waiting moves up)."""
        session = get_session()
        signup = session.get(Signup, security.unsign(public.CANCEL_PURPOSE, data["token"],
                                                     max_age_seconds=400 * 24 * 3600))
        if signup is None or signup.user_id is None:
            raise Invalid(_("This link is not valid."))
        return _status(signups.cancel(session, signup_id=signup.id, user=session.get(User, signup.user_id)))


@blp.route("/public/stop")
class GuestStop(MethodView):
    @blp.arguments(GuestTokenIn)
    @blp.response(204)
    def post(self, data):
        """Stop every message to a guest (the token is in each of their messages); their places stay."""
        guests.stop_messages(get_session(), token=data["token"])
