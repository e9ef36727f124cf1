"""The simulated learner: deterministic for a seed, logs real reviews, gives lively statistics."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from flashcards.core.collection import Collection, open_collection
from flashcards.core.db import sqlite_url
from flashcards.core.tables import LOG
from tools.simulate import (
    DEMO_DECK,
    Learner,
    add_demo_deck,
    japanese_number,
    simulate,
)

START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


def _log(col: Collection) -> list[tuple[int, int, str, int]]:
    with col.engine.connect() as conn:
        rows = conn.execute(
            select(LOG.c.card_id, LOG.c.rating, LOG.c.reviewed_at, LOG.c.duration_ms).order_by(
                LOG.c.id
            )
        )
        return [(int(a), int(b), c.isoformat(), int(d)) for a, b, c, d in rows]


def _fresh(tmp_path: Path, name: str, notes: int = 60) -> Collection:
    col = open_collection(sqlite_url(tmp_path / name), tz=UTC)
    add_demo_deck(col, notes, START)
    return col


def test_same_seed_same_reviews(tmp_path: Path) -> None:
    a, b, c = (_fresh(tmp_path, f"{n}.db") for n in "abc")
    try:
        first = simulate(a, START, 10, seed=7, minutes_per_day=5)
        second = simulate(b, START, 10, seed=7, minutes_per_day=5)
        other = simulate(c, START, 10, seed=8, minutes_per_day=5)
        assert first == second
        assert _log(a) == _log(b)
        assert _log(a) != _log(c)
        assert other.reviews > 0
    finally:
        for col in (a, b, c):
            col.close()


def test_reviews_are_logged_through_the_core(tmp_path: Path) -> None:
    col = _fresh(tmp_path, "log.db")
    try:
        summary = simulate(col, START, 14, seed=1, minutes_per_day=10)
        log = _log(col)
        assert summary.reviews == len(log) > 100
        assert sum(summary.ratings.values()) == summary.reviews
        assert all(summary.ratings[r] > 0 for r in (1, 2, 3, 4))
        assert summary.new_cards == 60  # 20 new a day: the deck is started within 14 days
        # The clock only moves forward and stays within the simulated fortnight.
        times = [datetime.fromisoformat(t) for _, _, t, _ in log]
        assert times == sorted(times)
        assert START - timedelta(hours=2) <= times[0]
        assert times[-1] < START + timedelta(days=14)
        assert summary.end is not None and summary.end >= times[-1]
        # Each day's answering time respects its budget (the last card may run over a bit).
        assert summary.minutes <= 14 * (10 * 1.2 + 1.5)
        assert sum(d for *_, d in log) == pytest.approx(summary.seconds * 1000, abs=len(log))
    finally:
        col.close()


def test_statistics_come_alive(tmp_path: Path) -> None:
    col = _fresh(tmp_path, "stats.db", notes=120)
    try:
        summary = simulate(col, START, 30, seed=3, minutes_per_day=15)
        assert summary.end is not None
        report = col.stats.report(summary.end)
        assert report.cards["review"] > 50
        assert sum(report.heatmap) == summary.reviews
        assert sum(1 for n in report.heatmap if n) == summary.study_days
        month = report.retention["month"]["all"]
        assert month.total > 100
        # Recall is drawn from FSRS's retrievability: retention lands near the desired 90 %.
        assert month.rate is not None and 0.75 < month.rate < 0.97
        assert sum(report.future_due_year) == report.cards["review"] + report.cards["learning"]
        assert sum(sum(day.values()) for day in report.reviews_per_day) == summary.reviews
        assert all(sum(h.counts) == 120 for h in report.distributions.values())
    finally:
        col.close()


def test_deck_filter_reviews_one_deck(tmp_path: Path) -> None:
    col = _fresh(tmp_path, "deck.db", notes=20)
    col.notes.add("Other", "basic", "猫", "cat", START)
    try:
        simulate(col, START, 3, seed=1, deck=DEMO_DECK)
        other = col.decks.id("Other")
        with col.engine.connect() as conn:
            decks = {int(r[0]) for r in conn.execute(select(LOG.c.deck_id).distinct())}
            total = conn.execute(select(func.count()).select_from(LOG)).scalar_one()
        assert total > 0
        assert other not in decks
    finally:
        col.close()


def test_learner_answers_by_recall_probability() -> None:
    import random

    learner = Learner(random.Random(0))
    ratings = [learner.rating(2, 0.9) for _ in range(5000)]
    assert ratings.count(1) / len(ratings) == pytest.approx(0.1, abs=0.02)
    assert learner.recall_probability(2, 10.0, 0.0) == pytest.approx(0.995)
    assert learner.recall_probability(2, 10.0, 10.0) == pytest.approx(0.9, abs=1e-3)
    assert learner.recall_probability(0, None, 0.0) == pytest.approx(0.6)


@pytest.mark.parametrize(
    ("n", "kanji"),
    [(0, "〇"), (7, "七"), (10, "十"), (11, "十一"), (347, "三百四十七"), (1000, "千"),
     (2026, "二千二十六"), (10000, "一万"), (123456, "十二万三千四百五十六")],
)  # fmt: skip
def test_japanese_number(n: int, kanji: str) -> None:
    assert japanese_number(n) == kanji


ROOT = Path(__file__).resolve().parents[2]


def test_demo_generator_command(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tools.simulate", "--data-dir", str(tmp_path),
         "--days", "3", "--demo-notes", "15", "--end", "2026-03-02T09:00:00+00:00"],
        capture_output=True, text=True, timeout=120, check=False, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "3 days" in result.stdout and "reviews" in result.stdout
    col = open_collection(sqlite_url(tmp_path / "collection.db"), tz=UTC)
    try:
        assert DEMO_DECK in col.decks.names().values()
        assert col.stats.report(datetime(2026, 3, 2, 9, 0, tzinfo=UTC)).reviews_today > 0
    finally:
        col.close()


def test_simulate_never_imports_qt() -> None:
    code = "import sys, tools.simulate; print(any('PySide6' in m for m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "False"
