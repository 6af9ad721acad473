"""Language of the interface and of event content: Italian first, English and French beside it."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import Blueprint, current_app, has_request_context, redirect, request
from flask_babel import get_locale, gettext, lazy_gettext, lazy_pgettext, ngettext, pgettext

from app.redirects import safe_next_path

__all__ = [
    "gettext",
    "lazy_gettext",
    "ngettext",
    "pgettext",
    "lazy_pgettext",
    "select_locale",
    "language_arg",
    "current_language",
    "localized",
    "CONTENT_LANGUAGES",
    "bp",
]

LANG_COOKIE = "lang"
#: The query parameter that names a language: feeds and the API have no cookie to read.
LANG_ARG = "lang"
#: Languages event content may be written in besides Italian. Italian lives in the models' own
#: columns (title, summary…), so it is always there to fall back on; the others live in each
#: model's `translations` column as {"en": {"title": …}, "fr": {…}}, as pretix keeps its
#: LazyI18nString, only without moving Italian out of the columns every query and export reads.
CONTENT_LANGUAGES = ("en", "fr")
bp = Blueprint("i18n", __name__)


def language_arg() -> str | None:
    """The language the query string names (?lang=fr), when it is one of the site's; else None."""
    if not has_request_context() or not request.environ.get("QUERY_STRING"):
        return None
    chosen = request.args.get("lang")
    return chosen if chosen in current_app.config["LANGUAGES"] else None


def select_locale(*, cookies: bool = True) -> str:
    """The language the address names (?lang=), else the visitor's choice (cookie), else
    Italian: the audience is Italian. Only these two, both part of the request a cache sees
    (URL and cookie), decide a page's language. Outside a request (commands, the worker) it is
    Italian unless a caller forces a locale. `cookies=False` for a request known to carry none:
    the cookies are then not parsed."""
    chosen = language_arg() or (request.cookies.get(LANG_COOKIE) if cookies and has_request_context() else None)
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    """The language in force: the request's, or the one a caller forced (an email's recipient's)."""
    locale = get_locale()
    return locale.language if locale is not None else current_app.config["BABEL_DEFAULT_LOCALE"]


def localized(obj, field: str, language: str | None = None):
    """`obj.field` in `language` (default: the one in force), falling back to the Italian column
    field by field: an event translated only in its title still shows its Italian summary."""
    value = _translation(obj, field, language or current_language())
    return value if value is not None else getattr(obj, field)


def fallback_language(obj, field: str) -> str | None:
    """"it" when the page is in another language and `localized` shows the Italian text, for
    lang="it" on what holds it (screen readers then read it as Italian); else None."""
    return localized_with_language(obj, field)[1]


def localized_with_language(obj, field: str) -> tuple[str, str | None]:
    """`localized(obj, field)` and its `fallback_language`, the language in force asked once."""
    language = current_language()
    value = _translation(obj, field, language)
    if value is not None:
        return value, None
    italian = getattr(obj, field)
    return italian, ("it" if language != "it" and italian else None)


def _translation(obj, field: str, language: str) -> str | None:
    if language not in CONTENT_LANGUAGES:
        return None
    translations = getattr(obj, "translations", None) or {}
    value = (translations.get(language) or {}).get(field)
    return value if isinstance(value, str) and value.strip() else None


def _without_language_arg(path: str) -> str:
    """The path without ?lang=, which would otherwise outweigh the language just chosen."""
    parts = urlsplit(path)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    if all(key != LANG_ARG for key, _ in pairs):
        return path
    query = urlencode([(key, value) for key, value in pairs if key != LANG_ARG])
    return urlunsplit(("", "", parts.path, query, parts.fragment))


@bp.app_url_defaults
def keep_language_arg(endpoint: str, values: dict) -> None:
    """A page opened with ?lang= (from a French email, a French subscribe link) links and
    redirects onward in that language: a visitor without the cookie would otherwise fall back
    to Italian at the next click or after sending a form. The language switch itself and
    static files go without it."""
    if endpoint in ("static", "i18n.set_language") or LANG_ARG in values:
        return
    chosen = language_arg()
    if chosen is not None:
        values[LANG_ARG] = chosen


@bp.get("/lingua/<code>")
def set_language(code: str):
    response = redirect(_without_language_arg(safe_next_path(request.args.get("next"))), code=303)
    if code in current_app.config["LANGUAGES"]:
        response.set_cookie(
            LANG_COOKIE,
            code,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            httponly=True,
            secure=current_app.config["BASE_URL"].startswith("https://"),
        )
    return response
