"""Reading a published report (the HTML of a government page, or a DOCX)
that follows the 2021 format into the same structure, then checking it.

Real reports differ in layout: one big table or three (or table 二 split in
four), merged header cells or repeated labels, full-width digits, thousands
separators, blank cells written as 空白/—//. The reader therefore works on
*rows*, not on table positions: every table is expanded into a grid (merged
cells placed once per row), and each row is recognised by its label
(规章, 本年新收…, 4.保护第三方合法权益, …). A row that cannot be recognised or
whose figures cannot be read is reported by name; its cells stay blank."""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.core.audit import log_action
from gongkai.core.errors import DomainError
from gongkai.core.uploads import REPORT_IMPORT, ArchiveLimits, check_archive, max_bytes_for
from gongkai.reports import checks, structure
from gongkai.reports.models import AnnualReport, ReportOrigin, ReportScope, ReportStatus

if TYPE_CHECKING:
    from gongkai.accounts.models import User
    from gongkai.organs.models import Organ

W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
BLANK_TOKENS = {"", "-", "—", "–", "/", "／", "——", "空白", "\\"}

T2_LABELS = {"规章": "rule", "行政规范性文件": "normative", "规范性文件": "normative", "行政许可": "licensing",
             "行政处罚": "penalty", "行政强制": "enforcement", "行政事业性收费": "fees"}

# A distinctive fragment of each table 三 row label, tried in this order.
T3_PATTERNS = [
    ("received", r"本年新收"),
    ("carried_over", r"上年结转"),
    ("carried_forward", r"结转下年度"),
    ("partial", r"部分公开"),
    ("withheld_state_secret", r"国家秘密"),
    ("withheld_other_law", r"法律行政法规禁止公开"),
    ("withheld_security", r"三安全一稳定"),
    ("withheld_third_party", r"第三方合法权益"),
    ("withheld_internal", r"内部事务"),
    ("withheld_process", r"过程性信息"),
    ("withheld_enforcement", r"行政执法案卷"),
    ("withheld_query", r"行政查询"),
    ("unavailable_not_held", r"不掌握"),
    ("unavailable_needs_creation", r"另行制作"),
    ("unavailable_unclear", r"仍不明确"),
    ("not_processed_petition", r"信访"),
    ("not_processed_repeat", r"重复申请"),
    ("not_processed_publication", r"公开出版物"),
    ("not_processed_excessive", r"大量反复"),
    ("not_processed_confirmation", r"确认或重新出具"),
    ("other_no_correction", r"不补正"),
    ("other_unpaid_fee", r"缴纳费用"),
    ("other", r"3[.．、]?其他$"),
    ("outcome_total", r"（七）总计$|\(七\)总计$|^总计$"),
    ("disclosed", r"予以公开$"),
]

SECTION_PATTERNS = [
    ("overview", r"^[一1][、.．]\s*总体情况"),
    ("proactive", r"^[二2][、.．]\s*主动公开"),
    ("applications", r"^[三3][、.．]\s*收到和处理"),
    ("appeals", r"^[四4][、.．]\s*政府信息公开行政复议"),
    ("problems", r"^[五5][、.．]\s*存在的主要问题"),
    ("other", r"^[六6][、.．]\s*其他需要报告"),
]


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    text = text.replace("（", "(").replace("）", ")")
    return re.sub(r"\s+", "", text)


def _label(text: str) -> str:
    # NFKC turns full-width brackets into ASCII; patterns use the full-width form for （七）.
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).replace("(", "（").replace(")", "）")


def parse_number(text: str, *, amount: bool = False) -> int | Decimal | None:
    """'1,234' -> 1234; '１２' -> 12; '' / '—' / '/' -> None (blank); anything else raises ValueError."""
    token = normalise(text).replace(",", "").replace("件", "").replace("万元", "")
    if token in BLANK_TOKENS:
        return None
    try:
        value = Decimal(token)
    except InvalidOperation:
        raise ValueError(token)
    if value < 0 or not value.is_finite():
        raise ValueError(token)
    if amount:
        return value
    if value != value.to_integral_value():
        raise ValueError(token)
    return int(value)


def is_number_or_blank(text: str) -> bool:
    try:
        parse_number(text, amount=True)
        return True
    except ValueError:
        return False


@dataclass
class Parsed:
    title: str = ""
    cells: dict = field(default_factory=dict)
    texts: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    rows_read: int = 0


# --- reading documents into blocks ------------------------------------------------------
# A block is ("p", text) or ("table", rows), rows being lists of (cell_id, text).


MAX_SPAN = 100  # rowspan/colspan beyond this are read as this


