"""Where a `next` parameter may send the visitor: only back to a path on this site."""

from urllib.parse import urlsplit


def safe_next_path(target: str | None) -> str:
    """Only a path on this site: never an open redirect."""
    if not target:
        return "/"
    parts = urlsplit(target)
    # Browsers read "/\\host" as "//host", another site: refuse backslashes too.
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
