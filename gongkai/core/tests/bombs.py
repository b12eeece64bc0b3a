"""Hostile files, written small and streamed (never held unpacked in memory), for the
tests and for bench/bombs_bench.py: a DOCX whose document.xml unpacks hugely, an XLSX
declaring millions of rows, a PDF of very many pages, a ZIP of extreme ratio, a ZIP
of very many parts."""

from __future__ import annotations

import io
import random
import zipfile

MB = 1024 * 1024

CONTENT_TYPES_DOCX = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
RELS_DOCX = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)
CONTENT_TYPES_XLSX = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
RELS_XLSX = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="目录" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _stream_member(archive: zipfile.ZipFile, name: str, head: bytes, repeated: bytes, total: int, tail: bytes) -> None:
    """Write a member of about ``total`` bytes: head, ``repeated`` as often as fits, tail."""
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    with archive.open(info, "w", force_zip64=True) as member:
        member.write(head)
        block = repeated * max(1, (1 * MB) // len(repeated))
        written = len(head)
        while written + len(block) <= total:
            member.write(block)
            written += len(block)
        member.write(tail)


def _archive(buffer: io.BytesIO) -> zipfile.ZipFile:
    return zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9)


def docx_bomb(unpacked: int = 300 * MB) -> bytes:
    """A DOCX whose document.xml unpacks to ``unpacked`` bytes of table cells and paragraphs."""
    buffer = io.BytesIO()
    with _archive(buffer) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES_DOCX)
        archive.writestr("_rels/.rels", RELS_DOCX)
        cell = b"<w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc>"
        _stream_member(
            archive, "word/document.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body><w:tbl><w:tr>'.encode(),
            cell, unpacked, b"</w:tr></w:tbl></w:body></w:document>",
        )
    return buffer.getvalue()


def docx_many_cells(cells: int = 200_000) -> bytes:
    """A DOCX below every archive limit whose one table has ``cells`` cells (slow to walk cell by cell)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES_DOCX)
        archive.writestr("_rels/.rels", RELS_DOCX)
        numbers = random.Random(8)  # figures that do not repeat, so the packed file stays under the ratio limit
        body = b"".join(
            b"<w:tr>" + b"".join(b"<w:tc><w:p><w:r><w:t>%d</w:t></w:r></w:p></w:tc>" % numbers.getrandbits(40) for _ in range(20)) + b"</w:tr>"
            for _row in range(cells // 20)
        )
        archive.writestr(
            "word/document.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body><w:tbl>'.encode() + body + b"</w:tbl></w:body></w:document>",
        )
    return buffer.getvalue()


def _xlsx(sheet_writer) -> bytes:
    buffer = io.BytesIO()
    with _archive(buffer) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES_XLSX)
        archive.writestr("_rels/.rels", RELS_XLSX)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        sheet_writer(archive)
    return buffer.getvalue()


SHEET_HEAD = b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
SHEET_TAIL = b"</sheetData></worksheet>"


def xlsx_rows_bomb(rows: int = 3_000_000) -> bytes:
    """An XLSX of ``rows`` identical rows (row numbers left out, as the format allows): tiny packed."""
    row = b'<row><c t="inlineStr"><is><t>=HYPERLINK("http://x","y")</t></is></c><c><v>1</v></c></row>'
    return _xlsx(lambda archive: _stream_member(archive, "xl/worksheets/sheet1.xml", SHEET_HEAD, row, rows * len(row), SHEET_TAIL))


def xlsx_sparse_bomb(last_row: int = 3_000_000, header: tuple[str, ...] = ("title",)) -> bytes:
    """An XLSX of a few KB whose one sheet declares a row number in the millions: the rows between are
    empty, but a reader walking the sheet row by row meets every one of them."""
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    cells = "".join(f'<c r="{letters[i]}1" t="inlineStr"><is><t>{name}</t></is></c>' for i, name in enumerate(header))
    sheet = (
        SHEET_HEAD
        + f'<row r="1">{cells}</row>'.encode()
        + b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>x</t></is></c></row>' % (last_row, last_row)
        + SHEET_TAIL
    )
    return _xlsx(lambda archive: archive.writestr("xl/worksheets/sheet1.xml", sheet))


def zip_ratio_bomb(unpacked: int = 1024 * MB) -> bytes:
    """A plain ZIP of one member of zeros: about a thousand times smaller packed."""
    buffer = io.BytesIO()
    with _archive(buffer) as archive:
        _stream_member(archive, "zeros.bin", b"", b"\0" * 4096, unpacked, b"")
    return buffer.getvalue()


def zip_many_members(count: int = 20_000) -> bytes:
    """A ZIP of ``count`` empty parts (its directory alone is megabytes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES_DOCX)
        for number in range(count):
            archive.writestr(f"word/{number}.xml", b"")
    return buffer.getvalue()


def pdf_many_pages(pages: int = 200_000) -> bytes:
    """A valid PDF whose page tree holds ``pages`` pages (in nodes of 1,000), all the same small page object."""
    content = b"BT /F1 12 Tf 72 720 Td (page) Tj ET"
    nodes = max(1, -(-pages // 1000))
    first_node = 6
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % (first_node + n) for n in range(nodes)) + b"] /Count %d >>" % pages,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    for n in range(nodes):
        count = min(1000, pages - n * 1000)
        objects.append(b"<< /Type /Pages /Parent 2 0 R /Kids [" + b" ".join([b"4 0 R"] * count) + b"] /Count %d >>" % count)
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()
