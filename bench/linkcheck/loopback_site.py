"""A generated loopback site for the link-checker benchmark, served by aiohttp (run as its own process).

    python bench/linkcheck/loopback_site.py --pages 2000 --links 30 --port 18000

The site is on 127.0.0.1:PORT; four "external" hosts are 127.0.0.1:PORT+1 … PORT+4. Every page has LINKS links:
internal pages (some with a valid #fragment), assets, external pages, redirects, slow pages (0.3 s), and
the planted broken links: 404s, 500s, soft 404s (200 with 页面不存在), redirect loops, bad fragments, external
404s and soft 404s, a closed port. ``expected(pages, port)`` lists the planted ones with their kind; the server
prints "ready" when it listens.
"""

from __future__ import annotations

import argparse
import asyncio
import random

from aiohttp import web

EXTERNAL_HOSTS = 4
EXTERNAL_POOL = 1000  # pages per external host
ASSETS = 300
SLOW = 20
FILLER = "<p>" + "本机关依法主动公开政府信息,接受社会监督。" * 20 + "</p>"
PLANTED = {  # kind -> how many of each
    "gone": 40, "err": 10, "soft": 20, "loop": 10, "frag": 20, "edead": 20, "esoft": 10, "closed": 5,
}


def _url(port: int, path: str) -> str:
    return f"http://127.0.0.1:{port}{path}"


def planted_links(port: int, pages: int) -> list[tuple[str, str]]:
    """(address as linked, kind reported) for every planted broken link."""
    ext = [port + 1 + h for h in range(EXTERNAL_HOSTS)]
    out = []
    out += [(_url(port, f"/gone/{k}.html"), "http-4xx") for k in range(PLANTED["gone"])]
    out += [(_url(port, f"/err/{k}.html"), "http-5xx") for k in range(PLANTED["err"])]
    out += [(_url(port, f"/soft/{k}.html"), "soft-404") for k in range(PLANTED["soft"])]
    out += [(_url(port, f"/loop/{k}/a"), "redirect-loop") for k in range(PLANTED["loop"])]
    out += [(_url(port, f"/p/{k * 7 % pages}.html#missing-{k}"), "bad-fragment") for k in range(PLANTED["frag"])]
    out += [(_url(ext[k % EXTERNAL_HOSTS], f"/dead/{k}"), "http-4xx") for k in range(PLANTED["edead"])]
    out += [(_url(ext[k % EXTERNAL_HOSTS], f"/esoft/{k}"), "soft-404") for k in range(PLANTED["esoft"])]
    out += [(_url(port + 9, f"/closed/{k}"), "connect") for k in range(PLANTED["closed"])]
    return out


def expected(pages: int, port: int) -> dict[str, str]:
    return dict(planted_links(port, pages))


def page_links(i: int, pages: int, links: int, port: int, planted: list[tuple[str, str]]) -> list[str]:
    rng = random.Random(i)
    ext = [port + 1 + h for h in range(EXTERNAL_HOSTS)]
    out = [f"/p/{(i + 1) % pages}.html"]  # every page reachable from page 0
    specials = []
    if i < len(planted) * 3:
        specials.append(planted[i % len(planted)][0])
    while len(out) + len(specials) < links:
        roll = rng.random()
        if roll < 0.62:
            target = f"/p/{rng.randrange(pages)}.html"
            out.append(target + (f"#s{rng.randrange(3)}" if rng.random() < 0.1 else ""))
        elif roll < 0.72:
            out.append(f"/static/{rng.randrange(ASSETS)}.{'png' if rng.random() < 0.5 else 'css'}")
        elif roll < 0.92:
            out.append(_url(rng.choice(ext), f"/e/{rng.randrange(EXTERNAL_POOL)}"))
        elif roll < 0.97:
            out.append(f"/r/{rng.randrange(pages)}")
        else:
            out.append(f"/slow/{rng.randrange(SLOW)}.html")
    return out + specials


def render_page(i: int, pages: int, links: int, port: int, planted: list[tuple[str, str]]) -> bytes:
    anchors = []
    for n, href in enumerate(page_links(i, pages, links, port, planted)):
        if href.endswith(".png"):
            anchors.append(f'<img src="{href}" alt="图{n}">')
        elif href.endswith(".css"):
            anchors.append(f'<link rel="stylesheet" href="{href}">')
        else:
            anchors.append(f'<li><a href="{href}">链接{n}</a></li>')
    sections = "".join(f'<h2 id="s{k}">第{k + 1}节</h2>{FILLER}' for k in range(3))
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>第{i}页</title></head><body>"
        f"{sections}<ul>{''.join(anchors)}</ul></body></html>"
    ).encode()


def build(pages: int, links: int, port: int) -> dict[int, dict[str, tuple[int, dict[str, str], bytes]]]:
    """port -> path -> (status, headers, body)."""
    html = {"Content-Type": "text/html; charset=utf-8"}
    planted = planted_links(port, pages)
    site: dict[str, tuple[int, dict[str, str], bytes]] = {
        f"/p/{i}.html": (200, html, render_page(i, pages, links, port, planted)) for i in range(pages)
    }
    site.update({f"/r/{i}": (301, {"Location": f"/p/{i}.html"}, b"") for i in range(pages)})
    for k in range(ASSETS):
        site[f"/static/{k}.png"] = (200, {"Content-Type": "image/png"}, b"\x89PNG" + b"x" * 500)
        site[f"/static/{k}.css"] = (200, {"Content-Type": "text/css"}, b"body{}" * 50)
    for k in range(SLOW):
        site[f"/slow/{k}.html"] = (200, html, f"<html><title>慢页</title><body>{FILLER}</body></html>".encode())
    for k in range(PLANTED["err"]):
        site[f"/err/{k}.html"] = (500, {}, b"error")
    for k in range(PLANTED["soft"]):
        site[f"/soft/{k}.html"] = (200, html, "<html><title>提示</title><body>您访问的页面不存在</body></html>".encode())
    for k in range(PLANTED["loop"]):
        site[f"/loop/{k}/a"] = (302, {"Location": f"/loop/{k}/b"}, b"")
        site[f"/loop/{k}/b"] = (302, {"Location": f"/loop/{k}/a"}, b"")
    hosts = {port: site}
    for h in range(EXTERNAL_HOSTS):
        ext: dict[str, tuple[int, dict[str, str], bytes]] = {
            f"/e/{j}": (200, html, f"<html><title>外站{j}</title><body>{FILLER}</body></html>".encode())
            for j in range(EXTERNAL_POOL)
        }
        for k in range(PLANTED["esoft"]):
            ext[f"/esoft/{k}"] = (200, html, "<html><title>页面不存在</title><body>404</body></html>".encode())
        hosts[port + 1 + h] = ext
    return hosts


def app_for(routes: dict[str, tuple[int, dict[str, str], bytes]]) -> web.Application:
    missing = (404, {"Content-Type": "text/html"}, b"<html><title>404</title></html>")

    async def handle(request: web.Request) -> web.Response:
        path = request.path
        if path.startswith("/slow/"):
            await asyncio.sleep(0.3)
        status, headers, body = routes.get(path, missing)
        return web.Response(status=status, headers=headers, body=body if request.method != "HEAD" else None)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    return app


async def serve(pages: int, links: int, port: int) -> None:
    for host_port, routes in build(pages, links, port).items():
        runner = web.AppRunner(app_for(routes), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", host_port, backlog=1024).start()
    print("ready", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--links", type=int, default=30)
    parser.add_argument("--port", type=int, default=18000)
    options = parser.parse_args()
    asyncio.run(serve(options.pages, options.links, options.port))
