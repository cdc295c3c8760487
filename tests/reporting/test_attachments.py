"""Attachments keep their pixels and pages and lose their metadata."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter

from zicht.reporting import MAX_ATTACHMENT_BYTES, AttachmentError, strip_metadata


def _jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (40, 20), (200, 30, 30))
    exif = image.getexif()
    exif[0x010F] = "SynthCamMaker"  # Make
    exif[0x0132] = "2026:01:02 03:04:05"  # DateTime
    gps = exif.get_ifd(0x8825)
    gps[2] = (52.0, 5.0, 30.0)  # GPSLatitude
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif, comment=b"SynthComment")
    return buffer.getvalue()


def test_a_jpeg_loses_exif_gps_and_comment_but_keeps_its_pixels() -> None:
    raw = _jpeg_with_exif()
    assert b"SynthCamMaker" in raw and b"SynthComment" in raw
    media_type, clean = strip_metadata(raw)
    assert media_type == "image/jpeg"
    assert b"SynthCamMaker" not in clean and b"SynthComment" not in clean
    assert b"2026:01:02" not in clean
    with Image.open(io.BytesIO(clean)) as image:
        assert image.size == (40, 20)
        assert dict(image.getexif()) == {}
        red, green, _ = image.getpixel((10, 10))  # type: ignore[misc]
        assert red > 150 and green < 80


def test_a_png_loses_its_text_chunks() -> None:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", "SynthAuthor")
    buffer = io.BytesIO()
    Image.new("RGBA", (8, 8), (0, 0, 255, 255)).save(buffer, format="PNG", pnginfo=info)
    media_type, clean = strip_metadata(buffer.getvalue())
    assert media_type == "image/png" and b"SynthAuthor" not in clean


def test_a_pdf_loses_its_information_dictionary_and_xmp() -> None:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Author": "SynthAuthor", "/Creator": "SynthWriter"})
    buffer = io.BytesIO()
    writer.write(buffer)
    raw = buffer.getvalue()
    assert b"SynthAuthor" in raw
    media_type, clean = strip_metadata(raw)
    assert media_type == "application/pdf"
    assert b"SynthAuthor" not in clean and b"SynthWriter" not in clean
    reader = PdfReader(io.BytesIO(clean))
    assert len(reader.pages) == 1 and reader.metadata is None


@pytest.mark.parametrize(
    ("content", "rule"),
    [
        (b"just some text", "damaged"),
        (b"%PDF-1.4 not really a pdf", "damaged"),
        (b"\xff" * (MAX_ATTACHMENT_BYTES + 1), "size"),
    ],
)
def test_other_files_are_refused_with_the_rule(content: bytes, rule: str) -> None:
    with pytest.raises(AttachmentError) as caught:
        strip_metadata(content)
    assert caught.value.rule == rule


def test_a_bmp_is_refused_as_a_type() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="BMP")
    with pytest.raises(AttachmentError) as caught:
        strip_metadata(buffer.getvalue())
    assert caught.value.rule == "type"
