"""The composition root: builds the application in one place and wires it.

QApplication, the main window, the executor, the error boundary, the collection and its
operations, the controllers, the automatic backups and recovery are all built here and handed
what they need; nothing is global. The window is shown before the database layer is even
imported (SQLAlchemy and SQLModel take most of a second to import); the collection opens on
the executor and the deck list fills as soon as it answers.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from flashcards.gui.clock import Clock, system_clock
from flashcards.gui.deck_list import first_due_deck, today_text
from flashcards.gui.errors import ErrorBoundary, log_dir_for
from flashcards.gui.executor import Executor, Report
from flashcards.gui.fonts import apply_fonts
from flashcards.gui.gc_guard import GuiThreadCollector
from flashcards.gui.i18n import install_translator, translate
from flashcards.gui.main_window import MainWindow
from flashcards.gui.plain import message_box, one_sentence
from flashcards.gui.safety.instance import (
    SingleInstance,
    bring_to_front,
    claim_instance,
    collection_file,
)
from flashcards.gui.safety.recovery import Recovery
from flashcards.gui.theme import Theme

if TYPE_CHECKING:
    from flashcards.core.collection import Collection
    from flashcards.core.overview import DeckCounts
    from flashcards.gui.main_controller import MainController
    from flashcards.gui.ops import Ops
    from flashcards.gui.safety.backups import AutoBackup

#: With this environment variable set to 1 the app prints start-up timings and quits.
PROBE_ENV = "FLASHCARDS_STARTUP_PROBE"


@dataclass
class Gui:
    """Everything the app is made of, built once and handed around (never global)."""

    app: QApplication
    window: MainWindow
    theme: Theme
    settings: QSettings
    executor: Executor
    errors: ErrorBoundary
    clock: Clock
    #: Python's cycle collection, kept on the GUI thread while the app runs.
    collector: GuiThreadCollector
    col: Collection | None = None
    #: Runs operations on the open collection and announces their changes.
    ops: Ops | None = None
    controller: MainController | None = None
    #: Backups every 30 minutes of use and on close (for a SQLite collection).
    backups: AutoBackup | None = None
    #: Damaged-file recovery and File → Restore Backup… (built by :func:`setup_recovery`).
    recovery: Recovery | None = None
    #: The data directory's lock (released by :func:`shutdown`); None in tests that take none.
    instance: SingleInstance | None = None
    #: Set once :func:`shutdown` has run.
    shut_down: bool = False
    #: Ends the event loop when the main window closes (default: ``app.quit``).
    end_loop: Callable[[], None] | None = None
    marks: dict[str, float] = field(default_factory=dict)


def settings_for(data_dir: Path | None) -> QSettings:
    """The GUI settings: ``gui.ini`` beside the collection when a data directory is given."""
    folder = data_dir
    if folder is None and os.environ.get("FLASHCARDS_DATA_DIR"):
        folder = Path(os.environ["FLASHCARDS_DATA_DIR"]).expanduser()
    if folder is not None:
        return QSettings(str(folder / "gui.ini"), QSettings.Format.IniFormat)
    return QSettings("flashcards", "Flashcards")


def create_gui(
    app: QApplication,
    settings: QSettings,
    clock: Clock = system_clock,
    log_dir: Path | None = None,
) -> Gui:
    """Build the window and the services that do not need the collection.

    Args:
        app: The application.
        settings: Where window geometry is kept.
        clock: Returns the current time.
        log_dir: Where the error boundary writes its log (default: :func:`log_dir_for`).
    """
    app.setApplicationName("Flashcards")
    app.setOrganizationName("flashcards")
    apply_fonts(app)
    theme = Theme(app, settings)
    window = MainWindow(settings)
    errors = ErrorBoundary(log_dir if log_dir is not None else log_dir_for(None))
    # Before any other thread starts: cycles holding Qt objects are only collected here.
    collector = GuiThreadCollector()
    gui = Gui(app, window, theme, settings, Executor(), errors, clock, collector)
    errors.window = lambda: gui.window
    wire_window(gui, window)
    return gui


def wire_window(gui: Gui, window: MainWindow) -> None:
    """Connect what the main window does for the whole app: Quit, closing, zoom."""
    a = window.actions_
    a.quit.triggered.connect(window.close)
    window.closing.connect(lambda: end_with_window(gui, window))
    a.zoom_in.triggered.connect(gui.theme.zoom_in)
    a.zoom_out.triggered.connect(gui.theme.zoom_out)
    a.zoom_reset.triggered.connect(gui.theme.reset_zoom)


def end_with_window(gui: Gui, window: MainWindow) -> None:
    """The main window closed (File → Quit, Ctrl+Q, its close button): the app ends with it.

    Every other window (Browse, Statistics, Generate, a result dialog) is closed too, and the
    event loop is asked to end; :func:`shutdown` then takes the closing backup and releases
    the lock. A window replaced by :func:`close_collection` ends nothing.
    """
    if window is not gui.window:
        return
    if gui.controller is not None:
        gui.controller.close()  # the browser saves a pending edit as it closes
    for widget in QApplication.topLevelWidgets():
        if widget is not window and widget.isVisible() and _is_window(widget):
            widget.close()
    (gui.end_loop or gui.app.quit)()


def _is_window(widget: QWidget) -> bool:
    # Menus and tooltips are top-level too, and close by themselves.
    kind = widget.windowType()
    return kind in (Qt.WindowType.Window, Qt.WindowType.Dialog, Qt.WindowType.Sheet)


def attach_collection(
    gui: Gui, col: Collection, counts: list[DeckCounts] | None = None
) -> MainController:
    """Hand the open collection to the controllers and fill the deck list."""
    from flashcards.gui.main_controller import MainController
    from flashcards.gui.ops import Ops

    gui.col = col
    ops = gui.ops = Ops(col, gui.executor, gui.errors.report)
    controller = MainController(
        gui.window, col, ops, gui.clock, gui.settings, gui.theme, gui.executor
    )
    gui.controller = controller
    if counts is None:
        with ops.exclusive():
            counts = col.sched.deck_counts(gui.clock())
    controller.show_counts(counts, select_first_due=True)
    return controller


def start_backups(gui: Gui) -> None:
    """Enable File → Restore Backup… and start the automatic backups (SQLite collections)."""
    from flashcards.gui.safety.backups import AutoBackup

    recovery = gui.recovery
    if recovery is None or gui.col is None or gui.ops is None:
        return
    recovery.enable(gui.window.actions_.restore)
    if recovery.db_path is not None:
        gui.backups = AutoBackup(gui.col, gui.ops, recovery.db_path, gui.clock)
        gui.backups.message.connect(recovery.status)


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
    gui: Gui,
    data_dir: Path | None,
    db_url: str | None,
    on_ready: Callable[[], None] | None = None,
) -> None:
    """Open the user's collection on the executor, then attach it on the GUI thread."""

    def work(_report: Report) -> tuple[Collection, list[DeckCounts]]:
        from flashcards.core.startup import open_user_collection

        col = open_user_collection(gui.clock(), data_dir, db_url)
        return col, col.sched.deck_counts(gui.clock())

    def done(result: tuple[Collection, list[DeckCounts]]) -> None:
        col, counts = result
        controller = attach_collection(gui, col, counts)
        start_backups(gui)
        if controller.sync.automatic():  # (the setting: sync when the app opens)
            controller.sync.sync()
        gui.marks.setdefault("deck_list", time.monotonic())
        gui.marks["collection_ready"] = time.monotonic()
        if on_ready is not None:
            on_ready()

    def failed(exc: BaseException) -> None:
        if gui.recovery is not None:  # offers the newest good backup if the file is damaged
            gui.recovery.open_failed(exc)
            return
        gui.window.deck_list.set_today(translate("App", "The collection could not be opened."))
        message_box(
            gui.window,
            QMessageBox.Icon.Critical,
            "Flashcards",
            one_sentence(
                exc, translate("App", "The collection could not be opened"), always_lead=True
            ),
        ).exec()
        gui.app.exit(1)

    gui.executor.submit(work, done, failed)


