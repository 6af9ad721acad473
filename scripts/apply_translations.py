"""Fill a catalogue's empty translations from a Python dict {msgid: msgstr} (plurals as tuples).

Usage: python scripts/apply_translations.py app/translations/en/LC_MESSAGES/messages.po table.py
"""

from __future__ import annotations

import runpy
import sys

from babel.messages.pofile import read_po, write_po


def main(po_path: str, table_path: str) -> None:
    table = runpy.run_path(table_path)["EN"]
    with open(po_path, "rb") as handle:
        catalog = read_po(handle)
    filled = 0
    for message in catalog:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else tuple(message.id)
        empty = not message.string if isinstance(message.string, str) else not all(message.string)
        if empty and key in table:
            message.string = table[key]
            filled += 1
    with open(po_path, "wb") as handle:
        write_po(handle, catalog, omit_header=False, sort_output=True, include_previous=False, width=120)
    print(f"{po_path}: {filled} translations added")


if __name__ == "__main__":
    main(*sys.argv[1:3])
