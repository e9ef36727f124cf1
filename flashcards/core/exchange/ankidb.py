"""Reading an Anki collection database (schema 11 or 18) into our terms."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from flashcards.core import scheduling
from flashcards.core.collection import DeckSettings, card_ords, normalise_deck_name
from flashcards.core.deckfile import NoteSource, cloze_numbers
from flashcards.core.errors import InputError
from flashcards.core.exchange.common import (
    Incoming,
    IncomingCard,
    IncomingNote,
    IncomingReview,
    aware,
    html_to_text,
    protobuf_fields,
    tags_of,
)
from flashcards.core.exchange.notetypes import KIND_OF_MODEL
from flashcards.core.models import CardState, NoteKind


@dataclass(frozen=True)
class _NoteType:
    cloze: bool
    fields: int
    templates: int


def _note_types(db: sqlite3.Connection, tables: set[str]) -> dict[int, _NoteType]:
    if "notetypes" in tables:
        fields = Counter(int(r[0]) for r in db.execute("SELECT ntid FROM fields"))
        templates = Counter(int(r[0]) for r in db.execute("SELECT ntid FROM templates"))
        out = {}
        for ntid, config in db.execute("SELECT id, config FROM notetypes"):
            kind = protobuf_fields(bytes(config or b"")).get(1, [0])[0]
            out[int(ntid)] = _NoteType(kind == 1, fields[int(ntid)], templates[int(ntid)])
        return out
    models = json.loads(db.execute("SELECT models FROM col").fetchone()[0] or "{}")
    return {
        int(mid): _NoteType(
            int(m.get("type", 0)) == 1, len(m.get("flds", [])), len(m.get("tmpls", []))
        )
        for mid, m in models.items()
    }


def _decks(db: sqlite3.Connection, tables: set[str]) -> dict[int, tuple[str, str]]:
    out: dict[int, tuple[str, str]] = {}
    if "notetypes" in tables:
        for did, name, kind in db.execute("SELECT id, name, kind FROM decks"):
            description = ""
            normal = protobuf_fields(bytes(kind or b"")).get(1, [])
            if normal and isinstance(normal[0], bytes):
                desc = protobuf_fields(normal[0]).get(4, [b""])[0]
                if isinstance(desc, bytes):
                    description = desc.decode("utf-8", "replace")
            out[int(did)] = (str(name).replace("\x1f", "::"), description)
        return out
    decks = json.loads(db.execute("SELECT decks FROM col").fetchone()[0] or "{}")
    for did, deck in decks.items():
        out[int(did)] = (str(deck.get("name", "")), str(deck.get("desc", "") or ""))
    return out


def _deck_name(name: str, fallback: str) -> str:
    try:
        return normalise_deck_name(name)
    except InputError:
        return fallback


def _memory(data: str, factor: int, ivl: int, state: int) -> tuple[float, float]:
    """FSRS stability and difficulty from Anki's card data, else estimated from SM-2 values."""
    try:
        parsed = json.loads(data) if data else {}
        s, d = float(parsed["s"]), float(parsed["d"])
        if s > 0 and 1 <= d <= 10:
            return s, d
    except (ValueError, KeyError, TypeError):
        pass
    difficulty = min(10.0, max(1.0, 11.0 - (max(factor, 1300) / 1000 - 1.0) / 0.2))
    stability = float(max(ivl, 1)) if state != CardState.LEARNING else 1.0
    return stability, difficulty


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200]


def _unicase(a: str, b: str) -> int:
    x, y = a.casefold(), b.casefold()
    return (x > y) - (x < y)


def read_collection(db_path: Path, origin: str, now: datetime, deck: str | None) -> Incoming:
    """Read the notes, cards and review log of an Anki collection file.

    Raises:
        InputError: If the database is damaged or is not an Anki collection.
    """
    try:
        db = sqlite3.connect(db_path)
        db.create_collation("unicase", _unicase)  # Anki's collation of names (schema 18)
        db.text_factory = _text
    except sqlite3.Error as exc:
        raise InputError(f"{origin} holds a damaged collection ({exc}).") from None
    try:
        check = db.execute("PRAGMA quick_check").fetchone()
        if not check or check[0] != "ok":
            raise InputError(f"{origin} holds a damaged collection database.")
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not {"col", "notes", "cards"} <= tables:
            raise InputError(f"{origin} holds no Anki collection (tables are missing).")
        return _read(db, tables, origin, now, deck)
    except sqlite3.Error as exc:
        raise InputError(f"{origin} holds a damaged collection ({_one_line(exc)}).") from None
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError) as exc:
        # Untrusted content that passed SQLite's checks but not ours (bad JSON, bad numbers).
        raise InputError(
            f"{origin} holds a damaged collection ({exc.__class__.__name__}: {_one_line(exc)})."
        ) from None
    finally:
        db.close()


