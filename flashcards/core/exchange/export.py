"""Export to Anki: ``.apkg`` packages (genanki, plus the learner's progress) and text files."""

from __future__ import annotations

import copy
import csv
import itertools
import json
import math
import os
import sqlite3
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import genanki
from sqlalchemy import String, select, type_coerce

from flashcards.core import anki_types, scheduling
from flashcards.core.collection import Collection
from flashcards.core.deck_names import subdeck_ids
from flashcards.core.deckfile import NoteSource
from flashcards.core.enums import RESET_RATING, CardState, NoteKind
from flashcards.core.exchange.anki_notetypes import build_anki_model
from flashcards.core.exchange.anki_presets import anki_id_of
from flashcards.core.exchange.common import (
    deck_id_for,
    tags_of,
    text_to_html,
)
from flashcards.core.exchange.our_notetypes import FIELDS, NAMES, build_model
from flashcards.core.exchange.package_media import media_to_export
from flashcards.core.media import template_text
from flashcards.core.models import (
    ANKI_DEFAULT_PRESET_ID,
    AnkiNoteType,
    table_of,
    utcnow_guard,
)
from flashcards.core.notetypes import card_ords
from flashcards.core.presets import DeckSettings, NewInsert
from flashcards.core.shipped_notetypes import fields_of_columns
from flashcards.core.tables import CARD, DECK, LOG, NOTE, PRESET

NOTETYPE = table_of(AnkiNoteType)

#: Day numbers in a package count from a creation time this many days before "today".
CRT_DAYS_BEFORE_TODAY = 10_000

Progress = Callable[[float], None]


def guid_of(uid: str) -> str:
    """The Anki GUID of one of our notes: the original GUID of notes that came from Anki."""
    return uid[5:] if uid.startswith("anki:") else str(genanki.guid_for(uid))


@dataclass(slots=True)  # not frozen: a frozen dataclass is slow to build 10,000 times
class _Row:
    id: int
    uid: str
    deck: str
    kind: str
    front: str
    back: str
    tags: tuple[str, ...]
    title: str
    section: str
    sentence: str
    modified: datetime
    anki_notetype: int | None = None
    anki_fields: str | None = None

    def anki_note_fields(self, count: int) -> list[str] | None:
        """The fields of a note from Anki as Anki had them, with the edits made here.

        A field keeps its HTML (formatting, media references) unless its text was edited
        here. None if the stored fields do not fit the note type (``count`` fields).
        """
        return anki_types.note_fields(self.anki_fields, self.front, self.back, count)

    def fields(self) -> list[str]:
        """The fields of a note of a shipped type (its columns, as HTML)."""
        source = NoteSource(self.title, self.section, self.sentence)
        return fields_of_columns(self.front, self.back, source)


def _scope(col: Collection, deck: str | None) -> dict[int, str]:
    decks = col.decks.names()
    if deck is None:
        return decks
    col.decks.id(deck)  # raises NotFoundError for an unknown deck
    return {i: decks[i] for i in subdeck_ids(decks, deck)}


def _rows(col: Collection, scope: dict[int, str], everything: bool) -> list[_Row]:
    query = select(
        NOTE.c.id,
        NOTE.c.uid,
        NOTE.c.deck_id,
        NOTE.c.kind,
        NOTE.c.front,
        NOTE.c.back,
        NOTE.c.tags,
        NOTE.c.source_title,
        NOTE.c.source_section,
        NOTE.c.source_sentence,
        # Raw: one fromisoformat per note instead of the generic type conversion.
        type_coerce(NOTE.c.modified, String),
        NOTE.c.anki_notetype_id,
        NOTE.c.anki_fields,
    ).order_by(NOTE.c.id)
    if not everything:
        query = query.where(NOTE.c.deck_id.in_(list(scope)))
    with col.engine.connect() as conn:
        result = conn.execute(query).all()
    return [
        _Row(
            int(r[0]),
            r[1],
            scope.get(int(r[2]), "Default"),
            r[3],
            r[4],
            r[5],
            tags_of(r[6]),
            r[7],
            r[8],
            r[9],
            _utc(r[10]),
            r[11],
            r[12],
        )
        for r in result
    ]


