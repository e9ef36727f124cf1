"""Human-editable deck files (TOML): the format of ``decks/*.toml`` and of ``flashcards generate``.

A deck file looks like this::

    format = 1

    [deck]
    name = "LLM basics"                 # nested decks use "::"
    description = "..."

    [source]                            # optional: where the notes came from
    title = "..."
    attribution = "..."

    [[notes]]                           # one table per note
    id = "llm-basics-ja/llm"            # stable id: same id = same note on re-import
    kind = "basic+reversed"             # basic | basic+reversed | cloze
    front = "LLM"
    back = "Large Language Model: ..."
    tags = ["llm"]
    source = { title = "...", section = "1.LLMとは", sentence = "..." }

    [overrides."llm-basics-ja/llm"]     # reviewed fixes that regeneration keeps
    back = "..."
    reason = "..."

Cloze notes keep the cloze text (``{{c1::...}}``) in ``front`` and extra text in ``back``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import tomli_w

from flashcards.core.enums import NoteKind
from flashcards.core.errors import InputError

FORMAT_VERSION = 1
NOTE_KINDS = tuple(kind.value for kind in NoteKind)
MAX_DECK_FILE_BYTES = 50 * 1024 * 1024
#: A cloze deletion ``{{cN::text}}`` or ``{{cN::text::hint}}``: the text ends at the first ``::``
#: or ``}}``, the hint at the next ``}}``. Possessive groups keep one match attempt linear, but a
#: text of many unclosed ``{{c1::`` still costs quadratic time here; use `iter_clozes`, which
#: finds the same deletions in linear time.
CLOZE_RE = re.compile(r"\{\{c(\d++)::((?:(?!::|\}\}).)*+)(?:::((?:(?!\}\}).)*+))?\}\}", re.DOTALL)
_CLOZE_OPEN_RE = re.compile(r"\{\{c(\d++)::")
_MAX_CLOZE_DIGITS = 4300  # Python's default limit for int(str)


class Cloze(NamedTuple):
    """One cloze deletion found in a text: ``text[start:end]`` is ``{{cN::content::hint}}``."""

    start: int
    end: int
    number: int
    content: str
    hint: str | None


def iter_clozes(text: str) -> Iterator[Cloze]:
    """The cloze deletions of ``text`` in order, as ``CLOZE_RE.finditer`` finds them.

    A deletion's text runs to the first ``::`` or ``}}`` after ``{{cN::``; after a ``::`` the
    hint runs to the next ``}}``. A deletion without a closing ``}}``, or whose number has more
    than 4,300 digits (where ``int()`` gives up), is plain text. The scan
    reads each character a bounded number of times: once no ``}}`` follows an opening, no later
    opening can close either, so the search stops there.
    """
    pos = 0
    while True:
        opening = _CLOZE_OPEN_RE.search(text, pos)
        if opening is None:
            return
        body = opening.end()
        close = text.find("}}", body)
        if close < 0:
            return
        digits = opening.group(1)
        if len(digits) > _MAX_CLOZE_DIGITS:
            pos = body  # no number that long: plain text (int() would refuse or take long)
            continue
        sep = text.find("::", body, close)
        if sep < 0:
            content, hint = text[body:close], None
        else:
            content, hint = text[body:sep], text[sep + 2 : close]
        yield Cloze(opening.start(), close + 2, int(digits), content, hint)
        pos = close + 2


def cloze_numbers(text: str) -> list[int]:
    """The distinct cloze numbers (``{{c1::...}}`` -> 1) in ``text``, ascending."""
    return sorted({c.number for c in iter_clozes(text) if c.number > 0})


@dataclass(frozen=True)
class NoteSource:
    """Where a note came from: the article title, its section heading and the sentence."""

    title: str = ""
    section: str = ""
    sentence: str = ""


@dataclass(frozen=True)
class NoteSpec:
    """One note as written in a deck file."""

    id: str
    kind: str
    front: str
    back: str
    tags: tuple[str, ...] = ()
    source: NoteSource = field(default_factory=NoteSource)


@dataclass
class DeckFile:
    """The parsed contents of one deck file."""

    name: str
    description: str = ""
    notes: list[NoteSpec] = field(default_factory=list)
    source: dict[str, str] = field(default_factory=dict)
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)


def _str(value: Any, where: str, *, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise InputError(f"{where} must be a text string.")
    return value


def parse_deck_toml(text: str, origin: str = "deck file") -> DeckFile:
    """Parse and validate the TOML text of a deck file.

    Args:
        text: The TOML document.
        origin: A name for the file, used in error messages.

    Returns:
        The deck file.

    Raises:
        InputError: If the text is not valid TOML or not a valid deck file.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{origin} is not valid TOML ({exc}).") from None
    deck = data.get("deck")
    if not isinstance(deck, dict):
        raise InputError(f"{origin} has no [deck] table with a name.")
    name = _str(deck.get("name"), f"{origin}: deck.name").strip()
    if not name or any(not part.strip() for part in name.split("::")):
        raise InputError(f"{origin}: the deck name is empty or has an empty '::' part.")
    raw_notes = data.get("notes", [])
    if not isinstance(raw_notes, list):
        raise InputError(f"{origin}: 'notes' must be an array of tables ([[notes]]).")
    notes: list[NoteSpec] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_notes, start=1):
        where = f"{origin}: note {index}"
        if not isinstance(raw, dict):
            raise InputError(f"{where} is not a table.")
        note_id = _str(raw.get("id"), f"{where} id").strip()
        if not note_id:
            raise InputError(f"{where} has no id.")
        if note_id in seen:
            raise InputError(f"{origin}: the note id {note_id!r} is used twice.")
        seen.add(note_id)
        kind = _str(raw.get("kind", "basic"), f"{where} kind")
        if kind not in NOTE_KINDS:
            raise InputError(f"{where} has kind {kind!r}; expected one of {', '.join(NOTE_KINDS)}.")
        front = _str(raw.get("front"), f"{where} front")
        back = _str(raw.get("back", ""), f"{where} back")
        if not front.strip():
            raise InputError(f"{where} ({note_id}) has an empty front.")
        if kind != "cloze" and not back.strip():
            raise InputError(f"{where} ({note_id}) has an empty back.")
        if kind == "cloze" and not cloze_numbers(front):
            raise InputError(f"{where} ({note_id}) is a cloze with no {{{{c1::...}}}} deletion.")
        tags_raw = raw.get("tags", [])
        if not isinstance(tags_raw, list) or not all(isinstance(t, str) for t in tags_raw):
            raise InputError(f"{where} tags must be a list of strings.")
        src = raw.get("source", {})
        if not isinstance(src, dict):
            raise InputError(f"{where} source must be a table.")
        source = NoteSource(
            title=_str(src.get("title"), f"{where} source.title", required=False),
            section=_str(src.get("section"), f"{where} source.section", required=False),
            sentence=_str(src.get("sentence"), f"{where} source.sentence", required=False),
        )
        tags = tuple(t.strip().replace(" ", "_") for t in tags_raw if t.strip())
        notes.append(NoteSpec(note_id, kind, front, back, tags, source))
    source_table = data.get("source", {})
    overrides = data.get("overrides", {})
    if not isinstance(source_table, dict) or not isinstance(overrides, dict):
        raise InputError(f"{origin}: [source] and [overrides] must be tables.")
    return DeckFile(
        name=name,
        description=_str(deck.get("description", ""), f"{origin}: deck.description"),
        notes=notes,
        source={str(k): str(v) for k, v in source_table.items()},
        overrides={str(k): dict(v) for k, v in overrides.items() if isinstance(v, dict)},
    )


