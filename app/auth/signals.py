"""What the accounts announce. The outbox stands beside the accounts, not above them, so the
emails these call for are written by the organizer area (app/manage/account_notifications.py),
inside the sender's transaction."""

from blinker import Namespace

_signals = Namespace()

#: sender: the User invited; token=, invited_by= (the admin).
invitation_requested = _signals.signal("invitation-requested")
#: sender: the User; token=.
password_reset_requested = _signals.signal("password-reset-requested")
#: sender: the User; until= (UTC) the end of the lockout.
account_locked = _signals.signal("account-locked")
