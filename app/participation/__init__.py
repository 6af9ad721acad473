"""Participation: which comuni take part in the events, for the organizers and as open data."""
