"""The server goes away mid-sync (``pg_ctl stop -m immediate``: a crash) and comes back.

Stopped between the steps of a sync (the client's ``checkpoint``), inside the pull's and the
push's server transactions, and after the push committed but before the client recorded it:
the sync fails in one sentence (or, stopped after its last server statement, succeeds), the
server is started again, and the next syncs converge with nothing lost and nothing doubled.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from flashcards.core.sync import client
from flashcards.core.sync.client import SyncError, conflicts, sync
from tests.sync.conftest import Cluster
from tests.sync.devices import T0, answer_due, device, state
from tests.sync.test_sync_merge import note_id, settle, two_synced_devices

POINTS = ["prepared", "in pull", "merged", "in push", "pushed"]


class Server:
    """Crashes the cluster and starts it again; the fixture starts it however the test ends."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.down = False

    def crash(self) -> None:
        self.cluster.server.stop("immediate")
        self.down = True

    def restart(self) -> None:
        if self.down:
            self.cluster.server.start()
            self.down = False


@pytest.fixture
def pg_server(pg_cluster: Cluster) -> Iterator[Server]:
    made = Server(pg_cluster)
    try:
        yield made
    finally:
        made.restart()


def _once(action: Callable[[], None]) -> Callable[[], None]:
    done: list[bool] = []

    def run() -> None:
        if not done:
            done.append(True)
            action()

    return run


@pytest.mark.parametrize("point", POINTS)
def test_the_server_stopped_mid_sync_loses_nothing(
    tmp_path: Path,
    server_url: str,
    pg_server: Server,
    monkeypatch: pytest.MonkeyPatch,
    point: str,
) -> None:
    a, b = two_synced_devices(tmp_path, server_url)
    now = T0 + timedelta(hours=2)
    answers = answer_due(a, now, [3, 1, 4]) + answer_due(b, now, [2, 3])
    sync(b, server_url, now + timedelta(minutes=1))  # b's answers wait on the server for a
    a.notes.update(note_id(a, "w4"), now, back="edited before the crash")
    a.notes.delete([note_id(a, "w5")])
    a.notes.add("Words", "basic", "added before the crash", "x", now)
    crash = _once(pg_server.crash)
    if point == "in pull":
        real_head = client._head

        def head_then_crash(conn: Any) -> int:
            found = real_head(conn)
            crash()
            return found

        monkeypatch.setattr(client, "_head", head_then_crash)
    elif point == "in push":
        real_upsert = client._upsert

        def upsert_then_crash(conn: Any, table: Any, rows: Any) -> None:
            real_upsert(conn, table, rows)
            crash()

        monkeypatch.setattr(client, "_upsert", upsert_then_crash)

    def checkpoint(reached: str) -> None:
        if reached == point:
            crash()

    try:
        sync(a, server_url, now + timedelta(minutes=2), checkpoint=checkpoint)
    except SyncError as error:
        assert point != "pushed"
        assert str(error) == (
            "The sync server cannot be reached; your collection is unchanged and syncs later."
        )
    else:
        assert point == "pushed"  # the server was not needed after the push
    monkeypatch.undo()
    assert pg_server.down
    pg_server.restart()
    c = device(tmp_path, "c")  # a third device joining after the crash gets it all too
    settle(a, b, server_url, timedelta(hours=3))
    sync(c, server_url, T0 + timedelta(hours=4))
    sa = state(a)
    assert sa == state(b) == state(c)
    assert sorted(sa["logs"]) == sorted(answers)  # each answer exactly once
    assert sa["notes"]["w4"][3] == "edited before the crash"
    assert "w5" not in sa["notes"]
    assert "added before the crash" in {n[2] for n in sa["notes"].values()}
    assert conflicts(a) == [] and conflicts(b) == []
