"""A full review driven by key presses, checked against the database."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from sqlalchemy import select

from flashcards.core.collection import Collection
from flashcards.core.exchange.deckfile_import import import_deck_file
from flashcards.core.tables import CARD, LOG
from flashcards.gui.app import Gui
from flashcards.gui.main_window import Screen

SENTENCE = "Transformerは注意機構で文脈を捉える。"


def _key(qtbot, gui: Gui, key: Qt.Key | str) -> None:  # noqa: ANN001
    widget = gui.app.focusWidget() or gui.window
    if isinstance(key, str):
        qtbot.keyClicks(widget, key)
    else:
        qtbot.keyClick(widget, key)


def _log(col: Collection) -> list[tuple[int, int]]:
    with col.engine.connect() as conn:
        return [(int(r[0]), int(r[1])) for r in conn.execute(select(LOG.c.card_id, LOG.c.rating))]


def test_first_deck_with_cards_due_is_selected(gui: Gui) -> None:
    assert gui.col is not None
    selected = gui.window.deck_list.selected_deck()
    assert gui.col.decks.names()[selected] == "English"
    tree = gui.window.deck_list.tree
    texts = [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())]
    assert texts == ["English", "LLM基礎"]
    llm = tree.topLevelItem(1)
    assert llm.childCount() == 1 and llm.child(0).text(0) == "応用"
    assert [llm.text(c) for c in (1, 2, 3)] == ["3", "0", "0"]
    assert "Studied 0 cards" in gui.window.deck_list.today.text()


def test_review_by_keys(qtbot, gui: Gui, clock) -> None:  # noqa: ANN001
    col = gui.col
    assert col is not None
    window = gui.window
    _key(qtbot, gui, Qt.Key.Key_Down)  # from English to LLM基礎
    _key(qtbot, gui, Qt.Key.Key_Return)  # Enter starts the selected deck
    assert window.current_screen == Screen.REVIEW
    review = gui.controller.review
    first = review.card
    assert first is not None and first.deck_name == "LLM基礎"
    assert "トークン" in window.review.question.text()
    assert not window.review.answer_shown
    assert window.review.counts.new.text() == "<u><b>3</b></u>"

    _key(qtbot, gui, "3")  # rating keys do nothing before the answer is shown
    assert _log(col) == []
    _key(qtbot, gui, Qt.Key.Key_Space)  # Space shows the answer
    assert window.review.answer_shown
    assert "テキストを分割した単位" in window.review.answer.text()
    labels = [window.review.answer_buttons[r].interval.text() for r in (1, 2, 3, 4)]
    assert labels == [first.label(r) for r in (1, 2, 3, 4)]
    assert labels[0] == "<1m"

    clock.advance(seconds=5)
    _key(qtbot, gui, "1")  # Again
    assert _log(col) == [(first.card_id, 1)]
    with col.engine.connect() as conn:
        state = conn.execute(select(CARD.c.state).where(CARD.c.id == first.card_id)).scalar()
    assert state == 1  # learning

    second = review.card
    assert second is not None and second.card_id != first.card_id
    _key(qtbot, gui, Qt.Key.Key_Space)
    _key(qtbot, gui, Qt.Key.Key_Space)  # after the answer, Space is Good
    assert _log(col)[-1] == (second.card_id, 3)

    _key(qtbot, gui, "u")  # undo brings the card back, question side
    assert _log(col) == [(first.card_id, 1)]
    assert review.card is not None and review.card.card_id == second.card_id
    assert not window.review.answer_shown
    qtbot.keyClick(
        gui.app.focusWidget() or window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier
    )
    assert _log(col) == []

    _key(qtbot, gui, Qt.Key.Key_Escape)
    assert window.current_screen == Screen.DECKS
    assert review.card is None


def test_bury_suspend_and_done_screen(qtbot, gui: Gui) -> None:  # noqa: ANN001
    col = gui.col
    assert col is not None
    gui.controller._on_study(col.decks.id("English"))
    review = gui.controller.review
    first = review.card
    assert first is not None
    _key(qtbot, gui, "-")  # bury (the sibling is the other card)
    second = review.card
    assert second is not None and second.card_id != first.card_id
    _key(qtbot, gui, "@")  # suspend
    assert gui.window.current_screen == Screen.DONE
    rows = col.cards.rows([first.card_id, second.card_id])
    assert rows[0]["buried_until"] is not None
    assert rows[1]["suspended"] is True or rows[1]["suspended"] == 1
    assert "Done for today" in gui.window.done.title.text()
    _key(qtbot, gui, Qt.Key.Key_Escape)
    assert gui.window.current_screen == Screen.DECKS


def test_answer_shows_source_with_term_highlighted(qtbot, gui: Gui, clock) -> None:  # noqa: ANN001
    col = gui.col
    assert col is not None
    from flashcards.core.deckfile import DeckFile, NoteSource, NoteSpec

    import_deck_file(
        col,
        DeckFile(
            "Sourced",
            notes=[
                NoteSpec(
                    "s/1", "cloze", "{{c1::注意機構}}で文脈を捉える", "",
                    source=NoteSource("LLM解説", "2.仕組み", SENTENCE),
                )
            ],
        ),
        clock(),
    )  # fmt: skip
    gui.controller._on_study(col.decks.id("Sourced"))
    view = gui.window.review
    assert "[...]" in view.question.text()
    _key(qtbot, gui, Qt.Key.Key_Return)
    assert "注意機構" in view.answer.text()
    source = view.source.text()
    assert "background-color" in source and ">注意機構</span>" in source
    assert "2.仕組み" in source and "LLM解説" in source


def test_answer_of_a_hostile_cloze_shows_at_once(qtbot, gui: Gui, clock) -> None:  # noqa: ANN001
    """Unclosed openings after the deletion made the source highlight quadratic (80 KB: 16 s)."""
    import time

    col = gui.col
    assert col is not None
    from flashcards.core.deckfile import NoteSource

    front = "{{c1::注意機構}}で文脈を捉える" + "{{c1::" * 20_000
    col.notes.add("Hostile", "cloze", front, "", clock(), source=NoteSource("t", "s", SENTENCE))
    gui.controller._on_study(col.decks.id("Hostile"))
    started = time.process_time()
    _key(qtbot, gui, Qt.Key.Key_Return)
    assert time.process_time() - started < 5  # the old scan took over 30 s
    assert ">注意機構</span>" in gui.window.review.source.text()


def test_edit_key_opens_editor_and_edit_shows(qtbot, gui: Gui, monkeypatch) -> None:  # noqa: ANN001
    from flashcards.gui import note_controller

    col = gui.col
    assert col is not None
    seen = []

    def fake_exec(editor: note_controller.NoteController) -> int:
        seen.append(editor.note_id)
        editor.dialog.form.back.setPlainText("大規模言語モデル")
        editor._on_save()
        return 1

    monkeypatch.setattr(note_controller.NoteController, "exec", fake_exec)
    gui.controller._on_study(col.decks.id("English"))
    card = gui.controller.review.card
    _key(qtbot, gui, Qt.Key.Key_Space)
    _key(qtbot, gui, "e")
    assert seen == [card.note_id]
    assert "大規模言語モデル" in gui.window.review.answer.text()
    assert gui.window.review.answer_shown


def test_no_two_actions_share_a_shortcut(gui: Gui) -> None:
    from PySide6.QtGui import QKeySequence

    seen: dict[str, str] = {}
    for action in gui.window.actions():
        for sequence in action.shortcuts():
            text = sequence.toString(QKeySequence.SequenceFormat.PortableText)
            assert text not in seen, f"{text} is used by {seen[text]!r} and {action.text()!r}"
            seen[text] = action.text()
    assert {"Space", "1", "4", "U", "Ctrl+Z", "E", "-", "@", "Esc", "S"} <= set(seen)


def test_card_of_an_anki_note_type_shows_its_template_and_style(qtbot, gui: Gui, clock) -> None:  # noqa: ANN001
    """A note in an Anki note type of its own is shown as Anki shows it (issue 12)."""
    import json

    from sqlalchemy import insert, update

    from flashcards.core.tables import NOTE, NOTETYPE

    col = gui.col
    assert col is not None
    config = {
        "name": "Three",
        "type": 0,
        "css": ".card { color: #123456; } .meaning { font-style: italic; }"
        " .x { background: url(file:///etc/passwd); }",
        "flds": [{"name": n, "ord": i} for i, n in enumerate(("Word", "Reading", "Meaning"))],
        "tmpls": [
            {"name": "Recognise", "ord": 0, "qfmt": "{{Word}}",
             "afmt": "{{FrontSide}}<hr id=answer><div class=meaning>{{Meaning}}</div>"},
            {"name": "Read", "ord": 1, "qfmt": "{{Reading}}",
             "afmt": "{{FrontSide}}<hr id=answer>{{Word}}"},
            {"name": "Recall", "ord": 2, "qfmt": "{{Meaning}}",
             "afmt": "{{FrontSide}}<hr id=answer>{{Word}}<img src=x onerror=alert(1)>"},
        ],
    }  # fmt: skip
    note_id = col.notes.add("Anki", "basic", "猫", "ねこ", clock()).value
    with col.engine.begin() as conn:
        conn.execute(insert(NOTETYPE).values(id=77, name="Three", config=json.dumps(config),
                                             modified=clock()))  # fmt: skip
        conn.execute(
            update(NOTE)
            .where(NOTE.c.id == note_id)
            .values(anki_notetype_id=77, anki_fields=json.dumps(["猫", "ねこ", "<b>cat</b>"]))
        )
    col.notes.update(note_id, clock(), tags=["animal"])  # the templates make its other cards
    assert len(col.notes.get(note_id).card_ids) == 3

    gui.controller._on_study(col.decks.id("Anki"))
    view = gui.window.review
    card = gui.controller.review.card
    assert card is not None and card.ord == 0
    question = view.question.text()
    # Anki's reviewer styles (typed answers) first, then the note type's own style sheet.
    assert question.startswith("<style>.typeGood {")
    assert ".typeMissed { background-color: #ccc; color: black; }.card { color: #123456; }" in (
        question
    )
    assert "url(" not in question  # the style sheet loads nothing
    assert '<div class="card card1">猫</div>' in question
    _key(qtbot, gui, Qt.Key.Key_Space)
    # The answer holds the question ({{FrontSide}}) and takes its place, as in Anki.
    assert view.answer_shown and not view.question.isVisible() and view.answer.isVisible()
    assert '<div class="meaning"><b>cat</b></div>' in view.answer.text()
    # Another card of the note (its siblings are buried once one is answered).
    recall = col.notes.get(note_id).card_ids[2]  # in ordinal order: the Recall card
    review = gui.controller.review
    review._show(col.sched.card_for_review(recall, clock()), clock())
    assert view.question.isVisible() and not view.answer.isVisible()
    _key(qtbot, gui, Qt.Key.Key_Space)
    # The image keeps only its src, a plain media name (not in the media folder: nothing shows).
    assert '<img src="x">' in view.answer.text() and "onerror" not in view.answer.text()


def _flag(col: Collection, card_id: int) -> int:
    with col.engine.connect() as conn:
        return int(conn.execute(select(CARD.c.flags).where(CARD.c.id == card_id)).scalar_one())


def test_ctrl_number_flags_the_card_as_in_anki(qtbot, gui: Gui) -> None:  # noqa: ANN001
    col = gui.col
    assert col is not None
    gui.controller._on_study(col.decks.id("English"))
    review = gui.controller.review
    card = review.card
    assert card is not None and card.flag == 0
    widget = gui.app.focusWidget() or gui.window
    qtbot.keyClick(widget, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)  # red
    assert _flag(col, card.card_id) == 1
    assert gui.window.actions_.flag[1].isChecked()
    qtbot.keyClick(widget, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)  # blue instead
    assert _flag(col, card.card_id) == 4
    qtbot.keyClick(widget, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)  # again: off
    assert _flag(col, card.card_id) == 0
    assert not any(action.isChecked() for action in gui.window.actions_.flag.values())
    assert review.card is not None and review.card.card_id == card.card_id  # still shown


def _type_in_note(col: Collection, clock, front: str, back: str) -> int:  # noqa: ANN001
    """A note of Anki's "Basic (type in the answer)" note type, as an import keeps it."""
    import json

    from sqlalchemy import insert, update

    from flashcards.core.tables import NOTE, NOTETYPE

    config = {
        "name": "Basic (type in the answer)",
        "type": 0,
        "css": ".card { text-align: center; }",
        "flds": [{"name": "Front", "ord": 0}, {"name": "Back", "ord": 1}],
        "tmpls": [{"name": "Card 1", "ord": 0, "qfmt": "{{Front}}\n\n{{type:Back}}",
                   "afmt": "{{Front}}\n\n<hr id=answer>\n\n{{type:Back}}"}],
    }  # fmt: skip
    note_id = col.notes.add("Typing", "basic", front, back, clock()).value
    with col.engine.begin() as conn:
        row = {"id": 78, "name": config["name"], "config": json.dumps(config)}
        conn.execute(insert(NOTETYPE).values(**row, modified=clock()))
        conn.execute(
            update(NOTE)
            .where(NOTE.c.id == note_id)
            .values(anki_notetype_id=78, anki_fields=json.dumps([front, back]))
        )
    return note_id


