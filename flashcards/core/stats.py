"""Numbers for the stats screen and ``flashcards stats``: pure functions over rows.

The collection hands in plain tuples read from the database; everything here is computed
from them and a ``now``, so it can be tested against review logs worked out by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flashcards.core.models import CardState


@dataclass(frozen=True)
class LogRow:
    """One review: when, the button (1-4), and the card's state before it."""

    reviewed_at: datetime
    rating: int
    state_before: int
    duration_ms: int = 0


@dataclass(frozen=True)
class CardRow:
    """One card's state, as the stats need it."""

    state: int
    due: datetime
    suspended: bool


DayOf = Callable[[datetime], date]


def streak_days(days_with_reviews: Iterable[date], today: date) -> int:
    """Consecutive days with at least one review, ending today (or yesterday, if none yet today)."""
    days = set(days_with_reviews)
    day = today if today in days else today - timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= timedelta(days=1)
    return count


def retention(logs: Iterable[LogRow]) -> float | None:
    """True retention: the share of reviews of cards in review state not answered Again."""
    passed = failed = 0
    for log in logs:
        if log.state_before == CardState.REVIEW:
            if log.rating == 1:
                failed += 1
            else:
                passed += 1
    total = passed + failed
    return passed / total if total else None


def due_forecast(cards: Iterable[CardRow], day_of: DayOf, today: date, days: int) -> list[int]:
    """Cards due on each of the next ``days`` days, today first (overdue cards count as today)."""
    counts = [0] * days
    for card in cards:
        if card.suspended or card.state == CardState.NEW:
            continue
        offset = max(0, (day_of(card.due) - today).days)
        if offset < days:
            counts[offset] += 1
    return counts


def card_counts(cards: Iterable[CardRow]) -> dict[str, int]:
    """Cards by state: new, learning (incl. relearning), review; suspended counted apart."""
    counts = {"new": 0, "learning": 0, "review": 0, "suspended": 0}
    for card in cards:
        if card.suspended:
            counts["suspended"] += 1
        elif card.state == CardState.NEW:
            counts["new"] += 1
        elif card.state == CardState.REVIEW:
            counts["review"] += 1
        else:
            counts["learning"] += 1
    return counts


def summary(
    logs: Sequence[LogRow], cards: Sequence[CardRow], now: datetime, day_of: DayOf
) -> dict[str, object]:
    """The numbers of ``flashcards stats --json``.

    Args:
        logs: The review log (any order).
        cards: All cards in scope.
        now: The current time.
        day_of: Maps a time to the learner's day (respecting the day-start hour and time zone).
    """
    today = day_of(now)
    month_ago = now - timedelta(days=30)
    today_logs = [log for log in logs if day_of(log.reviewed_at) == today]
    return {
        "reviews_today": len(today_logs),
        "minutes_today": round(sum(log.duration_ms for log in today_logs) / 60000, 1),
        "streak_days": streak_days((day_of(log.reviewed_at) for log in logs), today),
        "retention_30d": retention(log for log in logs if log.reviewed_at >= month_ago),
        "due_forecast": due_forecast(cards, day_of, today, 30),
        "cards": card_counts(cards),
    }
