"""Import of an existing catalogue: dry run, all or nothing, kept index numbers."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation

from gongkai.catalogue.importing import ImportFileError, parse_datetime, run_import
from gongkai.catalogue.models import IndexCounter, Item, ItemState, Validity
from gongkai.core.models import AuditEvent
from gongkai.factories import OrganFactory, member
from gongkai.organs.models import Role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("taxonomy")]

HEADER = "索引号,标题,发文字号,成文日期,发布日期,主题分类,信息类别,有效性,关键词,正文\n"


def csv_file(*rows: str, encoding="utf-8", header=HEADER) -> io.BytesIO:
    return io.BytesIO((header + "".join(r + "\n" for r in rows)).encode(encoding))


GOOD = "ORG1/2024-00007,关于开展工业企业安全检查的通知,某工信发〔2024〕7号,2024-03-01,2024-03-05,工业,通知公告,有效,安全检查,各企业：请做好检查。"
GOOD_NO_NUMBER = ",关于公布2024年技改项目的公告,,2024年4月1日,2024/4/2,工业、交通/工业,行政规范性文件,现行有效,,"


def test_it_imports_rows_as_published_items_keeping_index_numbers(organ, user):
    report = run_import(csv_file(GOOD), organ=organ, by=user, dry_run=False)
    assert report.ok and report.imported == 1
    item = Item.objects.get()
    assert item.state == ItemState.PUBLISHED
    assert item.index_number == "ORG1/2024-00007"
    assert (item.index_year, item.index_serial) == (2024, 7)
    assert item.document_number == "某工信发〔2024〕7号"
    assert item.date_formed == dt.date(2024, 3, 1)
    assert item.body == "<p>各企业：请做好检查。</p>"
    assert item.body_text == "各企业：请做好检查。"


def test_it_raises_the_index_counter_past_imported_serials(organ, user):
    run_import(csv_file(GOOD), organ=organ, by=user, dry_run=False)
    assert IndexCounter.objects.get(organ=organ, year=2024).last_serial == 7


def test_rows_without_index_number_get_the_next_numbers(organ, user):
    report = run_import(csv_file(GOOD, GOOD_NO_NUMBER), organ=organ, by=user, dry_run=False)
    assert report.numbered == 1
    item = Item.objects.get(title="关于公布2024年技改项目的公告")
    assert item.index_number == "ORG1/2024-00008"
    assert IndexCounter.objects.get(organ=organ, year=2024).last_serial == 8


def test_dry_run_imports_nothing(organ, user):
    report = run_import(csv_file(GOOD), organ=organ, by=user, dry_run=True)
    assert report.ok and report.rows == 1
    assert not Item.objects.exists()


def test_dry_run_reports_every_bad_row_with_its_number(organ, user):
    bad_date = GOOD.replace("2024-03-01", "2024-13-45").replace("00007", "00001")
    bad_topic = GOOD.replace(",工业,", ",没有这个主题,").replace("00007", "00002")
    report = run_import(csv_file(GOOD, bad_date, bad_topic), organ=organ, by=user, dry_run=True)
    assert [e.row for e in report.errors] == [3, 4]
    assert "成文日期" in report.errors[0].messages[0]
    assert "没有这个主题" in report.errors[1].messages[0]


def test_a_real_run_with_one_bad_row_imports_nothing(organ, user):
    bad = GOOD.replace("关于开展工业企业安全检查的通知", "").replace("00007", "00009")
    report = run_import(csv_file(GOOD, bad), organ=organ, by=user, dry_run=False)
    assert report.imported == 0 and report.bad_rows == 1
    assert not Item.objects.exists()
    assert not IndexCounter.objects.exists()


def test_reasons_are_translated(organ, user):
    bad = GOOD.replace("关于开展工业企业安全检查的通知", "")
    with translation.override("zh-hans"):
        report = run_import(csv_file(bad), organ=organ, by=user)
    assert report.errors[0].messages == ["标题：请填写标题。"]  # the column, then the catalogue's rule in its words


def test_an_index_number_already_in_the_catalogue_is_refused(organ, user):
    run_import(csv_file(GOOD), organ=organ, by=user, dry_run=False)
    report = run_import(csv_file(GOOD), organ=organ, by=user, dry_run=False)
    assert report.errors[0].row == 2
    assert "ORG1/2024-00007" in report.errors[0].messages[0]
    assert Item.objects.count() == 1


def test_an_index_number_twice_in_the_file_is_refused(organ, user):
    report = run_import(csv_file(GOOD, GOOD), organ=organ, by=user)
    assert [e.row for e in report.errors] == [3]


def test_two_spellings_of_one_serial_in_the_file_are_found_by_the_dry_run(organ, user):
    unpadded = GOOD.replace("ORG1/2024-00007", "ORG1/2024-7")
    report = run_import(csv_file(GOOD, unpadded), organ=organ, by=user)
    assert [e.row for e in report.errors] == [3]
    assert "第 2 行" in report.errors[0].messages[0] or "row 2" in report.errors[0].messages[0]


def test_two_spellings_of_one_serial_import_nothing_and_name_the_row(organ, user):
    unpadded = GOOD.replace("ORG1/2024-00007", "ORG1/2024-7")
    report = run_import(csv_file(GOOD, unpadded), organ=organ, by=user, dry_run=False)
    assert [e.row for e in report.errors] == [3]
    assert not Item.objects.exists()


def test_a_serial_already_taken_under_another_spelling_is_refused(organ, user):
    run_import(csv_file(GOOD), organ=organ, by=user, dry_run=False)
    report = run_import(csv_file(GOOD.replace("ORG1/2024-00007", "ORG1/2024-7")), organ=organ, by=user)
    assert [e.row for e in report.errors] == [2]
    assert "ORG1/2024-00007" in report.errors[0].messages[0]


def test_a_serial_too_large_for_the_database_is_refused_by_the_dry_run(organ, user):
    report = run_import(csv_file(GOOD.replace("ORG1/2024-00007", "ORG1/2024-99999999999")), organ=organ, by=user)
    assert [e.row for e in report.errors] == [2]
    report = run_import(csv_file(GOOD.replace("ORG1/2024-00007", "ORG1/2024-99999999999")), organ=organ, by=user, dry_run=False)
    assert not report.ok and not Item.objects.exists()


def test_repealed_rows_need_an_explanation(organ, user):
    repealed = GOOD.replace(",有效,", ",废止,")
    report = run_import(csv_file(repealed), organ=organ, by=user)
    assert report.errors and "废止说明" in report.errors[0].messages[0]


def test_repealed_rows_with_an_explanation_are_imported(organ, user):
    header = HEADER.rstrip("\n") + ",废止说明\n"
    repealed = GOOD.replace(",有效,", ",已废止,") + ",被新办法替代"
    report = run_import(csv_file(repealed, header=header), organ=organ, by=user, dry_run=False)
    assert report.ok
    item = Item.objects.get()
    assert (item.validity, item.validity_note) == (Validity.REPEALED, "被新办法替代")


def test_gb18030_csv_is_read(organ, user):
    report = run_import(csv_file(GOOD, encoding="gb18030"), organ=organ, by=user)
    assert report.ok and report.rows == 1


def test_utf8_with_bom_is_read(organ, user):
    report = run_import(csv_file(GOOD, encoding="utf-8-sig"), organ=organ, by=user)
    assert report.ok and report.columns["index_number"] == "索引号"


def test_headers_are_matched_flexibly(organ, user):
    header = "索引号 , 标题*,文号,成文时间,发布时间,主题,体裁,有效性,主题词,内容,备注\n"
    report = run_import(csv_file(GOOD + ",无", header=header), organ=organ, by=user)
    assert report.ok
    assert report.ignored_columns == ["备注"]


def test_a_missing_required_column_refuses_the_file(organ, user):
    with pytest.raises(ImportFileError, match="发布日期"):
        run_import(csv_file("x,y", header="标题,成文日期,主题分类,信息类别\n"), organ=organ, by=user)


def test_xlsx_is_read(organ, user):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([h for h in HEADER.strip().split(",")])
    sheet.append(["", "关于工业的通知", "", dt.datetime(2024, 5, 6), dt.datetime(2024, 5, 7, 9, 30), "工业", "通知公告", "有效", "", "正文"])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    report = run_import(data, organ=organ, by=user, name="目录.xlsx", dry_run=False)
    assert report.ok
    assert Item.objects.get().published_at.date() == dt.date(2024, 5, 7)


def test_html_bodies_are_cleaned(organ, user):
    row = GOOD.replace("各企业：请做好检查。", '"<p onclick=""x()"">正文</p><script>alert(1)</script>"')
    run_import(csv_file(row), organ=organ, by=user, dry_run=False)
    assert Item.objects.get().body == "<p>正文</p>"


def test_the_import_is_audited(organ, user):
    run_import(csv_file(GOOD, GOOD_NO_NUMBER), organ=organ, by=user, dry_run=False)
    event = AuditEvent.objects.get(action="catalogue.imported")
    assert event.data["rows"] == 2 and event.actor == user


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-05", dt.datetime(2024, 3, 5)),
        ("2024/3/5", dt.datetime(2024, 3, 5)),
        ("2024.3.5", dt.datetime(2024, 3, 5)),
        ("2024年3月5日", dt.datetime(2024, 3, 5)),
        ("20240305", dt.datetime(2024, 3, 5)),
        ("2024-03-05 10:20", dt.datetime(2024, 3, 5, 10, 20)),
        ("", None),
    ],
)
def test_dates_are_read_as_agencies_write_them(text, expected):
    assert parse_datetime(text) == expected


def test_command_imports_a_file(organ, user, tmp_path):
    path = tmp_path / "catalogue.csv"
    path.write_bytes(csv_file(GOOD).getvalue())
    out = io.StringIO()
    call_command("import_catalogue", str(path), organ="gxj", stdout=out)
    assert Item.objects.count() == 1


def test_command_dry_run_fails_on_bad_rows_and_imports_nothing(organ, user, tmp_path):
    path = tmp_path / "catalogue.csv"
    path.write_bytes(csv_file(GOOD.replace("2024-03-05", "明天")).getvalue())
    with pytest.raises(CommandError):
        call_command("import_catalogue", str(path), organ="gxj", dry_run=True, stdout=io.StringIO(), stderr=io.StringIO())
    assert not Item.objects.exists()


def test_command_refuses_an_unknown_organ(user, tmp_path):
    with pytest.raises(CommandError):
        call_command("import_catalogue", str(tmp_path / "x.csv"), organ="nope")


# --- The workspace page ---------------------------------------------------------------------


def upload(client, organ, data, name="目录.csv"):
    return client.post(
        reverse("workspace:catalogue_import:upload"), {"organ": organ.pk, "file": io.BytesIO(data) if False else _named(data, name)}
    )


def _named(data: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_the_page_shows_the_dry_run_and_imports_on_confirmation(client, organ):
    admin = member(organ, Role.WEB_ADMIN)
    client.force_login(admin)
    response = upload(client, organ, csv_file(GOOD).getvalue())
    assert response.status_code == 200
    assert not Item.objects.exists()
    token = response.context["token"]
    response = client.post(reverse("workspace:catalogue_import:confirm"), {"token": token})
    assert response.status_code == 302
    assert Item.objects.get().created_by == admin


def test_the_page_lists_bad_rows(client, organ):
    client.force_login(member(organ, Role.DISCLOSURE_OFFICE))
    response = upload(client, organ, csv_file(GOOD.replace("2024-03-05", "明天")).getvalue())
    assert response.status_code == 200
    assert response.context["report"].errors[0].row == 2
    assert "token" not in response.context or response.context["token"] is None


def test_the_page_offers_every_bad_row_as_a_csv(client, organ):
    import gongkai.catalogue.import_views as import_views

    client.force_login(member(organ, Role.DISCLOSURE_OFFICE))
    bad = GOOD.replace("2024-03-05", "明天").replace("ORG1/2024-00007", "")
    response = upload(client, organ, csv_file(*[bad] * (import_views.SHOWN_ERRORS + 3)).getvalue())
    assert len(response.context["shown_errors"]) == import_views.SHOWN_ERRORS
    token = response.context["errors_token"]
    download = client.get(reverse("workspace:catalogue_import:errors"), {"token": token})
    assert download.status_code == 200
    lines = b"".join(download.streaming_content).decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + import_views.SHOWN_ERRORS + 3
    assert lines[-1].startswith(f"{import_views.SHOWN_ERRORS + 4},")
    assert not Item.objects.exists()


def test_the_bad_row_list_is_refused_to_another_person(client, organ):
    client.force_login(member(organ, Role.DISCLOSURE_OFFICE))
    token = upload(client, organ, csv_file(GOOD.replace("2024-03-05", "明天")).getvalue()).context["errors_token"]
    client.force_login(member(organ, Role.WEB_ADMIN))
    assert client.get(reverse("workspace:catalogue_import:errors"), {"token": token}).status_code == 403


def test_the_bad_row_list_refuses_a_forged_token(client, organ):
    client.force_login(member(organ, Role.DISCLOSURE_OFFICE))
    assert client.get(reverse("workspace:catalogue_import:errors"), {"token": "forged"}).status_code == 400


def test_a_clerk_may_not_import(client, organ):
    client.force_login(member(organ, Role.CLERK))
    response = upload(client, organ, csv_file(GOOD).getvalue())
    assert response.status_code == 403
    assert not Item.objects.exists()


def test_a_web_admin_of_another_organ_may_not_confirm(client, organ):
    other = OrganFactory()
    client.force_login(member(organ, Role.WEB_ADMIN))
    token = upload(client, organ, csv_file(GOOD).getvalue()).context["token"]
    client.force_login(member(other, Role.WEB_ADMIN))
    response = client.post(reverse("workspace:catalogue_import:confirm"), {"token": token})
    assert response.status_code == 403
    assert not Item.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("workspace:catalogue_import:upload"))
    assert response.status_code == 302


def test_a_bad_last_row_rolls_back_batches_already_written(organ, user):
    rows = [GOOD.replace("ORG1/2024-00007", f"ORG1/2024-{n:05d}") for n in range(1, 6002)]
    rows.append(GOOD.replace("ORG1/2024-00007", "ORG1/2024-09999").replace("2024-03-05", "昨天"))
    report = run_import(csv_file(*rows), organ=organ, by=user, dry_run=False, index=False)
    assert [e.row for e in report.errors] == [6003]
    assert not Item.objects.exists()
    assert not IndexCounter.objects.exists()


def test_a_large_file_is_imported_completely(organ, user):
    rows = [GOOD.replace("ORG1/2024-00007", f"ORG1/2024-{n:05d}") for n in range(1, 6002)]
    report = run_import(csv_file(*rows, GOOD_NO_NUMBER), organ=organ, by=user, dry_run=False, index=False)
    assert report.imported == 6002
    assert Item.objects.get(title="关于公布2024年技改项目的公告").index_number == "ORG1/2024-06002"


# --- Hostile files -------------------------------------------------------------------------------

from gongkai.core.tests import bombs  # noqa: E402


def test_an_excel_file_of_millions_of_rows_is_refused_before_it_is_read(organ, user):
    with pytest.raises(ImportFileError) as error:
        run_import(io.BytesIO(bombs.xlsx_rows_bomb(100_000)), organ=organ, by=user, name="目录.xlsx")
    assert "目录.xlsx" in str(error.value)
    assert not Item.objects.exists()


def test_an_excel_sheet_declaring_millions_of_empty_rows_stops_at_the_row_limit(organ, user, settings):
    settings.IMPORT_MAX_ROWS = 1000
    with pytest.raises(ImportFileError) as error:
        run_import(io.BytesIO(bombs.xlsx_sparse_bomb(3_000_000, tuple(HEADER.strip().split(",")))), organ=organ, by=user, name="目录.xlsx", dry_run=False)
    assert "1000" in str(error.value)
    assert not Item.objects.exists()


def test_the_command_may_lift_the_row_limit_for_large_sheets(organ, user, settings):
    settings.IMPORT_MAX_ROWS = 100
    book = openpyxl.Workbook()
    book.active.append(HEADER.strip().split(","))
    for serial in range(1, 151):
        book.active.append(GOOD.replace("ORG1/2024-00007", f"ORG1/2024-{serial:05d}").split(","))
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    with pytest.raises(ImportFileError):
        run_import(data, organ=organ, by=user, name="目录.xlsx")
    data.seek(0)
    assert run_import(data, organ=organ, by=user, name="目录.xlsx", max_rows=0).rows == 150


def test_the_upload_page_refuses_a_bomb_naming_the_file_field(client, organ):
    client.force_login(member(organ, Role.DISCLOSURE_OFFICE))
    response = upload(client, organ, bombs.docx_bomb(8 * bombs.MB))
    assert response.status_code == 200 and "file" in response.context["form"].errors


def test_the_upload_page_refuses_a_file_over_the_import_limit(client, organ, settings):
    settings.UPLOAD_LIMITS = {**settings.UPLOAD_LIMITS, "catalogue_import": 2048}
    client.force_login(member(organ, Role.DISCLOSURE_OFFICE))
    response = upload(client, organ, csv_file(*[GOOD] * 40).getvalue())
    assert "file" in response.context["form"].errors


def test_the_bad_row_list_writes_no_cell_a_spreadsheet_would_run(client, organ, monkeypatch):
    from gongkai.catalogue.importing import rows

    monkeypatch.setattr(rows._Validator, "validate", lambda self, number, row: (None, ['=HYPERLINK("http://x","y")']))
    client.force_login(member(organ, Role.DISCLOSURE_OFFICE))
    token = upload(client, organ, csv_file(GOOD).getvalue()).context["errors_token"]
    download = client.get(reverse("workspace:catalogue_import:errors"), {"token": token})
    lines = b"".join(download.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[1] == '2,"\'=HYPERLINK(""http://x"",""y"")"'