def test_type_in_the_answer_is_compared_as_in_anki(qtbot, gui: Gui, clock) -> None:  # noqa: ANN001
    col = gui.col
    assert col is not None
    _type_in_note(col, clock, "猫 in English", "cat")
    gui.controller._on_study(col.decks.id("Typing"))
    view = gui.window.review
    assert view.type_box.isVisible() and gui.app.focusWidget() is view.type_box
    assert "<input" not in view.question.text()  # the card's own box never reaches the view

    _key(qtbot, gui, "cap 1")  # typed: a space and a digit go into the box, not to the review
    assert view.type_box.text() == "cap 1" and not view.answer_shown and _log(col) == []
    _key(qtbot, gui, Qt.Key.Key_Return)  # Enter shows the answer (and does not rate it)
    assert view.answer_shown and _log(col) == [] and not view.type_box.isVisible()
    answer = view.answer.text()
    assert '<span class="typeGood">ca</span><span class="typeBad">p 1</span>' in answer
    assert '<span class="typeMissed">t</span>' in answer and ".typeBad" in answer

    _key(qtbot, gui, "3")  # the rating keys work again
    assert len(_log(col)) == 1


def test_a_right_typed_answer_is_all_good(qtbot, gui: Gui, clock) -> None:  # noqa: ANN001
    col = gui.col
    assert col is not None
    _type_in_note(col, clock, "犬 in English", "dog")
    gui.controller._on_study(col.decks.id("Typing"))
    view = gui.window.review
    _key(qtbot, gui, "dog")
    _key(qtbot, gui, Qt.Key.Key_Enter)
    assert '<code><span class="typeGood">dog</span></code>' in view.answer.text()


