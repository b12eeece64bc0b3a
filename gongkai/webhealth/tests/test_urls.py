import pytest

from gongkai.webhealth.checker import MalformedURL, normalise
from gongkai.webhealth.checker.fetch import retry_after
from gongkai.webhealth.checker.html import parse
from gongkai.webhealth.checker.soft404 import is_soft_404


@pytest.mark.parametrize(
    ("href", "base", "url"),
    [
        ("HTTP://Example.ORG:80/a/./b/../c", "", "http://example.org/a/c"),
        ("https://example.org:443", "", "https://example.org/"),
        ("http://example.org:8080/", "", "http://example.org:8080/"),
        ("http://example.org/%7euser/%2f?q=%7e%2a", "", "http://example.org/~user/%2F?q=~%2A"),
        ("http://example.org/a b", "", "http://example.org/a%20b"),
        ("/政务公开/通知", "http://example.org/x/", "http://example.org/%E6%94%BF%E5%8A%A1%E5%85%AC%E5%BC%80/%E9%80%9A%E7%9F%A5"),
        ("../up", "http://example.org/a/b/c", "http://example.org/a/up"),
        ("//other.org/p", "https://example.org/", "https://other.org/p"),
        ("?page=2", "http://example.org/list?page=1", "http://example.org/list?page=2"),
        ("http://政府.cn/", "", "http://xn--mxtq1m.cn/"),
        ("http://example.org/100%", "", "http://example.org/100%25"),
    ],
)
def test_spellings_of_an_address_normalise_to_one(href, base, url):
    assert normalise(href, base).url == url


def test_the_fragment_is_split_off_and_decoded():
    target = normalise("http://example.org/p#%E7%AC%AC%E4%B8%80%E8%8A%82")
    assert (target.url, target.fragment) == ("http://example.org/p", "第一节")


def test_host_key_carries_the_default_port():
    assert normalise("https://Example.org/").host == "example.org:443"


@pytest.mark.parametrize("href", ["mailto:a@example.org", "javascript:void(0)", "tel:12345", "data:text/plain,x"])
def test_links_that_are_not_web_addresses_are_not_checked(href):
    assert normalise(href, "http://example.org/") is None


@pytest.mark.parametrize("href", ["http://[bad/", "http://example.org:99999/", "http:///no-host", "no-scheme"])
def test_malformed_addresses_are_reported(href):
    with pytest.raises(MalformedURL):
        normalise(href)


def test_retry_after_reads_seconds_and_dates():
    assert retry_after("3") == 3.0
    assert retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412480.0) == 10.0
    assert retry_after("soon") is None and retry_after(None) is None


def test_the_parser_finds_links_of_every_tag_with_their_text():
    page = parse(
        '<title>首页</title><a href="/a"> 政策 <b>文件</b></a><area href="/m"><link rel="stylesheet" href="/s.css">'
        '<img src="/i.png" alt="标志"><script src="/j.js"></script><iframe src="/f"></iframe>'
        '<source srcset="/1.png 1x, /2.png 2x"><h2 id="s1">节</h2><a name="old"></a>'
    )
    assert [(link.tag, link.href, link.text) for link in page.links] == [
        ("a", "/a", "政策 文件"), ("area", "/m", ""), ("link", "/s.css", ""), ("img", "/i.png", "标志"),
        ("script", "/j.js", ""), ("iframe", "/f", ""), ("source", "/1.png", ""), ("source", "/2.png", ""),
    ]
    assert page.anchors == {"s1", "old"} and page.title == "首页"


@pytest.mark.parametrize(
    ("title", "text", "soft"),
    [
        ("页面不存在", "请返回首页", True),
        ("404 Not Found", "", True),
        ("提示", "对不起,您访问的页面不存在或已被删除。", True),
        ("2024年第404号公告", "关于……的公告", False),
        ("公告", "群众反映找不到办事指南。" + "正文" * 400, False),
        ("公告", "404 错误" + "正文" * 400, False),
    ],
)
def test_soft_404_looks_at_the_title_and_short_pages(title, text, soft):
    page = parse(f"<title>{title}</title><body>{text}</body>")
    assert bool(is_soft_404(page, 5000)) is soft


def test_a_tiny_page_is_a_soft_404():
    assert is_soft_404(parse("<html></html>"), 13)


def test_tags_without_links_or_anchors_are_dropped_before_parsing_without_changing_the_result():
    from gongkai.webhealth.checker.html import _Extractor

    markup = (
        '<html><head><title>标题</title><style>p{}</style></head><body class="x"><div id="d1"><p data-x="a>b">正文'
        '<br/>续</p><ul><li><a href="/a" class=\'k\'>链接 <span>一</span></a></li></ul><abbr title="缩写">z</abbr>'
        '<section name="n"><img src="/i.png" alt="图"></section><a name="old"></a><script>var s="<div>";</script>'
        "</div></body></html>"
    )
    plain = _Extractor()
    plain.feed(markup)
    plain.close()
    assert parse(markup) == plain.result()


def test_a_page_only_looked_at_gives_the_same_title_and_text():
    markup = (
        '<html><head><title>页面不存在</title><script>var a="<p>";</script></head><body><div class="x"><p>您访问的'
        '<a href="/x">页面</a>不存在</p><img src="/i.png"></div></body></html>'
    )
    whole, looked_at = parse(markup), parse(markup, links=False)
    assert (looked_at.title, looked_at.text) == (whole.title, whole.text) == ("页面不存在", "您访问的页面不存在")
    assert looked_at.links == []
