"""The registration form names a person's fields unambiguously in every language."""

from __future__ import annotations

import re

from tests.factories import REGISTRATION_FORM, csrf_token_from


def _labels(html: str) -> dict[str, str]:
    return {m[0]: m[1].strip() for m in re.findall(r'<label[^>]*for="(\w+)"[^>]*>\s*([^<*]+)', html)}


def test_first_and_last_name_have_distinct_labels_in_french_and_english(client, make_event):
    event = make_event()
    for lang, first, last in (("fr", "Prénom", "Nom"), ("en", "First name", "Last name"), ("it", "Nome", "Cognome")):
        labels = _labels(client.get(f"/eventi/{event.slug}/iscrizione", query_string={"lang": lang}).get_data(as_text=True))
        assert (labels["first_name"], labels["last_name"]) == (first, last), lang


def test_a_page_opened_in_french_keeps_french_after_the_form_is_sent(client, make_event):
    """Someone arriving from a French link (?lang=fr), with no language cookie, registers and lands
    on their registration page still in French; the page's links keep the language too."""
    event = make_event()
    url = f"/eventi/{event.slug}/iscrizione?lang=fr"
    page = client.get(url).get_data(as_text=True)
    assert f'href="/eventi/{event.slug}?lang=fr"' in page
    data = {**REGISTRATION_FORM, "csrf_token": csrf_token_from(client.get(url))}
    response = client.post(url, data=data)
    assert response.status_code == 303 and response.headers["Location"].endswith("?lang=fr")
    landing = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Vous recevrez dans quelques instants" in landing
