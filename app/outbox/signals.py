"""What the outbox worker announces: each pass, before delivering, `worker_pass` is sent (with
`now`) so that domains write the messages that have come due (reminders…). A receiver returns
how many it queued."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

worker_pass = _signals.signal("outbox-worker-pass")
