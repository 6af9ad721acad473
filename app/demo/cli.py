"""`flask demo load`: fill an empty development database with the demo content."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from app.auth.services import find_user
from app.demo.data import (
    DEMO_ORGANIZER_EMAIL,
    DEMO_ORGANIZER_PASSWORD,
    database_is_empty,
    ensure_demo_organizer,
    load_demo,
    seed_event_types,
)
from app.extensions import db

demo_cli = AppGroup("demo", help="Dati dimostrativi per lo sviluppo.")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Non fa nulla se ci sono già eventi.")
@click.option("--allow-production", is_flag=True, help="Consente il caricamento su un database non SQLite.")
def load(if_empty: bool, allow_production: bool) -> None:
    """Carica eventi e account dimostrativi (solo per lo sviluppo)."""
    if db.engine.dialect.name != "sqlite" and not allow_production:
        raise click.ClickException(
            "I dati dimostrativi creano un account con password nota: non si caricano su un database "
            "di produzione. Usa --allow-production solo su un database di prova."
        )
    if not database_is_empty():
        if if_empty:
            seed_event_types()
            click.echo("Il database contiene già eventi: dati dimostrativi non caricati.")
            _print_login()
            return
        raise click.ClickException("Il database contiene già eventi: usa un database vuoto.")
    events = load_demo()
    ensure_demo_organizer()
    click.echo(f"Caricati {len(events)} eventi dimostrativi.")
    _print_login()


def _print_login() -> None:
    if find_user(DEMO_ORGANIZER_EMAIL) is None:
        return
    base = current_app.config["BASE_URL"]
    click.echo(f"Area organizzatori: {base}/accedi — email {DEMO_ORGANIZER_EMAIL}, password {DEMO_ORGANIZER_PASSWORD}")
