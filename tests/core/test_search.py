"""Browse search: the query language, rows, upcoming, and speed at 100,000 cards."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import insert, update

from flashcards.core.collection import Collection
from flashcards.core.errors import InputError
from flashcards.core.search import (
    SortKey,
    Term,
    browse_rows,
    parse_query,
    search_cards,
    upcoming,
)
from flashcards.core.tables import CARD, NOTE


@pytest.fixture
def filled(col: Collection, now: datetime) -> Collection:
    col.notes.add("LLM", "basic", "トークン", "テキストの単位", now, tags=["llm", "ja::basics"])
    col.notes.add("LLM::Deep", "basic", "Attention", "weights tokens", now, tags=["llm"])
    col.notes.add("Other", "basic+reversed", "100% sure", "a_b", now)
    col.notes.add("Other", "cloze", "{{c1::RAG}} retrieves", "", now, tags=["rag"])
    return col


def fronts(col: Collection, ids: list[int]) -> list[str]:
    return [r.question for r in browse_rows(col, ids, datetime.now().astimezone())]


def test_parse_query() -> None:
    assert parse_query('deck:"LLM::Deep" -tag:x is:NEW "two words" word') == [
        Term("deck", "LLM::Deep"),
        Term("tag", "x", negated=True),
        Term("is", "new"),
        Term("text", "two words"),
        Term("text", "word"),
    ]
    assert parse_query("foo:bar") == [Term("text", "foo:bar")]
    with pytest.raises(InputError):
        parse_query("is:nonsense")
    with pytest.raises(InputError):
        parse_query('"open')


def test_free_text_is_case_insensitive_and_literal(filled: Collection, now: datetime) -> None:
    assert fronts(filled, search_cards(filled, "attention", now)) == ["Attention"]
    assert fronts(filled, search_cards(filled, "単位", now)) == ["トークン"]
    # % and _ are literal characters, not LIKE wildcards.
    assert len(search_cards(filled, "100%", now)) == 2
    assert len(search_cards(filled, "a_b", now)) == 2
    assert search_cards(filled, "a%b", now) == []
    assert len(search_cards(filled, "", now)) == 5


def test_deck_tag_and_negation(filled: Collection, now: datetime) -> None:
    assert fronts(filled, search_cards(filled, "deck:llm", now)) == ["トークン", "Attention"]
    assert fronts(filled, search_cards(filled, "deck:LLM::Deep", now)) == ["Attention"]
    assert fronts(filled, search_cards(filled, "deck:LL*", now)) == ["トークン", "Attention"]
    assert search_cards(filled, "deck:nothing", now) == []
    assert fronts(filled, search_cards(filled, "tag:ja", now)) == ["トークン"]
    assert fronts(filled, search_cards(filled, "tag:llm -deck:LLM::Deep", now)) == ["トークン"]
    assert fronts(filled, search_cards(filled, "tag:r*", now)) == ["[...] retrieves"]


def test_states(filled: Collection, now: datetime) -> None:
    ids = search_cards(filled, "", now)
    assert len(search_cards(filled, "is:new", now)) == 5
    filled.sched.answer(ids[0], 3, now)  # learning
    filled.sched.set_suspended([ids[1]], True)
    assert search_cards(filled, "is:learn", now) == [ids[0]]
    assert search_cards(filled, "is:suspended", now) == [ids[1]]
    assert search_cards(filled, "is:due", now) == []
    later = now + timedelta(hours=1)
    assert search_cards(filled, "is:due", later) == [ids[0]]
    filled.sched.bury([ids[2]], now)
    assert search_cards(filled, "is:buried", now) == [ids[2]]
    assert len(search_cards(filled, "is:new -is:suspended -is:buried", now)) == 2


def test_sorting_and_rows(filled: Collection, now: datetime) -> None:
    ids = search_cards(filled, "", now)
    filled.sched.answer(ids[1], 4, now)
    by_stability = search_cards(filled, "", now, sort=SortKey.STABILITY, descending=True)
    assert by_stability[0] == ids[1]
    by_deck = fronts(filled, search_cards(filled, "", now, sort=SortKey.DECK))
    assert by_deck[:2] == ["トークン", "Attention"]
    row = browse_rows(filled, [ids[1], 999_999], now + timedelta(days=1))[0]
    assert row.deck == "LLM::Deep" and row.state == 2
    assert row.interval_days is not None and row.interval_days >= 1
    assert row.stability is not None and row.difficulty is not None
    assert row.retrievability is not None and 0 < row.retrievability <= 1
    cloze = browse_rows(filled, [ids[-1]], now)[0]
    assert cloze.question == "[...] retrieves" and cloze.retrievability is None


def test_upcoming(filled: Collection, now: datetime) -> None:
    info = upcoming(filled, now, "LLM")
    assert info.next_due is None and info.new_available == 2
    card = search_cards(filled, "deck:LLM", now)[0]
    result = filled.sched.answer(card, 3, now).value
    assert upcoming(filled, now, "LLM").next_due == result.due
    assert upcoming(filled, now, "Other").next_due is None


def test_search_at_100k_cards(col: Collection, now: datetime) -> None:
    """The browser's searches give the right cards at 100k (their speed: benchmarks/bench_core)."""
    deck_id = col.decks.add("Big", now).value
    n = 100_000
    notes = [
        {"uid": f"big{i}", "deck_id": deck_id, "kind": "basic", "front": f"term {i}",
         "back": f"meaning {i}", "tags": "big" if i % 10 else "big tenth",
         "created": now, "modified": now}
        for i in range(n)
    ]  # fmt: skip
    with col.engine.begin() as conn:
        conn.execute(insert(NOTE), notes)
        conn.execute(
            insert(CARD),
            [{"note_id": i + 1, "deck_id": deck_id, "ord": 0, "position": i, "state": 0,
              "due": now, "reps": 0, "lapses": 0, "suspended": False} for i in range(n)],
        )  # fmt: skip
        conn.execute(update(CARD).where(CARD.c.id % 7 == 0).values(suspended=True))
    assert len(search_cards(col, "", now)) == n
    assert len(search_cards(col, "deck:Big", now)) == n
    assert len(search_cards(col, "tag:tenth", now)) == n // 10
    assert len(search_cards(col, "9999", now)) == sum("9999" in str(i) for i in range(n))
    assert len(search_cards(col, "is:suspended", now)) == n // 7
    ids = search_cards(col, "tag:tenth", now)
    rows = browse_rows(col, ids[:128], now)
    assert len(rows) == 128
