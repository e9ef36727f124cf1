"""Take the screenshots in ``docs/screenshots``: the real app, shipped deck, throwaway data dir.

Run under a real X server (Xvfb) so real fonts render (a Japanese font must be installed, e.g.
``fonts-noto-cjk``)::

    Xvfb :42 -screen 0 1280x800x24 & DISPLAY=:42 python tools/screenshots.py

Add ``stats`` to take only the Stats window's (six simulated weeks of reviews, see
:mod:`tools.simulate`), ``browse`` to take only the browser's, ``ja`` to take the Japanese
interface's (``ja_*.png``).
"""

from __future__ import annotations

import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QSettings, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from flashcards.core.collection import Collection
from flashcards.core.paths import resources_dir
from flashcards.core.startup import open_user_collection
from flashcards.gui.app import Gui, attach_collection, create_gui
from flashcards.gui.browser_controller import BrowserController
from flashcards.gui.generate_controller import GenerateController
from flashcards.gui.i18n import LANGUAGE_SETTING, install_translator
from flashcards.gui.note_controller import NoteController
from flashcards.gui.settings_controller import SettingsController

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


def settle(ms: int = 150) -> None:
    """Let Qt lay out and paint, and background tasks run.

    A QEventLoop rather than QTest.qWait: qWait sleeps holding Python's GIL, which starves the
    worker threads (report loading, generation) under the xcb platform.
    """
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def shot(widget: QWidget, name: str) -> None:
    """Save a picture of ``widget``."""
    settle()
    widget.grab().save(str(OUT / name))
    print("saved", name)


def key(app: QApplication, k: Qt.Key | str) -> None:
    """Press a key in the focused widget."""
    target = app.focusWidget() or app.activeWindow()
    if isinstance(k, str):
        QTest.keyClicks(target, k)
    else:
        QTest.keyClick(target, k)
    settle(50)


def _open_and_study(
    app: QApplication,
    data: Path,
    settings: QSettings,
    ratings: tuple[int, ...],
    step: timedelta,
) -> tuple[list[datetime], Gui, Collection, Any]:
    """Open the app on ``data``, show its window and answer the first top-level deck's cards.

    Returns the clock (a one-item list the app reads), the GUI, the collection and the main
    controller.
    """
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
    for rating in ratings:
        key(app, Qt.Key.Key_Space)
        key(app, str(rating))
        clock[0] += step
    return clock, gui, col, controller


def stats_shots(app: QApplication) -> None:
    """The Stats window after six simulated weeks of the shipped deck and a bigger demo deck."""
    sys.path.insert(0, str(OUT.parents[1]))  # the repository root: tools/ is not installed
    from tools.simulate import DEMO_DECK, add_demo_deck, simulate

    data = Path(tempfile.mkdtemp(prefix="flashcards-stats-shots-"))
    end = datetime.now(UTC)
    start = end - timedelta(days=41, hours=3)
    col = open_user_collection(start, data)
    add_demo_deck(col, 600, start)
    summary = simulate(col, start, 42, seed=1, minutes_per_day=20)
    print("simulated", summary.describe())
    assert summary.end is not None
    clock = [summary.end + timedelta(minutes=10)]
    settings = QSettings(str(data / "gui.ini"), QSettings.Format.IniFormat)
    gui = create_gui(app, settings, lambda: clock[0])
    controller = attach_collection(gui, col)
    gui.window.show()
    gui.window.actions_.stats.trigger()
    assert controller.stats is not None
    stats = controller.stats.window
    control = controller.stats
    stats.resize(1180, 860)
    for _ in range(300):
        settle(100)
        if stats.view.report is not None and not control.loading:
            break
    print("stats loaded:", stats.view.report is not None, stats.view.summary.text())
    shot(stats, "stats.png")
    bar = stats.view.scroll_area.verticalScrollBar()
    bar.setValue(bar.maximum())
    shot(stats, "stats_cards.png")
    bar.setValue(0)
    # One deck (a Japanese name), a year at a glance.
    control.set_deck(DEMO_DECK)
    stats.view.span_combo.setCurrentIndex(2)
    for _ in range(100):
        settle(100)
        if not control.loading:
            break
    shot(stats, "stats_deck_year.png")
    controller.close()
    col.close()


