"""The one executor and the operations on it: order, one thread, serialised with the GUI thread.

Nothing here is timed: the tests record what ran where and in which order.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt

from flashcards.core.changes import Change, OpResult
from flashcards.core.collection import Collection
from flashcards.gui.app import Gui
from flashcards.gui.executor import Executor
from flashcards.gui.ops import Ops


@pytest.fixture
def executor() -> Iterator[Executor]:
    built = Executor()
    yield built
    built.wait()
    built.shutdown()


def test_jobs_run_in_order_on_one_thread_and_report_on_the_gui_thread(
    qtbot,
    executor: Executor,  # noqa: ANN001
) -> None:
    ran: list[tuple[int, str]] = []
    done: list[tuple[int, str]] = []
    progress: list[tuple[int, int]] = []

    def job(n: int) -> Any:
        def work(report: Any) -> int:
            report(n, 3)
            ran.append((n, threading.current_thread().name))
            return n

        return work

    for n in range(3):
        executor.submit(
            job(n),
            lambda value: done.append((value, threading.current_thread().name)),
            on_progress=lambda d, t: progress.append((d, t)),
            uses_collection=n != 1,
        )
    qtbot.waitUntil(lambda: len(done) == 3)
    assert [n for n, _ in ran] == [0, 1, 2]
    assert {name for _, name in ran} == {"flashcards-executor"}  # one worker, not this thread
    assert done == [(n, threading.main_thread().name) for n in range(3)]
    assert progress == [(0, 3), (1, 3), (2, 3)]


def test_an_error_goes_to_on_error_or_to_the_excepthook(qtbot, executor: Executor) -> None:  # noqa: ANN001
    def fail(_report: Any) -> None:
        raise ValueError("no")

    errors: list[BaseException] = []
    executor.submit(fail, on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0], ValueError)
    with qtbot.captureExceptions() as caught:
        executor.submit(fail)
        qtbot.waitUntil(lambda: bool(caught))
    assert isinstance(caught[0][1], ValueError)


def test_the_gui_thread_waits_for_a_collection_job_not_for_other_work(
    qtbot,
    executor: Executor,  # noqa: ANN001
) -> None:
    events: list[str] = []
    started = threading.Event()

    def slow(name: str) -> Any:
        def work(_report: Any) -> None:
            started.set()
            time.sleep(0.2)
            events.append(f"{name} ends")

        return work

    executor.submit(slow("generate"), uses_collection=False)
    started.wait(5)
    with executor.exclusive():  # does not wait for work that never touches the collection
        events.append("gui")
    executor.wait()
    assert events == ["gui", "generate ends"]

    events.clear()
    started.clear()
    executor.submit(slow("import"))
    started.wait(5)
    with executor.exclusive():  # waits for the collection job to end
        events.append("gui")
    assert events == ["import ends", "gui"]
    with pytest.raises(RuntimeError), executor.exclusive():
        executor.wait()  # would wait for itself


def test_operations_announce_their_changes_once_with_the_initiator(
    qtbot,
    col: Collection,
    ops: Ops,
    now,  # noqa: ANN001
) -> None:
    heard: list[tuple[Change, object]] = []
    order: list[str] = []
    ops.changed.connect(lambda changes, who: (heard.append((changes, who)), order.append("c")))
    me = object()

    def add_two(_report: Any) -> int:
        col.notes.add("Ops", "basic", "one", "1", now)
        return col.notes.add("Ops", "basic", "two", "2", now).value

    done: list[int] = []
    ops.run(add_two, initiator=me, on_done=lambda v: (done.append(v), order.append("done")))
    qtbot.waitUntil(lambda: bool(done))
    assert order == ["c", "done"]  # announced once, before the result is delivered
    assert heard == [(Change.DECKS | Change.NOTES | Change.CARDS, me)]

    heard.clear()
    ids = ops.run_now(lambda: col.notes.ids("Ops"), initiator=me)  # reads: nothing announced
    assert len(ids) == 2 and heard == []
    ops.run_now(lambda: col.notes.delete(ids[:1]), initiator=me)
    assert heard == [(Change.NOTES | Change.CARDS | Change.DECKS, me)]

    heard.clear()
    col.notes.delete(ids[1:])  # outside any operation: announced at once, no initiator
    assert heard == [(Change.NOTES | Change.CARDS | Change.DECKS, None)]


def test_an_operation_returning_an_op_result_announces_its_changes_and_gives_its_value(
    qtbot,
    col: Collection,
    ops: Ops,
    now,  # noqa: ANN001
) -> None:
    heard: list[tuple[Change, object]] = []
    ops.changed.connect(lambda changes, who: heard.append((changes, who)))
    me = object()
    done: list[int] = []
    ops.run(
        lambda _report: col.notes.add("Ops", "basic", "q", "a", now),
        initiator=me,
        on_done=done.append,
    )
    qtbot.waitUntil(lambda: bool(done))
    assert done == col.notes.ids("Ops")  # the value, not the OpResult
    assert heard == [(Change.DECKS | Change.NOTES | Change.CARDS, me)]

    def says_cards() -> OpResult[str]:
        col.config.set("heard", "options")  # the bus hears OPTIONS; the result says otherwise
        return OpResult("said", Change.CARDS)

    heard.clear()
    said: list[str] = []
    ops.run(lambda _report: says_cards(), initiator=me, on_done=said.append)
    qtbot.waitUntil(lambda: bool(said))
    assert said == ["said"] and heard == [(Change.CARDS, me)]
    heard.clear()
    assert ops.run_now(says_cards, initiator=me) == "said"
    assert heard == [(Change.CARDS, me)]

    heard.clear()
    assert ops.run_now(col.sched.undo, initiator=me) is None  # nothing changed: nothing said
    assert heard == []


def test_a_failed_operation_announces_what_it_did_and_reports_the_error(
    qtbot,
    col: Collection,
    now,  # noqa: ANN001
) -> None:
    executor = Executor()
    reported: list[tuple[str, str]] = []
    ops = Ops(col, executor, lambda exc, lead: reported.append((str(exc), lead)))
    heard: list[Change] = []
    ops.changed.connect(lambda changes, _who: heard.append(changes))

    def half(_report: Any) -> None:
        col.notes.add("Half", "basic", "kept", "1", now)
        raise OSError("disk gone")

    ops.run(half, lead="The import failed")
    qtbot.waitUntil(lambda: bool(reported))
    assert reported == [("disk gone", "The import failed")]
    assert heard == [Change.DECKS | Change.NOTES | Change.CARDS]
    errors: list[BaseException] = []
    ops.run(half, on_error=errors.append)  # its own handler instead of the boundary
    qtbot.waitUntil(lambda: bool(errors))
    assert len(reported) == 1
    executor.wait()
    executor.shutdown()


def test_an_answer_waits_for_a_running_collection_job(qtbot, gui: Gui) -> None:  # noqa: ANN001
    """Answering while a background job uses the collection does not race: it runs after it."""
    col, controller, ops = gui.col, gui.controller, gui.ops
    assert col is not None and controller is not None and ops is not None
    events: list[str] = []
    col.add_listener(lambda change: events.append("answer") if change & Change.REVIEWS else None)
    started = threading.Event()

    def report(_report: Any) -> object:
        started.set()
        time.sleep(0.3)  # a statistics report holding the collection
        events.append("report ends")
        return col.stats.report(gui.clock())

    controller._on_study(col.decks.id("English"))
    widget = gui.app.focusWidget() or gui.window
    qtbot.keyClick(widget, Qt.Key.Key_Space)
    ops.run(report)
    started.wait(5)
    qtbot.keyClick(gui.app.focusWidget() or gui.window, "3")
    assert events == ["report ends", "answer"]
    gui.executor.wait()


class _Receiver:
    """Where a job's outcome goes; notes the thread that let go of it last."""

    def __init__(self, freed_on: list[str], got: list[object]) -> None:
        self._freed_on, self._got = freed_on, got

    def done(self, value: object) -> None:
        self._got.append(value)

    def __del__(self) -> None:
        self._freed_on.append(threading.current_thread().name)


def test_a_finished_jobs_callbacks_are_let_go_on_the_gui_thread(
    qtbot,
    executor: Executor,  # noqa: ANN001
) -> None:
    """A job's callbacks hold GUI objects (dialogs, controllers); once its outcome is delivered,
    the last reference to them goes on the GUI thread, never on the worker (Qt objects must
    not be destroyed there). The worker used to keep the job until the next one came."""
    freed_on: list[str] = []
    got: list[object] = []
    executor.submit(lambda _report: 1, on_done=_Receiver(freed_on, got).done)
    qtbot.waitUntil(lambda: got == [1], timeout=5000)
    executor.submit(lambda _report: 2)  # the worker takes the next job
    assert executor.wait()
    qtbot.waitUntil(lambda: freed_on != [], timeout=5000)
    assert freed_on == [threading.main_thread().name]
