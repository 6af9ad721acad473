"""Email: the durable outbox, the messages participants receive, reminders and the worker."""
