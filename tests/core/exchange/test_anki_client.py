"""Proof with the real Anki client: our packages open cleanly, update in place, keep progress."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from anki.collection import Collection as AnkiCollection
from exchange_helpers import anki_import, study
from sqlalchemy import func, select

from flashcards.core import exchange
from flashcards.core.collection import Collection
from flashcards.core.enums import CardState
from flashcards.core.exchange.common import text_to_html
from flashcards.core.exchange.export import guid_of
from flashcards.core.tables import CARD, LOG

Anki = Callable[[], AnkiCollection]


def _card_count(col: Collection) -> int:
    with col.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(CARD)).scalar_one())


def _nid(acol: AnkiCollection, uid: str) -> int:
    nid = acol.db.scalar("select id from notes where guid = ?", guid_of(uid))
    assert nid is not None
    return int(nid)


def _clean(log: object, *, again: bool = False) -> None:
    # On a second import Anki lists the unchanged notes as "duplicate" (found, nothing to do).
    names = ["conflicting", "first_field_match", "empty_first_field"]
    for name in names + ([] if again else ["duplicate"]):
        assert not list(getattr(log, name)), name
    assert not list(log.missing_notetype) and not list(log.missing_deck)  # type: ignore[attr-defined]


def test_export_opens_in_anki_without_warnings(
    col: Collection, sample: dict[str, int], now: datetime, anki: Anki, tmp_path: Path
) -> None:
    out = tmp_path / "deck.apkg"
    fractions: list[float] = []
    assert exchange.export_apkg(col, out, now, progress=fractions.append).notes == 4
    assert fractions[0] == 0.0 and fractions[-1] == 1.0 and fractions == sorted(fractions)
    acol = anki()
    log = anki_import(acol, out)
    _clean(log)
    assert len(log.new) == 4
    assert acol.note_count() == 4
    assert acol.card_count() == _card_count(col)
    names = {d.name for d in acol.decks.all_names_and_ids()}
    assert {"LLM", "LLM::Terms", "Other"} <= names
    for note_id in col.notes.ids():
        ours = col.notes.get(note_id)
        theirs = acol.get_note(_nid(acol, ours.uid))
        assert theirs.fields[0] == text_to_html(ours.front)
        assert theirs.fields[1] == text_to_html(ours.back)
        assert theirs.fields[2] == text_to_html(ours.source.sentence)
        assert sorted(theirs.tags) == sorted(ours.tags)
        assert acol.decks.name(theirs.cards()[0].did) == ours.deck_name
        assert len(theirs.cards()) == len(ours.card_ids)
    desc = acol.decks.by_name("LLM")["desc"]  # type: ignore[index]
    assert "CC BY-NC-SA 4.0" in desc and "<br>Line 2" in desc
    problems, ok = acol.fix_integrity()
    assert ok, problems


def test_second_export_after_edit_updates_in_place(
    col: Collection, sample: dict[str, int], now: datetime, anki: Anki, tmp_path: Path
) -> None:
    acol = anki()
    exchange.export_apkg(col, tmp_path / "1.apkg", now)
    assert len(anki_import(acol, tmp_path / "1.apkg").new) == 4
    notetypes = len(acol.models.all_names_and_ids())
    later = now + timedelta(hours=1)
    col.notes.update(sample["basic"], later, back="edited back")
    exchange.export_apkg(col, tmp_path / "2.apkg", later)
    log = anki_import(acol, tmp_path / "2.apkg")
    _clean(log, again=True)
    assert len(log.new) == 0
    assert len(log.updated) == 1
    assert len(log.duplicate) == 3
    assert acol.note_count() == 4 and acol.card_count() == _card_count(col)
    edited = acol.get_note(_nid(acol, col.notes.get(sample["basic"]).uid))
    assert edited["Back"] == "edited back"
    assert len(acol.models.all_names_and_ids()) == notetypes  # no forked note type
    assert acol.fix_integrity()[1]


def test_export_twice_unchanged_adds_nothing(
    col: Collection, sample: dict[str, int], now: datetime, anki: Anki, tmp_path: Path
) -> None:
    acol = anki()
    exchange.export_apkg(col, tmp_path / "1.apkg", now)
    exchange.export_apkg(col, tmp_path / "2.apkg", now + timedelta(days=1))
    anki_import(acol, tmp_path / "1.apkg")
    log = anki_import(acol, tmp_path / "2.apkg")
    assert len(log.new) == 0 and len(log.updated) == 0
    assert acol.note_count() == 4


def test_progress_goes_to_anki(
    col: Collection, sample: dict[str, int], now: datetime, anki: Anki, tmp_path: Path
) -> None:
    later = study(col, now)
    out = tmp_path / "progress.apkg"
    exchange.export_apkg(col, out, later, with_progress=True)
    acol = anki()
    log = anki_import(acol, out, scheduling=True)
    _clean(log)
    with col.engine.connect() as conn:
        cards = conn.execute(select(CARD)).all()
        logs = dict(conn.execute(select(LOG.c.card_id, func.count()).group_by(LOG.c.card_id)).all())
    assert acol.db.scalar("select count() from revlog") == sum(logs.values())
    for card in cards:
        uid = col.notes.get(card.note_id).uid
        nid = _nid(acol, uid)
        theirs = next(c for c in acol.get_note(nid).cards() if c.ord == card.ord)
        assert card.state == CardState.REVIEW
        expected = round((card.due - card.last_review).total_seconds() / 86400)
        assert theirs.ivl == max(1, expected)
        assert theirs.type == 2 and theirs.reps == card.reps
        assert theirs.memory_state is not None
        assert theirs.memory_state.stability == pytest.approx(card.stability, rel=1e-3)
        assert theirs.memory_state.difficulty == pytest.approx(card.difficulty, rel=1e-3)
        count = acol.db.scalar("select count() from revlog where cid = ?", theirs.id)
        assert count == logs[card.id]
        eases = acol.db.list("select ease from revlog where cid = ? order by id", theirs.id)
        assert eases == [3] * logs[card.id]
    assert acol.fix_integrity()[1]


def test_learning_and_suspended_cards_keep_their_queue(
    col: Collection, sample: dict[str, int], now: datetime, anki: Anki, tmp_path: Path
) -> None:
    card_id = col.notes.get(sample["basic"]).card_ids[0]
    col.sched.answer(card_id, 1, now)  # into learning, due in minutes
    other = col.notes.get(sample["tabs"]).card_ids[0]
    col.sched.set_suspended([other], True)
    out = tmp_path / "p.apkg"
    exchange.export_apkg(col, out, now, with_progress=True)
    acol = anki()
    anki_import(acol, out, scheduling=True)
    by_front = {acol.get_note(n).fields[0]: acol.get_note(n) for n in acol.find_notes("")}
    learning = by_front["LLM"].cards()[0]
    assert learning.type == 1 and learning.queue == 1
    assert by_front[text_to_html('quote " and\ttab')].cards()[0].queue == -1
    assert acol.fix_integrity()[1]


def test_without_progress_cards_are_new(
    col: Collection, sample: dict[str, int], now: datetime, anki: Anki, tmp_path: Path
) -> None:
    later = study(col, now, rounds=1)
    exchange.export_apkg(col, tmp_path / "x.apkg", later)
    acol = anki()
    anki_import(acol, tmp_path / "x.apkg", scheduling=True)
    assert acol.db.scalar("select count() from cards where type != 0") == 0
    assert acol.db.scalar("select count() from revlog") == 0


def test_one_deck_only(
    col: Collection, sample: dict[str, int], now: datetime, anki: Anki, tmp_path: Path
) -> None:
    assert exchange.export_apkg(col, tmp_path / "x.apkg", now, deck="LLM").notes == 3
    acol = anki()
    anki_import(acol, tmp_path / "x.apkg")
    assert acol.note_count() == 3
    assert "Other" not in {d.name for d in acol.decks.all_names_and_ids()}


def test_export_is_deterministic(
    col: Collection, sample: dict[str, int], now: datetime, tmp_path: Path
) -> None:
    exchange.export_apkg(col, tmp_path / "a.apkg", now, with_progress=True)
    exchange.export_apkg(col, tmp_path / "b.apkg", now, with_progress=True)
    assert (tmp_path / "a.apkg").read_bytes() == (tmp_path / "b.apkg").read_bytes()
