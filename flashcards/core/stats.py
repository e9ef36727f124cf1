"""Numbers for the Stats screen and ``flashcards stats``: pure functions over plain rows.

The collection aggregates the review log in SQL into :class:`LogBucket` rows (one per learner
day, kind of review and button) and reads the cards as :class:`CardStat` rows; everything here
is computed from those and the day number of "today", so it can be tested against review logs
worked out by hand.

Days are learner days: they start at the day-start hour (4 a.m.) in the learner's time zone and
are numbered from the Unix epoch, so day ``n`` and day ``n + 1`` are consecutive.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import NamedTuple

from flashcards.core.enums import CardState

#: Anki calls a card mature once its interval reaches 21 days.
MATURE_DAYS = 21.0
KINDS = ("learn", "young", "mature", "relearn")


@dataclass(frozen=True)
class LogBucket:
    """Reviews of one kind answered with one button on one learner day."""

    day: int
    kind: str
    rating: int
    count: int
    duration_ms: int = 0


class CardStat(NamedTuple):
    """One card as the statistics see it (a named tuple: 100,000 are made per report)."""

    state: int
    suspended: bool
    due_day: int
    interval_days: float | None
    stability: float | None
    difficulty: float | None
    retrievability: float | None


def reviews_per_day(buckets: Iterable[LogBucket], today: int, days: int) -> list[dict[str, int]]:
    """Reviews per kind on each of the last ``days`` days, oldest first (today last)."""
    out = [dict.fromkeys(KINDS, 0) for _ in range(days)]
    for b in buckets:
        index = days - 1 - (today - b.day)
        if 0 <= index < days:
            out[index][b.kind] += b.count
    return out


def minutes_per_day(buckets: Iterable[LogBucket], today: int, days: int) -> list[float]:
    """Minutes spent reviewing on each of the last ``days`` days, oldest first."""
    out = [0.0] * days
    for b in buckets:
        index = days - 1 - (today - b.day)
        if 0 <= index < days:
            out[index] += b.duration_ms / 60000
    return out


def daily_counts(buckets: Iterable[LogBucket]) -> dict[int, int]:
    """Reviews per day number (days without reviews are absent)."""
    counts: dict[int, int] = {}
    for b in buckets:
        counts[b.day] = counts.get(b.day, 0) + b.count
    return counts


def streak_days(days_with_reviews: Iterable[int], today: int) -> int:
    """Consecutive days with a review, ending today (or yesterday, if none yet today)."""
    days = set(days_with_reviews)
    day = today if today in days else today - 1
    count = 0
    while day in days:
        count += 1
        day -= 1
    return count


@dataclass(frozen=True)
class Retention:
    """Passed and failed first reviews of review-state cards in a period."""

    passed: int = 0
    failed: int = 0

    @property
    def total(self) -> int:
        """Reviews counted."""
        return self.passed + self.failed

    @property
    def rate(self) -> float | None:
        """The share passed, or None when there were none."""
        return self.passed / self.total if self.total else None


def retention_table(buckets: Iterable[LogBucket], today: int) -> dict[str, dict[str, Retention]]:
    """True retention per period (today, yesterday, week, month, year), young/mature/all.

    Only reviews of cards in review state count (a card's first review of the day: a card that
    lapses goes to relearning, so its later reviews that day are not review-state reviews);
    Again is a failure, every other button a pass.
    """
    spans = {
        "today": (today, today),
        "yesterday": (today - 1, today - 1),
        "week": (today - 6, today),
        "month": (today - 29, today),
        "year": (today - 364, today),
    }
    acc = {p: {k: [0, 0] for k in ("young", "mature", "all")} for p in spans}
    for b in buckets:
        if b.kind not in ("young", "mature"):
            continue
        for period, (first, last) in spans.items():
            if first <= b.day <= last:
                slot = 1 if b.rating == 1 else 0
                acc[period][b.kind][slot] += b.count
                acc[period]["all"][slot] += b.count
    return {
        period: {k: Retention(v[0], v[1]) for k, v in row.items()} for period, row in acc.items()
    }


def answer_buttons(buckets: Iterable[LogBucket], today: int, days: int) -> dict[str, list[int]]:
    """How often each button (Again, Hard, Good, Easy) was pressed per kind, last ``days`` days."""
    out = {k: [0, 0, 0, 0] for k in ("learn", "young", "mature")}
    for b in buckets:
        if today - days < b.day <= today and 1 <= b.rating <= 4:
            kind = "learn" if b.kind == "relearn" else b.kind
            out[kind][b.rating - 1] += b.count
    return out


def future_due(cards: Iterable[CardStat], today: int, days: int) -> list[int]:
    """Cards due on each of the next ``days`` days, today first (overdue counts as today)."""
    counts = [0] * days
    for card in cards:
        if card.suspended or card.state == CardState.NEW:
            continue
        offset = max(0, card.due_day - today)
        if offset < days:
            counts[offset] += 1
    return counts


def card_counts(cards: Iterable[CardStat]) -> dict[str, int]:
    """Cards by state: new, learning (relearning included), review; suspended apart."""
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


@dataclass(frozen=True)
class Histogram:
    """Counts of values in equal-width bins from ``start`` in steps of ``width``."""

    start: float
    width: float
    counts: tuple[int, ...]

    def labels(self, fmt: Callable[[float], str] = lambda x: f"{x:g}") -> list[str]:
        """A label per bin such as ``"0-10"``; the last bin takes everything above."""
        out = []
        for i in range(len(self.counts)):
            low = self.start + i * self.width
            last = i == len(self.counts) - 1
            out.append(f"{fmt(low)}+" if last else f"{fmt(low)}-{fmt(low + self.width)}")
        return out


def histogram(values: Iterable[float], start: float, width: float, bins: int) -> Histogram:
    """Put values into ``bins`` bins; values below ``start`` go to the first, above to the last."""
    # Count bin numbers in C (Counter), then fold the out-of-range ones into the end bins:
    # a Python loop with clamping per value costs several times more for 100,000 cards.
    tally = Counter([int((value - start) // width) for value in values])
    counts = [0] * bins
    for index, number in tally.items():
        counts[0 if index < 0 else bins - 1 if index >= bins else index] += number
    return Histogram(start, width, tuple(counts))


def distributions(cards: Sequence[CardStat]) -> dict[str, Histogram]:
    """Histograms of the reviewed cards' interval, stability, difficulty and retrievability.

    Interval and stability are in days (weekly bins), difficulty on FSRS's 1-10 scale,
    retrievability in percent.
    """
    seen = [c for c in cards if c.state != CardState.NEW]
    return {
        "interval": histogram((c.interval_days or 0 for c in seen), 0, 7, 16),
        "stability": histogram((c.stability or 0 for c in seen), 0, 7, 16),
        "difficulty": histogram((c.difficulty or 1 for c in seen), 1, 0.5, 18),
        "retrievability": histogram(
            ((c.retrievability or 0) * 100 for c in seen if c.retrievability is not None),
            0,
            5,
            20,
        ),
    }


def heatmap(buckets: Iterable[LogBucket], today: int, days: int = 365) -> list[int]:
    """Reviews on each of the last ``days`` days, oldest first: the calendar heat map."""
    counts = daily_counts(buckets)
    return [counts.get(today - days + 1 + i, 0) for i in range(days)]


@dataclass(frozen=True)
class StatsReport:
    """Everything the Stats screen shows."""

    today: int
    reviews_today: int
    minutes_today: float
    streak_days: int
    reviews_per_day: list[dict[str, int]]
    minutes_per_day: list[float]
    future_due_month: list[int]
    future_due_year: list[int]
    retention: dict[str, dict[str, Retention]]
    cards: dict[str, int]
    distributions: dict[str, Histogram]
    buttons: dict[str, list[int]]
    heatmap: list[int]
    extra: dict[str, object] = field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        """The ``flashcards stats --json`` object (keys of the foundation issue kept)."""
        month = self.retention["month"]["all"].rate
        return {
            "reviews_today": self.reviews_today,
            "minutes_today": round(self.minutes_today, 1),
            "streak_days": self.streak_days,
            "retention_30d": None if month is None else round(month, 4),
            "due_forecast": self.future_due_month,
            "cards": self.cards,
            "retention": {
                period: {k: r.rate for k, r in row.items()}
                for period, row in self.retention.items()
            },
            "reviews_last_30_days": self.reviews_per_day[-30:],
            "answer_buttons_30d": self.buttons,
            "due_next_year": sum(self.future_due_year),
        }


def build_report(
    buckets: Sequence[LogBucket], cards: Sequence[CardStat], today: int
) -> StatsReport:
    """Compute the whole report for ``today`` (a learner day number)."""
    per_day = daily_counts(buckets)
    minutes = minutes_per_day(buckets, today, 365)
    due_year = future_due(cards, today, 365)
    return StatsReport(
        today=today,
        reviews_today=per_day.get(today, 0),
        minutes_today=minutes[-1],
        streak_days=streak_days(per_day, today),
        reviews_per_day=reviews_per_day(buckets, today, 365),
        minutes_per_day=minutes,
        future_due_month=due_year[:30],
        future_due_year=due_year,
        retention=retention_table(buckets, today),
        cards=card_counts(cards),
        distributions=distributions(cards),
        buttons=answer_buttons(buckets, today, 30),
        heatmap=heatmap(buckets, today, 365),
    )


def day_number(moment: datetime, shift: timedelta) -> int:
    """The learner day of ``moment``: whole days since the epoch after adding ``shift``.

    ``shift`` is the time zone's offset minus the day-start hour.
    """
    return int((moment.timestamp() + shift.total_seconds()) // 86400)


def day_date(day: int) -> date:
    """The calendar date a learner day number stands for."""
    return date(1970, 1, 1) + timedelta(days=day)
