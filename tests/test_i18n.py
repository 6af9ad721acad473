"""The Italian, English and French catalogues are complete and match the source."""

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "app" / "translations"


def _extracted_ids() -> set[str]:
    """What `make translations-update` extracts, read with Babel's own extractor."""
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
    method_map = [("app/**.py", "python"), ("templates/**.html", "jinja2")]
    return {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in extract_from_dir(ROOT, method_map, keywords=keywords)
    }


def _catalogue(lang):
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle)


LANGUAGES = ("it", "en", "fr")


def test_every_offered_language_has_a_catalogue(app):
    assert tuple(app.config["LANGUAGES"]) == LANGUAGES
    for lang in LANGUAGES:
        assert (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").is_file()


def test_every_message_in_the_code_is_translated_to_every_language():
    source = _extracted_ids()
    assert len(source) > 100
    for lang in LANGUAGES:
        catalogue = _catalogue(lang)
        translated = {
            (m.id if isinstance(m.id, str) else m.id[0])
            for m in catalogue
            if m.id and not m.fuzzy and (all(m.string) if isinstance(m.string, tuple) else m.string)
        }
        missing = sorted(source - translated)
        assert missing == [], f"{lang}: {len(missing)} untranslated, e.g. {missing[:5]}"


def test_english_pages_are_in_english(client, make_event):
    make_event("Riunione")
    client.set_cookie("lang", "en")
    html = client.get("/eventi").get_data(as_text=True)
    assert "Events" in html
    assert 'lang="en"' in html
    assert "Andare al contenuto principale" not in html
