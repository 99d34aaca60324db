"""nudges pages (being built)."""

from flask import Blueprint

bp = Blueprint("nudges", __name__)
