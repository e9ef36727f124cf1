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
from flashcards.core.sync import server
from flashcards.core.sync.client import sync
from flashcards.core.tables import CARD, DECK, LOG, NOTE
from tests.sync.conftest import ADMIN, Cluster
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


def _schedule(col: Collection, uid: str) -> tuple[object, ...]:
    card = card_of(col, uid)
    keys = ("state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses")
    return tuple(card[k] for k in keys)


def test_a_preview_answer_changes_nothing_on_the_other_device_but_arrives_in_its_log(
    tmp_path: Path, server_url: str
) -> None:
    a, b = two_devices(tmp_path, server_url)
    now = T0 + timedelta(hours=1)
    answer_due(a, now, [1, 3, 3])  # w0..w2 answered; one forgotten (Again)
    sync(a, server_url, now + timedelta(minutes=1))
    sync(b, server_url, now + timedelta(minutes=2))
    before = {u: _schedule(b, u) for u in ("w0", "w1", "w2")}
    assert before == {u: _schedule(a, u) for u in ("w0", "w1", "w2")}
    # On a: review forgotten cards (a preview session), Again then Good.
    at = now + timedelta(minutes=20)
    a.sched.custom_study("Words", Kind.FORGOT, at, days=1)
    card = a.sched.next_card(at, SESSION_NAME)
    assert card is not None and card.preview
    uid = next(u for u in ("w0", "w1", "w2") if int(card_of(a, u)["id"]) == card.card_id)
    a.sched.answer(card.card_id, 1, at)
    a.sched.answer(card.card_id, 3, at + timedelta(minutes=2))
    assert _schedule(a, uid) == before[uid]
    sync(a, server_url, at + timedelta(minutes=3))
    report = sync(b, server_url, at + timedelta(minutes=4))
    assert report.received["review"] == 2  # both preview answers travel
    with b.engine.connect() as conn:
        rows = conn.execute(
            select(LOG.c.rating, LOG.c.preview)
            .where(LOG.c.card_id == int(card_of(b, uid)["id"]))
            .order_by(LOG.c.reviewed_ms)
        ).all()
    assert [tuple(r) for r in rows][-2:] == [(1, True), (3, True)]
    # Nothing of any card's schedule changed on b (sync's replay passed over the previews).
    assert {u: _schedule(b, u) for u in ("w0", "w1", "w2")} == before
    # The session (a's own deck) ended, the two devices are equal, logs and all.
    a.decks.delete(a.decks.id(SESSION_NAME))
    sync(a, server_url, at + timedelta(minutes=5))
    sync(b, server_url, at + timedelta(minutes=6))
    assert state(a) == state(b)


def test_a_schema_5_server_gains_the_preview_column_and_keeps_its_reviews(
    tmp_path: Path, pg_cluster: Cluster
) -> None:
    name = pg_cluster.new_server()
    url = pg_cluster.url(name)
    a = device(tmp_path, "a")
    a.notes.add("Words", "basic", "front", "back", T0, uid="w0")
    answer_due(a, T0 + timedelta(hours=1), [3])
    sync(a, url, T0 + timedelta(hours=2))
    with pg_cluster.admin(name) as conn:  # the server as schema 5 left it
        conn.execute("ALTER TABLE sync_reviewlog DROP COLUMN preview")
        conn.execute("UPDATE sync_server SET value = '5' WHERE key = 'schema'")
    # The next sync (as the admin, who may change the schema) brings it up to schema 6.
    sync(a, pg_cluster.url(name, ADMIN), T0 + timedelta(hours=3))
    with pg_cluster.admin(name) as conn:
        assert conn.execute("SELECT value FROM sync_server WHERE key = 'schema'").fetchone() == (
            str(server.SERVER_SCHEMA),
        )
        rows = conn.execute("SELECT preview FROM sync_reviewlog").fetchall()
    assert rows == [(False,)]
    b = device(tmp_path, "b")
    sync(b, url, T0 + timedelta(hours=4))
    assert state(a) == state(b)