def close_collection(gui: Gui) -> None:
    """Close the open collection and put a fresh window (no controllers yet) in its place.

    Every controller connects to the window it was built with, so a fresh window is the one
    sure way to leave nothing connected to the closed collection.
    """
    controller = gui.controller
    if controller is not None:
        controller.close()
    gui.executor.wait()
    if gui.backups is not None:
        gui.backups.stop()
        gui.backups.deleteLater()
        gui.backups = None
    if gui.col is not None:
        gui.col.close()
    gui.col = None
    gui.ops = None
    gui.controller = None
    if controller is None:  # nothing was attached (a damaged file): the window is clean
        return
    old = gui.window
    new = MainWindow(gui.settings)
    new.setGeometry(old.geometry())
    new.setWindowState(old.windowState())
    gui.window = new
    if gui.recovery is not None:
        gui.recovery.wire(new.actions_.restore)
    wire_window(gui, new)
    new.show()
    old.close()
    old.deleteLater()


def setup_recovery(
    gui: Gui,
    data_dir: Path | None,
    db_url: str | None,
    on_ready: Callable[[], None] | None = None,
    quit: Callable[[int], None] | None = None,  # noqa: A002 - the app's word for it
) -> Recovery:
    """Build damaged-file recovery and File → Restore Backup… for the collection."""
    recovery = Recovery(
        collection_file(data_dir, db_url),
        gui.executor,
        gui.clock,
        window=lambda: gui.window,
        close_collection=lambda: close_collection(gui),
        reopen=lambda: open_in_background(gui, data_dir, db_url, on_ready),
        quit=quit or gui.app.exit,
    )
    gui.recovery = recovery
    recovery.wire(gui.window.actions_.restore)
    return recovery


