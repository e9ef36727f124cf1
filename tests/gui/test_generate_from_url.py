"""The Generate dialog reads a web address served by a real local server, off the GUI thread."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt

from flashcards.gui.app import Gui
from flashcards.gui.generate_controller import GenerateController
from tests.local_site import Site, serve


@pytest.fixture
def site() -> Iterator[Site]:
    with serve() as running:
        yield running


def test_generate_from_a_web_address(qtbot, gui: Gui, clock, site: Site) -> None:  # noqa: ANN001
    col = gui.col
    assert col is not None and gui.ops is not None
    generate = GenerateController(col, gui.ops, clock, gui.executor, gui.window)
    dialog = generate.dialog
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.text.setPlainText("Pasted text that the address replaces.")
    qtbot.keyClicks(dialog.url, site.url("/web/glossary.html"))
    assert dialog.text.toPlainText() == ""  # the address is the article now
    with qtbot.waitSignal(generate.generated, timeout=60_000):
        qtbot.mouseClick(dialog.generate_button, Qt.MouseButton.LeftButton)
    fronts = {dialog.table.item(row, 0).text() for row in range(dialog.table.rowCount())}
    assert {"Accidental", "Cadence", "Tempo"} <= fronts, dialog.status.text()
    assert dialog.deck_name.text() == "Music Theory Glossary"

    with qtbot.waitSignal(generate.imported):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    notes = col.notes.get_many(col.notes.ids("Music Theory Glossary"))
    assert {"Accidental", "Tempo"} <= {note.front for note in notes}


def test_a_bad_address_is_one_sentence(qtbot, gui: Gui, clock, site: Site) -> None:  # noqa: ANN001
    col = gui.col
    assert col is not None and gui.ops is not None
    generate = GenerateController(col, gui.ops, clock, gui.executor, gui.window)
    dialog = generate.dialog
    qtbot.addWidget(dialog)
    dialog.url.setText(site.url("/missing"))
    dialog.generate_button.click()
    qtbot.waitUntil(lambda: dialog.generate_button.isEnabled(), timeout=30_000)
    assert dialog.status.text() == f"The page {site.url('/missing')} was not found (HTTP 404)."
    assert dialog.table.rowCount() == 0

    dialog.url.setText(site.url("/image.png"))
    dialog.generate_button.click()
    qtbot.waitUntil(lambda: "image/png" in dialog.status.text(), timeout=30_000)
    assert "\n" not in dialog.status.text()
