from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from flashcards.core.collection import Collection
from flashcards.core.presets import DeckSettings
from flashcards.core.scheduler import optimize
from flashcards.core.sync import derived, dirty
from flashcards.core.sync.client import sync
from flashcards.core.tables import CARD, NOTE
from tests.sync.devices import T0, answer_due, device, full_replay_differences, state


def test_two_devices_converge(tmp_path: Path, server_url: str) -> None:
    a = device(tmp_path, "a")
    b = device(tmp_path, "b")
    for i in range(5):
        a.notes.add("Words", "basic", f"front {i}", f"back {i}", T0)
    r1 = sync(a, server_url, T0 + timedelta(minutes=1))
    assert r1.summary() == ("Synced: sent 5 notes, 5 cards, 1 deck, 1 preset; received nothing.")
    r2 = sync(b, server_url, T0 + timedelta(minutes=2))
    assert r2.sent == {} and r2.received["note"] == 5
    assert state(a) == state(b)
    now = T0 + timedelta(hours=1)
    ra = answer_due(a, now, [3, 3, 1])
    rb = answer_due(b, now + timedelta(minutes=5), [4, 3])
    for col, t in ((a, 10), (b, 11), (a, 12), (b, 13)):
        sync(col, server_url, now + timedelta(minutes=t))
    sa, sb = state(a), state(b)
    assert sa == sb
    assert set(sa["logs"]) == set(ra) | set(rb)


def _card_ids(col: Collection, keys: set[str]) -> set[int]:
    """The local ids of the cards ``"note uid/ord"``."""
    with col.engine.connect() as conn:
        rows = conn.execute(select(NOTE.c.uid, CARD.c.ord, CARD.c.id).join(NOTE))
        return {int(i) for uid, ord_, i in rows if f"{uid}/{ord_}" in keys}


def _answered(col: Collection, reviews: list[str]) -> set[str]:
    """The cards (``"note uid/ord"``) these reviews answered."""
    logs = state(col)["logs"]
    return {logs[uid][0] for uid in reviews}


def _mixed(col: Collection, by_a: set[str]) -> set[int]:
    """The cards whose reviews were made on both devices (``by_a``: the ones a made)."""
    devices: dict[str, set[bool]] = {}
    for uid, (card, *_rest) in state(col)["logs"].items():
        devices.setdefault(card, set()).add(uid in by_a)
    return _card_ids(col, {card for card, made in devices.items() if len(made) == 2})


def test_own_cards_go_up_unreplayed_and_mixed_ones_are_replayed(
    tmp_path: Path, server_url: str
) -> None:
    """A card answered on one device only keeps that device's state (fuzz seeded by the local
    card id, the load balancer's due day), sent with its review digest, taken as is by the
    others; a card whose log mixes devices is replayed, from its first review."""
    a = device(tmp_path, "a")
    for i in range(6):
        a.notes.add("Words", "basic", f"front {i}", f"back {i}", T0, uid=f"w{i}")
    now = T0 + timedelta(hours=1)
    by_a = set(answer_due(a, now, [3, 1, 4, 2, 3]))
    by_a |= set(answer_due(a, now + timedelta(minutes=20), [3, 3, 1]))
    before = state(a)["cards"]
    first = sync(a, server_url, now + timedelta(hours=1))
    assert first.replayed == 0 and first.sent["review"] == 8
    assert state(a)["cards"] == before  # the first sync up keeps the states as answered here
    assert full_replay_differences(a) != {}  # which a replay would not give (the fuzz)
    b = device(tmp_path, "b")
    down = sync(b, server_url, now + timedelta(hours=2))
    assert down.received["review"] == 8 and down.replayed == 0
    assert state(b) == state(a)
    # (1) Answered here again after the sync, all its reviews this device's: sent unreplayed.
    again = now + timedelta(days=2)
    by_a |= set(answer_due(a, again, [3, 3]))
    before = state(a)["cards"]
    mine = sync(a, server_url, again + timedelta(minutes=5))
    assert mine.replayed == 0 and mine.sent["review"] == 2
    assert state(a)["cards"] == before
    assert sync(b, server_url, again + timedelta(minutes=6)).replayed == 0
    assert state(b) == state(a)
    # (2) Answered on b, whose reviews came from a: a merge, replayed from the first review
    # (the state kept was a's own, not a replay to go on from).
    later = now + timedelta(days=3)
    merged = _answered(b, answer_due(b, later, [3]))
    assert merged
    report = sync(b, server_url, later + timedelta(minutes=1))
    assert report.replayed == len(merged) and report.resumed == 0
    assert set(full_replay_differences(b)) & _card_ids(b, merged) == set()
    assert sync(a, server_url, later + timedelta(minutes=2)).replayed == 0  # takes b's state
    assert state(a) == state(b)
    # Answered on b again: replayed on from the state the last replay left, one step.
    next_day = later + timedelta(days=1)
    again_merged = _answered(b, answer_due(b, next_day, [3, 3, 3, 3, 3, 3]))
    resumed = sync(b, server_url, next_day + timedelta(minutes=1))
    assert resumed.resumed == len(again_merged & merged) >= 1
    sync(a, server_url, next_day + timedelta(minutes=2))
    assert state(a) == state(b)
    assert set(full_replay_differences(a)) & _card_ids(a, merged) == set()
    # Answered on both sides: the merged set is neither side's, so both replay it.
    last = next_day + timedelta(days=3)
    by_a |= set(answer_due(a, last, [3, 3]))
    answer_due(b, last + timedelta(minutes=1), [1, 1])
    for col, t in ((a, 10), (b, 11), (a, 12), (b, 13)):
        sync(col, server_url, last + timedelta(minutes=t))
    assert state(a) == state(b)
    for col in (a, b):
        assert _mixed(col, by_a) >= _card_ids(col, merged)
        assert set(full_replay_differences(col)) & _mixed(col, by_a) == set()


