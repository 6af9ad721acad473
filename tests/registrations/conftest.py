"""Helpers to register people through the service, as the form would."""

from __future__ import annotations

import itertools

import pytest

from app.registrations import services
from app.registrations.models import Source

CONSENT = services.Consent("test-1", "Acconsento al trattamento dei dati.")
_numbers = itertools.count(1)


def participant(email: str | None = None, **fields) -> services.ParticipantInput:
    n = next(_numbers)
    values = {
        "first_name": "Maria",
        "last_name": f"Rossi {n}",
        "email": email or f"persona{n}@comune.example.it",
        "organization": "Comune di Pinerolo",
        "role": "sindaco",
    }
    values.update(fields)
    return services.ParticipantInput(**values)


@pytest.fixture
def sign_up():
    """sign_up(event, email=None, **fields) -> Outcome, through the same service as the form."""

    def sign(event, email=None, source=Source.ONLINE, **fields):
        return services.register(event.id, participant(email, **fields), CONSENT, source=source)

    return sign
