"""Web pages -> article text: a page's main text, written in the Markdown that structure reads.

The main text is found by trafilatura, imported only when a page is read (it takes about a
quarter of a second to import, which generating from a text file should not pay). Its XML output
keeps headings, lists, tables and definition lists; `xml_to_markdown` writes them in our
conventions (docs/generation.md, "Reading web pages and PDFs"):

- headings ``# ``, ``## ``, ``### `` ... by level;
- list items ``- item``, nested lists indented two spaces a level;
- table rows ``| cell | cell |``, a header row followed by ``| --- | --- |``;
- definition lists: the term on its own line, each definition on the next line after ``: ``,
  a blank line after each group;
- paragraphs separated by a blank line; bold kept as ``**x**``; links become their text.
"""

from __future__ import annotations

import codecs
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from configparser import ConfigParser

MAX_PAGE_BYTES = 5 * 1024 * 1024
"""Web pages larger than this (5 MiB) are refused; a long article's page is 100-500 kB."""

MAX_PAGE_ELEMENTS = 50_000
"""Pages with more HTML elements than this are refused: the extractor's time grows faster than
the page (about 1 s for 10,000 elements, 6 s for 40,000 on the test machine), and a long article's
page has a few thousand."""

_SNIFF = 4096
_META_CHARSET = re.compile(
    rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE
)
# What browsers do with some labels (WHATWG Encoding): Shift_JIS is decoded as Windows-31J and
# Latin-1 as Windows-1252, so characters those pages really use are not lost.
_ALIASES = {
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "ms_kanji": "cp932",
    "windows-31j": "cp932",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "x-euc-jp": "euc_jp",
    "utf8": "utf-8",
}
_HTML_START = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title|p|div|h[1-6]|article)\b",
    re.IGNORECASE | re.DOTALL,
)
_HTML_TAG = re.compile(rb"<(?:html|head|body|p|div|h[1-6]|article|br|ul|table)\b", re.IGNORECASE)

# Characters between which a line break in the page's source is no space in the text: Japanese
# is written without spaces, so `<p>江戸\n時代</p>` reads 江戸時代.
_CJK = (
    "\u3000-\u303f"  # CJK punctuation
    "\u3040-\u30ff"  # kana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # ideographs
    "\uff01-\uff60\uff61-\uff9f"  # full- and half-width forms
)
_SPACE = re.compile(rf"(?P<cjk>(?<=[{_CJK}])[ \t\r\f\v]*\n\s*(?=[{_CJK}]))|\s+")
# The same in the page's source, before the extractor folds every line break into a space.
_CJK_LINE_BREAK = re.compile(rf"(?<=[{_CJK}])[ \t]*\r?\n\s*(?=[{_CJK}])")
_BREAK = "\ue000"  # a <br> while inline text is gathered (private use: never in a page's text)
_BLOCKS = frozenset({"head", "p", "list", "table", "quote", "code", "div", "main", "graphic"})


@dataclass(frozen=True)
class PageStats:
    """What a page holds, counted without parsing it (see `page_stats`)."""

    elements: int
    text_chars: int


@dataclass(frozen=True)
class WebText:
    """The main text of a page in our Markdown conventions, and its title ("" if none)."""

    text: str
    title: str


def looks_like_html(data: bytes) -> bool:
    """True if the first kilobytes of ``data`` read as an HTML document or fragment."""
    head = data[:_SNIFF].lstrip(b"\xef\xbb\xbf")
    if _HTML_START.match(head):
        return True
    # A fragment (pasted or saved without a head): several common tags near the start.
    return len(_HTML_TAG.findall(head)) >= 3 and head.lstrip()[:1] == b"<"


def page_stats(html: str, stop_after: int = MAX_PAGE_ELEMENTS) -> PageStats:
    """Count a page's elements and the characters of text outside tags, scripts and styles.

    One pass with `str.find` (linear in the page, whatever its shape), so a page too large for the
    extractor is refused before the extractor sees it.

    Args:
        html: The page.
        stop_after: Stop counting after this many elements (the page is refused anyway).

    Returns:
        The counts (as far as counted).
    """
    lower = html.lower()
    n = len(html)
    pos = elements = text = 0
    while pos < n:
        start = html.find("<", pos)
        if start < 0:
            text += n - pos
            break
        text += start - pos
        if html.startswith("<!--", start):
            end = html.find("-->", start + 4)
            pos = n if end < 0 else end + 3
            continue
        end = html.find(">", start + 1)
        if end < 0:
            break
        elements += html[start + 1 : start + 2] not in ("/", "!", "?")
        if elements > stop_after:
            break
        pos = end + 1
        for raw in ("script", "style"):
            if lower.startswith(raw, start + 1) and not lower[start + 1 + len(raw)].isalnum():
                close = lower.find("</" + raw, pos)
                pos = n if close < 0 else close
                break
    return PageStats(elements=elements, text_chars=text)