def _grid(rows_of_cells: list[list[tuple[str, int, int]]]) -> list[list[tuple[int, str]]]:
    """rows_of_cells: [[(text, colspan, rowspan)]] -> rows of (cell id, text), merged cells placed in every slot."""
    occupied: dict[tuple[int, int], tuple[int, str]] = {}
    by_row: dict[int, list[int]] = {}
    result: list[list[tuple[int, str]]] = []
    cell_id = 0
    # Spans are capped and the slots counted: a page declaring rowspan="100000" must not fill memory.
    limit = 10 * settings.REPORT_MAX_TABLE_CELLS
    for r, row in enumerate(rows_of_cells):
        c = 0
        for text, colspan, rowspan in row:
            while (r, c) in occupied:
                c += 1
            cell_id += 1
            for dr in range(min(max(rowspan, 1), MAX_SPAN)):
                for dc in range(min(max(colspan, 1), MAX_SPAN)):
                    occupied[(r + dr, c + dc)] = (cell_id, text)
                    by_row.setdefault(r + dr, []).append(c + dc)
            if len(occupied) > limit:
                raise DomainError(
                    _("The page's tables have more than %(limit)d cells; an annual report has far fewer.") % {"limit": limit},
                    field="file",
                )
            c += min(max(colspan, 1), MAX_SPAN)
    height = max([r for r, _c in occupied] + [len(rows_of_cells) - 1]) + 1 if occupied else 0
    for r in range(height):
        result.append([occupied[(r, c)] for c in sorted(set(by_row.get(r, ())))])
    return result


def _int_attr(element: Any, name: str) -> int:
    try:
        return max(int(element.get(name, "1")), 1)
    except ValueError:
        return 1


BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "pre", "blockquote", "caption"}


def html_blocks(content: bytes | str) -> list[tuple[str, object]]:
    import lxml.html

    if isinstance(content, bytes):
        text = None
        for encoding in ("utf-8", "gb18030"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        content = text if text is not None else content.decode("utf-8", "replace")
    content = re.sub(r"^\s*<\?xml[^>]*>", "", content)
    if not content.strip():
        return []
    try:
        root = lxml.html.document_fromstring(content)
    except Exception:
        return []
    for bad in root.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    blocks: list[tuple[str, object]] = []

    def walk(element: Any) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "table":
            rows = []
            for tr in element.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr"):
                rows.append([(c.text_content(), _int_attr(c, "colspan"), _int_attr(c, "rowspan")) for c in tr.xpath("./td|./th")])
            blocks.append(("table", _grid(rows)))
            return
        if tag in BLOCK_TAGS:
            for line in re.split(r"\n", "\n".join(_text_with_breaks(element))):
                if line.strip():
                    blocks.append(("p", line.strip()))
            return
        if tag == "br":
            return
        if element.text and element.text.strip() and tag not in ("html", "body", "head", "title"):
            blocks.append(("p", element.text.strip()))
        for child in element:
            walk(child)
            if child.tail and child.tail.strip():
                blocks.append(("p", child.tail.strip()))

    title = root.xpath("//title")
    body = root.body if root.find("body") is not None else root
    walk(body)
    if title and not any(kind == "p" and "年度报告" in str(value) for kind, value in blocks[:5]):
        blocks.insert(0, ("p", title[0].text_content().strip()))
    return blocks


def _text_with_breaks(element: Any) -> list[str]:
    for br in element.iter("br"):
        br.tail = "\n" + (br.tail or "")
    return [element.text_content()]


def _require_reasonable_shape(content: bytes) -> None:
    """Count table cells and paragraphs in a stream over word/document.xml before python-docx builds
    the whole tree (and walks cells slowly): a report has a few hundred of each, so the count stops
    at the limit, after reading only that much of the file."""
    import zipfile

    from lxml import etree

    cell_tag, paragraph_tag = W_NS + "tc", W_NS + "p"
    cells = paragraphs = 0
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive, archive.open("word/document.xml") as part:
            for _event, element in etree.iterparse(part, events=("end",), tag=(cell_tag, paragraph_tag), resolve_entities=False, no_network=True):
                if element.tag == cell_tag:
                    cells += 1
                else:
                    paragraphs += 1
                    element.clear(keep_tail=True)
                if cells > settings.REPORT_MAX_TABLE_CELLS or paragraphs > settings.REPORT_MAX_PARAGRAPHS:
                    raise DomainError(
                        _("The DOCX document has more than %(max_cells)d table cells or %(max_paragraphs)d paragraphs; "
                          "an annual report has far fewer.")
                        % {"max_cells": settings.REPORT_MAX_TABLE_CELLS, "max_paragraphs": settings.REPORT_MAX_PARAGRAPHS},
                        field="file",
                    )
    except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError):
        return  # python-docx reports a damaged document below


