"""Sync from the desktop app: the Sync action (Y, as Anki's), its settings, sync on open/close.

The server is a PostgreSQL URL (``postgresql://learner@host/db``) kept in the GUI's settings;
its password is never stored there: it goes to the system keyring
(:func:`flashcards.core.sync.client.save_password`), where a sync finds it.

A sync never blocks the review screen: it runs as the steps of
:class:`~flashcards.core.sync.client.SyncRun`, the short local ones (prepare, merge, read what
to send, record) as collection work on the executor, the network ones (reading from and writing
to PostgreSQL, which never touch the collection) on a thread of their own, so that answering a
card waits at most for a local step. A card answered after the sync read what to send stays
unsent and goes with the next sync. Each step says what it does in the status bar
(:attr:`SyncController.progress`); what moved goes there at the end, and a failure is one
sentence (:func:`flashcards.core.sync.client.describe`).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from flashcards.gui.plain import make_plain, one_sentence, warn

if TYPE_CHECKING:
    from flashcards.core.collection import Collection
    from flashcards.core.sync.client import Step, SyncReport, SyncRun
    from flashcards.gui.clock import Clock
    from flashcards.gui.ops import Ops

#: The GUI settings' keys: the server URL, and whether to sync when the app opens and closes.
URL_SETTING = "sync/url"
AUTO_SETTING = "sync/automatic"


class SyncSettingsDialog(QDialog):
    """The sync server's address, its password (to the keyring) and sync on open/close."""

    def __init__(self, url: str, automatic: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Sync Settings"))
        self.url = QLineEdit(url)
        self.url.setObjectName("syncUrl")
        self.url.setPlaceholderText("postgresql://learner@localhost/flashcards")
        self.password = QLineEdit()
        self.password.setObjectName("syncPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("kept in the system keyring, not here"))
        self.automatic = QCheckBox(self.tr("Sync when the app opens and closes"))
        self.automatic.setChecked(automatic)
        self.error = make_plain(QLabel())
        self.error.setObjectName("errorLabel")
        self.error.setWordWrap(True)
        self.error.hide()
        form = QFormLayout()
        form.addRow(self.tr("&Server"), self.url)
        form.addRow(self.tr("&Password"), self.password)
        form.addRow("", self.automatic)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def show_error(self, text: str) -> None:
        """Say why the settings were not kept (the dialog stays open)."""
        self.error.setText(text)
        self.error.show()


class SyncController(QObject):
    """Runs syncs for the main window and keeps the sync settings.

    Args:
        col: The collection.
        ops: Runs the sync on the executor.
        clock: The current time.
        settings: The GUI settings (server URL, sync on open/close).
        parent: The window dialogs belong to.
    """

    #: A sentence for the status bar (what a sync moved).
    message = Signal(str)
    #: A sync ended (successfully or not): views refresh from ``changed`` as usual.
    finished = Signal()
    #: What the running sync does now, a sentence for the status bar.
    progress = Signal(str)
    # A network step ended on the sync thread: its error, or None (queued to the GUI thread).
    _network_done = Signal(object)
    # A step began (from whichever thread runs it): its name and the rows it moves.
    _step_began = Signal(str, int)

    def __init__(
        self, col: Collection, ops: Ops, clock: Clock, settings: QSettings, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self._col = col
        self._ops = ops
        self._clock = clock
        self._settings = settings
        self._parent = parent
        self.running = False
        self.dialog: SyncSettingsDialog | None = None
        self._run: SyncRun | None = None
        self._steps: list[Step] = []
        #: The running network step's thread (joined on the GUI thread when it reports).
        self._thread: threading.Thread | None = None
        self._network_done.connect(self._on_network_done)
        self._step_began.connect(self._on_step_began)

    # ------------------------------------------------------------------ settings

    def url(self) -> str:
        """The server URL: the settings', else FLASHCARDS_SYNC_URL, else ""."""
        value = self._settings.value(URL_SETTING, "")
        return str(value or os.environ.get("FLASHCARDS_SYNC_URL", ""))

    def automatic(self) -> bool:
        """Whether to sync when the app opens and closes (off until the learner says so)."""
        return str(self._settings.value(AUTO_SETTING, "false")).lower() == "true"

    @Slot()
    def ask_settings(self) -> SyncSettingsDialog:
        """Open the sync settings; OK keeps the URL (and the password, in the keyring)."""
        dialog = SyncSettingsDialog(self.url(), self.automatic(), self._parent)
        dialog.finished.connect(lambda code: self._on_settings_done(dialog, code))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _on_settings_done(self, dialog: SyncSettingsDialog, code: int) -> None:
        if code != QDialog.DialogCode.Accepted:
            return
        from flashcards.core.errors import FlashcardsError
        from flashcards.core.sync import client

        url = dialog.url.text().strip()
        try:
            if url:
                client.url_user(url)  # a URL the sync can use, or its one sentence
            password = dialog.password.text()
            if url and password:
                self.message.emit(client.save_password(url, password))
        except FlashcardsError as exc:
            dialog.show_error(one_sentence(exc, self.tr("The sync settings were not kept")))
            dialog.open()  # again, with what was typed
            return
        self._settings.setValue(URL_SETTING, url)
        self._settings.setValue(AUTO_SETTING, "true" if dialog.automatic.isChecked() else "false")

    # ------------------------------------------------------------------ syncing

    @Slot()
    def sync(self) -> None:
        """Sync now (Y); with no server set yet, open the sync settings instead."""
        if self.running:
            return
        url = self.url()
        if not url:
            self.ask_settings()
            return
        from flashcards.core.errors import FlashcardsError
        from flashcards.core.sync import client

        try:
            run = client.SyncRun(self._col, url, self._clock(), progress=self._step_began.emit)
        except FlashcardsError as exc:  # a URL that is not one
            self._on_failed(exc)
            return
        self.running = True
        self._run = run
        self._steps = run.steps()
        self._next_step()

    def _next_step(self) -> None:
        run = self._run
        assert run is not None
        if not self._steps:
            self._close(lambda: self._on_synced(run.report))
            return
        step = self._steps.pop(0)
        if step.local:
            self._ops.run(
                lambda _report: run.run(step),
                initiator=self,
                on_done=lambda _value: self._next_step(),
                on_error=self._step_failed,
            )
        else:
            self._thread = threading.Thread(
                target=self._network, args=(run, step), name="flashcards-sync", daemon=True
            )
            self._thread.start()

    def _network(self, run: SyncRun, step: Step) -> None:
        """On the sync thread: one network step; its outcome goes back to the GUI thread."""
        try:
            run.run(step)
        except Exception as exc:  # delivered to the GUI thread, said there
            self._network_done.emit(exc)
        else:
            self._network_done.emit(None)

    @Slot(object)
    def _on_network_done(self, error: BaseException | None) -> None:
        # The thread has reported and only lets go of its arguments now; waiting for that
        # here means the last reference to the run (and to this object) never goes on it.
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if error is None:
            self._next_step()
        else:
            self._step_failed(error)

    def _step_failed(self, exc: BaseException) -> None:
        self._close(lambda: self._on_failed(exc))

    def _close(self, then: Callable[[], None]) -> None:
        """Let the sync go (announcing what it changed, as collection work), then ``then``."""
        run = self._run
        assert run is not None
        self._steps = []
        self._ops.run(
            lambda _report: run.close(),
            initiator=self,
            on_done=lambda _value: then(),
            on_error=lambda _exc: then(),
        )

    @Slot(str, int)
    def _on_step_began(self, step: str, count: int) -> None:
        texts = {
            "prepare": self.tr("Syncing: preparing…"),
            "schema": self.tr("Syncing: connecting to the server…"),
            "media": self.tr("Syncing: media files…"),
            "pull": self.tr("Syncing: receiving changes…"),
            "merge": self.tr("Syncing: merging {n} changes…"),
            "read": self.tr("Syncing: gathering changes…"),
            "push": self.tr("Syncing: sending {n} changes…"),
            "record": self.tr("Syncing: finishing…"),
        }
        text = texts.get(step, self.tr("Syncing…"))
        self.progress.emit(text.format(n=f"{count:,}"))

    def sync_now_blocking(self) -> None:
        """Sync before the app closes (waits for it; a failure is said, never raised)."""
        url = self.url()
        if not url or self.running:
            return
        from flashcards.core.errors import FlashcardsError
        from flashcards.core.sync import client

        now = self._clock()
        try:
            report = self._ops.run_now(lambda: client.sync(self._col, url, now), initiator=self)
        except FlashcardsError as exc:
            self.message.emit(one_sentence(exc, self.tr("The sync failed")))
            return
        self.message.emit(report.summary())

    def _finish(self) -> None:
        self.running = False
        self._run = None
        self.finished.emit()

    def _on_synced(self, report: SyncReport) -> None:
        self._finish()
        self.message.emit(report.summary())

    def _on_failed(self, exc: BaseException) -> None:
        from flashcards.core.errors import FlashcardsError

        self._finish()
        if isinstance(exc, FlashcardsError):  # the server's answer, in one sentence
            warn(self._parent, self.tr("Sync"), one_sentence(exc, self.tr("The sync failed")))
        else:
            self._ops.report_error(exc, self.tr("The sync failed"))
