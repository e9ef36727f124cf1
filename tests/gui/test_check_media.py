"""File → Check Media in the real window: missing and unused files, unused ones to the trash."""

from __future__ import annotations

from pathlib import Path

import genanki

from flashcards.core import exchange
from tests.gui.conftest import Gui

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010800000000"
    "3a7e9b550000000a49444154789c63600000000200015e2a4e6d0000000049454e44ae426082"
)


def _package(folder: Path) -> Path:
    """An Anki package (written by genanki) whose note shows cat.png and plays meow.mp3."""
    (folder / "cat.png").write_bytes(PNG)
    (folder / "meow.mp3").write_bytes(b"ID3 not really a song")
    model = genanki.Model(
        1607392319,
        "Picture",
        fields=[{"name": "Front"}, {"name": "Back"}],
        templates=[{"name": "Card 1", "qfmt": "{{Front}}", "afmt": "{{FrontSide}}<hr>{{Back}}"}],
    )
    deck = genanki.Deck(2059400110, "Pictures")
    deck.add_note(genanki.Note(model, ['<img src="cat.png">', "cat [sound:meow.mp3]"]))
    path = folder / "pictures.apkg"
    genanki.Package(
        deck, media_files=[str(folder / "cat.png"), str(folder / "meow.mp3")]
    ).write_to_file(str(path), timestamp=1_700_000_000)
    return path


def test_check_media_lists_missing_and_unused_and_trashes_the_unused(
    qtbot,
    gui: Gui,
    tmp_path: Path,  # noqa: ANN001
) -> None:
    col, controller = gui.col, gui.controller
    assert col is not None and controller is not None and col.media.folder is not None
    source = tmp_path / "source"
    source.mkdir()
    report = exchange.import_file(col, _package(source), gui.clock()).value
    assert report.media_added == 2
    folder = col.media.folder
    (folder / "meow.mp3").unlink()
    (folder / "stray.png").write_bytes(PNG)

    gui.window.actions_.check_media.trigger()
    dialog = controller.check_media.dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: "Missing" in dialog.text.toPlainText(), timeout=10_000)
    text = dialog.text.toPlainText()
    assert "meow.mp3  (1 note)" in text and "  stray.png" in text and "cat.png" not in text
    assert dialog.trash.isEnabled()

    with qtbot.waitSignal(controller.check_media.message, timeout=10_000) as said:
        dialog.trash.click()
    assert said.args[0].startswith("Moved 1 unused media file to ")
    assert not (folder / "stray.png").exists()
    assert col.media.trash is not None and (col.media.trash / "stray.png").read_bytes() == PNG
    qtbot.waitUntil(lambda: "Unused" not in dialog.text.toPlainText(), timeout=10_000)
    assert "meow.mp3" in dialog.text.toPlainText() and not dialog.trash.isEnabled()
    dialog.close()
