"""Virus scanning of uploaded files with ClamAV's daemon (clamd), when one is configured.

The client speaks clamd's INSTREAM command: ``zINSTREAM\\0``, then the file in
chunks each preceded by its length as a 4-byte big-endian number, then a
zero-length chunk; clamd answers ``stream: OK``, ``stream: <signature> FOUND``
or ``... ERROR``. A socket path (``CLAMD_SOCKET``) or a host and port
(``CLAMD_HOST``/``CLAMD_PORT``) names the daemon; with neither, scanning is off.

Files wait in quarantine (stored, neither served nor read) until a scan says
they are clean; an unreachable daemon leaves them waiting, never passes them.
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass

from django.conf import settings

CHUNK = 64 * 1024


class ScannerUnavailable(Exception):
    """clamd could not be reached or gave no usable answer; the file stays in quarantine."""


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    signature: str = ""  # the name of what was found, e.g. Win.Test.EICAR_HDB-1


def is_configured() -> bool:
    return bool(settings.CLAMD_SOCKET or settings.CLAMD_HOST)


def _connect() -> socket.socket:
    timeout = settings.CLAMD_TIMEOUT_SECONDS
    if settings.CLAMD_SOCKET:
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connection.settimeout(timeout)
        connection.connect(settings.CLAMD_SOCKET)
        return connection
    return socket.create_connection((settings.CLAMD_HOST, settings.CLAMD_PORT), timeout=timeout)


def scan_stream(stream) -> ScanResult:
    """Send a file to clamd and return its verdict. Raises ScannerUnavailable when there is none."""
    try:
        with _connect() as connection:
            connection.sendall(b"zINSTREAM\0")
            while chunk := stream.read(CHUNK):
                connection.sendall(struct.pack(">L", len(chunk)) + chunk)
            connection.sendall(struct.pack(">L", 0))
            answer = b""
            while not answer.endswith(b"\0"):
                part = connection.recv(4096)
                if not part:
                    break
                answer += part
    except OSError as error:
        raise ScannerUnavailable(str(error)) from error
    return parse_answer(answer.rstrip(b"\0").decode("utf-8", "replace").strip())


def parse_answer(answer: str) -> ScanResult:
    if answer.endswith("OK"):
        return ScanResult(clean=True)
    if answer.endswith("FOUND"):
        signature = answer.rsplit(":", 1)[-1].removesuffix("FOUND").strip()
        return ScanResult(clean=False, signature=signature)
    raise ScannerUnavailable(answer or "no answer")


def scan_stored(field_file) -> ScanResult:
    """Scan a stored file (a FileField's value); clean at once when no scanner is configured."""
    if not is_configured():
        return ScanResult(clean=True)
    with field_file.open("rb") as stream:
        return scan_stream(stream)


def run_check(job, check, attachment_id: int) -> str:
    """The body of a file-check job (``job`` a bound Celery task, ``check`` the subject app's service): while clamd
    cannot be reached the job is retried with backoff on a worker; in-process the file waits in quarantine for the
    periodic re-queue."""
    try:
        return check(attachment_id)
    except ScannerUnavailable as error:
        if job.request.is_eager:
            return "pending"
        raise job.retry(exc=error, countdown=min(3600, 30 * 2 ** job.request.retries)) from error


def queue_pending(model, job, *, batch: int = 1000) -> int:
    """Queue ``job`` for every row of ``model`` still in quarantine (clamd was down); returns how many."""
    from gongkai.core.models import FileCheck

    ids = list(model.objects.filter(check_state=FileCheck.PENDING).values_list("pk", flat=True)[:batch])
    for pk in ids:
        job.delay(pk)
    return len(ids)
