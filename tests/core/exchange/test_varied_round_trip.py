"""A varied Anki collection goes round trip and back into the Anki it came from (issue 12).

A real Anki collection (the ``anki`` library, in a child process at a fixed time, see
``anki_clock``) with every kind of note Anki users have: Basic, reversed, optional reversed,
type-in, cloze with gaps (c1 and c3) and hints, a four-field note type of two templates and a
three-template one; HTML with formatting, ruby, furigana and tables; images, a sound and a font
the note type's CSS names; tags; decks three levels deep; suspended, buried (by the learner and
by a sibling) and flagged cards; new, learning, relearning and review cards with FSRS memory
states; a custom preset on a subdeck. Anki exports it as a legacy ``.apkg``, a current
``.apkg`` and a ``.colpkg``; each is imported here (twice: the second import changes nothing),
reviewed and edited here (fields, tags, a cloze added, an optional reverse filled in), exported
with progress and imported into the original Anki (twice) and into a fresh one.

From Anki's side: no note, field, card, media file or review is lost; the edits arrive; no note
conflicts; Check Database finds nothing to fix; the second import is duplicates only. Anki's
package importer never changes a card it already has nor adds reviews to it (rslib
``apkg/import/cards.rs``: "TODO: could update existing card", ``import_revlog`` keeps only
entries of cards it added; see the README): our reviews of Anki's own cards reach a fresh Anki,
and reach the original Anki only for the cards it lacked.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import shutil
import struct
import wave
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from anki_clock import run_anki
from exchange_helpers import grey_png, snapshot
from sqlalchemy import select

from flashcards.core import exchange
from flashcards.core.collection import Collection
from flashcards.core.exchange.export import guid_of
from flashcards.core.tables import CARD, LOG, NOTE

#: The time of our side (the ``now`` fixture): Anki builds its collection ten minutes before.
AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

FORMS = ("legacy", "current", "colpkg")


def _wav() -> bytes:
    """A real WAV file: 20 ms of a square wave, 8 kHz, 16-bit mono."""
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(
            b"".join(struct.pack("<h", 8000 if i % 16 < 8 else -8000) for i in range(160))
        )
    return out.getvalue()


MEDIA = {
    "cat.png": grey_png(10),
    "犬 の 写真.png": grey_png(200),
    "meow.wav": _wav(),
    "_hand.ttf": b"not really a font, but a file the note type's CSS names",
}

#: FSRS-6 parameters of the custom preset (32-bit floats' shortest forms).
PARAMS = [0.2172, 1.1771, 3.2602, 16.1507, 7.0114, 0.57, 2.0966, 0.0069, 1.5261, 0.112, 1.0178]
PARAMS += [1.849, 0.1133, 0.3127, 2.2934, 0.2191, 3.0004, 0.7536, 0.3332, 0.1437, 0.2]

#: Anki's side: what a collection holds, for comparing before and after.
STATE = """
import hashlib, os

def state(col):
    folder = col.media.dir()
    return {
        "notes": {
            g: [mid, flds.split("\\x1f"), tags.strip(), mod]
            for g, mid, flds, tags, mod in col.db.all(
                "select guid, mid, flds, tags, mod from notes"
            )
        },
        "cards": sorted(
            col.db.all(
                "select n.guid, c.ord, c.id, c.did, c.type, c.queue, c.due, c.ivl, c.factor,"
                " c.reps, c.lapses, c.left, c.odue, c.odid, c.flags, c.data"
                " from cards c join notes n on n.id = c.nid"
            )
        ),
        "revlog": col.db.all("select * from revlog order by id"),
        "media": {
            name: hashlib.sha256(open(os.path.join(folder, name), "rb").read()).hexdigest()
            for name in os.listdir(folder)
            if os.path.isfile(os.path.join(folder, name))
        },
        "decks": sorted(
            [d.name, col.decks.config_dict_for_deck_id(d.id)["id"]]
            for d in col.decks.all_names_and_ids()
        ),
        # Every option of every preset (Anki keeps its own when ours are not newer).
        "presets": sorted(json.dumps(c, sort_keys=True) for c in col.decks.all_config()),
    }
"""

#: The varied collection, its packages in the three forms, and what it holds.
BUILD = (
    STATE
    + """
import base64, time

col = Collection(args["path"])
col.set_config("fsrs", True)
for name, data in args["media"].items():
    with open(os.path.join(col.media.dir(), name), "wb") as out:
        out.write(base64.b64decode(data))

