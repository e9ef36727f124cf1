"""Downloading pages from a real local server: redirects, errors, timeouts, size caps, types."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from flashcards.core.errors import InputError
from flashcards.core.generate import load_article
from flashcards.core.generate.fetch import fetch_url, is_url
from tests.local_site import HUGE_BYTES, Site, refused_url, serve


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    with serve(pdf=b"%PDF-1.4\n%fake\n") as running:
        yield running


def refusal(url: str, **kwargs: float) -> str:
    """The message of the InputError fetching ``url`` raises; it must be one line."""
    with pytest.raises(InputError) as info:
        fetch_url(url, **kwargs)
    message = str(info.value)
    assert "\n" not in message and message.endswith("."), message
    return message


def test_is_url() -> None:
    assert is_url("https://example.org/a") and is_url("HTTP://example.org")
    assert not is_url("article.html") and not is_url("/tmp/http://x") and not is_url("ftp://x")


def test_a_page_and_its_progress(site: Site) -> None:
    calls: list[tuple[float, str]] = []
    download = fetch_url(site.url("/web/blog.html"), progress=lambda f, m: calls.append((f, m)))
    assert download.content_type == "text/html"
    assert download.charset == "utf-8"
    assert download.url == site.url("/web/blog.html")
    assert b"How Photosynthesis Works" in download.data
    assert calls and all(0.0 <= f <= 1.0 for f, _ in calls)
    assert calls[-1][0] == 1.0 and "127.0.0.1" in calls[-1][1]


def test_redirects_are_followed(site: Site) -> None:
    download = fetch_url(site.url("/redirect-chain"))
    assert download.url == site.url("/web/blog.html")
    assert b"Photosynthesis" in download.data


def test_redirect_loop_and_non_web_redirect(site: Site) -> None:
    assert "redirects too many times" in refusal(site.url("/loop"))
    assert "not a web address" in refusal(site.url("/to-ftp"))


def test_http_errors_say_the_status(site: Site) -> None:
    assert refusal(site.url("/missing")) == (
        f"The page {site.url('/missing')} was not found (HTTP 404)."
    )
    assert "HTTP 500 (Internal Server Error)" in refusal(site.url("/broken"))
    assert "HTTP 403" in refusal(site.url("/forbidden"))


def test_no_answer_times_out(site: Site) -> None:
    start = time.monotonic()
    message = refusal(site.url("/slow"), timeout=0.5)
    assert message == "127.0.0.1 did not answer within 0.5 seconds."
    assert time.monotonic() - start < 5


def test_a_page_that_stops_arriving_times_out(site: Site) -> None:
    start = time.monotonic()
    assert "stopped sending the page for 0.5 seconds" in refusal(site.url("/stalls"), timeout=0.5)
    assert time.monotonic() - start < 5


def test_a_page_that_never_ends_meets_the_deadline(site: Site) -> None:
    start = time.monotonic()
    message = refusal(site.url("/drips"), timeout=2, deadline=0.6)
    assert message == "127.0.0.1 took more than 0.6 seconds to send the page."
    assert time.monotonic() - start < 5


def test_huge_page_is_refused_by_its_length(site: Site) -> None:
    start = time.monotonic()
    message = refusal(site.url("/huge"))
    assert "is larger than 5 MiB (48 MiB)" in message
    assert time.monotonic() - start < 5
    assert site.sent.get("/huge", 0) < HUGE_BYTES // 2  # hung up early, not read whole


def test_huge_page_without_length_is_refused_while_streaming(site: Site) -> None:
    start = time.monotonic()
    message = refusal(site.url("/huge-stream"))
    assert "is larger than 5 MiB; it is not one article." in message
    assert time.monotonic() - start < 10
    time.sleep(0.2)  # the server notices the hang-up
    assert site.sent.get("/huge-stream", 0) < HUGE_BYTES // 2


def test_what_is_not_a_page_is_refused(site: Site) -> None:
    assert refusal(site.url("/image.png")) == (
        f"{site.url('/image.png')} is not a web page or a PDF (the server says it is image/png)."
    )
    assert "application/zip" in refusal(site.url("/archive.zip"))
    assert "binary data" in refusal(site.url("/binary.html"))
    assert "binary data" in refusal(site.url("/unlabelled"))
    assert "is an empty page" in refusal(site.url("/empty.html"))


def test_unlabelled_pdf_is_sniffed(site: Site) -> None:
    assert fetch_url(site.url("/download")).content_type == "application/pdf"


def test_compressed_page(site: Site) -> None:
    download = fetch_url(site.url("/compressed.html"))
    assert b"Music Theory Glossary" in download.data


def test_connection_refused_and_unknown_host() -> None:
    assert "the connection was refused" in refusal(refused_url())
    assert "Cannot find the server nonexistent.invalid" in refusal("http://nonexistent.invalid/")


def test_only_web_addresses() -> None:
    assert "not a web address" in refusal("ftp://127.0.0.1/file.txt")
    assert "not a web address" in refusal("http:///no-host")


def test_load_article_from_urls(site: Site) -> None:
    article = load_article(site.url("/redirect"))
    assert article.title == "How Photosynthesis Works"
    assert article.url == article.attribution == site.url("/web/blog.html")
    assert article.path is None
    assert "## Where it happens" in article.text

    notes = load_article(site.url("/notes.txt"))
    assert notes.text.startswith("Stomata") and notes.url == site.url("/notes.txt")


def test_shift_jis_page_with_charset_only_in_meta(site: Site) -> None:
    article = load_article(site.url("/sjis.html"))
    assert article.title == "光合成のしくみ"
    assert "光合成とは、植物が光のエネルギーを使って" in article.text
    # The line break inside the Japanese paragraph is no space.
    assert "行われます。葉緑体の中には" in article.text
    assert "- 気孔：葉の表面にある小さな穴" in article.text
    assert "ホーム" not in article.text


def test_pages_without_an_article(site: Site) -> None:
    with pytest.raises(InputError, match="has no main text to make cards from"):
        load_article(site.url("/nav-only.html"))
    with pytest.raises(InputError, match="damaged PDF"):
        load_article(site.url("/damaged.pdf"))
    with pytest.raises(InputError, match="was not found"):
        load_article(site.url("/missing"))
    with pytest.raises(InputError, match="did not answer within 0.3 seconds"):
        load_article(site.url("/slow"), timeout=0.3)
