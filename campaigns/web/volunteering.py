"""volunteering pages (being built)."""

from flask import Blueprint

bp = Blueprint("volunteering", __name__)
