"""Recovery: a damaged collection is offered its newest good backup; File → Restore Backup….

Restoring closes the collection, has the core put the backup in place (the core checks it
first, and keeps the current file aside, never overwriting it), and opens the collection again.
Closing and reopening belong to the composition root, which hands them in as callables.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QMessageBox

from flashcards.gui.clock import Clock
from flashcards.gui.executor import Executor
from flashcards.gui.plain import one_sentence
from flashcards.gui.safety.restore_dialog import RestoreDialog, local_time

if TYPE_CHECKING:
    from flashcards.core.backup import BackupInfo
    from flashcards.gui.main_window import MainWindow


class Recovery(QObject):
    """What the app does about a damaged collection, and File → Restore Backup….

    Args:
        db_path: The collection's SQLite file (None for a database server: nothing to restore).
        executor: Runs the backup search and the restore off the GUI thread.
        clock: Returns the current time.
        window: Returns the main window (the root replaces it when the collection closes).
        close_collection: Closes the open collection (and everything built on it).
        reopen: Opens the collection again in the background.
        quit: Ends the app with an exit status.
    """

    def __init__(
        self,
        db_path: Path | None,
        executor: Executor,
        clock: Clock,
        window: Callable[[], MainWindow],
        close_collection: Callable[[], None],
        reopen: Callable[[], None],
        quit: Callable[[int], None],  # noqa: A002 - the app's word for it
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.db_path = db_path
        self._executor = executor
        self._clock = clock
        self._window = window
        self._close_collection = close_collection
        self._reopen = reopen
        self._quit = quit
        #: The message box or dialog on screen (tests answer it).
        self.prompt: QDialog | None = None

    def wire(self, action: QAction) -> None:
        """Connect File → Restore Backup… (disabled until the collection is open)."""
        action.setEnabled(False)
        action.triggered.connect(self._on_restore_requested)

    def enable(self, action: QAction) -> None:
        """The collection is open: restoring is possible (for a SQLite file)."""
        from flashcards.core.backup import NOT_SQLITE

        if self.db_path is None:
            action.setEnabled(False)
            action.setToolTip(NOT_SQLITE)
            action.setStatusTip(NOT_SQLITE)
        else:
            action.setEnabled(True)

    # ------------------------------------------------------------------ opening failed

    def open_failed(self, exc: BaseException) -> None:
        """The collection could not be opened: offer a backup if it is damaged, else say why."""
        from flashcards.core.db import DamagedCollectionError, NewerCollectionError

        path = self.db_path
        deck_list = self._window().deck_list
        if not isinstance(exc, DamagedCollectionError | NewerCollectionError) or path is None:
            deck_list.set_today(self.tr("The collection could not be opened."))
            self._fatal(one_sentence(exc, self.tr("The collection could not be opened")))
            return
        deck_list.set_today(self.tr("The collection cannot be used; looking for a good backup…"))

        def search(_report: object) -> BackupInfo | None:
            from flashcards.core.backup import newest_good_backup

            return newest_good_backup(path)

        def failed(err: BaseException) -> None:
            lead = self.tr("No backup could be checked")
            self._fatal(f"{exc} {one_sentence(err, lead)}")

        self._executor.submit(
            search, lambda good: self._offer_backup(exc, path, good), failed, uses_collection=False
        )

    def _offer_backup(self, exc: BaseException, path: Path, good: BackupInfo | None) -> None:
        from flashcards.core.backup import backup_dir
        from flashcards.core.db import DamagedCollectionError

        damaged = isinstance(exc, DamagedCollectionError)
        if good is None:
            self._fatal(
                self.tr(
                    "{error} No good backup was found in {folder}; move the file aside to "
                    "start a new collection."
                ).format(error=exc, folder=backup_dir(path))
            )
            return
        self._window().deck_list.set_today(self.tr("The collection cannot be used."))
        question = (
            self.tr(
                "{error} Restore the newest good backup, {name} ({time})? "
                "The damaged file is kept aside."
            )
            if damaged
            else self.tr(
                "{error} Restore the newest good backup, {name} ({time})? "
                "The current file is kept aside."
            )
        )
        box = self._box(
            QMessageBox.Icon.Warning,
            question.format(error=exc, name=good.path.name, time=local_time(good.taken)),
        )
        restore = box.addButton(self.tr("&Restore"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("&Quit"), QMessageBox.ButtonRole.RejectRole)
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
        box.addButton(self.tr("&Quit"), QMessageBox.ButtonRole.RejectRole)
        box.finished.connect(lambda _result: self._quit(1))
        box.open()

    def _box(self, icon: QMessageBox.Icon, text: str) -> QMessageBox:
        box = QMessageBox(icon, "Flashcards", text, QMessageBox.StandardButton.NoButton)
        box.setParent(self._window(), box.windowFlags())
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.prompt = box
        return box

    # ------------------------------------------------------------------ restoring

    @Slot()
    def _on_restore_requested(self) -> None:
        self.ask_restore()

    def ask_restore(self) -> None:
        """File → Restore Backup…: pick a backup, then put it in place."""
        from flashcards.core.backup import backup_dir, list_backups

        if self.db_path is None:
            return
        dialog = RestoreDialog(list_backups(self.db_path), backup_dir(self.db_path), self._window())
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
        self._close_collection()
        self._window().deck_list.set_today(self.tr("Restoring {name}…").format(name=backup.name))
        now = self._clock()

        def done(aside: Path | None) -> None:
            restored = self.tr("Restored {name}.").format(name=backup.name)
            if aside is not None:
                restored += " " + self.tr("The previous file was kept as {file}.").format(
                    file=aside
                )
            self._reopen()
            self._notice(restored)

        def failed(exc: BaseException) -> None:
            self._reopen()
            lead = self.tr("{name} could not be restored").format(name=backup.name)
            self._notice(one_sentence(exc, lead), warn=True)

        # The collection is closed: the job has the file to itself.
        self._executor.submit(
            lambda _report: restore_backup(path, backup, now), done, failed, uses_collection=False
        )

    def _notice(self, text: str, warn: bool = False) -> None:
        self.status(text)
        icon = QMessageBox.Icon.Warning if warn else QMessageBox.Icon.Information
        box = self._box(icon, text)
        box.addButton(QMessageBox.StandardButton.Ok)
        box.open()

    def status(self, text: str) -> None:
        """Say ``text`` in the main window's status bar for ten seconds."""
        self._window().statusBar().showMessage(text, 10_000)