def _anki_models(col: Collection, ids: set[int | None]) -> dict[int, genanki.Model]:
    """The kept Anki note types of these ids, as genanki models with their own ids."""
    wanted = [i for i in ids if i]
    if not wanted:
        return {}
    with col.engine.connect() as conn:
        found = conn.execute(
            select(NOTETYPE.c.id, NOTETYPE.c.config).where(NOTETYPE.c.id.in_(wanted))
        ).all()
    return {int(mid): build_anki_model(int(mid), json.loads(config)) for mid, config in found}


def _card_ords(col: Collection, note_ids: Sequence[int]) -> dict[int, list[int]]:
    """The ordinals of the cards these notes have here, ascending, by note id."""
    out: dict[int, list[int]] = {}
    with col.engine.connect() as conn:
        for start in range(0, len(note_ids), 500):
            chunk = list(note_ids[start : start + 500])
            for note_id, ord_ in conn.execute(
                select(CARD.c.note_id, CARD.c.ord)
                .where(CARD.c.note_id.in_(chunk))
                .order_by(CARD.c.note_id, CARD.c.ord)
            ):
                out.setdefault(int(note_id), []).append(int(ord_))
    return out


def _anki_type_ords(model: genanki.Model, ords: list[int]) -> list[int]:
    """The ordinals of a note's cards that its Anki note type can have.

    A standard note type has a card per template at most (a card beyond them has no template
    to show it in Anki); a cloze note type one per cloze number.
    """
    if model.model_type == genanki.Model.CLOZE:
        return ords
    return [o for o in ords if o < len(model.templates)]


def _utc(value: Any) -> datetime:
    # SQLite gives the stored naive-UTC text, other databases a datetime.
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


