"""Downloading an article's web page or PDF: bounded in time and size, one-sentence errors.

The standard library's `urllib.request` is enough here (one GET, redirects, TLS with the
system's certificates); what it lacks is added around it: an overall deadline besides the
per-read timeout, a size cap checked against ``Content-Length`` and again while the body streams
in (so a 50 MB answer is refused after 5 MiB, not read whole), a check of the content type
before the body is read, and messages a learner can act on.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from flashcards.core.errors import InputError
from flashcards.core.generate.web import MAX_PAGE_BYTES

Progress = Callable[[float, str], None]

TIMEOUT = 15.0
"""Seconds to wait for the connection and for each piece of the answer."""

DEADLINE = 60.0
"""Seconds the whole download may take."""

MAX_REDIRECTS = 5

USER_AGENT = "flashcards/0.1 (article reader)"

PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"text/plain", "text/markdown", "text/x-markdown"})
PDF_TYPES = frozenset({"application/pdf", "application/x-pdf"})
# Servers label files they do not know as one of these; the body is sniffed instead.
_UNKNOWN_TYPES = frozenset({"", "application/octet-stream", "binary/octet-stream"})
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Download:
    """A downloaded document.

    Attributes:
        data: The body (decompressed if the server compressed it).
        url: The address it came from, after redirects.
        content_type: The media type, lower case, without parameters ("" if not given).
        charset: The ``charset`` parameter of the ``Content-Type`` header, if any.
    """

    data: bytes
    url: str
    content_type: str
    charset: str | None


def is_url(source: str) -> bool:
    """True if ``source`` is an http or https address (not a file path)."""
    return source[:8].lower().startswith(("http://", "https://"))


class _Redirects(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        # urllib would follow a redirect to ftp:; only the web is read.
        if urllib.parse.urlsplit(newurl).scheme.lower() not in ("http", "https"):
            raise InputError(f"{req.full_url} redirects to {newurl}, which is not a web address.")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _host(url: str) -> str:
    return urllib.parse.urlsplit(url).hostname or url


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MiB" if n >= 1024 * 1024 else f"{n // 1024} KiB"


def _check_url(url: str) -> None:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InputError(f"{url} is not a web address (it must start with http:// or https://).")


def _network_error(url: str, exc: BaseException, timeout: float) -> InputError:
    """The one sentence for a failed download."""
    host = _host(url)
    reason: object = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(exc, urllib.error.HTTPError):
        if exc.code == 404:
            return InputError(f"The page {url} was not found (HTTP 404).")
        if 300 <= exc.code < 400:
            return InputError(f"{url} redirects too many times or nowhere (HTTP {exc.code}).")
        return InputError(f"{host} answered HTTP {exc.code} ({exc.reason}) for {url}.")
    if isinstance(reason, socket.gaierror):
        return InputError(f"Cannot find the server {host}; check the address and the connection.")
    if isinstance(reason, TimeoutError):
        return InputError(f"{host} did not answer within {timeout:g} seconds.")
    if isinstance(reason, ConnectionRefusedError):
        return InputError(f"Cannot connect to {host}: the connection was refused.")
    if isinstance(reason, ssl.SSLError):
        detail = getattr(reason, "reason", None) or "the secure connection failed"
        return InputError(f"Cannot make a secure connection to {host} ({detail}).")
    if isinstance(reason, http.client.HTTPException | ConnectionError):
        return InputError(f"{host} closed the connection before sending the whole page.")
    if isinstance(reason, OSError):
        return InputError(f"Cannot download {url}: {reason.strerror or reason}.")
    return InputError(f"Cannot download {url}: {reason}.")


def fetch_url(
    url: str,
    *,
    timeout: float = TIMEOUT,
    deadline: float = DEADLINE,
    max_bytes: int = MAX_PAGE_BYTES,
    progress: Progress | None = None,
) -> Download:
    """Download a web page, a PDF or a text file.

    Args:
        url: An http or https address.
        timeout: Seconds to wait for the connection and for each read.
        deadline: Seconds the whole download may take.
        max_bytes: Larger bodies are refused (before reading them, if the size is announced).
        progress: Called as ``progress(fraction, message)`` while the body arrives.

    Returns:
        The body and what the server said about it.

    Raises:
        InputError: If the address is not http(s), the server cannot be reached or does not
            answer in time, answers with an HTTP error, sends something that is not a web page,
            a PDF or text, or more than ``max_bytes``.
    """
    _check_url(url)
    report: Progress = progress or (lambda _fraction, _message: None)
    started = time.monotonic()
    request = urllib.request.Request(
        url,
        headers={
            "User-Agent": USER_AGENT,
            "Accept": "text/html,application/xhtml+xml,application/pdf;q=0.9,text/plain;q=0.8,"
            "*/*;q=0.1",
            "Accept-Encoding": "gzip, deflate",
        },
    )
    opener = urllib.request.build_opener(_Redirects())
    report(0.0, f"Connecting to {_host(url)}")
    try:
        response = opener.open(request, timeout=timeout)
    except InputError:
        raise
    except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as exc:
        if isinstance(exc, urllib.error.HTTPError):
            exc.close()  # the error page is not read
        raise _network_error(url, exc, timeout) from None
    with response:
        final = response.geturl()
        content_type = response.headers.get_content_type() if response.headers else ""
        if not response.headers.get("Content-Type"):
            content_type = ""
        charset = response.headers.get_content_charset()
        _check_type(final, content_type)
        length = response.headers.get("Content-Length", "")
        total = int(length) if length.strip().isdigit() else None
        if total is not None and total > max_bytes:
            raise InputError(
                f"{final} is larger than {_size(max_bytes)} ({_size(total)}); "
                "it is not one article."
            )
        encoding = (response.headers.get("Content-Encoding") or "identity").strip().lower()
        limits = _Limits(started, timeout, deadline, max_bytes)
        data = _read(response, final, encoding, total, limits, report)
    if content_type in _UNKNOWN_TYPES:
        content_type = _sniff(data, final)
    elif content_type in PAGE_TYPES | TEXT_TYPES and b"\x00" in data[:1024]:
        raise InputError(f"{final} is not a web page: it sends binary data.")
    if not data.strip():
        raise InputError(f"{final} is an empty page.")
    report(1.0, f"Downloaded {_size(len(data))} from {_host(final)}")
    return Download(data=data, url=final, content_type=content_type, charset=charset)


def _check_type(url: str, content_type: str) -> None:
    """Refuse what is not a page, a PDF or text before its body is read."""
    if content_type in PAGE_TYPES | TEXT_TYPES | PDF_TYPES | _UNKNOWN_TYPES:
        return
    if content_type.startswith("text/") or content_type.endswith("+xml"):
        return  # text/x-rst, application/rss+xml ...: read as text or HTML, sniffed later
    raise InputError(f"{url} is not a web page or a PDF (the server says it is {content_type}).")


def _sniff(data: bytes, url: str) -> str:
    from flashcards.core.generate.web import looks_like_html

    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if looks_like_html(data):
        return "text/html"
    if b"\x00" in data[:1024]:
        raise InputError(f"{url} is not a web page: it sends binary data.")
    return "text/plain"


@dataclass(frozen=True)
class _Limits:
    started: float
    timeout: float
    deadline: float
    max_bytes: int


def _read(
    response: http.client.HTTPResponse,
    url: str,
    encoding: str,
    total: int | None,
    limits: _Limits,
    report: Progress,
) -> bytes:
    """Read the body in pieces, within the deadline and the size cap."""
    max_bytes, timeout, deadline = limits.max_bytes, limits.timeout, limits.deadline
    if encoding in ("gzip", "x-gzip"):
        inflate: zlib._Decompress | None = zlib.decompressobj(wbits=47)  # gzip or zlib header
    elif encoding == "deflate":
        inflate = zlib.decompressobj()
    elif encoding in ("identity", ""):
        inflate = None
    else:
        raise InputError(f"{url} is sent compressed as {encoding!r}, which cannot be read.")
    pieces: list[bytes] = []
    received = size = 0
    host = _host(url)
    too_large = InputError(f"{url} is larger than {_size(max_bytes)}; it is not one article.")
    while True:
        if time.monotonic() - limits.started > deadline:
            raise InputError(f"{host} took more than {deadline:g} seconds to send the page.")
        try:
            chunk = response.read1(_CHUNK)
        except TimeoutError:
            raise InputError(f"{host} stopped sending the page for {timeout:g} seconds.") from None
        except (OSError, http.client.HTTPException) as exc:
            raise _network_error(url, exc, timeout) from None
        if not chunk:
            break
        received += len(chunk)
        if inflate is not None:
            try:
                # At most one byte past the cap is inflated: a small "zip bomb" stays small.
                chunk = inflate.decompress(chunk, max_bytes - size + 1)
            except zlib.error:
                raise InputError(f"{url} sent a damaged compressed page.") from None
            if inflate.unconsumed_tail:
                raise too_large
        size += len(chunk)
        if size > max_bytes:
            raise too_large
        pieces.append(chunk)
        if total:
            report(min(1.0, received / total), f"Downloading from {host}")
        else:
            report(0.0, f"Downloaded {_size(size)} from {host}")
    return b"".join(pieces)
