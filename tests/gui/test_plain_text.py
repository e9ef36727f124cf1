"""User and imported text reaches no rich-text widget: every surface shows it literally.

Decks, cards and files carry ``<img src=…>``, ``<b>x</b>`` and ``Q&A``; each surface that shows
them (labels, message boxes, tooltips, the done screen, the import and Generate dialogs) must show
the characters as typed. Only the review's card view renders rich text, after the safelist.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QInputDialog, QLabel, QMessageBox, QWidget

from flashcards.core.backup import create_backup, list_backups
from flashcards.core.collection import Collection
from flashcards.core.deckfile import DeckFile, NoteSource, NoteSpec
from flashcards.core.errors import InputError
from flashcards.gui.app import Gui
from flashcards.gui.browser_controller import BrowserController
from flashcards.gui.deck_list import DECK_ID_ROLE
from flashcards.gui.generate_controller import GenerateController
from flashcards.gui.main_window import Screen
from flashcards.gui.note_controller import NoteController
from flashcards.gui.plain import MAX_MESSAGE, one_sentence, tooltip
from flashcards.gui.safety import RestoreDialog, instance
from flashcards.gui.settings_controller import SettingsController
from flashcards.gui.stats_controller import StatsController
from tests.gui.screens import (
    HOSTILE,
    HOSTILE_FILE,
    MARKERS,
    Boxes,
    assert_literal_tooltip,
    labels,
    rendered,
    tooltips,
)

YES, NO, OK = (
    QMessageBox.StandardButton.Yes,
    QMessageBox.StandardButton.No,
    QMessageBox.StandardButton.Ok,
)
PLAIN = Qt.TextFormat.PlainText
#: A deck whose name is markup, one under it, and one with an ampersand.
PARENT = HOSTILE
CHILD = f"{HOSTILE}::<i>sub</i>"
AMP = "Q&A"


def _hostile_notes(col: Collection, now) -> None:  # noqa: ANN001
    col.notes.add(PARENT, "basic", HOSTILE, HOSTILE, now, tags=["<b>x</b>"])
    col.notes.add(CHILD, "basic", "<i>front</i> & more", "back", now)
    col.notes.add(AMP, "basic", "Q&A front", "Q&A back", now)


def _deck_id(col: Collection, name: str) -> int:
    return next(i for i, n in col.decks.names().items() if n == name)


def _select(gui: Gui, name: str) -> None:
    assert gui.col is not None
    gui.window.deck_list.select_deck(_deck_id(gui.col, name))


def _assert_plain_label(label: QLabel, text: str) -> None:
    assert label.textFormat() == PLAIN, label.objectName()
    assert label.text() == text


def _wait_boxes(qtbot, boxes: Boxes, count: int = 1) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: len(boxes.seen) >= count, timeout=10_000)


# ---------------------------------------------------------------------------- the deck list


def test_deck_list_tooltips_and_today_line_show_names_as_text(qtbot, gui: Gui, clock) -> None:  # noqa: ANN001
    col = gui.col
    assert col is not None and gui.controller is not None
    _hostile_notes(col, clock())
    gui.controller.refresh_decks()
    names = col.decks.names()
    items = {}
    tree = gui.window.deck_list.tree
    stack = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    while stack:
        item = stack.pop()
        if item is not None:
            items[names[int(item.data(0, DECK_ID_ROLE))]] = item
            stack.extend(item.child(i) for i in range(item.childCount()))
    for name in (PARENT, CHILD, AMP):
        item = items[name]
        assert item.text(0) == name.rpartition("::")[2]  # the tree draws item text as text
        assert_literal_tooltip(item.toolTip(0), name)
    assert rendered(items[AMP].toolTip(0)) == "Q&A\n1 card"

    gui.window.deck_list.set_today(f"Restoring {HOSTILE_FILE}.db…")
    _assert_plain_label(gui.window.deck_list.today, f"Restoring {HOSTILE_FILE}.db…")


def test_delete_deck_confirmation_quotes_the_name_as_text(qtbot, gui: Gui, clock) -> None:  # noqa: ANN001
    col = gui.col
    assert col is not None and gui.controller is not None
    _hostile_notes(col, clock())
    gui.controller.refresh_decks()
    _select(gui, PARENT)

    boxes = Boxes().answer(NO)
    gui.controller._on_delete_deck()
    _wait_boxes(qtbot, boxes)
    shown = boxes.seen[0]
    assert shown.text_format == PLAIN
    assert f"“{HOSTILE}”" in shown.text and "2 cards" in shown.text
    assert PARENT in col.decks.names().values()  # No keeps it

    boxes.answer(YES)
    gui.controller._on_delete_deck()
    _wait_boxes(qtbot, boxes, 2)
    assert boxes.seen[1].text_format == PLAIN
    assert PARENT not in col.decks.names().values() and CHILD not in col.decks.names().values()


def test_rename_deck_error_shows_the_name_as_text(qtbot, gui: Gui, clock, monkeypatch) -> None:  # noqa: ANN001
    col = gui.col
    assert col is not None and gui.controller is not None
    _hostile_notes(col, clock())
    gui.controller.refresh_decks()
    _select(gui, AMP)
    # The new name is typed in an input dialog (a line edit: plain); it names an existing deck.
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (PARENT, True))
    boxes = Boxes().answer(OK)
    gui.controller._on_rename_deck()
    _wait_boxes(qtbot, boxes)
    assert boxes.seen[0].text_format == PLAIN
    assert HOSTILE in boxes.seen[0].text and "\n" not in boxes.seen[0].text


# ---------------------------------------------------------------------------- review


def test_done_screen_shows_the_deck_name_as_typed(qtbot, gui: Gui, clock) -> None:  # noqa: ANN001
    col = gui.col
    assert col is not None and gui.controller is not None
    name = f"{AMP} <b>x</b>"
    col.notes.add(name, "basic", "front", "back", clock())
    card = col.sched.next_card(clock(), name)
    assert card is not None
    col.sched.set_suspended([card.card_id], True)  # nothing to study: the done screen
    gui.controller.review.start(name)
    assert gui.window.current_screen == Screen.DONE
    _assert_plain_label(gui.window.done.title, f"Done for today with {name}!")  # not Q&amp;A


def test_review_shows_deck_and_intervals_as_text(qtbot, gui: Gui, clock) -> None:  # noqa: ANN001
    col = gui.col
    assert col is not None and gui.controller is not None
    _hostile_notes(col, clock())
    gui.controller.review.start(PARENT)
    assert gui.window.current_screen == Screen.REVIEW
    gui.controller.review._reveal()
    view = gui.window.review
    _assert_plain_label(view.counts.deck, PARENT)
    for button in view.answer_buttons.values():
        assert button.interval.textFormat() == PLAIN
    # The card itself is the sanitised rich view: the markup arrives escaped, as text.
    for label in (view.question, view.answer):
        assert not any(marker in label.text() for marker in MARKERS)
        assert HOSTILE in rendered(label.text())


# ---------------------------------------------------------------------------- browse


def test_browser_tooltips_errors_and_boxes_show_text(qtbot, gui: Gui, clock, monkeypatch) -> None:  # noqa: ANN001
    col = gui.col
    assert col is not None and gui.ops is not None
    _hostile_notes(col, clock())
    controller = BrowserController(col, gui.ops, clock, gui.settings)
    browser = controller.window
    qtbot.addWidget(browser)
    browser.show()
    model = browser.model
    rows = [r for r in range(model.rowCount()) if model.data(model.index(r, 0)) == HOSTILE]
    assert len(rows) == 1
    assert model.data(model.index(rows[0], 1)) == PARENT
    assert_literal_tooltip(
        model.data(model.index(rows[0], 0), Qt.ItemDataRole.ToolTipRole), f"{HOSTILE}\nnew"
    )

    # A bad query is reported beside the search box, quoting it.
    controller.search("is:<b>x</b>")
    assert browser.count_label.textFormat() == PLAIN
    assert "is:<b>x</b>" in browser.count_label.text()

    # A failed save of the editor pane (an invalid deck name, quoted).
    controller.search("")
    browser.table.selectRow(rows[0])
    assert browser.form.isEnabled()
    browser.form.deck.setCurrentText("<b>x</b>::")
    controller._on_save()
    _assert_plain_label(browser.editor_status, browser.editor_status.text())
    assert "<b>x</b>::" in browser.editor_status.text()
    controller._dirty = False

    # Change deck to an invalid name: the warning quotes it, as text.
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("<b>y</b>::", True))
    boxes = Boxes().answer(OK)
    controller._on_change_deck()
    _wait_boxes(qtbot, boxes)
    assert boxes.seen[0].text_format == PLAIN and "<b>y</b>::" in boxes.seen[0].text

    # The delete confirmation is plain text too.
    boxes.answer(NO)
    controller._on_delete()
    _wait_boxes(qtbot, boxes, 2)
    assert boxes.seen[1].text_format == PLAIN
    browser.close()


# ---------------------------------------------------------------------------- editors and settings


def test_note_editor_and_settings_errors_show_text(qtbot, gui: Gui, clock) -> None:  # noqa: ANN001
    col = gui.col
    assert col is not None and gui.ops is not None
    _hostile_notes(col, clock())
    editor = NoteController(col, gui.ops, clock, deck="<b>x</b>::", parent=gui.window)
    dialog = editor.dialog
    qtbot.addWidget(dialog)
    dialog.form.front.setPlainText("front")
    dialog.form.back.setPlainText("back")
    editor._on_save()
    assert dialog.error.textFormat() == PLAIN and "<b>x</b>::" in dialog.error.text()

    # The options are the deck's preset's; the error names the preset (a name that looks
    # like HTML, shown as text).
    preset = col.presets.add(PARENT, clock()).value
    col.presets.set_for_decks([_deck_id(col, PARENT)], preset, clock())
    options = SettingsController(col, gui.ops, _deck_id(col, PARENT), gui.window)
    settings = options.dialog
    assert settings.preset.currentText() == PARENT
    qtbot.addWidget(settings)
    settings.learning_steps.setText("<b>x</b>")
    options._on_save()
    assert settings.error.textFormat() == PLAIN
    assert settings.error.text().startswith(f"{PARENT}: ")


# ---------------------------------------------------------------------------- statistics


def test_stats_deck_tooltips_errors_and_save_warning(qtbot, gui: Gui, clock, monkeypatch) -> None:  # noqa: ANN001
    col = gui.col
    assert col is not None and gui.ops is not None
    _hostile_notes(col, clock())
    # Not in the background: loads in place.
    stats = StatsController(col, gui.ops, clock, gui.settings, background=False)
    qtbot.addWidget(stats.window)
    combo = stats.view.deck_combo
    index = combo.findData(PARENT)
    assert index > 0 and combo.itemText(index) == PARENT  # combo items are drawn as text
    assert_literal_tooltip(combo.itemData(index, Qt.ItemDataRole.ToolTipRole), PARENT)

    stats.view.show_error(one_sentence(RuntimeError(f"{HOSTILE}\n[SQL: SELECT …]"), "Failed"))
    _assert_plain_label(stats.view.summary, f"Failed: {HOSTILE}.")

    monkeypatch.setattr(
        "flashcards.gui.stats_controller.QFileDialog.getSaveFileName",
        lambda *a, **k: (f"/nonexistent-folder/{HOSTILE_FILE}.png", ""),
    )
    boxes = Boxes().answer(OK)
    stats._on_save_requested("reviews")
    _wait_boxes(qtbot, boxes)
    assert boxes.seen[0].text_format == PLAIN and HOSTILE_FILE in boxes.seen[0].text


# ---------------------------------------------------------------------------- generate


def test_generate_dialog_shows_file_cards_and_errors_as_text(qtbot, gui: Gui, clock) -> None:  # noqa: ANN001
    col = gui.col
    assert col is not None and gui.ops is not None
    generate = GenerateController(col, gui.ops, clock, gui.executor, gui.window)
    dialog = generate.dialog
    qtbot.addWidget(dialog)
    path = Path(f"/articles/{HOSTILE_FILE}.txt")
    dialog.set_path(path)
    _assert_plain_label(dialog.file_label, str(path))

    source = NoteSource(title="t", section="s", sentence=f"The sentence with {HOSTILE}.")
    deck = DeckFile(
        name=HOSTILE,
        notes=[NoteSpec(id="a", kind="basic", front=HOSTILE, back=f"{AMP} <b>back</b>",
                        source=source)],
    )  # fmt: skip
    generate._on_generated(deck)
    front, back = dialog.table.item(0, 0), dialog.table.item(0, 1)
    assert front.text() == HOSTILE and back.text() == f"{AMP} <b>back</b>"
    assert_literal_tooltip(front.toolTip(), source.sentence)
    assert_literal_tooltip(back.toolTip(), f"{AMP} <b>back</b>")
    assert dialog.deck_name.text() == HOSTILE  # a line edit: plain

    generate._on_failed(InputError(f"{HOSTILE_FILE}.txt cannot be read ({HOSTILE})."))
    _assert_plain_label(dialog.status, f"{HOSTILE_FILE}.txt cannot be read ({HOSTILE}).")


# ---------------------------------------------------------------------------- import


def test_import_error_box_quotes_the_member_name_as_text(qtbot, gui: Gui, tmp_path: Path) -> None:  # noqa: ANN001
    assert gui.controller is not None
    package = tmp_path / f"{HOSTILE_FILE}.apkg"
    member = '/<img src="/nonexistent/flashcards-probe.png"><b>x</b>'
    with zipfile.ZipFile(package, "w") as zf:
        zf.writestr(zipfile.ZipInfo(member), b"x")
        zf.writestr("collection.anki2", b"x")
    exchange = gui.controller.exchange
    boxes = Boxes().answer(OK)
    exchange.import_file(package)
    # The progress dialog names the file, as text.
    progress = exchange._progress
    assert progress is not None
    shown = [label for label in progress.findChildren(QLabel) if label.text()]
    assert [label.text() for label in shown] == [f"Importing {HOSTILE_FILE}.apkg…"]
    assert all(label.textFormat() == PLAIN for label in shown)

    _wait_boxes(qtbot, boxes)
    box = boxes.seen[0]
    assert box.text_format == PLAIN
    assert member in box.text and "\n" not in box.text  # quoted, on one line


def test_import_result_is_one_sentence_and_warnings_are_shown(
    qtbot,
    gui: Gui,
    tmp_path: Path,  # noqa: ANN001
) -> None:
    col = gui.col
    assert col is not None and gui.controller is not None
    table = tmp_path / "words.txt"
    table.write_text(
        f"#separator:tab\n#deck:{AMP} <b>x</b>\nfront one\tback one\n\tno front\n",
        encoding="utf-8",
    )
    exchange = gui.controller.exchange
    with qtbot.waitSignal(exchange.message, timeout=10_000) as said:
        exchange.import_file(table)
    sentence = f"Deck “{AMP} <b>x</b>”: 1 added, 0 updated, 0 unchanged."
    assert said.args == [sentence]
    assert gui.window.statusBar().currentMessage() == sentence  # a status bar draws text
    dialog = exchange.result_dialog  # the result dialog: plain widgets only
    assert dialog is not None and dialog.isVisible()
    _assert_plain_label(dialog.summary, sentence)  # type: ignore[attr-defined]
    deck_cell = dialog.table.item(0, 0)  # type: ignore[attr-defined]
    assert deck_cell.text() == f"{AMP} <b>x</b>"  # a table item is text
    warnings = dialog.warnings.toPlainText().splitlines()  # type: ignore[attr-defined]
    assert "empty first field" in warnings[0]
    dialog.accept()
    assert f"{AMP} <b>x</b>" in col.decks.names().values()


def test_import_report_reads_as_one_sentence_and_short_lines() -> None:
    from flashcards.core.exchange import ExchangeReport
    from flashcards.gui.exchange_ops import MAX_WARNINGS, describe_import, import_notes

    report = ExchangeReport(
        deck="Words\n" + "w" * 500, added=1, updated=2, unchanged=3, refused=4, skipped=5,
        missing=[f"id-{i}" for i in range(7)],
        warnings=["media: " + "m" * 1000 + "\nsecond line", *[f"w{i}" for i in range(12)]],
    )  # fmt: skip
    sentence = describe_import(report)
    assert "\n" not in sentence and len(sentence) < 200
    assert sentence.startswith("Deck “Words w")
    assert sentence.endswith("…”: 1 added, 2 updated, 3 unchanged, 4 refused, 5 skipped.")
    lines = import_notes(report)
    assert lines[0].startswith("7 notes of the deck are not in the file (kept, not deleted)")
    assert all("\n" not in line and len(line) <= 300 for line in lines)
    assert len(lines) == 1 + MAX_WARNINGS + 1 and lines[-1] == "…and 3 more."


def test_long_errors_are_cut_to_one_line() -> None:
    error = RuntimeError("disk I/O error\n[SQL: " + "SELECT 1 UNION ALL " * 20_000 + "]")
    assert one_sentence(error, "The import failed") == "The import failed: disk I/O error."
    long = InputError("bad.csv, line 3: " + "x" * 5000 + "\nsecond line")
    text = one_sentence(long, "unused")
    assert len(text) == MAX_MESSAGE and text.endswith("…") and "\n" not in text
    assert one_sentence(InputError("A deck called 'x' already exists."), "lead") == (
        "A deck called 'x' already exists."
    )
    assert rendered(tooltip("y" * 50_000)) == "y" * 999 + "…"


# ---------------------------------------------------------------------------- safety


def test_restore_list_and_notices_show_paths_as_text(qtbot, tmp_path: Path, clock) -> None:  # noqa: ANN001
    from flashcards.core.collection import open_collection
    from flashcards.core.db import sqlite_url

    folder = tmp_path / HOSTILE_FILE
    folder.mkdir()
    db = folder / "collection.db"
    open_collection(sqlite_url(db)).close()
    create_backup(db, clock())
    dialog = RestoreDialog(list_backups(db), folder)
    qtbot.addWidget(dialog)
    item = dialog.list.topLevelItem(0)
    assert item is not None
    assert_literal_tooltip(item.toolTip(0), str(list_backups(db)[0].path))

    boxes = Boxes().answer(OK)
    instance._information(f"Flashcards is already running for {folder}.")
    _wait_boxes(qtbot, boxes)
    assert boxes.seen[0].text_format == PLAIN and HOSTILE_FILE in boxes.seen[0].text


# ---------------------------------------------------------------------------- every surface


def _walk(root: QWidget) -> list[str]:
    """Where ``root`` shows hostile markup raw (a label that may render it, or a raw tooltip)."""
    wrong = []
    for label in labels(root):
        text = label.text()
        if not any(marker in text for marker in MARKERS):
            continue
        if label.textFormat() != PLAIN:
            wrong.append(f"label {label.objectName() or type(label.parent()).__name__}: {text}")
    for where, tip in tooltips(root):
        if any(marker in tip for marker in MARKERS):
            wrong.append(f"tooltip {where}: {tip}")
    return wrong


@pytest.mark.parametrize("screen", ["decks", "done", "browse", "stats", "editors", "generate"])
def test_no_surface_renders_user_markup(qtbot, gui: Gui, clock, screen: str) -> None:  # noqa: ANN001
    """Every label and tooltip of every window, filled with hostile decks, cards and files."""
    col = gui.col
    assert col is not None and gui.controller is not None
    _hostile_notes(col, clock())
    gui.controller.refresh_decks()
    roots: list[QWidget] = [gui.window]
    if screen == "done":
        card = col.sched.next_card(clock(), AMP)
        assert card is not None
        col.sched.set_suspended([card.card_id], True)
        gui.controller.review.start(AMP)
        gui.window.deck_list.set_today(HOSTILE)
    elif screen == "browse":
        assert gui.ops is not None
        controller = BrowserController(col, gui.ops, clock, gui.settings)
        browser = controller.window
        qtbot.addWidget(browser)
        browser.show()
        controller.search(f'"deck:{PARENT}"')
        controller.search("is:<b>x</b>")
        roots.append(browser)
    elif screen == "stats":
        assert gui.ops is not None
        stats = StatsController(col, gui.ops, clock, gui.settings, background=False)
        qtbot.addWidget(stats.window)
        stats.set_deck(PARENT)
        roots.append(stats.window)
    elif screen == "editors":
        assert gui.ops is not None
        editor = NoteController(
            col, gui.ops, clock, note_id=col.notes.ids(PARENT)[0], parent=gui.window
        )
        note = editor.dialog
        qtbot.addWidget(note)
        note.form.deck.setCurrentText("<b>x</b>::")
        editor._on_save()
        options = SettingsController(col, gui.ops, _deck_id(col, PARENT), gui.window)
        settings = options.dialog
        qtbot.addWidget(settings)
        settings.learning_steps.setText("<b>x</b>")
        options._on_save()
        roots += [note, settings]
    elif screen == "generate":
        generate = gui.controller.open_generate()
        dialog = generate.dialog
        dialog.set_path(Path(f"/tmp/{HOSTILE_FILE}.txt"))
        generate._on_generated(
            DeckFile(HOSTILE, notes=[NoteSpec("a", "basic", HOSTILE, HOSTILE,
                                              source=NoteSource(sentence=HOSTILE))])
        )  # fmt: skip
        generate._on_failed(InputError(HOSTILE))
        roots.append(dialog)
    QApplication.processEvents()
    wrong = [problem for root in roots for problem in _walk(root)]
    assert wrong == []
    # The walk looked at the hostile text (it is on screen, shown as text).
    shown = [
        label.text() for root in roots for label in labels(root) if HOSTILE in label.text()
    ] + [rendered(tip) for root in roots for _where, tip in tooltips(root)]
    assert any(HOSTILE in text or "<b>x</b>" in text for text in shown), screen