def read_deck_file(path: Path) -> DeckFile:
    """Read a deck file from disk.

    Raises:
        InputError: If the file is missing, too large, not UTF-8 or not a valid deck file.
    """
    try:
        size = path.stat().st_size
        if size > MAX_DECK_FILE_BYTES:
            raise InputError(f"{path.name} is larger than {MAX_DECK_FILE_BYTES // 2**20} MiB.")
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path.name} is not UTF-8 text.") from None
    return parse_deck_toml(text, path.name)


def deck_to_toml(deck: DeckFile) -> str:
    """Render a deck file as TOML text (stable order, so regenerated files diff cleanly)."""
    doc: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "deck": {"name": deck.name, "description": deck.description},
    }
    if deck.source:
        doc["source"] = dict(deck.source)
    notes = []
    for note in deck.notes:
        entry: dict[str, Any] = {
            "id": note.id,
            "kind": note.kind,
            "front": note.front,
            "back": note.back,
            "tags": list(note.tags),
        }
        src = {
            k: v
            for k, v in (
                ("title", note.source.title),
                ("section", note.source.section),
                ("sentence", note.source.sentence),
            )
            if v
        }
        if src:
            entry["source"] = src
        notes.append(entry)
    doc["notes"] = notes
    if deck.overrides:
        doc["overrides"] = deck.overrides
    return tomli_w.dumps(doc, multiline_strings=True)


def write_deck_file(deck: DeckFile, path: Path) -> None:
    """Write a deck file atomically (a temporary file renamed over the target)."""
    text = deck_to_toml(deck)
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError(f"Cannot write {path}: {exc.strerror or exc}.") from None
