"""A small site with a broken link of every kind planted in it, served on loopback by aiohttp.

"site.test" is the site crawled, "ext.test" another host it links to; both resolve to 127.0.0.1 through
the checker's ``extra_hosts``. ``EXPECTED`` is every broken link planted and the kind it must be reported as.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections import Counter

from aiohttp import web

LONG_TEXT = "本机关依法主动公开政府信息," * 60


def page(title: str, body: str) -> web.Response:
    return web.Response(
        text=f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head><body>{body}"
        f"<p>{LONG_TEXT}</p></body></html>",
        content_type="text/html",
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def site_app(ext: str, closed_port: int) -> web.Application:
    hits: Counter[str] = Counter()

    async def home(request: web.Request) -> web.Response:
        return page("首页", f"""
            <a href="/a">政策文件</a> <a href="/b">公告</a> <a href="/c">附件</a>
            <a href="/docs/report.pdf">年度报告</a>
            <a href="/missing">已删除的文章</a> <a href="/error">出错的栏目</a>
            <a href="/redirect/1">旧地址</a> <a href="/loop/a">循环</a> <a href="/chain/0">长跳转</a>
            <a href="/soft">软404</a> <a href="/tiny">空页</a>
            <a href="/a#section">第二节</a> <a href="/a#nosuch">不存在的锚点</a> <a href="#top">顶部</a>
            <a href="{ext}/ok">外站</a> <a href="{ext}/gone">外站已删</a> <a href="{ext}/soft">外站软404</a>
            <img src="{ext}/image.png" alt="外站图片"> <img src="{ext}/head-broken.png" alt="坏图片">
            <a href="{ext}/slow">慢站</a> <a href="http://nonexistent.invalid/">无此域名</a>
            <a href="http://127.0.0.1:{closed_port}/">关闭的端口</a>
            <a href="/flaky">偶尔忙</a> <a href="/busy">限流</a> <a href="/big">大页面</a>
            <a href="/calendar?m=0">日历</a> <a href="/private/secret">内部</a>
            <a href="http://[bad/">坏地址</a> <a href="mailto:office@example.org">来信</a>
            <a href="javascript:void(0)">脚本</a> <a href="tel:12345">电话</a>""")

    async def a(request: web.Request) -> web.Response:
        return page("政策文件", '<h2 id="section">第二节</h2><a href="/b">公告</a><a href="/missing">又一次</a>'
                    '<img src="/img/logo.png" alt="标志">')

    async def b(request: web.Request) -> web.Response:
        # Mentions "404" and "找不到" in a long real page: not a soft 404.
        return page("2024年第404号公告", '<p>群众反映找不到办事指南的问题已整改。</p>'
                    '<a href="/c?x=%7e">同一页</a><a href="/A/../a">大小写</a><a href="/b/../a#section">节</a>')

    async def c(request: web.Request) -> web.Response:
        return page("附件", '<iframe src="/missing-frame"></iframe><script src="/js/app.js"></script>'
                    '<link rel="stylesheet" href="/css/gone.css"><link rel="preconnect" href="http://nonexistent2.invalid/">'
                    '<picture><source srcset="/img/logo.png 1x, /img/logo2.png 2x"></picture>')

    async def ok_file(request: web.Request) -> web.Response:
        return web.Response(body=b"%PDF-1.4 " + b"x" * 200, content_type="application/pdf")

    async def missing(request: web.Request) -> web.Response:
        raise web.HTTPNotFound()

    async def error(request: web.Request) -> web.Response:
        raise web.HTTPInternalServerError()

    async def redirect(request: web.Request) -> web.Response:
        step = int(request.match_info["n"])
        raise web.HTTPFound("/a" if step >= 2 else f"/redirect/{step + 1}")

    async def loop(request: web.Request) -> web.Response:
        raise web.HTTPMovedPermanently("/loop/b" if request.match_info["x"] == "a" else "/loop/a")

    async def chain(request: web.Request) -> web.Response:
        raise web.HTTPFound(f"/chain/{int(request.match_info['n']) + 1}")

    async def soft(request: web.Request) -> web.Response:
        return web.Response(text="<html><head><title>提示</title></head><body><h1>您访问的页面不存在</h1>"
                            "<p>请返回首页。</p></body></html>", content_type="text/html")

    async def tiny(request: web.Request) -> web.Response:
        return web.Response(text="<html></html>", content_type="text/html")

    async def flaky(request: web.Request) -> web.Response:
        hits["flaky"] += 1
        if hits["flaky"] == 1:
            raise web.HTTPServiceUnavailable(headers={"Retry-After": "0"})
        return page("偶尔忙", "")

    async def busy(request: web.Request) -> web.Response:
        hits["busy"] += 1
        if hits["busy"] == 1:
            raise web.HTTPTooManyRequests(headers={"Retry-After": "1"})
        return page("限流", "")

    async def big(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html; charset=utf-8"})
        await response.prepare(request)
        await response.write(b"<html><head><title>big</title></head><body>")
        chunk = ("<p>" + LONG_TEXT + "</p>").encode() * 20
        with contextlib.suppress(ConnectionError):
            for _ in range(10 * 1024 * 1024 // len(chunk)):
                await response.write(chunk)
            await response.write(b'<a href="/never-reached">end</a></body></html>')
        return response

    async def calendar(request: web.Request) -> web.Response:
        month = int(request.query.get("m", "0"))
        return page(f"日历 {month}", f'<a href="/calendar?m={month + 1}">下个月</a>')

    async def private(request: web.Request) -> web.Response:
        return page("内部", '<a href="/private-only-broken">不应被抓取</a>')

    async def asset(request: web.Request) -> web.Response:
        return web.Response(body=b"x" * 300, content_type="application/octet-stream")

    async def robots(request: web.Request) -> web.Response:
        return web.Response(text="User-agent: *\nDisallow: /private/\n")

    app = web.Application()
    app.router.add_routes([
        web.get("/", home), web.get("/a", a), web.get("/b", b), web.get("/c", c),
        web.get("/docs/report.pdf", ok_file), web.get("/missing", missing), web.get("/missing-frame", missing),
        web.get("/css/gone.css", missing), web.get("/error", error), web.get("/redirect/{n}", redirect),
        web.get("/loop/{x}", loop), web.get("/chain/{n}", chain), web.get("/soft", soft), web.get("/tiny", tiny),
        web.get("/flaky", flaky), web.get("/busy", busy), web.get("/big", big), web.get("/calendar", calendar),
        web.get("/private/secret", private), web.get("/img/{name}", asset), web.get("/js/app.js", asset),
        web.get("/robots.txt", robots),
    ])
    return app


def ext_app() -> web.Application:
    async def ok(request: web.Request) -> web.Response:
        return page("外站", "")

    async def gone(request: web.Request) -> web.Response:
        raise web.HTTPGone()

    async def soft(request: web.Request) -> web.Response:
        return page("页面不存在 - 外站", "")

    async def image(request: web.Request) -> web.Response:
        if request.method == "HEAD":
            raise web.HTTPMethodNotAllowed("HEAD", ["GET"])
        if request.match_info["name"] == "head-broken.png":
            raise web.HTTPNotFound()
        return web.Response(body=b"\x89PNG" + b"x" * 200, content_type="image/png")

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(3)
        return page("慢", "")

    app = web.Application()
    app.router.add_routes([
        web.get("/ok", ok), web.get("/gone", gone), web.get("/soft", soft),
        web.route("*", "/{name:[a-z-]+\\.png}", image), web.get("/slow", slow),
    ])
    return app


EXPECTED_PATHS = {
    "/missing": "http-4xx", "/missing-frame": "http-4xx", "/css/gone.css": "http-4xx", "/error": "http-5xx",
    "/loop/a": "redirect-loop", "/chain/0": "too-many-redirects", "/soft": "soft-404", "/tiny": "soft-404",
    "/a#nosuch": "bad-fragment",
}
EXPECTED_EXT = {"/gone": "http-4xx", "/soft": "soft-404", "/head-broken.png": "http-4xx", "/slow": "timeout"}


class Sites:
    """Both sites running; ``expected`` maps each planted broken address (normalised) to its kind."""

    def __init__(self) -> None:
        self.runners: list[web.AppRunner] = []

    async def __aenter__(self) -> Sites:
        site_port, ext_port, self.closed_port = free_port(), free_port(), free_port()
        self.root = f"http://site.test:{site_port}"
        self.ext = f"http://ext.test:{ext_port}"
        for app, port in ((site_app(self.ext, self.closed_port), site_port), (ext_app(), ext_port)):
            runner = web.AppRunner(app, handle_signals=False, access_log=None)
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", port).start()
            self.runners.append(runner)
        self.expected = {self.root + p: kind for p, kind in EXPECTED_PATHS.items()}
        self.expected |= {self.ext + p: kind for p, kind in EXPECTED_EXT.items()}
        self.expected["http://nonexistent.invalid/"] = "dns"
        self.expected[f"http://127.0.0.1:{self.closed_port}/"] = "connect"
        self.expected["http://[bad/"] = "malformed-url"
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        for runner in self.runners:
            await runner.cleanup()
