"""Crash safety in the GUI: one instance per data directory, automatic backups, restoring.

The headless parts live in the core (:mod:`flashcards.core.instance`,
:mod:`flashcards.core.backup`, the damaged-file checks of :mod:`flashcards.core.db`); this module
puts them on screen:

* :func:`claim_instance` takes the data directory's lock before the window is built. A second
  launch asks the running instance, over a ``QLocalServer``, to come to the front and exits 0;
  if that instance does not answer within a second it says why it cannot start and exits 1.
* :class:`AutoBackup` takes a backup every 30 minutes of use (when something changed) in a
  worker thread, and one on close.
* :class:`Safety` offers the newest good backup when the collection is damaged and drives
  File → Restore Backup… (:class:`RestoreDialog`): the collection is closed, the backup put in
  place by the core (which keeps the current file aside, never overwriting it), and reopened.

Nothing here imports the database layer at module level: the lock is taken before the window
is shown, and SQLAlchemy is the slow part of starting up.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from flashcards.core.errors import FlashcardsError
from flashcards.core.instance import RAISE_MESSAGE, AlreadyRunningError, InstanceLock, server_name
from flashcards.core.paths import resolve_url, sqlite_path
from flashcards.gui.clock import Clock
from flashcards.gui.plain import inform, one_line, one_sentence, tooltip
from flashcards.gui.workers import TaskRunner

if TYPE_CHECKING:
    from flashcards.core.backup import BackupInfo
    from flashcards.core.collection import Collection
    from flashcards.gui.app import Gui

#: How often the backup timer looks at the clock (the interval itself is the core's 30 minutes).
TICK_MS = 60_000
#: How long a second launch waits for the running instance to answer.
RAISE_TIMEOUT_MS = 1000


def collection_file(data_dir: Path | None, db_url: str | None) -> Path | None:
    """The collection's SQLite file, or None for a collection on a database server."""
    return sqlite_path(resolve_url(data_dir, db_url)[0])


def lock_folder(data_dir: Path | None, db_url: str | None) -> Path:
    """The folder whose lock says who uses the collection: the file's folder, or the data dir."""
    url, folder = resolve_url(data_dir, db_url)
    path = sqlite_path(url)
    return path.parent if path is not None else folder


# ---------------------------------------------------------------------------- one instance


