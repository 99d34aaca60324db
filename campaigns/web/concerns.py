"""concerns pages (being built)."""

from flask import Blueprint

bp = Blueprint("concerns", __name__)
