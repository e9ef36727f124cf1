"""Anki note types sync as objects of their own (server schema 8).

Before, the ``ankinotetype`` table did not travel: a note of a custom Anki note type reached the
other device with its ``anki_notetype_id`` pointing at nothing there, so it showed no faces of
its own and went back to Anki as one of our fixed types (a conflict in Anki, which then skips
it). Each test builds a real Anki collection with the real ``anki`` library, imports its
package on device A, syncs A up and B down through the real PostgreSQL, and checks B against
A and against Anki.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("anki.collection")

from anki.collection import Collection as AnkiCollection  # noqa: E402
from anki.collection import ExportAnkiPackageOptions  # noqa: E402
from anki.decks import DeckId  # noqa: E402
from sqlalchemy import delete, select  # noqa: E402

from flashcards.core import exchange  # noqa: E402
from flashcards.core.collection import Collection  # noqa: E402
from flashcards.core.sync import client, dirty, server  # noqa: E402
from flashcards.core.sync.client import sync  # noqa: E402
from flashcards.core.sync.graves import SHADOW  # noqa: E402
from flashcards.core.tables import CARD, NOTE, NOTETYPE  # noqa: E402
from tests.core.exchange.exchange_helpers import add_anki_note_type, anki_import  # noqa: E402
from tests.sync.conftest import ADMIN, Cluster  # noqa: E402
from tests.sync.devices import device, killed_mid_sync, state  # noqa: E402

CSS = ".card { color: navy; } .example { font-style: italic; }"
FIELDS = ("Word", "Meaning", "Reading", "Example")
TEMPLATES = (
    ("Recognise", "{{Word}}", "{{FrontSide}}<hr id=answer>{{Meaning}}<br>{{Reading}}"),
    (
        "Recall",
        "{{Meaning}}",
        "{{FrontSide}}<hr id=answer>{{Word}}<div class=example>{{Example}}</div>",
    ),
)
NOTES = (("<b>猫</b>", "cat", "ねこ", "猫が好き"), ("犬", "dog", "いぬ", "犬が走る"))


def _vocab(acol: AnkiCollection) -> int:
    """A 4-field, 2-template note type with its CSS and two notes; returns its id."""
    found = add_anki_note_type(acol, "Vocab 4", FIELDS, TEMPLATES, CSS)
    for values in NOTES:
        note = acol.new_note(found)  # type: ignore[arg-type]
        for index, value in enumerate(values):
            note.fields[index] = value
        acol.add_note(note, DeckId(acol.decks.id("Vocab") or 1))
    return int(found["id"])


def _export(acol: AnkiCollection, path: Path) -> Path:
    acol.export_anki_package(
        out_path=str(path),
        options=ExportAnkiPackageOptions(with_scheduling=True, legacy=True, with_media=False),
        limit=None,
    )
    return path


def _model(acol: AnkiCollection, mid: int) -> dict[str, Any]:
    """What makes a note type the same in Anki: id, kind, fields, templates, CSS."""
    found = acol.models.get(mid)  # type: ignore[arg-type]
    assert found is not None, f"no note type {mid} in Anki"
    return {
        "id": int(found["id"]),
        "type": found["type"],
        "name": found["name"],
        "fields": [f["name"] for f in found["flds"]],
        "templates": [(t["name"], t["qfmt"], t["afmt"]) for t in found["tmpls"]],
        "css": found["css"],
    }


def _faces(col: Collection, now: datetime) -> dict[str, tuple[str, str, str, str, str]]:
    """Every card's faces (text, HTML, the note type's CSS) by its global id."""
    with col.engine.connect() as conn:
        rows = conn.execute(
            select(CARD.c.id, NOTE.c.uid, CARD.c.ord).join(NOTE, NOTE.c.id == CARD.c.note_id)
        ).all()
    out = {}
    for card_id, uid, ord_ in rows:
        faces = col.sched.card_for_review(int(card_id), now).faces
        out[f"{uid}/{ord_}"] = (
            faces.question,
            faces.answer,
            faces.question_html,
            faces.answer_html,
            faces.anki_css or "",
        )
    return out


def _notetypes(col: Collection) -> dict[int, tuple[str, Any, str]]:
    with col.engine.connect() as conn:
        return {
            int(r.id): (r.name, json.loads(r.config), r.modified.isoformat())
            for r in conn.execute(select(NOTETYPE))
        }


def _state(col: Collection) -> dict[str, Any]:
    """:func:`state`, a new card's ``due`` left out: the import sets it to the import's time,
    a sync that makes the card to the note's creation (a new card is studied by position)."""
    found = state(col)
    found["cards"] = {
        uid: (*v[:5], None, *v[6:]) if v[1] == 0 else v for uid, v in found["cards"].items()
    }
    return found


