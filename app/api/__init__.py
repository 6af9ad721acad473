"""Read-only JSON API for partners' sites and apps."""
