"""The ceiling of bench/web.py: bare Flask, served by the same gunicorn settings. `/` is the
one-route ceiling every page is compared with; `/bytes/<n>` answers n bytes, to show what
bare Flask itself reaches with a body the size of the calendar feed."""

from functools import cache

from flask import Flask, Response

app = Flask(__name__)


@app.get("/")
def index():
    return "ok"


@cache
def _body(size: int) -> bytes:
    return (b"x" * 73 + b"\r\n") * (size // 75) + b"x" * (size % 75)


@app.get("/bytes/<int:size>")
def body(size: int):
    return Response(_body(size), mimetype="text/calendar")
