"""The yardstick: a minimal Flask hello-world, served by gunicorn exactly as the app is.

`/floor/<n>` is the least a page of n statements could do: the same hello-world after n bare `SELECT 1` statements
through SQLAlchemy on the app's own database (no tables, no ORM, no login, no template). The bench prints its ratio
for one statement (who is asking, nothing else), the API's four and the goal's six beside the app's, so the reach
of the 0.50 goal is measured, not argued."""

import os

from flask import Flask
from sqlalchemy import create_engine, text

app = Flask(__name__)
#: a plain engine (not the app's, which adds an explicit BEGIN): the floor errs on the generous side
_engine = create_engine(os.environ["DATABASE_URL"]) if "DATABASE_URL" in os.environ else None


@app.get("/")
def hello():
    return "Hello, World!"


@app.get("/floor/<int:statements>")
def floor(statements: int):
    with _engine.connect() as connection:
        for _ in range(statements):
            connection.execute(text("SELECT 1")).scalar()
    return "Hello, World!"
