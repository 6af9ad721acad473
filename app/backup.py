"""`flask backup` and `flask restore`: the database and the uploaded files in one archive."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import inspect, text
from sqlalchemy.engine import URL, make_url

from app.extensions import db

#: The archive's layout; restore refuses what it does not know.
FORMAT = 1
MANIFEST = "manifest.json"
POSTGRESQL_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
UPLOADS = "uploads"


def _libpq(url: URL) -> tuple[str, dict]:
    """The connection string for pg_dump and pg_restore, and their environment: the password
    travels in PGPASSWORD, never on a command line that `ps` shows."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603
    except FileNotFoundError as error:
        raise click.ClickException(f"{command[0]} non trovato: serve il pacchetto postgresql-client.") from error
    if done.returncode != 0:
        raise click.ClickException(f"{command[0]} non è riuscito: {done.stderr.strip()[-2000:]}")


def _database_file(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise click.ClickException("Un database SQLite in memoria non si può salvare.")
    return Path(url.database)


def dump_database(url: URL, target: Path) -> str:
    """A consistent copy of the database in target; returns the archive member's name."""
    if url.get_backend_name() == "postgresql":
        connection, env = _libpq(url)
        # Custom format: compressed, and pg_restore can pick tables or run in parallel.
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(target), connection], env)
        return POSTGRESQL_DUMP
    if url.get_backend_name() == "sqlite":
        # The backup API copies a consistent state even while the worker writes.
        source = sqlite3.connect(_database_file(url))
        copy = sqlite3.connect(target)
        try:
            with copy:
                source.backup(copy)
        finally:
            source.close()
            copy.close()
        return SQLITE_COPY
    raise click.ClickException(f"Database {url.get_backend_name()} non gestito.")


def _revisions() -> list[str]:
    connection = db.session.connection()
    if not inspect(connection).has_table("alembic_version"):
        return []
    return sorted(db.session.execute(text("SELECT version_num FROM alembic_version")).scalars())


@click.command("backup")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File da scrivere (predefinito: instance/backups/incontri-AAAAMMGG-HHMMSS.tar).",
)
@with_appcontext
def backup_command(output: Path | None) -> None:
    """Salva database e file caricati in un unico archivio .tar."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    now = datetime.now(UTC)
    if output is None:
        output = Path(current_app.instance_path) / "backups" / f"incontri-{now:%Y%m%d-%H%M%S}.tar"
    output.parent.mkdir(parents=True, exist_ok=True)
    uploads = Path(current_app.config["UPLOAD_FOLDER"])
    files = sorted(p for p in uploads.rglob("*") if p.is_file()) if uploads.is_dir() else []
    partial = output.with_name(output.name + ".partial")
    with tempfile.TemporaryDirectory() as work:
        dump = Path(work) / "database"
        member = dump_database(url, dump)
        manifest = {
            "format": FORMAT,
            "created_at": now.isoformat(),
            "database": url.get_backend_name(),
            "revisions": _revisions(),
            "uploads": len(files),
        }
        db.session.rollback()
        (Path(work) / MANIFEST).write_text(json.dumps(manifest, indent=2))
        with tarfile.open(partial, "w") as archive:
            archive.add(Path(work) / MANIFEST, MANIFEST)
            archive.add(dump, member)
            for path in files:
                archive.add(path, f"{UPLOADS}/{path.relative_to(uploads).as_posix()}")
    # Renamed only when complete: an archive under its final name is never half written.
    partial.replace(output)
    output.chmod(0o600)
    click.echo(f"Archivio scritto: {output} (database {manifest['database']}, {len(files)} file caricati).")


def _database_is_empty() -> bool:
    return not inspect(db.engine).get_table_names()


def restore_database(url: URL, archive: tarfile.TarFile, member: str, work: Path) -> None:
    archive.extract(member, work, filter="data")
    source = work / member
    if member == POSTGRESQL_DUMP:
        if url.get_backend_name() != "postgresql":
            raise click.ClickException("L'archivio contiene un database PostgreSQL: DATABASE_URL deve indicarne uno.")
        connection, env = _libpq(url)
        _run(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
             "--exit-on-error", "--dbname", connection, str(source)],
            env,
        )  # fmt: skip
    else:
        if url.get_backend_name() != "sqlite":
            raise click.ClickException("L'archivio contiene un database SQLite: DATABASE_URL deve indicarne uno.")
        target = _database_file(url)
        target.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(source, target)


@click.command("restore")
@click.argument("archive_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Sostituisce il contenuto di un database che non è vuoto.")
@with_appcontext
def restore_command(archive_path: Path, replace: bool) -> None:
    """Ripristina database e file caricati da un archivio di `flask backup`."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if not _database_is_empty() and not replace:
        raise click.ClickException(
            "Il database indicato da DATABASE_URL non è vuoto: per sostituirne il contenuto usare --replace."
        )
    db.session.remove()
    db.engine.dispose()
    with tarfile.open(archive_path) as archive, tempfile.TemporaryDirectory() as work:
        try:
            manifest = json.load(archive.extractfile(MANIFEST))
        except KeyError as error:
            raise click.ClickException("Non è un archivio di `flask backup`: manca manifest.json.") from error
        if manifest.get("format") != FORMAT:
            raise click.ClickException(f"Formato d'archivio {manifest.get('format')} sconosciuto.")
        names = archive.getnames()
        member = POSTGRESQL_DUMP if POSTGRESQL_DUMP in names else SQLITE_COPY
        restore_database(url, archive, member, Path(work))
        uploads = Path(current_app.config["UPLOAD_FOLDER"])
        uploads.mkdir(parents=True, exist_ok=True)
        files = [m for m in archive.getmembers() if m.isfile() and m.name.startswith(f"{UPLOADS}/")]
        for info in files:
            info.name = info.name[len(UPLOADS) + 1 :]
            archive.extract(info, uploads, filter="data")
    db.engine.dispose()
    click.echo(
        f"Ripristinati il database ({manifest['database']}, salvato il {manifest['created_at']}) e {len(files)} file."
    )
