"""PDF -> article text: the text layer of a PDF, as paragraphs (no OCR).

pypdf reads the text (pure Python, so nothing to compile; imported only when a PDF is read). Its
layout mode places the text as it stands on the page, so lines and the gaps between paragraphs
survive; a page set in two columns is read column by column (:mod:`pdf_columns`); this
module then drops page numbers and running headers and footers, joins the lines
of a paragraph (words hyphenated at a line end are mended, Japanese lines are joined without a
space) and marks bulleted lines as ``- `` list items.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flashcards.core.errors import InputError
from flashcards.core.generate.pdf_columns import read_columns
from flashcards.core.generate.pdf_tables import (
    CJK,
    CJK_GAP,
    contents_lines,
    display_width,
    find_tables,
)

if TYPE_CHECKING:
    from pypdf import PdfReader

Progress = Callable[[float, str], None]

MAX_PDF_BYTES = 20 * 1024 * 1024
"""PDF files larger than this (20 MiB) are refused; an article of 30 pages is 0.2-5 MB."""

MAX_PDF_PAGES = 500
"""PDFs with more pages are refused without reading them: a book is not one article."""

_CJK_CHAR = re.compile(rf"[{CJK}]")
_SPACES = re.compile(r"[ \t\u00a0]{2,}|\t")
# Characters some PDF producers map glyphs to: Kangxi radicals (⽇ for 日) and ligatures (ﬁ).
_COMPAT = re.compile("[\u2e80-\u2fdf\ufb00-\ufb06]")
# NFKC folds the Kangxi radicals but not the CJK Radicals Supplement, which some producers (Qt,
# Chrome) also emit for whole kanji: ⻑ for 長, ⺠ for 民. Unicode's Equivalent_Unified_Ideograph
# property maps them; these are the ones that stand for a whole kanji of Japanese text.
_RADICAL_SUPPLEMENT = str.maketrans(
    {
        "\u2e9f": "母",
        "\u2ea0": "民",
        "\u2eae": "竹",
        "\u2ec4": "西",
        "\u2ec6": "角",
        "\u2eca": "足",
        "\u2ed1": "長",
        "\u2ed8": "青",
        "\u2edd": "食",
        "\u2edf": "食",
        "\u2ee4": "鬼",
        "\u2ee8": "麦",
        "\u2ee9": "黄",
        "\u2eeb": "斉",
        "\u2eed": "歯",
        "\u2eef": "竜",
        "\u2ef2": "亀",
    }
)
_PAGE_NUMBER = re.compile(
    r"^(?:[-–—]\s*)?(?:(?:page|p\.|s\.)\s*)?(?:\d{1,4}|[ivxlc]{1,6})"
    r"(?:\s*(?:/|of|／)\s*\d{1,4})?(?:\s*(?:ページ|頁))?(?:\s*[-–—])?$",
    re.IGNORECASE,
)
_BULLET = re.compile("^[•●▪◦■□・◆◇○‣⁃\u2013\u2014\uf0b7\uf0a7\uf076\uf0d8*-]\\s+(\\S.*)$")
_TERMINAL = ".!?。！？:：」』）)"
_EDGE_LINES = 2  # lines at the top and bottom of a page where headers and footers are looked for


@dataclass(frozen=True)
class PdfText:
    """The text of a PDF.

    Attributes:
        text: Paragraphs separated by a blank line, list items as ``- item``.
        title: The title in the PDF's metadata, if it is a real one ("" otherwise).
        truncated: Reading stopped because the text grew past ``max_bytes``.
    """

    text: str
    title: str
    truncated: bool


def pdf_text(
    data: bytes, name: str, *, max_bytes: int, progress: Progress | None = None
) -> PdfText:
    """Read the text layer of a PDF.

    Args:
        data: The PDF file's bytes.
        name: A name for messages (the file name or address).
        max_bytes: Reading stops once the text (UTF-8) is larger than this.
        progress: Called as ``progress(fraction, message)`` as pages are read.

    Returns:
        The text (possibly cut short, see `PdfText.truncated`) and the metadata title.

    Raises:
        InputError: If the PDF is too large, damaged, encrypted, or has no text layer.
    """
    report: Progress = progress or (lambda _fraction, _message: None)
    if len(data) > MAX_PDF_BYTES:
        raise InputError(
            f"{name} is larger than {MAX_PDF_BYTES // (1024 * 1024)} MiB; "
            "generate cards from one article at a time."
        )
    from pypdf import PdfReader  # here, not at the top: see the module's docstring

    damaged = InputError(f"{name} is a damaged PDF file; its text cannot be read.")
    # pypdf raises many kinds of exception on broken files (its own, ValueError, KeyError,
    # TypeError, RecursionError ...): any of them means the file cannot be read.
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not _decrypt(reader):
            raise InputError(
                f"{name} is encrypted (password-protected); save an unprotected copy and try again."
            )
        count = len(reader.pages)
    except InputError:
        raise
    except Exception:
        raise damaged from None
    if count > MAX_PDF_PAGES:
        raise InputError(
            f"{name} has {count} pages (at most {MAX_PDF_PAGES}); "
            "generate cards from one article or chapter at a time."
        )
    pages: list[list[str]] = []
    size = 0
    truncated = False
    for index in range(count):
        try:
            page = reader.pages[index]
            try:
                raw = page.extract_text(extraction_mode="layout")
            except Exception:
                raw = page.extract_text()  # layout mode gave up: the plain order of the page
        except Exception:
            raise damaged from None
        lines = read_columns([_layout_line(line) for line in raw.split("\n")])
        pages.append(lines)
        size += sum(len(line.encode("utf-8")) + 1 for line in lines)
        report((index + 1) / count, f"Read page {index + 1} of {count}")
        if size > max_bytes:
            truncated = True
            break
    if not any(line for lines in pages for line in lines):
        raise InputError(
            f"{name} has no text layer (it looks like a scan); "
            "text in images is not recognised (no OCR)."
        )
    try:
        title = _metadata_title(reader.metadata.title if reader.metadata else None)
    except Exception:
        title = ""  # a damaged information dictionary: the title is found in the text instead
    return PdfText(text=join_pages(pages), title=title, truncated=truncated)


def _decrypt(reader: PdfReader) -> bool:
    """Open a PDF encrypted with an empty user password (only printing or copying limited)."""
    from pypdf import PasswordType

    try:
        return reader.decrypt("") != PasswordType.NOT_DECRYPTED
    except Exception:
        return False  # an algorithm pypdf cannot do without optional packages (AES)


def _metadata_title(title: object) -> str:
    if not isinstance(title, str):
        return ""
    title = " ".join(title.split())
    lowered = title.lower()
    if (
        not title
        or lowered in ("untitled", "title", "no title", "document")
        or lowered.startswith("microsoft word - ")
        or lowered.endswith((".doc", ".docx", ".pdf", ".tex", ".dvi", ".odt", ".indd"))
        or len(title) > 200
    ):
        return ""
    return title


def _layout_line(line: str) -> str:
    """A line as layout mode placed it (the gaps between table columns kept), characters fixed.

    Tabs become spaces: Qt's PDFs separate the words of a line by tab characters.
    """
    line = _COMPAT.sub(
        lambda m: unicodedata.normalize("NFKC", m.group(0).translate(_RADICAL_SUPPLEMENT)), line
    )
    return line.replace("\t", " ").rstrip()


def _clean_line(line: str) -> str:
    stripped = line.strip()
    if not stripped:
        return ""
    # The indentation is kept (as spaces) for telling a list item's next line from a paragraph.
    indent = len(line) - len(line.lstrip())
    stripped = CJK_GAP.sub("", _SPACES.sub(" ", stripped))
    return " " * min(indent, 40) + stripped


def _is_japanese(line: str) -> bool:
    """True if most of the line's characters are Japanese."""
    text = line.strip()
    return len(_CJK_CHAR.findall(text)) * 2 > len(text)


