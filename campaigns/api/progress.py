"""progress API (being built)."""

from campaigns.api.common import Blueprint

blp = Blueprint("api_progress", __name__, description="Progress.")
