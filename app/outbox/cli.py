"""`flask worker`: each pass, the domains write what has come due (reminders), then the outbox
delivers; once for cron or in a loop."""

from __future__ import annotations

import logging
import signal
import threading

import click
from flask import current_app
from flask.cli import with_appcontext

from app.extensions import db
from app.outbox import delivery
from app.outbox.signals import worker_pass

log = logging.getLogger(__name__)


def run_once(stop: threading.Event | None = None) -> delivery.Report:
    """One pass of every periodic job: the domains do what has come due (reminders, follow-ups,
    certificates of courses that ended), then the outbox delivers."""
    due = sum(done or 0 for _receiver, done in worker_pass.send(current_app._get_current_object()))
    report = delivery.deliver_due(stop)
    db.session.remove()
    if due or report.sent or report.retried or report.failed:
        log.info(
            "worker: %s things come due, %s sent, %s to retry, %s failed",
            due,
            report.sent,
            report.retried,
            report.failed,
        )
    return report


@click.command("worker")
@click.option("--once", is_flag=True, help="Una sola passata di ogni lavoro periodico, poi esce (per cron).")
@click.option("--interval", type=int, default=None, help="Secondi tra una passata e l'altra (WORKER_INTERVAL).")
@with_appcontext
def worker_command(once: bool, interval: int | None) -> None:
    """Invia la posta in coda e programma i promemoria."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    stop = threading.Event()

    def request_stop(signum, _frame):
        # Finish the message being sent, give back the rest of the batch, then exit.
        log.info("worker: signal %s, stopping after the current message", signum)
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    if once:
        report = run_once(stop)
        click.echo(f"inviati {report.sent}, da riprovare {report.retried}, non recapitabili {report.failed}")
        return
    wait = interval if interval is not None else current_app.config["WORKER_INTERVAL"]
    click.echo(f"worker avviato: una passata ogni {wait} s (Ctrl+C per fermarlo)")
    while not stop.is_set():
        try:
            run_once(stop)
        except Exception:  # a bad pass must not end the loop: log it and try again later
            db.session.rollback()
            log.exception("worker: pass failed")
        stop.wait(wait)