def take_closing_backup(gui: Gui) -> None:
    """The closing backup (after the executor is idle, before the collection closes)."""
    if gui.backups is None:
        return
    try:
        gui.backups.close()
    except Exception as exc:  # the app is closing: say so on stderr, never crash
        sys.stderr.write(f"flashcards: {one_sentence(exc, 'No closing backup')}\n")


def shutdown(gui: Gui) -> None:
    """End the app's work once, whichever way it ends (Quit, the last window, SIGTERM).

    Closes the controllers' windows, waits for the executor, takes the closing backup, closes
    the collection, stops the executor and releases the data directory's lock.
    """
    if gui.shut_down:
        return
    gui.shut_down = True
    if gui.controller is not None:
        gui.controller.close()
    gui.executor.wait()
    if gui.controller is not None and gui.controller.sync.automatic():
        gui.controller.sync.sync_now_blocking()  # (the setting: sync when the app closes)
    take_closing_backup(gui)
    if gui.col is not None:
        gui.col.close()
    gui.executor.shutdown()
    if gui.instance is not None:
        gui.instance.release()
    gui.errors.uninstall()
    gui.collector.stop()


def run_app(
    data_dir: Path | None = None, db_url: str | None = None, clock: Clock = system_clock
) -> int:
    """Run the desktop app until its window closes; returns the exit status."""
    probe = os.environ.get(PROBE_ENV) == "1"
    started = time.monotonic()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    settings = settings_for(data_dir)
    # The interface's language, before any window or message is built (applies on restart).
    install_translator(app, settings)
    # One instance per collection: a second launch brings the running window to the front.
    instance = claim_instance(data_dir, db_url)
    if isinstance(instance, int):
        return instance
    gui = create_gui(app, settings, clock, log_dir_for(data_dir))
    gui.instance = instance
    gui.errors.install()
    instance.raise_requested.connect(lambda: bring_to_front(gui.window))

    def report_and_quit() -> None:
        marks = " ".join(f"{k}={v:.4f}" for k, v in gui.marks.items())
        sys.stderr.write(f"flashcards-startup start={started:.4f} {marks}\n")
        sys.stderr.flush()
        app.quit()

    def ready() -> None:
        if probe:
            # Let the filled list paint once before quitting.
            QTimer.singleShot(0, report_and_quit)

    setup_recovery(gui, data_dir, db_url, ready)
    gui.window.show()
    gui.marks["window_shown"] = time.monotonic()

    def start() -> None:
        # Paint the deck list from the database file at once (stdlib sqlite3, no ORM), then
        # open the collection service in the background; it takes over when it is ready.
        fill_from_file(gui, data_dir, db_url)
        open_in_background(gui, data_dir, db_url, ready)

    QTimer.singleShot(0, start)

    app.aboutToQuit.connect(lambda: shutdown(gui))
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
