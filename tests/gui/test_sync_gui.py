"""Sync from the window (issue 15): its settings, Sync against a real PostgreSQL, one sentence.

The server is the throwaway PostgreSQL cluster of tests/sync (started once per session).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog
from sqlalchemy.engine import make_url

from flashcards.core.sync.client import sync
from flashcards.gui.app import Gui
from flashcards.gui.sync_controller import AUTO_SETTING, URL_SETTING, SyncController
from tests.sync.conftest import pg_cluster, server_url  # noqa: F401 (the server fixtures)
from tests.sync.devices import device


def _controller(gui: Gui, clock, settings: QSettings) -> SyncController:  # noqa: ANN001
    assert gui.col is not None and gui.ops is not None
    return SyncController(gui.col, gui.ops, clock, settings, gui.window)


def test_sync_sends_the_collection_and_says_what_moved(
    qtbot,
    gui: Gui,
    clock,
    settings: QSettings,
    server_url: str,  # noqa: F811
    tmp_path: Path,  # noqa: ANN001
) -> None:
    col = gui.col
    assert col is not None
    controller = _controller(gui, clock, settings)
    settings.setValue(URL_SETTING, server_url)
    notes = len(col.notes.ids())
    with qtbot.waitSignal(controller.message, timeout=60_000) as said:
        controller.sync()
    assert said.args[0].startswith("Synced: sent ") and f"{notes} notes" in said.args[0]
    assert not controller.running
    # Another device gets what the window sent.
    other = device(tmp_path, "other")
    report = sync(other, server_url, clock() + timedelta(minutes=1))
    assert report.received["note"] == notes
    assert sorted(v.front for v in other.notes.get_many(other.notes.ids())) == sorted(
        v.front for v in col.notes.get_many(col.notes.ids())
    )


def test_sync_settings_keep_a_usable_url_only(qtbot, gui: Gui, clock, settings: QSettings) -> None:  # noqa: ANN001
    controller = _controller(gui, clock, settings)
    dialog = controller.ask_settings()  # no URL yet: Sync would open these too
    dialog.url.setText("http://example.org/not-a-database")
    dialog.done(QDialog.DialogCode.Accepted)
    assert dialog.error.isVisibleTo(dialog) and "PostgreSQL URL" in dialog.error.text()
    assert not settings.value(URL_SETTING)
    dialog.url.setText("postgresql://learner@127.0.0.1/flashcards")
    dialog.automatic.setChecked(True)
    dialog.done(QDialog.DialogCode.Accepted)
    assert settings.value(URL_SETTING) == "postgresql://learner@127.0.0.1/flashcards"
    assert settings.value(AUTO_SETTING) == "true" and controller.automatic()


def test_y_syncs_and_without_a_server_asks_for_one(
    qtbot,
    gui: Gui,
    monkeypatch,  # noqa: ANN001
) -> None:
    monkeypatch.delenv("FLASHCARDS_SYNC_URL", raising=False)
    assert gui.controller is not None
    sync = gui.window.actions_.sync
    assert sync.shortcut().toString() == "Y" and sync.text() == "S&ync"
    sync.trigger()  # no server yet: the settings open instead
    dialog = gui.controller.sync.dialog
    assert dialog is not None and dialog.isVisible() and dialog.url.text() == ""
    dialog.reject()


def _unsent(col, uid: str) -> bool:  # noqa: ANN001
    with col.engine.connect() as conn:
        found = conn.exec_driver_sql("SELECT usn FROM reviewlog WHERE uid = ?", (uid,)).scalar()
    return found == -1


def _answer(gui: Gui, when) -> str:  # noqa: ANN001
    """Answer the next card on the GUI thread, as the review screen does; its review's uid."""
    col, ops = gui.col, gui.ops
    assert col is not None and ops is not None
    card = ops.run_now(lambda: col.sched.next_card(when))
    assert card is not None
    result = ops.run_now(lambda: col.sched.answer(card.card_id, 3, when))
    with col.engine.connect() as conn:
        uid = conn.exec_driver_sql(
            "SELECT uid FROM reviewlog WHERE id = ?", (result.review_id,)
        ).scalar_one()
    return str(uid)


