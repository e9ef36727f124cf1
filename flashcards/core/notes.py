"""The note manager: adding, editing, moving and deleting notes with their cards."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.engine import Connection
from sqlmodel import Session

from flashcards.core import anki_types
from flashcards.core.changes import Change, Notify, OpResult, announce
from flashcards.core.deck_names import normalise_deck_name, subdeck_ids
from flashcards.core.deckfile import NoteSource, NoteSpec, cloze_numbers
from flashcards.core.enums import NoteKind
from flashcards.core.errors import InputError, NotFoundError
from flashcards.core.html_text import html_to_text
from flashcards.core.models import utcnow_guard
from flashcards.core.notetypes import (
    MAX_NOTE_BYTES,
    card_ords,
    new_card_values,
    note_values,
    too_large,
    validate_note,
)
from flashcards.core.shipped_notetypes import KIND_OF_MODEL, MODEL_IDS, NoteTypeInfo
from flashcards.core.shipped_notetypes import info as shipped_info
from flashcards.core.shipped_notetypes import spec as shipped_spec
from flashcards.core.sync.graves import record_graves
from flashcards.core.tables import CARD, LOG, NOTE, NOTETYPE
from flashcards.core.template_render import card_ordinals, fields_by_name

if TYPE_CHECKING:
    from flashcards.core.decks import DeckManager


@dataclass(frozen=True)
class NoteView:
    """A note and its cards' ids, detached from any session."""

    id: int
    uid: str
    deck_name: str
    kind: str
    front: str
    back: str
    tags: tuple[str, ...]
    source: NoteSource
    modified: datetime
    card_ids: tuple[int, ...]
    #: The note's own Anki note type (see :mod:`flashcards.core.anki_types`), or None.
    anki_notetype_id: int | None = None


@dataclass(frozen=True)
class AnkiFields:
    """Every field of a note in an Anki note type of its own, as the note editor shows them.

    Attributes:
        notetype: The note type's name.
        names: The note type's field names, in order.
        html: Each field's HTML as the note holds it (edits made here included), in order.
    """

    notetype: str
    names: tuple[str, ...]
    html: tuple[str, ...]


def delete_note_rows(conn: Connection, note_ids: Sequence[int]) -> None:
    """Delete notes with their cards and review history, inside the caller's transaction."""
    for start in range(0, len(note_ids), 500):
        chunk = list(note_ids[start : start + 500])
        card_ids = select(CARD.c.id).where(CARD.c.note_id.in_(chunk))
        conn.execute(delete(LOG).where(LOG.c.card_id.in_(card_ids)))
        conn.execute(delete(CARD).where(CARD.c.note_id.in_(chunk)))
        conn.execute(delete(NOTE).where(NOTE.c.id.in_(chunk)))


def reviewed_card_ids(conn: Connection, card_ids: Sequence[int]) -> set[int]:
    """Those of ``card_ids`` that have review history (answers counted or logged)."""
    out: set[int] = set()
    for start in range(0, len(card_ids), 500):
        chunk = list(card_ids[start : start + 500])
        out.update(
            int(r[0])
            for r in conn.execute(select(CARD.c.id).where(CARD.c.id.in_(chunk), CARD.c.reps > 0))
        )
        out.update(
            int(r[0])
            for r in conn.execute(select(LOG.c.card_id).where(LOG.c.card_id.in_(chunk)).distinct())
        )
    return out


def wanted_ords(conn: Connection, note_id: int, spec: NoteSpec) -> tuple[set[int], bool]:
    """The cards note ``note_id`` makes once given the kind and text of ``spec``.

    Returns:
        The card ordinals, and whether the note's cards outside them go. A note in an Anki
        note type of its own keeps every card it has (Anki never deletes a card because a
        template or a field changed) and gains those its templates make for its new fields;
        our kinds make exactly :func:`card_ords`.
    """
    row = conn.execute(
        select(NOTE.c.anki_notetype_id, NOTE.c.anki_fields).where(NOTE.c.id == note_id)
    ).first()
    if row is None or row.anki_notetype_id is None:
        return set(card_ords(spec.kind, spec.front)), True
    notetype = anki_types.load_notetype(conn, int(row.anki_notetype_id))
    fields = (
        None
        if notetype is None
        else anki_types.fields_of(notetype, row.anki_fields, spec.front, spec.back)
    )
    if notetype is None or fields is None:
        return set(), False  # a note type we cannot read: its cards stay as they are
    return anki_types.card_ords(notetype, fields, spec.tags), False


