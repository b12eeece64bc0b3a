"""Plain text of an uploaded document, read with bounded effort.

The readers here stop at a number of characters, PDF pages, spreadsheet rows
and cells, whatever the file declares. They are run in a child process
(``python extraction.py KIND``, the document on stdin, the text on stdout)
that first caps its own address space and CPU time, so a file that still
manages to be expensive costs one short-lived process, never a web worker.

This module imports neither Django nor the project package: the child starts
in a fraction of a second and the parent passes every limit on the command line.
"""

from __future__ import annotations

import io
import json
import sys
import zipfile
from dataclasses import asdict, dataclass
from xml.etree import ElementTree

W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass(frozen=True)
class ReadLimits:
    chars: int = 2_000_000
    pdf_pages: int = 1000
    rows: int = 100_000
    cells: int = 2_000_000


class _Enough(Exception):
    """Raised inside a reader once the character limit is reached."""


class _Collector:
    def __init__(self, limit: int):
        self.limit = limit
        self.parts: list[str] = []
        self.size = 0

    def add(self, text: str) -> None:
        if not text:
            return
        self.parts.append(text)
        self.size += len(text)
        if self.size >= self.limit:
            raise _Enough

    def text(self, joiner: str = "\n") -> str:
        return joiner.join(self.parts)[: self.limit]


def _pdf(data: bytes, limits: ReadLimits, out: _Collector) -> None:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    for number, page in enumerate(reader.pages):
        if number >= limits.pdf_pages:
            raise _Enough
        out.add(page.extract_text() or "")


def _docx(data: bytes, limits: ReadLimits, out: _Collector) -> None:
    """The text of word/document.xml, streamed: one line per paragraph, cells of a row on one line."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open("word/document.xml") as part:
        line: list[str] = []
        for _event, element in ElementTree.iterparse(part, events=("end",)):
            tag = element.tag
            if tag == W_NS + "t":
                line.append(element.text or "")
            elif tag == W_NS + "tab":
                line.append("\t")
            elif tag == W_NS + "p":
                out.add("".join(line))
                line = []
                element.clear()
            elif tag == W_NS + "tbl":
                element.clear()
        out.add("".join(line))


def _xlsx(data: bytes, limits: ReadLimits, out: _Collector) -> None:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    rows = cells = 0
    try:
        for sheet in book.worksheets:
            for row in sheet.iter_rows(values_only=True):
                rows += 1
                cells += len(row)
                if rows > limits.rows or cells > limits.cells:
                    raise _Enough
                out.add(" ".join(str(v) for v in row if v is not None))
    finally:
        book.close()


def _ofd(data: bytes, limits: ReadLimits, out: _Collector) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.lower().endswith(".xml") and "/pages/" in name.lower():
                with archive.open(name) as part:
                    for _event, element in ElementTree.iterparse(part, events=("end",)):
                        if element.tag.endswith("TextCode"):
                            out.add(element.text or "")
                        element.clear()


READERS = {"pdf": _pdf, "docx": _docx, "xlsx": _xlsx, "ofd": _ofd}
JOINERS = {"ofd": ""}


def read_text(data: bytes, kind: str, limits: ReadLimits = ReadLimits()) -> tuple[str, bool]:
    """``(text, complete)``: the document's text up to the limits; ``complete`` is False when a
    limit (characters, pages, rows, cells) cut it short. Raises whatever the format's reader raises for a damaged file."""
    reader = READERS.get(kind)
    if reader is None:
        return "", True
    out = _Collector(limits.chars)
    complete = True
    try:
        reader(data, limits, out)
    except _Enough:
        complete = False
    return out.text(JOINERS.get(kind, "\n")), complete


def _cap_resources(memory_bytes: int, cpu_seconds: int) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def main(argv: list[str]) -> int:
    """Child process: ``extraction.py KIND MEMORY_BYTES CPU_SECONDS LIMITS_JSON``; document on stdin;
    writes one JSON object ``{"text", "complete"}`` or ``{"error"}`` to stdout."""
    kind, memory, cpu, limits_json = argv[1], int(argv[2]), int(argv[3]), argv[4]
    _cap_resources(memory, cpu)
    data = sys.stdin.buffer.read()
    try:
        text, complete = read_text(data, kind, ReadLimits(**json.loads(limits_json)))
        result = {"text": text, "complete": complete}
    except MemoryError:
        result = {"error": "memory"}
    except Exception as error:  # a damaged file: its text is simply not read
        result = {"error": type(error).__name__}
    sys.stdout.write(json.dumps(result, ensure_ascii=False))
    return 0


def limits_argument(limits: ReadLimits) -> str:
    return json.dumps(asdict(limits))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
