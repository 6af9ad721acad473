"""Property-based scan (Hypothesis): every route of app.url_map gets arbitrary text, numbers and
bytes in its path arguments, in every query parameter the views read and in every field of its
form, logged in as an organizer and with a valid CSRF token so the form code is reached; no
answer may be a 5xx. Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL, which refuses
what SQLite lets through (NUL in text, integers beyond 32 bits)."""

from __future__ import annotations

import io
import os
import re
from datetime import time, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote_from_bytes, urlsplit

import pytest
from flask import g
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

import app as app_package
from app.events import services as events
from app.events.models import EventType, Series
from app.extensions import db, limiter
from app.outbox.models import OutboxMessage
from app.registrations import services as registrations
from app.registrations.models import QuestionKind
from app.timeutil import rome_datetime, today_rome
from tests.factories import csrf_token_from

#: Examples per route and method; INPUT_FUZZ_EXAMPLES=200 for a longer scan by hand.
EXAMPLES = int(os.environ.get("INPUT_FUZZ_EXAMPLES", "10"))

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _names_read_in_source(pattern: str) -> set[str]:
    source = "\n".join(p.read_text() for p in Path(app_package.__file__).parent.rglob("*.py"))
    return set(re.findall(pattern, source))


#: Every query parameter a view reads, found in the source so a new one is scanned too:
#: request.args.get("x") and the parsers of app.inputs (text_arg("x"), int_arg("x"), …).
_READ_ARGUMENT = r"""(?:args\.get|_arg)\(\s*["'](\w+)["']"""
QUERY_PARAMETERS = sorted(
    _names_read_in_source(_READ_ARGUMENT)
    | {"type", "series", "theme", "month", "comune", "q", "page", "anno", "mese", "next", "when"}
)
#: Fields read straight from request.form, beside those of the forms on the pages.
FORM_PARAMETERS = sorted(_names_read_in_source(r"""form\.get\(\s*["'](\w+)["']"""))

SPECIAL_VALUES = [
    b"",
    b"\x00",
    b"a\x00b",
    b"\x01\x1f\x7f",
    b"\r\nX-Injected: 1",
    b"9999-12",
    b"10000-01",
    b"0000-00",
    "²".encode(),
    "٣".encode(),
    b"9" * 20,
    b"-1",
    b"0",
    b"2147483648",
    b"1e309",
    b"NaN",
    b"//evil.example/",
    b"/\\evil.example",
    b"javascript:alert(1)",
    "città àèìòù".encode(),
    "👩‍💻".encode(),
    b"\xff\xfe\xc3",
    b"<script>x</script>",
    b"' OR 1=1 --",
    b"x" * 5000,
]

_special = st.sampled_from(SPECIAL_VALUES)
#: Half the values from the list above, where the known failures lie.
values = st.one_of(
    _special,
    _special,
    _special,
    st.binary(max_size=30),
    st.text(max_size=30).map(str.encode),
    st.integers(min_value=-(10**25), max_value=10**25).map(lambda n: str(n).encode()),
)


def _encode(pairs) -> str:
    return "&".join(f"{quote_from_bytes(k)}={quote_from_bytes(v)}" for k, v in pairs)


# -- a small world for the routes to find --------------------------------------------------------


def _build_world(make_event, organizer, tmp_path) -> dict[str, object]:
    """One of each thing a route names: the real values make the fuzzed ones reach deep."""
    series = Series(slug=f"ciclo-{os.urandom(3).hex()}", title="Ciclo di prova")
    db.session.add(series)
    db.session.commit()
    day = today_rome() + timedelta(days=10)
    event = make_event(title="Corso di prova", day=day, capacity=5, series_id=series.id)
    lesson = events.add_session(
        event,
        events.SessionInput(
            title="Lezione 1", starts_at=rome_datetime(day, time(10)), ends_at=rome_datetime(day, time(11))
        ),
    )
    question = registrations.add_question(
        event, registrations.QuestionInput(label="Esigenze alimentari", kind=QuestionKind.TEXT)
    )
    registrations.add_question(
        event,
        registrations.QuestionInput(label="Presenza", kind=QuestionKind.CHOICE, options_text="In presenza\nOnline"),
    )
    outcome = registrations.register(
        event.id,
        registrations.ParticipantInput(
            first_name="Anna",
            last_name="Bianchi",
            email=f"anna.{os.urandom(3).hex()}@comune.example.it",
            organization="Comune di Bra",
            role="sindaco",
        ),
        registrations.Consent("test", "Acconsento."),
    )
    # A free-text ente no comune matches: the participation page offers its form to resolve it.
    registrations.register(
        event.id,
        registrations.ParticipantInput(
            first_name="Rita",
            last_name="Borgna",
            email=f"rita.{os.urandom(3).hex()}@ecomuseo.example.it",
            organization="Ecomuseo dei terrazzamenti",
            role="altro",
        ),
        registrations.Consent("test", "Acconsento."),
    )
    material = events.add_material_file(
        event, "Programma", FileStorage(io.BytesIO(b"%PDF-1.4 programma"), filename="programma.pdf"), str(tmp_path)
    )
    message = db.session.scalar(select(OutboxMessage).order_by(OutboxMessage.id.desc()))
    event_type = db.session.scalar(select(EventType).where(EventType.id == event.type_id))
    return {
        "slug": event.slug,
        "series_slug": series.slug,
        "type_slug": event_type.slug,
        "token": outcome.registration.token,
        "code": "it",
        "filename": material.original_name,
        "kind": "luoghi",
        "row_id": event.venue_id,
        "event_id": event.id,
        "session_id": lesson.id,
        "question_id": question.id,
        "registration_id": outcome.registration.id,
        "material_id": material.id,
        "message_id": message.id if message else 1,
    }


