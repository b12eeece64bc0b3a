"""A site served on loopback by aiohttp in a thread of its own, whose pages a test writes and rewrites: the public
side of the platform as the link checker and the availability probe reach it (``PUBLIC_SITE_URL`` points here).

    with PlantedSite() as site:
        site.pages["/gxj/"] = '<a href="/gone">…</a>'   # a page; any path not in ``pages`` answers 404
"""

from __future__ import annotations

import asyncio
import threading

from aiohttp import web

from .site import LONG_TEXT, free_port


class PlantedSite:
    def __init__(self) -> None:
        self.pages: dict[str, str] = {}
        self.port = free_port()
        self.root = f"http://127.0.0.1:{self.port}"
        self.loop = asyncio.new_event_loop()
        self.started = threading.Event()
        self.runner: web.AppRunner | None = None

    async def _answer(self, request: web.Request) -> web.Response:
        body = self.pages.get(request.path)
        if body is None:
            raise web.HTTPNotFound()
        return web.Response(
            text=f"<!doctype html><html><head><meta charset='utf-8'><title>页面</title></head><body>{body}"
            f"<p>{LONG_TEXT}</p></body></html>", content_type="text/html")

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", self._answer)
        self.runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", self.port).start()
        self.started.set()

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(self._start())
        self.loop.run_forever()

    def __enter__(self) -> PlantedSite:
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()
        assert self.started.wait(10), "the planted site did not start"
        return self

    def __exit__(self, *exc_info: object) -> None:
        async def stop() -> None:
            if self.runner is not None:
                await self.runner.cleanup()

        asyncio.run_coroutine_threadsafe(stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
