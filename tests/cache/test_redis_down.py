"""With CACHE_REDIS_URL set and Redis not answering, the site still answers and changes are
still saved: the cache is an optimisation, never a dependency."""

from __future__ import annotations

import pytest

from tests import factories
from tests.support.apps import another_app
from tests.support.smtp import free_port


@pytest.fixture
def without_redis(app):
    """This app pointed at a port where no Redis listens."""
    with another_app(
        app, BASE_URL="http://incontri.test", CACHE_REDIS_URL=f"redis://127.0.0.1:{free_port()}/0"
    ) as cut_off:
        yield cut_off


def test_pages_answer_and_changes_are_saved_while_redis_is_down(without_redis, caplog):
    meeting = factories.make_event(title="Assemblea senza Redis", venue=factories.create_venue(), capacity=5)
    factories.register(meeting)  # committed, announced to nobody
    client = without_redis.test_client()
    for url in ("/", "/eventi", f"/eventi/{meeting.slug}", "/calendario.ics", f"/api/v1/events/{meeting.slug}"):
        response = client.get(url)
        assert response.status_code == 200, url
    assert "<strong>4</strong>" in client.get(f"/eventi/{meeting.slug}").get_data(as_text=True)
    assert "Redis" in caplog.text
