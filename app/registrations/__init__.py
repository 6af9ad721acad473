"""Registrations of participants to events (sign-up, waiting list, self-service)."""
