"""Importing our own deck files (TOML), and loading the shipped decks on first run."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from flashcards.core.changes import NO_CHANGE, Change, OpResult, announce
from flashcards.core.collection import Collection
from flashcards.core.deck_names import normalise_deck_name, subdeck_ids
from flashcards.core.deckfile import DeckFile, NoteSpec, read_deck_file
from flashcards.core.errors import InputError
from flashcards.core.exchange.report import REFUSED_WARNING, ImportReport
from flashcards.core.models import utcnow_guard
from flashcards.core.notes import apply_note, bulk_insert_notes, drops_reviewed_cards
from flashcards.core.notetypes import note_values, validate_note
from flashcards.core.paths import shipped_deck_digests
from flashcards.core.tables import NOTE


def import_deck_file(col: Collection, deck_file: DeckFile, now: datetime) -> OpResult[ImportReport]:
    """Import a deck file in one transaction; same ids update notes and keep progress.

    Notes of the deck that the file no longer has are reported in ``missing``, not deleted.
    A note whose change would delete cards with review history (another kind, fewer cloze
    deletions) is left as it is and counted in ``refused``. Nothing is written when the
    file adds and changes nothing (no empty deck).

    Returns:
        What was added, updated, left unchanged, refused and missed; the changes:
        ``DECKS | NOTES | CARDS``.

    Raises:
        InputError: If a note is not valid, or a note id of the file belongs to a note of
            another deck (outside this deck and its subdecks); nothing is changed then.
    """
    now = utcnow_guard(now)
    name = normalise_deck_name(deck_file.name)
    for spec in deck_file.notes:
        try:
            validate_note(spec)
        except InputError as exc:
            raise InputError(f"Note {spec.id!r} of the deck file: {exc}") from None
    report = ImportReport(deck=name)
    decks = col.decks.names()
    own = set(subdeck_ids(decks, name))
    with Session(col.engine) as session:
        conn = session.connection()
        uids = [n.id for n in deck_file.notes]
        existing = {
            r["uid"]: r
            for start in range(0, len(uids), 500)
            for r in conn.execute(
                select(NOTE).where(NOTE.c.uid.in_(uids[start : start + 500]))
            ).mappings()
        }
        foreign = [u for u in uids if u in existing and existing[u]["deck_id"] not in own]
        if foreign:
            other = decks.get(int(existing[foreign[0]]["deck_id"]), "?")
            raise InputError(
                f"The deck file {name!r} reuses {len(foreign)} note id(s) of the deck "
                f"{other!r} (such as {foreign[0]!r}); give its notes ids of their own."
            )
        fresh: list[NoteSpec] = []
        changed: list[tuple[int, NoteSpec]] = []
        for spec in deck_file.notes:
            row = existing.get(spec.id)
            if row is None:
                fresh.append(spec)
            elif note_values(spec) == {k: row[k] for k in note_values(spec)}:
                report.unchanged += 1
            elif drops_reviewed_cards(conn, int(row["id"]), spec):
                report.refused += 1
            else:
                changed.append((int(row["id"]), spec))
        description_changed = bool(deck_file.description) and (
            not own or col.decks.description(col.decks.id(name)) != deck_file.description
        )
        if fresh or changed or description_changed:
            deck_id = col.decks.ensure(session, name, now, deck_file.description)
            for note_id, spec in changed:
                apply_note(conn, note_id, spec, now)
            bulk_insert_notes(conn, fresh, deck_id, now)
            report.added, report.updated = len(fresh), len(changed)
        if own:
            in_file = set(uids)
            report.missing = [
                r[0]
                for r in conn.execute(
                    select(NOTE.c.uid)
                    .where(NOTE.c.deck_id == col.decks.id(name))
                    .order_by(NOTE.c.id)
                )
                if r[0] not in in_file
            ]
        session.commit()
    if report.refused:
        report.warnings.append(REFUSED_WARNING.format(n=report.refused))
    return announce(col.notify, report, Change.DECKS | Change.NOTES | Change.CARDS)


def load_shipped_decks(
    col: Collection, folder: Path, now: datetime
) -> OpResult[list[ImportReport]]:
    """Load the shipped deck files of ``folder`` that are new or changed since last time.

    A shipped file is loaded once; when it changes, only notes it adds are loaded, so the
    learner's edits and progress are never overwritten. Unchanged files cost one hash.

    Returns:
        A report per file loaded; the changes of its imports and of the settings that
        remember the files (none when every file was loaded before).
    """
    reports = []
    changes = NO_CHANGE
    digests = shipped_deck_digests(folder)
    for path in sorted(folder.glob("*.toml")):
        key = f"shipped:{path.name}"
        digest = digests[key]
        if col.config.get(key) == digest:
            continue
        deck_file = read_deck_file(path)
        with col.engine.connect() as conn:
            known = {
                r[0]
                for r in conn.execute(
                    select(NOTE.c.uid).where(NOTE.c.uid.in_([n.id for n in deck_file.notes]))
                )
            }
        fresh = [n for n in deck_file.notes if n.id not in known]
        report = ImportReport(deck=deck_file.name)
        if fresh or not known:
            deck_file.notes = fresh
            imported = import_deck_file(col, deck_file, now)
            report, changes = imported.value, changes | imported.changes
            report.missing = []
        changes |= col.config.set(key, digest).changes
        reports.append(report)
    # Each step announced its own changes; this one is what the whole load changed.
    return OpResult(reports, changes)
