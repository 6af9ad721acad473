"""Where a `next` parameter may send the visitor: only back to a path on this site."""

import re

#: Control characters (C0, DEL, C1): a path never holds one, and CR/LF would break the
#: Location header after the login has already happened.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def safe_next_path(target: str | None) -> str:
    """Only a path on this site: never an open redirect, never a broken header.

    A path starting with one "/" cannot carry a scheme or a host; "//host" can, and browsers
    read "/\\host" as "//host", so backslashes are refused too."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    if _CONTROL.search(target):
        return "/"
    return target
