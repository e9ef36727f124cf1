"""The one worker thread that runs the GUI's background work (Anki's taskman, one worker).

The threading rule of the app:

* The core is single-threaded: a :class:`~flashcards.core.collection.Collection` must never be
  used by two threads at once (its caches and its undo list are plain attributes).
* The GUI runs every piece of background work (opening, importing, exporting, statistics,
  checkpoints, backups, generating) on this one :class:`Executor`, one job after another in the
  order they were submitted. Results, errors and progress come back on the GUI thread.
* The GUI thread's own collection calls (answering, the deck list, the browser's rows) are
  serialised with the executor: they run inside :meth:`Executor.exclusive`, which waits for a
  running collection job to end and keeps the next one from starting meanwhile. Jobs that do
  not touch the collection (generating from an article, copying a backup file) say so and
  never make the GUI wait.

:mod:`flashcards.gui.ops` builds on this: it runs operations and announces what they changed.
"""

from __future__ import annotations

import collections
import contextlib
import queue
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QApplication

#: A progress callback handed to the work: ``report(done, total)`` (total 0 = unknown).
Report = Callable[[int, int], None]


@dataclass(eq=False)
class Job:
    """One piece of work and where its outcome goes (all callbacks run on the GUI thread)."""

    work: Callable[[Report], Any]
    on_done: Callable[[Any], None] | None
    on_error: Callable[[BaseException], None] | None
    on_progress: Callable[[int, int], None] | None
    uses_collection: bool


class _Relay(QObject):
    """Lives on the GUI thread; the worker emits, Qt queues the calls to the GUI thread."""

    progress = Signal(object, int, int)
    finished = Signal()  # an outcome waits in Executor._outcomes


class Executor(QObject):
    """Runs jobs on one worker thread, in order; delivers their outcomes on the GUI thread.

    Build it on the GUI thread (the thread that receives the outcomes).
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._queue: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        # Held by the worker while a collection job runs, and by the GUI thread in exclusive().
        self._lock = threading.RLock()
        self._gui_depth = 0  # how deep the GUI thread is in exclusive()
        self._idle = threading.Condition()
        self._pending = 0
        # Finished jobs with their outcomes, handed to the GUI thread (see _loop).
        self._outcomes: collections.deque[tuple[Job, bool, Any]] = collections.deque()
        self._relay = _Relay(self)
        self._relay.progress.connect(self._on_progress)
        self._relay.finished.connect(self._on_finished)
        self._thread = threading.Thread(target=self._loop, name="flashcards-executor", daemon=True)
        self._thread.start()

    # ------------------------------------------------------------------ submitting

    def submit(
        self,
        work: Callable[[Report], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[int, int], None] | None = None,
        *,
        uses_collection: bool = True,
    ) -> Job:
        """Run ``work(report)`` on the worker after the jobs already submitted.

        Args:
            work: The function to run; it receives a progress callback ``report(done, total)``.
            on_done: Called with the result on the GUI thread.
            on_error: Called with the exception on the GUI thread; without it the exception
                goes to ``sys.excepthook`` (the app's error boundary).
            on_progress: Called with ``(done, total)`` on the GUI thread.
            uses_collection: False for work that never touches the collection: the GUI thread
                then does not wait for it in :meth:`exclusive`.
        """
        job = Job(work, on_done, on_error, on_progress, uses_collection)
        with self._idle:
            self._pending += 1
        self._queue.put(job)
        return job

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[None]:
        """Use the collection on the GUI thread: waits for a running collection job to end.

        Reentrant. A wait cursor shows while a long job (an import, a statistics report) ends.
        """
        if not self._lock.acquire(blocking=False):
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                self._lock.acquire()
            finally:
                QApplication.restoreOverrideCursor()
        gui = threading.current_thread() is not self._thread
        self._gui_depth += gui
        try:
            yield
        finally:
            self._gui_depth -= gui
            self._lock.release()

    def wait(self, msecs: int = 30000) -> bool:
        """Wait until every submitted job has run (their outcomes are delivered afterwards).

        Returns False if they did not finish within ``msecs``.
        """
        if self._gui_depth and threading.current_thread() is not self._thread:
            raise RuntimeError("Executor.wait() inside exclusive() would wait for itself.")
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, msecs / 1000)

    def shutdown(self, msecs: int = 30000) -> None:
        """Run what is queued, then stop the worker thread (the app is quitting)."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join(msecs / 1000)

    # ------------------------------------------------------------------ the worker

    def _loop(self) -> None:
        relay = self._relay
        while (job := self._queue.get()) is not None:
            outcome = self._run(job)
            self._outcomes.append((job, *outcome))
            # The worker lets go of the job before the GUI thread can take it, so the last
            # reference to its callbacks (and the Qt objects they hold) goes on the GUI thread:
            # Qt objects must not be destroyed on this one.
            del job, outcome
            relay.finished.emit()
            with self._idle:
                self._pending -= 1
                self._idle.notify_all()

    def _run(self, job: Job) -> tuple[bool, Any]:
        """Run one job on the worker; (True, its value) or (False, its exception)."""
        relay = self._relay

        def report(done: int, total: int) -> None:
            relay.progress.emit(job, int(done), int(total))

        try:
            with self._lock if job.uses_collection else contextlib.nullcontext():
                return True, job.work(report)
        except BaseException as exc:  # every failure goes back to the GUI thread
            return False, exc

    # ------------------------------------------------------------------ back on the GUI thread

    @Slot(object, int, int)
    def _on_progress(self, job: Job, done: int, total: int) -> None:
        if job.on_progress is not None:
            job.on_progress(done, total)

    @Slot()
    def _on_finished(self) -> None:
        job, ok, value = self._outcomes.popleft()
        if ok:
            if job.on_done is not None:
                job.on_done(value)
        elif job.on_error is not None:
            job.on_error(value)
        else:
            sys.excepthook(type(value), value, value.__traceback__)


def progress_adapter(report: Report) -> Callable[..., None]:
    """A lenient progress callback for core APIs: ``(done, total)``, ``(fraction)`` or text."""

    def callback(*args: Any, **_kwargs: Any) -> None:
        numbers = [a for a in args if isinstance(a, int | float) and not isinstance(a, bool)]
        if len(numbers) >= 2:
            report(int(numbers[0]), int(numbers[1]))
        elif len(numbers) == 1:
            value = float(numbers[0])
            report(int(value * 100), 100) if value <= 1 else report(int(value), 0)

    return callback
