"""Reading an article (text, Markdown, a web page or a PDF, a file or an address) as our text.

`load_article` is the one entry point: it tells a URL from a path, and a PDF or an HTML page from
a text file (by name, then by content), and hands each to its reader (`fetch`, `web`, `pdf`),
which are imported only when needed. Every reader gives text in the Markdown conventions that
`structure.parse_document` reads, and every failure a user can cause is one `InputError`
sentence.
"""

from __future__ import annotations

import codecs
import re
import tomllib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flashcards.core.errors import InputError
from flashcards.core.generate.furniture import is_breadcrumb, is_furniture

Progress = Callable[[float, str], None]

MAX_ARTICLE_BYTES = 256 * 1024
"""Articles larger than this (256 KiB) are refused: generation is meant for one article at a
time, and the tokenizer's cost (about 30 µs a byte when no two sentences are alike) keeps the
largest article within 10 s. A long article is 20-100 kB."""

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Legacy Japanese encodings tried (in this order) when the bytes are not UTF-8.
_LEGACY = ("cp932", "euc_jp")
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_TITLE_MAX = 120


@dataclass(frozen=True)
class Article:
    r"""An article ready for generation.

    Attributes:
        text: The decoded text, newlines normalised to ``\n``, otherwise unchanged.
        title: The article's title (its first line or Markdown heading, else the file name).
        path: The file it was read from, if any.
        attribution: Credit and licence for the article, from a ``<name>.source.toml`` file
            next to it, or the address of the web page it was downloaded from (never invented).
        url: The address it was downloaded from, if any (after redirects).
    """

    text: str
    title: str
    path: Path | None = None
    attribution: str = ""
    url: str = ""


def _plausibility(text: str) -> tuple[float, float]:
    """Return (share of characters plausible in Japanese or English text, share of hiragana)."""
    if not text:
        return 0.0, 0.0
    good = 0.0
    hira = 0
    for ch in text:
        code = ord(ch)
        if ch in _ALLOWED_CONTROLS or 0x20 <= code < 0x7F:
            good += 1
        elif 0x3041 <= code <= 0x309F:
            good += 1
            hira += 1
        elif (
            0x30A0 <= code <= 0x30FF  # katakana
            or 0x4E00 <= code <= 0x9FFF  # CJK unified ideographs
            or 0x3000 <= code <= 0x303F  # CJK punctuation
            or 0xFF01 <= code <= 0xFF5E  # full-width ASCII
            or 0x2010
            <= code
            <= 0x2312  # punctuation, arrows, maths, Roman numerals, circled numbers
            or 0x2460 <= code <= 0x25FF  # enclosed numbers, box drawing, shapes
            or 0x0391 <= code <= 0x03C9  # Greek (in JIS X 0208)
            or 0x0410 <= code <= 0x044F  # Cyrillic (in JIS X 0208)
            or code in (0x00A7, 0x00A8, 0x00B0, 0x00B1, 0x00B4, 0x00B6, 0x00D7, 0x00F7)
        ):
            good += 1
        elif 0xFF61 <= code <= 0xFF9F:  # half-width katakana: legal but rare in real text
            good += 0.3
    return good / len(text), hira / len(text)


def _decode_legacy(data: bytes) -> str | None:
    """Pick the legacy Japanese decoding whose output looks most like real text."""
    best: tuple[float, str] | None = None
    for encoding in _LEGACY:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        share, hira = _plausibility(text)
        if share < 0.97:
            continue
        score = share + hira
        if best is None or score > best[0]:
            best = (score, text)
    return None if best is None else best[1]


def _decode(data: bytes, name: str) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                label = encoding.upper().replace("-SIG", "")
                raise InputError(
                    f"{name} starts with a {label} mark but is not valid {label} text."
                ) from None
    if b"\x00" in data:
        raise InputError(f"{name} contains NUL bytes; it looks like a binary file, not text.")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text = _decode_legacy(data)
    if text is None:
        raise InputError(
            f"{name} is not text in UTF-8, UTF-16, Shift_JIS (CP932) or EUC-JP; "
            "save it as UTF-8 and try again."
        )
    return text


def _title_of(text: str, name: str) -> str:
    lines = text.split("\n")
    # A pasted page: its title comes after the menus, on the line after the breadcrumb.
    crumb = next((n for n, line in enumerate(lines[:30]) if is_breadcrumb(line.strip())), -1)
    if any(_MD_HEADING.match(line.strip()) for line in lines[: max(crumb, 0)]):
        crumb = -1  # a Markdown title above it is the title
    for line in lines[crumb + 1 :]:
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("---"):  # Markdown rule or front matter: not a title
            continue
        if is_furniture(stripped):  # a pasted page's menu, breadcrumb or date
            continue
        candidate = _MD_HEADING.sub("", stripped).strip().strip("#").strip()
        if candidate and len(candidate) <= _TITLE_MAX and candidate[-1] not in "。．.!?！？":
            return candidate
        break
    stem = Path(name).stem
    return stem or name


