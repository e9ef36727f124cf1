from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flashcards.core.collection import Collection
from flashcards.core.sync import dirty
from flashcards.core.sync.client import sync
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


def test_a_first_download_takes_the_derived_states_without_replaying(
    tmp_path: Path, server_url: str
) -> None:
    """The server keeps each card's state with the digest of the reviews it came from: a new
    device takes it as is, and gets what replaying every card would give."""
    a = device(tmp_path, "a")
    for i in range(6):
        a.notes.add("Words", "basic", f"front {i}", f"back {i}", T0)
    now = T0 + timedelta(hours=1)
    answer_due(a, now, [3, 1, 4, 2, 3])
    answer_due(a, now + timedelta(minutes=20), [3, 3, 1])
    answered = {card for card, *_rest in state(a)["logs"].values()}
    first = sync(a, server_url, now + timedelta(hours=1))
    # Answered here: derived again, seeded by the global card id.
    assert first.replayed == len(answered) > 1
    assert full_replay_differences(a) == {}
    b = device(tmp_path, "b")
    down = sync(b, server_url, now + timedelta(hours=2))
    assert down.received["review"] == 8 and down.replayed == 0
    assert state(b) == state(a)
    assert full_replay_differences(b) == {}
    # Answered again here: replayed from the state derived at the last sync, one step.
    again = now + timedelta(days=2)
    answer_due(a, again, [3, 3])
    resumed = sync(a, server_url, again + timedelta(minutes=5))
    assert resumed.replayed == resumed.resumed >= 1
    assert full_replay_differences(a) == {}
    assert sync(b, server_url, again + timedelta(minutes=6)).replayed == 0
    # Answered on both sides: the merged set is neither side's, so both replay it.
    later = now + timedelta(days=3)
    answer_due(a, later, [3])
    answer_due(b, later + timedelta(minutes=1), [1])
    for col, t in ((a, 10), (b, 11), (a, 12), (b, 13)):
        sync(col, server_url, later + timedelta(minutes=t))
    assert state(a) == state(b)
    assert full_replay_differences(a) == {} and full_replay_differences(b) == {}


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
