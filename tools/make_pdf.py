"""Test PDFs made here: text (Japanese too) laid out by Qt, with a real text layer or scanned.

The PDF reader's tests and benchmarks need PDFs whose content they know; a binary fixture
would hide what it holds, so they are rendered from text with Qt's `QPdfWriter` and
`QTextDocument`. ``scanned=True`` paints each page as a picture only, as a scanner would, so
the PDF has no text layer. `plain_pdf` writes the other common kind of text layer (one text
operator a line, a standard font, as many producers do; Qt places glyph by glyph).

Usage: ``python -m tools.make_pdf IN OUT [--scanned] [--header TEXT]`` (IN: a text or HTML
file, ``-`` for standard input).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QMarginsF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
    QTextListFormat,
)

_BULLETS = (
    QTextListFormat.Style.ListDisc,
    QTextListFormat.Style.ListCircle,
    QTextListFormat.Style.ListSquare,
)

RESOLUTION = 300
"""Dots per inch of the PDF's coordinate system (and of a scanned page's picture)."""

# Latin text is set in a Latin font first: Qt's text layer loses some digits set in Noto CJK
# (their glyphs get no Unicode mapping), and readers of the PDF would see control characters.
_LATIN_FAMILIES = ("DejaVu Sans", "Liberation Sans", "Noto Sans")
_CJK_FAMILIES = ("Noto Sans CJK JP", "Noto Serif CJK JP", "Noto Sans JP")


def _application() -> QGuiApplication:
    """The running Qt application, or a new one (offscreen when there is no display).

    A `QApplication` rather than a bare `QGuiApplication` is made, so widget tests that run later
    in the same process still find the application they need.
    """
    existing = QCoreApplication.instance()
    if existing is not None:
        if not isinstance(existing, QGuiApplication):
            raise RuntimeError("make_pdf needs a QGuiApplication, not a QCoreApplication")
        return existing
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    return QApplication(sys.argv[:1])


def _font() -> QFont:
    """A font that has Japanese glyphs when the system has Noto CJK, else Qt's default."""
    available = set(QFontDatabase.families())
    chosen = [
        next((f for f in group if f in available), "") for group in (_LATIN_FAMILIES, _CJK_FAMILIES)
    ]
    font = QFont()
    if any(chosen):
        font.setFamilies([f for f in chosen if f])
    font.setPointSizeF(11)
    return font


def _document(html_or_text: str, writer: QPdfWriter, width: float) -> QTextDocument:
    doc = QTextDocument()
    doc.documentLayout().setPaintDevice(writer)  # lay out in the PDF's units
    doc.setDefaultFont(_font())
    if html_or_text.lstrip().startswith("<"):
        doc.setHtml(html_or_text)
    else:
        doc.setPlainText(html_or_text)
    doc.setTextWidth(width)
    return doc


def _a4(path: Path, side_mm: float) -> tuple[QPdfWriter, QRectF, QRectF]:
    """An A4 PDF writer, its page and its body (the page less the header and page-number bands).

    Margins: 20 mm at the top and the bottom, ``side_mm`` at the sides.
    """
    _application()
    writer = QPdfWriter(str(path))
    writer.setResolution(RESOLUTION)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(side_mm, 20, side_mm, 20),
            QPageLayout.Unit.Millimeter,
        )
    )
    writer.setCreator("tools.make_pdf")
    page = QRectF(0, 0, writer.width(), writer.height())
    band = RESOLUTION * 0.35  # room for the header and the page number (0.35 in)
    return writer, page, QRectF(0, band, page.width(), page.height() - 2 * band)


def make_pdf(
    html_or_text: str,
    path: Path,
    *,
    scanned: bool = False,
    header: str = "",
    page_numbers: bool = True,
) -> int:
    """Render text or HTML to an A4 PDF.

    Args:
        html_or_text: The content; HTML when it starts with ``<``, else plain text (one paragraph
            a line).
        path: Where to write the PDF.
        scanned: Paint every page as an image only (no text layer), like a scan.
        header: A running header printed at the top of every page.
        page_numbers: Print the page number at the bottom of every page.

    Returns:
        The number of pages written.
    """
    writer, page, body = _a4(path, side_mm=20)
    doc = _document(html_or_text, writer, body.width())
    doc.setPageSize(QSizeF(body.width(), body.height()))
    pages = max(1, doc.pageCount())

    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(f"cannot write {path}")
    try:
        for index in range(pages):
            if index:
                writer.newPage()
            if scanned:
                image = QImage(int(page.width()), int(page.height()), QImage.Format.Format_RGB32)
                image.fill(QColor("white"))
                image.setDotsPerMeterX(round(RESOLUTION / 0.0254))
                image.setDotsPerMeterY(round(RESOLUTION / 0.0254))
                inner = QPainter(image)
                _paint_page(inner, doc, index, page, body, header, page_numbers)
                inner.end()
                painter.drawImage(page, image)
            else:
                _paint_page(painter, doc, index, page, body, header, page_numbers)
    finally:
        painter.end()
    return pages


