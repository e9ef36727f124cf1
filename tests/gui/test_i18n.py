"""The Japanese interface: translations current and complete, the loader, no English left on screen.

* the committed ``.ts`` holds exactly the messages ``pyside6-lupdate`` finds in the code (run into
  a temporary file; about 0.3 s), each translated, and the committed ``.qm`` gives those
  translations (read back through a QTranslator, so the check does not depend on file times);
* :func:`install_translator` follows the Language setting and the system locale;
* with the ``ja`` translator installed, the screens and dialogs show no English word outside a
  small allow-list (proper nouns, key names, units, the search language). :data:`SCREENS` lists
  them: the main window with its menus, the deck list, review, done, statistics, the browser,
  the note editor, Settings, About and the import, media, generate and restore dialogs.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QCategoryAxis, QPieSeries
from PySide6.QtCore import QCoreApplication, QLocale, QSettings, QTranslator
from PySide6.QtGui import QAction
from PySide6.QtGui import Qt as QtGui
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QMenuBar,
    QPlainTextEdit,
    QTableWidget,
    QToolBar,
    QToolButton,
    QTreeWidget,
    QWidget,
)

from flashcards.core.collection import Collection
from flashcards.core.exchange.text import ENCODINGS
from flashcards.gui import i18n
from flashcards.gui.app import Gui, attach_collection, create_gui
from flashcards.gui.card_text import CardText
from flashcards.gui.stats_charts import ChartView, HeatMap
from tests.gui.screens import rendered
from tools import i18n as tool

TS = tool.ts_file("ja")

# ---------------------------------------------------------------------- the catalogue

Key = tuple[str, str, str]  # context, source, disambiguation


def messages(path: Path) -> dict[Key, ET.Element]:
    """The messages of a .ts file by (context, source, disambiguation)."""
    out: dict[Key, ET.Element] = {}
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            key = (name, message.findtext("source") or "", message.findtext("comment") or "")
            out[key] = message
    return out


def test_the_ts_holds_exactly_the_messages_of_the_code(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh_ja.ts"
    tool.run_lupdate(fresh)
    found, committed = set(messages(fresh)), set(messages(TS))
    assert not [key for key in found if not key[0]], "a message without a context (see i18n.py)"
    new, gone = sorted(found - committed), sorted(committed - found)
    assert not new and not gone, (
        f"the .ts is not current: run `python tools/i18n.py` and translate. New: {new[:10]}; "
        f"vanished: {gone[:10]}"
    )


_FIELD = re.compile(r"\{[a-z_]*\}")


def test_every_message_has_a_finished_japanese_translation() -> None:
    problems = []
    for (context, source, _), message in messages(TS).items():
        translation = message.find("translation")
        assert translation is not None
        text = translation.text or ""
        if translation.get("type") or not text.strip():
            problems.append(f"{context}: {source!r} is not translated")
        elif sorted(_FIELD.findall(text)) != sorted(_FIELD.findall(source)):
            problems.append(f"{context}: {source!r} -> {text!r}: the {{fields}} differ")
        elif "&" in source.replace("&&", "") and not re.search(r"\(&\w\)", text):
            problems.append(f"{context}: {source!r} -> {text!r}: no (&X) mnemonic")
    assert not problems, "\n".join(problems)


def test_the_qm_gives_the_translations_of_the_ts() -> None:
    translator = QTranslator()
    assert translator.load(str(TS.with_suffix(".qm")))
    stale = []
    for (context, source, comment), message in messages(TS).items():
        wanted = message.findtext("translation") or ""
        got = translator.translate(context, source, comment or None)
        if got != wanted:
            stale.append((context, source, got, wanted))
    assert not stale, f"the .qm is stale: run `python tools/i18n.py --qm-only`: {stale[:5]}"


# ---------------------------------------------------------------------- the loader


@pytest.fixture
def app(qapp: QApplication) -> Iterator[QApplication]:
    application = qapp
    yield application
    i18n.remove_translators(application)


def _settings(tmp_path: Path, language: str | None) -> QSettings:
    settings = QSettings(str(tmp_path / "lang.ini"), QSettings.Format.IniFormat)
    if language is not None:
        settings.setValue(i18n.LANGUAGE_SETTING, language)
    return settings


def test_the_japanese_setting_installs_ours_and_qts_translations(
    app: QApplication, tmp_path: Path
) -> None:
    assert i18n.install_translator(app, _settings(tmp_path, "ja")) == "ja"
    assert QCoreApplication.translate("ReviewView", "Show answer") == "解答を表示"
    assert i18n.interval_label("1.2mo") == "1.2か月"
    assert QLocale().language() == QLocale.Language.Japanese
    # Qt's own standard buttons come from qtbase_ja.qm.
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
    assert cancel is not None and cancel.text() == "キャンセル"
    i18n.remove_translators(app)
    assert QCoreApplication.translate("ReviewView", "Show answer") == "Show answer"


@pytest.mark.parametrize("language", ["en", "system", None, "klingon"])
def test_english_or_a_c_system_locale_installs_nothing(
    app: QApplication, tmp_path: Path, language: str | None
) -> None:
    # The tests run in the C locale (no LANG): "system" is English.
    assert i18n.install_translator(app, _settings(tmp_path, language)) == "en"
    assert QCoreApplication.translate("ReviewView", "Show answer") == "Show answer"


def test_the_system_locale_decides_for_system() -> None:
    assert i18n.resolve_language("system", QLocale("ja_JP")) == "ja"
    assert i18n.resolve_language("system", QLocale("de_DE")) == "en"
    assert i18n.resolve_language("system", QLocale("en_GB")) == "en"
    assert i18n.resolve_language("ja", QLocale("en_US")) == "ja"
    assert i18n.resolve_language("en", QLocale("ja_JP")) == "en"


def test_interval_labels_are_translated_by_unit(app: QApplication, tmp_path: Path) -> None:
    labels = ["<1m", "<10m", "<3h", "4d", "30d", "1.2mo", "2y", "?"]
    assert [i18n.interval_label(x) for x in labels] == labels  # English: as the core says
    i18n.install_translator(app, _settings(tmp_path, "ja"))
    assert [i18n.interval_label(x) for x in labels] == [
        "<1分", "<10分", "<3時間", "4日", "30日", "1.2か月", "2年", "?",
    ]  # fmt: skip


# ---------------------------------------------------------------------- no English on screen

#: Words that may stay as they are on a Japanese screen: proper nouns, formats, key names, units.
ALLOWED = {
    "Anki", "FSRS", "Flashcards", "Qt", "LLM", "OK", "PNG", "PDF", "HTML", "URL", "CSV", "TSV",
    "Ctrl", "Shift", "Alt", "Esc", "Space", "Enter", "KB", "MB", "GB", "https",
    # The Language setting names English in English (as 日本語 in Japanese).
    "English",
    # The tag Anki gives a leech's note: a name in the collection, the same in every language.
    "leech",
    # About: licence and library names.
    "MIT", "License", "LICENSE", "CC", "BY", "NC", "SA", "PySide", "LGPLv", "SQLModel", "py",
    "fsrs", "genanki", "The", "authors", "Python",
    *(word for name in ENCODINGS for word in re.findall(r"[A-Za-z]+", name)),
}  # fmt: skip
_WORD = re.compile(r"[A-Za-z]{2,}")
#: File names and paths are data, not interface (``collection.db``, ``/tmp/x``).
#: Searches are written in Anki's search language (``deck:名前``, ``is:new``), English as in Anki;
#: a quoted one names a deck or note type with spaces (``"note:Flashcards Basic"``: data).
_DATA = re.compile(r'"[a-z]+:[^"]*"|\S*[/\\]\S*|\S+\.[A-Za-z0-9]{2,4}\b|\b[a-z]+:\S+')


def english_words(text: str) -> list[str]:
    """The words of ``text`` that look English and are not allowed."""
    plain = rendered(text) if QtGui.mightBeRichText(text) else text
    return [w for w in _WORD.findall(_DATA.sub(" ", plain)) if w not in ALLOWED]


def shown_texts(root: QWidget) -> Iterator[tuple[str, str]]:
    """Every text a user can see in ``root`` (where, text): titles, labels, buttons, tooltips,
    placeholders, combo items, table and tree headers and cells, menus, chart names."""
    widgets = [root, *root.findChildren(QWidget)]
    for w in widgets:
        if w is not root and not w.isVisibleTo(root):
            continue
        if isinstance(w, CardText) or w.objectName() == "source":
            continue  # card text: the learner's data
        name = f"{type(w).__name__}#{w.objectName()}"
        if w.isWindow():
            yield f"{name} title", w.windowTitle()
        yield f"{name} tooltip", w.toolTip()
        if isinstance(w, QLabel):
            yield name, w.text()
        if isinstance(w, QAbstractButton):
            yield name, w.text()
        if isinstance(w, QToolButton) and w.menu() is not None:
            menu = w.menu()
            assert menu is not None
            yield from action_texts(name, menu.actions())
        if isinstance(w, QMenuBar | QToolBar):
            yield from action_texts(name, w.actions())
        if isinstance(w, QLineEdit):
            yield f"{name} placeholder", w.placeholderText()
        if isinstance(w, QPlainTextEdit):
            yield f"{name} placeholder", w.placeholderText()
            if w.isReadOnly():
                yield name, w.toPlainText()
        if isinstance(w, QGroupBox):
            yield name, w.title()
        if isinstance(w, QAbstractSpinBox):
            yield name, w.specialValueText()
        if isinstance(w, QComboBox) and not w.isEditable():
            for i in range(w.count()):
                yield f"{name} item", w.itemText(i)
        if isinstance(w, QTreeWidget):
            header = w.headerItem()
            yield from ((f"{name} header", header.text(c)) for c in range(w.columnCount()))
            for i in range(w.topLevelItemCount()):
                item = w.topLevelItem(i)
                stack = [item] if item is not None else []
                while stack:
                    it = stack.pop()
                    stack.extend(it.child(c) for c in range(it.childCount()))
                    for c in range(w.columnCount()):
                        yield f"{name} cell", it.text(c)
                        yield f"{name} cell tooltip", it.toolTip(c)
        if isinstance(w, QTableWidget):
            for c in range(w.columnCount()):
                head = w.horizontalHeaderItem(c)
                yield f"{name} header", head.text() if head is not None else ""
            for r in range(w.rowCount()):
                head = w.verticalHeaderItem(r)
                yield f"{name} row header", head.text() if head is not None else ""
                for c in range(w.columnCount()):
                    cell = w.item(r, c)
                    if cell is not None:
                        yield f"{name} cell", cell.text()
                        yield f"{name} cell tooltip", cell.toolTip()
        if isinstance(w, ChartView) and w.chart() is not None:
            chart = w.chart()
            for series in chart.series():
                if isinstance(series, QBarSeries):
                    yield from ((f"{name} bars", s.label()) for s in series.barSets())
                if isinstance(series, QPieSeries):
                    yield from ((f"{name} slice", s.label()) for s in series.slices())
            for axis in chart.axes():
                if isinstance(axis, QBarCategoryAxis):
                    yield from ((f"{name} axis", c) for c in axis.categories())
                if isinstance(axis, QCategoryAxis):
                    yield from ((f"{name} axis", c) for c in axis.categoriesLabels())
        if isinstance(w, HeatMap):
            yield from ((f"{name} weekday", text) for _, text in w.weekday_names())
            yield f"{name} month", w.month_name(1)
            yield f"{name} tooltip", w.day_text(datetime(2026, 11, 30).date(), 3)


def action_texts(where: str, actions: list[QAction]) -> Iterator[tuple[str, str]]:
    """The texts and tooltips of menu or toolbar actions, and of their submenus."""
    for action in actions:
        if action.isSeparator() or not action.isVisible():
            continue
        yield f"{where} action", action.text()
        if action.toolTip() != action.text().replace("&", ""):  # Qt's default tooltip
            yield f"{where} action tooltip", action.toolTip()
        menu = action.menu()
        if isinstance(menu, QMenu):
            yield from action_texts(f"{where} > {action.text()}", menu.actions())


def assert_no_english(root: QWidget) -> int:
    """Fail with every English text left in ``root``; returns how many texts were read."""
    texts = [(where, text) for where, text in shown_texts(root) if text]
    left = [(where, text) for where, text in texts if english_words(text)]
    assert not left, "English left on screen:\n" + "\n".join(f"{w}: {t!r}" for w, t in left)
    return len(texts)


def add_japanese_notes(col: Collection, now: datetime) -> None:
    """Japanese decks and cards only: whatever English shows is the interface's."""
    col.notes.add("LLM基礎", "basic", "トークン", "テキストを分割した単位", now)
    col.notes.add("LLM基礎", "basic", "注意機構", "入力の関係を重み付けする仕組み", now)
    col.notes.add("LLM基礎::応用", "cloze", "{{c1::検索拡張生成}}は検索で得た文書を使う", "", now)
    col.notes.add("単語", "basic+reversed", "推論", "学習済みモデルで予測すること", now)


