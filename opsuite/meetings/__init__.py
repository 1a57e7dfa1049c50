"""Meetings: a shared calendar, recurring series, attendees and RSVP, find a time, polls."""
