"""Undo takes back the last action, whatever it was, exactly (issue 14, item 3)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from flashcards.core.collection import Collection
from flashcards.core.tables import CARD, LOG, NOTE


def _state(col: Collection) -> tuple[object, ...]:
    with col.engine.connect() as conn:
        return tuple(
            tuple(conn.execute(select(t).order_by(t.c.id)).all()) for t in (NOTE, CARD, LOG)
        )


def test_each_action_is_undone_last_first_and_exactly(col: Collection, now: datetime) -> None:
    col.notes.add("U", "basic+reversed", "推論", "inference", now)
    note = col.notes.ids("U")[0]
    first, second = col.notes.get(note).card_ids
    start = _state(col)

    with col.undo.answer():
        col.sched.answer(first, 3, now)
    answered = _state(col)
    with col.undo.cards("Suspend", [second]):
        col.sched.set_suspended([second], True)
    with col.undo.cards("Flag", [first]):
        col.sched.set_flag([first], 3)
    later = now + timedelta(minutes=5)
    with col.undo.notes("Edit Note", [note]):
        col.notes.update(note, later, front="推論 (inference)", back="答えを出すこと")
    assert col.undo.name == "Edit Note"

    assert col.undo.undo().value is not None
    assert col.notes.get(note).front == "推論"
    assert col.undo.undo().value.name == "Flag"  # type: ignore[union-attr]
    assert col.cards.rows([first])[0]["flags"] == 0
    assert col.undo.undo().value.name == "Suspend"  # type: ignore[union-attr]
    assert _state(col) == answered
    undone = col.undo.undo().value
    assert undone is not None and undone.name == "Answer" and undone.card_id == first
    assert _state(col) == start
    assert col.undo.name is None and col.undo.undo().value is None


def test_a_deleted_note_comes_back_with_its_cards_and_history(
    col: Collection, now: datetime
) -> None:
    col.notes.add("U", "basic+reversed", "評価", "evaluation", now)
    note = col.notes.ids("U")[0]
    for card_id in col.notes.get(note).card_ids:
        col.sched.answer(card_id, 3, now)
    before = _state(col)
    assert col.stats.report(now + timedelta(hours=1)).reviews_today == 2  # (the sums are made)
    with col.undo.notes("Delete Note", [note]):
        col.notes.delete([note])
    with col.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(LOG)).scalar() == 0
    assert col.stats.report(now + timedelta(hours=1)).reviews_today == 0
    col.undo.undo()
    assert _state(col) == before
    assert col.stats.report(now + timedelta(hours=1)).reviews_today == 2  # sums follow the log


def test_undo_keeps_thirty_steps(col: Collection, now: datetime) -> None:
    col.notes.add("U", "basic", "q", "a", now)
    card = col.notes.get(col.notes.ids("U")[0]).card_ids[0]
    for flag in range(40):
        with col.undo.cards("Flag", [card]):
            col.sched.set_flag([card], flag % 7 + 1)
    undone = 0
    while col.undo.undo().value is not None:
        undone += 1
    assert undone == 30


def test_a_change_not_recorded_ends_what_can_be_undone(col: Collection, now: datetime) -> None:
    """An edit undone over a later import would take the import's changes back: it is gone."""
    col.notes.add("U", "basic", "q", "a", now)
    note = col.notes.ids("U")[0]
    with col.undo.notes("Edit Note", [note]):
        col.notes.update(note, now, back="answer")
    assert col.undo.name == "Edit Note"
    col.notes.add("U", "basic", "q2", "a2", now)  # not recorded (as an import)
    assert col.undo.name is None and col.undo.undo().value is None
    assert col.notes.get(note).back == "answer"
