"""Your own data: download all of it, see who looked at it, erase your account."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView

from campaigns.api.blueprint import BEARER, Blueprint, caller
from campaigns.api.pagination import paginate
from campaigns.auth import client_ip
from campaigns.db import get_session
from campaigns.schemas.privacy import ErasureIn, ReadOut
from campaigns.services import audit, erasure, privacy

blp = Blueprint("api_privacy", __name__, description="Your data: download it, see who looked at it, erase it.")

#: one list per export section, so the document says what a download holds
MyDataOut = ma.Schema.from_dict({
    "format": ma.fields.String(metadata={"description": "The export's format and version."}),
    "exported_at": ma.fields.String(),
    "profile": ma.fields.Dict(),
    **{name: ma.fields.List(ma.fields.Dict()) for name in privacy.SECTIONS if name != "profile"},
    "other": ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.List(ma.fields.Dict()),
                            metadata={"description": "Other records that mention you, by table and column."}),
}, name="MyDataOut")






@blp.route("/me/data")
class MyData(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, MyDataOut)
    def get(self):
        """Everything the app holds about you, as JSON."""
        return privacy.export(get_session(), caller())


@blp.route("/me/reads")
class Reads(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, ReadOut(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """Who looked at your personal data (rosters, consents, shared goals), newest first."""
        query = privacy.reads_query(caller().id)
        return paginate(query, pagination_parameters, lambda row: {"who": row[1], **audit.read_out(row[0]),
                                                                   "at": row[0].at})


@blp.route("/me/erasure")
class Erasure(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(ErasureIn)
    @blp.response(204)
    def post(self, data):
        """Erase your account. Supports and contributions still count, anonymously. This cannot be undone."""
        erasure.erase_account(get_session(), caller(), password=data["password"], concerns=data["concerns"],
                              ip=client_ip())