def _known(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _ALIASES.get(label, label)
    try:
        codecs.lookup(label)
    except LookupError:
        return None
    return label


def html_charset(data: bytes, declared: str | None = None) -> str | None:
    """The encoding of a page, as a browser would choose it (None: not declared).

    A byte-order mark wins, then the charset the server declared, then a ``<meta charset>`` or
    ``<meta http-equiv="Content-Type" content="...; charset=...">`` in the first 4 KB.

    Args:
        data: The page's bytes.
        declared: The ``charset`` parameter of the HTTP ``Content-Type`` header, if any.

    Returns:
        A codec name Python knows, or None.
    """
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    chosen = _known(declared)
    if chosen is not None:
        return chosen
    match = _META_CHARSET.search(data[:_SNIFF])
    if match:
        label = _known(match.group(1).decode("ascii", "replace"))
        # A page that says UTF-16 in its <meta> is not UTF-16 (the tag itself was read as ASCII).
        if label is not None and not label.startswith("utf-16"):
            return label
    return None


@cache
def _config() -> ConfigParser:
    from trafilatura.settings import use_config

    config = use_config()
    # The date is not used: the exhaustive search of the page for it is skipped.
    config.set("DEFAULT", "EXTENSIVE_DATE_SEARCH", "off")
    return config


def extract_main_text(html: str, *, url: str | None = None) -> WebText | None:
    """Find a page's main text and write it in our Markdown conventions.

    Navigation, sidebars, footers, comments, cookie banners and the like are left out.

    Args:
        html: The page (a whole document or a fragment).
        url: The page's address, if known (helps tell the site's name from the page's title).

    Returns:
        The text and title, or None if the page has no main text.
    """
    import trafilatura  # here, not at the top: see the module's docstring

    source = _CJK_LINE_BREAK.sub("", html)

    def extract(*, favor_recall: bool) -> str | None:
        result: str | None = trafilatura.extract(
            source,
            url=url,
            output_format="xml",
            include_formatting=True,
            include_links=False,
            include_images=False,
            include_tables=True,
            include_comments=False,
            with_metadata=True,
            favor_recall=favor_recall,
            config=_config(),
        )
        return result

    xml = extract(favor_recall=False)
    if not xml:
        return None
    if "<head" not in xml and "<list" not in xml:
        # The default choice sometimes keeps a page's paragraphs but loses its headings and
        # lists (a Qiita article: every <h2> and <ul> gone), which name and explain terms.
        # The recall-favouring pass keeps them; it is taken when it adds structure without
        # growing much (not when it pulls in the page's furniture).
        fuller = extract(favor_recall=True)
        if fuller and ("<head" in fuller or "<list" in fuller) and len(fuller) <= 1.6 * len(xml):
            xml = fuller
    try:
        doc = ET.fromstring(xml)
    except ET.ParseError:
        return None
    main = doc.find("main")
    text = xml_to_markdown(main) if main is not None else ""
    if not _has_text(text):
        return None
    title = _heading_text(_squash(doc.get("title", "")))
    return WebText(text=text, title=title or _first_heading(text))


def _has_text(text: str) -> bool:
    """True if ``text`` holds at least a sentence (not a few stray link labels)."""
    solid = "".join(text.split())
    return len(solid) >= 20 or any(ch in solid for ch in ".!?。！？")


def _first_heading(text: str) -> str:
    for line in text.split("\n"):
        if line.startswith("#"):
            return line.lstrip("#").strip()
    return ""


def _squash(text: str) -> str:
    """Whitespace runs as one space (none at a line break inside Japanese text), trimmed."""
    return _SPACE.sub(lambda m: "" if m.group("cjk") is not None else " ", text).strip()


def xml_to_markdown(main: ET.Element) -> str:
    """Write trafilatura's XML of a page's main text in our Markdown conventions.

    Args:
        main: The ``<main>`` element of trafilatura's XML output.

    Returns:
        The text; blocks are separated by one blank line.
    """
    out: list[str] = []
    _container(main, out, 0)
    text = "\n".join(out)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")


def _blank(out: list[str]) -> None:
    if out and out[-1] != "":
        out.append("")


def _paragraph(pieces: list[str], out: list[str]) -> None:
    text = _inline_text(pieces)
    if text:
        _blank(out)
        out.extend(text.split("\n"))
        out.append("")


def _inline_text(pieces: list[str], *, breaks: bool = True) -> str:
    text = "".join(pieces)
    # _SPACE treats the break marker as text, so spaces around a <br> are trimmed below.
    squashed = _squash(text)
    if _BREAK not in squashed:
        return squashed
    lines = [line.strip() for line in squashed.split(_BREAK)]
    return ("\n" if breaks else " ").join(line for line in lines if line)


def _container(el: ET.Element, out: list[str], depth: int) -> None:
    """Blocks inside ``el``; loose text between them becomes paragraphs."""
    pieces = [el.text or ""]
    for child in el:
        # <code> inside a paragraph is inline code (a word or a number), not a code block.
        if child.tag in _BLOCKS and not (child.tag == "code" and el.tag == "p"):
            _paragraph(pieces, out)
            _block(child, out, depth)
            pieces = [child.tail or ""]
        else:
            _inline(child, pieces)
            pieces.append(child.tail or "")
    _paragraph(pieces, out)


def _block(el: ET.Element, out: list[str], depth: int) -> None:
    tag = el.tag
    if tag == "head":
        text = _heading_text(_inline_text(_gather(el), breaks=False))
        if text:
            level = _heading_level(el.get("rend", ""))
            _blank(out)
            out.append("#" * level + " " + text)
            out.append("")
    elif tag == "list":
        _blank(out)
        if el.get("rend", "") == "dl":
            _definitions(el, out)
        else:
            _items(el, out, 0)
        _blank(out)
    elif tag == "table":
        _blank(out)
        _table(el, out)
        _blank(out)
    elif tag == "code":
        code = "".join(el.itertext()).strip("\n")
        if code.strip():
            _blank(out)
            out.extend(["```", *code.split("\n"), "```", ""])
    elif tag == "graphic":
        return
    else:  # p, quote, div, main: paragraphs and the blocks inside them
        _container(el, out, depth)


def _heading_text(text: str) -> str:
    # Documentation generators end headings with a permalink sign (Sphinx's ¶).
    return text.rstrip("¶").rstrip()


def _heading_level(rend: str) -> int:
    if len(rend) == 2 and rend[0] == "h" and rend[1] in "123456":
        return int(rend[1])
    return 2


def _gather(el: ET.Element) -> list[str]:
    """The inline text of ``el`` (without its tail) as pieces."""
    pieces = [el.text or ""]
    for child in el:
        _inline(child, pieces)
        pieces.append(child.tail or "")
    return pieces


def _inline(el: ET.Element, pieces: list[str]) -> None:
    """Add ``el``'s text (not its tail) to ``pieces``: bold as ``**x**``, ``<lb>`` as a break."""
    tag = el.tag
    if tag == "lb":
        pieces.append(_BREAK)
        return
    if tag == "graphic":
        return
    inner = _gather(el)
    if tag == "hi" and "#b" in el.get("rend", ""):
        text = _squash("".join(inner))
        if text and "**" not in text:
            # The emphasis marks hug the words: spaces around them stay outside.
            raw = "".join(inner)
            lead = " " if raw[:1].isspace() else ""
            trail = " " if raw[-1:].isspace() else ""
            pieces.append(f"{lead}**{text}**{trail}")
            return
    if tag != "code" and (tag in _BLOCKS or tag in ("item", "row", "cell")):
        # A block inside inline content (a list in a table cell): its text, spaced apart.
        pieces.append(" ")
        pieces.extend(inner)
        pieces.append(" ")
        return
    pieces.extend(inner)


def _items(el: ET.Element, out: list[str], depth: int) -> None:
    indent = "  " * depth
    for item in el:
        if item.tag != "item":
            continue
        pieces = [item.text or ""]
        nested: list[ET.Element] = []
        for child in item:
            if child.tag == "list":
                nested.append(child)
            else:
                _inline(child, pieces)
            pieces.append(child.tail or "")
        text = _inline_text(pieces, breaks=False)
        if text:
            out.append(f"{indent}- {text}")
        for sub in nested:
            if sub.get("rend", "") == "dl":
                _blank(out)
                _definitions(sub, out)
            else:
                _items(sub, out, depth + 1 if text else depth)


def _definitions(el: ET.Element, out: list[str]) -> None:
    started = False
    for item in el:
        if item.tag != "item":
            continue
        text = _inline_text(_gather(item), breaks=False)
        if not text:
            continue
        if item.get("rend", "").startswith("dt"):
            if started:
                _blank(out)
            out.append(text)
        else:
            out.append(f": {text}")
        started = True
    _blank(out)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _table(el: ET.Element, out: list[str]) -> None:
    first = True
    for row in el.iter("row"):
        cells = [c for c in row if c.tag == "cell"]
        texts = [_cell(_inline_text(_gather(c), breaks=False)) for c in cells]
        if not any(texts):
            continue
        out.append("| " + " | ".join(texts) + " |")
        if first and cells and all(c.get("role") == "head" for c in cells):
            out.append("| " + " | ".join("---" for _ in cells) + " |")
        first = False
