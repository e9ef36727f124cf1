"""Forget (reset to new) and the Custom Study Session across devices, on a real PostgreSQL.

Forget writes a review-log row of no button (Anki's Manual entry), so the replay of the merged
log on the other device ends with the card new instead of bringing back its memory state. A
card in a Custom Study Session (a filtered deck, this device's own) syncs as in its home deck.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from flashcards.core.collection import Collection
from flashcards.core.enums import CardState
from flashcards.core.scheduler.custom_study import SESSION_NAME, Kind
from flashcards.core.sync.client import sync
from flashcards.core.tables import CARD, DECK, LOG, NOTE
from tests.sync.devices import T0, answer_due, device, state


def card_of(col: Collection, uid: str) -> dict[str, object]:
    with col.engine.connect() as conn:
        row = conn.execute(
            select(CARD, DECK.c.name.label("deck"))
            .join(NOTE, NOTE.c.id == CARD.c.note_id)
            .join(DECK, DECK.c.id == CARD.c.deck_id)
            .where(NOTE.c.uid == uid)
        ).one()
    return dict(row._mapping)


def two_devices(tmp_path: Path, url: str) -> tuple[Collection, Collection]:
    a, b = device(tmp_path, "a"), device(tmp_path, "b")
    for i in range(3):
        a.notes.add("Words", "basic", f"front {i}", f"back {i}", T0, uid=f"w{i}")
    sync(a, url, T0 + timedelta(minutes=1))
    sync(b, url, T0 + timedelta(minutes=2))
    return a, b


def test_forget_on_one_device_makes_the_card_new_on_the_other(
    tmp_path: Path, server_url: str
) -> None:
    a, b = two_devices(tmp_path, server_url)
    day = T0 + timedelta(hours=1)
    for n in range(3):  # three days of answers: the cards become review cards
        answer_due(a, day + timedelta(days=4 * n), [3, 3, 3])
    sync(a, server_url, day + timedelta(days=9))
    sync(b, server_url, day + timedelta(days=9, minutes=1))
    assert card_of(b, "w0")["state"] == CardState.REVIEW
    forgot_at = day + timedelta(days=10)
    a.sched.forget([int(card_of(a, "w0")["id"])], forgot_at)
    with a.engine.connect() as conn:
        [reset] = conn.execute(select(LOG).where(LOG.c.rating == 0)).all()
    assert reset.state_before == CardState.REVIEW and reset.state_after == CardState.NEW
    sync(a, server_url, forgot_at + timedelta(minutes=1))
    report = sync(b, server_url, forgot_at + timedelta(minutes=2))
    assert report.received["review"] == 1  # the reset travels as a row of the log
    card = card_of(b, "w0")
    assert card["state"] == CardState.NEW and card["stability"] is None
    assert card["due"] == forgot_at and card["last_review"] is None
    assert card["reps"] == card_of(a, "w0")["reps"] > 0  # Forget keeps the counts
    assert card_of(b, "w1")["state"] == CardState.REVIEW  # the others untouched
    assert state(a) == state(b)
    # Learnt again on b after the reset: the replay starts from the reset on both devices.
    later = forgot_at + timedelta(hours=1)
    b.sched.answer(int(card_of(b, "w0")["id"]), 3, later)
    sync(b, server_url, later + timedelta(minutes=1))
    sync(a, server_url, later + timedelta(minutes=2))
    assert state(a) == state(b)
    assert card_of(a, "w0")["state"] == CardState.LEARNING


def test_statistics_leave_resets_out(tmp_path: Path, server_url: str) -> None:
    a, b = two_devices(tmp_path, server_url)
    now = T0 + timedelta(hours=1)
    answer_due(a, now, [3, 1, 4])
    sync(a, server_url, now + timedelta(minutes=1))
    sync(b, server_url, now + timedelta(minutes=2))
    later = now + timedelta(minutes=30)
    before = a.stats.summary(later)
    a.sched.forget([int(card_of(a, f"w{i}")["id"]) for i in range(3)], later)
    sync(a, server_url, later + timedelta(minutes=1))
    sync(b, server_url, later + timedelta(minutes=2))
    for col in (a, b):
        after = col.stats.summary(later + timedelta(minutes=3))
        assert after["reviews_today"] == before["reviews_today"] == 3
        assert after["minutes_today"] == before["minutes_today"]
        assert after["streak_days"] == before["streak_days"]
        assert after["answer_buttons_30d"] == before["answer_buttons_30d"]
        assert after["reviews_last_30_days"] == before["reviews_last_30_days"]
        assert after["retention"] == before["retention"]
    assert a.stats.summary(later) == b.stats.summary(later)


def test_a_card_in_the_custom_study_session_syncs_as_in_its_home_deck(
    tmp_path: Path, server_url: str
) -> None:
    a, b = two_devices(tmp_path, server_url)
    now = T0 + timedelta(hours=1)
    answer_due(a, now, [1, 1])  # two cards forgotten (Again) today
    sync(a, server_url, now + timedelta(minutes=1))
    sync(b, server_url, now + timedelta(minutes=2))
    a.sched.custom_study("Words", Kind.FORGOT, now + timedelta(minutes=3), days=1)
    moved = [u for u in ("w0", "w1", "w2") if card_of(a, u)["deck"] == SESSION_NAME]
    assert len(moved) == 2
    a.notes.update(int(card_of(a, moved[0])["note_id"]), now, back="edited in the session")
    a.sched.set_flag([int(card_of(a, moved[1])["id"])], 3)  # a card change to send
    sync(a, server_url, now + timedelta(minutes=4))
    sync(b, server_url, now + timedelta(minutes=5))
    # b has no session deck; the cards are in their home deck there, the flag and edit came.
    assert SESSION_NAME not in b.decks.names().values()
    assert {card_of(b, u)["deck"] for u in ("w0", "w1", "w2")} == {"Words"}
    assert card_of(b, moved[1])["flags"] == 3
    assert card_of(b, moved[1])["original_deck_id"] is None
    # Answered on b, synced back: a's cards stay in a's session, at home in their home deck.
    b.sched.set_flag([int(card_of(b, moved[0])["id"])], 5)
    sync(b, server_url, now + timedelta(minutes=6))
    sync(a, server_url, now + timedelta(minutes=7))
    home = a.decks.id("Words")
    for uid in moved:
        card = card_of(a, uid)
        assert card["deck"] == SESSION_NAME and card["original_deck_id"] == home
    assert card_of(a, moved[0])["flags"] == 5
    # Once the session is emptied on a, its cards are home, and both devices agree.
    a.decks.delete(a.decks.id(SESSION_NAME))
    sync(a, server_url, now + timedelta(minutes=8))
    sync(b, server_url, now + timedelta(minutes=9))
    assert {card_of(a, u)["deck"] for u in ("w0", "w1", "w2")} == {"Words"}
    assert state(a) == state(b)