def decode_article(data: bytes, name: str) -> Article:
    """Decode an article's bytes (plain text or Markdown).

    UTF-8 (with or without BOM) and UTF-16/UTF-32 with BOM are recognised directly; other bytes
    are tried as CP932 (Shift_JIS) and EUC-JP and the decoding that yields plausible Japanese
    text wins.

    Args:
        data: The raw bytes of the file.
        name: A name for the article (file name), used in messages and as a fallback title.

    Returns:
        The article.

    Raises:
        InputError: If the bytes are too large, binary, undecodable, empty or whitespace only.
    """
    if len(data) > MAX_ARTICLE_BYTES:
        raise InputError(
            f"{name} is larger than {MAX_ARTICLE_BYTES // 1024} KiB; "
            "generate cards from one article at a time."
        )
    text = _decode(data, name)
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    for ch in text:
        if ch not in _ALLOWED_CONTROLS and unicodedata.category(ch) in ("Cc", "Cs"):
            raise InputError(f"{name} contains control characters; it looks like a binary file.")
    if not text.strip():
        raise InputError(f"{name} is empty or contains only whitespace.")
    return Article(text=text, title=_title_of(text, name), path=None)


def read_article(path: Path) -> Article:
    """Read and decode an article file.

    An optional ``<stem>.source.toml`` next to the file (``attribution = "..."``) supplies the
    credit line that deck descriptions and note sources carry; nothing is invented without it.

    Args:
        path: The file (plain text or Markdown).

    Returns:
        The article, with ``path`` (and ``attribution``, if the side file exists) set.

    Raises:
        InputError: If the file cannot be read or is not a usable article (see `decode_article`).
    """
    try:
        if path.is_dir():
            raise InputError(f"{path} is a folder, not an article file.")
        size = path.stat().st_size
        if size > MAX_ARTICLE_BYTES:
            raise InputError(
                f"{path.name} is larger than {MAX_ARTICLE_BYTES // 1024} KiB; "
                "generate cards from one article at a time."
            )
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    article = decode_article(data, path.name)
    return Article(
        text=article.text, title=article.title, path=path, attribution=_sidecar_attribution(path)
    )


def sidecar_path(path: Path) -> Path:
    """The optional ``<stem>.source.toml`` file next to an article that credits its source."""
    return path.with_name(path.stem + ".source.toml")


def _sidecar_attribution(path: Path) -> str:
    sidecar = sidecar_path(path)
    if not sidecar.is_file():
        return ""
    try:
        data = tomllib.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"Cannot read the source notes {sidecar.name}: {exc}.") from None
    value = data.get("attribution", "")
    if not isinstance(value, str):
        raise InputError(f"{sidecar.name}: 'attribution' must be text.")
    return value.strip()


# ---------------------------------------------------------------------------- any source

_HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml"})
_TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".text"})
_SNIFF = 1024


def _too_large(name: str) -> InputError:
    return InputError(
        f"{name} is larger than {MAX_ARTICLE_BYTES // 1024} KiB; "
        "generate cards from one article at a time."
    )


def _printable(text: str) -> str:
    """``text`` without control characters other than tab and newline.

    PDF text layers and pages carry stray ones; unlike in a text file they do not mean the input
    is binary.
    """
    if all(ch in _ALLOWED_CONTROLS or ch >= " " for ch in text):
        return text
    return "".join(
        ch for ch in text if ch in _ALLOWED_CONTROLS or unicodedata.category(ch) not in ("Cc", "Cs")
    )