def _picture(path: Path) -> None:
    """A small diagram drawn here (tokens flowing into a model), saved as a PNG."""
    from PySide6.QtGui import QColor, QFont, QImage, QPainter

    image = QImage(360, 140, QImage.Format.Format_RGB32)
    image.fill(QColor("#fdfaf3"))
    painter = QPainter(image)
    painter.setFont(QFont("Noto Sans CJK JP", 14))
    for i, token in enumerate(("大規模", "言語", "モデル")):
        painter.setBrush(QColor("#cfe3f7"))
        painter.drawRoundedRect(12 + i * 84, 20, 76, 36, 6, 6)
        painter.drawText(20 + i * 84, 45, token)
    painter.setBrush(QColor("#f7d9b5"))
    painter.drawRoundedRect(60, 86, 240, 40, 8, 8)
    painter.drawText(130, 112, "Transformer")
    painter.end()
    image.save(str(path))


def _package(folder: Path) -> Path:
    """An Anki package as a learner has them: a picture card, a hint, a typed answer, a sound."""
    import io
    import wave

    import genanki

    _picture(folder / "tokens.png")
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\x00\x00" * 800)
    (folder / "token.wav").write_bytes(out.getvalue())
    model = genanki.Model(
        1733000001,
        "LLM terms (picture)",
        fields=[{"name": "Term"}, {"name": "Picture"}, {"name": "Meaning"}, {"name": "Clue"}],
        templates=[
            {"name": "Recognise", "qfmt": "<div class=term>{{Term}}</div>{{Picture}}{{hint:Clue}}",
             "afmt": "{{FrontSide}}<hr id=answer><div class=meaning>{{Meaning}}</div>"},
            {"name": "Type", "qfmt": "<div class=meaning>{{Meaning}}</div>\n\n{{type:Term}}",
             "afmt": "<div class=meaning>{{Meaning}}</div>\n\n<hr id=answer>\n\n{{type:Term}}"},
        ],
        css=".card { font-family: sans-serif; } .term { font-size: 30px; color: #1d4f91; }"
        " .meaning { color: #444; }",
    )  # fmt: skip
    deck = genanki.Deck(2059400201, "Anki import")
    deck.add_note(genanki.Note(model, [
        "トークン", '<img src="tokens.png">',
        "<b>token</b>: a piece of text the model reads [sound:token.wav]",
        "数えられる単位",
    ]))  # fmt: skip
    path = folder / "llm_terms.apkg"
    media = [str(folder / "tokens.png"), str(folder / "token.wav")]
    package = genanki.Package(deck, media_files=media)
    package.write_to_file(str(path), timestamp=1_764_000_000)
    return path


def anki_shots(
    app: QApplication, controller: object, col: object, window: QWidget, data: Path,
    clock: list[datetime],
) -> None:  # fmt: skip
    """Screenshots of what comes from Anki: pictures, hints, typed answers, the import dialogs."""
    from flashcards.gui.main_controller import MainController

    assert isinstance(controller, MainController)
    exchange = controller.exchange
    source = data / "anki"
    source.mkdir()
    exchange.import_file(_package(source))
    for _ in range(50):
        settle(100)
        if exchange.result_dialog is not None and exchange.result_dialog.isVisible():
            break
    assert exchange.result_dialog is not None
    shot(exchange.result_dialog, "import_result.png")
    exchange.result_dialog.accept()

    the_col = controller.review._col  # the collection the window shows
    window.activateWindow()
    settle(200)
    controller._on_study(the_col.decks.id("Anki import"))
    shot(window, "anki_question.png")
    card = controller.review.card
    assert card is not None
    key(app, Qt.Key.Key_Space)
    shot(window, "anki_answer.png")
    typing = next(c for c in the_col.notes.get(card.note_id).card_ids if c != card.card_id)
    controller.review._show(the_col.sched.card_for_review(typing, clock[0]), clock[0])
    settle(200)
    QTest.keyClicks(window.review.type_box, "tokn")
    key(app, Qt.Key.Key_Return)
    shot(window, "anki_typed.png")
    controller._on_back()

    editor = NoteController(the_col, controller.review._ops, lambda: clock[0],
                            note_id=card.note_id, parent=window).dialog  # fmt: skip
    editor.show()
    shot(editor, "edit_anki.png")
    editor.close()
    _add_in_anki_type(the_col, controller.review._ops, clock, window, "add_anki.png")

    table = data / "vocabulary.csv"
    table.write_text(
        "Term,Meaning,Tags\n推論,学習済みモデルで答えを出すこと,ai\n"
        "埋め込み,語をベクトルで表したもの,ai\nファインチューニング,追加の学習で調整すること,ai\n",
        encoding="cp932",
    )
    dialog = exchange.ask_text_options(table)
    dialog.header_row.setChecked(True)
    shot(dialog, "import_text.png")
    dialog.reject()

    controller.check_media.open()
    settle(500)
    assert controller.check_media.dialog is not None
    shot(controller.check_media.dialog, "check_media.png")
    controller.check_media.dialog.close()