def test_an_incremental_sync_sends_what_the_triggers_noted(tmp_path: Path, server_url: str) -> None:
    """After the first sync, a push looks only at what ``syncdirty`` noted: an answer notes
    nothing (it changes derived state only), a flag notes its card, and both reach the other
    device; what was sent is forgotten."""
    a, b = device(tmp_path, "a"), device(tmp_path, "b")
    for i in range(4):
        a.notes.add("Words", "basic", f"front {i}", f"back {i}", T0, uid=f"w{i}")
    sync(a, server_url, T0 + timedelta(minutes=1))
    sync(b, server_url, T0 + timedelta(minutes=2))

    def noted(col: Collection) -> int:
        with col.engine.connect() as conn:
            sql = f"SELECT count(DISTINCT kind || ' ' || uid) FROM {dirty.TABLE}"
            return int(conn.exec_driver_sql(sql).scalar_one())

    assert noted(a) == noted(b) == 0
    now = T0 + timedelta(hours=1)
    answer_due(a, now, [3])
    assert noted(a) == 0
    with a.engine.connect() as conn:
        flagged = int(conn.exec_driver_sql("SELECT max(id) FROM card").scalar_one())
    a.sched.set_flag([flagged], 4)
    assert noted(a) == 1
    report = sync(a, server_url, now + timedelta(minutes=1))
    assert report.sent == {"review": 1, "card": 1} and noted(a) == 0
    sync(b, server_url, now + timedelta(minutes=2))
    assert state(b) == state(a)
    assert noted(b) == 0


def test_a_collection_synced_before_own_states_replays_its_merged_cards(
    tmp_path: Path, server_url: str
) -> None:
    """A collection synced by the version that replayed every card kept no marks of the cards
    holding other devices' reviews: its first sync marks every card it derived as mixed, so a
    card with reviews from elsewhere is not sent as this device's own state."""
    a, b = device(tmp_path, "a"), device(tmp_path, "b")
    for i in range(3):
        a.notes.add("Words", "basic", f"front {i}", f"back {i}", T0, uid=f"w{i}")
    now = T0 + timedelta(hours=1)
    answer_due(a, now, [3, 3, 3])
    sync(a, server_url, now + timedelta(minutes=1))
    sync(b, server_url, now + timedelta(minutes=2))
    with b.engine.begin() as conn:  # as the earlier version left it: no marks, no setting
        conn.exec_driver_sql("DELETE FROM syncshadow WHERE kind = ?", (derived.MIXED,))
        conn.exec_driver_sql("DELETE FROM setting WHERE key = 'sync_mixed_ready'")
    later = now + timedelta(days=1)
    merged = _answered(b, answer_due(b, later, [3]))
    report = sync(b, server_url, later + timedelta(minutes=1))
    assert report.replayed == len(merged) == 1
    assert set(full_replay_differences(b)) & _card_ids(b, merged) == set()
    sync(a, server_url, later + timedelta(minutes=2))
    assert state(a) == state(b)


def test_a_reschedule_without_a_review_goes_up_for_own_cards(
    tmp_path: Path, server_url: str
) -> None:
    """Recomputing memory states and rescheduling (as after optimizing) writes no review: the
    states of this device's own cards go up as they are, and the other device takes them."""
    a, b = device(tmp_path, "a"), device(tmp_path, "b")
    for i in range(4):
        a.notes.add("Words", "basic", f"front {i}", f"back {i}", T0, uid=f"w{i}")
    day = T0 + timedelta(hours=1)
    for n in range(3):  # three days of answers: review cards
        answer_due(a, day + timedelta(days=4 * n), [3, 3, 3, 3])
    sync(a, server_url, day + timedelta(days=9))
    sync(b, server_url, day + timedelta(days=9, minutes=1))
    assert state(a) == state(b)
    before = state(a)["cards"]
    deck = a.decks.id("Words")
    preset = a.presets.of_deck(deck)
    a.presets.update(preset, DeckSettings(desired_retention=0.8), day + timedelta(days=10))
    optimize.update_memory_states(a, [deck], reschedule=True, now=day + timedelta(days=10))
    assert state(a)["cards"] != before
    report = sync(a, server_url, day + timedelta(days=10, minutes=1))
    assert report.replayed == 0 and "review" not in report.sent
    sync(b, server_url, day + timedelta(days=10, minutes=2))
    assert state(b) == state(a)
    again = sync(a, server_url, day + timedelta(days=10, minutes=3))
    assert again.sent == {}  # noted once: sent once