def _edge_key(line: str) -> str:
    return re.sub(r"\d+", "#", " ".join(line.split()).lower())


def _strip_edges(pages: list[list[str]]) -> list[list[str]]:
    """Drop page numbers, and headers and footers repeated on most pages."""

    def edges(lines: list[str]) -> list[int]:
        filled = [i for i, line in enumerate(lines) if line]
        return sorted(set(filled[:_EDGE_LINES] + filled[-_EDGE_LINES:]))

    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update({_edge_key(lines[i]) for i in edges(lines)})
    # On most pages (two at least, three when there are three): a line that a repetitive text
    # happens to put at the edge of two pages stays, and a single page has no running header.
    needed = max(2, min(3, len(pages)), math.ceil(len(pages) * 0.6))
    repeated = {key for key, n in counts.items() if n >= needed}
    result = []
    for lines in pages:
        drop = {
            i
            for i in edges(lines)
            if _PAGE_NUMBER.match(lines[i].strip()) or _edge_key(lines[i]) in repeated
        }
        kept = [line for i, line in enumerate(lines) if i not in drop]
        # Blank lines at a page's top and bottom are margins, not paragraph breaks: a paragraph
        # cut by the page break goes on (whether it ended is told by its last line).
        while kept and not kept[0]:
            kept.pop(0)
        while kept and not kept[-1]:
            kept.pop()
        result.append(kept)
    return result


