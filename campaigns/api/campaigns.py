"""campaigns API (being built)."""

from campaigns.api.common import Blueprint

blp = Blueprint("api_campaigns", __name__, description="Campaigns.")