def test_a_hint_stays_hidden_until_it_is_clicked(qtbot, gui: Gui, clock) -> None:  # noqa: ANN001
    import json

    from PySide6.QtCore import QPoint
    from sqlalchemy import insert, update

    from flashcards.core.tables import NOTE, NOTETYPE

    col = gui.col
    assert col is not None
    config = {
        "name": "Hinted",
        "type": 0,
        "css": "",
        "flds": [{"name": "Front", "ord": 0}, {"name": "Back", "ord": 1},
                 {"name": "Clue", "ord": 2}],
        "tmpls": [{"name": "Card 1", "ord": 0, "qfmt": "{{Front}}<br>{{hint:Clue}}",
                   "afmt": "{{FrontSide}}<hr id=answer>{{Back}}"}],
    }  # fmt: skip
    note_id = col.notes.add("Hints", "basic", "猫", "cat", clock()).value
    with col.engine.begin() as conn:
        row = {"id": 79, "name": "Hinted", "config": json.dumps(config)}
        conn.execute(insert(NOTETYPE).values(**row, modified=clock()))
        conn.execute(
            update(NOTE)
            .where(NOTE.c.id == note_id)
            .values(anki_notetype_id=79, anki_fields=json.dumps(["猫", "cat", "it meows"]))
        )
    gui.controller._on_study(col.decks.id("Hints"))
    view = gui.window.review
    shown = view.question.document().toPlainText()
    assert "Clue" in shown and "it meows" not in shown  # hidden behind its name, as in Anki

    # Click the link where the document lays it out.
    document = view.question.document()
    found = document.find("Clue")
    rect = view.question.cursorRect(found)
    qtbot.mouseClick(view.question.viewport(), Qt.MouseButton.LeftButton, pos=rect.center()
                     - QPoint(4, 0))  # fmt: skip
    assert "it meows" in view.question.document().toPlainText()
    assert not view.answer_shown  # a hint is no answer


