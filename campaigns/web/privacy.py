"""privacy pages (being built)."""

from flask import Blueprint

bp = Blueprint("privacy", __name__)