vocab = col.decks.id("Lang::Japanese::Vocab")  # three levels deep, with its own preset
pid = col.decks.add_config_returning_id("Japanese vocabulary")
conf = col.decks.get_config(pid)
conf["new"]["delays"] = [1, 10]
conf["lapse"]["delays"] = [10]
conf["new"]["perDay"] = 15
conf["rev"]["perDay"] = 150
conf["rev"]["maxIvl"] = 3650
conf["desiredRetention"] = 0.85
conf["new"]["bury"] = True
conf["fsrsParams6"] = args["params"]
col.decks.update_config(conf)
deck = col.decks.get(vocab)
deck["conf"] = pid
col.decks.save(deck)
japanese = col.decks.id("Lang::Japanese")
misc = col.decks.id("Misc")


def notetype(name, fields, templates, css):
    mm = col.models
    model = mm.new(name)
    for field in fields:
        mm.add_field(model, mm.new_field(field))
    for tname, qfmt, afmt in templates:
        template = mm.new_template(tname)
        template["qfmt"], template["afmt"] = qfmt, afmt
        mm.add_template(model, template)
    model["css"] = css
    mm.add(model)
    return mm.by_name(name)


vocab4 = notetype(
    "Vocab 4",
    ["Word", "Meaning", "Reading", "Example"],
    [
        ("Recognise", "{{Word}}", "{{FrontSide}}<hr id=answer>{{Meaning}}<br>{{Reading}}"),
        ("Recall", "{{Meaning}}", "{{FrontSide}}<hr id=answer>{{Word}}<br>{{Example}}"),
    ],
    ".card { color: navy; }",
)
three = notetype(
    "Three",
    ["Word", "Reading", "Meaning"],
    [
        ("Recognise", "{{Word}}", "{{FrontSide}}<hr id=answer>{{Meaning}}"),
        ("Read", "{{Reading}}", "{{FrontSide}}<hr id=answer>{{furigana:Word}}"),
        ("Recall", "{{Meaning}}", "{{FrontSide}}<hr id=answer>{{kanji:Word}}"),
    ],
    ".card { font-family: hand; }\\n@font-face { font-family: hand; src: url('_hand.ttf'); }",
)

guids = {}


def add(key, model, fields, did, tags=()):
    model = col.models.by_name(model) if isinstance(model, str) else model
    note = col.new_note(model)
    for index, value in enumerate(fields):
        note.fields[index] = value
    note.tags = list(tags)
    col.add_note(note, did)
    guids[key] = note.guid
    return {c.ord: c.id for c in note.cards()}


def answer(card_id, ease):
    time.sleep(0.05)  # answers apart, as a learner's are (one millisecond is one answer)
    card = col.get_card(card_id)
    card.start_timer()
    col.sched.answerCard(card, ease)


basic = add(
    "basic",
    "Basic",
    [
        '<b>bold</b> <i>italic</i> <u>under</u> <span style="color: rgb(255, 0, 0);">red'
        "</span>&nbsp;&amp; more",
        "<div>line 1</div><div>line 2<br></div><ul><li>one</li><li>two</li></ul>",
    ],
    vocab,
    ["tag1", "日本語", "deep::tag"],
)
reversed_ = add(
    "reversed", "Basic (and reversed card)", ["犬", "<ruby>犬<rt>いぬ</rt></ruby> dog"], vocab
)
optional2 = add("optional2", "Basic (optional reversed card)", ["both", "両方", "y"], vocab)
optional1 = add("optional1", "Basic (optional reversed card)", ["one way", "片方", ""], vocab)
typed = add("typed", "Basic (type in the answer)", ["Capital of France?", "Paris"], japanese)
cloze = add(
    "cloze",
    "Cloze",
    [
        "{{c1::Paris::city}} is the capital of {{c2::France::country}};"
        " the {{c1::Seine}} flows through it",
        "<table><tr><th>city</th><th>river</th></tr><tr><td>Paris</td><td>Seine</td></tr>"
        "</table>",
    ],
    japanese,
    ["geo"],
)
gaps = add("gaps", "Cloze", ["{{c1::A}} then {{c3::C}}", ""], japanese)
pictures = add(
    "pictures",
    "Basic",
    ['<img src="cat.png">', '<img src="犬 の 写真.png" alt="dog"> [sound:meow.wav]'],
    misc,
    ["media"],
)
cat = add(
    "vocab4",
    vocab4,
    ["<b>猫</b>", "cat", "ねこ", '猫が好き <img src="cat.png">'],
    vocab,
)
dog = add("vocab4b", vocab4, ["犬", "dog", "いぬ", "犬が走る"], vocab)
kanji = add("three", three, [" 漢字[かんじ]", "かんじ", "<i>Chinese</i> characters"], vocab)
water = add("three2", three, ["水[みず]", "みず", "water"], vocab)

