"""Media sync: the media folder's files to and from the server, by content hash.

The server keeps one row per file name (``sync_media``: SHA-1, size, deleted flag, usn) and the
file's bytes in pieces of :data:`PART_BYTES` (``sync_media_part``);
this side keeps what it last synced in ``syncshadow`` (kind ``media``, uid the file name, hash
``"<sha1> <size> <mtime_ns>"``: the size and modification time spare hashing unchanged files
again), and the server usn it has seen in the setting ``sync_media_usn``. A sync runs before
the objects' sync (so that a note rewritten for a name clash goes up in the same sync):

1. **Pull**: the rows changed on the server since the last media sync, names and hashes only.
   A file new or changed there is downloaded (in batches of at most :data:`BATCH_BYTES`) and
   written through :class:`~flashcards.core.media.MediaFolder`: a name that is not one plain
   safe file name, bytes whose SHA-1 is not the one announced, or a file over Anki's limit are
   refused, so a hostile server cannot write outside the folder. A file deleted there goes to
   the trash folder here (never deleted outright) if this side still has the version synced.
2. **Name clash** (the same name, different bytes, changed on both sides): both are kept, as
   Anki's importer keeps both: the file made here moves to Anki's ``name-<sha1>.ext`` and the
   notes changed here since the last sync that name it are rewritten to that name (they go up
   in this sync); the server's file takes the name, as the other device's notes expect.
3. **Push**: files new or changed here, and files gone from the folder (trashed by Check
   Media) as deletions, in batches of at most :data:`BATCH_BYTES` per server transaction. The
   server takes a file only over the version this side last saw (or a deletion), so a change
   made elsewhere meanwhile is never overwritten: it comes down, as a clash, next time.

The work is split into steps (:class:`MediaRun`) so that the app moves the bytes off the
collection's executor: the server steps write the folder's files and the server's rows, each
server batch in a transaction of its own; the local steps after them record in the collection
what moved. A killed sync resumes where it stopped: a file already here (or already on the
server) is recognised by its hash and only recorded. A media folder missing altogether (not
merely empty) is taken as lost, not emptied on purpose: its files are downloaded again and no
deletion is sent.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, and_, delete, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection

from flashcards.core.errors import InputError
from flashcards.core.media import (
    MediaFolder,
    _hashed_name,
    file_sha1,
    is_safe_name,
    references,
    rename_references,
)
from flashcards.core.sync import client, server
from flashcards.core.sync.graves import SHADOW
from flashcards.core.tables import NOTE

if TYPE_CHECKING:
    from flashcards.core.collection import Collection

#: Setting key: the server's media usn this side has merged up to.
MEDIA_USN_KEY = "sync_media_usn"
#: The shadow kind of a synced media file.
KIND = "media"
#: Anki's largest media file that syncs (100 MiB); larger files stay on their device.
MAX_FILE_BYTES = 100 * 1024 * 1024
#: Bytes moved per server request (a larger single file goes alone).
BATCH_BYTES = 8 * 1024 * 1024
#: The media table's row of this learner's newest media usn.
HEAD_KEY = "media_head"

MEDIA = server.MEDIA
PART = server.MEDIA_PART
#: The bytes of one row of ``sync_media_part``.
PART_BYTES = 8 * 1024 * 1024


@dataclass
class _Known:
    """A file as this side knows it: its SHA-1, and the size and mtime it was hashed at."""

    sha1: str
    size: int
    mtime_ns: int

    def text(self) -> str:
        return f"{self.sha1} {self.size} {self.mtime_ns}"

    @classmethod
    def parse(cls, text: str) -> _Known:
        sha1, size, mtime = (text.split() + ["", "-1", "-1"])[:3]
        return cls(sha1, int(size), int(mtime))

    @classmethod
    def of(cls, path: Path, sha1: str | None = None) -> _Known:
        st = path.stat()
        return cls(sha1 or file_sha1(path), st.st_size, st.st_mtime_ns)


@dataclass
class _Plan:
    """What the pull decided: files to fetch, to trash, to keep both of, shadows to change."""

    download: dict[str, tuple[str, int]] = field(default_factory=dict)  # name -> (sha1, size)
    trash: list[str] = field(default_factory=list)
    clash: list[str] = field(default_factory=list)
    forget: list[str] = field(default_factory=list)
    record: list[str] = field(default_factory=list)


def _count(counts: Counter[str], kind: str, n: int) -> None:
    if n:  # (no zero entries: a report of nothing compares equal to an empty one)
        counts[kind] += n


def _read_shadow(conn: Connection) -> dict[str, _Known]:
    rows = conn.execute(select(SHADOW.c.uid, SHADOW.c.hash).where(SHADOW.c.kind == KIND))
    return {str(uid): _Known.parse(str(digest)) for uid, digest in rows}


def _set_shadow(conn: Connection, name: str, known: _Known | None) -> None:
    conn.execute(delete(SHADOW).where(SHADOW.c.kind == KIND, SHADOW.c.uid == name))
    if known is not None:
        conn.execute(insert(SHADOW).values(kind=KIND, uid=name, hash=known.text()))


def _scan(media: MediaFolder, shadow: dict[str, _Known]) -> dict[str, _Known]:
    """The folder's files (plain safe names only), hashed unless unchanged since last seen."""
    assert media.folder is not None
    out: dict[str, _Known] = {}
    for name in media.names():
        if not is_safe_name(name):
            continue  # not a name a note can refer to (put there by hand): not synced
        path = media.folder / name
        st = path.stat()
        seen = shadow.get(name)
        if seen is not None and (seen.size, seen.mtime_ns) == (st.st_size, st.st_mtime_ns):
            out[name] = seen
        else:
            out[name] = _Known(file_sha1(path), st.st_size, st.st_mtime_ns)
    return out