def drops_reviewed_cards(conn: Connection, note_id: int, spec: NoteSpec) -> bool:
    """Whether giving note ``note_id`` the kind and text of ``spec`` deletes a reviewed card."""
    want, drops = wanted_ords(conn, note_id, spec)
    if not drops:
        return False
    gone = [
        int(r[0])
        for r in conn.execute(select(CARD.c.id, CARD.c.ord).where(CARD.c.note_id == note_id))
        if int(r[1]) not in want
    ]
    return bool(gone) and bool(reviewed_card_ids(conn, gone))


def insert_cards(
    conn: Connection, note_id: int, deck_id: int, ords: Iterable[int], now: datetime
) -> None:
    """Insert new cards of a note."""
    rows = [new_card_values(note_id, deck_id, o, now) for o in ords]
    if rows:
        conn.execute(insert(CARD), rows)


def bulk_insert_notes(
    conn: Connection, specs: Sequence[NoteSpec], deck_id: int, now: datetime
) -> None:
    """Insert many notes that have uids, and their cards, with a few bulk statements."""
    for start in range(0, len(specs), 5000):
        chunk = specs[start : start + 5000]
        conn.execute(
            insert(NOTE),
            [
                note_values(spec)
                | {"uid": spec.id, "deck_id": deck_id, "created": now, "modified": now}
                for spec in chunk
            ],
        )
        ids: dict[str, int] = {}
        for sub in range(0, len(chunk), 500):
            uids = [spec.id for spec in chunk[sub : sub + 500]]
            ids.update(
                (str(uid), int(i))
                for i, uid in conn.execute(
                    select(NOTE.c.id, NOTE.c.uid).where(NOTE.c.uid.in_(uids))
                )
            )
        cards = [
            new_card_values(ids[spec.id], deck_id, o, now)
            for spec in chunk
            for o in card_ords(spec.kind, spec.front)
        ]
        if cards:
            conn.execute(insert(CARD), cards)


def apply_note(conn: Connection, note_id: int, spec: NoteSpec, now: datetime) -> None:
    """Update a note's fields and add/remove cards for a changed kind or cloze set.

    A note in an Anki note type of its own only gains cards (see :func:`wanted_ords`).
    """
    conn.execute(update(NOTE).where(NOTE.c.id == note_id).values(**note_values(spec), modified=now))
    deck_id = conn.execute(select(NOTE.c.deck_id).where(NOTE.c.id == note_id)).scalar_one()
    have = {int(r[0]) for r in conn.execute(select(CARD.c.ord).where(CARD.c.note_id == note_id))}
    want, drops = wanted_ords(conn, note_id, spec)
    gone = have - want if drops else set()
    if gone:
        ids = [
            r[0]
            for r in conn.execute(
                select(CARD.c.id).where(CARD.c.note_id == note_id, CARD.c.ord.in_(gone))
            )
        ]
        conn.execute(delete(LOG).where(LOG.c.card_id.in_(ids)))
        conn.execute(delete(CARD).where(CARD.c.id.in_(ids)))
    insert_cards(conn, note_id, int(deck_id), sorted(want - have), now)


def same_front(front: str) -> str:
    """A front as :meth:`NoteManager.decks_with_fronts` compares it."""
    return unicodedata.normalize("NFKC", front).strip().casefold()


