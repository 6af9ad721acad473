"""The organizer area (/gestione): publishing events and managing what they refer to."""
