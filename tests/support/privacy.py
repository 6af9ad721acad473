"""The person whose data the privacy tests erase, and the search for any trace of it."""

from __future__ import annotations

from sqlalchemy import JSON, String, Text, cast, or_, select

from app.extensions import db

NAME = ("Ottavia", "Quaglieri")
EMAIL = "ottavia.quaglieri@comune.bra.cn.it"
PHONE = "+39 0172 438111"


def columns_holding(*values: str, skip: set[str] = frozenset()) -> list[str]:
    """Every text, string or JSON column of every table where one of the values appears
    (case-insensitive, JSON read as text), but those in `skip`."""
    found = []
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            name = f"{table.name}.{column.name}"
            if name in skip or not isinstance(column.type, String | Text | JSON):
                continue
            as_text = cast(column, Text) if isinstance(column.type, JSON) else column
            hit = db.session.execute(
                select(table).where(or_(*(as_text.ilike(f"%{value}%") for value in values))).limit(1)
            ).first()
            if hit is not None:
                found.append(name)
    return found
