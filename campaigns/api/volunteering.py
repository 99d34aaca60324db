"""volunteering API (being built)."""

from campaigns.api.common import Blueprint

blp = Blueprint("api_volunteering", __name__, description="Volunteering.")
