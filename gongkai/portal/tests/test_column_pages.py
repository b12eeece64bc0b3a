"""The standard sections of the disclosure column (政府信息公开专栏): disclosure rules, statutory content by the
kinds of Art. 20, disclosure on application with its flow chart and paper form, organisation and leadership pages,
the portal home's latest items and entry points, and the item page's reading tools — each rendered with real data,
and refreshed in the page cache when the organ edits its pages."""

from __future__ import annotations

import io
import re

import docx
import pytest
from pypdf import PdfReader

from gongkai.catalogue.models import Category, Item, StatutoryGroup
from gongkai.catalogue.signals import item_public_changed
from gongkai.catalogue.tests.factories import ItemFactory
from gongkai.factories import DepartmentFactory, GovernmentFactory, OrganFactory, member
from gongkai.organs import column
from gongkai.organs.models import ColumnTextKind, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def bureau():
    government = GovernmentFactory(name="某市人民政府", slug="city")
    return OrganFactory(
        parent=government, name="某市生态环境局", slug="eco", office_name="某市生态环境局办公室",
        functions="负责全市生态环境保护工作。", head_name="张三",
    )


@pytest.fixture
def office(bureau):
    return member(bureau, Role.DISCLOSURE_OFFICE)


def seeded(code: str) -> Category:
    return Category.objects.get(code=code)


def test_the_seeded_categories_are_filed_under_article_20():
    assert seeded("GFXWJ").statutory_group == StatutoryGroup.RULES
    assert seeded("CZYJS").statutory_group == StatutoryGroup.BUDGETS
    assert seeded("XZCF").statutory_group == StatutoryGroup.ENFORCEMENT
    assert seeded("GZDT").statutory_group == ""


def test_statutory_page_groups_published_items_by_article_20(client, bureau):
    ItemFactory(organ=bureau, category=seeded("GFXWJ"), title="关于加强水源保护的规范性文件")
    ItemFactory(organ=bureau, category=seeded("CZYJS"), title="2026年部门预算公开")
    ItemFactory(organ=bureau, category=seeded("GZDT"), title="局领导调研工作动态")
    html = client.get("/eco/statutory/").content.decode()
    rules, budgets = html.index('id="g-rules"'), html.index('id="g-budgets"')
    assert "规章和行政规范性文件" in html and "财政预算和决算" in html
    assert rules < html.index("关于加强水源保护的规范性文件") < budgets < html.index("2026年部门预算公开")
    assert "（一）" in html and "（七）" in html
    assert "局领导调研工作动态" not in html
    assert 'href="/eco/organisation/"' in html and 'href="/eco/leaders/"' in html


def test_a_category_filed_in_the_admin_appears_under_its_group(client, bureau):
    fees = Category.objects.create(name="收费项目", code="SFXM", statutory_group=StatutoryGroup.FEES)
    ItemFactory(organ=bureau, category=fees, title="行政事业性收费目录清单")
    html = client.get("/eco/statutory/").content.decode()
    assert html.index('id="g-fees"') < html.index("行政事业性收费目录清单")


def test_rules_page_shows_the_newest_text_cleaned(client, bureau, office):
    column.save_text(organ=bureau, kind=ColumnTextKind.RULES, body="<p>第一版制度</p>", by=office)
    column.save_text(organ=bureau, kind=ColumnTextKind.RULES, by=office,
                     body='<p>政府信息公开保密审查制度</p><script>alert(1)</script><p onclick="x()">发布协调</p>')
    html = client.get("/eco/rules/").content.decode()
    assert "政府信息公开保密审查制度" in html and "发布协调" in html
    assert "第一版制度" not in html and "alert(1)" not in html and "onclick" not in html


def test_rules_page_says_when_nothing_is_written(client, bureau):
    assert "尚未在此公布" in client.get("/eco/rules/").content.decode()


def test_organisation_page_shows_functions_contacts_and_internal_bodies(client, bureau):
    DepartmentFactory(organ=bureau, name="水生态环境科", duties="负责水环境质量监督管理。")
    DepartmentFactory(organ=bureau, name="已撤销的科室", is_active=False)
    html = client.get("/eco/organisation/").content.decode()
    for text in ["负责全市生态环境保护工作。", "某市生态环境局办公室", bureau.address, bureau.phone, bureau.office_hours,
                 "水生态环境科", "负责水环境质量监督管理。", "张三"]:
        assert text in html, text
    assert "已撤销的科室" not in html


def test_leaders_page_shows_the_leaders_in_order_and_not_those_taken_off(client, bureau, office):
    column.add_leader(organ=bureau, values={"name": "李四", "post": "副局长", "duties": "分管水生态环境", "sort": 2}, by=office)
    column.add_leader(organ=bureau, values={"name": "王五", "post": "局长", "duties": "主持全面工作", "sort": 1}, by=office)
    gone = column.add_leader(organ=bureau, values={"name": "赵六", "post": "原副局长", "sort": 3}, by=office)
    column.remove_leader(leader=gone, by=office, reason="职务调整")
    html = client.get("/eco/leaders/").content.decode()
    assert html.index("王五") < html.index("李四")
    assert "主持全面工作" in html and "分管水生态环境" in html and "赵六" not in html


def test_on_application_page_has_the_flow_chart_downloads_form_and_lookup(client, bureau):
    html = client.get("/eco/on-application/").content.decode()
    assert '<ol class="flow">' in html
    assert html.count('<li><strong>') == 6
    for link in ["/apply/eco/", "/apply/case/", "/eco/on-application/form.docx", "/eco/on-application/form.pdf"]:
        assert f'href="{link}"' in html, link
    assert "20个工作日" in html