def _media_head(conn: Connection) -> int:
    meta = server.META
    found = conn.execute(
        select(meta.c.value).where(server.mine(meta), meta.c.key == HEAD_KEY)
    ).scalar()
    return int(found) if found is not None else 0


def _plan(
    rows: Iterable[Any], local: dict[str, _Known], shadow: dict[str, _Known], report: Any
) -> _Plan:
    plan = _Plan()
    for row in rows:
        name, sha1 = str(row.name), str(row.sha1)
        if not is_safe_name(name) or int(row.size) > MAX_FILE_BYTES:
            report.warnings.append(f"The server's media file {name[:60]!r} was not taken.")
            continue
        here, synced = local.get(name), shadow.get(name)
        here_sha = None if here is None else here.sha1
        synced_sha = None if synced is None else synced.sha1
        if row.deleted:
            if here_sha is None:
                plan.forget.append(name)
            elif here_sha == synced_sha:  # the version synced, deleted elsewhere
                plan.trash.append(name)
            # else changed or added here: it goes up again, undeleting it
        elif here_sha == sha1:
            plan.record.append(name)
        elif here_sha is None:
            if synced_sha != sha1:  # (else deleted here since: the deletion goes up)
                plan.download[name] = (sha1, int(row.size))
        elif here_sha == synced_sha:  # changed there only: the old version to the trash
            plan.trash.append(name)
            plan.download[name] = (sha1, int(row.size))
        else:  # changed on both sides: keep both
            plan.clash.append(name)
            plan.download[name] = (sha1, int(row.size))
    return plan


def _batches(items: list[tuple[str, int]]) -> list[list[str]]:
    """Names grouped so that each group's bytes stay under :data:`BATCH_BYTES` (or one file)."""
    out: list[list[str]] = []
    size = 0
    for name, n in items:
        if not out or size + n > BATCH_BYTES:
            out.append([])
            size = 0
        out[-1].append(name)
        size += n
    return out


def _changed_notes(conn: Connection) -> list[Any]:
    """The notes changed here since the last sync (their content differs from the shadow)."""
    synced = {
        str(r[0]): str(r[1])
        for r in conn.execute(select(SHADOW.c.uid, SHADOW.c.hash).where(SHADOW.c.kind == "note"))
    }
    out = []
    for row in conn.execute(client._local_select("note")).mappings():
        payload = {c: row[c] for c in server.payload_columns("note")}
        if synced.get(str(row["uid"])) != client.content_hash("note", payload):
            out.append(row)
    return out


def _rename_in_notes(conn: Connection, notes: list[Any], old: str, new: str) -> None:
    renamed = {old: new}
    for note in notes:
        fields = [note["front"], note["back"]]
        anki = note["anki_fields"]
        if not any(old in references(str(f or "")) for f in [*fields, anki or ""]):
            continue
        values: dict[str, Any] = {
            "front": rename_references(str(note["front"]), renamed),
            "back": rename_references(str(note["back"]), renamed),
        }
        if anki:
            try:
                loaded = json.loads(anki)
                values["anki_fields"] = json.dumps(
                    [rename_references(str(f), renamed) for f in loaded], ensure_ascii=False
                )
            except (ValueError, TypeError):
                pass  # unreadable stored fields: the plain fields are still rewritten
        conn.execute(update(NOTE).where(NOTE.c.uid == note["uid"]).values(**values))


