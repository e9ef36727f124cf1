"""Rich-text boxes for the fields of a note from Anki: one per field, as Anki's editor has them.

Each field is a :class:`QTextEdit` with bold, italic, underline, text colour, lists, links,
cloze deletions, images, and an HTML view (Ctrl+Shift+X) showing the field's HTML as text.

The HTML a field is saved as is a small Anki-like fragment (``<b>``, ``<i>``, ``<u>``, ``<span
style="color:…">``, lists, ``<a href>``, ``<img src>``, ``<br>``) read from the document's
structure by :func:`document_html`, never Qt's whole ``toHtml()`` document with its style
sheet. A field the learner did not change is saved exactly as it was loaded, so opening and
saving a note changes nothing.

Images are shown only from the collection's media folder (``media_path``): a field may name any
file (``<img src="/dev/zero">`` from an imported deck), and :class:`QTextEdit` would read it.
The view only asks for images to be stored (:attr:`FieldsEditor.image_pasted`,
:attr:`FieldsEditor.image_files_chosen`); the controller stores them and inserts the names.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QEvent, QIODevice, QMimeData, Qt, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QFocusEvent,
    QFont,
    QFontDatabase,
    QImage,
    QImageWriter,
    QKeyEvent,
    QKeySequence,
    QTextBlock,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextImageFormat,
    QTextList,
    QTextListFormat,
)
from PySide6.QtWidgets import (
    QColorDialog,
    QFileDialog,
    QInputDialog,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QStackedWidget,
    QTextEdit,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from flashcards.gui.plain import plain_label

#: Where an image name resolves to a file of the media folder (None: not there, not shown).
MediaPath = Callable[[str], Path | None]

#: The editor's keys, as Anki's editor has them; handled by the focused field (see
#: :meth:`FieldTextEdit.event`) so that they never clash with a window's shortcuts.
KEYS = {
    "Ctrl+B": "bold",
    "Ctrl+I": "italic",
    "Ctrl+U": "underline",
    "Ctrl+Shift+C": "cloze",
    "Ctrl+Shift+X": "html",
}
#: Images wider than this are shown scaled down in the editor (the file is untouched).
MAX_SHOWN_WIDTH = 400
IMAGE_SUFFIXES = frozenset(
    {".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".bmp", ".avif", ".tif", ".tiff", ".ico"}
)
_CLOZE_NUMBER = re.compile(r"\{\{c(\d+)::")
_OBJECT = "\ufffc"  # the character an image stands on in a QTextDocument
_LINE_BREAK = "\u2028"  # a <br> inside a paragraph
#: An image's ``<img …>`` tag as the field had it, and the size its format had once shown
#: (a different size later: the learner resized it).
_ORIGINAL_TAG = QTextFormat.Property.UserProperty.value + 1
_SHOWN_WIDTH = QTextFormat.Property.UserProperty.value + 2
_SHOWN_HEIGHT = QTextFormat.Property.UserProperty.value + 3
#: A tag (attribute values may hold ">"); group 1 is "/" for a closing tag, group 2 its name.
_TAG = re.compile(r"""<(/?)([a-zA-Z][a-zA-Z0-9]*)(?:[^>"']|"[^"]*"|'[^']*')*>""")
_SRC = re.compile(r"""\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE)
_SIZE_ATTRIBUTE = re.compile(
    r"""\s(?:width|height)\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+)""", re.IGNORECASE
)
#: Tags that make blocks in a QTextDocument.
_BLOCK_TAGS = frozenset(
    {
        *("address", "article", "aside", "blockquote", "center", "dd", "div", "dl", "dt"),
        *("footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "ol", "p"),
        *("pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"),
    }
)


def _key_name(event: QKeyEvent) -> str | None:
    """The editor action of a key press, or None."""
    combo = event.keyCombination()
    modifiers = combo.keyboardModifiers() & ~Qt.KeyboardModifier.KeypadModifier
    text = QKeySequence(combo.key().value | modifiers.value).toString(
        QKeySequence.SequenceFormat.PortableText
    )
    return KEYS.get(text)


def _escape(text: str) -> str:
    return (
        html.escape(text, quote=False)
        .replace("\u00a0", "&nbsp;")
        .replace(_LINE_BREAK, "<br>")
        .replace("\u2029", "<br>")
    )


def _tags(fmt: QTextCharFormat) -> list[tuple[str, str]]:
    """The (opening tag, closing tag) pairs of a run of text, outermost first."""
    tags: list[tuple[str, str]] = []
    anchor = fmt.isAnchor() and bool(fmt.anchorHref())
    if anchor:
        href = html.escape(fmt.anchorHref(), quote=True)
        tags.append((f'<a href="{href}">', "</a>"))
    if fmt.fontWeight() >= QFont.Weight.DemiBold.value:
        tags.append(("<b>", "</b>"))
    if fmt.fontItalic():
        tags.append(("<i>", "</i>"))
    # A link's underline and colour are how Qt draws a link, not the learner's formatting.
    if fmt.fontUnderline() and not anchor:
        tags.append(("<u>", "</u>"))
    if fmt.fontStrikeOut():
        tags.append(("<s>", "</s>"))
    align = fmt.verticalAlignment()
    if align == QTextCharFormat.VerticalAlignment.AlignSuperScript:
        tags.append(("<sup>", "</sup>"))
    elif align == QTextCharFormat.VerticalAlignment.AlignSubScript:
        tags.append(("<sub>", "</sub>"))
    brush = fmt.foreground()
    if (
        not anchor
        and fmt.hasProperty(QTextFormat.Property.ForegroundBrush)
        and brush.style() != Qt.BrushStyle.NoBrush
    ):
        tags.append((f'<span style="color:{brush.color().name()};">', "</span>"))
    return tags


def _image_html(fmt: QTextImageFormat) -> str:
    """An image's tag: as the field had it, unless the learner resized the image since."""
    original = fmt.property(_ORIGINAL_TAG)
    size = ""
    for name, value in (("width", fmt.width()), ("height", fmt.height())):
        if value > 0:
            size += f' {name}="{round(value)}"'
    if not isinstance(original, str):
        return f'<img src="{html.escape(fmt.name(), quote=True)}"{size}>'
    if fmt.width() == fmt.doubleProperty(_SHOWN_WIDTH) and fmt.height() == fmt.doubleProperty(
        _SHOWN_HEIGHT
    ):
        return original
    # Resized: the new size replaces the tag's own; its other attributes stay.
    kept = _SIZE_ATTRIBUTE.sub("", original[4:].rstrip("/>").rstrip())
    return f"<img{kept}{size}>"


def _block_html(block: QTextBlock) -> str:
    """One paragraph as inline HTML: each run's tags opened and closed as little as needed."""
    text = block.text()
    out: list[str] = []
    opened: list[tuple[str, str]] = []
    for run in block.textFormats():
        piece = text[run.start : run.start + run.length]
        fmt = run.format
        if fmt.isImageFormat():
            wanted: list[tuple[str, str]] = [t for t in _tags(fmt) if t[0].startswith("<a ")]
        else:
            wanted = _tags(fmt)
        keep = 0
        while keep < min(len(opened), len(wanted)) and opened[keep] == wanted[keep]:
            keep += 1
        out.extend(close for _, close in reversed(opened[keep:]))
        out.extend(open_ for open_, _ in wanted[keep:])
        opened = wanted
        if fmt.isImageFormat():
            out.append(_image_html(fmt.toImageFormat()) * piece.count(_OBJECT))
        else:
            out.append(_escape(piece.replace(_OBJECT, "")))
    out.extend(close for _, close in reversed(opened))
    return "".join(out)


def document_html(doc: QTextDocument) -> str:
    """A document as a field's HTML: a small Anki-like fragment, not Qt's whole document.

    Paragraphs are joined by ``<br>``; list items become ``<ul>``/``<ol>`` with ``<li>``;
    runs keep bold, italic, underline, strike-through, super/subscript, colour and links;
    images their ``src``. Fonts, sizes, tables and Qt's style sheet are left out.
    """
    parts: list[str] = []  # paragraphs, and lists as one part each
    is_list: list[bool] = []
    list_key: int | None = None  # the position of the open list's first item
    block = doc.begin()
    while block.isValid():
        inline = _block_html(block)
        # None outside a list (the stubs do not say so).
        text_list: QTextList | None = block.textList()
        if text_list is None:
            list_key = None
            parts.append(inline)
            is_list.append(False)
        else:
            key = text_list.item(0).position()
            style = text_list.format().style()
            tag = "ol" if style.value <= QTextListFormat.Style.ListDecimal.value else "ul"
            if key != list_key:
                parts.append(f"<{tag}>")
                is_list.append(True)
                list_key = key
            parts[-1] += f"<li>{inline}</li>"
            # Closed when the next paragraph is not one of its items (see below).
            next_block = block.next()
            next_list: QTextList | None = next_block.textList() if next_block.isValid() else None
            if next_list is None or next_list.item(0).position() != key:
                parts[-1] += f"</{tag}>"
        block = block.next()
    if len(parts) > 1 and not is_list[-1] and not parts[-1]:
        parts.pop()  # the empty paragraph Qt leaves after a list or a final line break
        is_list.pop()
    out: list[str] = []
    for index, part in enumerate(parts):
        if index and not is_list[index] and not is_list[index - 1]:
            out.append("<br>")
        out.append(part)
    return "".join(out)


def blocks_apart(value: str) -> str:
    """A field's HTML with each inline run after a block (a list, a ``div``) in a ``div``.

    Qt's HTML reader puts an image that follows a list into the list's last item, and text
    that follows a ``div`` into that ``div``'s paragraph: saved after an edit elsewhere, the
    field would have changed its structure. In a block of its own it stays where it was.
    """
    out: list[str] = []
    copied = 0  # value[copied:] is not in ``out`` yet
    run_start: int | None = None  # an inline run after a block's end, not wrapped yet
    for match in _TAG.finditer(value):
        block = match.group(2).lower() in _BLOCK_TAGS
        if block and run_start is not None:
            out.append(_wrapped(value[run_start : match.start()]))
            copied = match.start()
            run_start = None
        if block and match.group(1):  # a block ends: what follows up to a block is a run
            out.append(value[copied : match.end()])
            copied = run_start = match.end()
    if run_start is not None:
        out.append(_wrapped(value[run_start:]))
        copied = len(value)
    out.append(value[copied:])
    return "".join(out)


def _wrapped(run: str) -> str:
    """An inline run in a ``div`` of its own; white space between blocks stays as it is."""
    return f"<div>{run}</div>" if run.strip() else run


def _keep_image_tags(doc: QTextDocument, value: str) -> None:
    """Give each image of a loaded document its tag from the field, and a size that fits.

    The tag is saved as it was (:func:`_image_html`); a width over :data:`MAX_SHOWN_WIDTH`
    is shown at that width (the file is shown scaled down, :meth:`FieldTextEdit.loadResource`),
    which is not a resize.
    """
    tags = [m for m in _TAG.finditer(value) if not m.group(1) and m.group(2).lower() == "img"]
    position = 0  # the next tag to match
    block = doc.begin()
    while block.isValid():
        text = block.text()
        for run in block.textFormats():
            if not run.format.isImageFormat():
                continue
            for offset in range(run.start, run.start + run.length):
                if text[offset] != _OBJECT:
                    continue
                fmt = run.format.toImageFormat()
                found = _next_tag(tags, position, fmt.name())
                if found is None:
                    continue
                position = found + 1
                _annotate(doc, block.position() + offset, fmt, tags[found].group(0))
        block = block.next()


def _next_tag(tags: list[re.Match[str]], start: int, name: str) -> int | None:
    """The index of the first ``<img>`` tag from ``start`` on whose ``src`` is ``name``."""
    for index in range(start, len(tags)):
        src = _SRC.search(tags[index].group(0))
        value = "" if src is None else src.group(1) or src.group(2) or src.group(3)
        if name in (value, html.unescape(value)):  # Qt decodes some values' entities, not all
            return index
    return None


def _annotate(doc: QTextDocument, position: int, fmt: QTextImageFormat, tag: str) -> None:
    width, height = fmt.width(), fmt.height()
    if width > MAX_SHOWN_WIDTH:
        if height > 0:
            fmt.setHeight(height * MAX_SHOWN_WIDTH / width)
        fmt.setWidth(MAX_SHOWN_WIDTH)
    fmt.setProperty(_ORIGINAL_TAG, tag)
    fmt.setProperty(_SHOWN_WIDTH, fmt.width())
    fmt.setProperty(_SHOWN_HEIGHT, fmt.height())
    cursor = QTextCursor(doc)
    cursor.setPosition(position)
    cursor.setPosition(position + 1, QTextCursor.MoveMode.KeepAnchor)
    cursor.setCharFormat(fmt)


def cloze_numbers(texts: Sequence[str]) -> list[int]:
    """The cloze numbers used in these texts."""
    return [int(n) for text in texts for n in _CLOZE_NUMBER.findall(text)]


def png_bytes(image: QImage) -> bytes:
    """An image as PNG file bytes."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    QImageWriter(buffer, QByteArray(b"png")).write(image)
    buffer.close()
    return bytes(data.data())


def pasted_name(data: bytes) -> str:
    """The name Anki gives a pasted image: ``paste-`` and the SHA-1 of its bytes."""
    return f"paste-{hashlib.sha1(data, usedforsecurity=False).hexdigest()}.png"


class FieldTextEdit(QTextEdit):
    """The rich-text box of one field: its keys, pasted and dropped images, its images shown.

    Args:
        media_path: Resolves an image name to a file of the media folder.
    """

    action_key = Signal(str)
    image_pasted = Signal(bytes, str)
    image_files_dropped = Signal(list)
    focused = Signal()

    def __init__(self, media_path: MediaPath, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._media_path = media_path
        self.setTabChangesFocus(True)
        self.setMinimumHeight(60)

    def event(self, e: QEvent) -> bool:
        """Take the editor's keys before any window shortcut of the same keys (Ctrl+Shift+C)."""
        if (
            e.type() == QEvent.Type.ShortcutOverride
            and isinstance(e, QKeyEvent)
            and _key_name(e) is not None
        ):
            e.accept()
            return True
        return super().event(e)

    def keyPressEvent(self, e: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        """Run the editor's keys; type the rest."""
        name = _key_name(e)
        if name is not None:
            self.action_key.emit(name)
            e.accept()
            return
        super().keyPressEvent(e)

    def focusInEvent(self, e: QFocusEvent) -> None:  # noqa: N802 (Qt's name)
        """Become the field the toolbar acts on."""
        self.focused.emit()
        super().focusInEvent(e)

    def loadResource(self, kind: int, name: QUrl | str) -> Any:  # noqa: N802 (Qt's name)
        """Images from the media folder only (scaled down to fit); nothing else is read."""
        url = name if isinstance(name, QUrl) else QUrl(name)
        if kind != QTextDocument.ResourceType.ImageResource.value or not url.isRelative():
            return None
        path = self._media_path(url.path(QUrl.ComponentFormattingOption.FullyDecoded))
        if path is None:
            return None
        image = QImage(str(path))
        if image.isNull():
            return None
        if image.width() > MAX_SHOWN_WIDTH:
            image = image.scaledToWidth(MAX_SHOWN_WIDTH, Qt.TransformationMode.SmoothTransformation)
        return image

    def canInsertFromMimeData(self, source: QMimeData) -> bool:  # noqa: N802 (Qt's name)
        """Images and image files may be pasted and dropped too."""
        return (
            bool(_image_files(source)) or source.hasImage() or super().canInsertFromMimeData(source)
        )

    def insertFromMimeData(self, source: QMimeData) -> None:  # noqa: N802 (Qt's name)
        """An image file or a copied image is stored (by the controller) and shown."""
        files = _image_files(source)
        if files:
            self.image_files_dropped.emit(files)
            return
        if source.hasImage():
            image = source.imageData()
            if isinstance(image, QImage) and not image.isNull():
                data = png_bytes(image)
                self.image_pasted.emit(data, pasted_name(data))
                return
        super().insertFromMimeData(source)


def _image_files(source: QMimeData) -> list[str]:
    """The local image files a paste or a drop carries."""
    if not source.hasUrls():
        return []
    return [
        url.toLocalFile()
        for url in source.urls()
        if url.isLocalFile() and Path(url.toLocalFile()).suffix.lower() in IMAGE_SUFFIXES
    ]


class FieldBox(QWidget):
    """One field: its rich-text box, or its HTML as text (the HTML view).

    Args:
        name: The field's name (from the note type).
        media_path: Resolves an image name to a file of the media folder.
    """

    edited = Signal()

    def __init__(self, name: str, media_path: MediaPath, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.label: QLabel = plain_label(name)
        self.label.setObjectName("fieldLabel")
        self.rich = FieldTextEdit(media_path)
        self.rich.setObjectName("fieldEdit")
        self.source = QPlainTextEdit()
        self.source.setObjectName("fieldHtml")
        self.source.setTabChangesFocus(True)
        self.source.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.source.installEventFilter(self)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.rich)
        self.stack.addWidget(self.source)
        self.stack.setMinimumHeight(60)
        self.stack.setMaximumHeight(220)
        self.label.setBuddy(self.rich)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.label)
        layout.addWidget(self.stack)
        # The field's HTML as loaded or as last taken from the HTML view; the rich box's
        # document is read back only once the learner changed it (no normalisation churn).
        self._html = ""
        self._loading = False
        self._rich_changed = False
        self.rich.document().contentsChange.connect(self._on_rich_change)
        self.source.textChanged.connect(self._on_source_change)

    def set_html(self, value: str) -> None:
        """Show a field's HTML in the rich box (the value :meth:`html` gives until edited)."""
        self._html = value
        self._load_rich(value)
        self.stack.setCurrentWidget(self.rich)

    def html(self) -> str:
        """The field's HTML: exactly as loaded unless edited; the HTML view's text as typed."""
        if self.html_view:
            return self.source.toPlainText()
        return document_html(self.rich.document()) if self._rich_changed else self._html

    @property
    def html_view(self) -> bool:
        """Whether the field shows its HTML as text."""
        return self.stack.currentWidget() is self.source

    def toggle_html_view(self) -> None:
        """Show the field's HTML as text, or the HTML typed there as rich text."""
        if self.html_view:
            self._html = self.source.toPlainText()
            self._load_rich(self._html)
            self.stack.setCurrentWidget(self.rich)
            self.rich.setFocus()
        else:
            self._html = self.html()
            self._loading = True
            self.source.setPlainText(self._html)
            self._loading = False
            self._rich_changed = False
            self.stack.setCurrentWidget(self.source)
            self.source.setFocus()

    def edit_widget(self) -> QWidget:
        """The box that is showing (rich text or HTML)."""
        widget = self.stack.currentWidget()
        assert widget is not None  # the stack always holds both boxes
        return widget

    def _load_rich(self, value: str) -> None:
        self._loading = True
        try:
            self.rich.setHtml(blocks_apart(value))
            _keep_image_tags(self.rich.document(), value)
        finally:
            self._loading = False
        self._rich_changed = False

    def _on_rich_change(self, _position: int, removed: int, added: int) -> None:
        if self._loading or (removed == 0 and added == 0):
            return
        self._rich_changed = True
        self.edited.emit()

    def _on_source_change(self) -> None:
        if not self._loading:
            self.edited.emit()

    def eventFilter(self, watched: Any, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        """The HTML view takes Ctrl+Shift+X (back to rich text) and Ctrl+Shift+C too."""
        if watched is self.source and isinstance(event, QKeyEvent):
            name = _key_name(event)
            if name in {"html", "cloze"}:
                if event.type() == QEvent.Type.ShortcutOverride:
                    event.accept()
                    return True
                if event.type() == QEvent.Type.KeyPress:
                    self.rich.action_key.emit(name)
                    return True
        if watched is self.source and event.type() == QEvent.Type.FocusIn:
            self.rich.focused.emit()
        return super().eventFilter(watched, event)

    # ------------------------------------------------------------------ formatting

    def toggle_bold(self) -> None:
        """Bold on or off for the selection (or what is typed next)."""
        fmt = QTextCharFormat()
        bold = self.rich.fontWeight() >= QFont.Weight.DemiBold.value
        fmt.setFontWeight(QFont.Weight.Normal if bold else QFont.Weight.Bold)
        self.rich.mergeCurrentCharFormat(fmt)

    def toggle_italic(self) -> None:
        """Italic on or off for the selection (or what is typed next)."""
        fmt = QTextCharFormat()
        fmt.setFontItalic(not self.rich.fontItalic())
        self.rich.mergeCurrentCharFormat(fmt)

    def toggle_underline(self) -> None:
        """Underline on or off for the selection (or what is typed next)."""
        fmt = QTextCharFormat()
        fmt.setFontUnderline(not self.rich.fontUnderline())
        self.rich.mergeCurrentCharFormat(fmt)

    def set_colour(self, colour: QColor) -> None:
        """Colour the selection's text (or what is typed next)."""
        fmt = QTextCharFormat()
        fmt.setForeground(colour)
        self.rich.mergeCurrentCharFormat(fmt)

    def toggle_list(self, numbered: bool) -> None:
        """Make the paragraphs a bulleted or numbered list, or plain paragraphs again."""
        cursor = self.rich.textCursor()
        style = QTextListFormat.Style.ListDecimal if numbered else QTextListFormat.Style.ListDisc
        current = cursor.currentList()
        cursor.beginEditBlock()
        if current is not None and current.format().style() == style:
            block = cursor.block()
            for index in reversed(range(current.count())):
                current.remove(current.item(index))
            fmt = block.blockFormat()
            fmt.setIndent(0)
            cursor.setBlockFormat(fmt)
        else:
            cursor.createList(style)
        cursor.endEditBlock()

    def set_link(self, url: str) -> None:
        """Make the selection a link to ``url`` (the URL itself when nothing is selected)."""
        cursor = self.rich.textCursor()
        fmt = QTextCharFormat()
        fmt.setAnchor(True)
        fmt.setAnchorHref(url)
        # Drawn as a link; the saved HTML keeps only the <a href> (see _tags).
        fmt.setFontUnderline(True)
        fmt.setForeground(self.palette().link())
        if cursor.hasSelection():
            cursor.mergeCharFormat(fmt)
        else:
            cursor.insertText(url, fmt)
            self.rich.setCurrentCharFormat(QTextCharFormat())

    def wrap_cloze(self, number: int) -> None:
        """Wrap the selection in ``{{cN::…}}`` (keeping its formatting); the cursor inside."""
        cursor = self.source.textCursor() if self.html_view else self.rich.textCursor()
        start, end = cursor.selectionStart(), cursor.selectionEnd()
        opening = f"{{{{c{number}::"
        cursor.beginEditBlock()
        cursor.setPosition(end)
        cursor.insertText("}}")
        cursor.setPosition(start)
        cursor.insertText(opening)
        cursor.endEditBlock()
        if start == end:  # nothing selected: type the answer between the braces
            cursor.setPosition(start + len(opening))
        else:
            cursor.setPosition(end + len(opening) + 2)
        if self.html_view:
            self.source.setTextCursor(cursor)
        else:
            self.rich.setTextCursor(cursor)

    def insert_image(self, name: str) -> None:
        """Put ``<img src="name">`` at the cursor."""
        if self.html_view:
            self.source.insertPlainText(f'<img src="{html.escape(name, quote=True)}">')
            return
        fmt = QTextImageFormat()
        fmt.setName(name)
        self.rich.textCursor().insertImage(fmt)


class FieldsEditor(QWidget):
    """The toolbar and one labelled rich-text box per field of a note from Anki.

    The toolbar and the keys act on the field last focused. Images are stored by whoever
    listens to :attr:`image_pasted` and :attr:`image_files_chosen` (the field's index comes
    first), which then calls :meth:`insert_image`.
    """

    edited = Signal()
    image_pasted = Signal(int, bytes, str)
    image_files_chosen = Signal(int, list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.boxes: list[FieldBox] = []
        self.current = 0
        self._media_path: MediaPath = lambda _name: None
        self.toolbar = QToolBar()
        self.toolbar.setObjectName("fieldToolbar")
        self.actions_by_name: dict[str, QAction] = {}
        for name, text, tip, slot in (
            ("bold", "B", self.tr("Bold (Ctrl+B)"), self._on_bold),
            ("italic", "I", self.tr("Italic (Ctrl+I)"), self._on_italic),
            ("underline", "U", self.tr("Underline (Ctrl+U)"), self._on_underline),
            ("colour", "A", self.tr("Text colour"), self._on_colour),
            ("bullets", "•", self.tr("Bulleted list"), self._on_bullets),
            ("numbers", "1.", self.tr("Numbered list"), self._on_numbers),
            ("link", self.tr("Link"), self.tr("Make the selection a link"), self._on_link),
            (
                "cloze",
                "[…]",
                self.tr("Cloze deletion with the next number (Ctrl+Shift+C)"),
                self.cloze,
            ),
            (
                "image",
                self.tr("Image…"),
                self.tr("Add a picture from a file (or paste or drop one)"),
                self._on_image,
            ),
            (
                "html",
                "HTML",
                self.tr("Show or edit the field's HTML (Ctrl+Shift+X)"),
                self._on_html,
            ),
        ):
            action = self.toolbar.addAction(text)
            action.setToolTip(tip)
            action.triggered.connect(slot)
            self.actions_by_name[name] = action
        font = QFont(self.font())
        font.setBold(True)
        self.actions_by_name["bold"].setFont(font)
        font = QFont(self.font())
        font.setItalic(True)
        self.actions_by_name["italic"].setFont(font)
        font = QFont(self.font())
        font.setUnderline(True)
        self.actions_by_name["underline"].setFont(font)
        self._inner = QWidget()
        self._inner_layout = QVBoxLayout(self._inner)
        self._inner_layout.setContentsMargins(0, 0, 4, 0)
        self._scroll = QScrollArea()
        self._scroll.setWidgetResizable(True)
        self._scroll.setWidget(self._inner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self._scroll, 1)

    def set_fields(
        self, names: Sequence[str], values: Sequence[str], media_path: MediaPath
    ) -> None:
        """One box per field, named and filled."""
        self._media_path = media_path
        for box in self.boxes:
            self._inner_layout.removeWidget(box)
            box.deleteLater()
        self.boxes = []
        while self._inner_layout.count():
            self._inner_layout.takeAt(0)
        for index, (name, value) in enumerate(zip(names, values, strict=True)):
            box = FieldBox(name, media_path)
            box.set_html(value)
            box.edited.connect(self.edited)
            box.rich.action_key.connect(lambda key, i=index: self._on_key(i, key))
            box.rich.focused.connect(lambda i=index: self._set_current(i))
            box.rich.image_pasted.connect(
                lambda data, name, i=index: self.image_pasted.emit(i, data, name)
            )
            box.rich.image_files_dropped.connect(
                lambda files, i=index: self.image_files_chosen.emit(i, files)
            )
            self.boxes.append(box)
            self._inner_layout.addWidget(box)
        self._inner_layout.addStretch(1)
        self.current = 0

    def values(self) -> list[str]:
        """Every field's HTML (see :meth:`FieldBox.html`)."""
        return [box.html() for box in self.boxes]

    def focus_first(self) -> None:
        """Put the cursor in the first field."""
        if self.boxes:
            self.boxes[0].edit_widget().setFocus()

    def insert_image(self, index: int, name: str) -> None:
        """Put the stored image ``name`` at the cursor of field ``index``."""
        if 0 <= index < len(self.boxes):
            self.boxes[index].insert_image(name)

    def cloze(self) -> None:
        """Wrap the current field's selection in a cloze with the next free number, as Anki."""
        box = self._box()
        if box is None:
            return
        number = max(cloze_numbers(self.values()), default=0) + 1
        box.wrap_cloze(number)
        box.edit_widget().setFocus()

    def _box(self) -> FieldBox | None:
        return self.boxes[self.current] if 0 <= self.current < len(self.boxes) else None

    def _set_current(self, index: int) -> None:
        self.current = index

    def _on_key(self, index: int, key: str) -> None:
        self.current = index
        {
            "bold": self._on_bold,
            "italic": self._on_italic,
            "underline": self._on_underline,
            "cloze": self.cloze,
            "html": self._on_html,
        }[key]()

    def _rich_box(self) -> FieldBox | None:
        """The current field, if it shows rich text (formatting needs the rich box)."""
        box = self._box()
        return None if box is None or box.html_view else box

    def _on_bold(self) -> None:
        if (box := self._rich_box()) is not None:
            box.toggle_bold()

    def _on_italic(self) -> None:
        if (box := self._rich_box()) is not None:
            box.toggle_italic()

    def _on_underline(self) -> None:
        if (box := self._rich_box()) is not None:
            box.toggle_underline()

    def _on_colour(self) -> None:
        if (box := self._rich_box()) is None:
            return
        colour = QColorDialog.getColor(box.rich.textColor(), self, self.tr("Text colour"))
        if colour.isValid():
            box.set_colour(colour)
            box.rich.setFocus()

    def _on_bullets(self) -> None:
        if (box := self._rich_box()) is not None:
            box.toggle_list(numbered=False)

    def _on_numbers(self) -> None:
        if (box := self._rich_box()) is not None:
            box.toggle_list(numbered=True)

    def _on_link(self) -> None:
        if (box := self._rich_box()) is None:
            return
        url, ok = QInputDialog.getText(
            self, self.tr("Link"), self.tr("Address (URL):"), text="https://"
        )
        if ok and url.strip() and url.strip() != "https://":
            box.set_link(url.strip())
            box.rich.setFocus()

    def _on_image(self) -> None:
        if self._box() is None:
            return
        suffixes = " ".join(f"*{s}" for s in sorted(IMAGE_SUFFIXES))
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Add a picture"),
            "",
            self.tr("Images ({suffixes})").format(suffixes=suffixes),
        )
        if path:
            self.image_files_chosen.emit(self.current, [path])

    def _on_html(self) -> None:
        if (box := self._box()) is not None:
            box.toggle_html_view()