def docx_blocks(content: bytes) -> list[tuple[str, object]]:
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    _require_reasonable_shape(content)
    try:
        document = Document(io.BytesIO(content))
    except Exception:
        raise DomainError(_("The file could not be opened as a DOCX document."), field="file")
    blocks: list[tuple[str, object]] = []
    for child in document.element.body.iterchildren():
        if child.tag.endswith("}p"):
            text = Paragraph(child, document).text.strip()
            if text:
                blocks.append(("p", text))
        elif child.tag.endswith("}tbl"):
            table = Table(child, document)
            rows = []
            for row in table.rows:
                rows.append([(id(cell._tc), cell.text) for cell in row.cells])
            blocks.append(("table", rows))
    return blocks


# --- recognising the report -----------------------------------------------------------------


def _dedupe(row: Iterable[tuple[int, str]]) -> list[str]:
    out, last = [], None
    for cell_id, text in row:
        if cell_id != last:
            out.append(text)
        last = cell_id
    return out


def parse_blocks(blocks: list[tuple[str, Any]]) -> Parsed:
    parsed = Parsed()
    paragraphs = [str(v) for kind, v in blocks if kind == "p"]
    rows = [_dedupe(row) for kind, v in blocks if kind == "table" for row in v]
    titles = [t for t in paragraphs[:8] if re.search(r"\d{4}\s*年.*年度报告", t)] or [t for t in paragraphs[:8] if "年度报告" in t]
    parsed.title = titles[0].strip() if titles else ""
    _read_table2(rows, parsed)
    _read_table3(rows, parsed)
    _read_table4(rows, parsed)
    _read_texts(blocks, parsed)
    return parsed


# Lines of the page around the report (site footer, toolbars) end the last section.
PAGE_CHROME = re.compile(r"^(主办|承办|协办|网站标识码|版权所有|Copyright|ICP|京ICP|联系我们|【?打印|【?关闭|分享到|【字体|扫一扫)")


def _read_texts(blocks: list[tuple[str, Any]], parsed: Parsed) -> None:
    current = None
    texts: dict[str, list[str]] = {}
    for kind, value in blocks:
        if kind != "p":
            continue
        text = normalise(str(value))
        matched = next((code for code, pattern in SECTION_PATTERNS if re.match(pattern, text)), None)
        if matched:
            current = matched
            texts.setdefault(current, [])
            continue
        if PAGE_CHROME.match(text):
            current = None
            continue
        if current in structure.TEXT_SECTIONS:
            texts[current].append(str(value).strip())
    for code, heading in structure.SECTIONS:
        if code in structure.TEXT_SECTIONS:
            if code not in texts:
                parsed.problems.append(_("Section %(heading)s was not found.") % {"heading": heading})
            parsed.texts[code] = "\n".join(texts.get(code, []))


def _values_after_label(row: list[str]) -> tuple[str, list[str]]:
    """Split a row into its label (leading non-figure cells) and figure cells."""
    i = 0
    while i < len(row) and not is_number_or_blank(row[i]):
        i += 1
    return "".join(row[:i]), row[i:]


def _read_table2(rows: list[list[str]], parsed: Parsed) -> None:
    found = set()
    for row in rows:
        if not row:
            continue
        label, values = _values_after_label(row)
        code = T2_LABELS.get(normalise(label))
        if code is None or code in found:
            continue
        definition = structure.T2_BY_CODE[code]
        if len(values) != len(definition.columns):
            parsed.problems.append(
                _("Table 二, row %(row)s: expected %(expected)s figures, found %(found)s.")
                % {"row": definition.label, "expected": len(definition.columns), "found": len(values)}
            )
            found.add(code)
            continue
        try:
            numbers = [parse_number(v, amount=(code == "fees")) for v in values]
        except ValueError as error:
            parsed.problems.append(_("Table 二, row %(row)s: %(value)s is not a figure.") % {"row": definition.label, "value": error})
            found.add(code)
            continue
        for column, number in zip(definition.columns, numbers, strict=True):
            key = structure.t2_key(code, column)
            parsed.cells[key] = structure.to_json(key, number)
        found.add(code)
        parsed.rows_read += 1
    for r in structure.T2_ROWS:
        if r.code not in found:
            parsed.problems.append(_("Table 二, row %(row)s was not found.") % {"row": r.label})


def _t3_row_code(label: str) -> str | None:
    text = _label(label)
    for code, pattern in T3_PATTERNS:
        if re.search(pattern, text):
            return code
    return None


