"""Writing the audit log: explicit entries (logins, exports, messages) and the edits of tracked
models, recorded by one session hook in the same transaction as the change they describe.

Domains declare which of their models are tracked with `track()`; the hook then records who
created, changed or deleted a row, with the changed fields old → new, whenever an organizer is
signed in. Participants acting on their own registrations and the worker are not organizer
actions and leave no entry. Searching and exporting the log live with the organizers' pages.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import g, has_request_context, request
from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from app.audit.models import AuditEntry
from app.extensions import db
from app.timeutil import utcnow

#: What an edit of a personal field records instead of the values.
PERSONAL_MARK = "(dato personale)"
#: Long texts (a description) are cut in the log: it says what changed, not the whole text twice.
MAX_VALUE = 300

#: Fields no one reads as an action: bookkeeping, counters and secrets.
ALWAYS_IGNORED = frozenset({"id", "created_at", "updated_at", "sequence", "schedule_version"})


@dataclass(frozen=True)
class Tracked:
    name: str
    event_id: Callable[[Any], int | None] = lambda obj: None
    registration_id: Callable[[Any], int | None] = lambda obj: None
    label: Callable[[Any], str] | None = None
    #: Refines the action from the changes ("evento.pubblicato" rather than "evento.modificato").
    classify: Callable[[Any, dict], str | None] | None = None
    ignore: frozenset[str] = field(default_factory=frozenset)
    #: Fields whose values are never written down (a password hash, a key): only that they changed.
    secret: frozenset[str] = field(default_factory=frozenset)


_tracked: dict[type, Tracked] = {}


def track(model: type, name: str, **options) -> None:
    """Record every organizer's insert, update and delete of `model` rows under `name`."""
    options["ignore"] = frozenset(options.get("ignore", ()))
    options["secret"] = frozenset(options.get("secret", ()))
    _tracked[model] = Tracked(name=name, **options)


def tracked_names() -> set[str]:
    return {t.name for t in _tracked.values()}


@dataclass(frozen=True)
class Actor:
    id: int | None
    label: str


def current_actor() -> Actor | None:
    """The organizer signed in on this request, if any. It reads what Flask-Login has already
    loaded rather than loading it: the hook runs inside a flush, where no query may start."""
    if not has_request_context():
        return None
    user = g.get("_login_user")
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Actor(id=user.id, label=user.email)


def _client() -> dict:
    if not has_request_context():
        return {"path": "", "ip": ""}
    return {"path": request.full_path.rstrip("?")[:500], "ip": (request.remote_addr or "")[:64]}


def _plain(value) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    text = str(value)
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


def _changes(obj, spec: Tracked, *, created: bool) -> dict:
    state = inspect(obj)
    changes: dict[str, list] = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in ALWAYS_IGNORED or key in spec.ignore:
            continue
        history = state.attrs[key].history
        if created:
            new, old = getattr(obj, key), None
            if new is None or new == "":
                continue
        elif history.has_changes():
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if old == new:
                continue
        else:
            continue
        personal = any(column.info.get("personal") for column in attr.columns)
        if personal or key in spec.secret:
            changes[key] = [PERSONAL_MARK if old not in (None, "") else None, PERSONAL_MARK]
        else:
            changes[key] = [_plain(old), _plain(new)]
    return changes


def _row(action: str, actor: Actor | None, **values) -> dict:
    return {
        "created_at": utcnow(),
        "action": action[:40],
        "actor_id": actor.id if actor else None,
        "actor_label": (actor.label if actor else "")[:254],
        "event_id": values.get("event_id"),
        "registration_id": values.get("registration_id"),
        "target": (values.get("target") or "")[:300],
        "changes": values.get("changes"),
        "detail": values.get("detail") or "",
        **_client(),
    }


def _default_label(obj, spec: Tracked) -> str:
    key = inspect(obj).mapper.primary_key_from_instance(obj)
    return f"{spec.name} " + "/".join(str(part) for part in key)


@event.listens_for(Session, "after_flush")
def _record_tracked_changes(session: Session, _flush_context) -> None:
    actor = current_actor()
    if actor is None or not _tracked:
        return
    rows = []
    for verb, objects in (("creato", session.new), ("modificato", session.dirty), ("eliminato", session.deleted)):
        for obj in objects:
            spec = _tracked.get(type(obj))
            if spec is None:
                continue
            if verb == "modificato" and not session.is_modified(obj, include_collections=False):
                continue
            changes = {} if verb == "eliminato" else _changes(obj, spec, created=verb == "creato")
            if verb == "modificato" and not changes:
                continue
            action = (spec.classify(obj, changes) if spec.classify and verb == "modificato" else None) or f"{spec.name}.{verb}"
            rows.append(
                _row(
                    action,
                    actor,
                    event_id=spec.event_id(obj),
                    registration_id=spec.registration_id(obj),
                    target=spec.label(obj) if spec.label else _default_label(obj, spec),
                    changes=changes or None,
                )
            )
    if rows:
        # Core, on the flush's own connection: part of the same transaction, and no new flush.
        session.connection().execute(insert(AuditEntry), rows)


def record(
    action: str,
    *,
    actor: Actor | None = None,
    event_id: int | None = None,
    registration_id: int | None = None,
    target: str = "",
    detail: str = "",
    changes: dict | None = None,
) -> None:
    """Add an entry to the current transaction; the caller commits it with its action. Without
    an explicit actor, the signed-in organizer acts."""
    db.session.add(
        AuditEntry(
            **_row(
                action,
                actor or current_actor(),
                event_id=event_id,
                registration_id=registration_id,
                target=target,
                detail=detail,
                changes=changes,
            )
        )
    )


def record_download(filename: str) -> None:
    """An organizer took a file of people's data away: which file, from which page. Committed
    before the file leaves, so no list goes out unrecorded."""
    actor = current_actor()
    if actor is None:
        return
    event_id = request.view_args.get("event_id") if has_request_context() and request.view_args else None
    record("esportazione", actor=actor, event_id=event_id if isinstance(event_id, int) else None, detail=filename)
    db.session.commit()
