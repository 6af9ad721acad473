"""Text helpers shared by the domains: slugs and HTML sanitising."""

from __future__ import annotations

import html as html_lib
import re
import unicodedata

import nh3
from markupsafe import Markup, escape

#: What organizers may use in descriptions; everything else is stripped by nh3.
ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "s",
    "ul",
    "ol",
    "li",
    "a",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
_TAG = re.compile(r"<[a-zA-Z/!]")
_BLOCK_TAG = re.compile(r"<(p|br|ul|ol|h[1-6]|blockquote|hr)\b", re.IGNORECASE)


def slugify(text: str, max_length: int = 120) -> str:
    """'2° incontro – Esperienze' -> '2-incontro-esperienze'."""
    normalized = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", normalized.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "evento"


def sanitize_html(html: str | None) -> str:
    """Organizer text to safe HTML. Plain text (no tags) becomes paragraphs."""
    if not html or not html.strip():
        return ""
    if not _TAG.search(html):
        html = str(escape(html))
    if not _BLOCK_TAG.search(html):
        # Text written as plain lines: blank lines separate paragraphs, newlines are breaks.
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", html.strip()) if p.strip()]
        html = "".join(f"<p>{'<br>'.join(p.splitlines())}</p>" for p in paragraphs)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def html_to_text(html: str | None) -> str:
    """Plain text of sanitised HTML, for summaries, feeds and search snippets."""
    if not html:
        return ""
    text = re.sub(r"<(br|/p|/li|/h\d)\s*/?>", "\n", html)
    text = html_lib.unescape(nh3.clean(text, tags=set()))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def one_line(text: str | None) -> str:
    """Text that may end up in an email header: no line breaks or control characters, single spaces."""
    return " ".join("".join(c if c.isprintable() else " " for c in (text or "")).split())


#: A web address in text that has already been escaped: it stops at a space, at the escaped
#: forms of < > " ' and at Italian quotes, so it never reaches past what the writer meant.
_ESCAPED_URL = re.compile(r"https?://(?:(?!&lt;|&gt;|&#34;|&#39;|&quot;)[^\s«»])+", re.IGNORECASE)
#: Punctuation that ends a sentence rather than an address ("… sul sito https://x.it.").
_TRAILING = ".,;:!?"


def _link(match: re.Match) -> str:
    url = match.group(0)
    tail = ""
    while url and (url[-1] in _TRAILING or (url[-1] == ")" and url.count(")") > url.count("("))):
        url, tail = url[:-1], url[-1] + tail
    return f'<a href="{url}">{url}</a>{tail}'


def linkify(text: str | None) -> list[Markup]:
    """Plain text (an organizer's message) as HTML paragraphs: escaped first, so nothing typed
    becomes markup, then http(s) addresses wrapped in links; blank lines separate paragraphs,
    newlines are breaks."""
    escaped = str(escape((text or "").strip()))
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", escaped) if p.strip()]
    # Safe as markup: every character comes from the escaped text, and _link only adds tags
    # around addresses whose quotes and brackets were escaped before they were matched.
    return [Markup("<br>\n".join(_ESCAPED_URL.sub(_link, line) for line in p.splitlines())) for p in paragraphs]  # noqa: S704
