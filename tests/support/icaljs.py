"""A fifth reader of our calendars: Mozilla's ical.js, the parser of Thunderbird and of many web
calendars, run with Node on tests/js/read-ics.mjs. `make test` installs it from the npm registry."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "js" / "read-ics.mjs"
MODULE = SCRIPT.parent / "node_modules" / "ical.js"


def available() -> bool:
    return shutil.which("node") is not None and MODULE.is_dir()


@dataclass
class Entry:
    uid: str
    summary: str
    location: str | None
    sequence: int
    status: str | None
    #: UTC instants; for all-day entries the start of the day as ical.js sees it.
    start: datetime
    end: datetime
    all_day: bool
    floating: bool
    occurrence: bool


@dataclass
class Read:
    method: str | None
    entries: list[Entry]


def read(body: bytes) -> Read:
    result = subprocess.run(
        ["node", str(SCRIPT)], input=body, capture_output=True, timeout=30, check=False, cwd=SCRIPT.parent
    )
    assert result.returncode == 0, f"ical.js could not read the calendar: {result.stderr.decode()[-2000:]}"
    data = json.loads(result.stdout)
    entries = [
        Entry(
            uid=item["uid"],
            summary=item["summary"],
            location=item["location"],
            sequence=item["sequence"],
            status=item["status"],
            start=datetime.fromisoformat(item["start"]),
            end=datetime.fromisoformat(item["end"]),
            all_day=item["allDay"],
            floating=item["floating"],
            occurrence=item["occurrence"],
        )
        for item in data["events"]
    ]
    return Read(data["method"], entries)