def test_a_cloze_answer_shows_the_sentence_once(qtbot, gui: Gui, clock) -> None:  # noqa: ANN001
    """As in Anki: the filled sentence takes the question's place; no second copy below."""
    col = gui.col
    assert col is not None
    from flashcards.core.deckfile import NoteSource

    sentence = "Transformerは注意機構で文脈を捉える。"
    col.notes.add(
        "Once", "cloze", "Transformerは{{c1::注意機構}}で文脈を捉える。", "", clock(),
        source=NoteSource("LLM解説", "2.仕組み", sentence),
    )  # fmt: skip
    gui.controller._on_study(col.decks.id("Once"))
    view = gui.window.review
    _key(qtbot, gui, Qt.Key.Key_Return)
    assert view.answer_shown and not view.question.isVisible()  # replaced, not repeated
    shown = view.answer.document().toPlainText() + view.source.text()
    assert shown.count("で文脈を捉える") == 1
    assert "2.仕組み" in view.source.text() and view.source.isVisible()  # where it comes from


def test_a_long_card_scrolls_to_its_answer_and_by_keys(qtbot, gui: Gui, clock) -> None:  # noqa: ANN001
    col = gui.col
    assert col is not None
    long_front = "\n".join(f"前置きの行 {i}" for i in range(80))
    col.notes.add("Long", "basic", long_front, "答えはここ", clock())
    gui.window.resize(800, 500)
    gui.controller._on_study(col.decks.id("Long"))
    view = gui.window.review
    bar = view.card_scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)  # the question is longer than the window
    assert bar.value() == 0
    _key(qtbot, gui, Qt.Key.Key_PageDown)
    assert bar.value() > 0
    _key(qtbot, gui, Qt.Key.Key_PageUp)
    assert bar.value() == 0
    _key(qtbot, gui, Qt.Key.Key_Space)
    answer = view.answer
    qtbot.waitUntil(lambda: bar.value() > 0)  # scrolled to the answer
    top = answer.mapTo(view.card_scroll.widget(), answer.rect().topLeft()).y()
    assert bar.value() <= top <= bar.value() + view.card_scroll.viewport().height()