class SingleInstance(QObject):
    """The data directory's lock, and the local server a second launch talks to.

    Args:
        folder: The folder to lock (see :func:`lock_folder`).
    """

    #: A second launch asked this instance to come to the front.
    raise_requested = Signal()

    def __init__(self, folder: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.folder = folder
        self.name = server_name(folder)
        self.lock = InstanceLock(folder)
        self.server = QLocalServer(self)
        self.server.newConnection.connect(self._on_new_connection)

    def claim(self) -> None:
        """Take the lock, then listen for second launches.

        Raises:
            AlreadyRunningError: If another process holds the lock.
            FlashcardsError: If the lock file cannot be created.
        """
        self.lock.acquire()
        # The lock is ours, so a socket left under this name belongs to a process that died.
        QLocalServer.removeServer(self.name)
        if not self.server.listen(self.name):
            # Bring-to-front is a convenience: the lock alone keeps the collection safe.
            sys.stderr.write(f"flashcards: cannot listen on {self.name}: "
                             f"{self.server.errorString()}\n")  # fmt: skip

    def release(self) -> None:
        """Stop listening and release the lock (after the collection is closed)."""
        self.server.close()
        self.lock.release()

    def _on_new_connection(self) -> None:
        while (socket := self.server.nextPendingConnection()) is not None:
            socket.setParent(self)
            socket.readyRead.connect(lambda s=socket: self._on_ready_read(s))
            socket.disconnected.connect(socket.deleteLater)
            if socket.bytesAvailable():
                self._on_ready_read(socket)

    def _on_ready_read(self, socket: QLocalSocket) -> None:
        data = bytes(socket.readAll().data())
        if RAISE_MESSAGE.strip() in data:
            self.raise_requested.emit()


def ask_to_raise(folder: Path, timeout_ms: int = RAISE_TIMEOUT_MS) -> bool:
    """Ask the instance that owns ``folder`` to come to the front; False if it does not answer."""
    socket = QLocalSocket()
    socket.connectToServer(server_name(folder))
    if not socket.waitForConnected(timeout_ms):
        return False
    socket.write(RAISE_MESSAGE)
    sent = socket.waitForBytesWritten(timeout_ms)
    socket.disconnectFromServer()
    if socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
        socket.waitForDisconnected(timeout_ms)
    return sent


def claim_instance(
    data_dir: Path | None,
    db_url: str | None,
    tell: Callable[[str], None] | None = None,
) -> SingleInstance | int:
    """Become the one instance of the collection, or hand over to the running one.

    Args:
        data_dir: The ``--data-dir`` option.
        db_url: The ``--db`` option.
        tell: Shows a message (default: an information box).

    Returns:
        The claimed instance, or the exit status of this launch: 0 when the running instance
        came to the front, 1 when it could not be reached (``tell`` says why).
    """
    folder = lock_folder(data_dir, db_url)
    instance = SingleInstance(folder)
    try:
        instance.claim()
    except AlreadyRunningError as exc:
        if ask_to_raise(folder):
            return 0
        (tell or _information)(str(exc))
        return 1
    except FlashcardsError as exc:
        (tell or _information)(str(exc))
        return 1
    return instance


def _information(text: str) -> None:
    inform(None, "Flashcards", one_line(text))


def bring_to_front(window: QWidget) -> None:
    """Un-minimise, show, raise and activate ``window``."""
    if window.isMinimized():
        window.setWindowState(
            (window.windowState() & ~Qt.WindowState.WindowMinimized) | Qt.WindowState.WindowActive
        )
    window.show()
    window.raise_()
    if QGuiApplication.platformName() != "xcb":
        window.activateWindow()
        return
    # X ignores a focus request stamped earlier than the last focus change, and Qt stamps it
    # with the time of the last X event it saw (long ago, for an idle window). Changing a
    # property of our own window brings a fresh server time back (PropertyNotify); the
    # activation that follows carries it.
    window.setWindowRole("flashcards-main")
    QTimer.singleShot(100, window, window.activateWindow)


# ---------------------------------------------------------------------------- automatic backups


class AutoBackup(QObject):
    """Backups every 30 minutes of use (when something changed) and on close.

    The schedule is the core's :class:`~flashcards.core.backup.BackupSchedule`; the copy runs in
    a worker thread. The "changed" mark is cleared before the copy starts, so a change made
    while it runs goes into the next backup. The number kept is read from the ``backup_keep``
    setting at each backup, so the settings dialog takes effect at once.

    Args:
        col: The open collection.
        db_path: Its SQLite file.
        clock: Returns the current time.
        runner: Runs the copy off the GUI thread.
        interval_ms: How often to look at the clock.
    """

    #: A one-sentence report for the status bar (a backup taken, or why it failed).
    message = Signal(str)

    def __init__(
        self,
        col: Collection,
        db_path: Path,
        clock: Clock,
        runner: TaskRunner,
        interval_ms: int = TICK_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        from flashcards.core.backup import BackupSchedule

        self._col = col
        self._clock = clock
        self._runner = runner
        self.busy = False
        self.schedule = BackupSchedule(db_path, clock(), keep=self._keep())
        col.add_listener(self.schedule.mark_changed)
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.tick)
        self.timer.start()

    def _keep(self) -> int:
        from flashcards.core.backup import DEFAULT_KEEP, KEEP_SETTING, keep_setting

        return keep_setting(self._col.get_setting(KEEP_SETTING, str(DEFAULT_KEEP)))

    def tick(self) -> bool:
        """Start a backup in the background if one is due; returns whether one started."""
        from flashcards.core.backup import create_backup

        now = self._clock()
        schedule = self.schedule
        if self.busy:
            return False
        if not schedule.due(now):
            # Idle minute: fold the write-ahead log into the file now, so that SQLite never
            # has to do it in the middle of an answer.
            self._runner.start(lambda _report: self._col.checkpoint(), _ignore, _ignore)
            return False
        schedule.keep = self._keep()
        schedule.changed = False
        self.busy = True
        path, keep = schedule.db_path, schedule.keep

        def done(written: Path) -> None:
            self.busy = False
            schedule.last = now
            self.message.emit(f"Backed up the collection to {written.name}.")

        def failed(exc: Exception) -> None:
            self.busy = False
            schedule.changed = True
            self.message.emit(one_sentence(exc, "The backup could not be written"))

        self._runner.start(lambda _report: create_backup(path, now, keep), done, failed)
        return True

    def stop(self) -> None:
        """Stop the timer (the collection is about to close)."""
        self.timer.stop()

    def close(self) -> Path | None:
        """Stop, and take the closing backup if anything changed since the last one.

        Call after the runner has finished its tasks, before the collection closes.

        Raises:
            CollectionError: If the backup cannot be written.
        """
        self.stop()
        if self.busy:  # its result never arrived: take the closing backup to be sure
            self.schedule.changed = True
        self.schedule.keep = self._keep()
        return self.schedule.on_close(self._clock())


def _ignore(_value: object) -> None:
    """A checkpoint that did not happen now happens at the next one or on close."""


# ---------------------------------------------------------------------------- restore dialog


def _size_text(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            if unit == "bytes":
                return f"{size} bytes"
            return f"{value:.0f} KB" if unit == "KB" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} bytes"  # pragma: no cover - the loop always returns


def _local_time(taken: datetime) -> str:
    return taken.astimezone().strftime("%Y-%m-%d %H:%M:%S")


class RestoreDialog(QDialog):
    """Pick a backup (or another collection file) to put in place of the collection.

    Args:
        backups: The backups, newest first (:func:`flashcards.core.backup.list_backups`).
        folder: Where "Other file…" starts.
    """

    def __init__(
        self, backups: list[BackupInfo], folder: Path, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("restoreDialog")
        self.setWindowTitle("Restore Backup")
        self._folder = folder
        self._other: Path | None = None
        intro = QLabel(
            "Choose the backup to restore. The collection as it is now is kept aside in the "
            "same folder, never overwritten."
            if backups
            else "No backups yet: one is taken when you close the app and every 30 minutes "
            "of use. You can restore another collection file."
        )
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        self.list = QTreeWidget()
        self.list.setObjectName("backupList")
        self.list.setHeaderLabels(["Backup", "Taken", "Size"])
        self.list.setRootIsDecorated(False)
        self.list.setUniformRowHeights(True)
        self.list.setAlternatingRowColors(True)
        for info in backups:
            item = QTreeWidgetItem([info.path.name, _local_time(info.taken), _size_text(info.size)])
            item.setData(0, Qt.ItemDataRole.UserRole, str(info.path))
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setToolTip(0, tooltip(str(info.path)))
            self.list.addTopLevelItem(item)
        header = self.list.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.list.setVisible(bool(backups))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.restore_button = QPushButton("&Restore")
        self.restore_button.setObjectName("primaryButton")
        self.restore_button.setDefault(True)
        self.other_button = QPushButton("&Other File…")
        self.other_button.setAutoDefault(False)  # Return restores the selected backup
        self.buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.other_button.clicked.connect(self._on_other)
        self.list.itemDoubleClicked.connect(lambda *_: self.accept())
        self.list.currentItemChanged.connect(lambda *_: self._sync())
        row = QHBoxLayout()
        row.addWidget(self.other_button)
        row.addStretch(1)
        row.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addLayout(row)
        if (first := self.list.topLevelItem(0)) is not None:
            self.list.setCurrentItem(first)
            self.list.setFocus()
        self._sync()
        self.resize(580, 320 if backups else 140)

    def _sync(self) -> None:
        self.restore_button.setEnabled(self.list.currentItem() is not None)

    def _on_other(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self,
            "Restore from file",
            str(self._folder),
            "Collections (*.db *.sqlite *.sqlite3);;All files (*)",
        )
        if name:
            self.choose_other(Path(name))

    def choose_other(self, path: Path) -> None:
        """Restore ``path`` (a collection file picked outside the list) and close."""
        self._other = path
        self.accept()

    @property
    def chosen(self) -> Path | None:
        """The file to restore, or None."""
        if self._other is not None:
            return self._other
        item = self.list.currentItem()
        return Path(item.data(0, Qt.ItemDataRole.UserRole)) if item is not None else None


# ---------------------------------------------------------------------------- the app's side


class Safety(QObject):
    """What the running app does about crashes and damage; built once in :func:`run_app`.

    Args:
        gui: The app.
        instance: The claimed instance (None in tests that do not claim one).
        db_path: The collection's SQLite file (None for a database server).
        reopen: Opens the collection again in the background (``open_in_background``).
        quit: Ends the app with an exit status.
    """

    def __init__(
        self,
        gui: Gui,
        instance: SingleInstance | None,
        db_path: Path | None,
        reopen: Callable[[], None],
        quit: Callable[[int], None] | None = None,  # noqa: A002 - the app's word for it
    ) -> None:
        super().__init__()
        self.gui = gui
        self.instance = instance
        self.db_path = db_path
        self._reopen = reopen
        self._quit = quit or gui.app.exit
        self.backups: AutoBackup | None = None
        #: The message box or dialog on screen (tests answer it).
        self.prompt: QDialog | None = None
        if instance is not None:
            instance.raise_requested.connect(lambda: bring_to_front(self.gui.window))
        self.wire_window()

    def wire_window(self) -> None:
        """Connect File → Restore Backup… of the current window (disabled until it opens)."""
        action = self.gui.window.actions_.restore
        action.setEnabled(False)
        action.triggered.connect(self.ask_restore)

    # ------------------------------------------------------------------ opening

    def attached(self, col: Collection) -> None:
        """The collection is open: start the automatic backups, enable restoring."""
        from flashcards.core.backup import NOT_SQLITE

        action = self.gui.window.actions_.restore
        if self.db_path is None:
            action.setEnabled(False)
            action.setToolTip(NOT_SQLITE)
            action.setStatusTip(NOT_SQLITE)
            return
        action.setEnabled(True)
        self.backups = AutoBackup(col, self.db_path, self.gui.clock, self.gui.runner, parent=self)
        self.backups.message.connect(self._status)

    def open_failed(self, exc: Exception) -> None:
        """The collection could not be opened: offer a backup if it is damaged, else say why."""
        from flashcards.core.db import DamagedCollectionError, NewerCollectionError

        window = self.gui.window
        path = self.db_path
        if not isinstance(exc, DamagedCollectionError | NewerCollectionError) or path is None:
            window.deck_list.set_today("The collection could not be opened.")
            self._fatal(one_sentence(exc, "The collection could not be opened"))
            return
        window.deck_list.set_today("The collection cannot be used; looking for a good backup…")

        def search(_report: Any) -> BackupInfo | None:
            from flashcards.core.backup import newest_good_backup

            return newest_good_backup(path)

        self.gui.runner.start(
            search,
            lambda good: self._offer_backup(exc, path, good),
            lambda err: self._fatal(f"{exc} {one_sentence(err, 'No backup could be checked')}"),
        )

    def _offer_backup(self, exc: Exception, path: Path, good: BackupInfo | None) -> None:
        from flashcards.core.backup import backup_dir
        from flashcards.core.db import DamagedCollectionError

        kept = "damaged" if isinstance(exc, DamagedCollectionError) else "current"
        if good is None:
            self._fatal(
                f"{exc} No good backup was found in {backup_dir(path)}; move the file aside to "
                "start a new collection."
            )
            return
        self.gui.window.deck_list.set_today("The collection cannot be used.")
        box = self._box(
            QMessageBox.Icon.Warning,
            f"{exc} Restore the newest good backup, {good.path.name} ({_local_time(good.taken)})?"
            f" The {kept} file is kept aside.",
        )
        restore = box.addButton("&Restore", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("&Quit", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(restore)

        def answered() -> None:
            if box.clickedButton() is restore:
                self.restore(good.path)
            else:
                self._quit(1)

        box.finished.connect(answered)
        box.open()

    def _fatal(self, text: str) -> None:
        box = self._box(QMessageBox.Icon.Critical, text)
        box.addButton("&Quit", QMessageBox.ButtonRole.RejectRole)
        box.finished.connect(lambda _result: self._quit(1))
        box.open()

    def _box(self, icon: QMessageBox.Icon, text: str) -> QMessageBox:
        box = QMessageBox(icon, "Flashcards", text, QMessageBox.StandardButton.NoButton)
        box.setParent(self.gui.window, box.windowFlags())
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.prompt = box
        return box

    # ------------------------------------------------------------------ restoring

    def ask_restore(self) -> None:
        """File → Restore Backup…: pick a backup, then put it in place."""
        from flashcards.core.backup import backup_dir, list_backups

        if self.db_path is None:
            return
        dialog = RestoreDialog(
            list_backups(self.db_path), backup_dir(self.db_path), self.gui.window
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.prompt = dialog

        def accepted() -> None:
            chosen = dialog.chosen
            if chosen is not None:
                self.restore(chosen)

        dialog.accepted.connect(accepted)
        dialog.open()

    def restore(self, backup: Path) -> None:
        """Close the collection, put ``backup`` in its place (the current file kept aside), reopen.

        The core checks the backup before it touches anything; if it refuses, the collection
        is reopened unchanged and the reason shown.
        """
        from flashcards.core.backup import restore_backup

        path = self.db_path
        assert path is not None
        self.close_collection()
        self.gui.window.deck_list.set_today(f"Restoring {backup.name}…")
        now = self.gui.clock()

        def done(aside: Path | None) -> None:
            kept = f" The previous file was kept as {aside}." if aside is not None else ""
            self._reopen()
            self._notice(f"Restored {backup.name}.{kept}")

        def failed(exc: Exception) -> None:
            self._reopen()
            self._notice(one_sentence(exc, f"{backup.name} could not be restored"), warn=True)

        self.gui.runner.start(lambda _report: restore_backup(path, backup, now), done, failed)

    def close_collection(self) -> None:
        """Close the open collection and put a fresh window (no controllers yet) in its place.

        Every controller connects to the window it was built with, so a fresh window is the
        one sure way to leave nothing connected to the closed collection.
        """
        from flashcards.gui.main_window import MainWindow

        gui = self.gui
        controller = gui.controller
        if controller is not None:
            controller.close()
        gui.runner.wait()
        if self.backups is not None:
            self.backups.stop()
            self.backups.deleteLater()
            self.backups = None
        if gui.col is not None:
            gui.col.close()
        gui.col = None
        gui.controller = None
        if controller is None:  # nothing was attached (a damaged file): the window is clean
            return
        old = gui.window
        new = MainWindow(gui.settings)
        new.setGeometry(old.geometry())
        new.setWindowState(old.windowState())
        gui.window = new
        self.wire_window()
        new.show()
        old.close()
        old.deleteLater()

    def _notice(self, text: str, warn: bool = False) -> None:
        self._status(text)
        icon = QMessageBox.Icon.Warning if warn else QMessageBox.Icon.Information
        box = self._box(icon, text)
        box.addButton(QMessageBox.StandardButton.Ok)
        box.open()

    def _status(self, text: str) -> None:
        self.gui.window.statusBar().showMessage(text, 10_000)

    # ------------------------------------------------------------------ closing

    def before_close(self) -> None:
        """Take the closing backup (after the workers finish, before the collection closes)."""
        if self.backups is None:
            return
        try:
            self.backups.close()
        except Exception as exc:  # the app is closing: say so on stderr, never crash
            sys.stderr.write(f"flashcards: {one_sentence(exc, 'No closing backup')}\n")

    def release(self) -> None:
        """Release the instance lock (after the collection is closed)."""
        if self.instance is not None:
            self.instance.release()
