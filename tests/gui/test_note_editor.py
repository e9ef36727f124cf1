"""The note editor edits any Anki note type, one rich-text box per field (issue 12).

A real Anki package (built with the real ``anki`` library) is imported into a real collection
file; the editor is driven with real key presses, a real clipboard image and real image files,
and what it saves is read back from the collection and its media folder.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, Qt, QUrl
from PySide6.QtGui import QColor, QImage, QTextCursor
from PySide6.QtWidgets import QApplication

from flashcards.core import exchange
from flashcards.core.collection import Collection
from flashcards.gui.field_edit import FieldBox, document_html
from flashcards.gui.note_controller import NoteController
from flashcards.gui.ops import Ops

pytest.importorskip("anki.collection")

FIELDS = ("Word", "Meaning", "Reading", "Example")
CAT = ("<b>猫</b>", "cat", "ねこ", '<i>猫が好き</i>&nbsp;<img src="neko.png">')
CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An Anki package: a note type of four fields and three templates, and a cloze note."""
    from anki.collection import Collection as AnkiCollection
    from anki.collection import ExportAnkiPackageOptions

    folder = tmp_path_factory.mktemp("anki")
    acol = AnkiCollection(str(folder / "collection.anki2"))
    try:
        models = acol.models
        model = models.new("Vocab 4")
        for name in FIELDS:
            models.add_field(model, models.new_field(name))
        for name, qfmt in (("Recognise", "{{Word}}"), ("Recall", "{{Meaning}}")):
            template = models.new_template(name)
            template["qfmt"], template["afmt"] = qfmt, "{{FrontSide}}<hr id=answer>{{Example}}"
            models.add_template(model, template)
        models.add(model)
        note = acol.new_note(models.by_name("Vocab 4"))  # type: ignore[arg-type]
        for index, value in enumerate(CAT):
            note.fields[index] = value
        acol.add_note(note, acol.decks.id("Words") or 1)
        cloze = acol.new_note(models.by_name("Cloze"))  # type: ignore[arg-type]
        cloze.fields[0] = "{{c1::Paris}} is in France"
        acol.add_note(cloze, acol.decks.id("Words") or 1)
        path = folder / "vocab.apkg"
        acol.export_anki_package(
            out_path=str(path),
            options=ExportAnkiPackageOptions(with_scheduling=False, legacy=True),
            limit=None,
        )
    finally:
        acol.close()
    return path


@pytest.fixture
def notes(col: Collection, package: Path, clock) -> dict[str, int]:  # noqa: ANN001
    """The imported notes by key (cat, cloze) and one of our own (own)."""
    exchange.import_file(col, package, clock())
    ids = {}
    for note_id in col.notes.ids():
        fields = col.notes.anki_fields(note_id)
        assert fields is not None
        ids["cat" if fields.notetype == "Vocab 4" else "cloze"] = note_id
    ids["own"] = col.notes.add("Mine", "basic", "front", "back", clock()).value
    return ids


@pytest.fixture
def open_editor(qtbot, col: Collection, ops: Ops, clock) -> Iterator:  # noqa: ANN001
    """Open the editor of a note (shown, as the learner sees it)."""
    opened: list[NoteController] = []

    def open_(note_id: int) -> NoteController:
        editor = NoteController(col, ops, clock, note_id=note_id)
        qtbot.addWidget(editor.dialog)
        editor.dialog.show()
        qtbot.waitExposed(editor.dialog)
        opened.append(editor)
        return editor

    yield open_
    for editor in opened:
        # QTest leaves the application's keyboard modifiers as its last key click had them
        # (Ctrl held): a later test's selectRow would toggle rows instead of selecting one.
        qtbot.keyRelease(editor.dialog, Qt.Key.Key_Control)
        editor.dialog.close()


def _box(editor: NoteController, index: int) -> FieldBox:
    box = editor.dialog.form.fields_editor.boxes[index]
    box.rich.setFocus()
    return box


def _select(box: FieldBox, text: str) -> None:
    """Select the first ``text`` in the field's rich box."""
    found = box.rich.document().find(text)
    assert not found.isNull(), text
    box.rich.setTextCursor(found)


def _save(editor: NoteController) -> None:
    editor.dialog.save_button.click()
    assert editor.dialog.error.isHidden(), editor.dialog.error.text()


