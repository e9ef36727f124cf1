from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flashcards.core.sync.client import sync
from tests.sync.devices import T0, answer_due, device, state


def test_two_devices_converge(tmp_path: Path, server_url: str) -> None:
    a = device(tmp_path, "a")
    b = device(tmp_path, "b")
    for i in range(5):
        a.notes.add("Words", "basic", f"front {i}", f"back {i}", T0)
    r1 = sync(a, server_url, T0 + timedelta(minutes=1))
    assert r1.summary() == (
        "Synced: sent 5 notes, 5 cards, 1 deck, 1 deck options; received nothing."
    )
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
