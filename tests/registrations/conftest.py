"""Fixtures to register people through the service, as the form would."""

from __future__ import annotations

import pytest

from tests import factories


@pytest.fixture
def sign_up():
    """sign_up(event, email=None, **fields) -> Outcome, through the same service as the form."""
    return factories.register
