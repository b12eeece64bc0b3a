"""Uploaded files are judged by their content, never by their name: a file
named .pdf that is really an executable is refused, and so is an oversized one.

Every upload has a purpose with its own size limit (``UPLOAD_LIMITS``). A ZIP
container (DOCX, XLSX, OFD) is judged by its central directory before anything
in it is unpacked: total and per-part unpacked size, compression ratio and
number of parts, so an archive bomb is refused in milliseconds. Text is
extracted (for search and the sensitive-content scan) in a child process with
capped memory and time, outside any transaction (``read_text``)."""

from __future__ import annotations

import io
import json
import logging
import struct
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from gongkai.core.errors import DomainError
from gongkai.core.extraction import ReadLimits, limits_argument

logger = logging.getLogger(__name__)


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


# --- Purposes and their size limits -------------------------------------------------------

APPLICATION_ATTACHMENT = "application_attachment"
CATALOGUE_ATTACHMENT = "catalogue_attachment"
CATALOGUE_IMPORT = "catalogue_import"
REPORT_IMPORT = "report_import"
REPORT_FIGURES = "report_figures"
RELEASED_FILE = "released_file"


def max_bytes_for(purpose: str | None) -> int:
    """The size limit of a purpose; ``UPLOAD_MAX_BYTES`` is the ceiling for every purpose."""
    ceiling = settings.UPLOAD_MAX_BYTES
    limit = getattr(settings, "UPLOAD_LIMITS", {}).get(purpose) if purpose else None
    return min(limit, ceiling) if limit else ceiling


def check_size(uploaded, *, purpose: str | None, field: str = "attachments", max_bytes: int | None = None) -> None:
    """Refuse a file over its purpose's limit (or ``max_bytes``) and an empty one."""
    limit = max_bytes or max_bytes_for(purpose)
    name = getattr(uploaded, "name", "") or ""
    if uploaded.size > limit:
        raise DomainError(
            _("“%(name)s” is %(size)s; the limit is %(limit)s.")
            % {"name": name, "size": filesizeformat(uploaded.size), "limit": filesizeformat(limit)},
            field=field,
            code="too_large",
        )
    if uploaded.size == 0:
        raise DomainError(_("“%(name)s” is empty.") % {"name": name}, field=field, code="empty")


# --- Archives -------------------------------------------------------------------------------

# Parts smaller than this may be compressed any amount (a blank sheet of 1 MB of zeros is harmless).
RATIO_FLOOR_BYTES = 1024 * 1024
_EOCD = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_EOCD = b"PK\x06\x06"


@dataclass(frozen=True)
class ArchiveLimits:
    unpacked_bytes: int
    member_bytes: int
    ratio: int
    members: int

    @classmethod
    def from_settings(cls, **overrides) -> ArchiveLimits:
        values = {
            "unpacked_bytes": settings.ARCHIVE_MAX_UNPACKED_BYTES,
            "member_bytes": settings.ARCHIVE_MAX_MEMBER_BYTES,
            "ratio": settings.ARCHIVE_MAX_RATIO,
            "members": settings.ARCHIVE_MAX_MEMBERS,
        }
        values.update(overrides)
        return cls(**values)


def is_zip(head: bytes) -> bool:
    return head.startswith(b"PK\x03\x04")


def _declared_members(stream) -> int | None:
    """The number of entries the end-of-central-directory record declares, read from the
    file's last 64 KB without building the directory; None when there is no such record."""
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    tail_size = min(size, 65536 + 22)
    stream.seek(size - tail_size)
    tail = stream.read(tail_size)
    stream.seek(0)
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) < at + 22:
        return None
    count = struct.unpack("<H", tail[at + 10 : at + 12])[0]
    locator = tail.rfind(_ZIP64_LOCATOR, 0, at)
    if count == 0xFFFF and locator >= 0 and len(tail) >= locator + 20:
        offset = struct.unpack("<Q", tail[locator + 8 : locator + 16])[0]
        if offset + 56 <= size:
            stream.seek(offset)
            record = stream.read(56)
            stream.seek(0)
            if record.startswith(_ZIP64_EOCD):
                count = struct.unpack("<Q", record[32:40])[0]
    return count


def _refuse(message, field: str, code: str):
    return DomainError(message, field=field, code=code)


