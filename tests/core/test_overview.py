"""The deck list read with sqlite3 alone (the app's first paint) equals the service's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from flashcards.core import overview
from flashcards.core.collection import Collection
from flashcards.core.decks import DeckSettings


def _fill(col: Collection, now: datetime) -> None:
    for i in range(6):
        col.notes.add("A::B", "basic+reversed", f"q{i}", "a", now)
        col.notes.add("A", "basic", f"r{i}", "a", now)
        col.notes.add("Z", "cloze", f"{{{{c1::x{i}}}}} and {{{{c2::y}}}}", "", now)
    col.decks.set_settings(col.decks.id("A"), DeckSettings(new_per_day=7))
    for _ in range(5):
        card = col.sched.next_card(now)
        assert card is not None
        col.sched.answer(card.card_id, 3, now, duration_ms=4000)
    card = col.sched.next_card(now, "Z")
    assert card is not None
    col.sched.answer(card.card_id, 4, now)
    col.sched.bury([col.notes.ids("Z")[-1]], now)


def test_sqlite_snapshot_equals_the_collection_service(
    col: Collection, db_path: Path, now: datetime
) -> None:
    # reviews on the three days before and today: a 4-day streak
    col.notes.add("S", "basic", "s", "a", now - timedelta(days=3))
    for back in (3, 2, 1):
        t = now - timedelta(days=back)
        card = col.sched.next_card(t, "S")
        if card is not None:
            col.sched.answer(card.card_id, 1, t)
    _fill(col, now)
    later = now + timedelta(minutes=30)
    snapshot = overview.read_sqlite(db_path, later, UTC)
    assert snapshot is not None
    assert snapshot == col.sched.overview(later)
    assert snapshot.streak_days == 4 and snapshot.reviews_today == 6
    assert snapshot.minutes_today == 20000 / 60000
    by_name = {c.name: c for c in snapshot.counts}
    assert by_name["A"].new <= 7 and by_name["A"].total == 18


def test_snapshot_of_missing_or_foreign_files_is_none(tmp_path: Path, now: datetime) -> None:
    assert overview.read_sqlite(tmp_path / "none.db", now) is None
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 50)
    assert overview.read_sqlite(junk, now) is None


def test_streak_looks_back_further_when_needed(col: Collection, now: datetime) -> None:
    col.notes.add("S", "basic", "s", "a", now - timedelta(days=100))
    card = col.sched.next_card(now - timedelta(days=100))
    assert card is not None
    for back in range(100, -1, -1):
        t = now - timedelta(days=back)
        col.sched.answer(card.card_id, 1, t)
    assert col.sched.today(now)[2] == 101
    assert overview.day_bounds(datetime(2026, 1, 1, 3, tzinfo=UTC), UTC, 4)[0] == datetime(
        2025, 12, 31, 4, tzinfo=UTC
    )
