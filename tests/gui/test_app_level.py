"""The app as a whole: Quit, zoom, the theme switch, About, export's default deck (issue 14)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from flashcards.gui.app import Gui
from flashcards.gui.settings_controller import SettingsController
from flashcards.gui.theme import Theme


@pytest.fixture
def restore_look(gui: Gui) -> Iterator[Gui]:
    """Put the shared application's theme and zoom back as they were after the test."""
    yield gui
    gui.theme.set_mode("system")
    gui.theme.reset_zoom()


def _window_is_dark() -> bool:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    return app.palette().window().color().lightness() < 128


def test_theme_switch_in_settings_applies_and_is_remembered(
    qtbot,
    restore_look: Gui,
    settings: QSettings,  # noqa: ANN001
) -> None:
    gui = restore_look
    assert gui.col is not None and gui.ops is not None
    assert gui.theme.mode == "system" and not _window_is_dark()
    changed: list[int] = []
    gui.theme.changed.connect(lambda: changed.append(1))

    for mode, dark in (("dark", True), ("light", False), ("system", False)):
        options = SettingsController(gui.col, gui.ops, None, gui.window, gui.theme)
        dialog = options.dialog
        qtbot.addWidget(dialog)
        box = dialog.theme
        assert [box.itemText(i) for i in range(box.count())] == [
            "Same as the system", "Light", "Dark",
        ]  # fmt: skip
        box.setCurrentIndex(box.findData(mode))
        options._on_save()  # what Save does
        assert not dialog.isVisible()
        assert gui.theme.mode == mode and gui.theme.dark is dark
        assert _window_is_dark() is dark
        assert settings.value("view/theme") == mode
        if mode == "dark":
            # The next start reads the choice back, and the dialog shows it.
            again = SettingsController(gui.col, gui.ops, None, gui.window, gui.theme)
            qtbot.addWidget(again.dialog)
            assert again.dialog.theme.currentData() == "dark"
            app = QApplication.instance()
            assert isinstance(app, QApplication)
            next_start = Theme(app, settings)
            assert next_start.mode == "dark"
            next_start.deleteLater()
    assert changed
