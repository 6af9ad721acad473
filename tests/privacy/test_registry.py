"""Every column that holds personal data is covered by a domain's shredder, and every text
column near it is declared one way or the other: a new column or table cannot be forgotten."""

from __future__ import annotations

from sqlalchemy import JSON, String, Text

from app import privacy
from app.extensions import db

#: Tables that hold no participant's data, each with the reason. A new table with text columns
#: must be added here or to a domain's shredder.
NOT_ABOUT_PARTICIPANTS = {
    "event_types": "the catalogue of types",
    "organizations": "partner organizations, public",
    "series": "published content",
    "themes": "published content",
    "venues": "public places",
    "events": "published content",
    "speakers": "speakers are published on the programme, by the organizers' choice",
    "broadcasts": "what an organizer wrote to everyone; each person's copy is in the outbox",
    "certificate_rules": "a course's rule",
    "event_organizations": "partner roles",
    "event_sessions": "published content",
    "materials": "published files",
    "registration_questions": "the questions, not the answers",
    "users": "organizer accounts, managed in the organizers' area, not participants",
    "audit_log": "organizers' actions; participants appear by registration number only, personal fields as changed without values",
}


def _text_columns(table) -> list[str]:
    return [f"{table.name}.{c.name}" for c in table.columns if isinstance(c.type, String | Text | JSON)]


def _marked_personal() -> set[str]:
    return {
        f"{table.name}.{column.name}"
        for table in db.metadata.sorted_tables
        for column in table.columns
        if column.info.get("personal")
    }


def test_every_column_marked_personal_is_covered_by_a_shredder(app):
    assert _marked_personal() - privacy.covered_columns() == set()


def test_every_covered_column_is_marked_personal_in_its_model(app):
    assert privacy.covered_columns() - _marked_personal() == set()


def test_every_text_column_of_a_personal_table_is_marked_or_declared_not_personal(app):
    personal_tables = {name.split(".")[0] for name in privacy.covered_columns()}
    declared = privacy.covered_columns() | set(privacy.kept_columns())
    undeclared = [
        name
        for table in db.metadata.sorted_tables
        if table.name in personal_tables
        for name in _text_columns(table)
        if name not in declared
    ]
    assert undeclared == []


def test_every_table_with_text_is_covered_or_declared_not_about_participants(app):
    personal_tables = {name.split(".")[0] for name in privacy.covered_columns()}
    unknown = [
        table.name
        for table in db.metadata.sorted_tables
        if _text_columns(table) and table.name not in personal_tables and table.name not in NOT_ABOUT_PARTICIPANTS
    ]
    assert unknown == []


def test_each_domain_registered_its_shredder(app):
    assert {s.name for s in privacy.shredders()} >= {"iscrizioni", "calendario_personale", "messaggi", "corsi"}