def _anki(folder: Path) -> AnkiCollection:
    """A fresh collection of the real Anki in ``folder``."""
    folder.mkdir(parents=True)
    return AnkiCollection(str(folder / "collection.anki2"))


def _vocab_package(tmp_path: Path) -> tuple[int, Path]:
    """A real Anki's package of :func:`_vocab`: the note type's id and the package."""
    acol = _anki(tmp_path / "anki")
    try:
        return _vocab(acol), _export(acol, tmp_path / "vocab.apkg")
    finally:
        acol.close()


def _now() -> datetime:
    # Anki stamps its notes with the real clock: the import and the syncs come after them.
    return datetime.now(UTC) + timedelta(minutes=1)


def test_a_custom_note_type_reaches_the_other_device(tmp_path: Path, server_url: str) -> None:
    acol = _anki(tmp_path / "anki")
    try:
        mid = _vocab(acol)
        original = _model(acol, mid)
        package = _export(acol, tmp_path / "vocab.apkg")
    finally:
        acol.close()
    now = _now()
    a, b = device(tmp_path, "a"), device(tmp_path, "b")
    exchange.import_file(a, package, now)
    report = sync(a, server_url, now + timedelta(minutes=1))
    assert report.sent["notetype"] == 1
    down = sync(b, server_url, now + timedelta(minutes=2))
    assert down.received["notetype"] == 1
    assert "1 note type" in down.summary()

    # B holds the same note type, its notes render as on A and have the same cards.
    assert _notetypes(b) == _notetypes(a)
    assert _state(a) == _state(b)
    faces = _faces(a, now)
    assert len(faces) == 4
    assert faces[next(k for k in faces if k.endswith("/1"))][4] == CSS
    assert _faces(b, now) == faces
    # Nothing is left to send either way.
    assert sync(a, server_url, now + timedelta(minutes=3)).sent == {}
    again = sync(b, server_url, now + timedelta(minutes=4))
    assert again.sent == {} and again.received == {}

    # B's export goes to a fresh Anki as the very same note type, notes in it, fields intact.
    back = tmp_path / "from_b.apkg"
    exchange.export_apkg(b, back, now + timedelta(minutes=5))
    fresh = _anki(tmp_path / "fresh")
    try:
        log = anki_import(fresh, back)
        assert not list(log.conflicting) and not list(log.missing_notetype)
        assert _model(fresh, mid) == original
        notes = [fresh.get_note(n) for n in fresh.find_notes("")]
        assert sorted((n.mid, tuple(n.fields)) for n in notes) == sorted(
            (mid, values) for values in NOTES
        )
        assert fresh.card_count() == 4
    finally:
        fresh.close()


@pytest.mark.parametrize("step", ["merged", "pushed"])
def test_a_sync_killed_mid_way_still_brings_the_note_type(
    tmp_path: Path, server_url: str, step: str
) -> None:
    acol = _anki(tmp_path / "anki")
    try:
        _vocab(acol)
        package = _export(acol, tmp_path / "vocab.apkg")
    finally:
        acol.close()
    now = _now()
    a = device(tmp_path, "a")
    exchange.import_file(a, package, now)
    a = killed_mid_sync(tmp_path, a, "a", server_url, now + timedelta(minutes=1), step)
    sync(a, server_url, now + timedelta(minutes=2))  # the next sync ends the job
    b = device(tmp_path, "b")
    sync(b, server_url, now + timedelta(minutes=3))
    assert _notetypes(b) == _notetypes(a) != {}
    assert _faces(b, now) == _faces(a, now)
    assert _state(a) == _state(b)
    again = sync(a, server_url, now + timedelta(minutes=4))
    assert again.sent == {} and again.received == {}


