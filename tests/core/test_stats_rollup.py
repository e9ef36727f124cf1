"""The per-day sums behind the stats stay equal to the review log, however it changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from flashcards.core import stats_data
from flashcards.core.collection import Collection
from tools.simulate import simulate

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def sums(col: Collection) -> list[tuple[int, ...]]:
    with col.engine.connect() as conn:
        rows = conn.execute(select(stats_data.ROLLUP).where(stats_data.ROLLUP.c.count > 0))
        return sorted(tuple(int(v) for v in r) for r in rows)


def rebuilt(col: Collection, now: datetime) -> list[tuple[int, ...]]:
    """The sums computed from scratch from the review log."""
    shift_ms = int(col.config.day_shift(now).total_seconds() * 1000)
    with col.engine.connect() as conn:
        rows = conn.execute(stats_data._SUMS, {"shift": shift_ms, "since": 0})
        return sorted(tuple(int(v) for v in r) for r in rows)


def test_incremental_sums_equal_a_rebuild_through_answers_undo_and_deletes(
    col: Collection,
) -> None:
    for i in range(30):
        col.notes.add("A" if i % 2 else "B::C", "basic", f"q{i}", "a", T0)
    simulate(col, T0, days=10, seed=3)
    now = T0 + timedelta(days=10)
    first = col.stats.report(now)
    assert sums(col) == rebuilt(col, now) and sum(first.heatmap) > 0
    # More answers: only the new rows are added.
    simulate(col, now, days=3, seed=4)
    now += timedelta(days=3)
    col.stats.report(now)
    assert sums(col) == rebuilt(col, now)
    # Undo takes a summed review back out without a rebuild.
    card = col.sched.next_card(now)
    if card is None:
        col.notes.add("A", "basic", "late", "a", now)
        card = col.sched.next_card(now)
    assert card is not None
    col.sched.answer(card.card_id, 3, now, duration_ms=7000)
    before = col.stats.report(now).reviews_today
    assert col.sched.undo().value == card.card_id
    assert sums(col) == rebuilt(col, now)
    assert col.stats.report(now).reviews_today == before - 1
    # Deleting notes deletes reviews: the next report rebuilds.
    col.notes.delete(col.notes.ids("A")[:5])
    report = col.stats.report(now)
    assert sums(col) == rebuilt(col, now)
    assert sum(report.heatmap) == sum(
        r[4] for r in rebuilt(col, now) if r[1] > now_day(col, now) - 365
    )


def now_day(col: Collection, now: datetime) -> int:
    from flashcards.core.stats import day_number

    return day_number(now, col.config.day_shift(now))


def test_another_day_start_hour_rebuilds_the_sums(col: Collection) -> None:
    col.notes.add("A", "basic", "q", "a", T0)
    card = col.sched.next_card(T0.replace(hour=2))
    assert card is not None
    col.sched.answer(
        card.card_id, 3, T0.replace(hour=2)
    )  # 02:00: still "yesterday" with a 4 a.m. start
    assert col.stats.report(T0).reviews_today == 0
    col.config.set_day_start_hour(0)
    assert col.stats.report(T0).reviews_today == 1
    assert sums(col) == rebuilt(col, T0)