def test_the_done_screen_says_what_is_held_back_and_why(qtbot, gui: Gui, clock) -> None:  # noqa: ANN001
    col = gui.col
    assert col is not None
    from dataclasses import replace

    from flashcards.core.search import upcoming

    col.notes.add("Held", "basic+reversed", "埋め込み", "embedding", clock())
    for front in ("推論", "学習", "評価"):
        col.notes.add("Held", "basic", front, "x", clock())
    deck = col.decks.id("Held")
    settings = replace(col.decks.settings(deck), new_per_day=1, bury_new=True)
    col.decks.set_settings(deck, settings)
    gui.controller._on_study(deck)
    _key(qtbot, gui, Qt.Key.Key_Space)
    _key(qtbot, gui, "4")  # Easy: out for days; its sibling is buried; the new limit is reached
    assert gui.window.current_screen == Screen.DONE
    done = gui.window.done.message.text()
    assert "1 card is buried until tomorrow" in done
    assert "3 new cards are waiting" in done  # the buried sibling is not one of them
    assert "held back" not in done

    # Days later the card is due, and limits of 0 hold it back: the screen says so.
    later = clock() + timedelta(days=30)
    col.decks.set_settings(deck, replace(settings, reviews_per_day=0, new_per_day=0))
    assert upcoming(col, later, "Held").held_back == 1
    clock.advance(days=30)
    gui.controller._on_study(deck)
    assert gui.window.current_screen == Screen.DONE
    assert "1 card due today is held back by the deck's daily limits" in (
        gui.window.done.message.text()
    )


