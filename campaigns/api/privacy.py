"""privacy API (being built)."""

from campaigns.api.common import Blueprint

blp = Blueprint("api_privacy", __name__, description="Privacy.")
