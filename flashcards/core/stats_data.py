"""Read what the statistics need from the database.

The review log is aggregated in SQL (a million rows become a few thousand buckets) and the cards'
memory state is read raw; the numbers themselves are computed in :mod:`flashcards.core.stats`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import String, case, func, literal_column, select, type_coerce

from flashcards.core import scheduling, stats
from flashcards.core.models import Card, CardState, ReviewLog, table_of

if TYPE_CHECKING:
    from flashcards.core.collection import Collection

CARD = table_of(Card)
LOG = table_of(ReviewLog)
DAY_MS = 86_400_000


def day_shift(collection: Collection, now: datetime) -> timedelta:
    """What to add to a UTC time to count learner days.

    That is the time zone's offset at ``now`` minus the day-start hour. (A past day across a
    DST change may be off by an hour, as in Anki.)
    """
    local = now.astimezone(collection.tz) if collection.tz is not None else now.astimezone()
    offset = local.utcoffset() or timedelta(0)
    return offset - timedelta(hours=collection.day_start_hour)


def _as_utc(value: Any) -> datetime | None:
    # Read datetimes raw: SQLite gives ISO text, which fromisoformat parses far faster than the
    # generic type machinery would for 100,000 rows; other databases give datetimes.
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def load_report(
    collection: Collection, now: datetime, deck: str | None = None
) -> stats.StatsReport:
    """The statistics for all decks, or for ``deck`` and its subdecks, at ``now``."""
    shift = day_shift(collection, now)
    shift_ms = int(shift.total_seconds() * 1000)
    today = stats.day_number(now, shift)
    deck_ids: list[int] | None = None
    if deck is not None:
        collection.deck_id(deck)
        from flashcards.core.collection import subdeck_ids

        deck_ids = subdeck_ids(collection.decks(), deck)

    day = ((LOG.c.reviewed_ms + shift_ms) // DAY_MS).label("day")
    mature = case((LOG.c.prev_interval_days >= stats.MATURE_DAYS, 1), else_=0).label("mature")
    log_query = select(
        day, LOG.c.state_before, mature, LOG.c.rating, func.count(), func.sum(LOG.c.duration_ms)
    ).group_by(literal_column("day"), LOG.c.state_before, literal_column("mature"), LOG.c.rating)
    card_query = select(
        CARD.c.state,
        CARD.c.suspended,
        type_coerce(CARD.c.due, String),
        type_coerce(CARD.c.last_review, String),
        CARD.c.stability,
        CARD.c.difficulty,
    )
    if deck_ids is not None:
        log_query = log_query.where(LOG.c.deck_id.in_(deck_ids))
        card_query = card_query.where(CARD.c.deck_id.in_(deck_ids))
    with collection.engine.connect() as conn:
        log_rows = conn.execute(log_query).all()
        card_rows = conn.execute(card_query).all()

    buckets = [
        stats.LogBucket(
            day=int(d),
            kind=stats.review_kind(int(state), stats.MATURE_DAYS if is_mature else 0.0),
            rating=int(rating),
            count=int(count),
            duration_ms=int(duration or 0),
        )
        for d, state, is_mature, rating, count, duration in log_rows
    ]
    shift_s = shift.total_seconds()
    now_s = now.timestamp()
    cards = []
    for state, suspended, due_raw, last_raw, stability, difficulty in card_rows:
        due = _as_utc(due_raw)
        last = _as_utc(last_raw)
        assert due is not None
        interval = None
        retrievability = None
        if state != CardState.NEW and last is not None:
            interval = (due - last).total_seconds() / 86400
            if stability:
                elapsed = max(0, int((now_s - last.timestamp()) // 86400))
                retrievability = scheduling.forgetting_curve(elapsed, stability)
        cards.append(
            stats.CardStat(
                state=int(state),
                suspended=bool(suspended),
                due_day=int((due.timestamp() + shift_s) // 86400),
                interval_days=interval,
                stability=stability,
                difficulty=difficulty,
                retrievability=retrievability,
            )
        )
    return stats.build_report(buckets, cards, today)
