"""Migration 0018 matches the free-text entes written before the ente was asked for: real-looking
variants of one comune's name are matched, anything it cannot tell apart is left to the organizers."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_migrate import upgrade
from sqlalchemy import text

from app import create_app
from app.comuni import match_free_text
from app.extensions import db

MATCHED = {
    "Comune di Alba": "004003",
    "comune alba": "004003",
    "Alba (CN)": "004003",
    "ALBA CN": "004003",
    "Città di Mondovi'": "004130",
    "COMUNE DI MONDOVÌ": "004130",
    "Comune di Albiano d Ivrea": "001004",
    "Samone": "001235",  # also a comune in Trentino: Piedmont's is meant
    "Moransengo": "005122",  # merged in 2023
    "Comune di Genova": "010025",  # outside Piedmont, but only one
}
LEFT = [
    "Unione Montana Valle Susa",
    "Provincia di Cuneo",
    "Regione Piemonte",
    "Comune di S. Ambrogio",
    "Castiglione",  # several comuni elsewhere, none in Piedmont
    "Ufficio tecnico",
]


def test_the_matcher_takes_real_variants_and_leaves_what_is_not_certain():
    assert {variant: getattr(match_free_text(variant), "code", None) for variant in MATCHED} == MATCHED
    assert [variant for variant in LEFT if match_free_text(variant) is not None] == []


def test_the_migration_matches_existing_registrations(empty_database_url):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": empty_database_url})
    now = datetime(2026, 3, 10, 9, tzinfo=UTC)
    with app.app_context():
        upgrade(revision="0017")
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO events (id, slug, title, type_id, status, description_html, starts_at, ends_at,"
                    " all_day, attendance_mode, registration_required, registration_moderated, sequence,"
                    " confirmed_count, online_url_public, created_at, updated_at) SELECT 1, 'e', 'E', id,"
                    " 'published', '', :now, :later, false, 'in_person', true, false, 0, 0, false, :now, :now"
                    " FROM event_types WHERE slug = 'incontro'"
                ),
                {"now": now, "later": datetime(2026, 3, 10, 11, tzinfo=UTC)},
            )
            for n, organization in enumerate([*MATCHED, *LEFT]):
                conn.execute(
                    text(
                        "INSERT INTO registrations (id, event_id, token, status, first_name, last_name, email,"
                        " organization, role, locale, source, consent_version, consent_text, created_at,"
                        " updated_at) VALUES (:id, 1, :token, 'confirmed', 'A', 'B', :email, :organization,"
                        " 'sindaco', 'it', 'online', 'v', 'c', :now, :now)"
                    ),
                    {"id": n + 1, "token": f"t{n}", "email": f"p{n}@x.it", "organization": organization, "now": now},
                )
        upgrade(revision="0018")
        with db.engine.connect() as conn:
            rows = dict(conn.execute(text("SELECT organization, comune_istat FROM registrations")).tuples().all())
            kinds = set(conn.execute(text("SELECT ente_tipo FROM registrations WHERE comune_istat IS NULL")).scalars())
        db.engine.dispose()
    assert {k: v for k, v in rows.items() if v} == MATCHED
    assert kinds == {None}
