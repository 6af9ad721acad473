"""What the worker does for courses on each pass: certificates for courses that have ended."""

from __future__ import annotations

from datetime import datetime

from app.courses import services
from app.outbox.signals import worker_pass


@worker_pass.connect
def issue_certificates(_sender, now: datetime | None = None, **_kwargs) -> int:
    return services.issue_due(now)
