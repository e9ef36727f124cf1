"""A real web server on 127.0.0.1 for the reading tests: pages, errors, slow and huge answers.

`serve()` starts a `ThreadingHTTPServer` on a free port in a thread and yields its base address;
every route below answers the way a real site can (a 404, a redirect loop, a server that never
answers, a 50 MB body generated on the fly, an image, a PDF, a Shift_JIS page ...). The server
counts what it sent, so a test can check that a refused download was not read whole.
"""

from __future__ import annotations

import contextlib
import gzip
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PAGES = Path(__file__).resolve().parent / "data" / "web"

HUGE_BYTES = 50 * 1000 * 1000
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
SJIS_PAGE = """<!DOCTYPE html>
<html lang="ja"><head>
<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">
<title>光合成のしくみ｜理科ノート</title></head>
<body><nav><a href="/">ホーム</a> <a href="/a">記事一覧</a></nav>
<article><h1>光合成のしくみ</h1>
<p>光合成とは、植物が光のエネルギーを使って二酸化炭素と水から糖をつくるはたらきのことです。</p>
<h2>葉緑体</h2>
<p>葉緑体は、植物の細胞の中にある緑色の粒です。光合成は葉緑体で行われます。
葉緑体の中には、クロロフィルという緑色の色素がふくまれています。</p>
<ul><li>気孔：葉の表面にある小さな穴</li><li>師管：葉でつくられた養分が通る管</li></ul>
</article>
<footer>（Ｃ）理科ノート　無断転載禁止</footer></body></html>
"""
NAV_ONLY = """<!DOCTYPE html><html><head><title>Site map</title></head><body>
<nav><ul><li><a href="/a">A</a></li><li><a href="/b">B</a></li></ul></nav>
<div id="app"></div><script>render(document.getElementById("app"))</script>
<footer><a href="/privacy">Privacy</a></footer></body></html>
"""
PLAIN_NOTES = "Stomata\n\nStomata are tiny pores on the underside of a leaf.\n"


@dataclass
class Site:
    """The running server: its address and what it has sent."""

    base: str
    stopping: threading.Event
    sent: dict[str, int] = field(default_factory=dict)
    pdf: bytes = b""

    def url(self, path: str) -> str:
        """The full address of ``path`` on this server."""
        return self.base + path


Route = Callable[["_Handler", "Site"], None]


def _send(
    handler: _Handler, status: int, body: bytes, content_type: str | None, **headers: str
) -> None:
    handler.send_response(status)
    if content_type is not None:
        handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in headers.items():
        handler.send_header(name.replace("_", "-"), value)
    handler.end_headers()
    handler.wfile.write(body)


def _page(name: str) -> Route:
    def route(h: _Handler, _site: Site) -> None:
        _send(h, 200, (PAGES / name).read_bytes(), "text/html; charset=utf-8")

    return route


def _fixed(status: int, body: bytes, content_type: str | None, **headers: str) -> Route:
    def route(h: _Handler, _site: Site) -> None:
        _send(h, status, body, content_type, **headers)

    return route


def _redirect(target: str) -> Route:
    def route(h: _Handler, _site: Site) -> None:
        _send(h, 302, b"", "text/html", Location=target)

    return route


def _never_answers(h: _Handler, site: Site) -> None:
    site.stopping.wait(30)  # the client's timeout ends the request; shutdown ends the wait


def _stalls_mid_body(h: _Handler, site: Site) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Content-Length", "100000")
    h.end_headers()
    h.wfile.write(b"<html><body><p>The beginning of a page")
    h.wfile.flush()
    site.stopping.wait(30)


def _drips(h: _Handler, site: Site) -> None:
    """One byte every 50 ms: each read is quick, the whole never ends."""
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.end_headers()
    for _ in range(600):
        if site.stopping.is_set():
            return
        h.wfile.write(b"x")
        h.wfile.flush()
        time.sleep(0.05)