def _saved(col: Collection, note_id: int) -> tuple[str, ...]:
    fields = col.notes.anki_fields(note_id)
    assert fields is not None
    return fields.html


def test_one_labelled_box_per_field(open_editor, notes: dict[str, int]) -> None:  # noqa: ANN001
    editor = open_editor(notes["cat"])
    form = editor.dialog.form
    assert form.anki_typed
    assert [box.label.text() for box in form.fields_editor.boxes] == list(FIELDS)
    assert all(box.rich.isVisible() for box in form.fields_editor.boxes)
    assert form.notetype.text() == "Vocab 4"
    assert form.front.isHidden() and form.back.isHidden() and form.kind.isHidden()
    assert editor.dialog.focusWidget() is form.fields_editor.boxes[0].rich
    # The fields are shown as rich text: the bold word is bold.
    document = form.fields_editor.boxes[0].rich.document()
    assert document.toPlainText() == "猫"
    assert document.begin().textFormats()[0].format.fontWeight() >= 600

    own = open_editor(notes["own"]).dialog.form
    assert not own.anki_typed
    assert own.fields_editor.isHidden()
    assert own.front.isVisible() and own.front.toPlainText() == "front"


def test_ctrl_b_makes_bold_and_untouched_fields_stay_byte_for_byte(
    qtbot,
    col: Collection,
    open_editor,
    notes: dict[str, int],  # noqa: ANN001
) -> None:
    editor = open_editor(notes["cat"])
    box = _box(editor, 1)
    qtbot.keyClick(box.rich, Qt.Key.Key_A, CTRL)
    qtbot.keyClick(box.rich, Qt.Key.Key_B, CTRL)
    _save(editor)
    assert _saved(col, notes["cat"]) == (CAT[0], "<b>cat</b>", CAT[2], CAT[3])
    assert col.notes.get(notes["cat"]).back == "cat"


def test_italic_underline_colour_and_lists_are_clean_html(
    qtbot,
    col: Collection,
    open_editor,
    notes: dict[str, int],  # noqa: ANN001
) -> None:
    editor = open_editor(notes["cat"])
    box = _box(editor, 2)
    box.rich.clear()
    qtbot.keyClicks(box.rich, "one")
    for line in ("two", "three"):
        qtbot.keyClick(box.rich, Qt.Key.Key_Return)
        qtbot.keyClicks(box.rich, line)
    _select(box, "one")
    qtbot.keyClick(box.rich, Qt.Key.Key_I, CTRL)
    qtbot.keyClick(box.rich, Qt.Key.Key_U, CTRL)
    box.set_colour(QColor("#ff0000"))
    cursor = box.rich.document().find("two")
    cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
    box.rich.setTextCursor(cursor)
    editor.dialog.form.fields_editor.actions_by_name["bullets"].trigger()
    _save(editor)
    assert _saved(col, notes["cat"])[2] == (
        '<i><u><span style="color:#ff0000;">one</span></u></i><ul><li>two</li><li>three</li></ul>'
    )


def test_ctrl_shift_c_wraps_a_cloze_with_the_next_number(
    qtbot,
    col: Collection,
    open_editor,
    notes: dict[str, int],  # noqa: ANN001
) -> None:
    note = notes["cloze"]
    assert len(col.notes.get(note).card_ids) == 1
    editor = open_editor(note)
    box = _box(editor, 0)
    _select(box, "France")
    qtbot.keyClick(box.rich, Qt.Key.Key_C, CTRL_SHIFT)
    # Nothing selected in the other field: the braces go in, the cursor between them.
    extra = _box(editor, 1)
    qtbot.keyClick(extra.rich, Qt.Key.Key_C, CTRL_SHIFT)
    qtbot.keyClicks(extra.rich, "capital")
    _save(editor)
    assert _saved(col, note) == ("{{c1::Paris}} is in {{c2::France}}", "{{c3::capital}}")
    assert len(col.notes.get(note).card_ids) == 3  # the note's new deletions make cards


