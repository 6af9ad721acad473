"""The ceiling of bench/web.py: one route of bare Flask, served by the same gunicorn settings."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def index():
    return "ok"
