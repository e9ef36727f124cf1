"""GUI fixtures: the real window and controllers over a real collection, with a fixed clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from flashcards.core.collection import Collection
from flashcards.gui.app import Gui, attach_collection, create_gui
from flashcards.gui.executor import Executor
from flashcards.gui.gc_guard import GuiThreadCollector
from flashcards.gui.ops import Ops

#: The offscreen platform plugin says this whenever a top-level window gets a minimum size; it
#: is a limitation of the test platform, not a problem of ours.
OFFSCREEN_NOISE = r"This plugin does not support propagateSizeHints\(\)"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/gui/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


@pytest.fixture(autouse=True)
def gui_thread_gc(qapp: QApplication) -> Iterator[GuiThreadCollector]:
    """As in the app, cycles are collected on the GUI thread only (see ``gc_guard``).

    The garbage of earlier tests' widgets is then never collected on an executor or sync thread.
    """
    collector = GuiThreadCollector()
    yield collector
    collector.stop()


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture
def clock(now: datetime) -> FakeClock:
    return FakeClock(now)


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "gui.ini"), QSettings.Format.IniFormat)


def add_sample_notes(col: Collection, now: datetime) -> None:
    """A small deck tree with Japanese text, a reversed note and a cloze."""
    col.notes.add(
        "LLM基礎", "basic", "トークン", "テキストを分割した単位", now,
        tags=["llm"],
    )  # fmt: skip
    col.notes.add("LLM基礎", "basic", "Transformer", "自己注意機構に基づくモデル", now)
    col.notes.add(
        "LLM基礎::応用", "cloze", "{{c1::RAG}}は検索で得た文書を生成に使う手法", "", now
    )  # fmt: skip
    col.notes.add("English", "basic+reversed", "LLM", "Large Language Model", now)


def _raise(exc: BaseException, _lead: str) -> None:
    raise exc


@pytest.fixture
def ops(col: Collection) -> Iterator[Ops]:
    """Operations on ``col`` with an executor of their own; an error fails the test."""
    executor = Executor()
    yield Ops(col, executor, _raise)
    executor.wait()
    executor.shutdown()


@pytest.fixture
def gui(
    qtbot, col: Collection, clock: FakeClock, settings: QSettings, tmp_path: Path
) -> Iterator[Gui]:  # noqa: ANN001
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    built = create_gui(app, settings, clock, tmp_path / "logs")
    qtbot.addWidget(built.window)
    add_sample_notes(col, clock())
    attach_collection(built, col)
    built.window.show()
    qtbot.waitExposed(built.window)
    yield built
    assert built.controller is not None
    built.controller.close()
    built.executor.shutdown()
    built.collector.stop()
