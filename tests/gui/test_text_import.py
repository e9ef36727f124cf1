"""Text/CSV import with Anki's options: the dialog, the reader it drives, the result dialog.

Files are written as people have them: a spreadsheet's CSV with a header row and more columns
than front and back, a Shift_JIS (CP932) file from a Japanese Excel, an Anki text file with its
``#`` headers. Everything goes into a real collection file through the real window.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog

from flashcards.core import exchange
from flashcards.core.collection import Collection
from flashcards.core.enums import NoteKind
from flashcards.core.errors import InputError
from flashcards.core.exchange.text import Column, Duplicates, TextOptions, preview_text
from flashcards.gui.text_import_dialog import TextImportDialog

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SHEET = (
    "Term,Tags,Meaning,Notes\n"
    "LLM,ai basics,Large language model,seen in week 1\n"
    "GPT,ai,Generative pre-trained transformer,\n"
    "トークン,ja,テキストを分割した単位,\n"
)


def _notes(col: Collection, deck: str) -> dict[str, tuple[str, str, tuple[str, ...]]]:
    out = {}
    for view in col.notes.get_many(col.notes.ids(deck)):
        out[view.front] = (view.back, str(view.kind), tuple(sorted(view.tags)))
    return out


def test_options_map_columns_skip_the_header_and_add_tags(col: Collection, tmp_path: Path) -> None:
    path = tmp_path / "sheet.csv"
    path.write_text(SHEET, encoding="utf-8")
    options = TextOptions(
        header_row=True,
        columns=(Column.FRONT, Column.TAGS, Column.BACK, Column.IGNORE),
        tags=("imported",),
        kind=NoteKind.REVERSED.value,
    )
    report = exchange.import_file(col, path, NOW, "Sheet", options=options).value
    assert (report.added, report.decks) == (3, {"Sheet": {"added": 3}})
    notes = _notes(col, "Sheet")
    assert "Term" not in notes  # the header row is not a note
    assert notes["LLM"] == (
        "Large language model",
        NoteKind.REVERSED.value,
        ("ai", "basics", "imported"),
    )
    assert notes["トークン"][0] == "テキストを分割した単位"


def test_without_options_the_file_reads_as_before(col: Collection, tmp_path: Path) -> None:
    path = tmp_path / "sheet.csv"
    path.write_text(SHEET, encoding="utf-8")
    report = exchange.import_file(col, path, NOW, "Plain").value
    assert report.added == 4 and _notes(col, "Plain")["LLM"][0] == "ai basics"


@pytest.mark.parametrize(
    ("choice", "added", "updated", "unchanged"),
    [(Duplicates.UPDATE, 0, 1, 2), (Duplicates.SKIP, 0, 0, 3), (Duplicates.KEEP_BOTH, 3, 0, 0)],
)
def test_notes_the_collection_has_are_updated_left_or_doubled_as_chosen(
    col: Collection, tmp_path: Path, choice: Duplicates, added: int, updated: int, unchanged: int
) -> None:
    path = tmp_path / "sheet.csv"
    path.write_text(SHEET, encoding="utf-8")
    columns = (Column.FRONT, Column.IGNORE, Column.BACK, Column.IGNORE)
    first = TextOptions(header_row=True, columns=columns)
    exchange.import_file(col, path, NOW, "Sheet", options=first)
    path.write_text(SHEET.replace("Large language model", "大規模言語モデル"), encoding="utf-8")
    again = TextOptions(header_row=True, columns=columns, duplicates=choice)
    report = exchange.import_file(col, path, NOW, "Sheet", options=again).value
    assert (report.added, report.updated, report.unchanged) == (added, updated, unchanged)
    fronts = [v.front for v in col.notes.get_many(col.notes.ids("Sheet"))]
    assert len(fronts) == 3 + added
    backs = {v.back for v in col.notes.get_many(col.notes.ids("Sheet")) if v.front == "LLM"}
    expected = {
        Duplicates.UPDATE: {"大規模言語モデル"},
        Duplicates.SKIP: {"Large language model"},
        Duplicates.KEEP_BOTH: {"Large language model", "大規模言語モデル"},
    }[choice]
    assert backs == expected


def test_a_shift_jis_file_is_read(col: Collection, tmp_path: Path) -> None:
    path = tmp_path / "単語.csv"
    path.write_bytes(
        "トークン,テキストを分割した単位\n推論,学習済みモデルで答えを出すこと\n".encode("cp932")
    )
    assert preview_text(path).encoding == "cp932"
    report = exchange.import_file(col, path, NOW, "SJIS").value
    assert report.added == 2
    assert _notes(col, "SJIS")["推論"][0] == "学習済みモデルで答えを出すこと"
    wrong = TextOptions(encoding="utf-16")
    with pytest.raises(InputError, match="is not utf-16 text"):
        exchange.import_file(col, path, NOW, "SJIS", options=wrong)


def test_the_dialog_previews_maps_and_imports(qtbot, gui, tmp_path: Path) -> None:  # noqa: ANN001
    col = gui.col
    exchange_ui = gui.controller.exchange
    path = tmp_path / "sheet.csv"
    path.write_text(SHEET, encoding="utf-8")

    dialog = exchange_ui.ask_text_options(path)
    assert isinstance(dialog, TextImportDialog) and dialog.isVisible()
    assert dialog.table.rowCount() == 4 and dialog.table.columnCount() == 4
    dialog.header_row.setChecked(True)  # reads again: the first row names the columns
    assert dialog.table.rowCount() == 3
    assert dialog.table.horizontalHeaderItem(2).text() == "Meaning"
    assert dialog.mapping[1].currentData() == Column.TAGS  # a column named Tags holds tags
    dialog.mapping[1].setCurrentIndex(dialog.mapping[1].findData(Column.TAGS))
    dialog.mapping[2].setCurrentIndex(dialog.mapping[2].findData(Column.BACK))
    dialog.mapping[0].setCurrentIndex(dialog.mapping[0].findData(Column.FRONT))
    dialog.deck_box.setEditText("From a sheet")
    dialog.tags.setText("week1")
    with qtbot.waitSignal(exchange_ui.message, timeout=20_000) as said:
        dialog.done(QDialog.DialogCode.Accepted)
    assert said.args == ["Deck “From a sheet”: 3 added, 0 updated, 0 unchanged."]
    notes = _notes(col, "From a sheet")
    assert notes["GPT"] == ("Generative pre-trained transformer", "basic", ("ai", "week1"))

    result = exchange_ui.result_dialog
    assert result is not None and result.isVisible()
    cells = [result.table.item(0, c).text() for c in range(result.table.columnCount())]
    assert cells == ["From a sheet", "3", "0", "0", "0"]
    result.accept()


def test_the_dialog_says_when_the_encoding_is_wrong(qtbot, gui, tmp_path: Path) -> None:  # noqa: ANN001
    path = tmp_path / "sjis.csv"
    path.write_bytes("用語,意味\n".encode("cp932"))
    dialog = gui.controller.exchange.ask_text_options(path)
    dialog.encoding.setCurrentIndex(dialog.encoding.findData("utf-8"))
    assert dialog.error.isVisibleTo(dialog) and "is not utf-8 text" in dialog.error.text()
    assert not dialog.import_button.isEnabled()
    dialog.encoding.setCurrentIndex(dialog.encoding.findData("auto"))
    assert dialog.import_button.isEnabled() and dialog.table.item(0, 0).text() == "用語"
    dialog.reject()


def _word_type_package(folder: Path) -> Path:
    """A package with an Anki note type of three fields and two templates (by genanki)."""
    import genanki

    model = genanki.Model(
        1_761_000_001,
        "Word",
        fields=[{"name": "Word"}, {"name": "Reading"}, {"name": "Meaning"}],
        templates=[
            {"name": "Recognise", "qfmt": "{{Word}}", "afmt": "{{FrontSide}}<hr>{{Meaning}}"},
            {"name": "Read", "qfmt": "{{#Reading}}{{Reading}}{{/Reading}}", "afmt": "{{Word}}"},
        ],
    )
    deck = genanki.Deck(2_061_000_001, "Words")
    deck.add_note(genanki.Note(model, ["猫", "ねこ", "cat"]))
    path = folder / "words.apkg"
    genanki.Package(deck).write_to_file(str(path), timestamp=1_764_000_000)
    return path


def test_the_dialog_imports_into_an_anki_note_type_field_by_field(
    qtbot,  # noqa: ANN001
    gui,  # noqa: ANN001
    tmp_path: Path,
) -> None:
    col = gui.col
    exchange.import_file(col, _word_type_package(tmp_path), NOW)
    exchange_ui = gui.controller.exchange
    path = tmp_path / "sheet.csv"
    path.write_text(SHEET, encoding="utf-8")
    dialog = exchange_ui.ask_text_options(path)
    dialog.header_row.setChecked(True)
    kinds = [dialog.kind.itemText(i) for i in range(dialog.kind.count())]
    assert kinds[-1] == "Word" and kinds[-2] == ""  # after the shipped types, a separator
    dialog.kind.setCurrentIndex(len(kinds) - 1)
    # The columns now offer the type's fields: Term is Word, Meaning is Meaning; Notes go
    # into Reading; a column named Tags still holds tags.
    offered = [dialog.mapping[0].itemText(i) for i in range(dialog.mapping[0].count())]
    assert offered[:3] == ["Word", "Reading", "Meaning"] and "Front" not in offered
    assert dialog.mapping[1].currentData() == Column.TAGS
    dialog.mapping[2].setCurrentIndex(dialog.mapping[2].findData(2))
    dialog.mapping[3].setCurrentIndex(dialog.mapping[3].findData(1))
    dialog.deck_box.setEditText("From a sheet")
    options = dialog.options()
    assert (options.notetype is not None, options.field_columns) == (True, (0, 3, 2))
    with qtbot.waitSignal(exchange_ui.message, timeout=20_000) as said:
        dialog.done(QDialog.DialogCode.Accepted)
    assert said.args == ["Deck “From a sheet”: 3 added, 0 updated, 0 unchanged."]
    result = exchange_ui.result_dialog
    assert result is not None
    result.accept()
    by_front = {col.notes.get(n).front: n for n in col.notes.ids("From a sheet")}
    llm = col.notes.anki_fields(by_front["LLM"])
    assert llm is not None and llm.notetype == "Word"
    assert llm.html == ("LLM", "seen in week 1", "Large language model")
    # The templates decide the cards: a reading makes the second card.
    assert len(col.notes.get(by_front["LLM"]).card_ids) == 2
    assert len(col.notes.get(by_front["GPT"]).card_ids) == 1
    assert col.notes.get(by_front["GPT"]).tags == ("ai",)


def test_options_naming_a_note_type_that_does_not_fit_change_nothing(
    col: Collection, tmp_path: Path
) -> None:
    exchange.import_file(col, _word_type_package(tmp_path), NOW)
    word = next(t for t in col.notes.notetypes() if t.name == "Word")
    path = tmp_path / "sheet.csv"
    path.write_text(SHEET, encoding="utf-8")
    columns = (Column.FIELD, Column.TAGS, Column.FIELD, Column.IGNORE)
    before = col.notes.ids()
    for notetype, fields, error in (
        (word.id + 1, (0, None, 2), "not in the collection"),
        (word.id, (0, 2), "do not match"),
        (word.id, (None, None, None), "no column is chosen"),
    ):
        options = TextOptions(
            header_row=True, columns=columns, notetype=notetype, field_columns=fields
        )
        with pytest.raises(InputError, match=error):
            exchange.import_file(col, path, NOW, "Sheet", options=options)
    assert col.notes.ids() == before
