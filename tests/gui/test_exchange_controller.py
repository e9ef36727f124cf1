"""File → Import / Export through the controller: operations on the executor, one message each."""

from __future__ import annotations

from pathlib import Path

from flashcards.core.changes import Change
from flashcards.gui.app import Gui


def test_export_then_import_round_trip(qtbot, gui: Gui, tmp_path: Path) -> None:  # noqa: ANN001
    col, controller, ops = gui.col, gui.controller, gui.ops
    assert col is not None and controller is not None and ops is not None
    exchange = controller.exchange
    heard: list[tuple[Change, object]] = []
    ops.changed.connect(lambda changes, who: heard.append((changes, who)))

    package = tmp_path / "all.apkg"
    with qtbot.waitSignal(exchange.message, timeout=20_000) as said:
        exchange.export(package, "apkg", None, with_progress=True)
        assert exchange._progress is not None  # the progress dialog shows while it runs
    assert said.args == [f"Exported 4 notes to “{package}”."]
    assert package.stat().st_size > 0 and exchange._progress is None
    assert heard == []  # an export changes nothing

    text = tmp_path / "english.txt"
    with qtbot.waitSignal(exchange.message, timeout=20_000) as said:
        exchange.export(text, "csv", "English", with_progress=False)
    assert said.args == [f"Exported 1 note to “{text}”."]

    col.decks.delete(col.decks.id("English"))
    heard.clear()
    with qtbot.waitSignal(exchange.message, timeout=20_000) as said:
        exchange.import_file(package)
    assert said.args == ["Deck “English”: 1 added, 0 updated, 3 unchanged."]
    assert "English" in col.decks.names().values()
    assert len(heard) == 1 and heard[0][1] is exchange  # announced once, by the controller
    assert heard[0][0] & Change.NOTES
    # The deck list heard it too (it refreshes on changed when it is in front).
    tree = gui.window.deck_list.tree
    qtbot.waitUntil(
        lambda: "English" in {tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())}
    )