_ARGUMENT = re.compile(r"<(?:[^<>]*:)?(\w+)>")


def _real_value(rule, name: str, world: dict) -> str:
    if name == "slug" and rule.rule.startswith("/serie/"):
        return str(world["series_slug"])
    return str(world.get(name, "x"))


def _url(rule, arguments: dict[str, bytes]) -> str:
    return _ARGUMENT.sub(lambda m: quote_from_bytes(arguments[m[1]], safe=""), rule.rule)


class _Forms(HTMLParser):
    """The POST forms of a page: their action, fields with the values as rendered, file inputs."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.current: dict | None = None
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                self.current = {"action": a.get("action", ""), "fields": {}, "names": set(), "files": []}
                self.forms.append(self.current)
            return
        if self.current is None or not a.get("name") and tag != "option":
            return
        fields, name = self.current["fields"], a.get("name")
        if name:
            self.current["names"].add(name)
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind == "file":
                self.current["files"].append(name)
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    fields[name] = a.get("value") or "y"
            elif kind not in ("submit", "button", "image", "reset"):
                fields[name] = a.get("value", "")
        elif tag == "select":
            self.select = name
        elif tag == "option" and self.select:
            if "selected" in a or self.select not in fields:
                fields[self.select] = a.get("value", "")
        elif tag == "textarea":
            self.textarea = name
            fields[name] = ""

    def handle_data(self, data):
        if self.current is not None and self.textarea:
            self.current["fields"][self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def _forms_by_path(client, pages: list[str]) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for page in pages:
        response = client.get(page)
        response.close()
        if response.status_code != 200 or "html" not in response.content_type:
            continue
        parser = _Forms()
        parser.feed(response.get_data(as_text=True))
        for form in parser.forms:
            found.setdefault(urlsplit(form["action"]).path or urlsplit(page).path, form)
    return found


def _log_in(client, organizer) -> None:
    """Through the session cookie, as a login leaves it (POST /accedi has a rate limit)."""
    db.session.refresh(organizer)  # a scanned logout or password change moves the session version
    with client.session_transaction() as session:
        session["_user_id"] = organizer.get_id()
        session["_fresh"] = True
    # The tests' requests share the app context the fixtures pushed, and Flask-Login keeps the
    # user it loaded in its g: drop it, so the session decides.
    g.pop("_login_user", None)


# -- the scan --------------------------------------------------------------------------------------


@pytest.fixture
def world(app, client, make_event, organizer, tmp_path, monkeypatch):
    # Every example would otherwise soon be a 429: the limits have tests of their own.
    monkeypatch.setattr(limiter, "enabled", False)
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    built = _build_world(make_event, organizer, tmp_path / "uploads")
    _log_in(client, organizer)
    return built


def _routes(app, method: str):
    """In path order, deletions last: what they remove is what the other routes are shown."""
    rules = (r for r in app.url_map.iter_rules() if method in r.methods and r.endpoint != "static")
    return sorted(rules, key=lambda r: (r.endpoint.endswith("_delete"), r.rule))


def test_query_parameters_are_found_in_the_source():
    """The scan reads the names from the views: if the pattern stopped matching, new ones would go unscanned."""
    found = _names_read_in_source(_READ_ARGUMENT)
    assert {"type", "month", "q", "page", "anno", "mese", "next", "when", "stato", "ordine", "tipo"} <= found


def _path_strategy(rule, world):
    strategies = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        real = st.just(_real_value(rule, name, world).encode())
        # Mostly the real value, so the other inputs reach the view and its form.
        strategies[name] = st.one_of(
            real, real, real, st.from_regex(converter.regex, fullmatch=True).map(str.encode), values
        )
    return st.fixed_dictionaries(strategies)


def _query_strategy():
    return st.lists(st.tuples(st.sampled_from(QUERY_PARAMETERS).map(str.encode), values), max_size=12)


def _scan(failures: list[str], rule, run) -> None:
    """Every route is scanned even when one fails; each failure keeps Hypothesis' smallest example."""
    try:
        run()
    except Exception as error:  # an assertion, or an exception the test client let through
        # The requests share the fixtures' app context and session: a failed transaction
        # (PostgreSQL) must not make every later route fail too.
        db.session.rollback()
        notes = "\n    ".join(getattr(error, "__notes__", []))
        failures.append(f"{rule.rule}: {type(error).__name__}: {str(error)[:300]}\n    {notes}")


