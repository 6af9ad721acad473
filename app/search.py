"""Search that ignores case and accents, written once and run alike on PostgreSQL and SQLite.

"attivita" must find "Attività". Both databases get the same SQL, `translate(column, from,
to)` with one table that turns capitals and accented Latin letters into plain lower-case ones:
PostgreSQL has `translate` built in, and SQLite connections get a Python function of that name
with PostgreSQL's meaning. The needle is folded in Python with the same table, so the databases
cannot disagree (lower() could: SQLite's folds only ASCII, PostgreSQL's follows the locale).
This needs no extension (`unaccent` needs CREATE EXTENSION on every database) and no copy of
the searched text to keep in step with events, venues and organizations.
"""

from __future__ import annotations

import sqlite3
import unicodedata

from sqlalchemy import event, func
from sqlalchemy.engine import Engine
from sqlalchemy.sql.elements import ColumnElement

#: Letters without a decomposition that people still type without their mark.
_UNDECOMPOSED = {"ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "ħ": "h", "Ħ": "h", "ı": "i"}


def _folding_table() -> tuple[str, str]:
    """Capitals and accented Latin letters (Latin-1 and Latin Extended-A: Italian, French,
    German, Slovene, Spanish…), each with the lower-case letter it is searched as."""
    folded_from, folded_to = [], []
    for char in [chr(c) for c in range(ord("A"), ord("Z") + 1)] + [chr(c) for c in range(0xC0, 0x180)]:
        base, *marks = unicodedata.normalize("NFKD", char)
        letter_with_marks = base.isascii() and base.isalpha() and all(unicodedata.combining(m) for m in marks)
        target = _UNDECOMPOSED.get(char) or (base.lower() if letter_with_marks else None)
        if target is None and len(char.lower()) == 1:
            target = char.lower()  # Æ → æ, Þ → þ
        if target and char != target:
            folded_from.append(char)
            folded_to.append(target)
    return "".join(folded_from), "".join(folded_to)


FOLD_FROM, FOLD_TO = _folding_table()
_FOLD = str.maketrans(FOLD_FROM, FOLD_TO)


def fold(text: str) -> str:
    """Text as the search compares it: "Attività" → "attivita"."""
    return text.translate(_FOLD)


#: The escape character of every LIKE pattern made by like_pattern().
LIKE_ESCAPE = "\\"


def like_pattern(text: str) -> str:
    """`%text%` for `column.like(pattern, escape=LIKE_ESCAPE)`: what a person typed is looked
    for as it is, so "%" or "_" in it match themselves, not any text."""
    escaped = text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2).replace("%", LIKE_ESCAPE + "%").replace("_", LIKE_ESCAPE + "_")
    return f"%{escaped}%"


def folded(column) -> ColumnElement:
    """A column folded by the database exactly as fold() folds text."""
    return func.translate(column, FOLD_FROM, FOLD_TO)


def _translate(text: str | None, from_chars: str, to_chars: str) -> str | None:
    """PostgreSQL's translate(): each character of from_chars becomes the one at the same
    place in to_chars, or is dropped when to_chars is shorter."""
    if text is None or from_chars is None or to_chars is None:
        return None
    table = {ord(c): (to_chars[i] if i < len(to_chars) else None) for i, c in reversed(list(enumerate(from_chars)))}
    return text.translate(table)


@event.listens_for(Engine, "connect")
def _add_translate_to_sqlite(dbapi_connection, _record) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.create_function("translate", 3, _translate, deterministic=True)