def test_a_note_type_changed_on_both_devices_the_later_change_wins(
    tmp_path: Path, server_url: str
) -> None:
    acol = _anki(tmp_path / "anki")
    try:
        mid = _vocab(acol)
        first = _export(acol, tmp_path / "v1.apkg")
        packages = {}
        for version in ("v2", "v3"):
            model = acol.models.get(mid)  # type: ignore[arg-type]
            assert model is not None
            model["css"] = f".card {{ color: {version}; }}"
            acol.models.save(model)
            packages[version] = _export(acol, tmp_path / f"{version}.apkg")
    finally:
        acol.close()
    now = _now()
    a, b = device(tmp_path, "a"), device(tmp_path, "b")
    exchange.import_file(a, first, now)
    sync(a, server_url, now + timedelta(minutes=1))
    sync(b, server_url, now + timedelta(minutes=2))
    # Offline, each device takes a newer version of the note type: B's is the later one.
    exchange.import_file(a, packages["v2"], now + timedelta(hours=1))
    exchange.import_file(b, packages["v3"], now + timedelta(hours=2))
    for col, minute in ((a, 1), (b, 2), (a, 3), (b, 4)):
        sync(col, server_url, now + timedelta(hours=3, minutes=minute))
    assert _notetypes(a) == _notetypes(b)
    assert json.loads(_notetype_config(a, mid))["css"] == ".card { color: v3; }"
    assert _faces(a, now) == _faces(b, now)
    assert _state(a) == _state(b)


def _notetype_config(col: Collection, mid: int) -> str:
    with col.engine.connect() as conn:
        return str(conn.execute(select(NOTETYPE.c.config).where(NOTETYPE.c.id == mid)).scalar())


def test_a_schema_7_server_gains_note_types_and_heals_notes_synced_before(
    tmp_path: Path, pg_cluster: Cluster
) -> None:
    """Notes synced before note types did (schema 7) get their note type on the other device."""
    mid, package = _vocab_package(tmp_path)
    name = pg_cluster.new_server()
    now = _now()
    a, b = device(tmp_path, "a"), device(tmp_path, "b")
    exchange.import_file(a, package, now)
    sync(a, pg_cluster.url(name), now + timedelta(minutes=1))
    sync(b, pg_cluster.url(name), now + timedelta(minutes=2))
    synced_faces = _faces(a, now)
    # The server as schema 7 left it (no note types), and both devices as a version before
    # note types synced left them: B has the notes without their note type.
    with pg_cluster.admin(name) as conn:
        conn.execute("DROP TABLE sync_notetype")
        conn.execute("UPDATE sync_server SET value = '7' WHERE key = 'schema'")
    for col in (a, b):
        with col.engine.begin() as conn:
            if col is b:
                conn.execute(delete(NOTETYPE))
            conn.execute(delete(SHADOW).where(SHADOW.c.kind == "notetype"))
            conn.exec_driver_sql(f"DELETE FROM {dirty.TABLE} WHERE kind = 'notetype'")
            conn.exec_driver_sql(
                "UPDATE setting SET value = 'older' WHERE key = ?", (dirty.READY_KEY,)
            )
    assert _faces(b, now) != synced_faces
    # The administrator brings the server up to date; A's note type goes up, B takes it.
    client.init_server(pg_cluster.url(name, ADMIN))
    with pg_cluster.admin(name) as conn:
        found = conn.execute("SELECT value FROM sync_server WHERE key = 'schema'").fetchone()
        assert found == (str(server.SERVER_SCHEMA),)
    assert sync(a, pg_cluster.url(name), now + timedelta(minutes=3)).sent["notetype"] == 1
    sync(b, pg_cluster.url(name), now + timedelta(minutes=4))
    assert mid in _notetypes(b)
    assert _notetypes(b) == _notetypes(a)
    assert _faces(b, now) == synced_faces


def test_notes_added_or_moved_into_a_note_type_here_reach_the_other_device(
    tmp_path: Path, server_url: str
) -> None:
    mid, package = _vocab_package(tmp_path)
    now = _now()
    a, b = device(tmp_path, "a"), device(tmp_path, "b")
    exchange.import_file(a, package, now)
    added = a.notes.add_fields("Vocab", mid, ["鳥", "bird", "とり", ""], now).value
    moved = a.notes.add("Ours", "basic", "魚", "fish", now).value
    a.sched.answer(a.notes.get(moved).card_ids[0], 3, now)
    a.notes.change_notetype([moved], mid, [0, 1, None, None], now + timedelta(seconds=30))
    sync(a, server_url, now + timedelta(minutes=1))
    sync(b, server_url, now + timedelta(minutes=2))
    assert _state(a) == _state(b)
    assert _faces(b, now) == _faces(a, now)
    on_b = {b.notes.get(n).front: n for n in b.notes.ids()}
    for front, note_id in (("鳥", added), ("魚", moved)):
        fields = b.notes.anki_fields(on_b[front])
        assert fields is not None and fields.notetype == "Vocab 4"
        assert fields == a.notes.anki_fields(note_id)
    assert len(b.notes.get(on_b["鳥"]).card_ids) == 2
