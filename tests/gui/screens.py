"""Helpers of the GUI tests: answering message boxes, reading what labels and tooltips show."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt, QTimer
from PySide6.QtGui import Qt as QtGui
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLabel,
    QMessageBox,
    QWidget,
)

#: Markup a user or an imported file can put into a name or a card. The image points nowhere, so
#: a regression that renders it costs a failed file lookup, not the memory ``/dev/zero`` eats.
HOSTILE = '<img src="/nonexistent/flashcards-probe.png"><b>x</b> Q&A'
#: The same in a file name (no slash).
HOSTILE_FILE = "<img src=probe.png><b>x<b> Q&A"
#: What gives markup away when a widget shows it raw.
MARKERS = ("<img", "<b>")


def rendered(rich: str) -> str:
    """What Qt shows for a rich-text string (a tooltip, a rich label)."""
    doc = QTextDocument()
    doc.setHtml(rich)
    return doc.toPlainText()


def assert_literal_tooltip(tip: str, literal: str) -> None:
    """``tip`` shows ``literal`` character for character, and no markup of it is live."""
    assert tip, "no tooltip"
    for marker in MARKERS:
        if marker in literal:
            assert marker not in tip, tip
    if "<" in literal:
        assert "&lt;" in tip, tip
    # Qt renders tooltips that look like HTML; ours always do, so "Q&amp;A" is never shown raw.
    assert QtGui.mightBeRichText(tip), tip
    assert literal in rendered(tip).replace("\u2028", "\n"), rendered(tip)


@dataclass(frozen=True)
class Shown:
    """What a message box showed."""

    title: str
    text: str
    text_format: Qt.TextFormat


class Boxes:
    """Answers the message boxes that open (each runs its own event loop); keeps what they showed.

    Works for ``QMessageBox.question``/``warning`` as well as for boxes built and ``exec``-ed,
    so a test written against either fails on what the box shows, never by hanging.
    """

    def __init__(self) -> None:
        self.seen: list[Shown] = []
        self._answers: list[QMessageBox.StandardButton] = []

    def answer(self, *buttons: QMessageBox.StandardButton) -> Boxes:
        """Answer the next boxes with these buttons, in order (start watching)."""
        self._answers.extend(buttons)
        QTimer.singleShot(0, lambda: self._poll(0))
        return self

    def _poll(self, tries: int) -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.isVisible() and self._answers:
            self.seen.append(Shown(box.windowTitle(), box.text(), box.textFormat()))
            wanted = self._answers.pop(0)
            button = box.button(wanted) or box.escapeButton() or box.buttons()[0]
            button.click()
            if self._answers:
                QTimer.singleShot(0, lambda: self._poll(0))
        elif tries < 2000 and self._answers:
            QTimer.singleShot(10, lambda: self._poll(tries + 1))


def model_indexes(
    model: QAbstractItemModel, parent: QModelIndex | None = None
) -> Iterator[QModelIndex]:
    """Every index of a model (trees included)."""
    parent = parent or QModelIndex()
    for row in range(min(model.rowCount(parent), 500)):
        for column in range(model.columnCount(parent)):
            index = model.index(row, column, parent)
            yield index
            if column == 0 and model.rowCount(index) > 0:
                yield from model_indexes(model, index)


def tooltips(root: QWidget) -> Iterator[tuple[str, str]]:
    """(where, tooltip) for ``root``, its children, and every item of their views and combos."""
    widgets = [root, *root.findChildren(QWidget)]
    for widget in widgets:
        name = f"{type(widget).__name__}#{widget.objectName()}"
        if widget.toolTip():
            yield name, widget.toolTip()
        model = widget.model() if isinstance(widget, QAbstractItemView | QComboBox) else None
        if model is None:
            continue
        for index in model_indexes(model):
            tip = index.data(Qt.ItemDataRole.ToolTipRole)
            if isinstance(tip, str) and tip:
                yield f"{name}[{index.row()},{index.column()}]", tip


def labels(root: QWidget) -> Iterator[QLabel]:
    """``root`` (if a label) and every label under it."""
    if isinstance(root, QLabel):
        yield root
    yield from root.findChildren(QLabel)
