"""Benchmark: the outbox worker against a plain smtplib loop, same messages, same local SMTP sink.

    .venv/bin/python bench/outbox.py [--messages 5000] [--database-url URL]

Queues reminders for one event (setup, not timed) and delivers them with the worker's code;
then a plain loop builds the very same messages from the same rows and sends them with smtplib
over one connection, keeping no record. Prints messages/second for both and their ratio: what
the outbox's durability (claims, then one committed row per message sent) costs compared with
sending blindly. Target: ratio >= 0.5. The SMTP sink runs in its own process.
"""

from __future__ import annotations

import argparse
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
from datetime import time as clock
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from dataset import registration_row  # noqa: E402
from sqlalchemy import select  # noqa: E402

from app import create_app  # noqa: E402
from app.demo.data import seed_event_types  # noqa: E402
from app.events import services as events  # noqa: E402
from app.events.models import EventType, Venue  # noqa: E402
from app.extensions import db  # noqa: E402
from app.outbox import delivery  # noqa: E402
from app.outbox.models import OutboxMessage  # noqa: E402
from app.registrations import notifications  # noqa: E402
from app.registrations.models import Registration  # noqa: E402
from app.timeutil import rome_datetime, today_rome, utcnow  # noqa: E402


def queue_reminders(count: int) -> None:
    venue = Venue(name="Palazzo Lascaris", address="Via Alfieri 15", comune="Torino")
    db.session.add(venue)
    db.session.commit()
    type_id = db.session.scalar(select(EventType.id).where(EventType.slug == "incontro"))
    day = today_rome() + timedelta(days=1)
    event = events.create_event(
        events.EventInput(
            title="Esperienze di coordinamenti territoriali",
            type_id=type_id,
            starts_at=rome_datetime(day, clock(15)),
            ends_at=rome_datetime(day, clock(17)),
            venue_id=venue.id,
        )
    )
    events.publish_event(event)
    now = utcnow()
    db.session.bulk_insert_mappings(Registration, [registration_row(event.id, n, now) for n in range(count)])
    db.session.commit()
    notifications.schedule_reminders()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--database-url")
    args = parser.parse_args()

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # The sink is its own process, as a mail server would be: in this one it would compete for
    # the interpreter with the code being measured.
    sink = subprocess.Popen(  # noqa: S603  (our own interpreter and arguments)
        [sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink", "-l", f"127.0.0.1:{port}"]
    )
    for _ in range(100):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    folder = tempfile.mkdtemp(prefix="incontri-bench-")
    app = create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": args.database_url or f"sqlite:///{folder}/bench.sqlite3",
            "BASE_URL": "http://incontri.bench",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": port,
            "OUTBOX_BATCH_SIZE": 500,
        }
    )
    try:
        with app.app_context(), app.test_request_context(base_url="http://incontri.bench"):
            db.session.remove()
            db.drop_all()
            db.create_all()
            seed_event_types()
            queue_reminders(args.messages)
            queued = db.session.scalar(select(db.func.count()).select_from(OutboxMessage))
            print(f"queued: {queued} reminders ({db.engine.dialect.name})")

            start = time.perf_counter()
            report = delivery.deliver_due()
            worker_seconds = time.perf_counter() - start
            assert report.sent == queued, (report, queued)

            # The same rows, built into the same messages, sent without any bookkeeping.
            messages = list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
            start = time.perf_counter()
            with smtplib.SMTP("127.0.0.1", port) as smtp:
                for message in messages:
                    payload = delivery.build_mime(message).as_bytes(policy=delivery.WIRE)
                    smtp.sendmail("noreply@incontri.bench", [message.recipient], payload)
            plain_seconds = time.perf_counter() - start
            db.session.remove()  # release the session's locks, or dropping the tables waits forever
            db.drop_all()
    finally:
        sink.terminate()
        sink.wait(timeout=10)

    worker_rate = queued / worker_seconds
    plain_rate = queued / plain_seconds
    print(f"worker (outbox):     {worker_rate:8.0f} messages/s  ({worker_seconds:.1f} s)")
    print(f"plain smtplib loop:  {plain_rate:8.0f} messages/s  ({plain_seconds:.1f} s)")
    print(f"ratio worker/plain:  {worker_rate / plain_rate:8.2f}  (target >= 0.5)")


if __name__ == "__main__":
    main()
