"""The deck list and today's line, from plain SQL that any driver can run.

This module imports nothing heavier than the standard library, so the desktop app can show the
deck list of an existing collection with Python's own ``sqlite3`` while SQLAlchemy and SQLModel
are still loading (they take most of a second to import). The collection service runs the very
same SQL through SQLAlchemy, and both turn the rows into counts with the same functions here.

The SQL is portable: named parameters, no date functions (days are counted on the integer
``reviewed_ms`` column), booleans compared with a bound value.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from flashcards.core.errors import DamagedDateError

#: A function that runs one SQL statement with named parameters and returns its rows.
Fetch = Callable[[str, Mapping[str, Any]], Sequence[Sequence[Any]]]

DAY_MS = 86_400_000

DECKS_SQL = (
    "SELECT deck.id, deck.name, preset.new_per_day, preset.reviews_per_day "
    "FROM deck LEFT JOIN preset ON preset.id = deck.preset_id"
)
DAY_START_SQL = "SELECT value FROM setting WHERE key = 'day_start_hour'"
#: Per deck and state before the review: reviews since the start of the day, and their time.
STUDIED_SQL = (
    "SELECT deck_id, state_before, count(*), sum(duration_ms) FROM reviewlog "
    "WHERE reviewed_at >= :day_start AND rating > 0 GROUP BY deck_id, state_before"
)
TOTALS_SQL = "SELECT deck_id, count(*) FROM card GROUP BY deck_id"
#: The learner days (numbered from the epoch) with reviews since a time, newest first.
REVIEW_DAYS_SQL = (
    "SELECT DISTINCT (reviewed_ms + :shift) / 86400000 AS day FROM reviewlog "
    "WHERE reviewed_ms >= :since AND rating > 0 ORDER BY day DESC"
)

_VISIBLE = "suspended = :no AND (buried_until IS NULL OR buried_until <= :now)"
# One row per deck, driven by the deck table itself, so the statement is the same (and as short)
# for one deck or 100,000: new cards and reviews due today are counted with an index seek per
# deck, stopping at the day's limit; learning cards due now (few in any collection) with one
# range of the queue index, summed per deck. The limit bound here is the largest that any deck
# still has today: counting a deck's own cards beyond its own limit never changes the deck list,
# which caps every deck (own cards plus subdecks) by its limit (see deck_list).
_OWN_COUNTS = (
    "SELECT deck.id, "
    "(SELECT count(*) FROM (SELECT 1 FROM card WHERE deck_id = deck.id AND "
    + _VISIBLE
    + " AND state = 0 LIMIT :new_limit) AS own_new), "
    "0, "
    "(SELECT count(*) FROM (SELECT 1 FROM card WHERE deck_id = deck.id AND "
    + _VISIBLE
    + " AND state = 2 AND due < :day_end LIMIT :review_limit) AS own_review) "
    "FROM deck"
)
#: Learning cards due today (few in any collection): whether each is on an intraday or an
#: interday step is decided from its due and last review (see :func:`learning_counts`).
LEARNING_SQL = (
    "SELECT deck_id, due, last_review FROM card WHERE "
    + _VISIBLE
    + " AND state IN (1, 3) AND due < :day_end"
)
#: Today's answers to learning cards due at or before the day start: the candidates for
#: interday learning cards, which Anki counts as reviews against the daily limits.
INTERDAY_STUDIED_SQL = (
    "SELECT deck_id, prev_due, prev_last_review FROM reviewlog "
    "WHERE reviewed_at >= :day_start AND state_before IN (1, 3) AND prev_due <= :day_start "
    "AND rating > 0"
)
#: Today's extra limits per deck (custom study's "more new cards / reviews today", Anki's
#: ``extend_limits``): a setting row ``extend_limits.<deck id>`` = ``<learner day> <new> <review>``.
EXTEND_PREFIX = "extend_limits."
EXTEND_SQL = (
    "SELECT key, value FROM setting WHERE key > 'extend_limits.' AND key < 'extend_limits/'"
)
#: Learning cards due within this span count now and are shown when nothing else is left
#: (Anki's default learn-ahead limit).
LEARN_AHEAD = timedelta(minutes=20)


def own_counts_sql(decks: int) -> str:
    """The statement counting the own cards of every deck: (deck id, new, learning, review).

    One statement whatever the number of decks (``decks`` is accepted for the callers and no
    longer shapes the SQL): it once had a ``UNION ALL`` term per deck, which SQLite refuses
    beyond 500 decks. Parameters: see :func:`own_counts_params`, plus ``now`` and ``day_end``.
    """
    del decks
    return _OWN_COUNTS


@dataclass(frozen=True)
class DeckCounts:
    """One row of the deck list: what is due now within today's limits."""

    deck_id: int
    name: str
    new: int
    learn: int
    review: int
    total: int

    @property
    def depth(self) -> int:
        """How deeply the deck is nested (0 for a top-level deck)."""
        return self.name.count("::")