def _keep_both(col: Collection, name: str, here: _Known) -> None:
    """Move this side's file of a clashing name to its hashed name, its new notes with it."""
    folder = col.media.folder
    assert folder is not None
    path = folder / name
    kept = col.media.add_file(path, _hashed_name(name, here.sha1))  # a copy first
    with col.engine.begin() as conn:
        _rename_in_notes(conn, _changed_notes(conn), name, kept)
    if file_sha1(folder / kept) == here.sha1:
        path.unlink()  # its bytes are under the new name; the server's file takes the name


class MediaRun:
    """A media sync as steps that alternate between the collection and the server.

    The ``local`` steps read and write the collection's database (the shadow, the media usn,
    notes renamed for a clash); the others talk to the server and read or write the media
    folder's files only, so that the app runs them off the collection's executor and a large
    upload or download never holds up answering cards. A step's outcome waits in this object
    for the next local step to record; a sync killed in between loses nothing: the files
    already moved are recognised by their hash next time and only recorded.
    """

    def __init__(
        self,
        col: Collection,
        engine: Engine,
        now: datetime,
        report: Any,
        mark: Callable[[str], None],
        progress: Callable[[str, int], None] = lambda _step, _count: None,
    ) -> None:
        self.col, self.engine, self.now = col, engine, now
        self.report, self.mark, self.progress = report, mark, progress
        #: This device's id (known once the sync has prepared; needed by :meth:`send` only).
        self.device = ""
        self._shadow: dict[str, _Known] = {}
        self._since = 0
        self._local: dict[str, _Known] = {}
        self._plan = _Plan()
        self._head = 0
        self._written: dict[str, _Known] = {}
        self._complete = True
        self._touched: dict[str, _Known] = {}
        self._pushed: list[_Pushed] = []

    @property
    def _active(self) -> bool:
        return self.col.media.folder is not None  # a collection that is not a file has none

    def steps(self) -> list[client.Step]:
        """The steps, in the order they run."""
        return [
            client.Step("media", True, self.begin),
            client.Step("media look", False, self.look),
            client.Step("media settle", True, self.settle),
            client.Step("media fetch", False, self.fetch),
            client.Step("media fetched", True, self.record_fetched),
            client.Step("media send", False, self.send),
            client.Step("media sent", True, self.record_sent),
        ]

    def begin(self) -> None:
        """Local: what this side last synced, and the server usn it has seen."""
        self.progress("media", 0)
        media = self.col.media
        if media.folder is None:
            return
        with self.col.engine.begin() as conn:
            self._shadow = _read_shadow(conn)
            self._since = int(client._setting(conn, MEDIA_USN_KEY) or 0)
            if not media.folder.is_dir() and (self._shadow or self._since):
                # The folder is gone, not emptied: fetch everything again, delete nothing.
                conn.execute(delete(SHADOW).where(SHADOW.c.kind == KIND))
                self._shadow, self._since = {}, 0
        media.folder.mkdir(parents=True, exist_ok=True)

    def look(self) -> None:
        """Server: the folder's files, what changed on the server since, and the plan."""
        if not self._active:
            return
        self._local = _scan(self.col.media, self._shadow)
        with self.engine.begin() as sconn:
            server.lock(sconn, exclusive=False)
            self._head = _media_head(sconn)
            rows = sconn.execute(
                select(MEDIA.c.name, MEDIA.c.sha1, MEDIA.c.size, MEDIA.c.deleted).where(
                    server.mine(MEDIA), MEDIA.c.usn > self._since
                )
            ).all()
        self._plan = _plan(rows, self._local, self._shadow, self.report)

    def settle(self) -> None:
        """Local: clashes kept both ways, files deleted there trashed, known files recorded."""
        if not self._active:
            return
        plan, shadow, media = self._plan, self._shadow, self.col.media
        for name in plan.clash:
            _keep_both(self.col, name, self._local[name])
        trashed = media.move_to_trash(plan.trash)
        gone = [n for n in trashed if n not in plan.download]
        _count(self.report.received, "media deletion", len(gone))
        with self.col.engine.begin() as conn:
            for name in plan.forget + gone:
                _set_shadow(conn, name, None)
                shadow.pop(name, None)
            for name in plan.record:
                _set_shadow(conn, name, self._local[name])
                shadow[name] = self._local[name]

    def fetch(self) -> None:
        """Server: the planned files, in batches, checked and written into the folder."""
        if not self._active:
            return
        self._complete, self._written = _download(
            self.col.media, self.engine, self._plan, self.report, self.mark
        )

    def record_fetched(self) -> None:
        """Local: the downloaded files recorded; the media usn moved if all came."""
        if not self._active:
            return
        with self.col.engine.begin() as conn:
            for name, known in self._written.items():
                _set_shadow(conn, name, known)
                self._shadow[name] = known
            if self._complete:
                client._set_setting(conn, MEDIA_USN_KEY, str(self._head))
        _count(self.report.received, "media file", len(self._written))
        if not self._complete:  # a file did not come (damaged, or its name taken meanwhile):
            self._head = -1  # asked again next time, and the push does not move the usn past it

    def send(self) -> None:
        """Server: files new or changed here up, files gone from here as deletions."""
        if not self._active:
            return
        self._touched, self._pushed = _push(
            self.col.media, self.engine, self._shadow, self.device, self.now, self.report,
            self.mark,
        )  # fmt: skip

    def record_sent(self) -> None:
        """Local: what the server took recorded, batch by batch, and the media usn moved."""
        if not self._active:
            return
        expected = self._head
        with self.col.engine.begin() as conn:
            for name, known in self._touched.items():
                _set_shadow(conn, name, known)
            for batch in self._pushed:
                for name, known in batch.sent.items():
                    _set_shadow(conn, name, known)
                for name in batch.buried:
                    _set_shadow(conn, name, None)
                if batch.head == expected:  # nobody else pushed media in between
                    client._set_setting(conn, MEDIA_USN_KEY, str(batch.usn))
                    expected = batch.usn
                _count(self.report.sent, "media file", len(batch.sent))
                _count(self.report.sent, "media deletion", len(batch.buried))


