"""Countries of bodies abroad: what people type ("Francia", "France", "Suisse", "UK") read as an
ISO 3166-1 alpha-2 code, and a code shown by its name in the reader's language. The names are
Babel's (CLDR), already shipped with the app; what is not recognised stays as typed."""

from __future__ import annotations

import re
from functools import cache

from babel import Locale, UnknownLocaleError

from app.search import fold

#: CLDR territories that are not ISO 3166-1 countries (regions, unions, reserved codes).
_NOT_COUNTRIES = {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "XK", "ZZ"}

#: Languages whose country names are recognised: the site's, and the neighbours' partners write.
_LANGUAGES = ("it", "fr", "en", "de", "es")

#: Usual ways of writing a country that are not its CLDR name.
_ALIASES = {
    "uk": "GB",
    "gran bretagna": "GB",
    "inghilterra": "GB",
    "great britain": "GB",
    "england": "GB",
    "angleterre": "GB",
    "scozia": "GB",
    "usa": "US",
    "stati uniti d america": "US",
    "united states of america": "US",
    "etats unis d amerique": "US",
    "olanda": "NL",
    "holland": "NL",
    "hollande": "NL",
    "repubblica ceca": "CZ",
    "czech republic": "CZ",
    "svizzera italiana": "CH",
    "confederazione svizzera": "CH",
    "principato di monaco": "MC",
    "monaco principality": "MC",
    "principaute de monaco": "MC",
    "citta del vaticano": "VA",
    "vaticano": "VA",
    "santa sede": "VA",
}


def _key(text: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", fold(text).lower()).split())


@cache
def _codes() -> dict[str, str]:
    """Every known name, folded → its code."""
    index: dict[str, str] = {}
    for language in _LANGUAGES:
        for code, name in Locale(language).territories.items():
            if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES:
                index.setdefault(_key(name), code)
    index.update(_ALIASES)
    return index


def is_code(value: str | None) -> bool:
    return bool(value) and value in set(_codes().values())


def normalise(text: str | None) -> str | None:
    """The ISO code of the country typed ("francia", "FR", "Suisse" → "FR", "CH"), or the text as
    typed when it names no country we know: nothing typed is lost."""
    text = " ".join((text or "").split())
    if not text:
        return None
    if len(text) == 2 and is_code(text.upper()):
        return text.upper()
    return _codes().get(_key(text), text)


def name(value: str | None, language: str = "it") -> str:
    """A stored country as people read it: a code by its name in `language`, else the text."""
    if not value:
        return ""
    if is_code(value):
        try:
            return Locale.parse(language).territories.get(value, value)
        except (UnknownLocaleError, ValueError):
            return Locale("it").territories.get(value, value)
    return value