def test_html_view_round_trips(
    qtbot,
    col: Collection,
    open_editor,
    notes: dict[str, int],  # noqa: ANN001
) -> None:
    editor = open_editor(notes["cat"])
    box = _box(editor, 3)
    qtbot.keyClick(box.rich, Qt.Key.Key_X, CTRL_SHIFT)
    assert box.html_view and editor.dialog.focusWidget() is box.source
    assert box.source.toPlainText() == CAT[3]  # the field's HTML exactly as stored
    # Back without a change: still the same bytes.
    qtbot.keyClick(box.source, Qt.Key.Key_X, CTRL_SHIFT)
    assert not box.html_view and box.html() == CAT[3]

    qtbot.keyClick(box.rich, Qt.Key.Key_X, CTRL_SHIFT)
    typed = '<b>bold</b> <a href="https://example.org/">link</a><br>x'
    box.source.setPlainText("")
    qtbot.keyClicks(box.source, typed)
    qtbot.keyClick(box.source, Qt.Key.Key_X, CTRL_SHIFT)
    assert not box.html_view
    assert box.rich.toPlainText() == "bold link\nx"
    assert document_html(box.rich.document()) == typed  # the rich view reads back the same
    _save(editor)
    assert _saved(col, notes["cat"])[3] == typed


def _png(path: Path, colour: str, size: int = 12) -> Path:
    image = QImage(size, size, QImage.Format.Format_RGB32)
    image.fill(QColor(colour))
    assert image.save(str(path), "PNG")
    return path


def test_pasting_an_image_stores_it_in_the_media_folder(
    qtbot,
    col: Collection,
    open_editor,
    notes: dict[str, int],  # noqa: ANN001
) -> None:
    editor = open_editor(notes["cat"])
    box = _box(editor, 1)
    box.rich.moveCursor(QTextCursor.MoveOperation.End)
    image = QImage(20, 10, QImage.Format.Format_RGB32)
    image.fill(QColor("green"))
    clipboard = QApplication.clipboard()
    clipboard.setImage(image)
    qtbot.keyClick(box.rich, Qt.Key.Key_V, CTRL)
    stored = [n for n in col.media.names() if n.startswith("paste-")]
    assert len(stored) == 1 and stored[0].endswith(".png")
    path = col.media.path(stored[0])
    assert path is not None
    pasted = QImage(str(path))
    assert (pasted.width(), pasted.height()) == (20, 10)
    assert QColor(pasted.pixel(5, 5)) == QColor("green")
    _save(editor)
    assert _saved(col, notes["cat"])[1] == f'cat<img src="{stored[0]}">'


def test_dropped_image_files_are_stored_and_errors_are_shown(
    qtbot,
    col: Collection,
    open_editor,
    notes: dict[str, int],
    tmp_path: Path,  # noqa: ANN001
) -> None:
    editor = open_editor(notes["cat"])
    box = _box(editor, 2)
    box.rich.moveCursor(QTextCursor.MoveOperation.End)
    dropped = QMimeData()
    dropped.setUrls([QUrl.fromLocalFile(str(_png(tmp_path / "neko.png", "red")))])
    box.rich.insertFromMimeData(dropped)
    assert col.media.names() == ["neko.png"]
    # A second file of the same name but other bytes gets a name of its own.
    other = tmp_path / "other"
    other.mkdir()
    dropped.setUrls([QUrl.fromLocalFile(str(_png(other / "neko.png", "blue")))])
    box.rich.insertFromMimeData(dropped)
    names = col.media.names()
    assert len(names) == 2
    second = next(n for n in names if n != "neko.png")
    # A file that cannot be read: the sentence is shown, nothing is added.
    dropped.setUrls([QUrl.fromLocalFile(str(tmp_path / "gone.png"))])
    box.rich.insertFromMimeData(dropped)
    assert editor.dialog.error.isVisible()
    assert "gone.png" in editor.dialog.error.text()
    assert col.media.names() == names
    _save(editor)
    assert _saved(col, notes["cat"])[2] == f'ねこ<img src="neko.png"><img src="{second}">'


def test_images_outside_the_media_folder_are_never_read(
    open_editor,
    notes: dict[str, int],
    tmp_path: Path,  # noqa: ANN001
) -> None:
    outside = _png(tmp_path / "outside.png", "red")
    box = _box(open_editor(notes["cat"]), 0)
    for src in (str(outside), outside.as_uri(), "/dev/zero", "../outside.png"):
        assert box.rich.loadResource(2, QUrl(src)) is None


