"""The source strings are Italian: the `it` catalogue translates each message to itself.
Run after `make translations-update` so the Italian catalogue stays complete."""

from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parent.parent / "app" / "translations" / "it" / "LC_MESSAGES" / "messages.po"

with PO.open("rb") as handle:
    catalogue = read_po(handle, locale="it")
for message in catalogue:
    if message.id and not (all(message.string) if isinstance(message.string, tuple) else message.string):
        message.string = message.id
    message.flags.discard("fuzzy")
catalogue.fuzzy = False
with PO.open("wb") as handle:
    write_po(handle, catalogue, sort_output=True, width=120)
print(f"{PO}: complete")