@pytest.fixture
def ja_gui(
    qtbot,
    app: QApplication,
    col: Collection,
    clock,
    tmp_path: Path,  # noqa: ANN001
) -> Iterator[Gui]:
    settings = _settings(tmp_path, "ja")
    assert i18n.install_translator(app, settings) == "ja"  # before any window is built
    built = create_gui(app, settings, clock, tmp_path / "logs")
    qtbot.addWidget(built.window)
    add_japanese_notes(col, clock())
    attach_collection(built, col)
    built.window.show()
    qtbot.waitExposed(built.window)
    yield built
    assert built.controller is not None
    built.controller.close()
    built.executor.shutdown()


def _deck_list(gui: Gui, qtbot, tmp_path: Path) -> QWidget:  # noqa: ANN001
    return gui.window.deck_list


def _review(gui: Gui, qtbot, tmp_path: Path) -> QWidget:  # noqa: ANN001
    assert gui.controller is not None and gui.col is not None
    gui.controller.review.start("LLM基礎")
    view = gui.window.review
    assert_no_english(view)  # the question side
    view.show_button.click()
    assert view.answer_shown
    return view


def _done(gui: Gui, qtbot, tmp_path: Path) -> QWidget:  # noqa: ANN001
    assert gui.controller is not None and gui.col is not None
    review = gui.controller.review
    review.start("単語")
    while review.card is not None:
        gui.window.review.show_button.click()
        gui.window.review.answer_buttons[4].button.click()
    assert "学習" in gui.window.done.title.text()
    return gui.window.done