def _add_in_anki_type(
    col: Any, ops: Any, clock: list[datetime], parent: QWidget, name: str
) -> None:
    """The Add dialog with the Anki note type of :func:`_package` chosen, two fields typed."""
    adder = NoteController(col, ops, lambda: clock[0], deck="Anki import", parent=parent)
    form = adder.dialog.form
    form.kind.setCurrentIndex(form.kind.findText("LLM terms (picture)"))
    form.fields_editor.boxes[0].set_html("埋め込み")
    form.fields_editor.boxes[2].set_html("<b>embedding</b>: a word as a vector")
    adder.dialog.resize(620, 560)
    adder.dialog.show()
    shot(adder.dialog, name)
    adder.dialog.mark_saved()
    adder.dialog.close()


def browse_shots(col: Collection, gui: Gui) -> None:
    """The browser with suspended, buried, flagged and marked rows, and a card's Card Info."""
    assert gui.ops is not None
    controller = BrowserController(col, gui.ops, gui.clock, gui.settings)
    browser = controller.window
    browser.resize(1280, 680)
    browser.show()
    model = controller.model
    ids = [model.card_id(r) for r in range(min(model.rowCount(), 14))]
    if len(ids) >= 14:
        now = gui.clock()
        col.sched.set_suspended(ids[8:10], True)
        col.sched.bury(ids[10:11], now)
        col.sched.set_flag(ids[11:12], 1)
        col.sched.set_flag(ids[12:13], 4)
        marked = col.cards.rows(ids[13:14])[0]["note_id"]
        col.notes.update(marked, now, tags=[*col.notes.get(marked).tags, "marked"])
    browser.table.selectRow(1)
    shot(browser, "browse.png")
    reviewed = next(
        (r for r in range(model.rowCount()) if model.data(model.index(r, 2)) != "new"), 1
    )
    browser.table.selectRow(reviewed)
    browser.info_action.trigger()
    assert controller.card_info is not None
    shot(controller.card_info, "card_info.png")
    controller.card_info.close()
    browser.close()


def browse_only(app: QApplication) -> None:
    """The browser's screenshots alone: the shipped deck, a few answers (``browse``)."""
    data = Path(tempfile.mkdtemp(prefix="flashcards-browse-shots-"))
    clock = [datetime.now(UTC)]
    gui = create_gui(app, QSettings(str(data / "gui.ini"), QSettings.Format.IniFormat),
                     lambda: clock[0])  # fmt: skip
    col = open_user_collection(clock[0], data)
    controller = attach_collection(gui, col)
    gui.window.show()
    gui.window.activateWindow()
    settle(300)
    deck = next(n for n in col.decks.names().values() if "::" not in n)
    controller._on_study(col.decks.id(deck))
    for rating in (3, 3, 1, 4, 3, 2):
        key(app, Qt.Key.Key_Space)
        key(app, str(rating))
        clock[0] += timedelta(seconds=20)
    controller._on_back()
    browse_shots(col, gui)
    controller.close()
    col.close()


