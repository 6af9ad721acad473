"""The events domain: what is published, when, where and with whom."""
