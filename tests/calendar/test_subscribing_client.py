"""A real subscribing client: vdirsyncer fetches the feed from the running app over HTTP into a
folder, as a calendar subscription does, and khal reads that folder back."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import time, timedelta
from pathlib import Path

import pytest

from app.events import services
from app.timeutil import rome_datetime, today_rome
from tests.factories import SPRING_FORWARD

BIN = Path(sys.executable).parent


def run(tool: str, *args: str, home: Path) -> str:
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"), "XDG_DATA_HOME": str(home)}
    env.pop("TZ", None)
    result = subprocess.run([str(BIN / tool), *args], capture_output=True, text=True, timeout=120, env=env, check=False)
    assert result.returncode == 0, f"{tool} {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture
def client_folder(tmp_path):
    if not (BIN / "vdirsyncer").exists() or not (BIN / "khal").exists():
        pytest.fail("vdirsyncer and khal are in requirements-dev.txt: run `make test` to install them")
    yield tmp_path
    shutil.rmtree(tmp_path, ignore_errors=True)


def subscribe_and_list(server_url: str, path: str, home: Path, start: str, end: str) -> list[str]:
    calendars = home / "calendars" / "incontri"
    calendars.mkdir(parents=True)
    (home / "vdirsyncer.conf").write_text(
        f"""[general]
status_path = "{home}/status/"

[pair incontri]
a = "incontri_remote"
b = "incontri_local"
collections = null

[storage incontri_remote]
type = "http"
url = "{server_url}{path}"

[storage incontri_local]
type = "filesystem"
path = "{calendars}/"
fileext = ".ics"
"""
    )
    (home / "khal.conf").write_text(
        f"""[calendars]
[[incontri]]
path = {calendars}/
type = calendar

[locale]
local_timezone = Europe/Rome
default_timezone = Europe/Rome
timeformat = %H:%M
dateformat = %Y-%m-%d
longdateformat = %Y-%m-%d
datetimeformat = %Y-%m-%d %H:%M
longdatetimeformat = %Y-%m-%d %H:%M

[sqlite]
path = {home}/khal.db
"""
    )
    run("vdirsyncer", "-c", str(home / "vdirsyncer.conf"), "discover", home=home)
    run("vdirsyncer", "-c", str(home / "vdirsyncer.conf"), "sync", home=home)
    output = run(
        "khal",
        "-c",
        str(home / "khal.conf"),
        "list",
        "--format",
        "{start-date} {start-time} {end-date} {end-time} {title}",
        "--day-format",
        "",
        start,
        end,
        home=home,
    )
    return [" ".join(line.split()) for line in output.splitlines() if line.strip()]


def test_khal_shows_meeting_exhibition_and_lessons_at_local_times(live_server, make_event, client_folder):
    day = today_rome() + timedelta(days=12)
    make_event(title="Incontro COP e Januaforum", day=day, start=time(15), end=time(17, 30))
    show_start = today_rome() + timedelta(days=3)
    make_event(
        title="Mostra comuni nel mondo",
        type_slug="mostra",
        all_day=True,
        starts_at=rome_datetime(show_start, time(0)),
        ends_at=rome_datetime(show_start + timedelta(days=3), time(0)),
        registration_required=False,
    )
    course = make_event(
        title="Percorso formativo",
        type_slug="corso",
        starts_at=rome_datetime(SPRING_FORWARD - timedelta(days=1), time(14)),
        ends_at=rome_datetime(SPRING_FORWARD + timedelta(days=1), time(17)),
    )
    for n, lesson_day in enumerate((SPRING_FORWARD - timedelta(days=1), SPRING_FORWARD + timedelta(days=1)), 1):
        services.add_session(
            course,
            services.SessionInput(
                title=f"Lezione {n}",
                starts_at=rome_datetime(lesson_day, time(14)),
                ends_at=rome_datetime(lesson_day, time(17)),
            ),
        )

    lines = subscribe_and_list(
        live_server.url, "/calendario.ics", client_folder, today_rome().isoformat(), "2027-04-30"
    )

    assert f"{day} 15:00 {day} 17:30 Incontro COP e Januaforum" in lines
    # All day, no times, listed on each of its three days: khal read the exclusive end right.
    last_day = show_start + timedelta(days=2)
    exhibition = [line for line in lines if line.endswith("Mostra comuni nel mondo")]
    assert exhibition == [f"{show_start} {last_day} Mostra comuni nel mondo"] * 3
    assert "2027-03-27 14:00 2027-03-27 17:00 Percorso formativo – Lezione 1" in lines
    assert "2027-03-29 14:00 2027-03-29 17:00 Percorso formativo – Lezione 2" in lines