@dataclass(frozen=True)
class Overview:
    """The deck list and today's line."""

    counts: list[DeckCounts]
    reviews_today: int
    minutes_today: float
    streak_days: int


def day_bounds(now: datetime, tz: tzinfo | None, day_start_hour: int) -> tuple[datetime, datetime]:
    """The UTC start and end of the learner's day containing ``now``."""
    local = now.astimezone(tz) if tz is not None else now.astimezone()
    start = local.replace(hour=day_start_hour, minute=0, second=0, microsecond=0)
    if local < start:
        start -= timedelta(days=1)
    end = start + timedelta(days=1)
    return start.astimezone(UTC), end.astimezone(UTC)


def day_shift(now: datetime, tz: tzinfo | None, day_start_hour: int) -> timedelta:
    """What to add to a UTC time to count learner days (days numbered from the epoch).

    That is the time zone's offset at ``now`` minus the day-start hour. (A past day across a
    DST change may be off by an hour, as in Anki.)
    """
    local = now.astimezone(tz) if tz is not None else now.astimezone()
    return (local.utcoffset() or timedelta(0)) - timedelta(hours=day_start_hour)


def ancestors(decks: Mapping[int, str]) -> dict[int, list[int]]:
    """Deck id -> the deck and its ancestors' ids, nearest first (nesting is by ``::``).

    A missing intermediate name is skipped (``A::B::C`` without ``A::B`` nests under ``A``).
    Each chain is built on its nearest ancestor's, so ten thousand decks cost milliseconds.
    """
    by_name = {n: i for i, n in decks.items()}
    out: dict[int, list[int]] = {}
    for deck_id, name in decks.items():
        if deck_id in out:
            continue
        pending = [deck_id]  # this deck, then its ancestors without a chain yet, nearest first
        tail: list[int] = []
        while "::" in name:
            name = name.rsplit("::", 1)[0]
            parent = by_name.get(name)
            if parent is None:
                continue
            if parent in out:
                tail = out[parent]
                break
            pending.append(parent)
        for member in reversed(pending):
            tail = [member, *tail]
            out[member] = tail
    return out


def studied_today(
    rows: Iterable[Sequence[Any]], interday: Mapping[int, int] | None = None
) -> dict[int, list[int]]:
    """Per deck: [new cards introduced, reviews done] from :data:`STUDIED_SQL` rows.

    ``interday``: per deck, today's answers to interday learning cards (see
    :func:`interday_answers`), which count as reviews, as Anki counts them.
    """
    studied: dict[int, list[int]] = {}
    for deck_id, state, count, _ms in rows:
        entry = studied.setdefault(int(deck_id), [0, 0])
        if state == 0:
            entry[0] += int(count)
        elif state == 2:
            entry[1] += int(count)
    for deck_id, count in (interday or {}).items():
        studied.setdefault(deck_id, [0, 0])[1] += count
    return studied


