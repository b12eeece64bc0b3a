import asyncio
import time

import aiohttp
from aiohttp import web

from gongkai.webhealth.checker import Config
from gongkai.webhealth.checker.fetch import Fetcher

from .site import free_port


def serve_and_fetch(config_options, paths):
    """Fetch ``paths`` at once from a server that records when each request started and how many ran together."""
    starts: list[float] = []
    running = 0
    most = 0

    async def handle(request: web.Request) -> web.Response:
        nonlocal running, most
        starts.append(time.monotonic())
        running += 1
        most = max(most, running)
        await asyncio.sleep(0.05)
        running -= 1
        return web.Response(text="<html><title>页</title></html>", content_type="text/html")

    async def main():
        app = web.Application()
        app.router.add_get("/{n}", handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        port = free_port()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        try:
            async with aiohttp.ClientSession() as session:
                fetcher = Fetcher(Config(start_urls=[], **config_options), session)
                return await asyncio.gather(
                    *(fetcher.fetch("GET", f"http://127.0.0.1:{port}{p}", f"127.0.0.1:{port}") for p in paths)
                )
        finally:
            await runner.cleanup()

    answers = asyncio.run(main())
    return answers, starts, most


def test_requests_to_one_host_keep_the_politeness_delay():
    answers, starts, _ = serve_and_fetch({"politeness_delay": 0.1}, ["/1", "/2", "/3", "/4"])
    assert [a.status for a in answers] == [200] * 4
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    assert min(gaps) >= 0.09


def test_no_more_requests_to_one_host_than_its_limit_run_together():
    _, _, most = serve_and_fetch({"per_host_concurrency": 2}, [f"/{n}" for n in range(8)])
    assert most == 2


def test_an_html_body_is_read_with_its_encoding():
    answers, _, _ = serve_and_fetch({}, ["/1"])
    assert answers[0].body.startswith(b"<html>") and answers[0].encoding == "utf-8"
