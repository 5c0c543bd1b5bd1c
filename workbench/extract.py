"""Saved web pages (HTML) in: trafilatura extracts the article's main text and its metadata.

trafilatura sees the page's markup (it drops navigation, teasers, comments and footers with its own boilerplate
removal), which plain text cannot show; the article text the workbench stores and indexes is the extracted text
exactly, so every offset and `text[start:end] == surface` hold on it. The title, date, site name and URL it finds
fill the article's fields where the corpus gives none. Provenance records `HTML_EXTRACTOR` (name and version).
"""
from __future__ import annotations

import datetime as dt
from importlib import metadata as md

HTML_SUFFIXES = (".html", ".htm")


def extractor_version() -> str:
    """'trafilatura X.Y.Z', the extractor HTML inputs go through."""
    try:
        return f"trafilatura {md.version('trafilatura')}"
    except md.PackageNotFoundError:  # pragma: no cover - a declared dependency
        return "trafilatura (not installed)"


def extract_html(html: str | bytes, url: str | None = None) -> dict:
    """Extract one page -> {text, title, published, outlet, url}; ValueError if no main text is found."""
    import trafilatura  # imported on first use: reading a text corpus does not pay for lxml and its models

    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                      include_tables=True, include_images=False, deduplicate=False)
    text = getattr(doc, "text", None) if doc is not None else None
    if not text or not text.strip():
        raise ValueError("no article text found in the HTML")
    published = None
    if getattr(doc, "date", None):
        try:
            published = dt.date.fromisoformat(str(doc.date)[:10])
        except ValueError:
            published = None
    return {"text": text, "title": doc.title or None, "published": published, "outlet": doc.sitename or None,
            "url": doc.url or url or None}


def looks_like_html(name: str) -> bool:
    """True for a file name ending in .html or .htm."""
    return name.lower().endswith(HTML_SUFFIXES)