class NoteManager:
    """Notes and the cards they make; each mutation is one transaction.

    Args:
        engine: The collection's engine.
        decks: The deck manager (notes are added to decks created on demand).
        notify: The collection's change bus.
    """

    def __init__(self, engine: Engine, decks: DeckManager, notify: Notify) -> None:
        self._engine = engine
        self._decks = decks
        self._notify = notify

    def add(
        self,
        deck: str,
        kind: str,
        front: str,
        back: str,
        now: datetime,
        *,
        tags: Sequence[str] = (),
        source: NoteSource | None = None,
        uid: str | None = None,
    ) -> OpResult[int]:
        """Add a note and its cards (and its deck, if new) in one transaction.

        Returns:
            The new note's id; the changes: ``DECKS | NOTES | CARDS``.

        Raises:
            InputError: If the note is not valid (empty front, unknown kind, cloze without
                deletions) or its uid is taken.
        """
        spec = NoteSpec(uid or "", kind, front, back, tuple(tags), source or NoteSource())
        validate_note(spec)
        now = utcnow_guard(now)
        name = normalise_deck_name(deck)
        with Session(self._engine) as session:
            conn = session.connection()
            if uid and conn.execute(select(NOTE.c.id).where(NOTE.c.uid == uid)).first():
                raise InputError(f"A note with id {uid!r} already exists.")
            deck_id = self._decks.ensure(session, name, now)
            note_id = self._insert(conn, spec, deck_id, now)
            session.commit()
        return announce(self._notify, note_id, Change.DECKS | Change.NOTES | Change.CARDS)

    @staticmethod
    def _insert(
        conn: Connection,
        spec: NoteSpec,
        deck_id: int,
        now: datetime,
        anki: tuple[int, Sequence[str], Iterable[int]] | None = None,
    ) -> int:
        """Insert a note and its cards; ``anki``: its Anki note type, fields and card ords."""
        # A note without a uid of its own gets one from its row id, after the insert.
        values = note_values(spec) | {"deck_id": deck_id, "created": now, "modified": now}
        values["uid"] = spec.id or f"pending:{now.timestamp()}:{id(spec)}"
        ords: Iterable[int] = card_ords(spec.kind, spec.front)
        if anki is not None:
            type_id, fields, ords = anki
            values["anki_notetype_id"] = type_id
            values["anki_fields"] = json.dumps(list(fields), ensure_ascii=False)
        inserted = conn.execute(insert(NOTE).values(**values)).inserted_primary_key
        assert inserted is not None
        note_id = int(inserted[0])
        if not spec.id:
            conn.execute(update(NOTE).where(NOTE.c.id == note_id).values(uid=f"n{note_id}"))
        insert_cards(conn, note_id, deck_id, ords, now)
        return note_id

    def notetype_ids(self, note_ids: Sequence[int]) -> set[int]:
        """The ids of the note types these notes are in (missing notes are left out).

        A note of ours is in the shipped type of its kind.
        """
        basic = MODEL_IDS[NoteKind.BASIC.value]
        return {
            note.anki_notetype_id
            if note.anki_notetype_id is not None
            else MODEL_IDS.get(note.kind, basic)
            for note in self.get_many(note_ids)
        }

    def notetypes(self) -> list[NoteTypeInfo]:
        """Every note type notes can be added in: the shipped three, then the collection's.

        The collection's are the Anki note types it keeps (from imports), by name; one that
        cannot be read, or a package's copy of a shipped type, is not listed.
        """
        with self._engine.connect() as conn:
            rows = conn.execute(select(NOTETYPE.c.id, NOTETYPE.c.config)).all()
        kept = []
        for type_id, config in rows:
            notetype = anki_types.notetype_of(str(config))
            if notetype is None or int(type_id) in KIND_OF_MODEL:
                continue
            names, cloze = notetype.field_names, notetype.kind == "cloze"
            kept.append(NoteTypeInfo(int(type_id), notetype.name, names, None, cloze))
        kept.sort(key=lambda t: (t.name.casefold(), t.id))
        return [shipped_info(kind.value) for kind in NoteKind] + kept

    def add_fields(
        self,
        deck: str,
        notetype_id: int,
        fields: Sequence[str],
        now: datetime,
        *,
        tags: Sequence[str] = (),
    ) -> OpResult[int]:
        """Add a note of any note type from its fields (HTML), with the cards it makes.

        A note of a shipped type is stored as its columns (the fields' text; see
        :mod:`flashcards.core.shipped_notetypes`) and checked as :meth:`add` checks it. A note
        of one of the collection's Anki note types keeps its fields as given and gets the
        cards its templates make, as Anki adds a note; it goes back to Anki as that type.

        Args:
            deck: The deck (created if needed).
            notetype_id: The note type, as :meth:`notetypes` lists it.
            fields: One HTML value per field of the note type, in order.
            now: The time of the addition.
            tags: The note's tags.

        Returns:
            The new note's id; the changes: ``DECKS | NOTES | CARDS``.

        Raises:
            InputError: If there is no such note type, ``fields`` does not have one value per
                field, the note is too large, or it would make no card.
        """
        values = [str(f) for f in fields]
        kind = KIND_OF_MODEL.get(notetype_id)
        if kind is not None:
            anki_types.check_field_count(shipped_spec(kind), values)
            front, back, sentence, section, title = (html_to_text(v) for v in values)
            source = NoteSource(title, section, sentence)
            return self.add(deck, kind, front, back, now, tags=tags, source=source)
        if too_large(*values):
            raise InputError(f"A note may hold at most {MAX_NOTE_BYTES >> 20} MiB of text.")
        now = utcnow_guard(now)
        with Session(self._engine) as session:
            conn = session.connection()
            notetype = anki_types.load_notetype(conn, notetype_id)
            if notetype is None:
                raise InputError(f"There is no note type with id {notetype_id}.")
            anki_types.check_field_count(notetype, values)
            by_name = fields_by_name(notetype, values)
            ords = card_ordinals(notetype, by_name, tags=tags, at_least_one=False)
            if not ords:  # Anki's rule: a note that would make no card is not added
                raise InputError(
                    "This note would make no card: fill in the fields its card templates use."
                )
            front = html_to_text(values[0])
            back = html_to_text(values[1]) if len(values) > 1 else ""
            kind = anki_types.note_kind(notetype, front, len(ords))
            spec = NoteSpec("", kind, front, back, tuple(tags), NoteSource())
            deck_id = self._decks.ensure(session, normalise_deck_name(deck), now)
            note_id = self._insert(conn, spec, deck_id, now, (notetype_id, values, ords))
            session.commit()
        return announce(self._notify, note_id, Change.DECKS | Change.NOTES | Change.CARDS)

    def update(
        self,
        note_id: int,
        now: datetime,
        *,
        front: str | None = None,
        back: str | None = None,
        kind: str | None = None,
        tags: Sequence[str] | None = None,
        deck: str | None = None,
    ) -> OpResult[None]:
        """Edit a note in one transaction; its cards keep their progress.

        The learner's own edit may change the kind: cards the new kind no longer has go. A
        note in an Anki note type of its own keeps all its cards and may gain some (its
        templates decide; see :func:`wanted_ords`); any of its fields may be left empty.

        Returns:
            No value; the changes: ``NOTES | CARDS | DECKS``.

        Raises:
            NotFoundError: If there is no such note.
            InputError: If the edited note is not valid.
        """
        current = self.get(note_id)
        spec = NoteSpec(
            current.uid,
            kind if kind is not None else current.kind,
            front if front is not None else current.front,
            back if back is not None else current.back,
            tuple(tags) if tags is not None else current.tags,
            current.source,
        )
        validate_note(spec, anki_typed=current.anki_notetype_id is not None)
        now = utcnow_guard(now)
        with Session(self._engine) as session:
            conn = session.connection()
            apply_note(conn, note_id, spec, now)
            if deck is not None and deck != current.deck_name:
                deck_id = self._decks.ensure(session, normalise_deck_name(deck), now)
                self._move(conn, [note_id], deck_id, now)
            session.commit()
        return announce(self._notify, None, Change.NOTES | Change.CARDS | Change.DECKS)

    def decks_with_fronts(self, fronts: Iterable[str]) -> dict[str, str]:
        """Which of these fronts notes of the collection have already, and in which deck.

        Fronts are compared as a learner reads them: Unicode-normalised (NFKC), case and
        spaces at the ends aside. Used to warn before adding a note a second time.

        Returns:
            Each front (as given) that a note has, with the name of that note's deck.
        """
        wanted: dict[str, list[str]] = {}
        for front in fronts:
            wanted.setdefault(same_front(front), []).append(front)
        found: dict[str, str] = {}
        if not wanted:
            return found
        names = self._decks.names()
        with self._engine.connect() as conn:
            for front, deck_id in conn.execute(select(NOTE.c.front, NOTE.c.deck_id)):
                for given in wanted.pop(same_front(str(front)), ()):
                    found[given] = names.get(int(deck_id), "")
                if not wanted:
                    break
        return found

    def anki_fields(self, note_id: int) -> AnkiFields | None:
        """The note type's field names and every field's HTML of a note from Anki.

        Returns:
            The fields, or None for one of our own notes (plain-text front and back) and for
            a note whose note type or fields cannot be read (it is edited as front and back).

        Raises:
            NotFoundError: If there is no such note.
        """
        with self._engine.connect() as conn:
            row = conn.execute(
                select(
                    NOTE.c.anki_notetype_id, NOTE.c.anki_fields, NOTE.c.front, NOTE.c.back
                ).where(NOTE.c.id == note_id)
            ).first()
            if row is None:
                raise NotFoundError(f"There is no note with id {note_id}.")
            notetype = anki_types.load_notetype(conn, row.anki_notetype_id)
        if notetype is None:
            return None
        fields = anki_types.note_fields(row.anki_fields, row.front, row.back, len(notetype.fields))
        if fields is None:
            return None
        return AnkiFields(notetype.name, notetype.field_names, tuple(fields))

    def update_fields(
        self,
        note_id: int,
        fields: Sequence[str],
        now: datetime,
        *,
        tags: Sequence[str] | None = None,
        deck: str | None = None,
    ) -> OpResult[None]:
        """Give a note from Anki new field HTML (all its fields) in one transaction.

        The HTML is stored as given (it is sanitised when shown) and goes back to Anki as it
        is; ``front`` and ``back`` become the first two fields as text, as the importer makes
        them, so that search, the browser and the export agree with the fields. The note gains
        the cards its templates now make; it loses none, as in Anki (a card whose template
        renders empty keeps its progress; Anki's Empty Cards is for removing such cards).

        Args:
            note_id: The note (in an Anki note type of its own; see :meth:`anki_fields`).
            fields: The HTML of every field of its note type, in order.
            now: The time of the edit (the note's ``modified``: Anki takes the newer note).
            tags: The note's new tags; None keeps them.
            deck: The deck to move the note to (created if needed); None keeps it.

        Returns:
            No value; the changes: ``NOTES | CARDS | DECKS``.

        Raises:
            NotFoundError: If there is no such note.
            InputError: If the note is not in a readable Anki note type, ``fields`` does not
                have one value per field, or the note would be too large.
        """
        current = self.get(note_id)
        values = [str(f) for f in fields]
        if too_large(*values):
            raise InputError(f"A note may hold at most {MAX_NOTE_BYTES >> 20} MiB of text.")
        deck_name = None if deck is None else normalise_deck_name(deck)
        now = utcnow_guard(now)
        with Session(self._engine) as session:
            conn = session.connection()
            notetype = anki_types.load_notetype(conn, current.anki_notetype_id)
            if notetype is None:
                raise InputError("This note has no Anki note type: edit its front and back.")
            anki_types.check_field_count(notetype, values)
            # As the importer reads a note: its first two fields as text.
            front = html_to_text(values[0])
            back = html_to_text(values[1]) if len(values) > 1 else ""
            kind = current.kind
            if notetype.kind == "cloze":  # the importer's rule: a cloze note has a deletion
                kind = NoteKind.CLOZE.value if cloze_numbers(front) else NoteKind.BASIC.value
            spec = NoteSpec(
                current.uid,
                kind,
                front,
                back,
                tuple(tags) if tags is not None else current.tags,
                current.source,
            )
            # The fields first: apply_note reads them to find the cards the templates make.
            conn.execute(
                update(NOTE)
                .where(NOTE.c.id == note_id)
                .values(anki_fields=json.dumps(values, ensure_ascii=False))
            )
            apply_note(conn, note_id, spec, now)
            if deck_name is not None and deck_name != current.deck_name:
                deck_id = self._decks.ensure(session, deck_name, now)
                self._move(conn, [note_id], deck_id, now)
            session.commit()
        return announce(self._notify, None, Change.NOTES | Change.CARDS | Change.DECKS)

    def change_notetype(
        self,
        note_ids: Sequence[int],
        notetype_id: int,
        field_map: Sequence[int | None],
        now: datetime,
    ) -> OpResult[None]:
        """Move notes into another note type in one transaction (Anki's Change Note Type).

        See :func:`flashcards.core.notetype_change.change_notetype` for the fields and cards.

        Returns:
            No value; the changes: ``NOTES | CARDS``.

        Raises:
            InputError: If the change does not fit, or would remove a card with history
                (nothing is changed).
        """
        # Imported here: the module builds on this one's card helpers.
        from flashcards.core.notetype_change import change_notetype

        now = utcnow_guard(now)
        with Session(self._engine) as session:
            change_notetype(session.connection(), note_ids, notetype_id, field_map, now)
            session.commit()
        return announce(self._notify, None, Change.NOTES | Change.CARDS)

    def move(self, note_ids: Sequence[int], deck: str, now: datetime) -> OpResult[None]:
        """Move notes (and their cards) to another deck, created if needed.

        Returns:
            No value; the changes: ``NOTES | CARDS | DECKS``.
        """
        with Session(self._engine) as session:
            deck_id = self._decks.ensure(session, normalise_deck_name(deck), now)
            self._move(session.connection(), note_ids, deck_id, now)
            session.commit()
        return announce(self._notify, None, Change.NOTES | Change.CARDS | Change.DECKS)

    @staticmethod
    def _move(conn: Connection, note_ids: Sequence[int], deck_id: int, now: datetime) -> None:
        for start in range(0, len(note_ids), 500):
            chunk = list(note_ids[start : start + 500])
            conn.execute(
                update(NOTE).where(NOTE.c.id.in_(chunk)).values(deck_id=deck_id, modified=now)
            )
            conn.execute(update(CARD).where(CARD.c.note_id.in_(chunk)).values(deck_id=deck_id))

    def delete(self, note_ids: Sequence[int]) -> OpResult[None]:
        """Delete notes with their cards and review history.

        Returns:
            No value; the changes: ``NOTES | CARDS | DECKS``.
        """
        with self._engine.begin() as conn:
            record_graves(conn, "note", list(note_ids))
            delete_note_rows(conn, list(note_ids))
        return announce(self._notify, None, Change.NOTES | Change.CARDS | Change.DECKS)

    def get(self, note_id: int) -> NoteView:
        """One note.

        Raises:
            NotFoundError: If there is no such note.
        """
        views = self.get_many([note_id])
        if not views:
            raise NotFoundError(f"There is no note with id {note_id}.")
        return views[0]

    def get_many(self, note_ids: Sequence[int]) -> list[NoteView]:
        """Notes by id (missing ids are left out), in the order asked."""
        decks = self._decks.names()
        with self._engine.connect() as conn:
            rows = conn.execute(select(NOTE).where(NOTE.c.id.in_(note_ids))).mappings().all()
            cards: dict[int, list[int]] = {}
            for cid, nid in conn.execute(
                select(CARD.c.id, CARD.c.note_id)
                .where(CARD.c.note_id.in_(note_ids))
                .order_by(CARD.c.ord)
            ):
                cards.setdefault(int(nid), []).append(int(cid))
        by_id = {int(r["id"]): r for r in rows}
        out = []
        for nid in note_ids:
            r = by_id.get(nid)
            if r is None:
                continue
            out.append(
                NoteView(
                    id=nid,
                    uid=r["uid"],
                    deck_name=decks.get(int(r["deck_id"]), ""),
                    kind=r["kind"],
                    front=r["front"],
                    back=r["back"],
                    tags=tuple(t for t in r["tags"].split() if t),
                    source=NoteSource(r["source_title"], r["source_section"], r["source_sentence"]),
                    modified=r["modified"],
                    card_ids=tuple(cards.get(nid, [])),
                    anki_notetype_id=r["anki_notetype_id"],
                )
            )
        return out

    def ids(self, deck: str | None = None) -> list[int]:
        """Ids of all notes, or of those in ``deck`` and its subdecks, in creation order.

        Raises:
            NotFoundError: If ``deck`` does not exist.
        """
        query = select(NOTE.c.id).order_by(NOTE.c.id)
        if deck is not None:
            self._decks.id(deck)
            query = query.where(NOTE.c.deck_id.in_(subdeck_ids(self._decks.names(), deck)))
        with self._engine.connect() as conn:
            return [int(r[0]) for r in conn.execute(query)]
