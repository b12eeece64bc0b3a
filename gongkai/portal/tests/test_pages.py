"""The public disclosure column: every page renders, only public items are
shown, meta tags, feeds, sitemap, cached pages refreshed on publish, and
bad query parameters never give a server error."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from gongkai.catalogue.models import Disclosure, Item, ItemState, Validity
from gongkai.catalogue.signals import item_public_changed
from gongkai.catalogue.tests.factories import AttachmentFactory, CategoryFactory, DraftFactory, ItemFactory, TopicFactory
from gongkai.factories import GovernmentFactory, OrganFactory, UserFactory
from gongkai.search.services import reindex_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    government = GovernmentFactory(name="某市人民政府", slug="city", site_id_code="4403000001")
    bureau = OrganFactory(
        parent=government,
        name="某市生态环境局",
        slug="eco",
        fax="0755-87654321",
        email="gk@eco.example.gov.cn",
        website="http://eco.example.gov.cn/",
    )
    item = ItemFactory(
        organ=bureau,
        title="市生态环境局关于加强饮用水源保护的通知",
        body="<p>各区生态环境分局：为加强饮用水源保护，现通知如下。</p>",
        keywords="饮用水源，保护",
    )
    reindex_item(item.pk)
    return {"government": government, "bureau": bureau, "item": item}


def announce(item, capture):
    with capture(execute=True):
        item_public_changed.send(sender=Item, item_id=item.pk, organ_id=item.organ_id)


PAGES = [
    "/",
    "/healthz",
    "/search/",
    "/search/?q=饮用水源",
    "/city/",
    "/city/guide/",
    "/city/catalogue/",
    "/city/search/?q=饮用水源",
    "/eco/",
    "/eco/guide/",
    "/eco/catalogue/",
    "/eco/search/?q=饮用水源&order=date",
    "/eco/items/{item}/",
    "/feed/rss/",
    "/feed/atom/",
    "/eco/feed/rss/",
    "/city/feed/atom/",
    "/sitemap.xml",
    "/sitemap-items.xml",
    "/sitemap-columns.xml",
]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_renders(client, city, url):
    assert client.get(url.format(item=city["item"].pk)).status_code == 200


def test_item_page_shows_the_metadata_table(client, city):
    item = city["item"]
    html = client.get(f"/eco/items/{item.pk}/").content.decode()
    for value in [item.index_number, item.document_number, "2024-03-01", "某市生态环境局", item.topic.name, item.category.name]:
        assert value in html
    for label in ["索引号", "主题分类", "发布机构", "成文日期", "发布日期", "发文字号", "有效性", "公开方式", "公开范围", "体裁", "关键词"]:
        assert label in html
    assert "全社会" in html


def test_item_page_carries_the_government_site_meta_tags(client, city):
    item = city["item"]
    html = client.get(f"/eco/items/{item.pk}/").content.decode()
    for name, value in [
        ("SiteName", "某市人民政府"),
        ("SiteIDCode", "4403000001"),
        ("ArticleTitle", item.title),
        ("PubDate", timezone.localtime(item.published_at).strftime("%Y-%m-%d %H:%M")),
        ("ContentSource", "某市生态环境局"),
        ("Keywords", "饮用水源，保护"),
        ("ColumnName", item.category.name),
    ]:
        assert re.search(rf'<meta name="{name}" content="{re.escape(value)}[^"]*">', html), name
    assert '<meta name="SiteDomain"' in html and '<meta name="ColumnType"' in html and '<meta name="Description"' in html


def test_a_draft_is_not_found(client, city):
    draft = DraftFactory(organ=city["bureau"])
    assert client.get(f"/eco/items/{draft.pk}/").status_code == 404


def test_a_withheld_item_is_not_found(client, city):
    withheld = ItemFactory(organ=city["bureau"], disclosure=Disclosure.WITHHELD)
    assert client.get(f"/eco/items/{withheld.pk}/").status_code == 404


def test_a_withdrawn_item_is_not_found(client, city):
    withdrawn = ItemFactory(organ=city["bureau"], state=ItemState.WITHDRAWN)
    assert client.get(f"/eco/items/{withdrawn.pk}/").status_code == 404


def test_an_item_under_another_organs_address_is_not_found(client, city):
    other = OrganFactory(slug="edu")
    assert client.get(f"/{other.slug}/items/{city['item'].pk}/").status_code == 404


def test_an_unknown_organ_is_not_found(client, city):
    assert client.get("/no-such-organ/").status_code == 404


def test_drafts_and_withheld_items_stay_out_of_the_catalogue(client, city):
    DraftFactory(organ=city["bureau"], title="草稿标题不应公开")
    ItemFactory(organ=city["bureau"], title="不予公开的标题", disclosure=Disclosure.WITHHELD)
    html = client.get("/eco/catalogue/").content.decode()
    assert "草稿标题不应公开" not in html and "不予公开的标题" not in html


def test_government_column_aggregates_items_marked_for_the_portal(client, city):
    ItemFactory(organ=city["bureau"], title="只在部门栏目的信息", on_portal=False)
    html = client.get("/city/catalogue/").content.decode()
    assert city["item"].title in html and "只在部门栏目的信息" not in html


def test_department_column_holds_only_its_own_items(client, city):
    ItemFactory(organ=OrganFactory(parent=city["government"]), title="别的部门的信息")
    html = client.get("/eco/catalogue/").content.decode()
    assert "别的部门的信息" not in html


def test_catalogue_filters_by_topic_category_and_year(client, city):
    topic, category = TopicFactory(), CategoryFactory()
    wanted = ItemFactory(
        organ=city["bureau"],
        topic=topic,
        category=category,
        title="想要的信息",
        published_at=timezone.make_aware(dt.datetime(2023, 5, 1, 9)),
    )
    ItemFactory(organ=city["bureau"], topic=topic, category=category, title="别年的信息")
    html = client.get(f"/eco/catalogue/?topic={topic.pk}&category={category.pk}&year=2023").content.decode()
    assert wanted.title in html and "别年的信息" not in html and city["item"].title not in html


def test_a_catalogue_row_shows_its_number_organ_category_and_validity_escaped(client, city):
    city["bureau"].short_name = "市生态环境局"
    city["bureau"].save()
    item = ItemFactory(
        organ=city["bureau"],
        title="关于<i>饮用水</i>的通知",
        document_number="环发〔2025〕7号",
        validity=Validity.EXPIRED,
        validity_changed_on=dt.date(2025, 6, 1),
        validity_note="有效期届满。",
    )
    plain = ItemFactory(organ=city["bureau"], title="工作动态", document_number="")
    html = client.get("/eco/catalogue/").content.decode()
    row = html[html.index(f'href="/eco/items/{item.pk}/"') :]
    row = row[: row.index("</tr>")]
    assert "关于&lt;i&gt;饮用水&lt;/i&gt;的通知" in row and "<i>" not in row
    assert '<span class="badge bad">失效</span>' in row
    assert f"{item.index_number} · 市生态环境局 · {item.category.name}" in row
    assert "<td>环发〔2025〕7号</td>" in row
    assert f">{timezone.localtime(item.published_at):%Y-%m-%d}</time>" in row
    # A row without a document number shows a dash.
    plain_row = html[html.index(f'href="/eco/items/{plain.pk}/"') :]
    assert "<td>—</td>" in plain_row[: plain_row.index("</tr>") + 5]


def test_catalogue_is_paginated(client, city):
    for n in range(25):
        ItemFactory(organ=city["bureau"], title=f"分页测试{n:02d}")
    first = client.get("/eco/catalogue/").content.decode()
    second = client.get("/eco/catalogue/?page=2").content.decode()
    assert first.count("分页测试") == 20 and second.count("分页测试") == 5


def test_a_page_past_the_end_of_the_catalogue_leads_to_the_last_page(client, city):
    for n in range(25):
        ItemFactory(organ=city["bureau"], title=f"分页测试{n:02d}")
    response = client.get("/eco/catalogue/?page=9&year=")
    assert response.status_code == 302 and response["Location"] == "/eco/catalogue/?page=2&year="
    assert client.get(response["Location"]).content.decode().count("分页测试") == 5


def test_repeal_notice_shows_its_explanation(client, city):
    item = ItemFactory(
        organ=city["bureau"],
        validity=Validity.REPEALED,
        validity_changed_on=dt.date(2025, 1, 1),
        validity_note="已被《某市饮用水源保护条例》取代。",
    )
    html = client.get(f"/eco/items/{item.pk}/").content.decode()
    assert "本文件已废止" in html and "已被《某市饮用水源保护条例》取代。" in html and "2025-01-01" in html


def test_an_expired_item_names_the_date_it_expired(client, city):
    item = ItemFactory(
        organ=city["bureau"], validity=Validity.EXPIRED, validity_changed_on=dt.date(2025, 6, 30), validity_note="有效期届满。",
    )
    html = client.get(f"/eco/items/{item.pk}/").content.decode()
    assert "失效日期" in html and "废止日期" not in html and "本文件已失效" in html and "有效期届满。" in html


def test_interpretation_and_its_document_link_both_ways(client, city):
    policy = city["item"]
    reading = ItemFactory(organ=city["bureau"], title="《关于加强饮用水源保护的通知》政策解读")
    reading.interprets.add(policy)
    policy_html = client.get(f"/eco/items/{policy.pk}/").content.decode()
    reading_html = client.get(f"/eco/items/{reading.pk}/").content.decode()
    assert f"/eco/items/{reading.pk}/" in policy_html and f"/eco/items/{policy.pk}/" in reading_html


def test_an_unpublished_interpretation_is_not_linked(client, city):
    draft = DraftFactory(organ=city["bureau"], title="未发布的解读")
    draft.interprets.add(city["item"])
    assert "未发布的解读" not in client.get(f"/eco/items/{city['item'].pk}/").content.decode()


def test_attachments_have_download_links(client, city):
    attachment = AttachmentFactory(item=city["item"], name="监测数据.pdf")
    html = client.get(f"/eco/items/{city['item'].pk}/").content.decode()
    assert "监测数据.pdf" in html and f'href="/files/attachments/{attachment.pk}/"' in html


def test_an_image_attachment_is_shown_on_the_page(client, city):
    image = AttachmentFactory(item=city["item"], name="一图读懂.png", kind="png")
    pdf = AttachmentFactory(item=city["item"], name="全文.pdf")
    html = client.get(f"/eco/items/{city['item'].pk}/").content.decode()
    assert f'<img src="/files/attachments/{image.pk}/" alt="一图读懂.png"' in html
    assert f'<img src="/files/attachments/{pdf.pk}/"' not in html


def test_removed_attachments_are_not_shown(client, city):
    AttachmentFactory(item=city["item"], name="旧附件.pdf", is_current=False)
    assert "旧附件.pdf" not in client.get(f"/eco/items/{city['item'].pk}/").content.decode()


def test_guide_is_generated_from_the_organs_data(client, city):
    html = client.get("/eco/guide/").content.decode()
    bureau = city["bureau"]
    for value in [
        bureau.office_name,
        bureau.address,
        bureau.office_hours,
        bureau.phone,
        bureau.fax,
        bureau.email,
        bureau.website,
        'href="/apply/"',
    ]:
        assert value in html
    assert "主动公开" in html and "依申请公开" in html
    assert "监督和救济" in html


def test_search_page_highlights_the_query_words(client, city):
    html = client.get("/eco/search/?q=饮用水源").content.decode()
    assert "<mark>饮用水源</mark>" in html and f"/eco/items/{city['item'].pk}/" in html


def test_a_search_hit_shows_its_organ_category_number_date_and_validity_escaped(client, city):
    item = ItemFactory(
        organ=city["bureau"],
        title="关于<b>饮用水源</b>地划定的通知",
        document_number="环发〔2025〕3号",
        validity=Validity.REPEALED,
        validity_changed_on=dt.date(2025, 6, 1),
        validity_note="已被新规定替代。",
    )
    reindex_item(item.pk)
    html = client.get("/eco/search/?q=饮用水源").content.decode()
    hit = html[html.index(f"/eco/items/{item.pk}/") :]
    hit = hit[: hit.index("</li>")]
    assert "&lt;b&gt;<mark>饮用水源</mark>" in hit and "<b>" not in hit
    assert '<span class="badge bad">废止</span>' in hit
    day = timezone.localtime(item.published_at).strftime("%Y-%m-%d")
    assert f"某市生态环境局 · {item.category.name} · 环发〔2025〕3号 · <time datetime=" in hit and f">{day}</time>" in hit


def test_search_page_escapes_the_query(client, city):
    html = client.get("/search/", {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)" not in html


def test_feeds_are_valid_xml_listing_the_item(client, city):
    for url in ["/eco/feed/rss/", "/eco/feed/atom/", "/city/feed/rss/", "/feed/atom/"]:
        root = ET.fromstring(client.get(url).content)
        assert city["item"].title in ET.tostring(root, encoding="unicode"), url


def test_atom_entry_ids_are_iris_not_bare_index_numbers(client, city):
    root = ET.fromstring(client.get("/eco/feed/atom/").content)
    ids = [e.text for e in root.iter("{http://www.w3.org/2005/Atom}id")]
    assert city["item"].index_number not in ids
    assert all(i.startswith(("http://", "https://", "tag:")) for i in ids)


def test_feed_leaves_out_drafts(client, city):
    DraftFactory(organ=city["bureau"], title="草稿不进订阅")
    assert "草稿不进订阅" not in client.get("/eco/feed/rss/").content.decode()


def test_sitemap_is_valid_xml_listing_the_item(client, city):
    index = ET.fromstring(client.get("/sitemap.xml").content)
    assert index.tag.endswith("sitemapindex")
    items = ET.fromstring(client.get("/sitemap-items.xml").content)
    locations = [el.text for el in items.iter() if el.tag.endswith("loc")]
    assert any(loc.endswith(f"/eco/items/{city['item'].pk}/") for loc in locations)


def test_pages_load_nothing_from_outside_the_install(client, city):
    for url in ["/", "/eco/", f"/eco/items/{city['item'].pk}/", "/eco/search/?q=水"]:
        html = client.get(url).content.decode()
        for tag in re.findall(r"<(?:script|link|img|iframe)[^>]*>", html):
            assert "//" not in re.sub(r'href="/[^/]', "", tag).split("=", 1)[-1] or 'rel="alternate"' in tag, tag


def test_pages_have_a_skip_link_and_one_main_heading(client, city):
    for url in ["/", "/eco/", "/eco/guide/", "/eco/catalogue/", f"/eco/items/{city['item'].pk}/", "/eco/search/"]:
        html = client.get(url).content.decode()
        assert 'href="#main"' in html and html.count("<h1") == 1, url


def test_search_form_fields_are_labelled(client, city):
    html = client.get("/eco/search/").content.decode()
    for field in re.findall(r'<(?:input|select)[^>]*id="([^"]+)"', html):
        assert f'for="{field}"' in html, field


# --- cached pages ------------------------------------------------------------


def test_second_anonymous_view_comes_from_the_cache(client, city):
    client.get("/eco/catalogue/")
    assert client.get("/eco/catalogue/")["X-Page-Cache"] == "hit"


def test_publishing_refreshes_the_cached_catalogue(client, city, django_capture_on_commit_callbacks):
    client.get("/eco/catalogue/")
    new = ItemFactory(organ=city["bureau"], title="刚刚发布的信息", published_at=timezone.now())
    announce(new, django_capture_on_commit_callbacks)
    assert "刚刚发布的信息" in client.get("/eco/catalogue/").content.decode()


def test_publishing_refreshes_the_government_portal_above(client, city, django_capture_on_commit_callbacks):
    client.get("/city/")
    new = ItemFactory(organ=city["bureau"], title="刚刚发布的信息", published_at=timezone.now())
    announce(new, django_capture_on_commit_callbacks)
    assert "刚刚发布的信息" in client.get("/city/").content.decode()


def test_publishing_leaves_other_columns_cached(client, city, django_capture_on_commit_callbacks):
    OrganFactory(slug="edu")
    client.get("/edu/")
    existing = city["item"]
    announce(
        ItemFactory(organ=city["bureau"], topic=existing.topic, category=existing.category), django_capture_on_commit_callbacks
    )
    assert client.get("/edu/")["X-Page-Cache"] == "hit"


def test_withdrawing_refreshes_the_cached_item_page(client, city, django_capture_on_commit_callbacks):
    url = f"/eco/items/{city['item'].pk}/"
    client.get(url)
    Item.objects.filter(pk=city["item"].pk).update(state=ItemState.WITHDRAWN)
    announce(city["item"], django_capture_on_commit_callbacks)
    assert client.get(url).status_code == 404


def test_a_new_interpretation_refreshes_the_document_it_interprets(client, city, django_capture_on_commit_callbacks):
    other_organ = OrganFactory(slug="edu")
    url = f"/eco/items/{city['item'].pk}/"
    client.get(url)
    reading = ItemFactory(organ=other_organ, title="跨部门的政策解读")
    reading.interprets.add(city["item"])
    announce(reading, django_capture_on_commit_callbacks)
    assert "跨部门的政策解读" in client.get(url).content.decode()


def test_changing_the_organ_refreshes_its_guide(client, city):
    client.get("/eco/guide/")
    bureau = city["bureau"]
    bureau.phone = "0755-11112222"
    bureau.save()
    assert "0755-11112222" in client.get("/eco/guide/").content.decode()


def test_signed_in_staff_get_a_fresh_page(client, city):
    client.force_login(UserFactory())
    client.get("/eco/")
    assert client.get("/eco/").get("X-Page-Cache") is None


# --- bad input -----------------------------------------------------------------


BAD_QUERIES = [
    "page=abc",
    "page=0",
    "page=-1",
    "page=1.5",
    "page=99999999999999999999",
    "year=99999",
    "year=abc",
    "topic=xyz",
    "topic=999999",
    "category=-3",
    "category=１",
    "page=%C2%B2",
    "year=%C2%B2",
    "topic=%C2%B2",
    "category=%D9%A1",
    "organ=%C2%B2",
    "validity=bogus",
    "order=bogus",
    "organ=abc",
    "q=%00",
    "q=" + "长" * 5000,
    'q="',
    "q=title:x",
    "q=((",
    "x=1&y=2",
    "page=&year=&topic=",
]


@pytest.mark.parametrize("path", ["/eco/catalogue/", "/city/catalogue/", "/eco/search/", "/search/", "/eco/", "/eco/guide/"])
def test_bad_parameters_give_a_normal_page(client, city, path):
    statuses = {query: client.get(f"{path}?{query}").status_code for query in BAD_QUERIES}
    # A control character is refused for the whole site (core.middleware.CleanInputMiddleware).
    assert {q: code for q, code in statuses.items() if code != 200} == {"q=%00": 400}


def test_a_page_beyond_the_last_leads_to_the_last_page(client, city):
    response = client.get("/eco/catalogue/?page=50")
    assert response.status_code == 302 and response["Location"] == "/eco/catalogue/?page=1"
    assert client.get(response["Location"]).status_code == 200


def test_a_search_page_beyond_the_last_leads_to_the_last_page(client, city):
    response = client.get("/eco/search/?q=饮用水源&page=50")
    assert response.status_code == 302 and response["Location"].endswith("&page=1")
    assert client.get(response["Location"]).status_code == 200


def test_an_unknown_sitemap_section_is_not_found(client, city):
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_a_cached_page_gives_each_visitor_a_working_csrf_token(city):
    from django.test import Client

    Client().get("/eco/guide/")  # the first visitor fills the cache
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get("/eco/guide/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    response = visitor.post("/i18n/setlang/", {"language": "en", "next": "/eco/guide/", "csrfmiddlewaretoken": token})
    assert (page["X-Page-Cache"], response.status_code) == ("hit", 302)


def test_no_visitors_csrf_token_is_stored_in_the_page_cache(client, city, rf):
    from django.core.cache import cache
    from django.utils import translation

    from gongkai.portal import cache as page_cache

    page = client.get("/eco/guide/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    with translation.override("zh-hans"):
        _versions, stored, _type = cache.get(page_cache.page_key(rf.get("/eco/guide/")))
    assert token.encode() not in stored and b"__gongkai_csrf_token__" in stored
