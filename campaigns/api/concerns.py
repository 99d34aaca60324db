"""concerns API (being built)."""

from campaigns.api.common import Blueprint

blp = Blueprint("api_concerns", __name__, description="Concerns.")
