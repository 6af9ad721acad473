// Reads an iCalendar stream on stdin the way Thunderbird does (Mozilla's ical.js) and prints,
// as JSON, every VEVENT with its UID, RECURRENCE-ID, start and end as UTC instants, and text.
// Time zones come only from the stream's own VTIMEZONE components, as in a client that
// receives the file; recurring events are expanded (at most 500 occurrences each).
import ICAL from "ical.js";
import { readFileSync } from "node:fs";

const text = readFileSync(0, "utf8");
const root = new ICAL.Component(ICAL.parse(text));
for (const vtimezone of root.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(vtimezone);
}
const instant = (time) => (time ? time.toJSDate().toISOString() : null);
const out = [];
for (const vevent of root.getAllSubcomponents("vevent")) {
  const event = new ICAL.Event(vevent);
  const base = {
    uid: event.uid,
    recurrenceId: event.recurrenceId ? instant(event.recurrenceId) : null,
    summary: event.summary,
    location: event.location,
    sequence: event.sequence,
    status: vevent.getFirstPropertyValue("status"),
    tzid: vevent.getFirstProperty("dtstart").getParameter("tzid") || null,
    allDay: event.startDate.isDate,
    floating: !event.startDate.isDate && event.startDate.zone === ICAL.Timezone.localTimezone,
  };
  if (event.isRecurring()) {
    const iterator = event.iterator();
    for (let next = iterator.next(), n = 0; next && n < 500; next = iterator.next(), n++) {
      const details = event.getOccurrenceDetails(next);
      out.push({ ...base, start: instant(details.startDate), end: instant(details.endDate), occurrence: true });
    }
  } else {
    out.push({ ...base, start: instant(event.startDate), end: instant(event.endDate), occurrence: false });
  }
}
process.stdout.write(JSON.stringify({ method: root.getFirstPropertyValue("method"), events: out }));