class SyncLock:
    """Another session that holds the learner's sync lock (shared) between :meth:`hold` and
    :meth:`release`, as a slow sync elsewhere does: a step that needs it exclusively waits."""

    WAITING = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"

    def __init__(self, holder) -> None:  # noqa: ANN001
        from flashcards.core.sync import server
        from tests.sync.conftest import LEARNER_A

        self._holder = holder
        self._key = (server.LOCK_KEY, LEARNER_A)

    def hold(self) -> None:
        self._holder.execute("SELECT pg_advisory_lock_shared(%s, hashtext(%s))", self._key)

    def waited_for(self) -> bool:
        """Whether a sync step waits for the lock now."""
        return bool(self._holder.execute(self.WAITING).fetchone()[0])

    def release(self) -> None:
        self._holder.execute("SELECT pg_advisory_unlock_shared(%s, hashtext(%s))", self._key)


@pytest.fixture
def sync_lock(pg_cluster, server_url: str) -> Iterator[SyncLock]:  # noqa: ANN001, F811
    from tests.sync.conftest import ADMIN

    database = make_url(server_url).database
    assert database is not None
    with pg_cluster.connect(database, ADMIN) as holder:
        yield SyncLock(holder)


def test_answering_during_a_slow_sync_works_and_goes_with_the_next_one(
    qtbot,
    gui: Gui,
    clock,
    settings: QSettings,
    server_url: str,  # noqa: F811
    sync_lock: SyncLock,
) -> None:  # noqa: ANN001
    """The sync's network steps run off the collection's executor: while its push waits for the
    server (another session holds the learner's sync lock), a card is answered on the GUI
    thread at once; that answer came after the sync read what to send, so it stays unsent and
    the next sync sends it."""
    col = gui.col
    assert col is not None
    controller = _controller(gui, clock, settings)
    settings.setValue(URL_SETTING, server_url)
    with qtbot.waitSignal(controller.finished, timeout=60_000):
        controller.sync()
    before = _answer(gui, clock())  # to be sent by the slow sync
    sync_lock.hold()
    with qtbot.waitSignal(
        controller.progress, timeout=60_000, check_params_cb=lambda t: "sending" in t
    ):
        controller.sync()
    during = _answer(gui, clock())  # the push waits for the lock: the GUI does not
    qtbot.wait(300)
    assert controller.running
    with qtbot.waitSignal(controller.finished, timeout=60_000):
        sync_lock.release()
    assert not _unsent(col, before)
    assert _unsent(col, during)
    with qtbot.waitSignal(controller.message, timeout=60_000) as said:
        controller.sync()
    assert said.args[0].startswith("Synced: sent 1 review")
    assert not _unsent(col, during)


def test_answering_while_media_goes_up_does_not_wait_for_it(
    qtbot,
    gui: Gui,
    clock,
    settings: QSettings,
    server_url: str,  # noqa: F811
    sync_lock: SyncLock,
    tmp_path: Path,
) -> None:  # noqa: ANN001
    """The media files move on the sync's own thread: while the upload waits for the server
    (another session holds the learner's sync lock), the collection's executor is idle and a
    card is answered at once. The answer came before the sync read what to send: it goes with
    this sync, and the other device gets it and the file."""
    col = gui.col
    assert col is not None and col.media.folder is not None
    col.media.add_bytes("voice.wav", b"RIFF" + bytes(range(256)) * 64)
    controller = _controller(gui, clock, settings)
    said: list[str] = []
    controller.progress.connect(said.append)
    settings.setValue(URL_SETTING, server_url)
    sync_lock.hold()
    controller.sync()
    qtbot.waitUntil(sync_lock.waited_for, timeout=60_000)  # the upload waits for the lock
    assert said[-1] == "Syncing: media files…"
    assert gui.executor.wait(0)  # nothing of the sync holds the collection
    during = _answer(gui, clock())
    assert controller.running
    with qtbot.waitSignal(controller.finished, timeout=60_000):
        sync_lock.release()
    assert not _unsent(col, during)
    other = device(tmp_path, "other")
    report = sync(other, server_url, clock() + timedelta(minutes=1))
    assert other.media.folder is not None
    sent = (col.media.folder / "voice.wav").read_bytes()
    assert (other.media.folder / "voice.wav").read_bytes() == sent
    assert report.received["review"] == 1
