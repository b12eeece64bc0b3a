"""Uploaded files are judged by their content, never by their name: a file
named .pdf that is really an executable is refused, and so is an oversized one.
Text is extracted so that search and the sensitive-content scan see it."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from gongkai.core.errors import DomainError


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    mime: str
    extensions: tuple[str, ...]


PDF = Kind("pdf", "PDF", "application/pdf", (".pdf",))
DOCX = Kind("docx", "Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",))
XLSX = Kind("xlsx", "Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",))
OFD = Kind("ofd", "OFD", "application/ofd", (".ofd",))
PNG = Kind("png", "PNG", "image/png", (".png",))
JPEG = Kind("jpeg", "JPEG", "image/jpeg", (".jpg", ".jpeg"))
GIF = Kind("gif", "GIF", "image/gif", (".gif",))
KINDS = {k.code: k for k in (PDF, DOCX, XLSX, OFD, PNG, JPEG, GIF)}


def sniff(head: bytes, data: io.BufferedIOBase | None = None) -> Kind | None:
    """The kind of a file from its first bytes (and, for ZIP containers, its member names)."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head.startswith(b"PK\x03\x04") and data is not None:
        try:
            data.seek(0)
            with zipfile.ZipFile(data) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        finally:
            data.seek(0)
        if "[Content_Types].xml" in names and any(n.startswith("word/") for n in names):
            return DOCX
        if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
            return XLSX
        if any(n.upper() == "OFD.XML" for n in names):
            return OFD
    return None


def check_upload(uploaded, *, allowed: tuple[str, ...] = tuple(KINDS), max_bytes: int | None = None) -> Kind:
    """Return the file's real kind, or raise DomainError saying why it is refused."""
    limit = max_bytes or settings.UPLOAD_MAX_BYTES
    name = getattr(uploaded, "name", "") or ""
    if uploaded.size > limit:
        raise DomainError(
            _("“%(name)s” is %(size)s; the limit is %(limit)s.")
            % {"name": name, "size": filesizeformat(uploaded.size), "limit": filesizeformat(limit)},
            field="attachments",
            code="too_large",
        )
    if uploaded.size == 0:
        raise DomainError(_("“%(name)s” is empty.") % {"name": name}, field="attachments", code="empty")
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    stream = uploaded.file if hasattr(uploaded, "file") else uploaded
    kind = sniff(head, stream)
    allowed_labels = "、".join(KINDS[c].label for c in allowed)
    if kind is None or kind.code not in allowed:
        raise DomainError(
            _("“%(name)s” is not an accepted file type (accepted: %(allowed)s). Files are checked by content, not by name.")
            % {"name": name, "allowed": allowed_labels},
            field="attachments",
            code="bad_type",
        )
    lower = name.lower()
    if "." in lower and not lower.endswith(kind.extensions):
        raise DomainError(
            _("“%(name)s” is really a %(kind)s file; its name says otherwise. Rename it and upload again.")
            % {"name": name, "kind": kind.label},
            field="attachments",
            code="mislabelled",
        )
    return kind


def extract_text(data: bytes, kind_code: str, *, limit: int = 2_000_000) -> str:
    """Best-effort plain text of a document; '' when the format carries no text (images)."""
    try:
        if kind_code == "pdf":
            from pypdf import PdfReader

            reader = PdfReader(io.BytesIO(data))
            parts = []
            for page in reader.pages:
                parts.append(page.extract_text() or "")
                if sum(map(len, parts)) > limit:
                    break
            return "\n".join(parts)[:limit]
        if kind_code == "docx":
            import docx

            document = docx.Document(io.BytesIO(data))
            parts = [p.text for p in document.paragraphs]
            for table in document.tables:
                for row in table.rows:
                    parts.append(" ".join(cell.text for cell in row.cells))
            return "\n".join(parts)[:limit]
        if kind_code == "xlsx":
            import openpyxl

            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            parts = []
            for sheet in book.worksheets:
                for row in sheet.iter_rows(values_only=True):
                    parts.append(" ".join(str(v) for v in row if v is not None))
            return "\n".join(parts)[:limit]
        if kind_code == "ofd":
            parts = []
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for name in archive.namelist():
                    if name.lower().endswith(".xml") and "/pages/" in name.lower():
                        root = ElementTree.fromstring(archive.read(name))
                        parts.extend(el.text or "" for el in root.iter() if el.tag.endswith("TextCode"))
            return "".join(parts)[:limit]
    except Exception:  # a damaged file must not block saving; its text is simply not indexed
        return ""
    return ""