def _read(
    db: sqlite3.Connection, tables: set[str], origin: str, now: datetime, deck: str | None
) -> Incoming:
    fallback = deck or _deck_name(Path(origin).stem, "Imported")
    crt = int(db.execute("SELECT crt FROM col").fetchone()[0] or 0)
    source_today = int((now.timestamp() - crt) // 86400)
    types = _note_types(db, tables)
    decks = _decks(db, tables)
    incoming = Incoming(notes=[], main_deck=fallback)

    cards: dict[int, list[tuple[Any, ...]]] = {}
    for row in db.execute(
        "SELECT id, nid, did, ord, type, queue, due, ivl, factor, reps, lapses, left, odue, odid,"
        " data FROM cards ORDER BY nid, ord"
    ):
        cards.setdefault(int(row[1]), []).append(row)
    reviews: dict[int, list[tuple[Any, ...]]] = {}
    if "revlog" in tables:
        for row in db.execute("SELECT id, cid, ease, ivl, time, type FROM revlog ORDER BY id"):
            reviews.setdefault(int(row[1]), []).append(row)

    learn_steps = len(scheduling.parse_steps(DeckSettings().learning_steps))
    relearn_steps = len(scheduling.parse_steps(DeckSettings().relearning_steps))

    def day(number: int) -> datetime:
        return now + timedelta(days=int(number) - source_today)

    def card_of(row: tuple[Any, ...]) -> IncomingCard | None:
        (
            cid,
            _nid,
            _did,
            _ord,
            ctype,
            queue,
            due,
            ivl,
            factor,
            reps,
            lapses,
            left,
            odue,
            odid,
            data,
        ) = row
        ctype, queue, due, ivl = int(ctype), int(queue), int(due), int(ivl)
        if odid and odue:  # in a filtered deck: its home due
            due = int(odue)
        logs = [r for r in reviews.get(int(cid), []) if 1 <= int(r[2]) <= 4 and int(r[5]) <= 3]
        if ctype == 0 and not logs:
            return None
        state = {1: CardState.LEARNING, 2: CardState.REVIEW, 3: CardState.RELEARNING}.get(
            ctype, CardState.LEARNING
        )
        if ctype == 0:  # reset to new after reviews: keep the history, restart learning
            state = CardState.LEARNING
        last_review = aware(int(logs[-1][0]) / 1000) if logs else None
        if state == CardState.REVIEW:
            due_at = day(due)
            if last_review is None:
                last_review = due_at - timedelta(days=max(ivl, 1))
            step = None
        else:
            due_at = aware(due) if queue == 1 or due > 1_000_000_000 else day(due)
            if ctype == 0:
                due_at = now
            steps = learn_steps if state == CardState.LEARNING else relearn_steps
            step = min(max(0, steps - int(left) % 1000), max(0, steps - 1))
            if last_review is None:
                last_review = min(due_at, now)
        stability, difficulty = _memory(str(data or ""), int(factor), ivl, state)
        history = []
        seen_first = False
        for rid, _cid, ease, rivl, time, rtype in logs:
            rtype, rivl = int(rtype), int(rivl)
            if rtype == 0:
                before = CardState.LEARNING if seen_first else CardState.NEW
            else:
                before = {1: CardState.REVIEW, 2: CardState.RELEARNING}.get(rtype, CardState.REVIEW)
            seen_first = True
            if rivl > 0:
                after, days = CardState.REVIEW, float(rivl)
            else:
                after = CardState.RELEARNING if rtype in (1, 2) else CardState.LEARNING
                days = -rivl / 86400
            history.append(
                IncomingReview(
                    aware(int(rid) / 1000), int(ease), max(0, int(time)), before, after, days
                )
            )
        return IncomingCard(
            state=state,
            step=step,
            stability=stability,
            difficulty=difficulty,
            due=due_at,
            last_review=last_review,
            reps=int(reps),
            lapses=int(lapses),
            suspended=queue == -1,
            reviews=history,
        )

    skipped = 0
    for nid, guid, mid, mod, tags, flds in db.execute(
        "SELECT id, guid, mid, mod, tags, flds FROM notes ORDER BY id"
    ):
        fields = [html_to_text(f) for f in str(flds).split("\x1f")]
        note_cards = cards.get(int(nid), [])
        ntype = types.get(int(mid), _NoteType(False, len(fields), 1))
        kind = KIND_OF_MODEL.get(int(mid))
        source = NoteSource()
        if kind is not None and len(fields) == 5:
            source = NoteSource(fields[4], fields[3], fields[2])
        elif ntype.cloze:
            kind = NoteKind.CLOZE
        elif ntype.templates == 2 and any(int(c[3]) == 1 for c in note_cards):
            kind = NoteKind.REVERSED
        else:
            kind = NoteKind.BASIC
        front = fields[0]
        back = fields[1] if len(fields) > 1 else ""
        if kind == NoteKind.CLOZE and not cloze_numbers(front):
            kind = NoteKind.BASIC
        if kind == NoteKind.REVERSED and not back.strip():
            kind = NoteKind.BASIC
        if not front.strip() or not str(guid):
            skipped += 1
            continue
        home = next((int(c[13]) or int(c[2]) for c in note_cards), 0)
        name = deck or _deck_name(decks.get(home, ("", ""))[0], fallback)
        wanted = set(card_ords(kind, front))
        scheduled = {}
        for row in note_cards:
            if int(row[3]) in wanted:
                card = card_of(row)
                if card is not None:
                    scheduled[int(row[3])] = card
        incoming.notes.append(
            IncomingNote(
                guid=str(guid),
                kind=kind,
                front=front,
                back=back,
                tags=tags_of(str(tags)),
                deck=name,
                source=source,
                modified=aware(int(mod)),
                cards=scheduled,
            )
        )
    if skipped:
        incoming.warnings.append(f"{skipped} note(s) with an empty first field were skipped.")
    if deck is None:
        for name, description in decks.values():
            if description:
                incoming.descriptions[_deck_name(name, fallback)] = html_to_text(description)
    if incoming.notes:
        incoming.main_deck = incoming.notes[0].deck.split("::")[0] if deck is None else deck
    return incoming
