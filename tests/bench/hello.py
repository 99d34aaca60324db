"""The yardstick: a minimal Flask hello-world, served by gunicorn exactly as the app is."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, World!"
