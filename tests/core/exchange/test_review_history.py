"""Review history crosses the border once: re-importing a package never doubles a review.

Regression tests for issue 12 (data loss 1): our export keeps review times to the millisecond
and gives reviews made in the same millisecond consecutive ids, while our log keeps
microseconds; the importer used to compare exact times and added every review again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from anki.collection import Collection as AnkiCollection
from anki.collection import ExportAnkiPackageOptions
from exchange_helpers import anki_import, fill
from sqlalchemy import func, select

from flashcards.core import exchange
from flashcards.core.collection import Collection, open_collection
from flashcards.core.db import sqlite_url
from flashcards.core.review_match import duplicate_reviews
from flashcards.core.tables import LOG

Anki = Callable[[], AnkiCollection]


def _reviews(col: Collection) -> list[tuple[int, int, int]]:
    with col.engine.connect() as conn:
        rows = conn.execute(select(LOG.c.card_id, LOG.c.reviewed_ms, LOG.c.rating)).all()
    return sorted((int(a), int(b), int(c)) for a, b, c in rows)


def _count(col: Collection) -> int:
    with col.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(LOG)).scalar_one())


def _study_same_instant(col: Collection, start: datetime, days: int) -> datetime:
    """Answer every card due, all at the same microsecond-precise instant each day.

    Many reviews in one millisecond is the hard case: the export must give them distinct
    (consecutive) revlog ids, so their times come back shifted.
    """
    for n in range(30):
        col.notes.add("LLM::Many", "basic", f"term {n}", f"meaning {n}", start)
    at = start
    for day in range(days):
        at = start + timedelta(days=day, microseconds=123_457)
        seen: set[int] = set()  # once a day (learning cards come back ahead of time)
        while (card := col.sched.next_card(at)) is not None and card.card_id not in seen:
            seen.add(card.card_id)
            col.sched.answer(card.card_id, 1 + (card.card_id + day) % 4, at)
    return at


def test_reimporting_our_own_export_adds_no_review(
    col: Collection, now: datetime, tmp_path: Path
) -> None:
    fill(col, now)
    at = _study_same_instant(col, now, days=12)
    before = _reviews(col)
    assert len(before) > 40
    package = tmp_path / "mine.apkg"
    exchange.export_apkg(col, package, at, with_progress=True)
    for round_ in range(2):
        report = exchange.import_file(col, package, at + timedelta(hours=1 + round_)).value
        assert (report.added, report.updated) == (0, 0)
        assert _reviews(col) == before
    stats = col.stats.summary(at)
    assert stats["reviews_today"] == sum(1 for r in before if r[1] >= stats_day_start(at))


def stats_day_start(at: datetime) -> int:
    """Milliseconds of the start of the learner day of ``at`` (tests count days in UTC, 4 a.m.)."""
    start = at.replace(hour=4, minute=0, second=0, microsecond=0)
    if start > at:
        start -= timedelta(days=1)
    return int(start.timestamp() * 1000)


def test_reviews_made_in_anki_come_back_once(
    col: Collection, now: datetime, tmp_path: Path, anki: Anki
) -> None:
    """Ours -> Anki (reviewed there) -> ours, twice: Anki's reviews arrive, nothing doubles."""
    fill(col, now)
    at = _study_same_instant(col, now, days=3)
    ours = _count(col)
    package = tmp_path / "mine.apkg"
    exchange.export_apkg(col, package, at, with_progress=True)
    acol = anki()
    anki_import(acol, package, scheduling=True)
    assert acol.db.scalar("select count() from revlog") == ours
    acol.decks.select(acol.decks.id("LLM"))
    answered = 0
    while answered < 3 and (card := acol.sched.getCard()) is not None:
        card.start_timer()
        acol.sched.answerCard(card, 3)
        answered += 1
    assert answered
    back = tmp_path / "from_anki.apkg"
    acol.export_anki_package(
        out_path=str(back),
        options=ExportAnkiPackageOptions(with_scheduling=True, legacy=True, with_media=False),
        limit=None,
    )
    later = datetime.now(UTC)
    exchange.import_file(col, back, later)
    assert _count(col) == ours + answered
    exchange.import_file(col, back, later)
    assert _count(col) == ours + answered


def test_matching_is_by_card_rating_and_time_not_exact_stamp() -> None:
    logged = [(1, 1_000, 3, False), (2, 1_000, 3, False), (3, 5_000, 1, False)]
    # Copies (one bumped by the export), a repeat inside the package, and one new review.
    incoming = [(10, 1_000, 3, True), (11, 1_001, 3, True), (12, 1_001, 3, True)]
    incoming += [(13, 5_000, 3, True), (14, 90_000, 1, True), (15, 90_500, 1, True)]
    assert duplicate_reviews(logged + incoming) == [10, 11]
    # An imported review copies another imported one only at (almost) the same millisecond.
    assert duplicate_reviews([(1, 1_000, 3, True), (2, 1_001, 3, True)]) == [2]
    assert duplicate_reviews([(1, 1_000, 3, True), (2, 1_500, 3, True)]) == []


def test_upgrade_removes_reviews_doubled_by_old_imports(tmp_path: Path, now: datetime) -> None:
    """A collection the old importer doubled is repaired on open; the stats are rebuilt."""
    db = tmp_path / "collection.db"
    col = open_collection(sqlite_url(db), tz=UTC)
    fill(col, now)
    at = _study_same_instant(col, now, days=6)
    before = _reviews(col)
    summary = col.stats.summary(at)  # fills the per-day sums with the true log
    col.close()
    conn = sqlite3.connect(db)
    # What the old importer wrote: a copy of every review, at the package's millisecond (some
    # a few ms later), with no memory state; and the schema version before the repair.
    rows = conn.execute(
        "SELECT id, card_id, deck_id, rating, reviewed_ms, duration_ms, state_before,"
        " state_after, interval_days FROM reviewlog ORDER BY id"
    ).fetchall()
    for n, (_id, card, deck, rating, ms, dur, sb, sa, ivl) in enumerate(rows):
        ms += n % 3
        stamp = datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        conn.execute(
            "INSERT INTO reviewlog (card_id, deck_id, rating, reviewed_at, duration_ms,"
            " state_before, state_after, interval_days, prev_due, prev_reps, prev_lapses,"
            " buried_siblings, reviewed_ms, prev_interval_days)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, '', ?, 0)",
            (card, deck, rating, stamp, dur, sb, sa, ivl, stamp, ms),
        )
    conn.execute("UPDATE setting SET value = '3' WHERE key = 'schema_version'")
    conn.execute("PRAGMA user_version = 3")
    conn.commit()
    conn.close()
    col = open_collection(sqlite_url(db), tz=UTC)
    try:
        assert _reviews(col) == before
        assert col.stats.summary(at) == summary
    finally:
        col.close()