def _stats(gui: Gui, qtbot, tmp_path: Path) -> QWidget:  # noqa: ANN001
    from flashcards.gui.stats_controller import StatsController

    assert gui.col is not None and gui.ops is not None
    review = gui.controller.review if gui.controller is not None else None
    assert review is not None
    review.start("LLM基礎")
    for rating in (1, 3):  # some history: answer buttons, reviews, retention
        gui.window.review.show_button.click()
        gui.window.review.answer_buttons[rating].button.click()
    stats = StatsController(gui.col, gui.ops, gui.clock, gui.settings, background=False)
    qtbot.addWidget(stats.window)
    stats.refresh()
    assert stats.view.report is not None
    for index in range(stats.view.span_combo.count()):  # days and weeks
        stats.view.span_combo.setCurrentIndex(index)
        assert_no_english(stats.window)
    return stats.window


def _check_media(gui: Gui, qtbot, tmp_path: Path) -> QWidget:  # noqa: ANN001
    from flashcards.core.media import MediaCheck
    from flashcards.gui.check_media import CheckMediaDialog, media_report

    dialog = CheckMediaDialog(gui.window)
    qtbot.addWidget(dialog)
    found = MediaCheck(missing={"猫.png": [1, 2]}, unused=["犬.jpg"], referenced=3)
    dialog.show_result(str(tmp_path / "collection.media"), media_report(found, 4), 1)
    return dialog