def _download(
    media: MediaFolder, engine: Engine, plan: _Plan, report: Any, mark: Callable[[str], None]
) -> tuple[bool, dict[str, _Known]]:
    """Fetch the plan's files into the folder; whether all came, and those written."""
    folder = media.folder
    assert folder is not None
    complete = True
    written: dict[str, _Known] = {}
    wanted = sorted(plan.download.items())
    for batch in _batches([(n, size) for n, (_sha, size) in wanted]):
        with engine.begin() as sconn:
            got = sconn.execute(
                select(MEDIA.c.name, MEDIA.c.sha1).where(
                    server.mine(MEDIA), MEDIA.c.name.in_(batch), MEDIA.c.deleted.is_(False)
                )
            ).all()
            pieces: dict[str, list[bytes]] = {}
            for name, data in sconn.execute(
                select(PART.c.name, PART.c.data)
                .where(server.mine(PART), PART.c.name.in_(batch))
                .order_by(PART.c.name, PART.c.part)
            ):
                pieces.setdefault(str(name), []).append(bytes(data))
        for name, sha1 in got:
            data = b"".join(pieces.pop(str(name), []))
            if hashlib.sha1(data, usedforsecurity=False).hexdigest() != sha1:
                report.warnings.append(f"The server's media file {name!r} was damaged.")
                complete = False
                continue
            try:
                final = media.add_bytes(str(name), data)
            except InputError as error:
                report.warnings.append(str(error))
                complete = False
                continue
            if final == name:
                written[name] = _Known.of(folder / name, sha1)
            else:  # a file of that name came here meanwhile: this one was kept beside it
                complete = False
        mark("media down")
    return complete, written


@dataclass
class _Pushed:
    """One batch the server took: files sent, deletions done, its usn, the head before it."""

    sent: dict[str, _Known]
    buried: list[str]
    usn: int
    head: int


