import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gongkai.core.errors import DomainError
from gongkai.core.uploads import check_upload, extract_text


def docx_bytes(text="政府信息公开"):
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes():
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["索引号", "标题"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def ofd_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("OFD.xml", "<ofd:OFD xmlns:ofd='http://www.ofdspec.org/2016'/>")
        archive.writestr(
            "Doc_0/Pages/Page_0/Content.xml",
            "<ofd:Page xmlns:ofd='http://www.ofdspec.org/2016'><ofd:TextCode>版式文件</ofd:TextCode></ofd:Page>",
        )
    return buffer.getvalue()


def upload(name, data):
    return SimpleUploadedFile(name, data)


@pytest.mark.parametrize(
    "name,data,kind",
    [
        ("a.pdf", b"%PDF-1.4\n%%EOF", "pdf"),
        ("a.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20, "png"),
        ("a.jpg", b"\xff\xd8\xff\xe0" + b"0" * 20, "jpeg"),
        ("a.docx", None, "docx"),
        ("a.xlsx", None, "xlsx"),
        ("a.ofd", None, "ofd"),
    ],
)
def test_it_recognises_accepted_kinds_by_content(name, data, kind):
    data = data or {"docx": docx_bytes, "xlsx": xlsx_bytes, "ofd": ofd_bytes}[kind]()
    assert check_upload(upload(name, data)).code == kind


def test_it_refuses_an_executable_named_pdf():
    with pytest.raises(DomainError) as error:
        check_upload(upload("通知.pdf", b"MZ\x90\x00" + b"\x00" * 100))
    assert error.value.code == "bad_type"
    assert error.value.field == "attachments"


def test_it_refuses_a_word_file_named_pdf():
    with pytest.raises(DomainError) as error:
        check_upload(upload("通知.pdf", docx_bytes()))
    assert error.value.code == "mislabelled"


def test_it_refuses_an_oversized_file(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    with pytest.raises(DomainError) as error:
        check_upload(upload("a.pdf", b"%PDF-1.4" + b"0" * 2000))
    assert error.value.code == "too_large"


def test_it_refuses_an_empty_file():
    with pytest.raises(DomainError) as error:
        check_upload(upload("a.pdf", b""))
    assert error.value.code == "empty"


def test_it_honours_the_allowed_kinds():
    with pytest.raises(DomainError):
        check_upload(upload("a.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20), allowed=("pdf",))


def test_text_is_extracted_from_word_excel_and_ofd():
    assert "政府信息公开" in extract_text(docx_bytes(), "docx")
    assert "索引号" in extract_text(xlsx_bytes(), "xlsx")
    assert "版式文件" in extract_text(ofd_bytes(), "ofd")


def test_a_damaged_document_yields_no_text_rather_than_an_error():
    assert extract_text(b"%PDF-garbage", "pdf") == ""


# --- Archive bombs and bounded reading ---------------------------------------------------------

from gongkai.core.tests import bombs  # noqa: E402
from gongkai.core.uploads import ArchiveLimits, check_archive, max_bytes_for, read_text  # noqa: E402


def test_a_docx_that_unpacks_hugely_is_refused_before_it_is_opened():
    with pytest.raises(DomainError) as error:
        check_upload(upload("年报.docx", bombs.docx_bomb(8 * bombs.MB)))
    assert error.value.code == "archive_ratio"
    assert error.value.field == "attachments"
    assert "年报.docx" in str(error.value.message)


def test_an_xlsx_of_millions_of_identical_rows_is_refused_by_its_ratio():
    with pytest.raises(DomainError) as error:
        check_upload(upload("目录.xlsx", bombs.xlsx_rows_bomb(100_000)))
    assert error.value.code == "archive_ratio"


def test_a_zip_of_extreme_ratio_is_refused(settings):
    with pytest.raises(DomainError) as error:
        check_upload(upload("a.docx", bombs.zip_ratio_bomb(20 * bombs.MB)))
    assert error.value.code == "archive_ratio"


def test_a_zip_of_too_many_parts_is_refused_from_its_end_record(settings):
    settings.ARCHIVE_MAX_MEMBERS = 100
    with pytest.raises(DomainError) as error:
        check_upload(upload("a.docx", bombs.zip_many_members(300)))
    assert error.value.code == "archive_members"


def test_unpacked_size_and_part_size_have_limits_of_their_own():
    data = io.BytesIO(bombs.docx_bomb(3 * bombs.MB))
    generous_ratio = {"ratio": 10_000, "members": 100}
    with pytest.raises(DomainError) as error:
        check_archive(data, name="x", limits=ArchiveLimits(unpacked_bytes=2 * bombs.MB, member_bytes=10 * bombs.MB, **generous_ratio))
    assert error.value.code == "archive_size"
    with pytest.raises(DomainError) as error:
        check_archive(data, name="x", limits=ArchiveLimits(unpacked_bytes=10 * bombs.MB, member_bytes=2 * bombs.MB, **generous_ratio))
    assert error.value.code == "archive_member_size"


def test_a_damaged_zip_is_refused_naming_the_field():
    with pytest.raises(DomainError) as error:
        check_upload(upload("a.docx", b"PK\x03\x04" + b"\x00" * 100), field="file")
    assert error.value.code == "bad_archive" and error.value.field == "file"


def test_each_purpose_has_its_size_limit_under_the_ceiling(settings):
    settings.UPLOAD_LIMITS = {**settings.UPLOAD_LIMITS, "application_attachment": 2048}
    assert max_bytes_for("application_attachment") == 2048
    with pytest.raises(DomainError) as error:
        check_upload(upload("a.pdf", b"%PDF-1.4" + b"0" * 3000), purpose="application_attachment")
    assert error.value.code == "too_large"
    check_upload(upload("a.pdf", b"%PDF-1.4" + b"0" * 3000), purpose="catalogue_attachment")
    settings.UPLOAD_MAX_BYTES = 1024
    assert max_bytes_for("catalogue_attachment") == 1024


def test_a_pdf_of_very_many_pages_is_read_only_up_to_the_page_limit(settings):
    settings.EXTRACT_MAX_PDF_PAGES = 5
    result = read_text(bombs.pdf_many_pages(5000), "pdf")
    assert not result.complete or result.text.count("page") == 5
    assert result.text.count("page") == 5


def test_text_is_cut_at_the_character_limit(settings):
    settings.EXTRACT_MAX_CHARS = 1000
    result = read_text(docx_bytes("政" * 5000), "docx")
    assert len(result.text) == 1000 and not result.complete


def test_a_spreadsheet_is_read_only_up_to_the_row_limit_gaps_included(settings):
    settings.EXTRACT_MAX_ROWS = 1000
    result = read_text(bombs.xlsx_sparse_bomb(3_000_000), "xlsx")
    assert result.text.startswith("title") and "x" not in result.text


def test_a_reader_over_its_memory_cap_stops_without_harming_the_caller(settings):
    settings.EXTRACT_MAX_MEMORY_BYTES = 128 * 1024 * 1024
    settings.ARCHIVE_MAX_RATIO = 100_000  # let the bomb through to the reader itself
    settings.EXTRACT_MAX_CHARS = 10**9
    result = read_text(bombs.docx_bomb(90 * bombs.MB), "docx")
    assert result.problem == "memory" and result.text == ""


def test_an_archive_bomb_yields_no_text_and_says_why():
    result = read_text(bombs.docx_bomb(8 * bombs.MB), "docx")
    assert result.text == "" and result.problem == "archive"
