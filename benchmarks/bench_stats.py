"""Stats benchmark: 100,000 cards and 1,000,000 review-log rows.

The collection is made through the core API (decks, notes, cards), then its cards get memory
states and the review log gets a year of synthetic rows by bulk inserts straight into the tables
(the derived columns ``reviewed_ms`` and ``prev_interval_days`` are filled here, as the models'
column defaults would). Measured:

* ``load_report``: the SQL aggregation and the numbers (all decks, and one deck of ten);
* the whole Stats screen: build the window, load the report, fill every chart and paint it
  (offscreen), as when the learner opens it. Target: 1 s.

Run: ``python benchmarks/bench_stats.py`` (or ``python benchmarks/run.py stats``).
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import random  # noqa: E402
import sqlite3  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402

from flashcards.core.collection import open_collection  # noqa: E402
from flashcards.core.db import sqlite_url  # noqa: E402
from flashcards.core.deckfile import DeckFile, NoteSpec  # noqa: E402
from flashcards.core.exchange.deckfile_import import import_deck_file

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CARDS = 100_000
LOG_ROWS = 1_000_000
DECKS = 10
RUNS = 5
TARGET_SCREEN = 1.0


def _iso(moment: datetime) -> str:
    # How SQLAlchemy stores a DateTime in SQLite (naive UTC).
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def build(path: Path, cards: int = CARDS, log_rows: int = LOG_ROWS, seed: int = 1) -> float:
    """Build the collection at ``path``; returns the seconds it took."""
    started = time.perf_counter()
    col = open_collection(sqlite_url(path), tz=UTC)
    per_deck = cards // DECKS
    names = [f"Bench::デッキ {d}" for d in range(DECKS)]
    for d, name in enumerate(names):
        notes = [
            NoteSpec(f"bench/{d}/{i}", "basic", f"front {d}-{i}", f"back {d}-{i}")
            for i in range(per_deck)
        ]
        import_deck_file(col, DeckFile(name=name, notes=notes), NOW - timedelta(days=400))
    deck_ids = [col.decks.id(n) for n in names]
    col.close()

    rng = random.Random(seed)
    con = sqlite3.connect(path)
    card_rows = con.execute("SELECT id, deck_id FROM card ORDER BY id").fetchall()
    # 70 % of the cards have been reviewed: in review (mostly), learning or relearning; a few
    # are suspended. Due dates spread over the next year, intervals up to a year.
    updates = []
    for card_id, _deck in card_rows:
        if rng.random() < 0.3:
            continue
        state = rng.choices((1, 2, 3), weights=(5, 90, 5))[0]
        stability = rng.lognormvariate(2.5, 1.2)
        interval = max(1.0, min(365.0, stability * rng.uniform(0.8, 1.2)))
        last = NOW - timedelta(days=rng.uniform(0, interval))
        due = last + timedelta(days=interval) if state == 2 else NOW + timedelta(minutes=10)
        updates.append(
            (state, stability, rng.uniform(1, 10), _iso(due), _iso(last), rng.random() < 0.02,
             card_id)
        )  # fmt: skip
    con.execute("BEGIN")
    con.executemany(
        "UPDATE card SET state=?, stability=?, difficulty=?, due=?, last_review=?, reps=3, "
        "suspended=? WHERE id=?",
        updates,
    )
    reviewed = [(card_id, deck_id) for card_id, deck_id in card_rows[: len(updates) * 10 // 7]]
    now_ms = int(NOW.timestamp() * 1000)

    def rows():  # noqa: ANN202
        for _ in range(log_rows):
            card_id, deck_id = rng.choice(reviewed)
            ms = now_ms - int(rng.random() ** 1.5 * 365 * 86_400_000)
            at = datetime.fromtimestamp(ms / 1000, UTC)
            state = rng.choices((0, 1, 2, 3), weights=(10, 10, 75, 5))[0]
            rating = rng.choices((1, 2, 3, 4), weights=(10, 10, 70, 10))[0]
            prev_interval = rng.uniform(1, 60) if state == 2 else 0.0
            yield (
                card_id, deck_id, rating, _iso(at), rng.randint(2000, 20000), state,
                2 if rating > 1 else 3, rng.uniform(0, 90), _iso(at), ms, prev_interval,
            )  # fmt: skip

    con.executemany(
        "INSERT INTO reviewlog (card_id, deck_id, rating, reviewed_at, duration_ms, "
        "state_before, state_after, interval_days, prev_due, prev_reps, prev_lapses, "
        "buried_siblings, reviewed_ms, prev_interval_days) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, '', ?, ?)",
        rows(),
    )
    con.commit()
    con.execute("ANALYZE")
    con.close()
    assert len(deck_ids) == DECKS
    return time.perf_counter() - started


def _timed(func) -> tuple[float, object]:  # noqa: ANN001
    started = time.perf_counter()
    result = func()
    return time.perf_counter() - started, result


def time_load_report(path: Path, deck: str | None = None) -> tuple[float, list[float]]:
    """Seconds for the first ``load_report`` (which may build the per-day sums of the review
    log) and for ``RUNS`` more."""
    col = open_collection(sqlite_url(path), tz=UTC)
    try:
        first = _timed(lambda: col.stats.report(NOW, deck))[0]
        return first, [_timed(lambda: col.stats.report(NOW, deck))[0] for _ in range(RUNS)]
    finally:
        col.close()


def time_screen(path: Path) -> tuple[list[float], dict[str, float]]:
    """Seconds to open the whole Stats screen (build, load, fill, paint), and its parts."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from flashcards.gui.executor import Executor
    from flashcards.gui.ops import Ops
    from flashcards.gui.stats_controller import StatsController

    app = QApplication.instance() or QApplication([])
    col = open_collection(sqlite_url(path), tz=UTC)
    settings = QSettings(str(path.parent / "gui.ini"), QSettings.Format.IniFormat)
    times: list[float] = []
    parts: dict[str, list[float]] = {"build": [], "load": [], "fill": [], "paint": []}
    try:
        for run in range(RUNS + 1):
            t0 = time.perf_counter()
            ops = Ops(col, Executor(), lambda error, log: None)
            controller = StatsController(col, ops, lambda: NOW, settings)
            window = controller.window
            t1 = time.perf_counter()
            report = col.stats.report(NOW)
            t2 = time.perf_counter()
            controller.show_report(report)
            t3 = time.perf_counter()
            window.resize(1100, 800)
            window.show()
            app.processEvents()
            window.grab()  # paint every chart once
            t4 = time.perf_counter()
            window.close()
            window.deleteLater()
            app.processEvents()
            if run == 0:  # warm-up: first use of fonts and chart code
                continue
            times.append(t4 - t0)
            for name, value in zip(parts, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
                parts[name].append(value)
    finally:
        col.close()
    return times, {k: statistics.median(v) for k, v in parts.items()}


def run() -> list[tuple[str, str, str]]:
    """Measure and return (name, figure, target) rows."""
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "collection.db"
        built = build(path)
        rows.append(("build 100,000 cards + 1,000,000 log rows", f"{built:.1f} s", "-"))
        first, load = time_load_report(path)
        rows.append(("first load_report ever (sums 1M reviews per day)", f"{first:.3f} s", "-"))
        rows.append(("load_report, all decks (median)", f"{statistics.median(load):.3f} s", "-"))
        _, one = time_load_report(path, "Bench::デッキ 3")
        rows.append(("load_report, one deck (median)", f"{statistics.median(one):.3f} s", "-"))
        screen, parts = time_screen(path)
        rows.append(
            ("Stats screen: build+load+fill+paint (median)", f"{statistics.median(screen):.3f} s",
             f"≤ {TARGET_SCREEN:.0f} s")
        )  # fmt: skip
        rows.append(
            ("Stats screen, worst of 5", f"{max(screen):.3f} s", f"≤ {TARGET_SCREEN:.0f} s")
        )
        for name, value in parts.items():
            rows.append((f"  of which {name}", f"{value:.3f} s", "-"))
    return rows


if __name__ == "__main__":
    from run import print_rows

    print_rows(run())
