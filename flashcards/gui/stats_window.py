"""The Stats window: the Stats screen (:class:`StatsView`) in a window of its own.

The window lays out and remembers its geometry; :mod:`stats_controller` decides what it shows.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import QMainWindow, QWidget

from flashcards.gui.stats_view import StatsView


class StatsWindow(QMainWindow):
    """Hosts the Stats screen; says when it is shown (a stale report is reloaded then).

    Args:
        settings: Where the window geometry is kept.
        dark: Use the dark chart colours.
    """

    shown = Signal()

    def __init__(
        self, settings: QSettings, dark: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("statsWindow")
        self.setWindowTitle(self.tr("Statistics"))
        self._settings = settings
        self.view = StatsView()
        self.view.dark = dark
        self.setCentralWidget(self.view)
        self.resize(1100, 820)
        geometry = settings.value("stats/geometry")
        if isinstance(geometry, QByteArray | bytes):
            self.restoreGeometry(QByteArray(geometry))
        QShortcut(QKeySequence(QKeySequence.StandardKey.Close), self, self.close)
        QShortcut(QKeySequence("Escape"), self, self.close)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt API)
        """Say that the window is shown."""
        super().showEvent(event)
        self.shown.emit()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        """Remember the window's geometry."""
        self._settings.setValue("stats/geometry", self.saveGeometry())
        super().closeEvent(event)
