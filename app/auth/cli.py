"""`flask users …`: account administration from the shell."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from app.auth.models import Role
from app.auth.services import AccountError, create_user

users_cli = AppGroup("users", help="Gestione degli account degli organizzatori.")


def _create(email: str, password_stdin: bool, name: str, role: Role) -> None:
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(email, password, role=role, name=name)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Creato l'account {user.role} {user.email}.")


@users_cli.command("create-admin")
@click.option("--email", required=True)
@click.option("--name", default="")
@click.option("--password-stdin", is_flag=True, help="Legge la password dalla prima riga dello standard input.")
def create_admin(email: str, name: str, password_stdin: bool) -> None:
    """Crea un amministratore."""
    _create(email, password_stdin, name, Role.ADMIN)


@users_cli.command("create-organizer")
@click.option("--email", required=True)
@click.option("--name", default="")
@click.option("--password-stdin", is_flag=True, help="Legge la password dalla prima riga dello standard input.")
def create_organizer(email: str, name: str, password_stdin: bool) -> None:
    """Crea un organizzatore."""
    _create(email, password_stdin, name, Role.ORGANIZER)
