"""The same HTML as a tagged PDF/UA-1 (WeasyPrint, print styles in the report's CSS)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["write_pdf"]


def write_pdf(html: str, path: Path) -> Path:
    """Render `html` to `path` with WeasyPrint; nothing is fetched from the network."""
    import weasyprint  # type: ignore[import-untyped]  # heavy: only when a PDF is made

    def no_fetch(url: str, *args: object, **kwargs: object) -> dict[str, object]:
        raise ValueError("the report is self-contained; no resource is fetched")

    document = weasyprint.HTML(string=html, url_fetcher=no_fetch)
    # PDF/UA-1: a tagged PDF (headings, tables with their header cells, figures with the
    # chart's <title> as alternative text), with the title and language of the HTML.
    document.write_pdf(str(path), pdf_variant="pdf/ua-1")
    return path
