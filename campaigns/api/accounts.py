"""The caller's own account and API tokens."""

from __future__ import annotations

from flask.views import MethodView

from campaigns.api.blueprint import BEARER, Blueprint, caller
from campaigns.auth import client_ip
from campaigns.db import get_session
from campaigns.schemas.accounts import MeIn, MeOut, NewTokenOut, TokenIn, TokenOut
from campaigns.services import accounts, orgs, tokens

blp = Blueprint("api_accounts", __name__, description="Your account and personal API tokens.")














def _me(user):
    memberships = [
        {"org_id": org.id, "org_slug": org.slug, "org_name": org.name, "role": member.role}
        for org, member in orgs.of_user(get_session(), user)
    ]
    return {**user.model_dump(), "memberships": memberships}


@blp.route("/me")
class Me(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, MeOut)
    def get(self):
        """Your account and your memberships."""
        return _me(caller())

    @blp.doc(security=BEARER)
    @blp.arguments(MeIn)
    @blp.response(200, MeOut)
    def patch(self, data):
        """Change your display name, real name, time zone or language."""
        user = caller()
        accounts.update_profile(get_session(), user, **data)
        return _me(user)


@blp.route("/me/tokens")
class Tokens(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, TokenOut(many=True))
    def get(self):
        """Your API tokens (never their secrets)."""
        return tokens.of_user(get_session(), caller())

    @blp.doc(security=BEARER)
    @blp.arguments(TokenIn)
    @blp.response(201, NewTokenOut)
    def post(self, data):
        """Create a token. The secret is in this response and nowhere else, ever."""
        token, secret = tokens.create(get_session(), caller(), ip=client_ip(), **data)
        return {**token.model_dump(), "token": secret}


@blp.route("/me/tokens/<int:token_id>")
class TokenItem(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(204)
    def delete(self, token_id: int):
        """Revoke one of your tokens."""
        tokens.revoke(get_session(), caller(), token_id, ip=client_ip())
