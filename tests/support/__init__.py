"""Helpers the tests share that are not setup: a real SMTP server and the parts of what it
received, the five calendar readers, the browser's accessibility check."""
