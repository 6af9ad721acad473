"""Organizer accounts, login and roles."""
