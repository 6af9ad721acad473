"""What the site accepts from a request: ids in paths, query arguments, text without control characters.

Every view reads its query string through these parsers and every `<int:…>` in a route is a
`DatabaseIdConverter`, so a malformed value is a default, a 404 or a 400, never a 500.
"""

from __future__ import annotations

import re
from datetime import date

from flask import abort, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter

#: Largest value of an INTEGER column (PostgreSQL's is 32-bit): a larger id names nothing and
#: would make PostgreSQL fail the query instead of finding no row.
MAX_ID = 2**31 - 1
#: Years the calendar and the month filter can show: the month after each is still a date
#: (Python's dates end in 9999).
MIN_YEAR, MAX_YEAR = 1900, 9998
#: Page numbers beyond this are no page of a list, only a huge OFFSET for the database.
MAX_PAGE = 100_000

#: ASCII digits only: str.isdigit() accepts "²", which int() refuses.
_NUMBER = re.compile(r"[0-9]{1,10}")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{1,2})")
_DAY = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
#: C0 control characters other than tab, line feed and carriage return. Nobody types them,
#: PostgreSQL refuses NUL in text, and a URL or a header has no place for any of them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
#: Vertical tab and form feed arrive when text is pasted from a word processor (its manual line
#: break): in a form they become the line break they stood for.
_PASTED_BREAK = re.compile(r"[\x0b\x0c]")


class DatabaseIdConverter(IntegerConverter):
    """`<int:…>` for ids: ASCII digits, at most MAX_ID; anything else does not match (404)."""

    regex = r"[0-9]+"

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = None, signed=False):
        super().__init__(map, fixed_digits, min, MAX_ID if max is None else max, signed)


# -- the query string -----------------------------------------------------------------------


def text_arg(name: str, limit: int = 120) -> str | None:
    """A free-text argument, trimmed and cut to `limit` characters; None when empty."""
    return (request.args.get(name) or "").strip()[:limit] or None


def int_arg(name: str, *, low: int, high: int) -> int | None:
    """A whole number between low and high; None when absent, malformed or out of range."""
    raw = (request.args.get(name) or "").strip()
    if not _NUMBER.fullmatch(raw):
        return None
    value = int(raw)
    return value if low <= value <= high else None


def page_arg() -> int:
    """The page of a list: 1 unless a valid page number is given."""
    return int_arg("page", low=1, high=MAX_PAGE) or 1


def month_arg(name: str = "month") -> str | None:
    """A month as "YYYY-MM" within MIN_YEAR..MAX_YEAR; None when absent or malformed."""
    match = _MONTH.fullmatch((request.args.get(name) or "").strip())
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    if not (MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12):
        return None
    return f"{year:04d}-{month:02d}"


def date_arg(name: str) -> date | None:
    """A day as "YYYY-MM-DD" (what `<input type="date">` sends) within MIN_YEAR..MAX_YEAR; None
    when absent, malformed or not a real day."""
    match = _DAY.fullmatch((request.args.get(name) or "").strip())
    if not match or not MIN_YEAR <= int(match[1]) <= MAX_YEAR:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


#: Read from the query string by Flask-SQLAlchemy's paginate() when a view passes no value.
_PAGINATION = ("page", "per_page")


def drop_invalid_page_numbers() -> None:
    """paginate() reads `page` and `per_page` with int() and no upper bound, so "²" or twenty
    digits would reach the database: a value that is not 1…MAX_PAGE in ASCII digits is dropped
    here, and every list, whoever paginates it, shows its first page. The API reads its page
    itself and answers 400, which tells a client more than a silent first page."""
    if request.blueprint == "api" or not any(name in request.args for name in _PAGINATION):
        return
    items = list(request.args.items(multi=True))
    kept = [
        (key, value)
        for key, value in items
        if key not in _PAGINATION or (_NUMBER.fullmatch(value) and 1 <= int(value) <= MAX_PAGE)
    ]
    if len(kept) != len(items):
        request.args = ImmutableMultiDict(kept)


# -- control characters ---------------------------------------------------------------------


def _without_controls(text: str) -> str:
    return _CONTROL.sub("", _PASTED_BREAK.sub("\n", text))


def refuse_or_strip_control_characters() -> None:
    """A path or query string holding a control character is refused (400): no link has one.
    In a form they are dropped, so what a person typed or pasted is kept and saved cleanly."""
    if _CONTROL.search(request.path) or any(
        _CONTROL.search(key) or _CONTROL.search(value) for key, value in request.args.items(multi=True)
    ):
        abort(400)
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return
    form = request.form
    if any(_CONTROL.search(key) or _CONTROL.search(value) for key, value in form.items(multi=True)):
        request.form = ImmutableMultiDict(
            [(_without_controls(key), _without_controls(value)) for key, value in form.items(multi=True)]
        )
    for upload in request.files.values():
        if upload.filename and _CONTROL.search(upload.filename):
            upload.filename = _without_controls(upload.filename)