def _paint_page(
    painter: QPainter,
    doc: QTextDocument,
    index: int,
    page: QRectF,
    body: QRectF,
    header: str,
    page_numbers: bool,
) -> None:
    painter.save()
    painter.setFont(doc.defaultFont())
    if header:
        painter.drawText(
            QRectF(0, 0, page.width(), body.top()), Qt.AlignmentFlag.AlignCenter, header
        )
    if page_numbers:
        painter.drawText(
            QRectF(0, body.bottom(), page.width(), page.height() - body.bottom()),
            Qt.AlignmentFlag.AlignCenter,
            str(index + 1),
        )
    # The document is drawn line by line, each line on the page it was laid out on: Qt's own
    # drawContents(clip) also draws the last line above the clip, and that line would then be in
    # the text layer of two pages.
    layout = doc.documentLayout()
    top = index * body.height()
    block = doc.begin()
    while block.isValid():
        rect = layout.blockBoundingRect(block)
        lines = block.layout()
        if rect.bottom() >= top and rect.top() < top + body.height():
            origin = QPointF(body.left() + rect.left(), body.top() + rect.top() - top)
            for number in range(lines.lineCount()):
                line = lines.lineAt(number)
                if not top <= rect.top() + line.y() < top + body.height():
                    continue
                line.draw(painter, origin)
                listing = block.textList()
                if number == 0 and listing is not None:
                    style = listing.format().style()
                    marker = "•" if style in _BULLETS else listing.itemText(block)
                    width = painter.fontMetrics().horizontalAdvance(marker + " ")
                    painter.drawText(
                        QPointF(
                            origin.x() + line.x() - width, origin.y() + line.y() + line.ascent()
                        ),
                        marker,
                    )
        block = block.next()
    painter.restore()


def columns_pdf(
    html_or_text: str,
    path: Path,
    *,
    span: str = "",
    columns: int = 2,
    header: str = "",
    point_size: float = 11,
) -> int:
    """Render text or HTML to an A4 PDF set in columns, as papers and newsletters are.

    The text flows line by line down the first column, then the next, then onto the next page.
    ``span`` (text or HTML: a title and an abstract) runs across all the columns at the top of
    the first page, the columns starting below it. A larger ``point_size`` makes more pages.

    Returns:
        The number of pages written.
    """
    writer, page, body = _a4(path, side_mm=15)
    gutter = RESOLUTION * 0.3  # 0.3 in between columns
    width = (body.width() - gutter * (columns - 1)) / columns
    doc = _document(html_or_text, writer, width)
    font = doc.defaultFont()
    font.setPointSizeF(point_size)
    doc.setDefaultFont(font)
    top = body.top()
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(f"cannot write {path}")
    pages = 1
    try:
        painter.setFont(doc.defaultFont())
        if span:
            head = _document(span, writer, body.width())
            painter.save()
            painter.translate(0, top)
            head.drawContents(painter)
            painter.restore()
            top += head.size().height() + RESOLUTION * 0.2
        column, y = 0, top
        block = doc.begin()
        while block.isValid():
            lines = block.layout()
            rect = doc.documentLayout().blockBoundingRect(block)
            for number in range(lines.lineCount()):
                line = lines.lineAt(number)
                if y + line.height() > body.bottom():
                    column += 1
                    if column == columns:
                        writer.newPage()
                        pages += 1
                        column = 0
                    y = top if pages == 1 else body.top()  # (below the span on the first page)
                if header and column == 0 and y == (top if pages == 1 else body.top()):
                    painter.drawText(
                        QRectF(0, 0, page.width(), body.top()), Qt.AlignmentFlag.AlignCenter, header
                    )
                left = body.left() + column * (width + gutter)
                line.draw(painter, QPointF(left + rect.left(), y - line.y()))
                y += line.height()
            y += lines.lineAt(0).height() * 0.8 if lines.lineCount() else 0  # between paragraphs
            block = block.next()
    finally:
        painter.end()
    return pages


def plain_pdf(pages: list[list[str]]) -> bytes:
    """A PDF of the given lines, one text operator a line in Helvetica (Latin-1 text only).

    Args:
        pages: Each page's lines, top to bottom.

    Returns:
        The PDF file's bytes.
    """
    import io

    from pypdf import PdfWriter
    from pypdf.generic import ContentStream, DictionaryObject, NameObject

    writer = PdfWriter()
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    for lines in pages:
        page = writer.add_blank_page(width=595, height=842)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
        )
        shown = [t.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") for t in lines]
        operators = "".join(f"({text}) Tj T*\n" for text in shown)
        content = ContentStream(None, None)
        content.set_data(f"BT /F1 10 Tf 12 TL 50 800 Td\n{operators}ET".encode("latin-1"))
        page.replace_contents(content)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    """``python -m tools.make_pdf IN OUT``: render a text or HTML file to a PDF."""
    parser = argparse.ArgumentParser(prog="python -m tools.make_pdf", description=__doc__)
    parser.add_argument("input", help="text or HTML file (- for standard input)")
    parser.add_argument("output", type=Path)
    parser.add_argument("--scanned", action="store_true", help="pages as images, no text layer")
    parser.add_argument("--header", default="", help="running header on every page")
    parser.add_argument("--no-page-numbers", action="store_true")
    args = parser.parse_args(argv)
    source = sys.stdin.read() if args.input == "-" else Path(args.input).read_text("utf-8")
    pages = make_pdf(
        source,
        args.output,
        scanned=args.scanned,
        header=args.header,
        page_numbers=not args.no_page_numbers,
    )
    print(f"Wrote {pages} page{'s' if pages != 1 else ''} to {args.output}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
