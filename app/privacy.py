"""The registry of personal data: each domain declares, next to its models, how to export,
anonymise and erase what it holds about a person, so that a new domain cannot forget it.

Modelled on pretix's data shredders. It sits with the shared helpers so that every domain can
register here; who runs it (retention, the participant's and the organizers' pages) sits above.
A column holding personal data says so with `mapped_column(..., info=PERSONAL)`; a test walks
the metadata and proves each such column is covered by a shredder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

#: `mapped_column(..., info=PERSONAL)` marks a column that holds personal data.
PERSONAL = {"personal": True}


@dataclass(frozen=True)
class Subject:
    """Whom a request concerns: some registrations, and the addresses they were made with."""

    registration_ids: tuple[int, ...]
    emails: tuple[str, ...]


@dataclass(frozen=True)
class Shredder:
    """What one domain holds about a person and how it is handed over or removed.

    `anonymise` keeps what statistics and certificates need and blanks the rest (retention);
    `erase` removes everything that serves only the person (a request); both run in the
    caller's transaction and must be harmless when run twice. `covers` names the personal
    columns ("table.column") they deal with; `keeps` the text columns of the same tables
    that are not personal data, or are kept on purpose, each with the reason."""

    name: str
    export: Callable[[Subject], dict | list | None]
    anonymise: Callable[[Subject], None]
    erase: Callable[[Subject], None] | None = None
    covers: frozenset[str] = frozenset()
    keeps: dict[str, str] = field(default_factory=dict)


_shredders: dict[str, Shredder] = {}


def register(shredder: Shredder) -> Shredder:
    """Called by each domain when its privacy module is imported (create_app's register_domains)."""
    _shredders[shredder.name] = shredder
    return shredder


def shredders() -> list[Shredder]:
    return list(_shredders.values())


def export(subject: Subject) -> dict:
    """Everything every domain holds about the subject, by domain, ready for JSON."""
    data = {}
    for shredder in shredders():
        part = shredder.export(subject)
        if part:
            data[shredder.name] = part
    return data


def anonymise(subject: Subject) -> None:
    for shredder in shredders():
        shredder.anonymise(subject)


def erase(subject: Subject) -> None:
    for shredder in shredders():
        (shredder.erase or shredder.anonymise)(subject)


def covered_columns() -> set[str]:
    return {column for shredder in shredders() for column in shredder.covers}


def kept_columns() -> dict[str, str]:
    return {column: why for shredder in shredders() for column, why in shredder.keeps.items()}
