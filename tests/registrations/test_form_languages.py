"""The registration form names a person's fields unambiguously in every language."""

from __future__ import annotations

import re


def _labels(html: str) -> dict[str, str]:
    return {m[0]: m[1].strip() for m in re.findall(r'<label[^>]*for="(\w+)"[^>]*>\s*([^<*]+)', html)}


def test_first_and_last_name_have_distinct_labels_in_french_and_english(client, make_event):
    event = make_event()
    for lang, first, last in (("fr", "Prénom", "Nom"), ("en", "First name", "Last name"), ("it", "Nome", "Cognome")):
        labels = _labels(client.get(f"/eventi/{event.slug}/iscrizione", query_string={"lang": lang}).get_data(as_text=True))
        assert (labels["first_name"], labels["last_name"]) == (first, last), lang
