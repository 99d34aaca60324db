"""The yardstick: a minimal Flask hello-world, served by gunicorn exactly as the app is.

`/floor` is the least a dashboard within the statement goal could do: the same hello-world after six bare
`SELECT 1` statements through SQLAlchemy on the app's own database (no tables, no ORM, no login, no template).
The bench prints its ratio beside the app's, so the reach of the 0.50 goal is measured, not argued."""

import os

from flask import Flask
from sqlalchemy import create_engine, text

app = Flask(__name__)
#: a plain engine (not the app's, which adds an explicit BEGIN): the floor errs on the generous side
_engine = create_engine(os.environ["DATABASE_URL"]) if "DATABASE_URL" in os.environ else None
#: the read goal's statement budget (GOALS["statements"] in tests/bench/__main__.py)
STATEMENTS = 6


@app.get("/")
def hello():
    return "Hello, World!"


@app.get("/floor")
def floor():
    with _engine.connect() as connection:
        for _ in range(STATEMENTS):
            connection.execute(text("SELECT 1")).scalar()
    return "Hello, World!"
