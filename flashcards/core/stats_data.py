"""Read what the statistics need from the database.

The review log is summed per deck, learner day, kind and button into the ``reviewday`` table,
which is brought up to date incrementally (only reviews logged since the last time are read)
and rebuilt from the log whenever it cannot be (a review was deleted, the day-start hour or
the time zone changed). A million reviews thus cost one full pass the first time and a few
rows after. The cards' memory state is read in one tight pass. The numbers themselves are
computed in :mod:`flashcards.core.stats`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Engine,
    String,
    bindparam,
    case,
    delete,
    func,
    insert,
    select,
    type_coerce,
    update,
)
from sqlalchemy.engine import Connection

from flashcards.core import scheduling, stats
from flashcards.core.cycles import cycle_collection_paused
from flashcards.core.deck_names import subdeck_ids
from flashcards.core.enums import RESET_RATING, CardState
from flashcards.core.models import utcnow_guard
from flashcards.core.tables import CARD, LOG, ROLLUP, SETTING

if TYPE_CHECKING:
    from flashcards.core.config import Config
    from flashcards.core.decks import DeckManager

DAY_MS = 86_400_000
MARKER = "stats_rollup"
KIND_NAMES = ("learn", "young", "mature", "relearn")
_EPOCH = datetime(1970, 1, 1)


def kind_code(state_before: int, prev_interval_days: float, preview: bool = False) -> int:
    """The kind of a review as stored in the sums (an index into :data:`KIND_NAMES`).

    The same rule as the SQL expression below, which sums the log; keep the two alike. A
    preview answer (Anki's Filtered entry) counts as learning, as Anki's answer-button graph
    buckets it: in the day's reviews and time, never in retention.
    """
    if preview:
        return 0
    if state_before == CardState.REVIEW:
        return 2 if prev_interval_days >= stats.MATURE_DAYS else 1
    return 3 if state_before == CardState.RELEARNING else 0


_KIND = case(
    (LOG.c.preview.is_(True), 0),
    (
        LOG.c.state_before == int(CardState.REVIEW),
        case((LOG.c.prev_interval_days >= stats.MATURE_DAYS, 2), else_=1),
    ),
    (LOG.c.state_before == int(CardState.RELEARNING), 3),
    else_=0,
)
_DAY = (LOG.c.reviewed_ms + bindparam("shift")) // DAY_MS
_SUMS = (
    select(
        LOG.c.deck_id,
        _DAY.label("day"),
        _KIND.label("kind"),
        LOG.c.rating,
        func.count().label("count"),
        func.sum(LOG.c.duration_ms).label("duration_ms"),
    )
    # A reset to new (Forget) is no answer: Anki's statistics leave its Manual entries out.
    .where(LOG.c.id > bindparam("since"), LOG.c.rating > RESET_RATING)
    .group_by(LOG.c.deck_id, _DAY, _KIND, LOG.c.rating)
)


def _read_marker(conn: Connection) -> tuple[int, int, int] | None:
    value = conn.execute(select(SETTING.c.value).where(SETTING.c.key == MARKER)).scalar()
    try:
        shift, last_id, rows = (int(x) for x in str(value).split())
    except ValueError:
        return None
    return shift, last_id, rows


def _write_marker(conn: Connection, shift_ms: int, last_id: int, rows: int) -> None:
    value = f"{shift_ms} {last_id} {rows}"
    if not conn.execute(
        update(SETTING).where(SETTING.c.key == MARKER).values(value=value)
    ).rowcount:
        conn.execute(insert(SETTING).values(key=MARKER, value=value))


def _add(conn: Connection, groups: list[Any], sign: int = 1) -> None:
    """Add (or with ``sign=-1`` take away) summed groups to the rollup, row by row."""
    for deck_id, day, kind, rating, count, duration in groups:
        key = (
            (ROLLUP.c.deck_id == deck_id)
            & (ROLLUP.c.day == day)
            & (ROLLUP.c.kind == kind)
            & (ROLLUP.c.rating == rating)
        )
        changed = conn.execute(
            update(ROLLUP)
            .where(key)
            .values(
                count=ROLLUP.c.count + sign * int(count),
                duration_ms=ROLLUP.c.duration_ms + sign * int(duration or 0),
            )
        ).rowcount
        if not changed and sign > 0:
            conn.execute(
                insert(ROLLUP).values(
                    deck_id=deck_id,
                    day=day,
                    kind=kind,
                    rating=rating,
                    count=int(count),
                    duration_ms=int(duration or 0),
                )
            )


def refresh_rollup(conn: Connection, shift_ms: int) -> None:
    """Bring the per-day sums up to date with the review log (see the module docstring)."""
    last_id, rows = conn.execute(select(func.coalesce(func.max(LOG.c.id), 0), func.count())).one()
    marker = _read_marker(conn)
    if marker is not None and marker[0] == shift_ms:
        _, seen_id, seen_rows = marker
        fresh = conn.execute(select(func.count()).where(LOG.c.id > seen_id)).scalar_one()
        if seen_rows + fresh == rows:  # nothing deleted: add what was logged since
            if fresh:  # (nothing new: no write at all)
                _add(conn, list(conn.execute(_SUMS, {"shift": shift_ms, "since": seen_id})))
                _write_marker(conn, shift_ms, int(last_id), int(rows))
            return
    conn.execute(delete(ROLLUP))
    conn.execute(
        insert(ROLLUP).from_select(
            ["deck_id", "day", "kind", "rating", "count", "duration_ms"],
            _SUMS.params(shift=shift_ms, since=0),
        )
    )
    _write_marker(conn, shift_ms, int(last_id), int(rows))


def forget_review(conn: Connection, review: Any) -> None:
    """Take an undone review (a review-log row about to be deleted) out of the sums.

    Keeps the sums in step with the log, so that undo does not force a rebuild.
    """
    marker = _read_marker(conn)
    if marker is None or review.id > marker[1]:
        return  # not summed yet (or nothing summed at all): nothing to take away
    shift_ms, last_id, rows = marker
    kind = kind_code(
        int(review.state_before), float(review.prev_interval_days), bool(review.preview)
    )
    day = (int(review.reviewed_ms) + shift_ms) // DAY_MS
    group = (review.deck_id, day, kind, review.rating, 1, review.duration_ms)
    _add(conn, [group], sign=-1)
    _write_marker(conn, shift_ms, last_id, rows - 1)


def _naive_utc(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo is not None else value


def load_cards(
    conn: Connection, now: datetime, shift: timedelta, deck_ids: list[int] | None
) -> list[stats.CardStat]:
    """Every card in scope as the statistics see it, in one pass."""
    # Datetimes are read raw (type_coerce to String skips the per-value conversion).
    query = select(
        CARD.c.state,
        CARD.c.suspended,
        type_coerce(CARD.c.due, String),
        type_coerce(CARD.c.last_review, String),
        CARD.c.stability,
        CARD.c.difficulty,
    )
    if deck_ids is not None:
        query = query.where(CARD.c.deck_id.in_(deck_ids))
    # Every value is used as the driver gives it, so the rows are taken from the driver's
    # cursor directly: SQLAlchemy's row objects would double the cost for 100,000 cards.
    result = conn.execute(query)
    try:
        rows = result.cursor.fetchall() if result.cursor is not None else []
    finally:
        result.close()
    shift_s = shift.total_seconds()
    now_s = now.timestamp()
    curve = scheduling.forgetting_curve
    new_state = int(CardState.NEW)
    # tuple.__new__ builds the named tuple without its Python-level __new__: half the cost.
    new_tuple = tuple.__new__
    card_stat = stats.CardStat
    out = []
    parse = datetime.fromisoformat
    for state, suspended, due_raw, last_raw, stability, difficulty in rows:
        if state == new_state:  # never reviewed: no due day, interval or memory to show
            out.append(new_tuple(card_stat, (state, bool(suspended), 0, None, None, None, None)))
            continue
        # SQLite gives the stored naive-UTC text; other databases give datetimes.
        due = parse(due_raw) if isinstance(due_raw, str) else _naive_utc(due_raw)
        due_s = (due - _EPOCH).total_seconds()
        interval = retrievability = None
        if last_raw is not None:
            last = parse(last_raw) if isinstance(last_raw, str) else _naive_utc(last_raw)
            last_s = (last - _EPOCH).total_seconds()
            interval = (due_s - last_s) / 86400
            if stability:
                retrievability = curve(max(0, int((now_s - last_s) // 86400)), stability)
        due_day = int((due_s + shift_s) // 86400)
        values = (state, bool(suspended), due_day, interval, stability, difficulty, retrievability)
        out.append(new_tuple(card_stat, values))
    return out


class Stats:
    """The statistics of the collection, or of one deck and its subdecks.

    Args:
        engine: The collection's engine.
        config: The config manager (learner days).
        decks: The deck manager (a deck and its subdecks).
    """

    def __init__(self, engine: Engine, config: Config, decks: DeckManager) -> None:
        self._engine = engine
        self._config = config
        self._decks = decks

    def report(self, now: datetime, deck: str | None = None) -> stats.StatsReport:
        """Statistics for all decks, or for ``deck`` and its subdecks, at ``now``.

        Raises:
            NotFoundError: If ``deck`` does not exist.
        """
        with cycle_collection_paused():
            return self._report(utcnow_guard(now), deck)

    def summary(self, now: datetime, deck: str | None = None) -> dict[str, object]:
        """The object ``flashcards stats --json`` prints."""
        return self.report(now, deck).as_json()

    def _report(self, now: datetime, deck: str | None) -> stats.StatsReport:
        shift = self._config.day_shift(now)
        shift_ms = int(shift.total_seconds() * 1000)
        today = stats.day_number(now, shift)
        deck_ids: list[int] | None = None
        if deck is not None:
            self._decks.id(deck)
            deck_ids = subdeck_ids(self._decks.names(), deck)
        with self._engine.begin() as conn:
            refresh_rollup(conn, shift_ms)
            # Summed over decks in SQL: a year is at most 365 x 4 kinds x 4 buttons rows.
            query = select(
                ROLLUP.c.day,
                ROLLUP.c.kind,
                ROLLUP.c.rating,
                func.sum(ROLLUP.c.count),
                func.sum(ROLLUP.c.duration_ms),
            ).group_by(ROLLUP.c.day, ROLLUP.c.kind, ROLLUP.c.rating)
            if deck_ids is not None:
                query = query.where(ROLLUP.c.deck_id.in_(deck_ids))
            sums = [r for r in conn.execute(query) if r[3]]
            cards = load_cards(conn, now, shift, deck_ids)
        buckets = [
            stats.LogBucket(int(day), KIND_NAMES[int(kind)], int(rating), int(count), int(ms or 0))
            for day, kind, rating, count, ms in sums
        ]
        return stats.build_report(buckets, cards, today)