# Scheduling: FSRS on; new, learning, relearning, review cards; suspended, buried, flagged.
answer(basic[0], 3)  # learning (step 2 of 2)
answer(reversed_[0], 4)  # review; its new sibling buried by the preset (bury new)
answer(optional2[0], 4)
answer(optional2[0], 1)  # relearning
answer(cat[0], 4)  # review
answer(cat[1], 3)  # buried by its sibling, answered all the same: learning
answer(kanji[0], 4)
answer(cloze[0], 4)
answer(cloze[0], 3)
answer(typed[0], 1)  # learning, step 1
col.sched.suspend_cards([water[2]])
col.sched.bury_cards([kanji[2]], manual=True)
col.sched.bury_cards([dog[1]], manual=False)
col.set_user_flag_for_cards(1, [cloze[1]])
col.set_user_flag_for_cards(4, [kanji[1]])
col.set_user_flag_for_cards(7, [pictures[0], water[0]])
problems, ok = col.fix_integrity()
assert ok, problems
result = state(col)
result["guids"] = guids
for legacy, out in ((True, args["legacy"]), (False, args["current"])):
    options = ExportAnkiPackageOptions(
        with_scheduling=True, with_deck_configs=True, legacy=legacy, with_media=True
    )
    col.export_anki_package(out_path=out, options=options, limit=None)
col.export_collection_package(args["colpkg"], include_media=True, legacy=False)  # closes it
"""
)

#: Import a package into an Anki collection twice; its state after each, then Check Database.
IMPORT = (
    STATE
    + """
def guids_of(entries):
    # A note the log names: its GUID in the collection, else its first field.
    return sorted(
        col.db.scalar("select guid from notes where id = ?", n.id.nid) or "?" + n.fields[0]
        for n in entries
    )


col = Collection(args["path"])
col.db.execute("update col set ls = scm")  # as after a sync: a later schema change shows
scm = col.db.scalar("select scm from col")
result = {"before": state(col), "logs": [], "states": []}
for _ in range(2):
    request = ImportAnkiPackageRequest(
        package_path=args["package"],
        options=ImportAnkiPackageOptions(
            with_scheduling=True, with_deck_configs=True, merge_notetypes=False
        ),
    )
    log = col.import_anki_package(request).log
    result["logs"].append(
        {
            "new": guids_of(log.new),
            "updated": guids_of(log.updated),
            "duplicate": guids_of(log.duplicate),
            "conflicting": guids_of(log.conflicting),
            "first_field_match": len(log.first_field_match),
            "missing_notetype": len(log.missing_notetype),
            "missing_deck": len(log.missing_deck),
            "empty_first_field": len(log.empty_first_field),
        }
    )
    result["states"].append(state(col))
missing = col.media.check()
result["media_check"] = [list(missing.missing), list(missing.unused)]
problems, ok = col.fix_integrity()
result["check"] = [problems, ok, col.tr.database_check_rebuilt()]
result["after_check"] = state(col)
result["schema_changed"] = col.db.scalar("select scm from col") != scm or col.schema_changed()
col.close()
"""
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    """The varied Anki collection (its folder) and its packages, made ten minutes before."""
    root = tmp_path_factory.mktemp("varied")
    (root / "anki").mkdir()
    result: dict[str, Any] = run_anki(
        BUILD,
        AT - timedelta(minutes=10),
        path=str(root / "anki" / "collection.anki2"),
        legacy=str(root / "legacy.apkg"),
        current=str(root / "current.apkg"),
        colpkg=str(root / "all.colpkg"),
        media={k: base64.b64encode(v).decode() for k, v in MEDIA.items()},
        params=PARAMS,
    )
    return result, root


def _package(root: Path, form: str) -> Path:
    return root / {"legacy": "legacy.apkg", "current": "current.apkg", "colpkg": "all.colpkg"}[form]


def _our_cards(col: Collection) -> dict[tuple[str, int], dict[str, Any]]:
    """Our cards by (Anki GUID, ordinal), with their review count."""
    with col.engine.connect() as conn:
        rows = conn.execute(select(CARD, NOTE.c.uid).join(NOTE, NOTE.c.id == CARD.c.note_id))
        cards = {(guid_of(r.uid), int(r.ord)): dict(r._mapping) for r in rows}
        logged = Counter(int(r[0]) for r in conn.execute(select(LOG.c.card_id)))
    for card in cards.values():
        card["reviews"] = logged[int(card["id"])]
    return cards


def _without_anki_ids(tables: tuple[Any, ...]) -> tuple[Any, ...]:
    """A :func:`snapshot` without the cards' Anki ids (its card table is the fourth)."""
    column = list(CARD.columns).index(CARD.c.anki_id)
    cards = tuple(row[:column] + row[column + 1 :] for row in tables[3])
    return (*tables[:3], cards, *tables[4:])


