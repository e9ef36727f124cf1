"""Screenshots of the Japanese interface: the deck list, a review, the statistics, the browser.

Run under a real X server (Xvfb) so real fonts render (a Japanese font must be installed, e.g.
``fonts-noto-cjk``)::

    Xvfb :46 -screen 0 1280x800x24 & DISPLAY=:46 python tools/ja_screenshots.py

The Language setting of a throwaway data directory is set to 日本語 and the translator is
installed as the app does at start-up (:func:`flashcards.gui.i18n.install_translator`); the
shipped deck is studied for a few cards so the lists and charts have something to show. The
pictures go to ``docs/screenshots/ja_*.png``.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QEventLoop, QSettings, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from flashcards.core.startup import open_user_collection
from flashcards.gui.app import attach_collection, create_gui
from flashcards.gui.i18n import LANGUAGE_SETTING, install_translator

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


def settle(ms: int = 150) -> None:
    """Let Qt lay out and paint, and background work run (an event loop, not a sleep)."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def shot(widget: QWidget, name: str) -> None:
    """Save a picture of ``widget`` in ``docs/screenshots``."""
    settle()
    widget.grab().save(str(OUT / name))
    print("saved", OUT / name)


def key(app: QApplication, k: Qt.Key | str) -> None:
    """Press a key in the focused widget."""
    target = app.focusWidget() or app.activeWindow()
    if isinstance(k, str):
        QTest.keyClicks(target, k)
    else:
        QTest.keyClick(target, k)
    settle(50)


def main() -> int:
    """Take ``ja_deck_list.png``, ``ja_review.png``, ``ja_stats.png`` and ``ja_browse.png``."""
    app = QApplication(sys.argv[:1])
    data = Path(tempfile.mkdtemp(prefix="flashcards-ja-shots-"))
    settings = QSettings(str(data / "gui.ini"), QSettings.Format.IniFormat)
    settings.setValue(LANGUAGE_SETTING, "ja")
    if install_translator(app, settings) != "ja":
        print("the Japanese translation could not be loaded", file=sys.stderr)
        return 1
    clock = [datetime.now(UTC)]
    gui = create_gui(app, settings, lambda: clock[0])
    col = open_user_collection(clock[0], data)
    controller = attach_collection(gui, col)
    window = gui.window
    window.resize(900, 640)
    window.show()
    window.activateWindow()
    settle(300)

    deck = next(n for n in col.decks.names().values() if "::" not in n)
    controller._on_study(col.decks.id(deck))
    for rating in (3, 3, 1, 4, 3, 2, 3, 1):
        key(app, Qt.Key.Key_Space)
        key(app, str(rating))
        clock[0] += timedelta(seconds=25)
    controller._on_back()
    shot(window, "ja_deck_list.png")

    controller._on_study(col.decks.id(deck))
    key(app, Qt.Key.Key_Space)
    shot(window, "ja_review.png")
    controller._on_back()

    window.actions_.stats.trigger()
    assert controller.stats is not None
    stats = controller.stats
    stats.window.resize(1180, 860)
    for _ in range(300):
        settle(100)
        if stats.view.report is not None and not stats.loading:
            break
    shot(stats.window, "ja_stats.png")
    stats.window.close()

    window.actions_.browse.trigger()
    assert controller.browser is not None
    browser = controller.browser.window
    browser.resize(1180, 640)
    browser.table.selectRow(2)
    settle(300)
    shot(browser, "ja_browse.png")
    controller.close()
    col.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