def test_the_browser_edits_a_note_from_anki_field_by_field(
    qtbot,
    col: Collection,
    ops: Ops,
    clock,
    notes: dict[str, int],
    tmp_path: Path,  # noqa: ANN001
) -> None:
    from PySide6.QtCore import QSettings

    from flashcards.gui.browser_controller import BrowserController

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    controller = BrowserController(col, ops, clock, settings)
    browser = controller.window
    qtbot.addWidget(browser)
    browser.show()
    controller.search("deck:Words")
    cat_card = col.notes.get(notes["cat"]).card_ids[0]
    browser.select_rows(sorted(browser.model.rows_of([cat_card])))
    form = browser.form
    assert form.anki_typed and [b.name for b in form.fields_editor.boxes] == list(FIELDS)
    assert not browser.save_button.isEnabled()  # showing a note is no edit

    box = form.fields_editor.boxes[1]
    box.rich.setFocus()
    box.rich.selectAll()
    qtbot.keyClick(box.rich, Qt.Key.Key_B, CTRL)
    assert browser.save_button.isEnabled()
    browser.save_button.click()
    qtbot.keyRelease(browser, Qt.Key.Key_Control)
    saved = col.notes.anki_fields(notes["cat"])
    assert saved is not None and saved.html == (CAT[0], "<b>cat</b>", CAT[2], CAT[3])
    browser.close()


@pytest.fixture
def open_adder(qtbot, col: Collection, ops: Ops, clock) -> Iterator:  # noqa: ANN001
    """Open the Add dialog (shown, as the learner sees it)."""

    def open_() -> NoteController:
        adder = NoteController(col, ops, clock, deck="Words")
        # Closed after the test without asking whether to discard what the test typed.
        qtbot.addWidget(adder.dialog, before_close_func=lambda _: adder.dialog.mark_saved())
        adder.dialog.show()
        qtbot.waitExposed(adder.dialog)
        return adder

    yield open_


def test_add_offers_every_note_type_and_adds_one_from_anki(
    qtbot,  # noqa: ANN001
    open_adder,  # noqa: ANN001
    col: Collection,
    notes: dict[str, int],
) -> None:
    adder = open_adder()
    form = adder.dialog.form
    offered = [form.kind.itemText(i) for i in range(form.kind.count())]
    # The shipped types, a separator, then the collection's Anki types by name.
    assert offered == ["Basic", "Basic and reversed", "Cloze", "", "Cloze", "Vocab 4"]
    assert form.front.isVisible() and not form.fields_editor.isVisible()

    form.kind.setCurrentIndex(offered.index("Vocab 4"))
    assert not form.front.isVisible() and form.fields_editor.isVisible()
    assert [b.name for b in form.fields_editor.boxes] == list(FIELDS)
    box = _box(adder, 0)
    box.rich.textCursor().insertText("鳥")  # QTest types ASCII only
    qtbot.keyClick(box.rich, Qt.Key.Key_B, CTRL)
    qtbot.keyClicks(box.rich, "bird")
    qtbot.keyClicks(_box(adder, 1).rich, "a bird")
    form.tags.setText("animals")
    before = set(col.notes.ids())
    _save(adder)
    (added,) = set(col.notes.ids()) - before
    note = col.notes.get(added)
    # Both templates have something to show: two cards, as Anki would make.
    assert (note.deck_name, note.tags, len(note.card_ids)) == ("Words", ("animals",), 2)
    saved = _saved(col, added)
    assert saved[0].startswith("鳥") and "<b>bird</b>" in saved[0]
    assert saved[1:] == ("a bird", "", "")
    # The dialog stays on the note type with empty boxes for the next note.
    assert form.chosen_notetype() is not None
    assert form.fields_editor.values() == ["", "", "", ""]

    # A note its templates would make no card of is refused, and nothing is added.
    qtbot.keyClicks(_box(adder, 2).rich, "reading only")
    adder.dialog.save_button.click()
    assert "no card" in adder.dialog.error.text()
    assert len(col.notes.ids()) == len(before) + 1

    # Back to a shipped type: front and back again.
    form.kind.setCurrentIndex(0)
    assert form.front.isVisible() and not form.fields_editor.isVisible()
    assert form.chosen_notetype() is None

    # The next Add opens on the note type of the last note added, as in Anki.
    again = open_adder().dialog.form
    assert again.kind.currentText() == "Vocab 4" and again.fields_editor.isVisible()