def _import_result(gui: Gui, qtbot, tmp_path: Path) -> QWidget:  # noqa: ANN001
    from types import SimpleNamespace

    from flashcards.gui.import_result import ImportResultDialog

    report = SimpleNamespace(decks={"単語": {"added": 2, "updated": 1}}, warnings=[])
    dialog = ImportResultDialog("2 件のノートを追加しました。", report, [], gui.window)
    qtbot.addWidget(dialog)
    return dialog


def _text_import(gui: Gui, qtbot, tmp_path: Path) -> QWidget:  # noqa: ANN001
    from flashcards.gui.text_import_dialog import TextImportDialog

    path = tmp_path / "単語.tsv"
    path.write_text("表\t裏\tタグ\n猫\tねこ\t動物\n", encoding="utf-8")
    dialog = TextImportDialog(path, ["単語"], gui.window)
    qtbot.addWidget(dialog)
    dialog.header_row.setChecked(True)
    return dialog


def _generate(gui: Gui, qtbot, tmp_path: Path) -> QWidget:  # noqa: ANN001
    from flashcards.gui.generate_controller import GenerateController

    assert gui.col is not None and gui.ops is not None
    generating = GenerateController(gui.col, gui.ops, gui.clock, gui.executor, gui.window)
    dialog = generating.dialog
    qtbot.addWidget(dialog)
    dialog.text.setPlainText(
        "トークンとは、テキストを分割した単位である。推論とは、学習済みモデルで予測することである。"
    )
    dialog.generate_button.click()
    qtbot.waitUntil(lambda: generating.deck_file is not None and not generating.running)
    qtbot.waitUntil(lambda: "コレクション" in dialog.status.text() or dialog.table.rowCount() > 0)
    return dialog


def _restore(gui: Gui, qtbot, tmp_path: Path) -> QWidget:  # noqa: ANN001
    from flashcards.core.backup import BackupInfo
    from flashcards.gui.safety.restore_dialog import RestoreDialog

    empty = RestoreDialog([], tmp_path, gui.window)
    qtbot.addWidget(empty)
    assert_no_english(empty)
    info = BackupInfo(tmp_path / "backup-2026-11-30-10.00.00.db", datetime.now().astimezone(), 900)
    dialog = RestoreDialog([info], tmp_path, gui.window)
    qtbot.addWidget(dialog)
    return dialog


