"""Statistics against review logs worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from flashcards.core import stats
from flashcards.core.collection import Collection
from flashcards.core.enums import CardState
from flashcards.core.stats import CardStat, LogBucket

TODAY = 20_000


def b(day_ago: int, kind: str, rating: int, count: int = 1, ms: int = 0) -> LogBucket:
    return LogBucket(TODAY - day_ago, kind, rating, count, ms)


LOG = [
    b(0, "learn", 3, 4, 40_000),
    b(0, "young", 3, 3, 30_000),
    b(0, "young", 1, 1, 10_000),
    b(0, "mature", 4, 2, 20_000),
    b(1, "mature", 1, 1),
    b(1, "mature", 3, 3),
    b(1, "relearn", 3, 1),
    b(3, "young", 2, 5),
    b(40, "young", 3, 7),
    b(400, "mature", 3, 9),
]


def test_reviews_and_minutes_per_day() -> None:
    days = stats.reviews_per_day(LOG, TODAY, 7)
    assert days[-1] == {"learn": 4, "young": 4, "mature": 2, "relearn": 0}
    assert days[-2] == {"learn": 0, "young": 0, "mature": 4, "relearn": 1}
    assert days[-4] == {"learn": 0, "young": 5, "mature": 0, "relearn": 0}
    assert sum(sum(d.values()) for d in days) == 10 + 5 + 5
    assert stats.minutes_per_day(LOG, TODAY, 2) == pytest.approx([0.0, 100_000 / 60_000])


def test_true_retention_by_period_young_and_mature() -> None:
    table = stats.retention_table(LOG, TODAY)
    today = table["today"]
    assert (today["young"].passed, today["young"].failed) == (3, 1)
    assert today["mature"].rate == 1.0 and today["all"].rate == 5 / 6
    assert table["yesterday"]["mature"].rate == 3 / 4
    assert table["yesterday"]["young"].rate is None
    week = table["week"]["all"]
    assert (week.passed, week.failed) == (3 + 2 + 3 + 5, 1 + 1)
    assert table["month"]["all"].total == 15
    assert table["year"]["all"].total == 15 + 7  # the review 400 days ago is out


def test_streak_heatmap_and_buttons() -> None:
    assert stats.streak_days(stats.daily_counts(LOG), TODAY) == 2
    assert stats.streak_days({TODAY - 1, TODAY - 2, TODAY - 4}, TODAY) == 2  # none yet today
    assert stats.streak_days(set(), TODAY) == 0
    heat = stats.heatmap(LOG, TODAY, 365)
    assert len(heat) == 365 and heat[-1] == 10 and heat[-2] == 5 and heat[-41] == 7
    buttons = stats.answer_buttons(LOG, TODAY, 30)
    assert buttons["learn"] == [0, 0, 5, 0]  # relearning counts with learning
    assert buttons["young"] == [1, 5, 3, 0]
    assert buttons["mature"] == [1, 0, 3, 2]


def card(state: int, due_in: int, **kw: object) -> CardStat:
    values: dict[str, object] = {
        "suspended": False,
        "interval_days": None,
        "stability": None,
        "difficulty": None,
        "retrievability": None,
    }
    values.update(kw)
    return CardStat(state=state, due_day=TODAY + due_in, **values)  # type: ignore[arg-type]


R = CardState.REVIEW
CARDS = [
    card(CardState.NEW, 0),
    card(CardState.LEARNING, 0, interval_days=0.01, stability=1.0, difficulty=5.0),
    card(R, -3, interval_days=3, stability=3.0, difficulty=2.0, retrievability=0.8),
    card(
        CardState.REVIEW, 1, interval_days=10, stability=12.0, difficulty=9.9, retrievability=0.97
    ),
    card(
        CardState.REVIEW, 45, interval_days=50, stability=60.0, difficulty=5.0, retrievability=0.9
    ),
    card(R, 2, suspended=True, interval_days=5, stability=5.0, difficulty=5.0),
]


def test_future_due_counts_and_distributions() -> None:
    assert stats.future_due(CARDS, TODAY, 30)[:3] == [2, 1, 0]  # overdue counts as today
    assert sum(stats.future_due(CARDS, TODAY, 365)) == 4
    assert stats.card_counts(CARDS) == {"new": 1, "learning": 1, "review": 3, "suspended": 1}
    dist = stats.distributions(CARDS)
    assert dist["interval"].counts[0] == 3 and dist["interval"].counts[1] == 1
    assert dist["interval"].counts[7] == 1  # 50 days: the 49-56 bin
    assert dist["difficulty"].counts[-1] == 1  # 9.9
    assert sum(dist["retrievability"].counts) == 3
    assert dist["retrievability"].counts[19] == 1  # 97%
    assert dist["interval"].labels()[:2] == ["0-7", "7-14"]


def test_report_from_a_real_collection_with_a_fixed_clock(col: Collection) -> None:
    t0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    for i in range(3):
        col.notes.add("S", "basic", f"q{i}", "a", t0)
    t = t0
    # Day 1: three new cards, Easy; they become review cards due in days.
    for _ in range(3):
        c = col.sched.next_card(t)
        assert c is not None
        col.sched.answer(c.card_id, 4, t, duration_ms=6000)
    # Review them when due: one Again, two Good.
    later = max(r["due"] for r in col.cards.rows([1, 2, 3])) + timedelta(hours=1)
    ratings = iter([1, 3, 3])
    while (c := col.sched.next_card(later)) is not None and c.state == CardState.REVIEW:
        col.sched.answer(c.card_id, next(ratings), later, duration_ms=3000)
    report = col.stats.report(later)
    assert report.reviews_today == 3 and report.minutes_today == pytest.approx(0.15)
    assert report.retention["today"]["young"].rate == 2 / 3
    assert report.cards == {"new": 0, "learning": 1, "review": 2, "suspended": 0}
    assert report.streak_days == 1  # the first day was not yesterday
    json = col.stats.summary(later)
    assert json["reviews_today"] == 3 and json["retention_30d"] == round(2 / 3, 4)
    assert len(json["due_forecast"]) == 30  # type: ignore[arg-type]
    only = col.stats.report(later, deck="S")
    assert only.reviews_today == 3
