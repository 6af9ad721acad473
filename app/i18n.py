"""Language of the interface: Italian first, English complete, French welcome."""

from __future__ import annotations

from flask import Blueprint, current_app, has_request_context, redirect, request
from flask_babel import gettext, lazy_gettext, ngettext

from app.redirects import safe_next_path

__all__ = ["gettext", "lazy_gettext", "ngettext", "select_locale", "bp"]

LANG_COOKIE = "lang"
bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    """The visitor's explicit choice (cookie), else Italian: the audience is Italian.
    Outside a request (commands, the worker) it is Italian unless a caller forces a locale."""
    chosen = request.cookies.get(LANG_COOKIE) if has_request_context() else None
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


@bp.get("/lingua/<code>")
def set_language(code: str):
    response = redirect(safe_next_path(request.args.get("next")), code=303)
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