def as_time(value: Any) -> datetime:
    """A stored time as an aware UTC datetime (raw SQLite gives text, SQLAlchemy datetimes).

    Raises:
        DamagedDateError: If the stored value is not a date (a damaged file).
    """
    try:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        raise DamagedDateError from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def learner_date(moment: datetime, tz: tzinfo | None, day_start_hour: int) -> date:
    """The learner day of ``moment`` as a calendar date (days start at the day-start hour)."""
    local = moment.astimezone(tz) if tz is not None else moment.astimezone()
    return (local - timedelta(hours=day_start_hour)).date()


def is_interday(due: Any, last_review: Any, tz: tzinfo | None, day_start_hour: int) -> bool:
    """Whether a (re)learning card is on an interday step: due on a later day than its last review.

    Anki's day-learning queue: such a step is counted in days, due at the day start.
    """
    if last_review is None or due is None:
        return False
    later = learner_date(as_time(due), tz, day_start_hour)
    return later > learner_date(as_time(last_review), tz, day_start_hour)


def interday_answers(
    fetch: Fetch, day_start: datetime, tz: tzinfo | None, day_start_hour: int
) -> dict[int, int]:
    """Per deck: today's answers to interday learning cards (Anki counts them as reviews)."""
    out: dict[int, int] = {}
    for deck_id, due, last in fetch(INTERDAY_STUDIED_SQL, {"day_start": day_start}):
        if is_interday(due, last, tz, day_start_hour):
            out[int(deck_id)] = out.get(int(deck_id), 0) + 1
    return out


def learning_counts(
    fetch: Fetch, now: datetime, day_end: datetime, tz: tzinfo | None, day_start_hour: int
) -> tuple[dict[int, int], dict[int, int]]:
    """Per deck: (intraday, interday) learning cards due, as Anki's deck list counts them.

    An intraday card counts when due within the learn-ahead limit (20 minutes), an interday
    one when due today.
    """
    ahead = now + LEARN_AHEAD
    intraday: dict[int, int] = {}
    interday: dict[int, int] = {}
    rows = fetch(LEARNING_SQL, {"no": False, "now": now, "day_end": day_end})
    for deck_id, due, last in rows:
        if is_interday(due, last, tz, day_start_hour):
            interday[int(deck_id)] = interday.get(int(deck_id), 0) + 1
        elif as_time(due) < ahead:
            intraday[int(deck_id)] = intraday.get(int(deck_id), 0) + 1
    return intraday, interday


def extensions(fetch: Fetch, today: date) -> dict[int, tuple[int, int]]:
    """Per deck: today's extra (new, review) limits (custom study; other days' rows are ignored)."""
    out: dict[int, tuple[int, int]] = {}
    for key, value in fetch(EXTEND_SQL, {}):
        try:
            day, new, review = str(value).split()
            deck_id = int(str(key)[len(EXTEND_PREFIX) :])
            if date.fromisoformat(day) == today:
                out[deck_id] = (int(new), int(review))
        except ValueError:  # a damaged row extends nothing
            continue
    return out


def remaining(
    limits: Mapping[int, tuple[int, int]],
    tree: Mapping[int, list[int]],
    studied: Mapping[int, list[int]],
    extra: Mapping[int, tuple[int, int]] | None = None,
) -> tuple[dict[int, int], dict[int, int]]:
    """Per deck: how many new cards and reviews its own limit still allows today.

    A deck's limit caps its subdecks too (as in Anki), so each deck counts what its whole
    subtree studied today.

    Args:
        limits: deck id -> (new per day, reviews per day).
        tree: deck id -> the deck and its ancestors (see :func:`ancestors`).
        studied: deck id -> [new introduced, reviews done] today.
        extra: deck id -> today's extra (new, review) limits of that deck alone (Anki's
            ``extend_limits`` lowers the deck's own "studied today" counts, not its parents').
    """
    done_new: dict[int, int] = {}
    done_rev: dict[int, int] = {}
    for deck_id, (new, rev) in studied.items():
        chain = tree.get(deck_id)
        if chain is None or not (new or rev):
            continue
        for ancestor in chain:
            done_new[ancestor] = done_new.get(ancestor, 0) + new
            done_rev[ancestor] = done_rev.get(ancestor, 0) + rev
    for deck_id, (new, rev) in (extra or {}).items():
        done_new[deck_id] = done_new.get(deck_id, 0) - new
        done_rev[deck_id] = done_rev.get(deck_id, 0) - rev
    # Anki's v3 limits: the new cards introduced today also use up the review limit, and the
    # new limit never exceeds what the review limit has left.
    rev_left = {
        d: max(0, r - done_rev.get(d, 0) - done_new.get(d, 0)) for d, (_n, r) in limits.items()
    }
    new_left = {
        d: max(0, min(n - done_new.get(d, 0), rev_left[d])) for d, (n, _r) in limits.items()
    }
    return new_left, rev_left