def _decode_page(data: bytes, name: str, charset: str | None) -> str:
    from flashcards.core.generate.web import html_charset

    encoding = html_charset(data, charset)
    if encoding is None and b"\x00" in data[:_SNIFF]:
        raise InputError(f"{name} contains NUL bytes; it looks like a binary file, not a page.")
    if encoding is not None:
        # As a browser does: a wrong byte here and there becomes U+FFFD, the page is still read.
        return data.decode(encoding, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    return _decode_legacy(data) or data.decode("cp1252", errors="replace")


def decode_html(
    data: bytes, name: str, base_url: str | None = None, *, charset: str | None = None
) -> Article:
    """Read the main text of a web page (a saved or downloaded ``.html``, or pasted HTML).

    Navigation, sidebars, footers, comments and banners are left out; headings, lists, tables
    and definition lists are kept in our Markdown conventions (see `flashcards.core.generate.web`).

    Args:
        data: The page's bytes.
        name: A name for messages and the fallback title (file name or address).
        base_url: The page's address, if it was downloaded; it becomes the article's ``url`` and
            ``attribution``.
        charset: The encoding the server declared, if any (else a ``<meta charset>``, else
            UTF-8, Shift_JIS or EUC-JP by content).

    Returns:
        The article; its title is the page's title (without the site's name), else its first
        heading.

    Raises:
        InputError: If the page is too large, binary, or has no main text.
    """
    from flashcards.core.generate import web

    if len(data) > web.MAX_PAGE_BYTES:
        raise InputError(
            f"{name} is larger than {web.MAX_PAGE_BYTES // (1024 * 1024)} MiB; "
            "it is not one article."
        )
    html = _decode_page(data, name, charset)
    stats = web.page_stats(html)
    if stats.elements > web.MAX_PAGE_ELEMENTS:
        raise InputError(
            f"{name} is too large a page to read (more than {web.MAX_PAGE_ELEMENTS:,} HTML "
            "elements); save the article's text and generate from that."
        )
    if stats.text_chars > 2 * MAX_ARTICLE_BYTES:
        raise _too_large(name)  # whatever part of it is the article, it is longer than that
    found = web.extract_main_text(html, url=base_url)
    if found is None:
        raise InputError(
            f"{name} has no main text to make cards from "
            "(only links and menus, or a page built by JavaScript)."
        )
    text = _printable(found.text)
    if len(text.encode("utf-8")) > MAX_ARTICLE_BYTES:
        raise _too_large(name)
    url = base_url or ""
    return Article(text=text, title=found.title or _title_of(text, name), attribution=url, url=url)


def decode_pdf(data: bytes, name: str, *, progress: Progress | None = None) -> Article:
    """Read the text layer of a PDF (no OCR: a scanned PDF is refused).

    Paragraphs are kept (a blank line between them), lines broken inside a paragraph are joined
    (hyphenated words mended), page numbers and running headers and footers dropped.

    Args:
        data: The PDF's bytes.
        name: A name for messages and the fallback title (file name or address).
        progress: Called as ``progress(fraction, message)`` as pages are read.

    Returns:
        The article; its title is the PDF's metadata title, else its first line.

    Raises:
        InputError: If the PDF is too large, damaged, encrypted or has no text layer, or its
            text is larger than `MAX_ARTICLE_BYTES`.
    """
    from flashcards.core.generate.pdf import pdf_text

    found = pdf_text(data, name, max_bytes=MAX_ARTICLE_BYTES, progress=progress)
    text = _printable(found.text)
    if found.truncated or len(text.encode("utf-8")) > MAX_ARTICLE_BYTES:
        raise _too_large(name)
    return Article(text=text, title=found.title or _title_of(text, name))


def load_article(
    source: str | Path, *, progress: Progress | None = None, timeout: float | None = None
) -> Article:
    """Read an article from a web address or a file of any kind we read.

    Args:
        source: An ``http://`` or ``https://`` address (a `str`), or a path to a web page
            (``.html``, ``.htm``, ``.xhtml``), a PDF, or a text or Markdown file. A file's kind
            is told by its name, else by its first kilobyte (``%PDF``, HTML tags).
        progress: Called as ``progress(fraction, message)`` while a page downloads or a PDF's
            pages are read.
        timeout: Seconds to wait for a server's connection and each read (default 15).

    Returns:
        The article, its text in our Markdown conventions; ``url`` and ``attribution`` carry
        the address of a downloaded page, ``path`` the file read.

    Raises:
        InputError: If the source cannot be read or holds no usable article (one sentence).
    """
    if isinstance(source, str):
        from flashcards.core.generate.fetch import is_url

        if is_url(source):
            return _load_url(source, progress, timeout)
        path = Path(source)
        if source.lower().startswith("www.") and not path.exists():
            raise InputError(
                f"{source} is not a file; give a web page's whole address (https://…)."
            )
    else:
        path = source
    return _load_file(path, progress)


def _load_url(url: str, progress: Progress | None, timeout: float | None) -> Article:
    from flashcards.core.generate import fetch

    download = fetch.fetch_url(
        url, timeout=fetch.TIMEOUT if timeout is None else timeout, progress=progress
    )
    name = download.url
    if download.content_type in fetch.PDF_TYPES:
        article = decode_pdf(download.data, name)
    elif download.content_type in fetch.TEXT_TYPES:
        article = decode_article(download.data, name)
    else:
        return decode_html(download.data, name, base_url=download.url, charset=download.charset)
    return Article(
        text=article.text, title=article.title, attribution=download.url, url=download.url
    )


def _load_file(path: Path, progress: Progress | None) -> Article:
    from flashcards.core.generate.pdf import MAX_PDF_BYTES
    from flashcards.core.generate.web import MAX_PAGE_BYTES, looks_like_html

    try:
        if path.is_dir():
            raise InputError(f"{path} is a folder, not an article file.")
        with path.open("rb") as file:
            head = file.read(_SNIFF)
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    suffix = path.suffix.lower()
    if suffix == ".pdf" or head.startswith(b"%PDF-"):
        kind, limit = "pdf", MAX_PDF_BYTES
    elif suffix in _HTML_SUFFIXES or (suffix not in _TEXT_SUFFIXES and looks_like_html(head)):
        kind, limit = "html", MAX_PAGE_BYTES
    else:
        return read_article(path)
    if size > limit:
        raise InputError(
            f"{path.name} is larger than {limit // (1024 * 1024)} MiB; "
            "generate cards from one article at a time."
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    if kind == "pdf":
        article = decode_pdf(data, path.name, progress=progress)
    else:
        article = decode_html(data, path.name)
    return Article(
        text=article.text,
        title=article.title,
        path=path,
        attribution=_sidecar_attribution(path),
    )
