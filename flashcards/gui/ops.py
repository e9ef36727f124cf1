"""Operations on the collection, and the one announcement of what they changed.

An operation is a callable that does collection work and returns a value. :class:`Ops` runs it
either on the executor (:meth:`Ops.run`, for slow work: importing, exporting, statistics, bulk
edits) or at once on the GUI thread serialised with the executor (:meth:`Ops.run_now`, for work
the next screen depends on: answering a card, saving a note). Either way :attr:`Ops.changed` is
emitted once, on the GUI thread, with what the operation changed and the *initiator* (the object
that asked, so a view can tell its own changes from others').

What it changed: an operation that returns a core mutation's
:class:`~flashcards.core.changes.OpResult` says so itself (its ``changes``; its ``value`` is
what the caller gets); for any other operation (several mutations, or one that failed half-way)
the :class:`~flashcards.core.changes.Change` flags the core announced while it ran are collected.

Views connect to :attr:`Ops.changed`; a view that is not visible marks itself stale and
refreshes when it is shown again. A change the core announces outside any operation (a test
calling the collection directly) is emitted at once with no initiator. The threading rule is
in :mod:`flashcards.gui.executor`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar, overload

from PySide6.QtCore import QObject, Signal

from flashcards.core.changes import NO_CHANGE, Change, OpResult
from flashcards.gui.errors import UNEXPECTED
from flashcards.gui.executor import Executor, Job, Report

if TYPE_CHECKING:
    from flashcards.core.collection import Collection

T = TypeVar("T")
#: Shows an operation's error: ``report(exc, lead)`` (the app's :class:`ErrorBoundary`).
ErrorReport = Callable[[BaseException, str], None]


@dataclass
class _Outcome:
    value: Any
    error: BaseException | None
    changes: Change


def _unwrap(result: Any, collected: Change) -> tuple[Any, Change]:
    """An operation's value and changes: its OpResult's, or its result and what was heard."""
    if isinstance(result, OpResult):
        return result.value, result.changes
    return result, collected


class Ops(QObject):
    """Runs operations on one collection and announces their changes.

    Args:
        col: The open collection (its change listener is added here).
        executor: The app's one worker.
        report_error: Shows the error of an operation that has no ``on_error`` of its own.
    """

    #: ``changed(changes: Change, initiator: object | None)``, once per operation.
    changed = Signal(object, object)

    def __init__(
        self,
        col: Collection,
        executor: Executor,
        report_error: ErrorReport,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.executor = executor
        #: Shows an error as the error boundary does: ``report_error(exc, lead)``.
        self.report_error = report_error
        self._gui_thread = threading.current_thread()
        self._collecting = 0
        self._gui_changes = NO_CHANGE
        self._worker_changes = NO_CHANGE
        col.add_listener(self._on_core_change)

    def _on_core_change(self, change: Change) -> None:
        if threading.current_thread() is not self._gui_thread:
            self._worker_changes |= change  # taken by the operation's wrapper when it ends
        elif self._collecting:
            self._gui_changes |= change
        else:
            self.changed.emit(change, None)

    # ------------------------------------------------------------------ running

    @overload
    def run(
        self,
        op: Callable[[Report], OpResult[T]],
        *,
        initiator: object = None,
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[int, int], None] | None = None,
        lead: str = UNEXPECTED,
    ) -> Job: ...

    @overload
    def run(
        self,
        op: Callable[[Report], T],
        *,
        initiator: object = None,
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[int, int], None] | None = None,
        lead: str = UNEXPECTED,
    ) -> Job: ...

    def run(
        self,
        op: Callable[[Report], Any],
        *,
        initiator: object = None,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[int, int], None] | None = None,
        lead: str = UNEXPECTED,
    ) -> Job:
        """Run ``op(report)`` on the executor; then, on the GUI thread, announce and deliver.

        :attr:`changed` is emitted first (also when the operation failed half-way: what it did
        is announced), then ``on_done(value)`` or ``on_error(exc)``; without ``on_error`` the
        error is shown by the error boundary, as ``lead`` and one sentence. When ``op`` returns
        an :class:`OpResult`, its changes are announced and ``on_done`` gets its value.
        """

        def work(report: Report) -> _Outcome:
            self._worker_changes = NO_CHANGE
            result: Any = None
            error: BaseException | None = None
            try:
                result = op(report)
            except Exception as exc:  # delivered to on_error on the GUI thread
                error = exc
            collected, self._worker_changes = self._worker_changes, NO_CHANGE
            value, changes = _unwrap(result, collected)
            return _Outcome(value, error, changes)

        def done(outcome: _Outcome) -> None:
            if outcome.changes:
                self.changed.emit(outcome.changes, initiator)
            if outcome.error is not None:
                if on_error is not None:
                    on_error(outcome.error)
                else:
                    self.report_error(outcome.error, lead)
            elif on_done is not None:
                on_done(outcome.value)

        return self.executor.submit(work, done, None, on_progress)

    @overload
    def run_now(self, op: Callable[[], OpResult[T]], *, initiator: object = None) -> T: ...

    @overload
    def run_now(self, op: Callable[[], T], *, initiator: object = None) -> T: ...

    def run_now(self, op: Callable[[], Any], *, initiator: object = None) -> Any:
        """Run ``op()`` on the GUI thread now (after a running collection job ends).

        :attr:`changed` is emitted once when it returns or raises; its exception goes to the
        caller. When ``op`` returns an :class:`OpResult`, its changes are announced and its
        value is returned.
        """
        with self.executor.exclusive():
            self._collecting += 1
            result: Any = None
            try:
                result = op()
            finally:
                self._collecting -= 1
                if not self._collecting:  # a nested run_now leaves the announcing to the outer
                    collected, self._gui_changes = self._gui_changes, NO_CHANGE
                    changes = _unwrap(result, collected)[1]
                    if changes:
                        self.changed.emit(changes, initiator)
            return _unwrap(result, NO_CHANGE)[0]

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Read the collection on the GUI thread (waits for a running collection job)."""
        with self.executor.exclusive():
            yield
