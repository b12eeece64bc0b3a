"""A stand-in for ClamAV's daemon on a local unix socket, speaking the real INSTREAM
protocol (``zINSTREAM\\0``, length-prefixed chunks, a zero-length end) and finding the
EICAR test string as clamd does (signature ``Eicar-Test-Signature``)."""

from __future__ import annotations

import contextlib
import os
import socket
import struct
import tempfile
import threading

import pytest

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def _recv_exactly(connection: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        part = connection.recv(size - len(data))
        if not part:
            raise ConnectionError("closed")
        data += part
    return data


class FakeClamd:
    def __init__(self, path: str):
        self.path = path
        self.scanned: list[bytes] = []
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(path)
        self.server.listen(8)
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _address = self.server.accept()
            except OSError:
                return
            with connection:
                try:
                    self._answer(connection)
                except (ConnectionError, OSError):
                    continue

    def _answer(self, connection: socket.socket) -> None:
        command = b""
        while not command.endswith(b"\0"):
            command += _recv_exactly(connection, 1)
        if command != b"zINSTREAM\0":
            connection.sendall(b"UNKNOWN COMMAND\0")
            return
        data = b""
        while True:
            (size,) = struct.unpack(">L", _recv_exactly(connection, 4))
            if size == 0:
                break
            data += _recv_exactly(connection, size)
        self.scanned.append(data)
        answer = b"stream: Eicar-Test-Signature FOUND\0" if EICAR in data else b"stream: OK\0"
        connection.sendall(answer)

    def close(self) -> None:
        self.server.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)


@contextlib.contextmanager
def running(path: str):
    server = FakeClamd(str(path))
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def clamd(settings):
    """A fake clamd configured as the scanner (CLAMD_SOCKET) for one test."""
    folder = tempfile.mkdtemp(prefix="clamd-")  # unix socket paths must stay short
    with running(os.path.join(folder, "clamd.sock")) as server:
        settings.CLAMD_SOCKET = server.path
        yield server
    os.rmdir(folder)