def _main_window(gui: Gui, qtbot, tmp_path: Path) -> QWidget:  # noqa: ANN001
    return gui.window


def _browser(gui: Gui, qtbot, tmp_path: Path) -> QWidget:  # noqa: ANN001
    from flashcards.gui.browser_controller import BrowserController

    assert gui.col is not None and gui.ops is not None
    browser = BrowserController(gui.col, gui.ops, gui.clock, gui.settings).window
    qtbot.addWidget(browser)
    browser.show()  # the first card is selected: its note is in the editor
    assert browser.model.rowCount() == 5 and browser.form.front.toPlainText()
    return browser


def _note_editor(gui: Gui, qtbot, tmp_path: Path) -> QWidget:  # noqa: ANN001
    from flashcards.gui.note_controller import NoteController

    assert gui.col is not None and gui.ops is not None
    editing = NoteController(gui.col, gui.ops, gui.clock, deck="単語", parent=gui.window)
    qtbot.addWidget(editing.dialog)
    editing.dialog.form.kind.setCurrentIndex(2)  # Cloze: Text and Extra
    assert_no_english(editing.dialog)
    editing.dialog.form.kind.setCurrentIndex(0)
    return editing.dialog


def _settings_dialog(gui: Gui, qtbot, tmp_path: Path) -> QWidget:  # noqa: ANN001
    from flashcards.gui.settings_controller import SettingsController

    assert gui.col is not None and gui.ops is not None
    dialog = SettingsController(gui.col, gui.ops, None, gui.window, gui.theme, gui.settings).dialog
    qtbot.addWidget(dialog)
    dialog.show()
    for index in range(dialog.tabs.count()):  # each tab page while it shows
        dialog.tabs.setCurrentIndex(index)
        assert_no_english(dialog)
    return dialog


def _about(gui: Gui, qtbot, tmp_path: Path) -> QWidget:  # noqa: ANN001
    from flashcards.gui.about import show_about

    box = show_about(gui.window)
    assert "それなニキ" in box.text() and "「今更聞けないLLM解説まとめ①LLMって何ぞ」" in box.text()
    return box


Build = Callable[[Gui, object, Path], QWidget]
#: The screens and dialogs, each built with real data (issue 14's Japanese interface).
SCREENS: list[object] = [
    pytest.param(_deck_list, id="deck_list"),
    pytest.param(_review, id="review"),
    pytest.param(_done, id="done"),
    pytest.param(_stats, id="statistics"),
    pytest.param(_check_media, id="check_media"),
    pytest.param(_import_result, id="import_result"),
    pytest.param(_text_import, id="text_import"),
    pytest.param(_generate, id="generate"),
    pytest.param(_restore, id="restore_backup"),
    pytest.param(_main_window, id="main_window"),
    pytest.param(_browser, id="browser"),
    pytest.param(_note_editor, id="note_editor"),
    pytest.param(_settings_dialog, id="settings"),
    pytest.param(_about, id="about"),
]


@pytest.mark.parametrize("build", SCREENS)
def test_no_english_is_left_on_a_japanese_screen(
    qtbot,
    ja_gui: Gui,
    tmp_path: Path,
    build: Build,  # noqa: ANN001
) -> None:
    widget = build(ja_gui, qtbot, tmp_path)
    assert assert_no_english(widget) >= 3  # the walk read the screen's texts (About: 3)


def test_the_walk_finds_english(qtbot, gui: Gui) -> None:  # noqa: ANN001
    """Without the translator, the same walk finds the English it is there to find."""
    with pytest.raises(AssertionError, match="Study now"):
        assert_no_english(gui.window.deck_list)


def test_answer_buttons_intervals_and_undo_speak_japanese(qtbot, ja_gui: Gui) -> None:  # noqa: ANN001
    assert ja_gui.controller is not None
    review = ja_gui.controller.review
    review.start("LLM基礎")
    view = ja_gui.window.review
    view.show_button.click()
    labels = [view.answer_buttons[r].interval.text() for r in (1, 2, 3, 4)]
    assert all(re.fullmatch(r"<?[\d.]+(分|時間|日|か月|年)", label) for label in labels), labels
    assert [view.answer_buttons[r].button.text() for r in (1, 2, 3, 4)] == [
        "もう一度", "難しい", "正解", "簡単",
    ]  # fmt: skip
    view.answer_buttons[3].button.click()
    assert ja_gui.window.actions_.undo.text() == "元に戻す - 回答(&U)"