def own_counts_params(
    decks: Sequence[int], new_left: Mapping[int, int], rev_left: Mapping[int, int]
) -> dict[str, Any]:
    """The parameters of :func:`own_counts_sql` for ``decks`` and what their limits allow.

    A deck's own count stops at the largest limit left among ``decks``, which is at least its
    own: the deck list then caps each deck by its own limit (:func:`deck_list`).
    """
    return {
        "no": False,
        "new_limit": max((new_left[d] for d in decks), default=0),
        "review_limit": max((rev_left[d] for d in decks), default=0),
    }


def _capped(counts: list[int], new_left: int, rev_left: int) -> None:
    """Cap [new, intraday, interday, review, total] by a deck's limits, as Anki's v3 deck list.

    Interday learning first takes the review limit, reviews what is left of it, and new cards
    both their own limit and what the reviews left (intraday learning is never capped).
    """
    counts[2] = min(counts[2], rev_left)
    reviews_left = rev_left - counts[2]
    counts[3] = min(counts[3], reviews_left)
    counts[0] = min(counts[0], new_left, reviews_left - counts[3])


def deck_list(
    decks: Mapping[int, str],
    tree: Mapping[int, list[int]],
    own: Mapping[int, tuple[int, int, int]],
    totals: Mapping[int, int],
    new_left: Mapping[int, int],
    rev_left: Mapping[int, int],
    interday: Mapping[int, int] | None = None,
) -> list[DeckCounts]:
    """The deck list, sorted as a tree: each deck counts its subdecks, capped by its limits.

    ``own``: per deck, its own (new, intraday learning, review) cards due; ``interday``: its
    own interday learning cards due today. As Anki's v3 deck list, a deck's counts are its own
    plus its subdecks' capped counts, capped by its own limits (a parent's limit is not applied
    to a subdeck's row). Decks are summed deepest first into their parents (no recursion: a
    hostile name nested thousands deep is summed like any other).
    """
    interday = interday or {}
    sums = {}
    for deck_id in decks:
        new, learn, rev = own.get(deck_id, (0, 0, 0))
        sums[deck_id] = [new, learn, interday.get(deck_id, 0), rev, totals.get(deck_id, 0)]
    for deck_id in sorted(decks, key=lambda d: len(tree[d]), reverse=True):
        counts = sums[deck_id]
        _capped(counts, new_left[deck_id], rev_left[deck_id])
        chain = tree[deck_id]
        if len(chain) > 1:
            parent = sums[chain[1]]
            for k in range(5):
                parent[k] += counts[k]
    out = []
    for deck_id, name in sorted(decks.items(), key=lambda item: item[1].split("::")):
        new, intraday, day_learning, rev, total = sums[deck_id]
        out.append(DeckCounts(deck_id, name, new, intraday + day_learning, rev, total))
    return out


def streak(fetch: Fetch, now: datetime, shift: timedelta) -> int:
    """Consecutive learner days with reviews, ending today (or yesterday if none yet today).

    Looks back a month first and further only when the streak is that long, so a long review
    log is not read whole.
    """
    shift_ms = int(shift.total_seconds() * 1000)
    now_ms = int(now.timestamp() * 1000)
    today = (now_ms + shift_ms) // DAY_MS
    span = 32
    while True:
        since = now_ms - span * DAY_MS
        days = [int(r[0]) for r in fetch(REVIEW_DAYS_SQL, {"shift": shift_ms, "since": since})]
        day = today if days and days[0] == today else today - 1
        count = 0
        for d in days:
            if d == day:
                count += 1
                day -= 1
            elif d < day:
                break
        if count < span - 2 or since <= 0:
            return count
        span *= 4


