"""Your mobile number (verified by a texted code), the texts you were sent, and a group's texts this month."""

from __future__ import annotations

from flask.views import MethodView

from campaigns.api.blueprint import BEARER, Blueprint, caller
from campaigns.api.orgs import org_for
from campaigns.api.pagination import paginate
from campaigns.db import get_session
from campaigns.schemas.sms import CodeIn, MobileIn, MobileOut, TextOut, UsageOut
from campaigns.services import mobile, sms

blp = Blueprint("api_sms", __name__, description="Texts: your mobile number and SMS log; a group's text budget.")












def mobile_out(user) -> dict:
    waiting = mobile.pending(get_session(), user)
    return {"mobile": user.mobile, "verified_at": user.mobile_verified_at,
            "pending": waiting.number if waiting else None}


@blp.route("/me/mobile")
class Mobile(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, MobileOut)
    def get(self):
        """Your mobile number, and any number waiting for its code."""
        return mobile_out(caller())

    @blp.doc(security=BEARER)
    @blp.arguments(MobileIn)
    @blp.response(202, MobileOut)
    def post(self, data):
        """Text a code to a number, to add it to your account once you give the code back."""
        user = caller()
        mobile.request_code(get_session(), user, number=data["mobile"])
        return mobile_out(user)

    @blp.doc(security=BEARER)
    @blp.response(204)
    def delete(self):
        """Take your number off your account: no more texts."""
        mobile.remove(get_session(), caller())


@blp.route("/me/mobile/verify")
class MobileVerify(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(CodeIn)
    @blp.response(200, MobileOut)
    def post(self, data):
        """Give back the texted code: the number becomes yours."""
        return mobile_out(mobile.confirm(get_session(), caller(), code=data["code"]))


@blp.route("/me/texts")
class MyTexts(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, TextOut(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """Every text we sent you, and your replies, newest first."""
        return paginate(mobile.texts(caller()), pagination_parameters)


@blp.route("/orgs/<int:org_id>/texts/usage")
class Usage(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, UsageOut)
    def get(self, org_id: int):
        """The group's texts this month against its budget (coordinators)."""
        org, _member = org_for(org_id, "org.manage")
        return {"budget": org.sms_monthly_budget, "used": sms.used_this_month(get_session(), org),
                "month_start": sms.month_start(org.timezone)}
