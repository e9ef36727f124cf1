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

    # Terms the fixture's decks have already (トークン...) come unticked; the rest ticked.
    chosen = dialog.chosen_rows()
    assert 5 <= len(chosen) < rows
    first, second = chosen[:2]
    dialog.table.item(second, 0).setCheckState(Qt.CheckState.Unchecked)
    dialog.table.item(first, 1).setText("編集した説明")
    assert dialog.chosen_label.text() == f"{len(chosen) - 1} of {rows} selected"
    edited_front = dialog.table.item(first, 0).text()
    skipped_front = dialog.table.item(second, 0).text()

    with qtbot.waitSignal(generate.imported):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    notes = col.notes.get_many(col.notes.ids("LLM記事"))
    assert len(notes) == len(chosen) - 1
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


def test_cards_the_collection_has_are_unticked(qtbot, gui: Gui, clock) -> None:  # noqa: ANN001
    """Generating the same article twice does not make a second deck of the same cards."""
    col = gui.col
    assert col is not None and gui.ops is not None
    generate = GenerateController(col, gui.ops, clock, gui.executor, gui.window)
    dialog = generate.dialog
    qtbot.addWidget(dialog)
    dialog.text.setPlainText(ARTICLE.read_text(encoding="utf-8"))
    dialog.max_cards.setValue(6)
    with qtbot.waitSignal(generate.generated, timeout=60_000):
        dialog.generate_button.click()
    fronts = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
    before = dialog.chosen_rows()  # (the fixture's decks hold some terms already)
    assert len(before) >= 2
    a, b = before[:2]
    # Two more are in the collection now (one with other case and spaces).
    col.notes.add("Mine", "basic", fronts[a], "known", clock())
    col.notes.add("Other", "basic", f"  {fronts[b].upper()} ", "known", clock())
    with qtbot.waitSignal(generate.generated, timeout=60_000):
        dialog.generate_button.click()
    assert dialog.chosen_rows() == [r for r in before if r not in (a, b)]
    assert "in “Mine”" in dialog.table.item(a, 2).text()
    assert "in “Other”" in dialog.table.item(b, 2).text()
    known = 6 - len(before) + 2
    assert f"{known} of the 6 proposed cards are in the collection already" in (
        dialog.status.text()
    )