def _db_time(moment: datetime) -> str:
    # How SQLAlchemy stores our datetimes in SQLite: naive UTC, microseconds always written.
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def read_sqlite(
    path: Path,
    now: datetime,
    tz: tzinfo | None = None,
    *,
    current: tuple[int, int, dict[str, str]] | None = None,
) -> Overview | None:
    """The overview of the SQLite collection at ``path``, read with ``sqlite3`` alone.

    Args:
        path: The collection file.
        now: The time.
        tz: The time zone of the day boundary (None: the system's).
        current: ``(application id, schema version, shipped deck digests)``: read only a
            collection that is exactly current (that id and version, every shipped deck
            file loaded as it is now), so the result equals what opening it would show.

    Returns None when the file is missing or cannot be read this way (an older schema, a
    damaged file): the caller then waits for the collection service, which says what is wrong.
    """
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=1)
    except sqlite3.Error:
        return None
    try:
        if current is not None and not _is_current(conn, *current):
            return None

        def fetch(sql: str, params: Mapping[str, Any]) -> Sequence[Sequence[Any]]:
            values = {k: _db_time(v) if isinstance(v, datetime) else v for k, v in params.items()}
            return conn.execute(sql, values).fetchall()

        row = fetch(DAY_START_SQL, {})
        hour = int(row[0][0]) if row else 4
        return compute(fetch, now, tz, hour)
    except (sqlite3.Error, ValueError, KeyError):
        return None
    finally:
        conn.close()


def _is_current(
    conn: sqlite3.Connection, app_id: int, version: int, shipped: dict[str, str]
) -> bool:
    if conn.execute("PRAGMA application_id").fetchone() != (app_id,):
        return False
    if conn.execute("PRAGMA user_version").fetchone() != (version,):
        return False
    for key, digest in shipped.items():
        row = conn.execute("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
        if row is None or row[0] != digest:
            return False
    return True


def compute(fetch: Fetch, now: datetime, tz: tzinfo | None, day_start_hour: int) -> Overview:
    """The overview from scratch (no caches), through any ``fetch``."""
    day_start, day_end = day_bounds(now, tz, day_start_hour)
    rows = fetch(DECKS_SQL, {})
    decks = {int(r[0]): str(r[1]) for r in rows}
    limits = {
        int(r[0]): (20 if r[2] is None else int(r[2]), 200 if r[3] is None else int(r[3]))
        for r in rows
    }
    tree = ancestors(decks)
    studied_rows = fetch(STUDIED_SQL, {"day_start": day_start})
    interday_done = interday_answers(fetch, day_start, tz, day_start_hour)
    extra = extensions(fetch, learner_date(now, tz, day_start_hour))
    new_left, rev_left = remaining(limits, tree, studied_today(studied_rows, interday_done), extra)
    order = sorted(decks)
    own: dict[int, tuple[int, int, int]] = {}
    intraday, interday = learning_counts(fetch, now, day_end, tz, day_start_hour)
    if order:
        params = own_counts_params(order, new_left, rev_left) | {"now": now, "day_end": day_end}
        for deck, new, _learn, rev in fetch(own_counts_sql(len(order)), params):
            own[int(deck)] = (int(new), intraday.get(int(deck), 0), int(rev))
    totals = {int(d): int(n) for d, n in fetch(TOTALS_SQL, {})}
    shift = day_shift(now, tz, day_start_hour)
    return Overview(
        counts=deck_list(decks, tree, own, totals, new_left, rev_left, interday),
        reviews_today=sum(int(r[2]) for r in studied_rows),
        minutes_today=sum(int(r[3] or 0) for r in studied_rows) / 60000,
        streak_days=streak(fetch, now, shift),
    )
