"""Light and dark, and zoom: the app's colours and text size.

The theme follows the system colour scheme (and re-styles when it changes) unless Settings
asks for light or dark; the zoom (View → Zoom In/Out, Ctrl +/−/0) scales the app font and
every size of the style sheet, the card text included. Both are kept in the GUI settings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtCore import QObject, QSettings, Qt, Signal, Slot
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from flashcards.gui import resources
from flashcards.gui.i18n import mark


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

#: The theme choices of Settings: the value kept, and what the learner reads.
#: The texts are marked for translation ("Theme" context) and translated where shown.
MODES = (
    ("system", mark("Theme", "Same as the system")),
    ("light", mark("Theme", "Light")),
    ("dark", mark("Theme", "Dark")),
)
#: The zoom steps, as a browser's: Zoom In and Out move one step; Ctrl+0 goes back to 1.
ZOOMS = (0.5, 0.67, 0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0)
MODE_KEY = "view/theme"
ZOOM_KEY = "view/zoom"
_FONT_SIZE = re.compile(r"font-size:\s*(\d+(?:\.\d+)?)px")


def dark_palette() -> QPalette:
    """The Qt palette of the dark theme, for a platform that cannot switch by itself."""
    p = QPalette()
    roles = QPalette.ColorRole
    for role, colour in (
        (roles.Window, "#2b2b2b"), (roles.WindowText, "#e8e8e8"), (roles.Base, "#1f1f1f"),
        (roles.AlternateBase, "#2b2b2b"), (roles.Text, "#e8e8e8"), (roles.Button, "#353535"),
        (roles.ButtonText, "#e8e8e8"), (roles.BrightText, "#ffffff"),
        (roles.Highlight, "#3d6bd1"), (roles.HighlightedText, "#ffffff"),
        (roles.ToolTipBase, "#353535"), (roles.ToolTipText, "#e8e8e8"),
        (roles.PlaceholderText, "#9aa0a6"), (roles.Link, "#8ab4f8"),
        (roles.LinkVisited, "#c58af9"), (roles.Light, "#505050"), (roles.Midlight, "#404040"),
        (roles.Mid, "#303030"), (roles.Dark, "#1a1a1a"), (roles.Shadow, "#000000"),
    ):  # fmt: skip
        p.setColor(role, QColor(colour))
    disabled = QPalette.ColorGroup.Disabled
    for role in (roles.WindowText, roles.Text, roles.ButtonText):
        p.setColor(disabled, role, QColor("#7f7f7f"))
    return p


class Theme(QObject):
    """The current colours and zoom; ``changed`` fires when either changes.

    Args:
        app: The application.
        settings: Where the theme choice and the zoom are kept (None: not kept).
    """

    changed = Signal()

    def __init__(self, app: QApplication, settings: QSettings | None = None) -> None:
        super().__init__(app)
        self._app = app
        self._settings = settings
        self._base_font = QFont(app.font())
        self._forced_palette = False
        self.palette = LIGHT
        mode = str(settings.value(MODE_KEY, "system")) if settings is not None else "system"
        self.mode = mode if mode in dict(MODES) else "system"
        try:
            zoom = float(str(settings.value(ZOOM_KEY, 1.0))) if settings is not None else 1.0
        except ValueError:
            zoom = 1.0
        self.zoom = min(max(zoom, ZOOMS[0]), ZOOMS[-1])
        hints = QGuiApplication.styleHints()
        hints.colorSchemeChanged.connect(self._on_scheme_changed)
        self._request_scheme()
        self._apply(hints.colorScheme())

    @property
    def dark(self) -> bool:
        """Whether the dark colours are in use."""
        return self.palette is DARK

    # ------------------------------------------------------------------ light and dark

    def set_mode(self, mode: str) -> None:
        """Follow the system (``"system"``) or use ``"light"`` or ``"dark"``; kept in settings."""
        if mode not in dict(MODES) or mode == self.mode:
            return
        self.mode = mode
        self._store(MODE_KEY, mode)
        self._request_scheme()
        self._apply(QGuiApplication.styleHints().colorScheme())
        self.changed.emit()

    def _request_scheme(self) -> None:
        hints = QGuiApplication.styleHints()
        if self.mode == "system":
            hints.unsetColorScheme()
        else:
            hints.setColorScheme(
                Qt.ColorScheme.Dark if self.mode == "dark" else Qt.ColorScheme.Light
            )

    @Slot(Qt.ColorScheme)
    def _on_scheme_changed(self, scheme: Qt.ColorScheme) -> None:
        self._apply(scheme)
        self.changed.emit()

    def _apply(self, scheme: Qt.ColorScheme) -> None:
        if self._forced_palette:  # back to the platform's palette before judging it
            self._app.setPalette(QPalette())
            self._forced_palette = False
        window_dark = self._app.palette().window().color().lightness() < 128
        if self.mode != "system":
            dark = self.mode == "dark"
        elif scheme == Qt.ColorScheme.Unknown:
            # No platform preference: judge by the palette's window colour.
            dark = window_dark
        else:
            dark = scheme == Qt.ColorScheme.Dark
        if dark != window_dark:  # the platform did not switch: set the Qt palette ourselves
            self._app.setPalette(dark_palette() if dark else self._app.style().standardPalette())
            self._forced_palette = True
        self.palette = DARK if dark else LIGHT
        self._style()

    def _style(self) -> None:
        sheet = resources.style_sheet("app.qss")
        for name, value in vars(self.palette).items():
            sheet = sheet.replace("@" + name.replace("_", "-"), value)
        sheet = _FONT_SIZE.sub(lambda m: f"font-size: {round(float(m[1]) * self.zoom)}px", sheet)
        font = QFont(self._base_font)
        if self._base_font.pointSizeF() > 0:
            font.setPointSizeF(round(self._base_font.pointSizeF() * self.zoom, 1))
        else:
            font.setPixelSize(round(self._base_font.pixelSize() * self.zoom))
        self._app.setFont(font)
        self._app.setStyleSheet(sheet)

    # ------------------------------------------------------------------ zoom

    def set_zoom(self, zoom: float) -> None:
        """Scale the app font and the style sheet's sizes by ``zoom``; kept in settings."""
        zoom = min(max(zoom, ZOOMS[0]), ZOOMS[-1])
        if zoom == self.zoom:
            return
        self.zoom = zoom
        self._store(ZOOM_KEY, zoom)
        self._style()
        self.changed.emit()

    @Slot()
    def zoom_in(self) -> None:
        """One step larger."""
        self.set_zoom(next((z for z in ZOOMS if z > self.zoom + 1e-6), ZOOMS[-1]))

    @Slot()
    def zoom_out(self) -> None:
        """One step smaller."""
        self.set_zoom(next((z for z in reversed(ZOOMS) if z < self.zoom - 1e-6), ZOOMS[0]))

    @Slot()
    def reset_zoom(self) -> None:
        """The normal size."""
        self.set_zoom(1.0)

    def _store(self, key: str, value: object) -> None:
        if self._settings is not None:
            self._settings.setValue(key, value)
            self._settings.sync()
