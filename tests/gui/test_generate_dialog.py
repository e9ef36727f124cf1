"""The generate dialog end to end: article -> worker thread -> preview -> edited import."""

from __future__ import annotations

from PySide6.QtCore import Qt

from flashcards.core.paths import resources_dir
from flashcards.gui.app import Gui
from flashcards.gui.generate_controller import GenerateController

ARTICLE = resources_dir() / "articles" / "llm_basics_ja.txt"


def test_generate_preview_edit_and_import(qtbot, gui: Gui, clock) -> None:  # noqa: ANN001
    col = gui.col
    assert col is not None and gui.ops is not None
    generate = GenerateController(col, gui.ops, clock, gui.executor, gui.window)
    dialog = generate.dialog
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_path(ARTICLE)
    dialog.deck_name.setText("LLM記事")
    with qtbot.waitSignal(generate.generated, timeout=60_000):
        qtbot.mouseClick(dialog.generate_button, Qt.MouseButton.LeftButton)
    rows = dialog.table.rowCount()
    assert rows >= 5, dialog.status.text()
    assert dialog.progress.value() == dialog.progress.maximum()
    assert dialog.import_button.isEnabled()

    dialog.table.item(1, 0).setCheckState(Qt.CheckState.Unchecked)
    dialog.table.item(0, 1).setText("編集した説明")
    assert dialog.chosen_label.text() == f"{rows - 1} of {rows} selected"
    edited_front = dialog.table.item(0, 0).text()
    skipped_front = dialog.table.item(1, 0).text()

    with qtbot.waitSignal(generate.imported):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    notes = col.notes.get_many(col.notes.ids("LLM記事"))
    assert len(notes) == rows - 1
    by_front = {n.front: n for n in notes}
    assert by_front[edited_front].back == "編集した説明"
    assert skipped_front not in by_front
    # The deck list heard about the new deck through ops.changed.
    qtbot.waitUntil(
        lambda: any(
            gui.window.deck_list.tree.topLevelItem(i).text(0) == "LLM記事"
            for i in range(gui.window.deck_list.tree.topLevelItemCount())
        )
    )


def test_generate_from_pasted_text_and_errors(qtbot, gui: Gui, clock) -> None:  # noqa: ANN001
    col = gui.col
    assert col is not None and gui.ops is not None
    generate = GenerateController(col, gui.ops, clock, gui.executor, gui.window)
    dialog = generate.dialog
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.generate_button.clicked):
        dialog.generate_button.click()
    qtbot.waitUntil(lambda: dialog.generate_button.isEnabled())
    assert "Choose an article file or paste" in dialog.status.text()

    dialog.text.setPlainText(ARTICLE.read_text(encoding="utf-8"))
    dialog.max_cards.setValue(3)
    with qtbot.waitSignal(generate.generated, timeout=60_000):
        dialog.generate_button.click()
    assert dialog.table.rowCount() == 3
    assert dialog.deck_name.text()  # the article's title was proposed as the deck name
