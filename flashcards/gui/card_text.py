"""Card text on the review screen: safe HTML with the collection's images, and replay markers.

A :class:`CardText` is a read-only text browser that looks like a label: no frame, no
background of its own, no scroll bars (its height follows its text, and the review screen's
scroll area scrolls). It shows what :func:`flashcards.core.sanitize.sanitize_html` let through,
so an ``<img>`` names a plain media file; and it loads images from the collection's media
folder and from nowhere else.

That last part is not Qt's default. A Qt text document asks its widget for each resource
(:meth:`CardText.loadResource`) and, when the answer is empty, reads the name itself: from the
working directory for ``cat.png`` or ``../x.png``, from any path for ``/etc/x`` or
``file:``, the bytes of a ``data:`` URI. So every request gets a non-empty answer here: the
media file's image, or a small "missing file" icon; a style sheet or page request gets an
empty text. No link opens: a click on a replay marker (``replay:N``, the only link card text
holds) is read by this widget and reported as :attr:`CardText.sound_clicked`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QUrl, Signal
from PySide6.QtGui import (
    QImage,
    QImageReader,
    QMouseEvent,
    QResizeEvent,
    QShowEvent,
    QTextDocument,
    QWheelEvent,
)
from PySide6.QtWidgets import QFrame, QSizePolicy, QTextBrowser, QTextEdit, QWidget

from flashcards.gui.hints import HINT_SCHEME
from flashcards.gui.sound import REPLAY_SCHEME

#: Finds a media file by name: the file if the name is a media file of the collection, else None.
MediaLookup = Callable[[str], Path | None]

#: What Qt itself draws for an image it cannot load: shown for a missing or refused one.
_MISSING_ICON = ":/qt-project.org/styles/commonstyle/images/file-16.png"


#: Tags that start or end a block (what Qt's HTML import lays out as its own paragraph).
_BLOCK_TAG = (
    r"(?:div|p|ul|ol|li|table|tr|td|th|thead|tbody|tfoot|h[1-6]|hr|blockquote|pre|details"
    r"|summary|style)"
)
#: A closing ``</div>`` and the run of text and inline tags after it, up to the next block tag.
_INLINE_AFTER_DIV = re.compile(
    rf"(</div>)(\s*(?:[^<\s]|<(?!/?{_BLOCK_TAG}\b))(?:[^<]|<(?!/?{_BLOCK_TAG}\b))*)",
    re.IGNORECASE,
)


def blocks_after_divs(html: str) -> str:
    """``html`` with each run of inline content after a ``</div>`` in a ``<div>`` of its own.

    Qt's HTML import continues the paragraph of a ``<div>`` with the text that follows it
    (``<div>猫</div><img>`` shows the picture beside the word, not below it as a browser and
    Anki do); a ``</p>`` or a ``<div>`` that follows starts a new one, so the run is wrapped.
    """
    if "</div>" not in html:
        return html

    def wrap(match: re.Match[str]) -> str:
        run = match.group(2)
        return f"{match.group(1)}<div>{run}</div>" if run.strip() else match.group(0)

    return _INLINE_AFTER_DIV.sub(wrap, html)


def _missing_image() -> QImage:
    image = QImage(_MISSING_ICON)
    if image.isNull():  # never expected; an empty image would let Qt read the name itself
        image = QImage(1, 1, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
    return image


def media_name(url: QUrl) -> str | None:
    """The media name a resource URL stands for, or None if it is not a bare relative name."""
    if not url.isValid() or url.scheme() or url.host() or url.hasQuery():
        return None
    name = url.path(QUrl.ComponentFormattingOption.FullyDecoded)
    if url.hasFragment():  # "a#b.png" is a file name, not a page and its anchor
        name += "#" + url.fragment(QUrl.ComponentFormattingOption.FullyDecoded)
    return name or None


class CardText(QTextBrowser):
    """A card's question or answer: read-only rich text sized to fit, images from the media.

    Args:
        name: The object name (``question`` or ``answer``: the app's style sheet sizes them).
        parent: The parent widget.
    """

    #: The replay marker with this number was clicked.
    #: The hint link with this number was clicked (see :mod:`flashcards.gui.hints`).
    hint_clicked = Signal(int)
    sound_clicked = Signal(int)

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self._html = ""
        self._media: MediaLookup | None = None
        self._images = False  # whether the text shown has images (refit them on resize)
        self._fitted_width = -1
        self._hand = False  # the pointer is over a replay marker
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setSearchPaths([])
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        # Selectable, but no link is followed by Qt: replay markers are read in mouse events.
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setLineWrapMode(QTextEdit.LineWrapMode.WidgetWidth)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.viewport().setAutoFillBackground(False)
        self.viewport().setMouseTracking(True)
        option = self.document().defaultTextOption()
        option.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.document().setDefaultTextOption(option)
        self.document().documentLayout().documentSizeChanged.connect(self._fit_height)

    def set_media(self, lookup: MediaLookup | None) -> None:
        """Where images come from (``col.media.path``); None: no image is shown."""
        self._media = lookup

    def setText(self, text: str) -> None:  # noqa: N802 (the QLabel name it replaces)
        """Show ``text`` (safe HTML); its images are loaded from the media folder."""
        self._html = text
        self._images = False
        self._fitted_width = self.viewport().width()
        self.setHtml(blocks_after_divs(text))
        self._fit_height()

    def text(self) -> str:
        """The HTML last given to :meth:`setText`."""
        return self._html

    def loadResource(self, type: int, name: QUrl | str) -> object:  # noqa: A002, N802 (Qt API)
        """A resource the text asks for: only images, only from the media folder.

        Never returns None: Qt would then read the name from the file system itself.
        """
        if type != QTextDocument.ResourceType.ImageResource.value:
            return ""
        self._images = True
        media = media_name(name if isinstance(name, QUrl) else QUrl(name))
        path = self._media(media) if self._media is not None and media is not None else None
        if path is None:
            return _missing_image()
        reader = QImageReader(str(path))
        reader.setAutoTransform(True)  # a photo's EXIF orientation, as a browser shows it
        size = reader.size()
        room = max(1, self.viewport().width() - 2 * math.ceil(self.document().documentMargin()))
        if size.isValid() and size.width() > room:  # scaled down to fit, never up
            reader.setScaledSize(size.scaled(room, 1 << 20, Qt.AspectRatioMode.KeepAspectRatio))
        image = reader.read()
        return image if not image.isNull() else _missing_image()

    def _fit_height(self) -> None:
        height = math.ceil(self.document().size().height()) + 2 * self.frameWidth()
        if self.minimumHeight() != height or self.maximumHeight() != height:
            self.setFixedHeight(height)
        self._unscroll()

    def _unscroll(self) -> None:
        # Qt sets the scroll range from the viewport's height when the text changes; text set
        # while the widget is hidden (the question under an answer that replaces it) gets the
        # range of the old height, and the text could scroll within the widget. It never
        # needs to: the widget is as high as its text.
        bar = self.verticalScrollBar()
        bar.setRange(
            0, max(0, math.ceil(self.document().size().height()) - self.viewport().height())
        )
        bar.setValue(0)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt API)
        """Shown with the scroll range of its height now (see :meth:`_unscroll`)."""
        super().showEvent(event)
        self._unscroll()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt API)
        """Rewrap to the new width; reload images scaled for it if it changed."""
        super().resizeEvent(event)
        width = self.viewport().width()
        if self._images and width != self._fitted_width:
            self._fitted_width = width
            self.setHtml(self._html)  # reloads the images (a new text clears Qt's cache)
        self._fit_height()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        """As wide as offered, as high as the text."""
        return QSize(super().sizeHint().width(), self.height())

    def _link_at(self, event: QMouseEvent) -> tuple[str, int] | None:
        """The replay marker or hint link under the pointer: its scheme and number."""
        href = self.anchorAt(event.position().toPoint())
        scheme, _, number = href.partition(":")
        if scheme in (REPLAY_SCHEME, HINT_SCHEME) and number.isdigit():
            return scheme, int(number)
        return None

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        """A pointing hand over a replay marker or a hint."""
        super().mouseMoveEvent(event)
        over = self._link_at(event) is not None
        if over != self._hand:
            self._hand = over
            shape = Qt.CursorShape.PointingHandCursor if over else Qt.CursorShape.IBeamCursor
            self.viewport().setCursor(shape)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        """A click on a replay marker plays its sound; on a hint, shows it."""
        super().mouseReleaseEvent(event)
        link = self._link_at(event)
        if link is None or event.button() != Qt.MouseButton.LeftButton:
            return
        if link[0] == REPLAY_SCHEME:
            self.sound_clicked.emit(link[1])
        else:
            self.hint_clicked.emit(link[1])

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 (Qt API)
        """Left to the review screen's scroll area (this widget never scrolls)."""
        event.ignore()
