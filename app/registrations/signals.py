"""What the registrations domain announces. Sent inside the transaction of the change.

registration_activity: sender is the Activity just recorded (its kind says what happened:
confirmed, waitlisted, approved, promoted, cancelled, checked in…; its registration and actor
say to whom and by whom)."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

registration_activity = _signals.signal("registration-activity")

#: Asked when a confirmation (confirmed, approved, promoted) is written: sender is the
#: registration, `kind` the message's template; a receiver returns the files to attach (a list
#: of app.outbox.services.Attachment), such as the QR code to show at the door.
message_attachments = _signals.signal("message-attachments")

#: Asked when registrants are exported: sender is the list of registrations; a receiver returns
#: the columns it adds, as a list of (header, {registration id: value}).
export_columns = _signals.signal("export-columns")
