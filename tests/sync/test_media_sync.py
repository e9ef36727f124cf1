"""Media sync against a real PostgreSQL: files both ways byte for byte, deletions to the trash,
name clashes kept, batches, a killed sync, and a server that sends what it should not."""

from __future__ import annotations

import hashlib
import io
import os
import wave
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from flashcards.core.collection import Collection
from flashcards.core.media_check import check_media, trash_unused
from flashcards.core.sync import media_sync
from flashcards.core.sync.client import sync
from tests.core.exchange.exchange_helpers import grey_png
from tests.sync.conftest import LEARNER_A, LEARNER_B, Cluster
from tests.sync.devices import T0, device, killed_mid_sync


def wav(seconds: float, pitch: int) -> bytes:
    """A real mono 8 kHz WAV file (a square wave)."""
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(1)
        w.setframerate(8000)
        w.writeframes(bytes(200 if (i // pitch) % 2 else 50 for i in range(int(8000 * seconds))))
    return out.getvalue()


def folder(col: Collection) -> Path:
    assert col.media.folder is not None
    return col.media.folder


def files(col: Collection) -> dict[str, bytes]:
    """The media folder's files and their bytes."""
    return {n: (folder(col) / n).read_bytes() for n in col.media.names()}


def trash(col: Collection) -> dict[str, bytes]:
    place = col.media.trash
    assert place is not None
    return {p.name: p.read_bytes() for p in place.iterdir()} if place.is_dir() else {}


def add(col: Collection, name: str, data: bytes, uid: str, minutes: int = 0) -> str:
    """A file and a note showing it (an image) or playing it (a sound)."""
    stored = col.media.add_bytes(name, data)
    ref = f"[sound:{stored}]" if stored.endswith(".wav") else f'<img src="{stored}">'
    col.notes.add(
        "Media", "basic", f"{uid} {ref}", "back", T0 + timedelta(minutes=minutes), uid=uid
    )
    return stored


def front(col: Collection, uid: str) -> str:
    return next(n.front for n in col.notes.get_many(col.notes.ids()) if n.uid == uid)


def test_images_and_audio_of_two_devices_reach_both_byte_for_byte(
    tmp_path: Path, server_url: str
) -> None:
    a, b = device(tmp_path, "a"), device(tmp_path, "b")
    add(a, "cat.png", grey_png(10), "a1")
    add(a, "meow.wav", wav(0.5, 20), "a2")
    add(b, "dog.png", grey_png(200), "b1")
    add(b, "woof.wav", wav(0.3, 7), "b2")
    first = sync(a, server_url, T0 + timedelta(minutes=5))
    assert first.sent["media file"] == 2
    assert "2 media files" in first.summary()
    second = sync(b, server_url, T0 + timedelta(minutes=6))
    assert second.received["media file"] == 2 and second.sent["media file"] == 2
    third = sync(a, server_url, T0 + timedelta(minutes=7))
    assert third.received["media file"] == 2 and third.sent["media file"] == 0
    assert files(a) == files(b)
    assert set(files(a)) == {"cat.png", "meow.wav", "dog.png", "woof.wav"}
    assert files(a)["woof.wav"] == wav(0.3, 7) and files(b)["cat.png"] == grey_png(10)
    assert check_media(a).missing == {} and check_media(b).missing == {}
    # Nothing changed: nothing moves, and unchanged files are not hashed again (stat cache).
    again = sync(b, server_url, T0 + timedelta(minutes=8))
    assert again.sent["media file"] == again.received["media file"] == 0


def test_large_files_go_in_batches_under_the_size_cap(tmp_path: Path, server_url: str) -> None:
    a, b = device(tmp_path, "a"), device(tmp_path, "b")
    big = {f"noise{i}.wav": os.urandom(5 * 1024 * 1024) for i in range(3)}
    big["long.wav"] = os.urandom(20 * 1024 * 1024 + 5)  # alone, in three pieces on the server
    for name, data in big.items():
        a.media.add_bytes(name, data)
    marks: list[str] = []
    sync(a, server_url, T0, checkpoint=marks.append)
    # 35 MiB with a cap of 8 MiB per request: one file per batch here (5 + 5 > 8).
    assert media_sync.BATCH_BYTES < 2 * 5 * 1024 * 1024
    assert marks.count("media up") == 4
    engine = create_engine(server_url)
    with engine.connect() as conn:
        parts = conn.execute(
            text("SELECT name, count(*) FROM sync_media_part GROUP BY name ORDER BY name")
        ).all()
    engine.dispose()
    assert parts == [("long.wav", 3), ("noise0.wav", 1), ("noise1.wav", 1), ("noise2.wav", 1)]
    marks.clear()
    sync(b, server_url, T0 + timedelta(minutes=1), checkpoint=marks.append)
    assert marks.count("media down") == 4
    assert files(b) == big


def test_a_file_trashed_by_check_media_goes_to_the_trash_on_the_other_device(
    tmp_path: Path, server_url: str
) -> None:
    a, b = device(tmp_path, "a"), device(tmp_path, "b")
    add(a, "kept.png", grey_png(1), "a1")
    a.media.add_bytes("unused.png", grey_png(2))
    a.media.add_bytes("spare.wav", wav(0.2, 5))
    sync(a, server_url, T0 + timedelta(minutes=1))
    sync(b, server_url, T0 + timedelta(minutes=2))
    assert set(files(b)) == {"kept.png", "unused.png", "spare.wav"}
    assert trash_unused(a, check_media(a).unused) == ["spare.wav", "unused.png"]
    report = sync(a, server_url, T0 + timedelta(minutes=3))
    assert report.sent["media deletion"] == 2
    report = sync(b, server_url, T0 + timedelta(minutes=4))
    assert report.received["media deletion"] == 2
    assert set(files(b)) == {"kept.png"}
    # Moved, never deleted: the same bytes in b's trash folder.
    assert trash(b) == {"unused.png": grey_png(2), "spare.wav": wav(0.2, 5)}
    # A third device never gets them, and nothing comes back on the next round.
    c = device(tmp_path, "c")
    sync(c, server_url, T0 + timedelta(minutes=5))
    assert set(files(c)) == {"kept.png"}
    for col in (a, b):
        sync(col, server_url, T0 + timedelta(minutes=6))
        assert set(files(col)) == {"kept.png"}


def test_same_name_different_bytes_on_two_devices_keeps_both(
    tmp_path: Path, server_url: str
) -> None:
    a, b = device(tmp_path, "a"), device(tmp_path, "b")
    sync(a, server_url, T0)
    sync(b, server_url, T0)
    add(a, "pic.png", grey_png(30), "a1", 1)
    add(b, "pic.png", grey_png(90), "b1", 2)
    sync(a, server_url, T0 + timedelta(minutes=3))
    report = sync(b, server_url, T0 + timedelta(minutes=4))
    sync(a, server_url, T0 + timedelta(minutes=5))
    hashed = f"pic-{hashlib.sha1(grey_png(90)).hexdigest()}.png"
    expected = {"pic.png": grey_png(30), hashed: grey_png(90)}
    assert files(a) == expected and files(b) == expected, report.summary()
    for col in (a, b):  # each note shows the picture it was made with, on both devices
        assert front(col, "a1") == 'a1 <img src="pic.png">'
        assert front(col, "b1") == f'b1 <img src="{hashed}">'
        assert check_media(col).missing == {} and check_media(col).unused == []
    assert trash(a) == trash(b) == {}


def test_a_file_changed_on_one_device_replaces_the_old_one_which_goes_to_the_trash(
    tmp_path: Path, server_url: str
) -> None:
    a, b = device(tmp_path, "a"), device(tmp_path, "b")
    add(a, "pic.png", grey_png(30), "a1")
    sync(a, server_url, T0 + timedelta(minutes=1))
    sync(b, server_url, T0 + timedelta(minutes=2))
    (folder(a) / "pic.png").write_bytes(grey_png(31))  # edited in an image editor
    sync(a, server_url, T0 + timedelta(minutes=3))
    sync(b, server_url, T0 + timedelta(minutes=4))
    assert files(b) == {"pic.png": grey_png(31)}
    assert trash(b) == {"pic.png": grey_png(30)}


def test_the_second_learner_cannot_read_the_first_learners_media_with_plain_sql(
    tmp_path: Path, pg_cluster: Cluster
) -> None:
    database = pg_cluster.new_server()
    a, b = device(tmp_path, "a"), device(tmp_path, "b")
    add(a, "secret.png", grey_png(7), "a1")
    add(b, "mine.png", grey_png(8), "b1")
    sync(a, pg_cluster.url(database, LEARNER_A), T0)
    sync(b, pg_cluster.url(database, LEARNER_B), T0)
    assert set(files(b)) == {"mine.png"}  # nothing of A's came to B
    with pg_cluster.connect(database, LEARNER_B) as conn:
        rows = conn.execute("SELECT owner, name FROM sync_media").fetchall()
        assert rows == [(LEARNER_B, "mine.png")]
        rows = conn.execute("SELECT owner, name, data FROM sync_media_part").fetchall()
        assert [(r[0], r[1], bytes(r[2])) for r in rows] == [(LEARNER_B, "mine.png", grey_png(8))]
        hide = "UPDATE sync_media SET deleted = true WHERE name = 'secret.png'"
        assert conn.execute(hide).rowcount == 0
        wipe = "DELETE FROM sync_media_part WHERE name = 'secret.png'"
        assert conn.execute(wipe).rowcount == 0
    with pg_cluster.admin(database) as conn:  # the control: A's file is there
        found = conn.execute("SELECT owner, deleted FROM sync_media WHERE name = 'secret.png'")
        assert found.fetchall() == [(LEARNER_A, False)]
        found = conn.execute("SELECT owner, data FROM sync_media_part WHERE name = 'secret.png'")
        assert [(r[0], bytes(r[1])) for r in found] == [(LEARNER_A, grey_png(7))]


@pytest.mark.parametrize("step", ["media down", "media up"])
def test_a_client_killed_mid_media_sync_converges(
    tmp_path: Path, server_url: str, step: str
) -> None:
    a, b = device(tmp_path, "a"), device(tmp_path, "b")
    theirs = {f"b{i}.wav": os.urandom(3 * 1024 * 1024) for i in range(4)}
    mine = {f"a{i}.wav": os.urandom(3 * 1024 * 1024) for i in range(4)}
    for name, data in theirs.items():
        b.media.add_bytes(name, data)
    for name, data in mine.items():
        a.media.add_bytes(name, data)
    sync(b, server_url, T0)
    a = killed_mid_sync(tmp_path, a, "a", server_url, T0 + timedelta(minutes=1), step)
    engine = create_engine(server_url)
    with engine.connect() as conn:
        on_server = conn.execute(text("SELECT count(*) FROM sync_media")).scalar_one()
    engine.dispose()
    if step == "media down":  # killed after the first batch down, before the rest
        assert 0 < len(files(a)) - len(mine) < len(theirs) and on_server == len(theirs)
    else:  # killed after the first batch up
        assert len(files(a)) == 8 and len(theirs) < on_server < 8
    sync(a, server_url, T0 + timedelta(minutes=2))
    sync(b, server_url, T0 + timedelta(minutes=3))
    assert files(a) == files(b) == theirs | mine  # no file lost, none doubled
    assert trash(a) == trash(b) == {}
    assert sync(a, server_url, T0 + timedelta(minutes=4)).summary() == (
        "Synced: sent nothing; received nothing."
    )


def test_a_hostile_server_cannot_write_outside_the_folder(
    tmp_path: Path, pg_cluster: Cluster
) -> None:
    database = pg_cluster.new_server()
    url = pg_cluster.url(database, LEARNER_A)
    a = device(tmp_path, "a")
    sync(a, url, T0)
    evil = grey_png(66)
    with pg_cluster.connect(database, LEARNER_A) as conn:
        for name, sha1 in (
            ("../escaped.png", hashlib.sha1(evil).hexdigest()),
            ("/tmp/escaped.png", hashlib.sha1(evil).hexdigest()),
            ("damaged.png", hashlib.sha1(b"other bytes").hexdigest()),
        ):
            conn.execute(
                "INSERT INTO sync_media (name, sha1, size, deleted, usn, device, mtime) "
                "VALUES (%s, %s, %s, false, nextval('sync_usn'), 'evil', now())",
                (name, sha1, len(evil)),
            )
            conn.execute(
                "INSERT INTO sync_media_part (name, part, data) VALUES (%s, 0, %s)", (name, evil)
            )
    report = sync(a, url, T0 + timedelta(minutes=1))
    assert files(a) == {}
    assert not (tmp_path / "escaped.png").exists() and not (tmp_path / "a" / "escaped.png").exists()
    assert len(report.warnings) == 3, report.warnings
    assert "was damaged" in report.summary()
    # The damaged file is asked for again (its usn not passed): once mended, it comes.
    mend = "UPDATE sync_media_part SET data = %s WHERE name = 'damaged.png'"
    with pg_cluster.connect(database, LEARNER_A) as conn:
        conn.execute(mend, (b"other bytes",))
    report = sync(a, url, T0 + timedelta(minutes=2))
    assert files(a) == {"damaged.png": b"other bytes"}
    assert len(report.warnings) == 2  # the two names no file can have, refused again


def test_a_media_folder_lost_altogether_is_downloaded_again_not_deleted_everywhere(
    tmp_path: Path, server_url: str
) -> None:
    a, b = device(tmp_path, "a"), device(tmp_path, "b")
    add(a, "cat.png", grey_png(10), "a1")
    sync(a, server_url, T0)
    sync(b, server_url, T0 + timedelta(minutes=1))
    for name in a.media.names():
        (folder(a) / name).unlink()
    folder(a).rmdir()
    sync(a, server_url, T0 + timedelta(minutes=2))
    sync(b, server_url, T0 + timedelta(minutes=3))
    assert files(a) == files(b) == {"cat.png": grey_png(10)}
