"""Light and dark: the app follows the system colour scheme and re-styles when it changes."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from flashcards.gui import resources


@dataclass(frozen=True)
class Palette:
    """The few colours the app picks itself (the rest comes from the Qt palette)."""

    new: str
    learn: str
    review: str
    accent: str
    muted: str
    term_background: str


LIGHT = Palette("#1565c0", "#c62828", "#2e7d32", "#0b57d0", "#5f6368", "#fff1b8")
DARK = Palette("#7ab7ff", "#ff8a80", "#81c995", "#8ab4f8", "#9aa0a6", "#5c4a00")


class Theme(QObject):
    """The current colours; ``changed`` fires when the system switches light/dark."""

    changed = Signal()

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self._app = app
        self.palette = LIGHT
        hints = QGuiApplication.styleHints()
        hints.colorSchemeChanged.connect(self._on_scheme_changed)
        self._apply(hints.colorScheme())

    @property
    def dark(self) -> bool:
        """Whether the dark colours are in use."""
        return self.palette is DARK

    @Slot(Qt.ColorScheme)
    def _on_scheme_changed(self, scheme: Qt.ColorScheme) -> None:
        self._apply(scheme)
        self.changed.emit()

    def _apply(self, scheme: Qt.ColorScheme) -> None:
        if scheme == Qt.ColorScheme.Unknown:
            # No platform preference: judge by the palette's window colour.
            dark = self._app.palette().window().color().lightness() < 128
        else:
            dark = scheme == Qt.ColorScheme.Dark
        self.palette = DARK if dark else LIGHT
        sheet = resources.style_sheet("app.qss")
        for name, value in vars(self.palette).items():
            sheet = sheet.replace("@" + name.replace("_", "-"), value)
        self._app.setStyleSheet(sheet)