def test_the_paper_form_in_word_asks_what_the_online_form_asks(client, bureau):
    response = client.get("/eco/on-application/form.docx")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    assert "政府信息公开申请表" in text and "某市生态环境局" in text
    for label in ["申请人类型", "所需政府信息的内容描述", "□ 电子邮件"]:
        assert label in text, label


def test_the_paper_form_as_pdf_is_a_pdf_with_the_font_embedded(client, bureau):
    response = client.get("/eco/on-application/form.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert "政府信息公开申请表" in "".join(page.extract_text() for page in reader.pages)
    fonts = reader.pages[0]["/Resources"]["/Font"].values()
    descriptors = [d.get_object()["/FontDescriptor"] for f in fonts for d in f.get_object()["/DescendantFonts"]]
    assert any("/FontFile2" in d or "/FontFile3" in d or "/FontFile" in d for d in descriptors)


def test_an_unknown_paper_form_format_is_not_found(client, bureau):
    assert client.get("/eco/on-application/form.exe").status_code == 404
    assert client.get("/nobody/on-application/form.pdf").status_code == 404


def test_column_home_links_every_standard_section(client, bureau):
    html = client.get("/eco/").content.decode()
    for path in ["/eco/guide/", "/eco/rules/", "/eco/statutory/", "/eco/catalogue/", "/annual-reports/?organ=eco",
                 "/eco/on-application/", "/eco/organisation/", "/eco/leaders/", "/apply/eco/", "/apply/case/"]:
        assert f'href="{path}"' in html, path


def test_portal_home_shows_latest_items_policies_interpretations_and_entry_points(client, bureau):
    other = OrganFactory(name="某市教育局", slug="edu")
    ItemFactory(organ=bureau, title="生态环境局的最新信息")
    policy = ItemFactory(organ=other, category=seeded("GFXWJ"), title="教育局的规范性文件")
    reading = ItemFactory(organ=bureau, category=seeded("ZCJD"), title="关于规范性文件的解读")
    reading.interprets.add(policy)
    html = client.get("/").content.decode()
    for text in ["生态环境局的最新信息", "教育局的规范性文件", "关于规范性文件的解读"]:
        assert text in html, text
    for path in ["/apply/", "/apply/case/", "/annual-reports/"]:
        assert f'href="{path}"' in html, path


def test_portal_home_is_refreshed_by_a_publish(client, bureau, django_capture_on_commit_callbacks):
    client.get("/")
    new = ItemFactory(organ=bureau, title="刚刚发布的首页信息")
    with django_capture_on_commit_callbacks(execute=True):
        item_public_changed.send(sender=Item, item_id=new.pk, organ_id=bureau.pk)
    assert "刚刚发布的首页信息" in client.get("/").content.decode()


def test_item_page_has_print_and_text_size_tools_and_links_interpretations_both_ways(client, bureau):
    policy = ItemFactory(organ=bureau, category=seeded("GFXWJ"), title="水源保护规范性文件")
    reading = ItemFactory(organ=bureau, category=seeded("ZCJD"), title="水源保护文件解读")
    reading.interprets.add(policy)
    html = client.get(f"/eco/items/{policy.pk}/").content.decode()
    assert re.search(r'<button type="button" data-print>打印</button>', html)
    for size in ["大", "中", "小"]:
        assert f">{size}</button>" in html
    assert "/static/js/item-tools.js" in html or "item-tools" in html
    assert f'href="/eco/items/{reading.pk}/"' in html
    back = client.get(f"/eco/items/{reading.pk}/").content.decode()
    assert f'href="/eco/items/{policy.pk}/"' in back


def test_item_page_metadata_in_the_customary_order(client, bureau):
    item = ItemFactory(organ=bureau)
    html = client.get(f"/eco/items/{item.pk}/").content.decode()
    order = ["索引号", "主题分类", "发布机构", "成文日期", "发文字号", "发布日期", "有效性"]
    positions = [html.index(f">{label}</th>") for label in order]
    assert positions == sorted(positions)


@pytest.mark.parametrize("path", ["/eco/rules/", "/eco/organisation/", "/eco/leaders/"])
def test_editing_a_column_page_refreshes_it_in_the_cache(client, bureau, office, path, django_capture_on_commit_callbacks):
    client.get(path)
    assert client.get(path)["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        if path == "/eco/rules/":
            column.save_text(organ=bureau, kind=ColumnTextKind.RULES, body="<p>新的公开制度文本</p>", by=office)
            expected = "新的公开制度文本"
        elif path == "/eco/organisation/":
            body = DepartmentFactory(organ=bureau, name="法规科")
            column.save_department_duties(department=body, duties="负责法制审核。", by=office)
            expected = "负责法制审核。"
        else:
            column.add_leader(organ=bureau, values={"name": "孙七", "post": "局长"}, by=office)
            expected = "孙七"
    response = client.get(path)
    assert response.get("X-Page-Cache") != "hit" and expected in response.content.decode()


def test_editing_the_profile_refreshes_the_organisation_page_and_paper_form(client, bureau, office, django_capture_on_commit_callbacks):
    client.get("/eco/organisation/")
    before = client.get("/eco/on-application/form.docx").content
    with django_capture_on_commit_callbacks(execute=True):
        column.save_profile(organ=bureau, values={"phone": "0755-88886666"}, by=office)
    assert "0755-88886666" in client.get("/eco/organisation/").content.decode()
    assert client.get("/eco/on-application/form.docx").content != before


def test_the_new_pages_are_cached_for_visitors(client, bureau):
    for path in ["/eco/statutory/", "/eco/on-application/"]:
        client.get(path)
        assert client.get(path)["X-Page-Cache"] == "hit", path
