"""Core benchmark: a 100,000-card collection built through the core API.

Prints bulk add time, open time, deck-list counts time, and answer+fetch-next latency
(median, p99, max over 1,000 answers).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flashcards.core.collection import DeckSettings, open_collection
from flashcards.core.db import sqlite_url
from flashcards.core.deckfile import DeckFile, NoteSpec

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def build(path: Path, cards: int = 100_000) -> float:
    """Build a collection of ``cards`` cards in 10 decks (half new, half in review)."""
    col = open_collection(sqlite_url(path), tz=UTC)
    started = time.perf_counter()
    per_deck = cards // 10
    for d in range(10):
        notes = [
            NoteSpec(f"bench/{d}/{i}", "basic", f"front {d}-{i}", f"back {d}-{i}")
            for i in range(per_deck)
        ]
        col.import_deck_file(DeckFile(name=f"Bench::Deck {d}", notes=notes), NOW)
    elapsed = time.perf_counter() - started
    # Put half of the cards into review, due over the next 60 days, as a real collection is
    # (times written as the app stores them: naive UTC with microseconds).
    with col.engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE card SET state=2, stability=10.0, difficulty=5.0, reps=3, "
            "last_review=datetime(?, '-5 days') || '.000000', "
            "due=datetime(?, '+' || (id % 60) || ' days', '-' || (id % 7) || ' hours') "
            "|| '.000000' WHERE id % 2 = 0",
            (NOW.replace(tzinfo=None).isoformat(" "), NOW.replace(tzinfo=None).isoformat(" ")),
        )
    col.close()
    return elapsed


def run() -> list[tuple[str, str, str]]:
    """Measure and return (name, figure, target) rows."""
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "collection.db"
        add = build(path)
        rows.append(("bulk add 100,000 cards (core API)", f"{add:.2f} s", "-"))
        started = time.perf_counter()
        col = open_collection(sqlite_url(path), tz=UTC)
        col.decks()
        rows.append(("open collection", f"{(time.perf_counter() - started) * 1000:.1f} ms", "-"))
        # Raise the daily limits so that 1,000 answers never run the queue dry.
        for deck_id in col.decks():
            col.set_deck_settings(deck_id, DeckSettings(new_per_day=2000, reviews_per_day=9999))
        timings = []
        for _ in range(20):
            started = time.perf_counter()
            col.deck_counts(NOW)
            timings.append(time.perf_counter() - started)
        rows.append(
            (
                "deck-list counts (median of 20)",
                f"{statistics.median(timings) * 1000:.1f} ms",
                "<= 20 ms",
            )
        )
        latencies = []
        t = NOW
        card = col.next_card(t)
        # The first 20 answers are not timed: they compile the statements (once per process).
        for i in range(1020):
            assert card is not None
            started = time.perf_counter()
            col.answer(card.card_id, 3 if i % 5 else 1, t, shown_at=card.shown_at)
            card = col.next_card(t)
            if i >= 20:
                latencies.append(time.perf_counter() - started)
            t += timedelta(seconds=5)
        latencies.sort()
        rows.append(
            ("answer+next median", f"{statistics.median(latencies) * 1000:.2f} ms", "<= 1 ms")
        )
        rows.append(("answer+next p99", f"{latencies[989] * 1000:.2f} ms", "-"))
        rows.append(("answer+next max", f"{latencies[-1] * 1000:.2f} ms", "<= 5 ms"))
        col.close()
    return rows


if __name__ == "__main__":
    from run import print_rows

    print_rows(run())
