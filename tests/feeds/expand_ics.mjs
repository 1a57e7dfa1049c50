// Reads an iCalendar feed on stdin and prints every occurrence in [argv[3], argv[4]) as JSON
// lines {uid, start, end, status}, expanded by ical.js (the engine of Thunderbird and many
// web calendars). argv[2] is the path of the ical.js module (tests/browser/axe/node_modules).
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const ICAL = (await import(pathToFileURL(process.argv[2]).href)).default;
const windowStart = new Date(process.argv[3]);
const windowEnd = new Date(process.argv[4]);
const text = readFileSync(0, "utf8");
const root = new ICAL.Component(ICAL.parse(text));
for (const tz of root.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(tz);
}
const events = root.getAllSubcomponents("vevent").map((c) => new ICAL.Event(c));
const overrides = events.filter((e) => e.isRecurrenceException());
const out = [];
const iso = (t) => t.toJSDate().toISOString().replace(".000Z", "Z");
for (const event of events) {
  if (event.isRecurrenceException()) continue;
  for (const o of overrides) if (o.uid === event.uid) event.relateException(o);
  const status = (e) => e.component.getFirstPropertyValue("status") || "";
  if (!event.isRecurring()) {
    out.push({ uid: event.uid, start: iso(event.startDate), end: iso(event.endDate), status: status(event) });
    continue;
  }
  const it = event.iterator();
  let next;
  let guard = 0;
  while ((next = it.next()) && guard++ < 5000) {
    const d = next.toJSDate();
    if (d >= windowEnd) break;
    const details = event.getOccurrenceDetails(next);
    if (details.endDate.toJSDate() <= windowStart) continue;
    out.push({
      uid: event.uid,
      start: iso(details.startDate),
      end: iso(details.endDate),
      status: status(details.item),
    });
  }
}
for (const o of overrides) {
  if (!events.some((e) => !e.isRecurrenceException() && e.uid === o.uid)) {
    out.push({ uid: o.uid, start: iso(o.startDate), end: iso(o.endDate), status: o.component.getFirstPropertyValue("status") || "" });
  }
}
process.stdout.write(JSON.stringify(out));
