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