def _note_id(col: Collection, guid: str) -> int:
    return next(i for i in col.notes.ids() if guid_of(col.notes.get(i).uid) == guid)


def _media(col: Collection) -> dict[str, str]:
    folder = col.media.folder
    assert folder is not None
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _ords(state: dict[str, Any]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for card in state["cards"]:
        out.setdefault(card[0], []).append(card[1])
    return {guid: sorted(ords) for guid, ords in out.items()}


def _by_card(state: dict[str, Any]) -> dict[tuple[str, int], list[Any]]:
    return {(c[0], c[1]): c for c in state["cards"]}


@pytest.mark.parametrize("form", FORMS)
def test_varied_collection_goes_round_trip_into_the_anki_it_came_from(
    col: Collection,
    now: datetime,
    tmp_path: Path,
    built: tuple[dict[str, Any], Path],
    form: str,
) -> None:
    assert now == AT
    original, root = built
    guids: dict[str, str] = original["guids"]
    # The sample holds what it should: every queue, flag and card type, FSRS memory states.
    cards = original["cards"]
    assert {c[4] for c in cards} == {0, 1, 2, 3}  # new, learning, review, relearning
    assert {c[5] for c in cards} >= {-3, -2, -1, 0, 1, 2}
    assert {c[14] for c in cards} == {0, 1, 4, 7}
    assert all('"s"' in c[15] and '"d"' in c[15] for c in cards if c[4] != 0)
    assert _ords(original)[guids["gaps"]] == [0, 2]
    assert original["media"] == {name: _sha(data) for name, data in MEDIA.items()}

    # The original Anki, as it was when it exported (a copy: each form starts from it).
    home = tmp_path / "home"
    shutil.copytree(root / "anki", home)
    package = _package(root, form)

    # Here: imported; again, nothing changes.
    report = exchange.import_file(col, package, now).value
    assert report.added == len(original["notes"])
    assert not report.warnings
    ours = _our_cards(col)
    assert sorted(ours) == sorted((c[0], c[1]) for c in cards)
    rated = Counter(r[1] for r in original["revlog"] if 1 <= r[3] <= 4)
    for guid, ord_, cid, *_rest in cards:
        here = ours[(guid, ord_)]
        queue, flags = _rest[2], _rest[11]
        assert (here["anki_id"], here["reviews"], here["flags"]) == (cid, rated[cid], flags)
        assert here["suspended"] == (queue == -1)
        assert here["buried_by_user"] == (queue == -3)
        assert (here["buried_until"] is not None) == (queue in (-2, -3))
    assert _media(col) == original["media"]
    before = snapshot(col)
    again = exchange.import_file(col, package, now + timedelta(minutes=1)).value
    assert (again.added, again.updated, again.media_added) == (0, 0, 0)
    assert snapshot(col) == before
    assert _media(col) == original["media"]

    # Reviewed and edited here.
    at = now + timedelta(minutes=2)
    edits: dict[str, list[str]] = {}
    new_tags: dict[str, str] = {}

    def edit(key: str, change: dict[int, str], tags: list[str] | None = None) -> None:
        note_id = _note_id(col, guids[key])
        found = col.notes.anki_fields(note_id)
        assert found is not None
        fields = list(found.html)
        for index, value in change.items():
            fields[index] = value
        col.notes.update_fields(note_id, fields, at, tags=tags)
        edits[guids[key]] = fields
        if tags is not None:
            new_tags[guids[key]] = " ".join(sorted(tags))

    edit("basic", {1: "<div>line 1</div><div><b>edited</b> here&nbsp;&amp; kept</div>"})
    edit("gaps", {0: "{{c1::A}} then {{c2::B::hint}} then {{c3::C}}"}, ["added", "gaps"])
    edit("optional1", {2: "y"})  # Add Reverse: its second card is made here
    edit("vocab4", {3: '猫が好き <img src="cat.png"> [sound:meow.wav]'})
    edit("three", {2: "<i>Chinese</i> <ruby>字<rt>じ</rt></ruby> characters"})
    made = {(guids["gaps"], 1), (guids["optional1"], 1)}
    ours = _our_cards(col)
    assert made <= set(ours)
    reviewed = [
        (guids["basic"], 0),  # learning
        (guids["typed"], 0),  # learning
        (guids["vocab4"], 0),  # review, early
        (guids["optional2"], 0),  # relearning
        (guids["vocab4b"], 0),  # new
        *sorted(made),
    ]
    buried_before = {k for k, c in _our_cards(col).items() if c["buried_until"] is not None}
    for number, key in enumerate(reviewed):
        col.sched.answer(ours[key]["id"], 3, at + timedelta(seconds=10 * number))
    # The vocabulary preset buries new siblings (as Anki would here): the optional note's
    # first card, new, when its reverse made here is answered.
    buried_here = {
        k
        for k, c in _our_cards(col).items()
        if c["buried_until"] is not None and not c["buried_by_user"]
    } - buried_before
    assert buried_here == {(guids["optional1"], 0)}
    out = tmp_path / "back.apkg"
    done = exchange.export_apkg(col, out, at + timedelta(minutes=3), with_progress=True)
    assert (done.notes, done.media, done.missing_media) == (len(original["notes"]), 4, [])
    # Here again: Anki's package (older than the edits) changes nothing; our own package
    # only tells the cards made here their id in it (a card from Anki has its Anki id), and
    # a second import of it changes nothing.
    edited = snapshot(col)
    again = exchange.import_file(col, package, at + timedelta(minutes=3)).value
    assert (again.added, again.updated, again.media_added) == (0, 0, 0)
    assert snapshot(col) == edited
    again = exchange.import_file(col, out, at + timedelta(minutes=3)).value
    assert (again.added, again.updated, again.media_added) == (0, 0, 0)
    assert _without_anki_ids(snapshot(col)) == _without_anki_ids(edited)
    edited = snapshot(col)
    again = exchange.import_file(col, out, at + timedelta(minutes=4)).value
    assert (again.added, again.updated, again.media_added) == (0, 0, 0)
    assert snapshot(col) == edited
    assert _media(col) == original["media"]

    expected_fields = {g: n[1] for g, n in original["notes"].items()} | edits
    expected_tags = {g: n[2] for g, n in original["notes"].items()} | new_tags
    expected_ords = _ords(original)
    for guid, ord_ in made:
        expected_ords[guid] = sorted([*expected_ords[guid], ord_])
    anki_ids = {key: card[2] for key, card in _by_card(original).items()}

    # Into the original Anki: the edits, the new cards with their reviews; nothing lost.
    back_at = at + timedelta(minutes=4)
    got = run_anki(IMPORT, back_at, path=str(home / "collection.anki2"), package=str(out))
    assert got["before"] == {k: v for k, v in original.items() if k != "guids"}
    first, second = got["logs"]
    assert first["conflicting"] == [] and first["new"] == []
    assert (first["missing_notetype"], first["missing_deck"], first["empty_first_field"]) == (
        0,
        0,
        0,
    )
    assert first["updated"] == sorted(edits)
    assert first["duplicate"] == sorted(set(original["notes"]) - set(edits))
    after = got["states"][0]
    assert set(after["notes"]) == set(original["notes"])
    for guid, (mid, fields, tags, _mod) in after["notes"].items():
        assert mid == original["notes"][guid][0]
        assert fields == expected_fields[guid], guid
        assert " ".join(sorted(tags.split())) == " ".join(sorted(expected_tags[guid].split()))
    assert _ords(after) == expected_ords
    kept = _by_card(after)
    for key, row in _by_card(original).items():
        assert kept[key] == row  # Anki never changes a card it has
    for guid, ord_ in made:  # in its note's deck, with the progress made here
        assert kept[(guid, ord_)][3] == kept[(guid, 0)][3]
        assert kept[(guid, ord_)][4] != 0 and kept[(guid, ord_)][9] == 1  # answered once
    assert all(row in after["revlog"] for row in original["revlog"])  # as they were
    added_rows = [r for r in after["revlog"] if r not in original["revlog"]]
    assert sorted(r[1] for r in added_rows) == sorted(kept[key][2] for key in made)
    assert Counter(r[0] for r in after["revlog"]).most_common(1)[0][1] == 1
    assert after["media"] == original["media"]
    assert after["presets"] == original["presets"] and after["decks"] == original["decks"]
    # Again: duplicates only, nothing changes.
    assert second == {
        "new": [],
        "updated": [],
        "duplicate": sorted(original["notes"]),
        "conflicting": [],
        "first_field_match": 0,
        "missing_notetype": 0,
        "missing_deck": 0,
        "empty_first_field": 0,
    }
    assert got["states"][1] == after
    assert got["media_check"] == [[], []]
    problems, ok, clean = got["check"]
    assert (problems, ok) == (clean, True)
    assert got["after_check"] == after
    assert not got["schema_changed"]

    # Into a fresh Anki: every note, card, media file and review, Anki's and ours.
    (tmp_path / "fresh").mkdir()
    fresh = run_anki(
        IMPORT, back_at, path=str(tmp_path / "fresh" / "collection.anki2"), package=str(out)
    )
    assert fresh["logs"][0]["new"] == sorted(original["notes"])
    assert fresh["logs"][0]["conflicting"] == []
    state = fresh["states"][0]
    assert {g: n[1] for g, n in state["notes"].items()} == expected_fields
    assert {g: n[2] for g, n in state["notes"].items()} == expected_tags
    assert {g: n[0] for g, n in state["notes"].items()} == {
        g: n[0] for g, n in original["notes"].items()
    }
    assert _ords(state) == expected_ords
    assert state["decks"] == original["decks"]  # the decks, the subdeck on its own preset
    assert {key: card[2] for key, card in _by_card(state).items() if key in anki_ids} == anki_ids
    # Cards not reviewed here arrive with Anki's progress: queue (suspended, buried), flag,
    # type, due, interval, counts, learning steps left and the FSRS memory state.
    progress = _by_card(state)
    for key, row in _by_card(original).items():
        if key in reviewed:
            continue
        came = progress[key]
        want = row[4:6] + row[9:12] + row[14:15]
        if key in buried_here:
            want[1] = -2  # Anki's queue of a card buried as a sibling
        assert came[4:6] + came[9:12] + came[14:15] == want, key
        if row[4] != 0:  # not new: when it is due, its interval and memory
            assert came[6:8] == row[6:8], key
            memory, theirs = json.loads(came[15]), json.loads(row[15])
            assert [memory.get(k) for k in "sd"] == [theirs[k] for k in "sd"], key
            assert memory["lrt"] == theirs["lrt"], key
            # Everything else Anki's data held (pos, dr, decay...) comes back as it was.
            assert {k: v for k, v in memory.items() if k not in ("s", "d", "lrt")} == {
                k: v for k, v in theirs.items() if k not in ("s", "d", "lrt")
            }, key

    # Every review row: its time (id), card, button, interval, last interval, factor (the
    # FSRS difficulty Anki noted at the answer), answer time and kind (not ``usn``: the
    # fresh collection's own).
    def entry(r: list[Any]) -> tuple[Any, ...]:
        return (r[0], r[1], r[3], r[4], r[5], r[6], r[7], r[8])

    logged = {entry(r) for r in original["revlog"]}
    mine = [r for r in state["revlog"] if entry(r) not in logged]
    assert {entry(r) for r in state["revlog"]} >= logged
    assert len(state["revlog"]) == len(original["revlog"]) + len(reviewed)
    assert sorted(r[1] for r in mine) == sorted(_by_card(state)[key][2] for key in reviewed)
    assert state["media"] == original["media"]
    assert fresh["media_check"] == [[], []]
    problems, ok, clean = fresh["check"]
    assert (problems, ok) == (clean, True)
    assert fresh["logs"][1]["new"] == [] and fresh["logs"][1]["updated"] == []
    assert fresh["states"][1] == state
