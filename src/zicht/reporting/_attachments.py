"""Attachments without metadata: what is stored is what is seen, nothing more.

Images (JPEG, PNG, WebP, GIF) are decoded and written anew from their pixels alone,
so EXIF (camera, time, GPS position), XMP, IPTC, ICC profiles and comments are gone;
the orientation EXIF asked for is applied to the pixels first. PDFs are rewritten page
by page with pypdf into a new document without its information dictionary (author,
creator, dates) and without its XMP metadata stream; what the pages themselves show
(including images embedded in a page, with whatever those carry) stays, as the
reporter sent it. Anything else is refused.
"""

from __future__ import annotations

import io
import logging
import warnings

__all__ = ["MAX_ATTACHMENT_BYTES", "AttachmentError", "strip_metadata"]

# Pillow logs every EXIF tag it reads (camera, time, position) at DEBUG: that would put
# the very metadata removed here into the server's log. Its loggers stay at WARNING
# whatever level the rest of Zicht logs at (tests/reporting/test_no_trace.py).
logging.getLogger("PIL").setLevel(logging.WARNING)

MAX_ATTACHMENT_BYTES = 8 * 1024 * 1024
_MAX_PIXELS = 40_000_000
_IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/png", "GIF": "image/png"}


class AttachmentError(ValueError):
    """An attachment that cannot be stored; `rule` names why (size, type, damaged)."""

    def __init__(self, rule: str) -> None:
        super().__init__(f"attachment refused: {rule}")
        self.rule = rule


def _image(content: bytes) -> tuple[str, bytes]:
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as source:
                kind = source.format or ""
                if kind not in _IMAGE_FORMATS:
                    raise AttachmentError("type")
                if source.width * source.height > _MAX_PIXELS:
                    raise AttachmentError("size")
                upright = ImageOps.exif_transpose(source)
                mode = "RGB" if kind == "JPEG" else "RGBA"
                pixels = Image.frombytes(mode, upright.size, upright.convert(mode).tobytes())
    except (UnidentifiedImageError, OSError, Image.DecompressionBombWarning) as exc:
        raise AttachmentError("damaged") from exc
    out = io.BytesIO()
    if kind == "JPEG":
        pixels.save(out, format="JPEG", quality=90)
    else:
        pixels.save(out, format="PNG")
    return _IMAGE_FORMATS[kind], out.getvalue()


def _pdf(content: bytes) -> tuple[str, bytes]:
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted:
            raise AttachmentError("type")
        writer = PdfWriter()
        for page in reader.pages:
            added = writer.add_page(page)
            for name in ("/Metadata", "/PieceInfo"):  # a page's own XMP and app data
                added.pop(name, None)
        # A fresh writer has its own information dictionary (Producer only): empty it.
        writer._info = None
        out = io.BytesIO()
        writer.write(out)
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        if isinstance(exc, AttachmentError):
            raise
        raise AttachmentError("damaged") from exc
    return "application/pdf", out.getvalue()


def strip_metadata(content: bytes) -> tuple[str, bytes]:
    """(media type, content without metadata) of an image or PDF; AttachmentError else."""
    if len(content) > MAX_ATTACHMENT_BYTES:
        raise AttachmentError("size")
    if content.startswith(b"%PDF-"):
        return _pdf(content)
    return _image(content)
