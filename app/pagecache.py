"""Public pages, API answers and feeds cached by (data version, language, URL), with an ETag
from the same key so an unchanged answer costs a 304 and no table is read.

Only anonymous GETs (and HEADs) of the endpoints below are cached, and a response is stored only
when its rendering touched nothing of the visitor's: no CSRF token generated, no flashed
message, no cookie set, the session unchanged. Everything else (the organizers' area, forms,
the participants' own pages and personal feeds) passes through untouched.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from functools import lru_cache

from flask import Flask, current_app, g, request, session
from flask.ctx import RequestContext
from flask.sessions import SecureCookieSession
from redis.exceptions import RedisError
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header, quote_etag

from app import dataversion
from app.calendar.routes import PUBLIC_CACHE
from app.events import services as events
from app.extensions import cache, local_cache
from app.i18n import select_locale
from app.responses import conditional
from app.timeutil import today_rome

#: Pages say what they are at every request; the 304 makes asking cheap.
PAGE_CACHE_CONTROL = "no-cache"


@dataclass(frozen=True)
class Policy:
    #: Whether the answer shows the seat or waiting-list counts of the event at `<slug>` (they
    #: move with each registration for it, and only for it).
    seats: bool = False
    #: Feeds change by themselves once a day (their window); pages may say "registrations
    #: open" or "upcoming" until a moment passes: they are kept CACHE_PAGE_SECONDS at most.
    daily: bool = False
    #: A calendar file: its language is its address's alone (calendar.routes.feed_language), so
    #: every client gets the same bytes and ETag whatever cookie or Accept-Language it sends.
    feed: bool = False
    cache_control: str = PAGE_CACHE_CONTROL


_PAGE = Policy()
_FEED = Policy(daily=True, feed=True, cache_control=PUBLIC_CACHE)

#: Endpoint → how it is cached. Nothing personal: no form, no token in the URL.
POLICIES = {
    "events.home": _PAGE,
    "events.event_list": _PAGE,
    "events.event_detail": Policy(seats=True),
    "events.archive": _PAGE,
    "events.month_calendar": _PAGE,
    "events.series_detail": _PAGE,
    "events.type_styles": Policy(cache_control="public, max-age=300"),
    "api.list_events": _PAGE,
    "api.get_event": Policy(seats=True),
    "calendar.all_events": _FEED,
    "calendar.type_feed": _FEED,
    "calendar.series_feed": _FEED,
    "calendar.event_ics": _FEED,
}

_ENTRY = "incontri.page_cache"
#: Headers of an answer that belong to that one answer, not to the stored page.
_NOT_STORED = frozenset({"X-Cache", "Date"})


def init_app(app: Flask) -> None:
    cache.init_app(app)
    shared = app.config["CACHE_TYPE"] not in ("SimpleCache", "NullCache")
    local_cache.init_app(
        app,
        config={
            "CACHE_TYPE": "SimpleCache" if shared else "NullCache",
            "CACHE_THRESHOLD": app.config["CACHE_LOCAL_ENTRIES"],
            "CACHE_DEFAULT_TIMEOUT": app.config["CACHE_DEFAULT_TIMEOUT"],
            "CACHE_NO_NULL_WARNING": True,
        },
    )
    # First of all before_request functions: a cached answer needs none of the request checks
    # (body limits, control characters, CSRF and rate limits concern forms and fresh renders;
    # an address they would refuse is never stored, so it never matches), and a hit or a 304
    # then costs little more than Flask itself.
    app.before_request_funcs.setdefault(None, []).insert(0, answer_from_cache)
    app.after_request(store_in_cache)
    app.wsgi_app = CookielessFastPath(app, app.wsgi_app)


class CookielessFastPath:
    """WSGI middleware: a GET without any cookie (a calendar client, a crawler, a first visit)
    that the cache can answer is answered here, by the same `answer_from_cache`, without the
    rest of Flask's request pipeline. Without a cookie there is no session, no signed-in user,
    no flashed message and no chosen language beyond the address and Accept-Language, which the
    key holds; the stored headers already carry the security headers of the first answer, and
    a 304 carries the ETag and Cache-Control. Anything else, and any error, goes the usual way."""

    def __init__(self, app: Flask, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") in ("GET", "HEAD") and not environ.get("HTTP_COOKIE"):
            try:
                # An empty session of its own: without a cookie there is nothing to open, and
                # nothing here is ever saved. Its own application context too, as in production,
                # even where a caller (a test) has one pushed: nothing lingers in its `g`.
                with self.app.app_context(), RequestContext(self.app, environ, session=SecureCookieSession()):
                    response = answer_from_cache(cookieless=True) if request.endpoint in POLICIES else None
            except Exception:  # the usual way answers it, with its error page
                response = None
            if response is not None:
                return response(environ, start_response)
        return self.wsgi_app(environ, start_response)


class NotModified:
    """A 304 as a plain WSGI answer, for requests without cookies: what `Response` would send
    (the ETag, Cache-Control, X-Cache), without building one for the cheapest answer there is."""

    def __init__(self, etag: str, cache_control: str):
        self.headers = [("ETag", quote_etag(etag)), ("Cache-Control", cache_control), ("X-Cache", "hit")]

    def __call__(self, _environ, start_response):
        start_response("304 NOT MODIFIED", self.headers)
        return []


def _personal() -> bool:
    """A signed-in organizer, or a message waiting to be shown: read from the cookies alone
    (loading the user would cost a query on every hit). Without a session cookie the session
    is not even opened, which would also make Flask add `Vary: Cookie` to every 304."""
    cookies = request.cookies
    if current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in cookies:
        return True
    if current_app.config["SESSION_COOKIE_NAME"] not in cookies:
        return False
    return "_user_id" in session or "_flashes" in session


def _csrf_field() -> str:
    return current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")


def _cacheable(cookieless: bool) -> Policy | None:
    if request.method not in ("GET", "HEAD"):
        return None
    policy = POLICIES.get(request.endpoint or "")
    if policy is None or (not cookieless and _personal()) or dataversion.pending():
        return None
    return policy


def _key(policy: Policy, cookieless: bool = False) -> str | None:
    """None for a page of seats whose event this process does not know (yet): rendered, not kept."""
    version = dataversion.current()
    seats = _seats() if policy.seats else "-"
    if seats is None:
        return None
    moment = today_rome().isoformat() if policy.daily else int(time.time() // current_app.config["CACHE_PAGE_SECONDS"])
    language = "feed" if policy.feed else _language(cookieless)
    # The path, not the host: absolute links come from BASE_URL, so every server behind the
    # same name renders the same bytes and shares the entry.
    return f"page:{version.content}:{seats}:{language}:{moment}:{request.full_path}"


def _seats() -> str | None:
    """The seat version of the event the address names; None for an address no public event
    has in the map of the content version this process holds (a 404, or an event published
    a moment ago by another server, before this one heard of it)."""
    event_id = events.public_event_id((request.view_args or {}).get("slug", ""))
    return None if event_id is None else str(dataversion.seats(event_id))


def _language(cookieless: bool = False) -> str:
    """Whatever may choose the language of an answer: the page's locale (?lang=, the cookie:
    what Flask-Babel's get_locale would parse, asked from the same selector without building a
    Locale) and, for the API, the best match of Accept-Language; the address is in the key.
    Without any cookie, only the address can name one."""
    asked = _best_language(request.headers.get("Accept-Language", ""), tuple(current_app.config["LANGUAGES"]))
    return f"{select_locale(cookies=not cookieless)}/{asked}"


@lru_cache(maxsize=1024)
def _best_language(header: str, languages: tuple[str, ...]) -> str:
    """Accept-Language's best match, parsed once per distinct header (calendar clients and
    browsers send a handful of them) rather than at every request."""
    return parse_accept_header(header, LanguageAccept).best_match(languages) or "-"


def _etag(key: str) -> str:
    return hashlib.blake2b(key.encode(), digest_size=12).hexdigest()


def answer_from_cache(cookieless: bool = False):
    """The stored answer (or a 304) when there is one; `cookieless` when the request carries no
    cookie at all, so nothing personal can be involved."""
    policy = _cacheable(cookieless)
    if policy is None:
        return None
    key = _key(policy, cookieless)
    if key is None:
        return None
    etag = _etag(key)
    if etag in request.if_none_match:
        if cookieless:
            return NotModified(etag, policy.cache_control)
        response = current_app.response_class(status=304)
        response.set_etag(etag)
        response.headers["Cache-Control"] = policy.cache_control
        response.headers["X-Cache"] = "hit"
        return response
    stored = local_cache.get(key)
    if stored is None:
        try:
            stored = cache.get(key)
        except RedisError:
            return None  # rendered as if nothing were cached: Redis down must not take the site
        if stored is not None:
            local_cache.set(key, stored)
    if stored is not None:
        status, headers, body = stored
        response = current_app.response_class(body, status=status, headers=headers)
        response.headers["X-Cache"] = "hit"
        return conditional(response)
    request.environ[_ENTRY] = (key, etag, policy, _csrf_field() in g)
    return None


def store_in_cache(response):
    entry = request.environ.pop(_ENTRY, None)
    if entry is None:
        return response
    key, etag, policy, had_token = entry
    personal = (
        had_token
        or _csrf_field() in g
        or session.modified
        or "Set-Cookie" in response.headers
        or response.direct_passthrough
        or not response.is_sequence
    )
    if response.status_code != 200 or personal:
        return response
    response.set_etag(etag)
    response.headers.setdefault("Cache-Control", policy.cache_control)
    if not policy.daily:
        response.vary.add("Cookie")  # the language and the signed-in state come from cookies
    response.headers["X-Cache"] = "miss"
    # Not the moment it was made: each answer gets its own Date, from the server.
    headers = [(name, value) for name, value in response.headers.items() if name not in _NOT_STORED]
    stored = (response.status_code, headers, response.get_data())
    local_cache.set(key, stored)
    try:
        cache.set(key, stored)
    except RedisError:
        current_app.logger.warning("page not stored: Redis does not answer", exc_info=True)
    return response
