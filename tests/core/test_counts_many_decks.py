"""Deck-list counts for hundreds and thousands of decks (issue 16: more than 500 bricked it).

The counts once ran one ``UNION ALL`` term per deck, and SQLite refuses more than 500 terms.
These tests build real SQLite collections with 600 and 10,000 decks (nested, with new,
learning, review, suspended and buried cards, per-deck limits and reviews done today) and check
both ways of counting (the stdlib fast path and the collection service) against the old
per-deck statement, run in chunks small enough for SQLite.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from flashcards.core import overview
from flashcards.core.collection import Collection, open_collection
from flashcards.core.db import sqlite_url

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

# The statement the counts used before, one term per deck: the oracle (run <= 400 at a time).
_V = "suspended = :no AND (buried_until IS NULL OR buried_until <= :now)"
_OLD_TERM = (
    "SELECT :d{i}, "
    "(SELECT count(*) FROM (SELECT 1 FROM card WHERE deck_id = :d{i} AND "
    + _V
    + " AND state = 0 LIMIT :n{i}) AS new_{i}), "
    "(SELECT count(*) FROM card WHERE deck_id = :d{i} AND "
    + _V
    + " AND state IN (1, 3) AND due <= :now), "
    "(SELECT count(*) FROM (SELECT 1 FROM card WHERE deck_id = :d{i} AND "
    + _V
    + " AND state = 2 AND due < :day_end LIMIT :r{i}) AS review_{i})"
)


def _db_time(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def old_overview_counts(path: Path, now: datetime) -> list[overview.DeckCounts]:
    """The deck list as the old per-deck UNION ALL statement computed it."""
    conn = sqlite3.connect(path)
    try:

        def fetch(sql: str, params: Mapping[str, Any]) -> list[Any]:
            values = {k: _db_time(v) if isinstance(v, datetime) else v for k, v in params.items()}
            return conn.execute(sql, values).fetchall()

        day_start, day_end = overview.day_bounds(now, UTC, 4)
        rows = fetch(overview.DECKS_SQL, {})
        decks = {int(r[0]): str(r[1]) for r in rows}
        limits = {
            int(r[0]): (20 if r[2] is None else int(r[2]), 200 if r[3] is None else int(r[3]))
            for r in rows
        }
        tree = overview.ancestors(decks)
        interday_done = overview.interday_answers(fetch, day_start, UTC, 4)
        studied_rows = fetch(overview.STUDIED_SQL, {"day_start": day_start})
        studied = overview.studied_today(studied_rows, interday_done)
        # Learning: Anki's rules (learn-ahead, interday steps capped by the review limit).
        intraday, interday = overview.learning_counts(fetch, now, day_end, UTC, 4)
        new_left, rev_left = overview.remaining(limits, tree, studied)
        order = sorted(decks)
        own: dict[int, tuple[int, int, int]] = {}
        for start in range(0, len(order), 400):
            chunk = order[start : start + 400]
            sql = " UNION ALL ".join(_OLD_TERM.format(i=i) for i in range(len(chunk)))
            params: dict[str, Any] = {"no": False, "now": now, "day_end": day_end}
            for i, deck in enumerate(chunk):
                params |= {f"d{i}": deck, f"n{i}": new_left[deck], f"r{i}": rev_left[deck]}
            for deck, new, _learn, rev in fetch(sql, params):
                own[int(deck)] = (int(new), intraday.get(int(deck), 0), int(rev))
        totals = {int(d): int(n) for d, n in fetch(overview.TOTALS_SQL, {})}
        return overview.deck_list(decks, tree, own, totals, new_left, rev_left, interday)
    finally:
        conn.close()


def build(path: Path, decks: int, seed: int) -> None:
    """A collection with ``decks`` extra nested decks and cards in every state, reviews today."""
    col = open_collection(sqlite_url(path), tz=UTC)
    col.notes.add("Seed", "basic", "seed", "a", NOW)  # makes the schema's rows real
    col.close()
    rng = random.Random(seed)
    stamp = _db_time(NOW - timedelta(days=30))
    conn = sqlite3.connect(path)
    # Three levels: Many, Many::G<g>, Many::G<g>::D<i>; some intermediate names are missing
    # (a deck whose parent does not exist nests under the nearest ancestor that does).
    names = ["Many"] + [f"Many::G{g}" for g in range(0, decks // 50, 1) if g % 7 != 3]
    names += [f"Many::G{i // 50}::D{i}" for i in range(decks - len(names))]
    conn.executemany(
        "INSERT INTO deck (name, description, created, modified) VALUES (?, '', ?, ?)",
        [(n, stamp, stamp) for n in names],
    )
    ids = [r[0] for r in conn.execute("SELECT id FROM deck WHERE name LIKE 'Many%'")]
    # Small, varied limits on some decks (presets shared by many), so that limits (and
    # parents' caps) matter.
    limits = [(new, rev) for new in (0, 1, 3, 20) for rev in (0, 2, 5, 200)]
    conn.executemany(
        "INSERT INTO preset (id, name, desired_retention, new_per_day, reviews_per_day, "
        "learning_steps, relearning_steps, maximum_interval, modified) VALUES "
        "(?, ?, 0.9, ?, ?, '1m 10m', '10m', 36500, ?)",
        [(100 + i, f"P{i}", new, rev, stamp) for i, (new, rev) in enumerate(limits)],
    )
    conn.executemany(
        "UPDATE deck SET preset_id = ? WHERE id = ?",
        [(100 + rng.randrange(len(limits)), d) for d in ids[::3]],
    )
    notes = []
    cards = []
    for n in range(decks * 4):
        deck = rng.choice(ids)
        notes.append((f"many-{n}", deck, f"q{n}", stamp, stamp))
    conn.executemany(
        "INSERT INTO note (uid, deck_id, kind, front, back, tags, source_title, source_section, "
        "source_sentence, created, modified) VALUES (?, ?, 'basic', ?, 'a', '', '', '', '', ?, ?)",
        notes,
    )
    for note_id, deck in conn.execute("SELECT id, deck_id FROM note WHERE uid LIKE 'many-%'"):
        state = rng.choice((0, 0, 1, 2, 2, 3))
        due = NOW + timedelta(hours=rng.randint(-72, 72))
        suspended = rng.random() < 0.05
        buried = NOW + timedelta(hours=rng.choice((-5, 5))) if rng.random() < 0.05 else None
        cards.append(
            (
                note_id,
                deck,
                note_id,
                state,
                _db_time(due),
                suspended,
                None if buried is None else _db_time(buried),
                *(
                    (None, None, None, None, 0)
                    if state == 0
                    else (0, 5.0, 5.0, _db_time(due - timedelta(days=3)), 2)
                ),
            )
        )
    conn.executemany(
        "INSERT INTO card (note_id, deck_id, ord, position, state, due, suspended, buried_until, "
        "step, stability, difficulty, last_review, reps, lapses) "
        "VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
        cards,
    )
    # Reviews done today (and yesterday) use up part of some decks' limits.
    picked = conn.execute(
        "SELECT id, deck_id, due FROM card ORDER BY random() LIMIT ?", (decks // 10,)
    ).fetchall()
    logs = []
    for card_id, deck, due in picked:
        at = NOW - timedelta(minutes=rng.randint(1, 60 * 30))  # the day started at 04:00
        state = rng.choice((0, 0, 1, 2, 2))
        logs.append((card_id, deck, _db_time(at), state, due, int(at.timestamp() * 1000)))
    conn.executemany(
        "INSERT INTO reviewlog (card_id, deck_id, rating, reviewed_at, duration_ms, state_before, "
        "state_after, interval_days, prev_due, prev_reps, prev_lapses, buried_siblings, "
        "reviewed_ms, prev_interval_days) VALUES (?, ?, 3, ?, 1000, ?, 2, 1.0, ?, 0, 0, '', ?, 0)",
        logs,
    )
    conn.commit()
    conn.close()


def check(path: Path, decks: int) -> Collection:
    expected = old_overview_counts(path, NOW)
    assert len(expected) >= decks
    fast = overview.read_sqlite(path, NOW, UTC)
    assert fast is not None
    assert fast.counts == expected
    col = open_collection(sqlite_url(path), tz=UTC)
    assert col.sched.deck_counts(NOW) == expected
    assert col.sched.overview(NOW) == fast
    # the counts are not trivially zero: every kind of count shows up somewhere
    assert any(c.new for c in expected) and any(c.learn for c in expected)
    assert any(c.review for c in expected)
    return col


def test_600_decks_count_as_before(tmp_path: Path) -> None:
    path = tmp_path / "collection.db"
    build(path, 600, seed=600)
    col = check(path, 600)
    try:
        # and the queue and the counts keep working while reviewing
        card = col.sched.next_card(NOW)
        assert card is not None
        col.sched.answer(card.card_id, 3, NOW)
        assert col.sched.deck_counts(NOW) == old_overview_counts(path, NOW)
    finally:
        col.close()


def test_10000_decks_count_as_before(tmp_path: Path) -> None:
    path = tmp_path / "collection.db"
    build(path, 10_000, seed=10_000)
    check(path, 10_000).close()


def test_the_statement_does_not_grow_with_the_decks() -> None:
    assert overview.own_counts_sql(10_000) == overview.own_counts_sql(1)
    assert len(overview.own_counts_sql(10_000)) < 2000
    params = overview.own_counts_params([1, 2, 3], {1: 0, 2: 7, 3: 5}, {1: 9, 2: 0, 3: 1})
    assert params == {"no": False, "new_limit": 7, "review_limit": 9}


def test_decks_nested_thousands_deep_are_counted(tmp_path: Path) -> None:
    # An imported deck tree nested deeper than Python's recursion limit.
    path = tmp_path / "collection.db"
    col = open_collection(sqlite_url(path), tz=UTC)
    col.notes.add("Seed", "basic", "seed", "a", NOW)
    col.close()
    stamp = _db_time(NOW)
    names = ["::".join(f"L{k}" for k in range(depth + 1)) for depth in range(1500)]
    conn = sqlite3.connect(path)
    conn.executemany(
        "INSERT INTO deck (name, description, created, modified) VALUES (?, '', ?, ?)",
        [(n, stamp, stamp) for n in names],
    )
    deepest = conn.execute("SELECT id FROM deck WHERE name = ?", (names[-1],)).fetchone()[0]
    conn.execute(
        "INSERT INTO note (uid, deck_id, kind, front, back, tags, source_title, source_section, "
        "source_sentence, created, modified) VALUES ('deep', ?, 'basic', 'q', 'a', '', '', '', "
        "'', ?, ?)",
        (deepest, stamp, stamp),
    )
    conn.execute(
        "INSERT INTO card (note_id, deck_id, ord, position, state, due, reps, lapses, suspended) "
        "SELECT id, deck_id, 0, id, 0, ?, 0, 0, 0 FROM note WHERE uid = 'deep'",
        (stamp,),
    )
    conn.commit()
    conn.close()
    fast = overview.read_sqlite(path, NOW, UTC)
    assert fast is not None
    by_name = {c.name: c for c in fast.counts}
    assert by_name["L0"].new == 1 and by_name["L0"].total == 1
    assert by_name[names[-1]].depth == 1499
    col = open_collection(sqlite_url(path), tz=UTC)
    try:
        assert col.sched.deck_counts(NOW) == fast.counts
    finally:
        col.close()