def check_archive(stream, *, name: str = "", field: str = "attachments", limits: ArchiveLimits | None = None) -> list[str]:
    """Judge a ZIP container by its central directory alone and return its member names.

    Raises DomainError (naming ``field``) when the archive is damaged, encrypted, uses an
    unusual compression, or declares more parts, more unpacked bytes or a higher ratio
    than the limits allow. Readers then never get more than the declared sizes: Python's
    zipfile stops every part at its declared size and refuses a part whose data disagrees."""
    limits = limits or ArchiveLimits.from_settings()
    params = {"name": name}
    declared = _declared_members(stream)
    if declared is None:
        raise _refuse(_("“%(name)s” is a damaged archive and cannot be read.") % params, field, "bad_archive")
    if declared > limits.members:
        raise _refuse(
            _("“%(name)s” holds %(count)d parts; at most %(limit)d are accepted.")
            % {**params, "count": declared, "limit": limits.members},
            field,
            "archive_members",
        )
    try:
        stream.seek(0)
        with zipfile.ZipFile(stream) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise _refuse(_("“%(name)s” is a damaged archive and cannot be read.") % params, field, "bad_archive") from None
    finally:
        stream.seek(0)
    if len(infos) > limits.members:
        raise _refuse(
            _("“%(name)s” holds %(count)d parts; at most %(limit)d are accepted.")
            % {**params, "count": len(infos), "limit": limits.members},
            field,
            "archive_members",
        )
    total = packed = 0
    for info in infos:
        if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _refuse(
                _("“%(name)s” is encrypted or uses an unusual compression; it cannot be read.") % params, field, "archive_method"
            )
        if info.file_size > limits.member_bytes:
            raise _refuse(
                _("“%(name)s” holds a part that unpacks to %(size)s; the limit per part is %(limit)s.")
                % {**params, "size": filesizeformat(info.file_size), "limit": filesizeformat(limits.member_bytes)},
                field,
                "archive_member_size",
            )
        if info.file_size > RATIO_FLOOR_BYTES and info.file_size > limits.ratio * max(info.compress_size, 1):
            raise _refuse(
                _("“%(name)s” is compressed %(ratio)d times over; more than %(limit)d times is refused as a possible archive bomb.")
                % {**params, "ratio": info.file_size // max(info.compress_size, 1), "limit": limits.ratio},
                field,
                "archive_ratio",
            )
        total += info.file_size
        packed += info.compress_size
    if total > limits.unpacked_bytes:
        raise _refuse(
            _("“%(name)s” unpacks to %(size)s; the limit is %(limit)s.")
            % {**params, "size": filesizeformat(total), "limit": filesizeformat(limits.unpacked_bytes)},
            field,
            "archive_size",
        )
    if total > RATIO_FLOOR_BYTES and total > limits.ratio * max(packed, 1):
        raise _refuse(
            _("“%(name)s” is compressed %(ratio)d times over; more than %(limit)d times is refused as a possible archive bomb.")
            % {**params, "ratio": total // max(packed, 1), "limit": limits.ratio},
            field,
            "archive_ratio",
        )
    return [info.filename for info in infos]


# --- Kinds ----------------------------------------------------------------------------------


def kind_of_archive(names) -> Kind | None:
    names = set(names)
    if "[Content_Types].xml" in names and any(n.startswith("word/") for n in names):
        return DOCX
    if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
        return XLSX
    if any(n.upper() == "OFD.XML" for n in names):
        return OFD
    return None


def sniff(head: bytes, data: io.BufferedIOBase | None = None) -> Kind | None:
    """The kind of a file from its first bytes (and, for ZIP containers, its member names).
    A ZIP container is only opened once its central directory passed ``check_archive``."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if is_zip(head) and data is not None:
        try:
            names = check_archive(data)
        except DomainError:
            return None
        return kind_of_archive(names)
    return None


def check_upload(
    uploaded,
    *,
    allowed: tuple[str, ...] = tuple(KINDS),
    max_bytes: int | None = None,
    purpose: str | None = None,
    field: str = "attachments",
) -> Kind:
    """Return the file's real kind, or raise DomainError (naming ``field``) saying why it is refused:
    over the purpose's size limit, empty, an archive bomb, not an accepted kind, or misnamed."""
    check_size(uploaded, purpose=purpose, field=field, max_bytes=max_bytes)
    name = getattr(uploaded, "name", "") or ""
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    stream = uploaded.file if hasattr(uploaded, "file") else uploaded
    if is_zip(head):
        kind = kind_of_archive(check_archive(stream, name=name, field=field))
    else:
        kind = sniff(head, None)
    allowed_labels = "、".join(KINDS[c].label for c in allowed)
    if kind is None or kind.code not in allowed:
        raise DomainError(
            _("“%(name)s” is not an accepted file type (accepted: %(allowed)s). Files are checked by content, not by name.")
            % {"name": name, "allowed": allowed_labels},
            field=field,
            code="bad_type",
        )
    lower = name.lower()
    if "." in lower and not lower.endswith(kind.extensions):
        raise DomainError(
            _("“%(name)s” is really a %(kind)s file; its name says otherwise. Rename it and upload again.")
            % {"name": name, "kind": kind.label},
            field=field,
            code="mislabelled",
        )
    return kind


# --- Text -------------------------------------------------------------------------------------

EXTRACTOR = Path(__file__).with_name("extraction.py")


@dataclass(frozen=True)
class Extracted:
    text: str
    complete: bool  # False when a limit cut the text short
    problem: str = ""  # why nothing could be read: "timeout", "memory", "damaged"


def read_limits() -> ReadLimits:
    return ReadLimits(
        chars=settings.EXTRACT_MAX_CHARS,
        pdf_pages=settings.EXTRACT_MAX_PDF_PAGES,
        rows=settings.EXTRACT_MAX_ROWS,
        cells=settings.EXTRACT_MAX_CELLS,
    )


def read_text(data: bytes, kind_code: str) -> Extracted:
    """The text of a document, read in a child process whose memory (``EXTRACT_MAX_MEMORY_BYTES``)
    and time (``EXTRACT_TIMEOUT_SECONDS``) are capped. Never raises for a bad file: it reports
    the problem and yields no text. Call it outside any transaction; it can take seconds."""
    if kind_code not in ("pdf", "docx", "xlsx", "ofd"):
        return Extracted("", True)
    if kind_code in ("docx", "xlsx", "ofd"):
        try:
            check_archive(io.BytesIO(data))
        except DomainError:
            return Extracted("", False, "archive")
    timeout = settings.EXTRACT_TIMEOUT_SECONDS
    command = [
        sys.executable, "-I", str(EXTRACTOR), kind_code,
        str(settings.EXTRACT_MAX_MEMORY_BYTES), str(timeout), limits_argument(read_limits()),
    ]
    try:
        finished = subprocess.run(command, input=data, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        logger.warning("text extraction of a %s file stopped after %d s", kind_code, timeout)
        return Extracted("", False, "timeout")
    try:
        result = json.loads(finished.stdout.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        # Killed by its limits (CPU time: SIGXCPU/SIGKILL) or out of memory before it could answer.
        logger.warning("text extraction of a %s file ended with code %s", kind_code, finished.returncode)
        return Extracted("", False, "memory" if finished.returncode != 0 else "damaged")
    if "error" in result:
        return Extracted("", False, "memory" if result["error"] == "memory" else "damaged")
    return Extracted(result["text"], bool(result["complete"]))


def extract_text(data: bytes, kind_code: str, *, limit: int | None = None) -> str:
    """Best-effort plain text of a document; '' when the format carries no text (images) or
    the file cannot be read within the limits."""
    text = read_text(data, kind_code).text
    return text[:limit] if limit else text


# --- Anonymous applicants: files per client address and day -----------------------------------


def _quota_keys(client: str) -> tuple[str, str]:
    from django.utils import timezone

    day = timezone.localdate().isoformat()
    return f"uploads:anon:{day}:{client}:count", f"uploads:anon:{day}:{client}:bytes"


def check_anonymous_quota(client: str, files, *, field: str = "attachments") -> None:
    """Refuse files from an anonymous visitor that would pass the day's limits for their address
    (``ANONYMOUS_UPLOADS_PER_DAY`` files, ``ANONYMOUS_UPLOAD_BYTES_PER_DAY`` bytes). Nothing is counted here."""
    from django.core.cache import cache

    files = list(files or [])
    if not files:
        return
    count_key, bytes_key = _quota_keys(client)
    used = cache.get_many([count_key, bytes_key])
    count = used.get(count_key, 0) + len(files)
    size = used.get(bytes_key, 0) + sum(f.size for f in files)
    if count > settings.ANONYMOUS_UPLOADS_PER_DAY or size > settings.ANONYMOUS_UPLOAD_BYTES_PER_DAY:
        raise DomainError(
            _(
                "Today this address has already sent the most files accepted without signing in "
                "(%(count)d files or %(size)s a day). Send the application without the files, "
                "bring them to the organ, or try again tomorrow."
            )
            % {"count": settings.ANONYMOUS_UPLOADS_PER_DAY, "size": filesizeformat(settings.ANONYMOUS_UPLOAD_BYTES_PER_DAY)},
            field=field,
            code="quota",
        )


def count_anonymous_uploads(client: str, files) -> None:
    """Add files an anonymous visitor sent (and that were stored) to the day's count of their address."""
    from django.core.cache import cache

    files = list(files or [])
    if not files:
        return
    count_key, bytes_key = _quota_keys(client)
    day = 24 * 3600
    for key, amount in ((count_key, len(files)), (bytes_key, sum(f.size for f in files))):
        if cache.add(key, amount, day):
            continue
        try:
            cache.incr(key, amount)
        except ValueError:  # expired between the two calls
            cache.add(key, amount, day)
