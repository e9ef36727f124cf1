"""Core benchmark: a 100,000-card collection built through the core API.

Prints bulk add time, open time, deck-list counts time (through the collection service and
through the stdlib fast path the app paints first with), answer+fetch-next latency (median,
p99, max over 1,000 answers), the browser's searches and a page of its rows, and the deck-list
counts of the same cards spread over 10,000 nested decks.
"""

from __future__ import annotations

import shutil
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flashcards.core import overview
from flashcards.core.collection import Collection, open_collection
from flashcards.core.db import sqlite_url
from flashcards.core.deckfile import DeckFile, NoteSpec
from flashcards.core.decks import DeckSettings
from flashcards.core.exchange.deckfile_import import import_deck_file
from flashcards.core.search import browse_rows, search_cards

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
        import_deck_file(col, DeckFile(name=f"Bench::Deck {d}", notes=notes), NOW)
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


def spread_over_decks(path: Path, decks: int = 10_000) -> None:
    """Move the cards of a built collection into ``decks`` new decks nested three deep."""
    stamp = NOW.replace(tzinfo=None).isoformat(" ", "microseconds")
    names = ["Many"] + [f"Many::Group {g}" for g in range(decks // 100)]
    names += [f"Many::Group {i // 100}::Deck {i}" for i in range(decks - len(names))]
    conn = sqlite3.connect(path)
    first = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM deck").fetchone()[0]
    conn.executemany(
        "INSERT INTO deck (id, name, description, created, modified) VALUES (?, ?, '', ?, ?)",
        [(first + k, name, stamp, stamp) for k, name in enumerate(names)],
    )
    conn.execute("UPDATE note SET deck_id = ? + id % ?", (first, decks))
    conn.execute("UPDATE card SET deck_id = (SELECT deck_id FROM note WHERE note.id = note_id)")
    conn.commit()
    conn.close()


def _median_ms(action: Callable[[], object], times: int) -> float:
    timings = []
    for _ in range(times):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000


def run() -> list[tuple[str, str, str]]:
    """Measure and return (name, figure, target) rows."""
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "collection.db"
        add = build(path)
        rows.append(("bulk add 100,000 cards (core API)", f"{add:.2f} s", "-"))
        many = Path(tmp) / "many-decks.db"
        shutil.copy(path, many)  # the same cards, before the limits below are raised
        fast = _median_ms(lambda: overview.read_sqlite(path, NOW, UTC), 20)
        rows.append(
            ("deck list + today's line, stdlib fast path (median of 20)", f"{fast:.1f} ms", "-")
        )
        started = time.perf_counter()
        col = open_collection(sqlite_url(path), tz=UTC)
        col.decks.names()
        rows.append(("open collection", f"{(time.perf_counter() - started) * 1000:.1f} ms", "-"))
        # Raise the daily limits so that 1,000 answers never run the queue dry.
        for deck_id in col.decks.names():
            col.decks.set_settings(deck_id, DeckSettings(new_per_day=2000, reviews_per_day=9999))
        counts = _median_ms(lambda: col.sched.deck_counts(NOW), 20)
        rows.append(("deck-list counts (median of 20)", f"{counts:.1f} ms", "<= 20 ms"))
        rows += _search_costs(col)
        # Fuzz and Anki's load balancer on (the defaults): the balancer's counts of cards due
        # on the days ahead are read once, then kept through the answers.
        latencies, _ = _answer_latencies(col, NOW)
        median = f"{statistics.median(latencies) * 1000:.2f} ms"
        rows.append(("answer+next median", median, "<= 1 ms"))
        rows.append(("answer+next p99", f"{latencies[989] * 1000:.2f} ms", "-"))
        rows.append(("answer+next max", f"{latencies[-1] * 1000:.2f} ms", "<= 5 ms"))
        rows += _load_balancer_costs(col)
        col.close()
        rows += many_decks(many)
    return rows


def _answer_latencies(col: Collection, t: datetime) -> tuple[list[float], datetime]:
    """Seconds per answer + next card over 1,000 answers (sorted), and the clock after."""
    latencies = []
    card = col.sched.next_card(t)
    # The first 20 answers are not timed: they compile the statements (once per process).
    for i in range(1020):
        assert card is not None
        started = time.perf_counter()
        col.sched.answer(card.card_id, 3 if i % 5 else 1, t, shown_at=card.shown_at)
        card = col.sched.next_card(t)
        if i >= 20:
            latencies.append(time.perf_counter() - started)
        t += timedelta(seconds=5)
    latencies.sort()
    return latencies, t


def _search_costs(col: Collection) -> list[tuple[str, str, str]]:
    """The browser's searches over the 100k cards, and a page of its rows (median of 5)."""
    rows = []
    for query in ("", "deck:Bench", "front", "7777", "is:new", "is:due"):
        ms = _median_ms(lambda q=query: search_cards(col, q, NOW), 5)
        rows.append((f"browser search {query or '(all)'!r} (median of 5)", f"{ms:.1f} ms", "-"))
    ids = search_cards(col, "is:new", NOW)[:128]
    ms = _median_ms(lambda: browse_rows(col, ids, NOW), 5)
    rows.append(("browser rows, a page of 128 (median of 5)", f"{ms:.1f} ms", "-"))
    return rows


def _load_balancer_costs(col: Collection) -> list[tuple[str, str, str]]:
    """What the load balancer adds to a card shown: the first read, then each use."""
    deck_id = next(iter(col.decks.names()))
    later = NOW + timedelta(days=1)  # another day: the counts are read again
    with col.engine.connect() as conn:
        started = time.perf_counter()
        col.sched._due_days(conn, deck_id, 1, later)
        first = (time.perf_counter() - started) * 1000
        kept = _median_ms(lambda: col.sched._due_days(conn, deck_id, 1, later), 1000)
    return [
        ("load balancer: counts of the next 99 days, first read", f"{first:.1f} ms", "-"),
        ("load balancer: counts kept, per card shown (median)", f"{kept * 1000:.1f} us", "-"),
    ]


def many_decks(path: Path) -> list[tuple[str, str, str]]:
    """Deck-list counts with the 100,000 cards spread over 10,000 decks (issue 16)."""
    spread_over_decks(path)
    fast = _median_ms(lambda: overview.read_sqlite(path, NOW, UTC), 5)
    col = open_collection(sqlite_url(path), tz=UTC)
    try:
        started = time.perf_counter()
        col.sched.deck_counts(NOW)  # the first call also reads every deck's options
        first = (time.perf_counter() - started) * 1000
        counts = _median_ms(lambda: col.sched.deck_counts(NOW), 5)
    finally:
        col.close()
    return [
        ("10,000 decks: deck list, stdlib fast path (median of 5)", f"{fast:.0f} ms", "-"),
        ("10,000 decks: deck-list counts, first call", f"{first:.0f} ms", "-"),
        ("10,000 decks: deck-list counts (median of 5)", f"{counts:.0f} ms", "-"),
    ]


if __name__ == "__main__":
    from run import print_rows

    print_rows(run())
