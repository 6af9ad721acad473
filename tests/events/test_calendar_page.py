"""The month calendar page (/calendario): what each cell holds, its title, its feed links."""

import re
from datetime import date, time

from app.timeutil import rome_datetime
from tests.factories import add_weekly_lessons


def _grid(client, year: int, month: int) -> str:
    html = client.get(f"/calendario?anno={year}&mese={month}").get_data(as_text=True)
    return html[html.index("<table") : html.index("</table>")]


def _cell(grid: str, day: int) -> str:
    """The <td> of a day of the shown month."""
    for cell in re.findall(r"<td class=\"(?!other-month)[^\"]*\">(.*?)</td>", grid, re.S):
        if re.search(rf"<span class=\"day-number\">{day}</span>", cell):
            return cell
    raise AssertionError(f"no cell for day {day}")


def test_every_lesson_of_a_course_is_on_its_own_day_at_its_own_time(client, make_event):
    course = make_event("Europa per i comuni", type_slug="corso", day=date(2026, 11, 3), start=time(14), end=time(17))
    add_weekly_lessons(course, 4, start=time(14, 30), end=time(17))
    grid = _grid(client, 2026, 11)
    for day in (3, 10, 17, 24):
        cell = _cell(grid, day)
        assert "14:30 Europa per i comuni" in re.sub(r"\s+", " ", cell), day
        assert f'href="/eventi/{course.slug}"' in cell
    assert "Europa per i comuni" not in _cell(grid, 4)


def test_a_lesson_in_the_next_month_is_on_that_month_s_grid(client, make_event):
    course = make_event("Corso a cavallo", type_slug="corso", day=date(2026, 11, 24), start=time(9), end=time(12))
    add_weekly_lessons(course, 3, start=time(9), end=time(12))
    assert "Corso a cavallo" in _cell(_grid(client, 2026, 12), 8)


def test_the_month_title_writes_the_month_in_lower_case(client):
    html = client.get("/calendario?anno=2026&mese=11").get_data(as_text=True)
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)
    # The month's name was lower case in the HTML and capitalised by a CSS class.
    assert "capitalize" not in heading
    assert re.sub(r"<[^>]+>", "", heading) == "Calendario: novembre 2026"


def test_every_feed_address_to_copy_has_its_copy_button(client):
    html = client.get("/calendario").get_data(as_text=True)
    fields = re.findall(r'id="(feed-[^"]+)"[^>]*data-copy-source', html)
    assert len(fields) > 1, "the all-events feed and one per event type"
    buttons = set(re.findall(r'data-copy-target="([^"]+)"', html))
    assert set(fields) <= buttons


def test_an_exhibition_of_a_few_days_is_on_each_of_its_days(client, make_event):
    make_event(
        "Mostra di due giorni",
        type_slug="mostra",
        all_day=True,
        starts_at=rome_datetime(date(2026, 11, 12), time(0)),
        ends_at=rome_datetime(date(2026, 11, 14), time(0)),
    )
    grid = _grid(client, 2026, 11)
    assert "Mostra di due giorni" in _cell(grid, 12) and "Mostra di due giorni" in _cell(grid, 13)
