"""The WSGI entry prepares a serving process before its first request (app.prepare_to_serve)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import gc, json
import wsgi
env = wsgi.app.jinja_env
print(json.dumps({
    "frozen": gc.get_freeze_count(),
    "templates": len(env.list_templates(extensions=("html", "txt"))),
    "compiled": len(env.cache),
}))
"""


def test_a_worker_compiles_its_templates_and_freezes_what_it_keeps(tmp_path):
    # Its own process: frozen objects are never collected, not something to do to the suite.
    env = {
        **os.environ,
        "SECRET_KEY": "x" * 40,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    env.pop("CACHE_REDIS_URL", None)
    output = subprocess.run(  # noqa: S603  (our own interpreter and code)
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    state = json.loads(output.strip().splitlines()[-1])

    assert state["compiled"] >= state["templates"] > 50
    # The app, its libraries and the comuni tables: far more than a bare interpreter holds.
    assert state["frozen"] > 100_000
