"""Builds the application in one place: QApplication, window, collection, controllers.

The window is shown before the database layer is even imported (SQLAlchemy and SQLModel take
most of a second to import); the collection opens in a worker thread and the deck list fills
as soon as it answers. Nothing here is global: everything is built and handed what it needs.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from flashcards.gui.bridge import CollectionSignals
from flashcards.gui.clock import Clock, system_clock
from flashcards.gui.deck_list import first_due_deck, today_text
from flashcards.gui.fonts import apply_fonts
from flashcards.gui.main_window import MainWindow
from flashcards.gui.plain import message_box, one_sentence
from flashcards.gui.safety import Safety, claim_instance, collection_file
from flashcards.gui.theme import Theme
from flashcards.gui.workers import Report, TaskRunner

if TYPE_CHECKING:
    from flashcards.core.collection import Collection, DeckCounts
    from flashcards.gui.main_controller import MainController

#: With this environment variable set to 1 the app prints start-up timings and quits.
PROBE_ENV = "FLASHCARDS_STARTUP_PROBE"


@dataclass
class Gui:
    """Everything the app is made of, built once and handed around (never global)."""

    app: QApplication
    window: MainWindow
    signals: CollectionSignals
    theme: Theme
    settings: QSettings
    runner: TaskRunner
    clock: Clock
    col: Collection | None = None
    controller: MainController | None = None
    #: One instance, automatic backups, restoring (built by :func:`run_app`).
    safety: Safety | None = None
    marks: dict[str, float] = field(default_factory=dict)


def settings_for(data_dir: Path | None) -> QSettings:
    """The GUI settings: ``gui.ini`` beside the collection when a data directory is given."""
    folder = data_dir
    if folder is None and os.environ.get("FLASHCARDS_DATA_DIR"):
        folder = Path(os.environ["FLASHCARDS_DATA_DIR"]).expanduser()
    if folder is not None:
        return QSettings(str(folder / "gui.ini"), QSettings.Format.IniFormat)
    return QSettings("flashcards", "Flashcards")


def create_gui(app: QApplication, settings: QSettings, clock: Clock = system_clock) -> Gui:
    """Build the window and the services that do not need the collection."""
    app.setApplicationName("Flashcards")
    app.setOrganizationName("flashcards")
    apply_fonts(app)
    theme = Theme(app)
    window = MainWindow(settings)
    return Gui(app, window, CollectionSignals(), theme, settings, TaskRunner(), clock)


def attach_collection(
    gui: Gui, col: Collection, counts: list[DeckCounts] | None = None
) -> MainController:
    """Hand the open collection to the controllers and fill the deck list."""
    from flashcards.gui.main_controller import MainController

    gui.col = col
    col.add_listener(gui.signals.on_change)
    controller = MainController(
        gui.window, col, gui.clock, gui.signals, gui.settings, gui.theme, gui.runner
    )
    gui.controller = controller
    controller.show_counts(
        counts if counts is not None else col.deck_counts(gui.clock()), select_first_due=True
    )
    return controller


def fill_from_file(gui: Gui, data_dir: Path | None, db_url: str | None) -> bool:
    """Show the deck list of an existing SQLite collection before the collection service is up.

    Returns False (and shows nothing) on a first run, for other databases, or when the file
    cannot be read this way; the service fills the list a moment later in every case.
    """
    from flashcards.core.overview import read_sqlite
    from flashcards.core.paths import resolve_url, sqlite_path

    path = sqlite_path(resolve_url(data_dir, db_url)[0])
    snapshot = read_sqlite(path, gui.clock()) if path is not None else None
    if snapshot is None or gui.controller is not None:
        return False
    view = gui.window.deck_list
    view.show_counts(snapshot.counts, first_due_deck(snapshot.counts))
    if snapshot.counts:
        view.set_today(
            today_text(snapshot.reviews_today, snapshot.minutes_today, snapshot.streak_days)
        )
    gui.marks["deck_list"] = time.monotonic()
    return True


def open_in_background(
    gui: Gui, data_dir: Path | None, db_url: str | None, on_ready: Any = None
) -> None:
    """Open the user's collection in a worker thread, then attach it in the GUI thread."""

    def work(_report: Report) -> tuple[Collection, list[DeckCounts]]:
        from flashcards.core.startup import open_user_collection

        col = open_user_collection(gui.clock(), data_dir, db_url)
        return col, col.deck_counts(gui.clock())

    def done(result: tuple[Collection, list[DeckCounts]]) -> None:
        col, counts = result
        attach_collection(gui, col, counts)
        if gui.safety is not None:
            gui.safety.attached(col)
        gui.marks.setdefault("deck_list", time.monotonic())
        gui.marks["collection_ready"] = time.monotonic()
        if on_ready is not None:
            on_ready()

    def failed(exc: Exception) -> None:
        if gui.safety is not None:  # offers the newest good backup if the file is damaged
            gui.safety.open_failed(exc)
            return
        gui.window.deck_list.set_today("The collection could not be opened.")
        message_box(
            gui.window,
            QMessageBox.Icon.Critical,
            "Flashcards",
            one_sentence(exc, "The collection could not be opened", always_lead=True),
        ).exec()
        gui.app.exit(1)

    gui.runner.start(work, done, failed)


def run_app(
    data_dir: Path | None = None, db_url: str | None = None, clock: Clock = system_clock
) -> int:
    """Run the desktop app until its window closes; returns the exit status."""
    probe = os.environ.get(PROBE_ENV) == "1"
    started = time.monotonic()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    # One instance per collection: a second launch brings the running window to the front.
    instance = claim_instance(data_dir, db_url)
    if isinstance(instance, int):
        return instance
    gui = create_gui(app, settings_for(data_dir), clock)
    guard = gui.safety = Safety(
        gui,
        instance,
        collection_file(data_dir, db_url),
        reopen=lambda: open_in_background(gui, data_dir, db_url, ready),
    )
    gui.window.show()
    gui.marks["window_shown"] = time.monotonic()

    def report_and_quit() -> None:
        marks = " ".join(f"{k}={v:.4f}" for k, v in gui.marks.items())
        sys.stderr.write(f"flashcards-startup start={started:.4f} {marks}\n")
        sys.stderr.flush()
        app.quit()

    def ready() -> None:
        if probe:
            # Let the filled list paint once before quitting.
            QTimer.singleShot(0, report_and_quit)

    def start() -> None:
        # Paint the deck list from the database file at once (stdlib sqlite3, no ORM), then
        # open the collection service in the background; it takes over when it is ready.
        fill_from_file(gui, data_dir, db_url)
        open_in_background(gui, data_dir, db_url, ready)

    QTimer.singleShot(0, start)

    def shutdown() -> None:
        if gui.controller is not None:
            gui.controller.close()
        gui.runner.wait()
        guard.before_close()  # the closing backup
        if gui.col is not None:
            gui.col.close()
        guard.release()

    app.aboutToQuit.connect(shutdown)
    quit_on_terminate(app)
    return app.exec()


def quit_on_terminate(app: QApplication) -> None:
    """Quit cleanly on SIGTERM (logout, ``kill``): the closing backup and checkpoint still run.

    Python runs signal handlers only between bytecodes, so a timer wakes the interpreter while
    Qt waits for events.
    """
    if not hasattr(signal, "SIGTERM"):
        return
    signal.signal(signal.SIGTERM, lambda _signum, _frame: app.quit())
    timer = QTimer(app)
    timer.timeout.connect(lambda: None)
    timer.start(250)