def ja_shots(app: QApplication) -> int:
    """Take ``ja_deck_list.png``, ``ja_review.png``, ``ja_stats.png`` and ``ja_browse.png``.

    The Language setting of a throwaway data directory is set to 日本語 and the translator is
    installed as the app does at start-up; the shipped deck is studied for a few cards so the
    lists and charts have something to show.
    """
    data = Path(tempfile.mkdtemp(prefix="flashcards-ja-shots-"))
    settings = QSettings(str(data / "gui.ini"), QSettings.Format.IniFormat)
    settings.setValue(LANGUAGE_SETTING, "ja")
    if install_translator(app, settings) != "ja":
        print("the Japanese translation could not be loaded", file=sys.stderr)
        return 1
    clock, gui, col, controller = _open_and_study(
        app, data, settings, (3, 3, 1, 4, 3, 2, 3, 1), timedelta(seconds=25)
    )
    window = gui.window
    deck = next(n for n in col.decks.names().values() if "::" not in n)
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
    browser.close()

    from flashcards.core import exchange

    source = data / "anki"
    source.mkdir()
    exchange.import_file(col, _package(source), clock[0])
    _add_in_anki_type(col, controller.review._ops, clock, window, "ja_add_anki.png")
    controller.close()
    col.close()
    return 0


def main() -> int:
    """Take every screenshot (``stats``/``browse``/``ja``: only those)."""
    app = QApplication(sys.argv[:1])
    if sys.argv[1:] == ["ja"]:
        return ja_shots(app)
    if sys.argv[1:] == ["stats"]:
        stats_shots(app)
        return 0
    if sys.argv[1:] == ["browse"]:
        browse_only(app)
        return 0
    data = Path(tempfile.mkdtemp(prefix="flashcards-shots-"))
    settings = QSettings(str(data / "gui.ini"), QSettings.Format.IniFormat)
    # Some history so the deck list's today line and the browser have something to show.
    clock, gui, col, controller = _open_and_study(
        app, data, settings, (3, 3, 1, 4, 3, 2), timedelta(seconds=20)
    )
    now = clock[0]
    window = gui.window
    deck = next(n for n in col.decks.names().values() if "::" not in n)
    controller._on_back()
    shot(window, "deck_list.png")

    controller._on_study(col.decks.id(deck))
    shot(window, "review_question.png")
    key(app, Qt.Key.Key_Space)
    shot(window, "review_answer.png")
    controller._on_back()

    browse_shots(col, gui)

    note_id = col.notes.ids(deck)[0]
    editor = NoteController(col, gui.ops, gui.clock, note_id=note_id, parent=window).dialog
    editor.show()
    shot(editor, "edit.png")
    editor.close()

    generating = GenerateController(col, gui.ops, gui.clock, gui.executor, window)
    generate = generating.dialog
    generate.show()
    generate.set_path(resources_dir() / "articles" / "llm_basics_ja.txt")
    generate.deck_name.setText("LLM記事 (preview)")
    generate.generate_button.click()
    for _ in range(300):
        settle(100)
        if generating.deck_file is not None:
            break
    shot(generate, "generate.png")
    generate.close()

    settings = SettingsController(col, gui.ops, col.decks.id(deck), window).dialog
    settings.show()
    shot(settings, "settings.png")
    settings.close()

    # Finish today's cards of a small deck to reach the done screen.
    small = col.decks.add("Done demo", now).value
    col.notes.add("Done demo", "basic", "自己注意", "self-attention", now)
    controller._on_study(small)
    actions = window.actions_
    while controller.review.card is not None:  # the menu's actions: no window focus needed
        actions.reveal.trigger()
        settle(50)
        actions.rate[3].trigger()
        settle(50)
        if controller.review.card is not None:
            continue
        clock[0] += timedelta(minutes=30)
        controller._on_study(small)
    shot(window, "done.png")
    anki_shots(app, controller, col, window, data, clock)
    controller.close()
    col.close()
    gui.window.close()
    stats_shots(app)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
