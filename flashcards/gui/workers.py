"""Running slow work (opening, generating, importing, exporting) off the GUI thread."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

#: A progress callback handed to the work: ``report(done, total)`` (total 0 = unknown).
Report = Callable[[int, int], None]


class TaskSignals(QObject):
    """What a task tells the GUI thread (queued across threads by Qt)."""

    progress = Signal(int, int)
    finished = Signal(object)
    failed = Signal(object)


class Task(QRunnable):
    """Run ``work(report)`` in the thread pool; the result or the exception comes back by signal.

    Args:
        work: The function to run; it receives a progress callback ``report(done, total)``.
    """

    def __init__(self, work: Callable[[Report], Any]) -> None:
        super().__init__()
        self.signals = TaskSignals()
        self._work = work
        self.setAutoDelete(False)

    def run(self) -> None:
        """Run the work (in a pool thread)."""
        try:
            result = self._work(self.signals.progress.emit)
        except Exception as exc:  # every failure goes back to the GUI as a message
            exc.__dict__.setdefault("gui_traceback", traceback.format_exc())
            self.signals.failed.emit(exc)
        else:
            self.signals.finished.emit(result)


class TaskRunner:
    """Starts tasks and keeps them alive until they finish."""

    def __init__(self, pool: QThreadPool | None = None) -> None:
        self._pool = pool or QThreadPool.globalInstance()
        self._running: set[Task] = set()

    def start(
        self,
        work: Callable[[Report], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[Exception], None],
        on_progress: Callable[[int, int], None] | None = None,
    ) -> Task:
        """Run ``work`` in a pool thread and call the callbacks in the GUI thread."""
        task = Task(work)
        self._running.add(task)

        def done(result: Any) -> None:
            self._running.discard(task)
            on_done(result)

        def failed(exc: Exception) -> None:
            self._running.discard(task)
            on_error(exc)

        task.signals.finished.connect(done)
        task.signals.failed.connect(failed)
        if on_progress is not None:
            task.signals.progress.connect(on_progress)
        self._pool.start(task)
        return task

    def wait(self, msecs: int = 30000) -> bool:
        """Wait for every running task (for shutdown and tests)."""
        return self._pool.waitForDone(msecs)


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
