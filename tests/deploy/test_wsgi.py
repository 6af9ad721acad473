"""Each gunicorn worker is prepared before its first request (deploy/gunicorn.conf.py calls
app.prepare_to_serve); importing wsgi.py alone, as `flask` commands do, prepares nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import gc, json, runpy, sys
import wsgi
env = wsgi.app.jinja_env
before = {"frozen": gc.get_freeze_count(), "compiled": len(env.cache)}
if sys.argv[1] == "worker":
    settings = runpy.run_path("deploy/gunicorn.conf.py")

    class Worker:
        wsgi = wsgi.app

    settings["post_worker_init"](Worker())
print(json.dumps({
    "before": before,
    "frozen": gc.get_freeze_count(),
    "templates": len(env.list_templates(extensions=("html", "txt"))),
    "compiled": len(env.cache),
}))
"""


def probe(tmp_path, mode: str) -> dict:
    # Its own process: frozen objects are never collected, not something to do to the suite.
    env = {**os.environ, "SECRET_KEY": "x" * 40, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    env.pop("CACHE_REDIS_URL", None)
    output = subprocess.run(  # noqa: S603  (our own interpreter and code)
        [sys.executable, "-c", PROBE, mode], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def test_a_gunicorn_worker_compiles_its_templates_and_freezes_what_it_keeps(tmp_path):
    state = probe(tmp_path, "worker")
    assert state["before"] == {"frozen": 0, "compiled": 0}
    assert state["compiled"] >= state["templates"] > 50
    # The app, its libraries and the comuni tables: far more than a bare interpreter holds.
    assert state["frozen"] > 100_000


def test_importing_wsgi_for_a_command_prepares_nothing(tmp_path):
    state = probe(tmp_path, "command")
    assert state["frozen"] == 0 and state["compiled"] == 0


def test_another_app_served_with_the_same_settings_is_left_alone():
    import runpy

    from flask import Flask

    settings = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))

    class Worker:
        wsgi = Flask("ceiling")

    settings["post_worker_init"](Worker())  # bare Flask has nothing to prepare: no error
    assert Worker.wsgi.jinja_env.cache is None or len(Worker.wsgi.jinja_env.cache) == 0
