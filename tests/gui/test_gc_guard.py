"""Cycles are collected on the GUI thread only, however much another thread allocates."""

from __future__ import annotations

import gc
import threading

from PySide6.QtWidgets import QApplication

from flashcards.gui.gc_guard import GuiThreadCollector


class _Cycle:
    """An object in a reference cycle that notes the thread that freed it."""

    def __init__(self, freed_on: list[str]) -> None:
        self.me = self
        self._freed_on = freed_on

    def __del__(self) -> None:
        self._freed_on.append(threading.current_thread().name)


def _allocate_cycles_on_a_thread() -> None:
    def churn() -> None:
        for _ in range(50_000):  # far past the first generation's threshold (700 or 2000)
            pair: list[object] = []
            pair.append(pair)

    worker = threading.Thread(target=churn, name="worker")
    worker.start()
    worker.join()


def test_a_cycle_made_on_the_gui_thread_is_freed_there(qtbot) -> None:  # noqa: ANN001
    collector = GuiThreadCollector(interval_ms=10)
    try:
        freed_on: list[str] = []
        _Cycle(freed_on)  # garbage at once: only the cyclic collector can free it
        _allocate_cycles_on_a_thread()
        assert freed_on == []  # the worker's allocations collected nothing
        qtbot.waitUntil(lambda: freed_on != [], timeout=5000)
        assert freed_on == [threading.main_thread().name]
    finally:
        collector.stop()


def test_without_the_guard_the_worker_would_free_it() -> None:
    """The hazard the guard is for, shown with the collector on: the worker frees the cycle."""
    collector = GuiThreadCollector()
    collector.stop()  # (the test suite's own guard is on: stop alone would keep it off)
    gc.enable()
    try:
        gc.collect()
        freed_on: list[str] = []
        _Cycle(freed_on)
        _allocate_cycles_on_a_thread()
        assert freed_on == ["worker"]
    finally:
        gc.disable()


def test_stop_collects_and_restores_the_earlier_state(qapp: QApplication) -> None:
    assert not gc.isenabled()  # the suite's guard (tests/gui/conftest.py) is on
    inner = GuiThreadCollector()
    freed_on: list[str] = []
    _Cycle(freed_on)
    inner.stop()
    assert freed_on == [threading.main_thread().name]
    assert not gc.isenabled()  # the outer guard's state, not "on"
