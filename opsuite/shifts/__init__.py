"""Volunteer opportunities, shifts, sign-ups and the waitlist, check-in and hours."""
