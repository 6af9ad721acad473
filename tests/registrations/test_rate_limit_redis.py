"""With RATELIMIT_STORAGE_URI pointing at Redis, every worker process shares the same counts."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest

REDIS_URL = os.environ.get("TEST_REDIS_URL")

WORKER = textwrap.dedent(
    """
    import sys
    from app import create_app
    from app.extensions import db

    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "x",
        "WTF_CSRF_ENABLED": False,
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + sys.argv[1],
        "RATELIMIT_STORAGE_URI": sys.argv[2],
        "RATELIMIT_KEY_PREFIX": sys.argv[3],
        "REGISTRATION_RATE_LIMIT": "2 per minute",
    })
    with app.app_context():
        db.create_all()
    client = app.test_client()
    codes = [client.post("/eventi/non-esiste/iscrizione", data={}).status_code for _ in range(int(sys.argv[4]))]
    print(" ".join(map(str, codes)))
    """
)


def run_worker(tmp_path: Path, prefix: str, requests: int) -> list[int]:
    result = subprocess.run(
        [sys.executable, "-c", WORKER, str(tmp_path / "db.sqlite3"), REDIS_URL, prefix, str(requests)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    return [int(code) for code in result.stdout.split()]


@pytest.mark.skipif(not REDIS_URL, reason="needs Redis (set TEST_REDIS_URL, as .ci/run does)")
def test_two_worker_processes_share_the_registration_limit(tmp_path):
    prefix = f"incontri-test-{uuid.uuid4().hex}"
    assert run_worker(tmp_path, prefix, 2) == [404, 404]
    # A second process, as another gunicorn worker would be: the limit is already used up.
    assert run_worker(tmp_path, prefix, 1) == [429]
