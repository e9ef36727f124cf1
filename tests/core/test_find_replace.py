"""Find and Replace in notes' fields and Find Duplicates (the browser's Notes menu, issue 14)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import insert, select, update

from flashcards.core.changes import Change
from flashcards.core.collection import Collection
from flashcards.core.errors import InputError
from flashcards.core.find_replace import (
    DuplicateGroup,
    field_names,
    find_and_replace,
    find_duplicates,
    note_ids_of_search,
    replace_in_html,
)
from flashcards.core.search import search_cards
from flashcards.core.tables import NOTE, NOTETYPE

VOCAB = {
    "name": "Vocab",
    "type": 0,
    "flds": [
        {"name": "Word", "ord": 0},
        {"name": "Meaning", "ord": 1},
        {"name": "Extra", "ord": 2},
    ],
    "tmpls": [{"name": "Recognise", "ord": 0, "qfmt": "{{Word}}", "afmt": "{{Meaning}}"}],
    "css": "",
}


def anki_note(col: Collection, now: datetime, fields: list[str], deck: str = "Anki") -> int:
    """A note in an Anki note type of its own (as imported from Anki) with these fields' HTML."""
    note_id = int(col.notes.add(deck, "basic", "x", "y", now).value)
    with col.engine.begin() as conn:
        if conn.execute(select(NOTETYPE.c.id).where(NOTETYPE.c.id == 77)).first() is None:
            conn.execute(
                insert(NOTETYPE).values(id=77, name="Vocab", config=json.dumps(VOCAB), modified=now)
            )
        conn.execute(update(NOTE).where(NOTE.c.id == note_id).values(anki_notetype_id=77))
    col.notes.update_fields(note_id, fields, now)
    return note_id


def stored_fields(col: Collection, note_id: int) -> list[str]:
    with col.engine.connect() as conn:
        value = conn.execute(select(NOTE.c.anki_fields).where(NOTE.c.id == note_id)).scalar_one()
    return list(json.loads(value))


def test_replace_in_html_changes_text_only() -> None:
    def upper_cat(text: str) -> str:
        return text.replace("cat", "dog")

    value = '<b class="cat">cat</b> &amp; <img src="cat.png"> a&nbsp;cat'
    assert replace_in_html(value, upper_cat) == (
        '<b class="cat">dog</b> &amp; <img src="cat.png"> a\xa0dog'.replace("\xa0", "&nbsp;")
    )
    # A run that does not change keeps its spelling (entities included).
    assert replace_in_html("&lt;tag&gt; <i>cat</i>", upper_cat) == "&lt;tag&gt; <i>dog</i>"
    # Replaced text is escaped again.
    assert replace_in_html("<i>cat</i>", lambda t: t.replace("cat", "<x>&")) == (
        "<i>&lt;x&gt;&amp;</i>"
    )


def test_plain_text_in_all_fields_one_field_and_case(col: Collection, now: datetime) -> None:
    a = int(col.notes.add("D", "basic", "Large model", "a large LARGE thing", now).value)
    b = int(col.notes.add("D", "basic", "small", "nothing here", now).value)
    b_modified = col.notes.get(b).modified
    heard: list[Change] = []
    col.add_listener(heard.append)

    result = find_and_replace(col, [a, b], "large", "big", now + timedelta(minutes=1))
    assert result.value == 1  # only note a changed
    assert result.changes & Change.NOTES
    assert heard == [Change.NOTES | Change.CARDS | Change.DECKS]  # one announcement
    note = col.notes.get(a)
    assert (note.front, note.back) == ("big model", "a big big thing")  # case ignored
    assert col.notes.get(b).modified == b_modified  # untouched

    result = find_and_replace(col, [a], "big", "Huge", now, field="Back", match_case=True)
    assert result.value == 1
    assert (col.notes.get(a).front, col.notes.get(a).back) == ("big model", "a Huge Huge thing")
    # Nothing matched: nothing announced.
    heard.clear()
    assert find_and_replace(col, [a, b], "zzz", "y", now).value == 0
    assert heard == []
    # Plain text is literal: regex characters and backslashes mean themselves.
    find_and_replace(col, [a], "a Huge", r"\1 (x.*)", now)
    assert col.notes.get(a).back == r"\1 (x.*) Huge thing"


