"""The main window: menus with their shortcuts and a stack of screens (decks, review, done)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QStackedWidget, QWidget

from flashcards.gui.deck_list import DeckListView
from flashcards.gui.review_view import DoneView, ReviewView


class Screen(IntEnum):
    """The screens of the main window, in stack order."""

    DECKS = 0
    REVIEW = 1
    DONE = 2


def _action(
    parent: QWidget, menu: QMenu, text: str, *keys: QKeySequence | QKeySequence.StandardKey | str
) -> QAction:
    action = QAction(text, parent)
    if keys:
        action.setShortcuts([QKeySequence(k) for k in keys])
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    menu.addAction(action)
    parent.addAction(action)
    return action


@dataclass
class MainActions:
    """Every menu action of the main window (controllers connect to them)."""

    add_note: QAction
    generate: QAction
    import_file: QAction
    export: QAction
    quit: QAction
    undo: QAction
    browse: QAction
    settings: QAction
    study: QAction
    reveal: QAction
    rate: dict[int, QAction]
    edit_note: QAction
    bury: QAction
    suspend: QAction
    back: QAction
    about: QAction
    stats: QAction
    restore: QAction
    flag: dict[int, QAction]
    replay: QAction
    check_media: QAction
    zoom_in: QAction
    zoom_out: QAction
    zoom_reset: QAction
    sync: QAction
    sync_settings: QAction


class MainWindow(QMainWindow):
    """Lays out the screens and the menus; remembers its geometry in ``settings``."""

    #: The window is closing (the app ends with it: see :func:`flashcards.gui.app.wire_window`).
    closing = Signal()

    def __init__(self, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle("Flashcards")
        self._settings = settings
        self.deck_list = DeckListView()
        self.review = ReviewView()
        self.done = DoneView()
        self.stack = QStackedWidget()
        for screen in (self.deck_list, self.review, self.done):
            self.stack.addWidget(screen)
        self.setCentralWidget(self.stack)
        self.actions_ = self._build_menus()
        self.resize(820, 620)
        geometry = settings.value("main/geometry")
        if isinstance(geometry, QByteArray | bytes):
            self.restoreGeometry(QByteArray(geometry))

    def _build_menus(self) -> MainActions:
        bar = self.menuBar()
        file = bar.addMenu(self.tr("&File"))
        add_note = _action(self, file, self.tr("&Add Note…"), "A", "Ctrl+N")
        generate = _action(self, file, self.tr("&Generate from Article…"), "Ctrl+G")
        file.addSeparator()
        import_file = _action(self, file, self.tr("&Import…"), "Ctrl+Shift+I")
        export = _action(self, file, self.tr("&Export…"), "Ctrl+E")
        file.addSeparator()
        sync = _action(self, file, self.tr("S&ync"), "Y")  # Anki's key
        sync_settings = _action(self, file, self.tr("Sync Se&ttings…"))
        file.addSeparator()
        check_media = _action(self, file, self.tr("Check &Media…"))
        restore = _action(self, file, self.tr("&Restore Backup…"))
        file.setToolTipsVisible(True)  # says why restoring is off for a database server
        file.addSeparator()
        quit_ = _action(
            self, file, self.tr("&Quit"), "Ctrl+Q"
        )  # Cmd+Q on macOS; Windows has no key
        quit_.setMenuRole(QAction.MenuRole.QuitRole)
        # Ctrl+Q quits from every window of the app (the browser, the statistics) as Anki's.
        quit_.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)

        edit = bar.addMenu(self.tr("&Edit"))
        undo = _action(self, edit, self.tr("&Undo Answer"), "U", "Ctrl+Z")
        edit.addSeparator()
        settings = _action(self, edit, self.tr("&Settings…"), "Ctrl+,", "Ctrl+P")
        settings.setMenuRole(QAction.MenuRole.PreferencesRole)

        view = bar.addMenu(self.tr("&View"))
        zoom_in = _action(self, view, self.tr("Zoom &In"), "Ctrl++", "Ctrl+=")
        zoom_out = _action(self, view, self.tr("Zoom &Out"), "Ctrl+-")
        zoom_reset = _action(self, view, self.tr("&Actual Size"), "Ctrl+0")

        tools = bar.addMenu(self.tr("&Go"))
        study = _action(self, tools, self.tr("&Study Selected Deck"), "S")
        browse = _action(self, tools, self.tr("&Browse"), "B", "Ctrl+B")
        stats = _action(self, tools, self.tr("S&tatistics"), "T", "Ctrl+Shift+S")
        back = _action(self, tools, self.tr("&Deck List"), "Escape", "D")

        review = bar.addMenu(self.tr("&Review"))
        reveal = _action(self, review, self.tr("&Show Answer / Good"), "Space", "Return", "Enter")
        review.addSeparator()
        rate = {
            1: _action(self, review, self.tr("Again"), "1"),
            2: _action(self, review, self.tr("Hard"), "2"),
            3: _action(self, review, self.tr("Good"), "3"),
            4: _action(self, review, self.tr("Easy"), "4"),
        }
        review.addSeparator()
        edit_note = _action(self, review, self.tr("&Edit Note…"), "E")
        bury = _action(self, review, self.tr("&Bury Card"), "-")
        suspend = _action(self, review, self.tr("S&uspend Card"), "@")
        replay = _action(self, review, self.tr("&Replay Audio"), "R")  # Anki's key
        flags = review.addMenu(self.tr("&Flag Card"))
        # Anki's flags and shortcuts: Ctrl+N sets flag N, or removes it when the card has it.
        flag = {
            n: _action(self, flags, name, f"Ctrl+{n}")
            for n, name in enumerate(
                (
                    self.tr("Red"),
                    self.tr("Orange"),
                    self.tr("Green"),
                    self.tr("Blue"),
                    self.tr("Pink"),
                    self.tr("Turquoise"),
                    self.tr("Purple"),
                ),
                start=1,
            )
        }

        help_ = bar.addMenu(self.tr("&Help"))
        about = _action(self, help_, self.tr("&About Flashcards"))
        about.setMenuRole(QAction.MenuRole.AboutRole)
        return MainActions(
            add_note, generate, import_file, export, quit_, undo, browse, settings, study,
            reveal, rate, edit_note, bury, suspend, back, about, stats, restore, flag, replay,
            check_media, zoom_in, zoom_out, zoom_reset, sync, sync_settings,
        )  # fmt: skip

    def show_screen(self, screen: Screen) -> None:
        """Bring a screen to the front and give it the keyboard."""
        self.stack.setCurrentIndex(int(screen))
        if screen == Screen.DECKS:
            self.deck_list.tree.setFocus()
        elif (widget := self.stack.currentWidget()) is not None:
            widget.setFocus()

    @property
    def current_screen(self) -> Screen:
        """The screen in front."""
        return Screen(self.stack.currentIndex())

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        """Remember the window's geometry; say that the window closes."""
        self._settings.setValue("main/geometry", self.saveGeometry())
        self._settings.sync()
        super().closeEvent(event)
        if event.isAccepted():
            self.closing.emit()