def test_undo_takes_back_the_last_action_named_in_the_menu(qtbot, gui: Gui, clock) -> None:  # noqa: ANN001
    """U after a bury undoes the bury, not the answer before it (as in Anki)."""
    col = gui.col
    assert col is not None
    undo = gui.window.actions_.undo
    gui.controller._on_study(col.decks.id("LLM基礎"))
    review = gui.controller.review
    first = review.card
    assert first is not None
    _key(qtbot, gui, Qt.Key.Key_Space)
    _key(qtbot, gui, "3")
    assert undo.isEnabled() and undo.text() == "&Undo Answer"
    second = review.card
    assert second is not None and second.card_id != first.card_id
    gui.window.actions_.bury.trigger()
    assert undo.text() == "&Undo Bury"
    assert col.cards.rows([second.card_id])[0]["buried_until"] is not None

    undo.trigger()
    assert col.cards.rows([second.card_id])[0]["buried_until"] is None  # the bury, undone
    assert _log(col) == [(first.card_id, 3)]  # the answer stays
    assert undo.text() == "&Undo Answer"
    undo.trigger()
    assert _log(col) == []
    assert review.card is not None and review.card.card_id == first.card_id  # shown again
    assert not undo.isEnabled() and undo.text() == "&Undo"


def test_the_done_screen_counts_learner_days_to_the_next_card(qtbot, gui: Gui, clock) -> None:  # noqa: ANN001
    """Seen on Monday evening, a card due early on Wednesday is due in 2 days (Anki counts
    days, not spans of 24 hours: the old count said 1 day, Wed)."""
    from datetime import timedelta

    from sqlalchemy import update

    from flashcards.core.changes import Change
    from flashcards.core.enums import CardState
    from flashcards.core.tables import CARD

    col = gui.col
    assert col is not None
    monday_evening = clock.now.replace(hour=20, minute=0)  # 2026-03-02 is a Monday
    clock.now = monday_evening
    col.notes.add("Later", "basic", "q", "a", monday_evening)
    deck = col.decks.id("Later")
    wednesday_early = monday_evening.replace(hour=5) + timedelta(days=2)  # after the 04:00 start
    with col.engine.begin() as conn:
        conn.execute(
            update(CARD)
            .where(CARD.c.deck_id == deck)
            .values(state=int(CardState.REVIEW), due=wednesday_early, stability=3.0)
        )
    col.notify(Change.CARDS)
    gui.controller._on_study(deck)
    assert gui.window.current_screen == Screen.DONE
    assert "The next card is due in 2 days (Wed 04 Mar)." in gui.window.done.message.text()
