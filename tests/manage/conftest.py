"""The organizer tests read what participants receive with the same real SMTP server."""

from tests.notifications.conftest import smtp  # noqa: F401  (a fixture, used by name)