def test_regular_expressions_and_errors(col: Collection, now: datetime) -> None:
    a = int(col.notes.add("D", "basic", "cat 12", "dog 345", now).value)
    assert find_and_replace(col, [a], r"(\w+) (\d+)", r"\2-\1", now, regex=True).value == 1
    assert (col.notes.get(a).front, col.notes.get(a).back) == ("12-cat", "345-dog")
    with pytest.raises(InputError, match="regular expression"):
        find_and_replace(col, [a], "(unclosed", "x", now, regex=True)
    with pytest.raises(InputError, match="replacement"):
        find_and_replace(col, [a], "(cat)", r"\2", now, regex=True)
    with pytest.raises(InputError):
        find_and_replace(col, [a], "", "x", now)


def test_one_transaction_an_invalid_note_changes_nothing(col: Collection, now: datetime) -> None:
    a = int(col.notes.add("D", "basic", "same", "back a", now).value)
    b = int(col.notes.add("D", "basic", "other", "same", now).value)
    # Replacing "same" empties a's front: a is invalid, so b (changed first or not) stays.
    with pytest.raises(InputError, match="would not be valid"):
        find_and_replace(col, [b, a], "same", "", now)
    assert col.notes.get(a).front == "same"
    assert col.notes.get(b).back == "same"


def test_cloze_cards_follow_the_new_text(col: Collection, now: datetime) -> None:
    a = int(col.notes.add("D", "cloze", "{{c1::RAG}} uses {{c2::search}}", "", now).value)
    assert len(col.notes.get(a).card_ids) == 2
    find_and_replace(col, [a], "c2::", "c3::", now)
    assert col.notes.get(a).front == "{{c1::RAG}} uses {{c3::search}}"
    assert len(col.notes.get(a).card_ids) == 2  # card 2 went, card 3 came


def test_a_note_from_anki_keeps_its_html(col: Collection, now: datetime) -> None:
    html = ['<b class="neko">猫</b>', 'a <i>cat</i> <img src="cat.png">', "cat&amp;dog"]
    note_id = anki_note(col, now, html)
    other = int(col.notes.add("D", "basic", "cat", "kitten", now).value)
    assert field_names(col) == ["Front", "Back", "Word", "Meaning", "Extra"]
    assert field_names(col, [note_id]) == ["Word", "Meaning", "Extra"]

    result = find_and_replace(col, [note_id, other], "cat", "dog", now, field="Meaning")
    assert result.value == 1  # "Meaning" is not a field of our own note
    assert stored_fields(col, note_id) == [html[0], 'a <i>dog</i> <img src="cat.png">', html[2]]
    assert col.notes.get(note_id).back == "a dog "  # the text columns follow the fields
    assert col.notes.get(other).front == "cat"

    assert find_and_replace(col, [note_id, other], "&", "+", now).value == 1
    assert stored_fields(col, note_id)[2] == "cat+dog"
    assert search_cards(col, "dog", now)  # the search sees the new text


def test_find_duplicates_strips_html_and_groups(col: Collection, now: datetime) -> None:
    a = int(col.notes.add("D", "basic", "トークン", "one", now).value)
    b = int(col.notes.add("E", "basic", " トークン ", "two", now).value)
    c = anki_note(col, now, ["<b>トークン</b>", "three", ""])
    d = int(col.notes.add("D", "basic", "single", "one", now).value)
    int(col.notes.add("D", "basic+reversed", "other", "x", now).value)

    groups = find_duplicates(col, "Front")
    assert groups == [DuplicateGroup("トークン", (a, b))]  # c's first field is "Word"
    assert find_duplicates(col, "Word") == []  # one note only
    assert find_duplicates(col, "Back") == [DuplicateGroup("one", (a, d))]
    # Among the notes of a search; the group's own search finds its notes' cards.
    assert find_duplicates(col, "Front", note_ids_of_search(col, "deck:D", now)) == []
    assert sorted(search_cards(col, groups[0].search, now)) == sorted(
        col.notes.get(a).card_ids + col.notes.get(b).card_ids
    )
    assert c not in groups[0].note_ids
    # The Anki field by name: its HTML stripped, the same text as our notes' Word-less front.
    c2 = anki_note(col, now, ["トークン", "four", ""])
    assert find_duplicates(col, "Word") == [DuplicateGroup("トークン", (c, c2))]


def test_nid_search(col: Collection, now: datetime) -> None:
    a = int(col.notes.add("D", "basic+reversed", "a", "b", now).value)
    assert len(search_cards(col, f"nid:{a}", now)) == 2
    assert search_cards(col, f"-nid:{a}", now) == []
    with pytest.raises(InputError):
        search_cards(col, "nid:1,x", now)
