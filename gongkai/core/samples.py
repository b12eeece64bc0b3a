"""Small files to attach in demo data (the demo city and each app's own demo cases)."""

from __future__ import annotations

import io


def demo_docx(name: str, text: str):
    """A small Word document to attach."""
    import docx
    from django.core.files.uploadedfile import SimpleUploadedFile

    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def demo_png(name: str):
    """A small PNG image (a square coloured after its name) to attach."""
    import hashlib
    import struct
    import zlib

    from django.core.files.uploadedfile import SimpleUploadedFile

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    size = 16
    colour = hashlib.sha256(name.encode()).digest()[:3]
    rows = b"".join(b"\x00" + colour * size for _ in range(size))
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
    return SimpleUploadedFile(name, png)