def _push(
    media: MediaFolder,
    engine: Engine,
    shadow: dict[str, _Known],
    device: str,
    now: datetime,
    report: Any,
    mark: Callable[[str], None],
) -> tuple[dict[str, _Known], list[_Pushed]]:
    """Send this side's changes.

    Returns:
        The files only touched here (same bytes, new size or time), and the batches the
        server took.
    """
    folder = media.folder
    assert folder is not None
    local = _scan(media, shadow)
    touched: dict[str, _Known] = {}
    out: list[_Pushed] = []
    uploads: list[tuple[str, int]] = []
    for name, known in sorted(local.items()):
        synced = shadow.get(name)
        if synced is not None and synced.sha1 == known.sha1:
            if synced != known:  # touched, same bytes: remember the new stat
                touched[name] = known
            continue
        if known.size > MAX_FILE_BYTES:
            report.warnings.append(
                f"The media file {name!r} is larger than 100 MiB and was not synced."
            )
            continue
        uploads.append((name, known.size))
    deletions = sorted(set(shadow) - set(local))
    if not uploads and not deletions:
        return touched, out
    batches = _batches(uploads) or [[]]
    for index, batch in enumerate(batches):
        gone = deletions if index == 0 else []
        with engine.begin() as sconn:
            server.lock(sconn, exclusive=True)
            head = _media_head(sconn)
            usn = int(sconn.execute(select(server.USN_SEQ.next_value())).scalar_one())
            values = {"usn": usn, "device": device, "mtime": now}
            files: dict[str, tuple[bytes, str]] = {}
            for name in batch:
                try:
                    data = (folder / name).read_bytes()
                except OSError:
                    continue  # gone since the scan: a deletion next time
                files[name] = (data, hashlib.sha1(data, usedforsecurity=False).hexdigest())
            there = _server_files(sconn, [*files, *gone])
            taken = _upload(sconn, files, there, shadow, values)
            sent = {n: _Known.of(folder / n, files[n][1]) for n in taken}
            buried = _bury(sconn, gone, there, shadow, values)
            stmt = pg_insert(server.META).values(key=HEAD_KEY, value=str(usn))
            sconn.execute(
                stmt.on_conflict_do_update(
                    index_elements=["owner", "key"], set_={"value": stmt.excluded.value}
                )
            )
        out.append(_Pushed(sent, buried, usn, head))
        mark("media up")
    return touched, out


def _server_files(conn: Connection, names: list[str]) -> dict[str, tuple[str, bool]]:
    """The server's (sha1, deleted) of those of ``names`` it has."""
    out: dict[str, tuple[str, bool]] = {}
    for start in range(0, len(names), 500):
        rows = conn.execute(
            select(MEDIA.c.name, MEDIA.c.sha1, MEDIA.c.deleted).where(
                server.mine(MEDIA), MEDIA.c.name.in_(names[start : start + 500])
            )
        )
        out.update((str(r[0]), (str(r[1]), bool(r[2]))) for r in rows)
    return out


def _upload(
    conn: Connection,
    files: dict[str, tuple[bytes, str]],
    there: dict[str, tuple[str, bool]],
    shadow: dict[str, _Known],
    values: dict[str, Any],
) -> list[str]:
    """Put files on the server over the version this side saw; the names taken.

    A file is taken where the server has none of that name, a deleted one, the same bytes or
    the version this side last synced; another version (made elsewhere since) stays, and
    comes down next time. The caller holds the learner's exclusive lock, so nothing changes
    between this reading and the writing (three statements for the whole batch).
    """
    taken = []
    for name, (_data, sha1) in files.items():
        found = there.get(name)
        seen = shadow.get(name)
        if found is None or found[1] or found[0] in (sha1, seen.sha1 if seen else None):
            taken.append(name)
    if not taken:
        return taken
    stmt = pg_insert(MEDIA)
    columns = {k: stmt.excluded[k] for k in ("sha1", "size", "deleted", *values)}
    conn.execute(
        stmt.on_conflict_do_update(index_elements=["owner", "name"], set_=columns),
        [
            {"name": n, "sha1": files[n][1], "size": len(files[n][0]), "deleted": False, **values}
            for n in taken
        ],
    )
    conn.execute(delete(PART).where(server.mine(PART), PART.c.name.in_(taken)))
    pieces = [
        {"name": name, "part": i, "data": data[start : start + PART_BYTES]}
        for name in taken
        for data in (files[name][0],)
        for i, start in enumerate(range(0, max(len(data), 1), PART_BYTES))
    ]
    conn.execute(insert(PART), pieces)
    return taken


def _bury(
    conn: Connection,
    names: list[str],
    there: dict[str, tuple[str, bool]],
    shadow: dict[str, _Known],
    values: dict[str, Any],
) -> list[str]:
    """Mark files deleted on the server where it holds the version deleted here.

    Returns:
        The names done: those deleted now, and those the server has not or has deleted too;
        not those changed elsewhere since, which come down at the next sync.
    """
    done, delete_now = [], []
    for name in names:
        found = there.get(name)
        if found is None or found[1]:
            done.append(name)
        elif found[0] == shadow[name].sha1:
            done.append(name)
            delete_now.append(name)
    if delete_now:
        mine = and_(server.mine(MEDIA), MEDIA.c.name.in_(delete_now))
        conn.execute(update(MEDIA).where(mine).values(deleted=True, **values))
        conn.execute(delete(PART).where(server.mine(PART), PART.c.name.in_(delete_now)))
    return done


__all__ = ["BATCH_BYTES", "MAX_FILE_BYTES", "MEDIA_USN_KEY", "MediaRun"]
