"""Card Info, the browser's answer column and tags (issue 14)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from flashcards.core.card_info import all_tags, browse_extras, card_info, card_type_name
from flashcards.core.collection import Collection
from flashcards.core.enums import CardState
from flashcards.core.errors import NotFoundError


def test_card_info_of_a_reviewed_card(col: Collection, now: datetime) -> None:
    note_id = int(col.notes.add("LLM", "basic+reversed", "LLM", "Large model", now).value)
    card_id = col.notes.get(note_id).card_ids[1]  # the reverse card
    new = card_info(col, card_id, now)
    assert (new.reviews, new.lapses, new.first_review, new.last_review) == (0, 0, None, None)
    assert new.state == CardState.NEW and new.average_ms is None and new.log == ()
    assert (new.card_type, new.note_type, new.deck) == (
        "Card 2",
        "Flashcards Basic (and reversed card)",
        "LLM",
    )
    assert new.question == "Large model"
    assert new.added == now and new.note_id == note_id

    times = [now + timedelta(minutes=m) for m in (0, 1, 11, 600 * 24)]
    for when, rating in zip(times, (1, 3, 3, 3), strict=True):
        col.sched.answer(card_id, rating, when, duration_ms=4000 + rating * 1000)
    later = times[-1] + timedelta(days=1)
    info = card_info(col, card_id, later)
    assert info.reviews == 4 and len(info.log) == 4
    assert [e.rating for e in info.log] == [3, 3, 3, 1]  # newest first
    assert info.log[-1].state_before == CardState.NEW
    assert info.first_review == times[0] and info.last_review == times[-1]
    assert info.total_ms == 5000 + 3 * 7000 and info.average_ms == info.total_ms // 4
    assert info.state == CardState.REVIEW
    assert info.interval_days is not None and info.interval_days > 1
    assert info.stability is not None and info.difficulty is not None
    assert info.retrievability is not None and 0 < info.retrievability <= 1
    assert info.due > later - timedelta(days=1)
    with pytest.raises(NotFoundError):
        card_info(col, 999_999, now)


def test_browse_extras_answers_marked_and_tags(col: Collection, now: datetime) -> None:
    note_id = int(
        col.notes.add("D", "basic+reversed", "LLM", "Large model", now, tags=["Marked", "ai"]).value
    )
    cloze = int(col.notes.add("D", "cloze", "{{c1::RAG}} is {{c2::retrieval}}", "x", now).value)
    forward, reverse = col.notes.get(note_id).card_ids
    c1, c2 = col.notes.get(cloze).card_ids
    extras = browse_extras(col, [forward, reverse, c1, c2])
    assert extras[forward].answer == "Large model" and extras[reverse].answer == "LLM"
    assert extras[forward].marked and extras[forward].tags == ("Marked", "ai")
    assert extras[c2].answer == "RAG is retrieval x" and not extras[c2].marked
    assert (extras[reverse].card_type, extras[c2].card_type) == ("Card 2", "Cloze 2")
    assert all_tags(col) == ["ai", "Marked"]
    assert card_type_name("basic", 0) == "Card 1"
