#!/usr/bin/env python3
"""Parses Reference/visits.ics (written by HeatGrid's ICalendar writer, see ICalendarTests.swift) with Python's
icalendar and writes what it read to visits_parsed.json, the reference the Swift test compares with.

    python3 -m venv /tmp/ics && /tmp/ics/bin/pip install icalendar==6.1.0
    /tmp/ics/bin/python Tests/ICalendarTests/Reference/make_reference.py
"""
import json
import os

import icalendar

HERE = os.path.dirname(os.path.abspath(__file__))

with open(os.path.join(HERE, "visits.ics"), "rb") as f:
    calendar = icalendar.Calendar.from_ical(f.read())
events = []
for event in calendar.walk("VEVENT"):
    item = {
        "uid": str(event["UID"]),
        "dtstart": event.decoded("DTSTART").timestamp(),
        "dtend": event.decoded("DTEND").timestamp(),
        "summary": str(event["SUMMARY"]),
        "description": str(event["DESCRIPTION"]) if "DESCRIPTION" in event else None,
        "location": str(event["LOCATION"]) if "LOCATION" in event else None,
    }
    if "GEO" in event:
        item["geo"] = [event["GEO"].latitude, event["GEO"].longitude]
    events.append(item)
out = {"icalendar": icalendar.__version__, "calname": str(calendar["X-WR-CALNAME"]), "events": events}
with open(os.path.join(HERE, "visits_parsed.json"), "w", encoding="utf-8") as f:
    json.dump(out, f, ensure_ascii=False, indent=1)
    f.write("\n")
print(json.dumps(out, ensure_ascii=False, indent=1))