class _Note(genanki.Note):  # type: ignore[misc]  # genanki is untyped
    """A genanki note with our card ordinals and its own modification time."""

    def __init__(self, mod: float, ords: list[int], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._mod = mod
        self._ords = ords

    @property
    def cards(self) -> list[genanki.Card]:
        # genanki 0.13.1 gives a cloze note without a deletion zero cards; we decide instead.
        return [genanki.Card(o) for o in self._ords]

    def write_to_db(self, cursor: Any, timestamp: float, deck_id: int, id_gen: Any) -> None:
        # The note's modification time: Anki updates a note only when this is newer.
        super().write_to_db(cursor, self._mod, deck_id, id_gen)


def export_apkg(
    col: Collection,
    path: Path | str,
    now: datetime,
    deck: str | None = None,
    with_progress: bool = False,
    progress: Progress | None = None,
) -> ExportReport:
    """Write an Anki package (``.apkg``) of all decks or of one deck and its subdecks.

    Ids are stable (models, fields, templates, decks, note GUIDs), so importing a later export
    into Anki updates notes in place. With ``with_progress`` the cards keep their scheduling
    (including the FSRS memory state) and the review log goes along.

    Args:
        col: The collection.
        path: Where to write the package (replaced atomically).
        now: The export time (genanki's deterministic timestamp; "today" for due days).
        deck: Only this deck and its subdecks; None for everything.
        with_progress: Also write the cards' scheduling and the review log.
        progress: Called with the fraction done (0.0 to 1.0), e.g. for a progress bar.

    Returns:
        The notes and media files written, and the media names the notes use that the
        media folder does not hold (the package goes without them).

    Raises:
        NotFoundError: If ``deck`` does not exist.
    """
    now = utcnow_guard(now)
    report = progress or (lambda _fraction: None)
    report(0.0)
    scope = _scope(col, deck)
    rows = _rows(col, scope, deck is None)
    with col.engine.connect() as conn:
        descriptions = {
            int(r[0]): str(r[1])
            for r in conn.execute(
                select(DECK.c.id, DECK.c.description).where(DECK.c.id.in_(list(scope)))
            )
        }
    report(0.1)
    models = {kind.value: build_model(kind) for kind in NoteKind}
    anki_models = _anki_models(col, {r.anki_notetype for r in rows if r.anki_notetype})
    gdecks: dict[str, genanki.Deck] = {}
    for deck_id, name in sorted(scope.items(), key=lambda item: item[1]):
        gdecks[name] = genanki.Deck(
            deck_id_for(name), name, description=text_to_html(descriptions.get(deck_id, ""))
        )
    # A note in an Anki note type of its own has the cards it has here, whatever our kind
    # would make: every card Anki gave it and those its templates made for edits here.
    anki_ords = _card_ords(col, [r.id for r in rows if r.anki_notetype in anki_models])
    step = max(1, len(rows) // 20)
    media_fields: list[str] = []
    for index, row in enumerate(rows):
        ords = card_ords(row.kind, row.front) or [0]
        model = models.get(row.kind, models[NoteKind.BASIC])
        fields = None
        anki_model = anki_models.get(row.anki_notetype or 0)
        if anki_model is not None:  # back as the same Anki note type, or Anki skips it
            fields = row.anki_note_fields(len(anki_model.fields))
            if fields is not None:
                model = anki_model
                ords = _anki_type_ords(anki_model, anki_ords.get(row.id, [])) or [0]
                media_fields.extend(fields)
        note = _Note(
            row.modified.timestamp(),
            ords,
            model=model,
            fields=fields if fields is not None else row.fields(),
            tags=row.tags,
            guid=guid_of(row.uid),
            due=index + 1,
        )
        target = gdecks.get(row.deck)
        if target is None:
            target = gdecks[row.deck] = genanki.Deck(deck_id_for(row.deck), row.deck)
        target.add_note(note)
        if index % step == 0:
            report(0.1 + 0.4 * index / max(1, len(rows)))
    package = genanki.Package(list(gdecks.values()))
    templates = [template_text({"css": m.css, "tmpls": m.templates}) for m in anki_models.values()]
    media, missing = media_to_export(col.media, media_fields, templates)
    timestamp = now.timestamp()
    destination = Path(path)
    with tempfile.TemporaryDirectory(prefix="flashcards-export-") as tmp:
        db_path = Path(tmp) / "collection.anki2"
        db = sqlite3.connect(db_path)
        try:
            cursor = db.cursor()
            package.write_to_db(cursor, timestamp, itertools.count(int(timestamp * 1000)))
            report(0.8)
            _finish_collection(col, db, rows, now, with_progress)
            _write_presets(col, db, scope, now)
            db.commit()
        finally:
            db.close()
        report(0.9)
        with _replacing(destination) as partial:
            _write_zip(partial, db_path, now, media)
    report(1.0)
    return ExportReport(len(rows), len(media), missing)


@dataclass(frozen=True)
class ExportReport:
    """What an export wrote."""

    notes: int
    """Notes written."""
    media: int
    """Media files written (images, sounds, the note types' ``_`` files)."""
    missing_media: list[str]
    """Names the notes refer to that are not in the media folder (left out)."""


#: Media files already compressed gain nothing from deflate; these are stored as they are.
_STORED_SUFFIXES = frozenset(
    {".jpg", ".jpeg", ".png", ".gif", ".webp", ".mp3", ".m4a", ".ogg", ".opus", ".mp4", ".webm"}
)


def _write_zip(path: Path, db_path: Path, now: datetime, media: list[tuple[str, Path]]) -> None:
    """The package: the collection, then each media file as ``0``, ``1``... and the list.

    The media list is Anki's legacy JSON map (``{"0": "cat.jpg"}``), which every Anki
    version reads and which goes with the legacy ``collection.anki2``.
    """
    stamp = now.timetuple()[:6]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        info = zipfile.ZipInfo("collection.anki2", date_time=stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        with db_path.open("rb") as src, out.open(info, "w") as dst:
            while chunk := src.read(1 << 20):
                dst.write(chunk)
        names: dict[str, str] = {}
        for index, (name, source) in enumerate(media):
            member = zipfile.ZipInfo(str(index), date_time=stamp)
            stored = source.suffix.lower() in _STORED_SUFFIXES
            member.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            with source.open("rb") as src, out.open(member, "w", force_zip64=True) as dst:
                while chunk := src.read(1 << 20):
                    dst.write(chunk)
            names[str(index)] = name
        listing = zipfile.ZipInfo("media", date_time=stamp)
        listing.compress_type = zipfile.ZIP_DEFLATED
        out.writestr(listing, json.dumps(names, ensure_ascii=False))


def _finish_collection(
    col: Collection, db: sqlite3.Connection, rows: Sequence[_Row], now: datetime, progress: bool
) -> None:
    """Set the package's creation day and scheduler version; with progress, cards and revlog."""
    day_start, _ = col.config.day_bounds(now)
    crt = int(day_start.timestamp()) - CRT_DAYS_BEFORE_TODAY * 86400
    conf = json.loads(db.execute("SELECT conf FROM col").fetchone()[0])
    conf["schedVer"] = 2  # otherwise Anki reads the package as v1 and shifts logged ratings
    db.execute("UPDATE col SET crt = ?, conf = ?", (crt, json.dumps(conf)))
    if progress and rows:
        _write_progress(col, db, rows, now)


def _write_presets(
    col: Collection, db: sqlite3.Connection, scope: dict[int, str], now: datetime
) -> None:
    """Write each preset the package's decks use once, and point each deck at its own.

    Each preset goes with the id :func:`anki_id_of` gives it, its name, every option and its
    modified time; Anki adds it when "Import any deck presets" is ticked and it has no preset
    of that id.
    """
    with col.engine.connect() as conn:
        rows = conn.execute(
            select(DECK.c.id.label("deck_id"), PRESET)
            .join(PRESET, PRESET.c.id == DECK.c.preset_id)
            .where(DECK.c.id.in_(list(scope)))
        ).mappings()
        preset_of = {int(r["deck_id"]): r for r in rows}
    conf = json.loads(db.execute("SELECT dconf FROM col").fetchone()[0])
    decks = json.loads(db.execute("SELECT decks FROM col").fetchone()[0])
    base = conf[str(ANKI_DEFAULT_PRESET_ID)]
    by_deck_id = {int(d["id"]): d for d in decks.values()}
    written: dict[int, int] = {}  # our preset id -> its Anki id
    for deck_id, name in sorted(scope.items(), key=lambda item: item[1]):
        row = preset_of.get(deck_id)
        if row is None:
            continue
        ours = int(row["id"])
        anki_id = written.get(ours)
        if anki_id is None:
            anki_id = anki_id_of(row)
            written[ours] = anki_id
            settings = DeckSettings.from_columns(row)
            own = _laid_over(base, str(row["anki_config"]))
            conf[str(anki_id)] = _anki_preset(
                own, anki_id, str(row["name"]), settings, row["modified"]
            )
        deck = by_deck_id.get(deck_id_for(name))
        if deck is not None:
            deck["conf"] = anki_id
    db.execute("UPDATE col SET dconf = ?, decks = ?", (json.dumps(conf), json.dumps(decks)))


#: The largest whole number most of Anki's preset options take (an i32 or a u32 in Anki).
_I32 = 2**31 - 1
#: The largest a 32-bit float (Anki's option numbers) holds.
_F32 = 3.4e38


def _same_kind(kind: object, value: object) -> bool:
    """Whether a kept option's value is one Anki reads where ``kind`` is its kind.

    ``kind`` is a flag (a bool), a whole number (the largest allowed), a float (any finite
    32-bit one), a text, or a list of one such kind.
    """
    if isinstance(kind, bool) or isinstance(value, bool):
        return isinstance(kind, bool) and isinstance(value, bool)
    if isinstance(kind, int):
        return isinstance(value, int) and 0 <= value <= kind
    if isinstance(kind, float):
        return isinstance(value, int | float) and math.isfinite(value) and abs(value) <= _F32
    if isinstance(kind, list):
        return isinstance(value, list) and all(_same_kind(kind[0], v) for v in value)
    return isinstance(value, type(kind))


#: The kind of each option of Anki's preset (legacy JSON), for :func:`_same_kind`: a kept
#: value of another kind would make Anki refuse the whole package.
_ANKI_KINDS: dict[str, Any] = {
    "answerAction": _I32,
    "autoplay": True,
    "buryInterdayLearning": False,
    "desiredRetention": 0.0,
    "easyDaysPercentages": [0.0],
    "fsrsParams5": [0.0],
    "fsrsParams6": [0.0],
    "fsrsWeights": [0.0],
    "ignoreRevlogsBeforeDate": "",
    "interdayLearningMix": _I32,
    "maxTaken": _I32,
    "newGatherPriority": _I32,
    "newMix": _I32,
    "newPerDayMinimum": _I32,
    "newSortOrder": _I32,
    "questionAction": _I32,
    "replayq": True,
    "reviewOrder": _I32,
    "secondsToShowAnswer": 0.0,
    "secondsToShowQuestion": 0.0,
    "sm2Retention": 0.0,
    "stopTimerOnAnswer": False,
    "timer": 255,
    "waitForAudio": True,
    "weightSearch": "",
}
#: The same for the options of its groups (``new``, ``rev``, ``lapse``).
_GROUP_KINDS: dict[str, dict[str, Any]] = {
    "new": {
        "bury": False,
        "delays": [0.0],
        "initialFactor": 65535,
        "ints": [65535],
        "order": 1,
        "perDay": _I32,
    },
    "rev": {
        "bury": False,
        "ease4": 0.0,
        "ivlFct": 0.0,
        "maxIvl": _I32,
        "perDay": _I32,
        "hardFactor": 0.0,
    },
    "lapse": {"delays": [0.0], "leechAction": 1, "leechFails": _I32, "minInt": _I32, "mult": 0.0},
}


def _laid_over(base: dict[str, Any], kept: str) -> dict[str, Any]:
    """Anki's default preset with a preset's own kept options (those Anki could read) over it.

    A kept option of a kind Anki's default does not have is left out (the package may not
    have come from Anki); options Anki does not know are kept, as Anki keeps them.
    """
    out: dict[str, Any] = copy.deepcopy(base)
    try:
        own = json.loads(kept)
    except ValueError:
        own = None
    if not isinstance(own, dict):
        return out
    for key, value in own.items():
        if key in _GROUP_KINDS:
            kinds = _GROUP_KINDS[key]
            if isinstance(value, dict) and isinstance(out.get(key), dict):
                # The base's keys Anki no longer has (genanki's "separate", "minSpace", ...)
                # would arrive in Anki as keys the preset never had.
                group = {k: v for k, v in out[key].items() if k in kinds}
                for name, inner in value.items():
                    if name not in kinds or _same_kind(kinds[name], inner):
                        group[name] = inner
                out[key] = group
        elif key not in _ANKI_KINDS or _same_kind(_ANKI_KINDS[key], value):
            out[key] = value
    return out


def _anki_preset(
    base: dict[str, Any], preset_id: int, name: str, settings: DeckSettings, modified: datetime
) -> dict[str, Any]:
    """An Anki preset (legacy JSON, as in a ``.apkg``'s ``col.dconf``) with our options."""
    preset: dict[str, Any] = copy.deepcopy(base)  # genanki's Default preset: every key Anki needs

    def minutes(steps: str) -> list[float]:
        return [step.total_seconds() / 60 for step in scheduling.parse_steps(steps)]

    preset.update(
        id=preset_id,
        name=name,
        mod=int(modified.timestamp()),
        usn=-1,
        dyn=False,
        buryInterdayLearning=settings.bury_interday,
        desiredRetention=settings.desired_retention,
        fsrsParams6=list(settings.fsrs_params),
        newGatherPriority=settings.new_gather_order,
        newSortOrder=settings.new_sort_order,
    )
    preset["new"].update(
        delays=minutes(settings.learning_steps),
        perDay=settings.new_per_day,
        bury=settings.bury_new,
        # The legacy insertion order: 0 random, 1 in the order added.
        order=0 if settings.new_insert_order == NewInsert.RANDOM else 1,
    )
    preset["lapse"].update(
        delays=minutes(settings.relearning_steps),
        leechFails=settings.leech_threshold,
        leechAction=0 if settings.leech_suspend else 1,  # Anki: 0 suspend, 1 tag only
    )
    preset["rev"].update(
        perDay=settings.reviews_per_day,
        maxIvl=settings.maximum_interval,
        bury=settings.bury_reviews,
    )
    return preset


#: Anki's review log kinds: a learning, review or relearning answer, and a reset to new
#: (Forget: kind Manual with no button and no ease factor, which Anki reads as a reset).
_REVLOG_KIND = {CardState.REVIEW: 1, CardState.RELEARNING: 2}
_RESET_KIND = 4
#: A preview answer: Anki's Filtered kind (with factor 0, its cramming entry).
_PREVIEW_KIND = 3


def _write_progress(
    col: Collection, db: sqlite3.Connection, rows: Sequence[_Row], now: datetime
) -> None:
    today = col.config.learner_day(now)

    def day_number(moment: datetime) -> int:
        return CRT_DAYS_BEFORE_TODAY + (col.config.learner_day(moment) - today).days

    package_cards: dict[tuple[str, int], int] = {
        (guid, int(ord_)): int(cid)
        for cid, guid, ord_ in db.execute(
            "SELECT c.id, n.guid, c.ord FROM cards c JOIN notes n ON n.id = c.nid"
        )
    }
    guid_by_note = {row.id: guid_of(row.uid) for row in rows}
    note_ids = list(guid_by_note)
    card_rows: list[Any] = []
    log_rows: list[Any] = []
    with col.engine.connect() as conn:
        for start in range(0, len(note_ids), 500):
            chunk = note_ids[start : start + 500]
            card_rows += conn.execute(select(CARD).where(CARD.c.note_id.in_(chunk))).all()
        card_ids = [int(r.id) for r in card_rows]
        for start in range(0, len(card_ids), 500):
            chunk = card_ids[start : start + 500]
            log_rows += conn.execute(
                select(
                    LOG.c.card_id,
                    LOG.c.reviewed_at,
                    LOG.c.rating,
                    LOG.c.duration_ms,
                    LOG.c.state_before,
                    LOG.c.state_after,
                    LOG.c.interval_days,
                    LOG.c.difficulty_after,
                    LOG.c.anki_factor,
                    LOG.c.preview,
                ).where(LOG.c.card_id.in_(chunk))
            ).all()
    ours_to_package: dict[int, int] = {}
    taken = set(package_cards.values())
    renumber = []
    for card in card_rows:
        package_id = package_cards.get((guid_by_note[int(card.note_id)], int(card.ord)))
        if package_id is None:
            continue
        if card.anki_id is not None and int(card.anki_id) not in taken:
            # A card from Anki goes back with its own id: Anki keeps its own card (same note
            # and ordinal) and takes the review log only for card ids it has.
            renumber.append((int(card.anki_id), package_id))
            taken.add(int(card.anki_id))
            package_id = int(card.anki_id)
        ours_to_package[int(card.id)] = package_id
    db.executemany("UPDATE cards SET id = ? WHERE id = ?", renumber)
    revlog, last_rid, last_ivl, reset_rid = _revlog(log_rows, ours_to_package)
    updates = []
    for card in card_rows:
        package_id = ours_to_package.get(int(card.id))
        if package_id is None:
            continue
        state = int(card.state)
        # What Anki's data held besides the memory state (pos, dr, decay...) goes back first.
        extras = _kept_object(card.anki_data)
        data = json.dumps(extras, separators=(",", ":"), ensure_ascii=False) if extras else ""
        if state != CardState.NEW and card.stability is not None and card.difficulty is not None:
            memory: dict[str, Any] = {
                "s": round(float(card.stability), 4),
                "d": round(float(card.difficulty), 4),
            }
            # Anki's last review time: its Check Database sets it to the time of the card's
            # last answer in the review log (in seconds) and marks the collection changed
            # (a one-way sync) when it differs, so it is taken from the log written here.
            if package_id in last_rid:
                memory["lrt"] = last_rid[package_id] // 1000
            elif card.last_review is not None:
                memory["lrt"] = int(card.last_review.timestamp())
            data = json.dumps(memory | extras, separators=(",", ":"), ensure_ascii=False)
        ivl, factor, left = 0, 2500, 0
        if state == CardState.NEW:
            ctype, queue, due, factor = 0, 0, None, 0
            if package_id in last_rid and reset_rid.get(package_id, -1) < last_rid[package_id]:
                # Reset to new after reviews with no reset logged (a collection from before
                # resets were logged, or an Anki import): Anki knows it by a reset
                # entry after the last answer. Ours is at the time the card became new (a
                # new card's due), or just after its last answer.
                became_new = min(card.due, now)  # Anki refuses ids after tomorrow
                at = max(round(became_new.timestamp() * 1000), last_rid[package_id] + 1)
                while at in revlog:
                    at += 1
                revlog[at] = (at, package_id, -1, 0, 0, last_ivl[package_id], 0, 0, _RESET_KIND)
        elif state == CardState.REVIEW:
            ctype, queue = 2, 2
            due = day_number(card.due)
            # Learner days from the last review to the due day, as Anki counts its interval
            # (a card answered at 22:00 and due 7 days later has ivl 7, not 7.25 rounded).
            if card.last_review is not None:
                ivl = max(1, day_number(card.due) - day_number(card.last_review))
            else:
                ivl = max(1, round(card.stability or 1.0))
        else:
            ctype = 1 if state == CardState.LEARNING else 3
            if card.due - now < timedelta(days=1):
                queue, due = 1, int(card.due.timestamp())
            else:
                queue, due = 3, day_number(card.due)
            # A card in a filtered deck (custom study) is scheduled by its home deck's options.
            settings = col.decks.settings(int(card.original_deck_id or card.deck_id))
            steps = scheduling.parse_steps(
                settings.learning_steps
                if state == CardState.LEARNING
                else settings.relearning_steps
            )
            left = max(1, len(steps) - int(card.step or 0))
            if state == CardState.RELEARNING:
                ivl = max(1, round(card.stability or 1.0))
        if card.suspended:
            queue = -1
        elif card.buried_until is not None and card.buried_until > now:
            # Anki's manual (-3) and sibling (-2) bury; Anki unburies them at its next day.
            queue = -3 if card.buried_by_user else -2
        updates.append(
            (
                ctype,
                queue,
                due,
                ivl,
                factor,
                int(card.reps),
                int(card.lapses),
                left,
                data,
                int(card.flags) & 7,
                package_id,
            )
        )
    db.executemany(
        "UPDATE cards SET type = ?, queue = ?, due = COALESCE(?, due), ivl = ?, factor = ?,"
        " reps = ?, lapses = ?, left = ? , data = ?, flags = ? WHERE id = ?",
        updates,
    )
    db.executemany("INSERT INTO revlog VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", list(revlog.values()))


def _kept_object(text: str | None) -> dict[str, Any]:
    """A JSON object kept in a column, or nothing when it is missing or not an object."""
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _revlog_factor(log: Any, before: int) -> int:
    """A review's revlog ``factor``: Anki's own when it came from Anki, else what Anki writes.

    Anki's FSRS writes the difficulty after the answer as ``100 + 1000 × (D − 1) / 9``
    (100 to 1100; measured against Anki 26.09).
    """
    if log.anki_factor is not None:
        return int(log.anki_factor)
    if log.difficulty_after is not None:
        return 100 + round((float(log.difficulty_after) - 1.0) / 9.0 * 1000)
    return 0 if before == CardState.NEW else 2500


def _revlog(
    log_rows: Sequence[Any], ours_to_package: dict[int, int]
) -> tuple[dict[int, tuple[int, ...]], dict[int, int], dict[int, int], dict[int, int]]:
    """Anki's review log rows of our reviews and resets, by id (their time in ms, made unique).

    Returns:
        The rows; per package card, the id (time) of its last answer, its last interval, and
        the id of its last reset.
    """
    revlog: dict[int, tuple[int, ...]] = {}
    last_rid: dict[int, int] = {}
    last_ivl: dict[int, int] = {}
    reset_rid: dict[int, int] = {}
    for log in sorted(log_rows, key=lambda r: (r.reviewed_at, r.card_id)):
        package_id = ours_to_package.get(int(log.card_id))
        if package_id is None:
            continue
        # Rounded: a time read from a package's id (milliseconds) goes back as that same id.
        rid = round(log.reviewed_at.timestamp() * 1000)
        while rid in revlog:
            rid += 1
        if int(log.rating) == RESET_RATING:  # Forget: as Anki logs it (new: ivl 0, factor 0)
            previous = last_ivl.get(package_id, 0)
            revlog[rid] = (rid, package_id, -1, 0, 0, previous, 0, 0, _RESET_KIND)
            last_ivl[package_id] = 0
            reset_rid[package_id] = rid
            continue
        days = float(log.interval_days)
        if log.preview:
            # As Anki logs a preview answer: type Filtered, factor 0, the delay in negative
            # seconds (0: back home); the card's own interval is left as it was.
            delay = -round(days * 86400)
            previous = last_ivl.get(package_id, 0)
            taken_ms = max(0, int(log.duration_ms))
            revlog[rid] = (
                rid,
                package_id,
                -1,
                int(log.rating),
                delay,
                previous,
                0,
                taken_ms,
                _PREVIEW_KIND,
            )
            continue
        ivl = round(days) if days >= 1 else -max(1, round(days * 86400))
        before = int(log.state_before)
        revlog[rid] = (
            rid,
            package_id,
            -1,
            int(log.rating),
            ivl,
            last_ivl.get(package_id, 0),
            _revlog_factor(log, before),
            max(0, int(log.duration_ms)),
            _REVLOG_KIND.get(CardState(before), 0),
        )
        last_ivl[package_id] = ivl
        last_rid[package_id] = rid
    return revlog, last_rid, last_ivl, reset_rid


def export_csv(col: Collection, path: Path | str, deck: str | None = None) -> int:
    """Write an Anki text file (tab-separated, with headers) of all decks or one deck.

    Columns: GUID, note type, deck, the five fields of our note types (HTML), tags. Anki
    imports it into our note types (present once one of our packages was imported); our own
    importer reads it back without loss.

    Returns:
        The number of notes written.

    Raises:
        NotFoundError: If ``deck`` does not exist.
    """
    scope = _scope(col, deck)
    rows = _rows(col, scope, deck is None)
    destination = Path(path)
    with _replacing(destination) as partial, partial.open("w", encoding="utf-8", newline="") as out:
        out.write(
            "#separator:tab\n#html:true\n#guid column:1\n#notetype column:2\n#deck column:3\n"
            f"#tags column:{4 + len(FIELDS[NoteKind.BASIC])}\n"
        )
        writer = csv.writer(out, delimiter="\t", lineterminator="\n")
        for row in rows:
            writer.writerow(
                [
                    guid_of(row.uid),
                    NAMES.get(row.kind, NAMES[NoteKind.BASIC]),
                    row.deck,
                    *(_inert(f) for f in row.fields()),
                    " ".join(row.tags),
                ]
            )
    return len(rows)


def _read_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _read_umask()

#: What a spreadsheet takes for the start of a formula when a cell begins with it.
_FORMULA_START = {"=": "&#61;", "+": "&#43;", "-": "&#45;", "@": "&#64;"}


def _inert(field: str) -> str:
    """An HTML field that no spreadsheet runs as a formula: its first sign as an entity.

    Anki and our importer decode the entity, so the field reads exactly the same there.
    """
    first = _FORMULA_START.get(field[:1])
    return field if first is None else first + field[1:]


@contextmanager
def _replacing(destination: Path) -> Iterator[Path]:
    """A fresh temporary file beside ``destination`` that replaces it when the block ends.

    The file is created exclusively (never through a planted link); on any failure it is
    removed, so a full disk keeps no half-written file.
    """
    handle, name = tempfile.mkstemp(
        prefix=f".{destination.name}.", suffix=".part", dir=destination.parent
    )
    os.close(handle)
    partial = Path(name)
    os.chmod(partial, 0o666 & ~_UMASK)  # as a plainly created file (mkstemp makes it 0600)
    try:
        yield partial
        os.replace(partial, destination)
    except BaseException:
        with suppress(OSError):
            partial.unlink()
        raise
