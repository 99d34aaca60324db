"""campaigns pages (being built)."""

from flask import Blueprint

bp = Blueprint("campaigns", __name__)
