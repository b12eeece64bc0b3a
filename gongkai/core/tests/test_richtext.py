"""What the rich-text editor (Trix) writes survives cleaning as intended, and
the editor is offered only for bodies it can keep intact."""

import pytest
from django.utils import translation

from gongkai.core.richtext import RichTextarea, clean_html, editor_can_keep

# What Trix writes for a heading, a paragraph with a bold word, a second line and a list.
EDITOR_OUTPUT = (
    "<h1>一、检查范围</h1>"
    "<div>本次检查覆盖<strong>全市</strong>各单位。<br>请于<em>月底前</em>报送。<br><br></div>"
    "<ul><li>政策文件</li><li>工作动态</li></ul>"
)


def test_the_editors_lines_become_paragraphs():
    assert clean_html("<div>第一段<br>第二段<br><br><br>第三段<br></div>") == "<p>第一段</p><p>第二段</p><p>第三段</p>"


def test_the_editors_heading_sits_below_the_page_title():
    assert clean_html("<h1>一、检查范围</h1>") == "<h2>一、检查范围</h2>"


def test_the_editors_typical_output_is_kept():
    assert clean_html(EDITOR_OUTPUT) == (
        "<h2>一、检查范围</h2>"
        "<p>本次检查覆盖<strong>全市</strong>各单位。</p><p>请于<em>月底前</em>报送。</p>"
        "<ul><li>政策文件</li><li>工作动态</li></ul>"
    )


def test_quotes_nested_lists_strike_and_links_of_the_editor_are_kept():
    cleaned = clean_html(
        '<blockquote>引用<br>第二行</blockquote><ol><li>一<ul><li>甲</li></ul></li></ol>'
        '<div><del>旧</del><a href="https://www.gov.cn/?a=1&amp;b=2">链接</a></div>'
    )
    assert cleaned == (
        '<blockquote>引用<br>第二行</blockquote><ol><li>一<ul><li>甲</li></ul></li></ol>'
        '<p><del>旧</del><a href="https://www.gov.cn/?a=1&amp;b=2" rel="noopener noreferrer">链接</a></p>'
    )


def test_scripts_handlers_styles_and_unknown_tags_are_removed_from_editor_output():
    cleaned = clean_html(
        '<div onclick="steal()" style="color:red">通知<script>alert(1)</script><font color="red">红字</font>'
        '<a href="javascript:steal()">链接</a><marquee>滚动</marquee></div><style>p{}</style><iframe src="https://x"></iframe>'
    )
    assert cleaned == '<p>通知红字<a rel="noopener noreferrer">链接</a>滚动</p>'


def test_text_that_looks_like_markup_stays_text():
    assert clean_html("<div>甲 &lt;script&gt; 乙 &amp; 丙</div>") == "<p>甲 &lt;script&gt; 乙 &amp; 丙</p>"


def test_a_div_holding_blocks_is_kept():
    assert clean_html("<div><table><tr><td>一</td></tr></table></div>") == (
        "<div><table><tbody><tr><td>一</td></tr></tbody></table></div>"
    )


def test_cleaning_a_cleaned_body_changes_nothing():
    once = clean_html(EDITOR_OUTPUT + "<div>甲<br>乙</div><p align=\"center\">丙</p>")
    assert clean_html(once) == once


def test_the_editor_can_keep_paragraphs_headings_lists_and_links():
    assert editor_can_keep('<h2>标题</h2><p><b>粗</b><i>斜</i></p><ol><li><a href="https://www.gov.cn/">链接</a></li></ol>')


def test_the_editor_cannot_keep_tables_images_alignment_or_small_headings():
    for body in ["<table><tr><td>一</td></tr></table>", '<p><img src="/media/a.png" alt="图"></p>',
                 '<p align="center">居中</p>', "<h3>三级标题</h3>", "<p><u>下划线</u></p>"]:
        assert not editor_can_keep(body), body


def test_the_widget_offers_the_editor_with_chinese_toolbar_labels():
    with translation.override("zh-hans"):
        html = RichTextarea().render("body", "<p>正文</p>", attrs={"id": "id_body"})
    assert "data-richtext=" in html and "粗体" in html and "项目符号列表" in html


def test_the_widget_offers_english_toolbar_labels_in_english():
    with translation.override("en"):
        html = RichTextarea().render("body", "<p>正文</p>", attrs={"id": "id_body"})
    assert "Bold" in html and "粗体" not in html


def test_a_body_the_editor_cannot_keep_stays_a_textarea_with_a_note():
    with translation.override("zh-hans"):
        html = RichTextarea().render("body", "<table><tr><td>一</td></tr></table>", attrs={"id": "id_body"})
    assert "data-richtext=" not in html
    assert "data-richtext-kept-as-html=" in html and "以 HTML 方式编辑" in html


def test_outside_images_are_removed_and_own_images_kept():
    from gongkai.core.richtext import clean_html

    for outside in ("https://evil.example/p.png", "http://evil.example/p.png", "//evil.example/p.png",
                    "/\\evil.example/p.png", " https://evil.example/p.png", "data:image/png;base64,AAAA",
                    "javascript:alert(1)"):
        cleaned = clean_html(f'<p>图<img src="{outside}" alt="图"></p>')
        assert "evil" not in cleaned and "data:" not in cleaned and "javascript" not in cleaned, outside
    assert '<img src="/media/items/1/chart.png"' in clean_html('<p><img src="/media/items/1/chart.png" alt="图表"></p>')


@pytest.mark.django_db
def test_bodies_stored_before_the_rule_are_shown_without_outside_images(client):
    from django.urls import reverse

    from gongkai.catalogue.models import Item
    from gongkai.catalogue.tests.factories import ItemFactory

    item = ItemFactory()
    # Stored before outside images were removed on saving.
    Item.objects.filter(pk=item.pk).update(
        body='<p>正文<img src="https://tracker.example/pixel.gif" alt="x"><img src="/media/own.png" alt="y"></p>'
    )
    page = client.get(reverse("portal:item", args=[item.organ.slug, item.pk])).content.decode()
    assert "正文" in page and "/media/own.png" in page
    assert "tracker.example" not in page
