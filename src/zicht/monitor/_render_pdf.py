"""The same HTML as a PDF (WeasyPrint, print styles in the report's CSS)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["write_pdf"]


def write_pdf(html: str, path: Path) -> Path:
    """Render `html` to `path` with WeasyPrint; nothing is fetched from the network."""
    import weasyprint  # type: ignore[import-untyped]  # heavy: only when a PDF is made

    def no_fetch(url: str, *args: object, **kwargs: object) -> dict[str, object]:
        raise ValueError("the report is self-contained; no resource is fetched")

    document = weasyprint.HTML(string=html, url_fetcher=no_fetch)
    document.write_pdf(str(path))
    return path
