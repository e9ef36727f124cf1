"""Automatic backups: every 30 minutes of use (when something changed), and one on close."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from flashcards.gui.clock import Clock
from flashcards.gui.plain import one_sentence

if TYPE_CHECKING:
    from flashcards.core.collection import Collection
    from flashcards.gui.ops import Ops

#: How often the backup timer looks at the clock (the interval itself is the core's 30 minutes).
TICK_MS = 60_000


class AutoBackup(QObject):
    """Backups every 30 minutes of use (when something changed) and on close.

    The schedule is the core's :class:`~flashcards.core.backup.BackupSchedule`; the copy runs on
    the executor. The "changed" mark is cleared before the copy starts, so a change made while
    it runs goes into the next backup. The number kept is read from the ``backup_keep`` setting
    at each backup, so the settings dialog takes effect at once. An idle minute folds the
    write-ahead log into the file (a checkpoint), so that SQLite never does it mid-answer.

    Args:
        col: The open collection.
        ops: Runs the checkpoint and says when the collection changed.
        db_path: Its SQLite file.
        clock: Returns the current time.
        interval_ms: How often to look at the clock.
    """

    #: A one-sentence report for the status bar (a backup taken, or why it failed).
    message = Signal(str)

    def __init__(
        self,
        col: Collection,
        ops: Ops,
        db_path: Path,
        clock: Clock,
        interval_ms: int = TICK_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        from flashcards.core.backup import BackupSchedule

        self._col = col
        self._ops = ops
        self._clock = clock
        self.busy = False
        self.schedule = BackupSchedule(db_path, clock(), keep=self._keep())
        ops.changed.connect(self._on_changed)
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._on_timer)
        self.timer.start()

    def _keep(self) -> int:
        with self._ops.exclusive():
            return self._col.config.backup_keep

    @Slot(object, object)
    def _on_changed(self, _changes: object, _initiator: object) -> None:
        self.schedule.mark_changed()

    @Slot()
    def _on_timer(self) -> None:
        self.tick()

    def tick(self) -> bool:
        """Start a backup in the background if one is due; returns whether one started."""
        from flashcards.core.backup import create_backup

        now = self._clock()
        schedule = self.schedule
        if self.busy:
            return False
        if not schedule.due(now):
            # A checkpoint that did not happen now happens at the next one or on close.
            self._ops.run(lambda _report: self._col.checkpoint(), on_error=_ignore)
            return False
        schedule.keep = self._keep()
        schedule.changed = False
        self.busy = True
        path, keep = schedule.db_path, schedule.keep

        def done(written: Path) -> None:
            self.busy = False
            schedule.last = now
            self.message.emit(
                self.tr("Backed up the collection to {name}.").format(name=written.name)
            )

        def failed(exc: BaseException) -> None:
            self.busy = False
            schedule.changed = True
            self.message.emit(one_sentence(exc, self.tr("The backup could not be written")))

        # A copy of the file through SQLite's backup API: the collection object is not used.
        self._ops.executor.submit(
            lambda _report: create_backup(path, now, keep), done, failed, uses_collection=False
        )
        return True

    def stop(self) -> None:
        """Stop the timer (the collection is about to close)."""
        self.timer.stop()

    def close(self) -> Path | None:
        """Stop, and take the closing backup if anything changed since the last one.

        Call after the executor has finished its jobs, before the collection closes.

        Raises:
            CollectionError: If the backup cannot be written.
        """
        self.stop()
        if self.busy:  # its result never arrived: take the closing backup to be sure
            self.schedule.changed = True
        self.schedule.keep = self._keep()
        return self.schedule.on_close(self._clock())


def _ignore(_error: BaseException) -> None:
    """A checkpoint that did not happen now happens at the next one or on close."""