def _get_never_fails(client, organizer, rule, world):
    @FUZZ
    @given(arguments=_path_strategy(rule, world), query=_query_strategy())
    def get_never_fails(arguments, query):
        _log_in(client, organizer)
        url = _url(rule, arguments) + ("?" + _encode(query) if query else "")
        note(f"GET {url}")
        with client.get(url) as response:  # closed: a file download holds its file open
            # /healthz says 503 on purpose here: the suite's schema comes from create_all, not
            # from the migrations (tests/deploy/test_healthz.py covers its answers); any other
            # 5xx, there too, is a failure.
            reporting = rule.endpoint == "health.healthz" and response.status_code == 503
            assert response.status_code < 500 or reporting, f"GET {url} answered {response.status_code}"

    return get_never_fails


def _post_never_fails(client, organizer, rule, world, form: dict, token: str):
    defaults = {"csrf_token": token, **form["fields"]}
    # The CSRF token stays valid: a form refused for it would never reach the form code.
    names = sorted((set(defaults) | form["names"] | set(FORM_PARAMETERS)) - {"csrf_token"}) or ["x"]

    @FUZZ
    @given(
        arguments=_path_strategy(rule, world),
        query=_query_strategy(),
        changes=st.dictionaries(st.sampled_from(names), values, max_size=4),
        dropped=st.sets(st.sampled_from(names), max_size=2),
        upload=st.tuples(st.binary(max_size=200), values) if form["files"] else st.none(),
    )
    def post_never_fails(arguments, query, changes, dropped, upload):
        _log_in(client, organizer)
        fields = {k.encode(): v.encode() for k, v in defaults.items() if k not in dropped}
        fields.update({k.encode(): v for k, v in changes.items()})
        url = _url(rule, arguments) + ("?" + _encode(query) if query else "")
        if upload is not None:
            content, filename = upload
            data = {k.decode(): v.decode("utf-8", "replace") for k, v in fields.items()}
            data[form["files"][0]] = (io.BytesIO(content), filename.decode("utf-8", "replace"))
            note(f"POST {url} multipart {data!r}")
            response = client.post(url, data=data, content_type="multipart/form-data")
        else:
            body = _encode(fields.items())
            note(f"POST {url} {body}")
            response = client.post(url, data=body, content_type="application/x-www-form-urlencoded")
        assert response.status_code < 500, f"POST {url} answered {response.status_code}"

    return post_never_fails


def test_no_get_answers_5xx(app, client, organizer, world):
    failures: list[str] = []
    for rule in _routes(app, "GET"):
        _scan(failures, rule, _get_never_fails(client, organizer, rule, world))
    assert not failures, "\n".join(failures)


def test_no_form_post_answers_5xx(app, client, organizer, world):
    real_urls = [
        (rule, _url(rule, {name: _real_value(rule, name, world).encode() for name in rule.arguments}))
        for rule in _routes(app, "POST")
    ]
    # Each form's own page, and the pages holding the action buttons (publish, delete, check-in…).
    pages = [url for rule, url in real_urls if "GET" in rule.methods]
    pages += [
        f"/gestione/eventi/{world['event_id']}",
        f"/gestione/eventi/{world['event_id']}/iscritti",
        f"/gestione/eventi/{world['event_id']}/iscritti/{world['registration_id']}",
        f"/iscrizioni/{world['token']}",
    ]
    forms = _forms_by_path(client, pages)
    token = csrf_token_from(client.get("/gestione/"))
    failures: list[str] = []
    for rule, real_url in real_urls:
        form = forms.get(real_url, {"fields": {}, "names": set(), "files": []})
        _scan(failures, rule, _post_never_fails(client, organizer, rule, world, form, token))
    assert not failures, "\n".join(failures)