def _read_table3(rows: list[list[str]], parsed: Parsed) -> None:
    found: set[str] = set()
    width = len(structure.T3_COLUMNS)
    for row in rows:
        if len(row) < width + 1:
            continue
        label_cells, values = row[:-width], row[-width:]
        if not all(is_number_or_blank(v) for v in values) or any(is_number_or_blank(c) and c.strip() for c in label_cells):
            continue
        if not any(v.strip() for v in values) and not any(normalise(c) for c in label_cells):
            continue
        # The most specific label cell is the last one; group labels repeat from merged cells.
        code = _t3_row_code(label_cells[-1]) or _t3_row_code("".join(label_cells))
        if code is None or code in found:
            continue
        for column, raw in zip(structure.T3_COLUMNS, values, strict=True):
            key = structure.t3_key(code, column)
            parsed.cells[key] = parse_number(raw)
        found.add(code)
        parsed.rows_read += 1
    for code in structure.T3_ROWS:
        if code not in found:
            parsed.problems.append(_("Table 三, row %(row)s was not found.") % {"row": structure.T3_ROW_LABELS[code]})


def _read_table4(rows: list[list[str]], parsed: Parsed) -> None:
    width = len(structure.T4_KINDS) * len(structure.T4_COLUMNS)
    seen_header = False
    for row in rows:
        joined = normalise("".join(row))
        if "行政复议" in joined and "行政诉讼" in joined:
            seen_header = True
            continue
        if not seen_header:
            continue
        if len(row) == width and all(is_number_or_blank(v) for v in row):
            numbers = [parse_number(v) for v in row]
            i = 0
            for kind in structure.T4_KINDS:
                for column in structure.T4_COLUMNS:
                    parsed.cells[structure.t4_key(kind, column)] = numbers[i]
                    i += 1
            parsed.rows_read += 1
            return
    parsed.problems.append(_("Table 四: the row of 15 figures under 行政复议 and 行政诉讼 was not found."))


# --- import service --------------------------------------------------------------------------


def _require_reasonable_size(content: bytes, is_docx: bool, filename: str = "") -> None:
    """A published report is a few hundred KB: refuse a file over REPORT_IMPORT's limit, and a DOCX
    whose ZIP directory declares more than REPORT_MAX_UNPACKED_BYTES or an archive-bomb ratio,
    before anything in it is unpacked."""
    limit = max_bytes_for(REPORT_IMPORT)
    if len(content) > limit:
        raise DomainError(
            _("The file is larger than %(size)s; a published report is much smaller.") % {"size": filesizeformat(limit)}, field="file"
        )
    if not is_docx:
        return
    limits = ArchiveLimits.from_settings(
        unpacked_bytes=settings.REPORT_MAX_UNPACKED_BYTES,
        member_bytes=min(settings.REPORT_MAX_UNPACKED_BYTES, settings.ARCHIVE_MAX_MEMBER_BYTES),
    )
    check_archive(io.BytesIO(content), name=filename or _("The DOCX document"), field="file", limits=limits)


def read(content: bytes, filename: str = "") -> tuple[str, Parsed]:
    """Read a published report (DOCX or HTML). Pure: nothing is stored."""
    is_docx = content[:2] == b"PK"
    _require_reasonable_size(content, is_docx, filename)
    if is_docx:
        blocks, kind = docx_blocks(content), "docx"
    else:
        blocks, kind = html_blocks(content), "html"
    if not blocks:
        raise DomainError(_("The file is neither a DOCX document nor an HTML page with any content."), field="file")
    parsed = parse_blocks(blocks)
    if parsed.rows_read == 0:
        raise DomainError(
            _("This is not a report in the 2021 format: none of tables 二, 三 or 四 could be read. %(problems)s")
            % {"problems": " ".join(parsed.problems[:3])},
            field="file",
        )
    return kind, parsed


def import_report(organ: Organ, year: int, *, by: User, content: bytes, filename: str = "", source: str = "") -> AnnualReport:
    """Import a published report as an imported copy for (organ, year), then run the checks.
    Only those who may prepare the organ's report may import one for it (reading
    an organ, as its supervising office does, is not enough)."""
    from gongkai.reports.workflow import blank, check

    check(blank(organ, origin=ReportOrigin.IMPORTED), by, "import")
    kind, parsed = read(content, filename)
    cells = {key: parsed.cells.get(key) for key in structure.ALL_KEYS}
    with transaction.atomic():
        report = AnnualReport.objects.create(
            organ=organ,
            year=year,
            scope=ReportScope.ORGAN,
            origin=ReportOrigin.IMPORTED,
            status=ReportStatus.DRAFT,
            title=parsed.title[:200],
            cells=cells,
            overview=parsed.texts.get("overview", ""),
            problems=parsed.texts.get("problems", ""),
            other_matters=parsed.texts.get("other", ""),
            imported_from=(source or filename)[:500],
            imported_format=kind,
            import_notes=parsed.problems,
            imported_by=by,
            imported_at=timezone.now(),
        )
        report.findings = checks.run(report)
        report.checked_at = timezone.now()
        report.status = ReportStatus.CHECKED if not report.failing else ReportStatus.DRAFT
        report.save()
        log_action(
            report, "reports.imported", by=by, data={"from": report.imported_from, "format": kind, "unread": parsed.problems}
        )
    return report