def _huge(announce: bool) -> Route:
    """50 MB made on the fly; ``announce``: with its Content-Length."""

    def route(h: _Handler, site: Site) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        if announce:
            h.send_header("Content-Length", str(HUGE_BYTES))
        h.end_headers()
        chunk = b"<p>" + b"Huge pages are refused without being read whole. " * 1300 + b"</p>\n"
        sent = 0
        try:
            while sent < HUGE_BYTES and not site.stopping.is_set():
                h.wfile.write(chunk)
                sent += len(chunk)
                site.sent[h.path] = sent
        except OSError:
            pass  # the client hung up: what it refused was never sent

    return route


def _pdf(content_type: str) -> Route:
    def route(h: _Handler, site: Site) -> None:
        _send(h, 200, site.pdf, content_type)

    return route


def _gzip(h: _Handler, _site: Site) -> None:
    body = gzip.compress((PAGES / "glossary.html").read_bytes())
    _send(h, 200, body, "text/html; charset=utf-8", Content_Encoding="gzip")


ROUTES: dict[str, Route] = {
    "/web/blog.html": _page("blog.html"),
    "/web/glossary.html": _page("glossary.html"),
    "/web/table.html": _page("table.html"),
    "/web/ja_notes.html": _page("ja_notes.html"),
    "/redirect": _redirect("/web/blog.html"),
    "/redirect-chain": _redirect("/redirect"),
    "/loop": _redirect("/loop"),
    "/to-ftp": _redirect("ftp://127.0.0.1/file.txt"),
    "/missing": _fixed(404, b"<h1>Not Found</h1>", "text/html"),
    "/broken": _fixed(500, b"<h1>Internal Server Error</h1>", "text/html"),
    "/forbidden": _fixed(403, b"", "text/html"),
    "/slow": _never_answers,
    "/stalls": _stalls_mid_body,
    "/drips": _drips,
    "/huge": _huge(announce=True),
    "/huge-stream": _huge(announce=False),
    "/image.png": _fixed(200, PNG, "image/png"),
    "/archive.zip": _fixed(200, b"PK\x03\x04" + bytes(200), "application/zip"),
    "/binary.html": _fixed(200, b"\x00\x01\x02\x03" * 100, "text/html"),
    "/unlabelled": _fixed(200, bytes(range(256)) * 4, "application/octet-stream"),
    "/empty.html": _fixed(200, b"", "text/html"),
    "/nav-only.html": _fixed(200, NAV_ONLY.encode(), "text/html; charset=utf-8"),
    "/sjis.html": _fixed(200, SJIS_PAGE.encode("cp932"), "text/html"),
    "/notes.txt": _fixed(200, PLAIN_NOTES.encode(), "text/plain; charset=utf-8"),
    "/paper.pdf": _pdf("application/pdf"),
    "/download": _pdf("application/octet-stream"),
    "/damaged.pdf": _fixed(200, b"%PDF-1.7\n1 0 obj <<", "application/pdf"),
    "/compressed.html": _gzip,
}


class _Handler(BaseHTTPRequestHandler):
    site: Site  # set on the subclass made for each server

    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        route = ROUTES.get(self.path)
        if route is None:
            _send(self, 404, b"<h1>Not Found</h1>", "text/html")
            return
        # The client may give up (a refused download): nothing is left to answer then.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            route(self, self.site)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass  # quiet: the tests say what went wrong


@contextmanager
def serve(pdf: bytes = b"") -> Iterator[Site]:
    """Run the site on 127.0.0.1 (a free port) for the duration of the ``with`` block.

    Args:
        pdf: The bytes served at ``/paper.pdf`` and ``/download``.
    """
    stopping = threading.Event()
    handler = type("Handler", (_Handler,), {})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    site = Site(base=f"http://127.0.0.1:{server.server_address[1]}", stopping=stopping, pdf=pdf)
    handler.site = site
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


def refused_url() -> str:
    """An address on 127.0.0.1 where nothing listens (a port bound, then closed)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/article.html"