def _glue(left: str, right: str) -> str:
    """Join a line to the next one of its paragraph."""
    if left.endswith("\u00ad"):
        return left[:-1] + right
    if left.endswith("-") and len(left) >= 2 and left[-2].isalpha() and right[:1].islower():
        word = left.rsplit(" ", 1)[-1]
        # "infor-" + "mation" was one word broken at the line end; "state-of-the-" + "art" keeps
        # its hyphens.
        return (left if word.count("-") > 1 else left[:-1]) + right
    if _CJK_CHAR.match(left[-1:]) and _CJK_CHAR.match(right[:1]):
        return left + right
    return left + " " + right


def join_pages(pages: list[list[str]]) -> str:
    """Paragraphs (and ``- `` items) from the lines of the pages, as our Markdown text.

    Args:
        pages: Each page's lines as layout mode places them (indentation and the gaps between
            table columns kept), "" for a blank line.

    Returns:
        The text; paragraphs separated by a blank line, tables as Markdown rows.
    """
    layout = [line for page in _strip_edges(pages) for line in [*page, "\x0c"]]
    contents = contents_lines(layout)
    layout = ["" if n in contents else line for n, line in enumerate(layout)]
    tables = find_tables(layout)
    lines = [line if line == "\x0c" else _clean_line(line) for line in layout]
    # The width of a full line, for Japanese and for other lines apart: the extracted text does
    # not say where the margin is, and a line of kanji is not as long as a line of Latin letters
    # of the same number of columns.
    widths: dict[bool, list[int]] = {True: [], False: []}
    in_table = {i for start, (end, _rows) in tables.items() for i in range(start, end)}
    for n, line in enumerate(lines):
        if line.strip() and line != "\x0c" and n not in in_table:
            widths[_is_japanese(line)].append(display_width(line.strip()))
    fulls = {kind: sorted(found)[int(len(found) * 0.9)] for kind, found in widths.items() if found}
    blocks: list[str] = []  # paragraphs and "- " items
    current = ""  # the paragraph or item being joined
    item_indent = -1  # indentation of the current item's text (-1: a paragraph)
    last_width, last_kind = 0, False  # the width and kind of the last line joined

    def flush() -> None:
        nonlocal current, item_indent
        if current:
            blocks.append(current)
        current, item_indent = "", -1

    for n, line in enumerate(lines):
        if n in tables:
            flush()
            blocks.append(tables[n][1])
            continue
        if n in in_table or line == "\x0c":
            continue  # a page break: a paragraph may go on on the next page
        text = line.strip()
        if not text:
            flush()
            continue
        indent = len(line) - len(line.lstrip())
        bullet = _BULLET.match(text)
        if bullet:
            flush()
            current = "- " + bullet.group(1)
            item_indent = indent + 2
            last_width, last_kind = display_width(text), _is_japanese(text)
            continue
        if current and item_indent >= 0 and indent < item_indent - 1:
            flush()  # back at the margin: the list is over
        if current and _ends_paragraph(current, last_width, fulls.get(last_kind, 0)):
            flush()
        current = _glue(current, text) if current else text
        last_width, last_kind = display_width(text), _is_japanese(text)
    flush()
    # A blank line between blocks, except between the items of a list.
    out: list[str] = []
    for block in blocks:
        if out and not (block.startswith("- ") and out[-1].startswith("- ")):
            out.append("")
        out.append(block)
    return "\n".join(out).strip("\n")


def _ends_paragraph(current: str, width: int, full: int) -> bool:
    """True if the line just added (``width`` wide) was the last of its paragraph."""
    if not full:
        return False
    if width < 0.6 * full:
        return True  # a short line: a paragraph's last line, a heading or a title
    return current.rstrip()[-1:] in _TERMINAL and width < 0.85 * full
