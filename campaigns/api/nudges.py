"""nudges API (being built)."""

from campaigns.api.common import Blueprint

blp = Blueprint("api_nudges", __name__, description="Nudges.")
