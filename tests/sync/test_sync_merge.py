"""Two devices, offline work on both, syncs in both orders: the same collection, nothing lost."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from flashcards.core.collection import Collection
from flashcards.core.sync.client import conflicts, sync
from tests.sync.devices import T0, answer_due, device, killed_mid_sync, state


def two_synced_devices(tmp_path: Path, url: str) -> tuple[Collection, Collection]:
    a, b = device(tmp_path, "a"), device(tmp_path, "b")
    for i in range(8):
        a.notes.add("Words", "basic", f"front {i}", f"back {i}", T0, uid=f"w{i}")
    a.notes.add("Words::Cloze", "cloze", "{{c1::Paris}} is in {{c2::France}}", "", T0, uid="cz")
    sync(a, url, T0 + timedelta(minutes=1))
    sync(b, url, T0 + timedelta(minutes=2))
    assert state(a) == state(b)
    return a, b


def note_id(col: Collection, uid: str) -> int:
    return next(n for n in col.notes.get_many(col.notes.ids()) if n.uid == uid).id


def settle(a: Collection, b: Collection, url: str, start: timedelta) -> None:
    for i, col in enumerate((a, b, a, b)):
        sync(col, url, T0 + start + timedelta(minutes=i))


@pytest.mark.parametrize("first", ["a", "b"])
def test_offline_answers_edits_and_deletions_converge(
    tmp_path: Path, server_url: str, first: str
) -> None:
    a, b = two_synced_devices(tmp_path, server_url)
    day1 = T0 + timedelta(hours=2)
    answers = answer_due(a, day1, [3, 1, 3, 4, 2])
    answers += answer_due(b, day1 + timedelta(minutes=3), [1, 3, 3])  # the same cards, too
    day2 = T0 + timedelta(days=1, hours=3)
    answers += answer_due(a, day2, [3, 3, 3, 3])
    answers += answer_due(b, day2 + timedelta(minutes=30), [2, 3])
    answered = {**state(a)["logs"], **state(b)["logs"]}  # review uid -> (card uid, ...)
    a.notes.update(note_id(a, "w5"), day2, back="edited on a")
    b.notes.update(note_id(b, "w6"), day2, front="edited on b", tags=["synced"])
    a.notes.delete([note_id(a, "w7")])
    b.notes.add("Other", "basic", "only on b", "b", day2)
    order = (a, b) if first == "a" else (b, a)
    settle(*order, server_url, timedelta(days=1, hours=5))
    sa, sb = state(a), state(b)
    assert sa == sb
    # Every answer given on either device is there exactly once, but those of the deleted note.
    assert len(answers) == len(set(answers)) == len(answered)
    assert set(sa["logs"]) == {u for u in answers if not answered[u][0].startswith("w7/")}
    assert "w7" not in sa["notes"] and sa["notes"]["w5"][3] == "edited on a"
    assert sa["notes"]["w6"][2] == "edited on b"
    assert "only on b" in {n[2] for n in sa["notes"].values()}
    # Cards both devices reviewed were replayed from both devices' answers, in time order.
    reviewed_twice = [c for c, v in sa["cards"].items() if v[7] >= 2]
    assert reviewed_twice


def test_a_note_edited_on_both_keeps_the_newer_edit_and_lists_the_other(
    tmp_path: Path, server_url: str
) -> None:
    a, b = two_synced_devices(tmp_path, server_url)
    a.notes.update(note_id(a, "w1"), T0 + timedelta(hours=1), back="older, from a")
    b.notes.update(note_id(b, "w1"), T0 + timedelta(hours=2), back="newer, from b")
    for col, order in ((b, "b"), (a, "a")):  # b's newer edit reaches the server first...
        sync(col, server_url, T0 + timedelta(hours=3, minutes=len(order)))
    settle(a, b, server_url, timedelta(hours=4))
    assert state(a) == state(b)
    assert state(a)["notes"]["w1"][3] == "newer, from b"
    lost = conflicts(a)  # ...a merges and keeps its own older version where it can be seen
    assert [c["fields"]["back"] for c in lost] == ["older, from a"] and lost[0]["uid"] == "w1"


def test_a_newer_edit_pushed_second_wins_too(tmp_path: Path, server_url: str) -> None:
    a, b = two_synced_devices(tmp_path, server_url)
    a.notes.update(note_id(a, "w2"), T0 + timedelta(hours=2), back="newer, from a")
    b.notes.update(note_id(b, "w2"), T0 + timedelta(hours=1), back="older, from b")
    sync(b, server_url, T0 + timedelta(hours=3))
    sync(a, server_url, T0 + timedelta(hours=3, minutes=1))
    settle(a, b, server_url, timedelta(hours=4))
    assert state(a) == state(b) and state(b)["notes"]["w2"][3] == "newer, from a"
    assert [c["fields"]["back"] for c in conflicts(a)] == ["older, from b"]


def test_a_deleted_deck_and_note_reach_the_other_device(tmp_path: Path, server_url: str) -> None:
    a, b = two_synced_devices(tmp_path, server_url)
    b.notes.delete([note_id(b, "w3")])
    b.decks.delete(b.decks.id("Words::Cloze"))
    settle(b, a, server_url, timedelta(hours=1))
    sa = state(a)
    assert sa == state(b)
    assert "w3" not in sa["notes"] and "cz" not in sa["notes"]
    assert "Words::Cloze" not in {d[0] for d in sa["decks"].values()}


@pytest.mark.parametrize("step", ["prepared", "merged", "pushed"])
def test_a_sync_killed_mid_way_loses_nothing(tmp_path: Path, server_url: str, step: str) -> None:
    a, b = two_synced_devices(tmp_path, server_url)
    now = T0 + timedelta(hours=2)
    answers = answer_due(a, now, [3, 1, 4]) + answer_due(b, now, [2, 3])
    a.notes.update(note_id(a, "w4"), now, back="edited before the kill")
    a = killed_mid_sync(tmp_path, a, "a", server_url, now + timedelta(minutes=1), step)
    settle(b, a, server_url, timedelta(hours=3))
    sa = state(a)
    assert sa == state(b)
    assert sorted(sa["logs"]) == sorted(answers)  # each answer exactly once
    assert sa["notes"]["w4"][3] == "edited before the kill"
    assert conflicts(a) == [] and conflicts(b) == []
