"""The audit log: who did what, when, on which event or person, written in the action's transaction."""
