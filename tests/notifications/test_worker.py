"""The worker as a real process: killed mid-batch, stopped with SIGTERM, two of them at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.outbox import services as outbox
from app.outbox.models import OutboxMessage
from app.registrations import notifications as services
from tests.support.smtp import SmtpServer

ROOT = Path(__file__).resolve().parents[2]
FLASK = str(Path(sys.executable).parent / "flask")


def queue_messages(count: int) -> None:
    for n in range(count):
        email = services.Email(f"Messaggio {n}", f"Testo {n}", f"<p>Testo {n}</p>")
        outbox.queue(f"prova:{n}", "broadcast", email, recipient=f"p{n}@comune.example.it")
    db.session.commit()


def worker(app, smtp_port: int, *args: str, **config) -> subprocess.Popen:
    env = {
        **os.environ,
        "FLASK_APP": "wsgi.py",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": "worker-test",
        "BASE_URL": "http://incontri.test",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_port),
        **{key: str(value) for key, value in config.items()},
    }
    return subprocess.Popen(
        [FLASK, "worker", *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def statuses() -> Counter:
    db.session.expire_all()
    return Counter(db.session.scalars(select(OutboxMessage.status)))


@pytest.fixture
def server():
    smtp = SmtpServer()
    smtp.start()
    yield smtp
    smtp.stop()


def test_a_worker_killed_mid_batch_loses_nothing_and_repeats_at_most_the_message_in_flight(app, server):
    queue_messages(20)
    first = worker(app, server.port, "--once", OUTBOX_BATCH_SIZE=20)

    def kill_on_fifth(message):
        if len(server.inbox.messages) == 5:
            first.kill()  # SIGKILL, before the server has even answered for this message

    server.inbox.on_message = kill_on_fifth
    first.communicate(timeout=60)
    assert first.returncode == -signal.SIGKILL
    assert statuses()["sent"] == 4  # the fifth was accepted by the server but never recorded

    server.inbox.on_message = None
    second = worker(app, server.port, "--once", OUTBOX_LEASE_SECONDS=0)
    output, _ = second.communicate(timeout=60)
    assert second.returncode == 0, output
    assert statuses() == Counter({"sent": 20})
    received = Counter(m["Subject"] for m in server.inbox.messages)
    assert set(received) == {f"Messaggio {n}" for n in range(20)}
    repeated = [subject for subject, times in received.items() if times > 1]
    assert repeated == ["Messaggio 4"] and received["Messaggio 4"] == 2


def test_sigterm_finishes_the_current_message_and_gives_back_the_rest(app, server):
    queue_messages(30)
    arrived = threading.Event()

    def slow(message):
        arrived.set()
        time.sleep(0.3)

    server.inbox.on_message = slow
    loop = worker(app, server.port, "--interval", "1", OUTBOX_BATCH_SIZE=30)
    assert arrived.wait(timeout=60)
    loop.send_signal(signal.SIGTERM)
    output, _ = loop.communicate(timeout=60)
    assert loop.returncode == 0, output
    counts = statuses()
    assert counts["sending"] == 0 and counts["failed"] == 0
    assert counts["sent"] == len(server.inbox.messages) >= 1
    assert counts["sent"] + counts["queued"] == 30 and counts["queued"] > 0


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs PostgreSQL (TEST_DATABASE_URL)")
def test_two_workers_on_postgresql_deliver_a_thousand_messages_exactly_once(app, server):
    queue_messages(1000)
    workers = [worker(app, server.port, "--once", OUTBOX_BATCH_SIZE=25) for _ in range(2)]
    outputs = [w.communicate(timeout=300)[0] for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs
    assert statuses() == Counter({"sent": 1000})
    received = Counter(m["Subject"] for m in server.inbox.messages)
    assert len(received) == 1000 and max(received.values()) == 1
    # Both took part: SKIP LOCKED let them work side by side rather than one after the other.
    assert all("inviati 0," not in output for output in outputs), outputs
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1000
