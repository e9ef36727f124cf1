"""GUI benchmark: Suspend on a select-all of 20,000 cards, and what an answer costs with Browse
open but hidden (issue 11).

Builds a 20,000-card collection through the core API in a temporary folder, then drives the
real app (window, controllers, executor) offscreen: Browse is opened and closed, cards are
answered through the review controller (searches counted, time per answer+next measured), then
Browse is shown, every card selected and Cards → Toggle Suspend triggered; the time runs until
the operation is done and the selection is back. Before issue 11 the same Suspend took 82 s
(the issue's machine; 190 s on ours) and each answer re-ran the hidden browser's search.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CARDS = 20_000
ANSWERS = 200
TARGET_SUSPEND = 0.5


def build(path: Path, cards: int = CARDS) -> None:
    """``cards`` basic cards in ten subdecks of "Bench"; half of them in review, due now."""
    from flashcards.core.collection import open_collection
    from flashcards.core.db import sqlite_url
    from flashcards.core.deckfile import DeckFile, NoteSpec
    from flashcards.core.exchange.deckfile_import import import_deck_file

    col = open_collection(sqlite_url(path), tz=UTC)
    per_deck = cards // 10
    for d in range(10):
        notes = [
            NoteSpec(f"gui/{d}/{i}", "basic", f"front {d}-{i}", f"back {d}-{i}")
            for i in range(per_deck)
        ]
        import_deck_file(col, DeckFile(name=f"Bench::Deck {d}", notes=notes), NOW)
    stamp = NOW.replace(tzinfo=None).isoformat(" ")
    with col.engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE card SET state=2, stability=10.0, difficulty=5.0, reps=3, "
            "last_review=datetime(?, '-5 days') || '.000000', "
            "due=datetime(?, '-1 hours') || '.000000' WHERE id % 2 = 0",
            (stamp, stamp),
        )
    col.close()


def _wait(app: object, done: object, timeout: float = 120.0) -> None:
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    assert isinstance(app, QApplication)
    deadline = time.monotonic() + timeout
    while not done():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise TimeoutError("the GUI did not finish in time")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 10)


def run() -> list[tuple[str, str, str]]:
    """Measure and return (name, figure, target) rows."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from flashcards.core import search
    from flashcards.core.collection import open_collection
    from flashcards.core.db import sqlite_url
    from flashcards.gui.app import attach_collection, create_gui

    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "collection.db"
        build(path)
        col = open_collection(sqlite_url(path), tz=UTC)
        settings = QSettings(str(Path(tmp) / "gui.ini"), QSettings.Format.IniFormat)
        clock = [NOW]
        gui = create_gui(app, settings, lambda: clock[0], Path(tmp) / "logs")
        controller = attach_collection(gui, col)
        gui.window.show()
        searches: list[float] = []
        real = search.search_cards

        def counting(*args: object, **kwargs: object) -> list[int]:
            started = time.perf_counter()
            try:
                return real(*args, **kwargs)  # type: ignore[arg-type]
            finally:
                searches.append(time.perf_counter() - started)

        search.search_cards = counting
        try:
            # Browse opened once and closed: it stays built, hidden.
            gui.window.actions_.browse.trigger()
            browser = controller.browser
            assert browser is not None
            browser.close()
            app.processEvents()

            review = controller.review
            review.start("Bench")

            def answer(count: int) -> list[float]:
                times = []
                for _ in range(count):
                    assert review.card is not None
                    review._reveal()
                    started = time.perf_counter()
                    review._on_rate(3)  # answer, then the next card and its counts
                    times.append(time.perf_counter() - started)
                    app.processEvents()
                return times

            searches.clear()
            hidden = answer(ANSWERS)
            hidden_searches = len(searches)
            browser.show()
            app.processEvents()
            searches.clear()
            visible = answer(20)
            visible_searches = len(searches)
            visible_search_s = statistics.median(searches) if searches else 0.0

            # Select all and suspend, as a user does with Ctrl+A, Ctrl+J.
            window = browser.window
            controller.review.stop()
            browser.search("")
            window.table.selectAll()
            app.processEvents()
            selected = len(browser.selected_card_ids())
            timings = []
            for word in ("Suspended", "Unsuspended"):
                window.statusBar().clearMessage()
                started = time.perf_counter()
                window.suspend_action.trigger()
                _wait(app, lambda w=word: window.statusBar().currentMessage().startswith(w))
                timings.append(time.perf_counter() - started)
                assert len(browser.selected_card_ids()) == selected
        finally:
            search.search_cards = real
            controller.close()
            gui.executor.wait()
            gui.executor.shutdown()
            col.close()
            gui.window.close()

        med = statistics.median
        rows += [
            (f"Suspend on a select-all of {selected:,} cards, until the selection is back",
             f"{timings[0]:.2f} s", f"≤ {TARGET_SUSPEND} s (was 82 s; 190 s here)"),
            (f"Unsuspend the same {selected:,} cards", f"{timings[1]:.2f} s",
             f"≤ {TARGET_SUSPEND} s"),
            (f"searches per answer, Browse open but hidden ({ANSWERS} answers)",
             f"{hidden_searches / ANSWERS:.0f}", "0 (was 1: 0.12 s per answer here)"),
            ("answer + next card through the review screen, Browse hidden: median / max",
             f"{med(hidden) * 1000:.1f} / {max(hidden) * 1000:.1f} ms", "snappy (core ~1 ms)"),
            ("the same with Browse visible (it searches again): median",
             f"{med(visible) * 1000:.0f} ms", f"{visible_searches} searches in 20 answers, "
             f"{visible_search_s * 1000:.0f} ms each"),
        ]  # fmt: skip
    return rows


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from run import print_rows

    print_rows(run())
