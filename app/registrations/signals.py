"""What the registrations domain announces. Sent inside the transaction of the change.

registration_activity: sender is the Activity just recorded (its kind says what happened:
confirmed, waitlisted, approved, promoted, cancelled, checked in…; its registration and actor
say to whom and by whom)."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

registration_activity = _signals.signal("registration-activity")
