"""Custom Study from the done screen, driven through the real widgets."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from sqlalchemy import select

from flashcards.core.enums import CardState
from flashcards.core.scheduler.custom_study import SESSION_NAME
from flashcards.core.tables import CARD
from flashcards.gui.app import Gui
from flashcards.gui.custom_study_dialog import AHEAD, NEW, PREVIEW, TAGS, CustomStudyDialog
from flashcards.gui.main_window import Screen


def _done_screen(qtbot, gui: Gui, deck: str) -> None:  # noqa: ANN001
    col = gui.col
    assert col is not None
    gui.controller._on_study(col.decks.id(deck))
    review = gui.controller.review
    while review.card is not None:
        qtbot.keyClick(gui.app.focusWidget() or gui.window, Qt.Key.Key_Space)
        qtbot.keyClicks(gui.app.focusWidget() or gui.window, "4")  # Easy: out for days
    assert gui.window.current_screen == Screen.DONE


def _open(qtbot, gui: Gui) -> CustomStudyDialog:  # noqa: ANN001
    button = gui.window.done.custom_study_button
    assert button.isVisible()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = gui.controller.custom_study
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def _ok(qtbot, dialog: CustomStudyDialog) -> None:  # noqa: ANN001
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)


def test_more_new_cards_today_from_the_done_screen(qtbot, gui: Gui) -> None:  # noqa: ANN001
    col = gui.col
    assert col is not None
    for i in range(4):
        col.notes.add("Many", "basic", f"q{i}", "a", gui.controller._clock())
    from dataclasses import replace

    deck = col.decks.id("Many")
    col.decks.set_settings(deck, replace(col.decks.settings(deck), new_per_day=1))
    _done_screen(qtbot, gui, "Many")
    dialog = _open(qtbot, gui)
    assert dialog.choice() == NEW and "3" in dialog.title.text()  # 3 new cards held back
    dialog.spin.setValue(2)
    _ok(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    # Studying the deck again, with two more new cards today.
    assert gui.window.current_screen == Screen.REVIEW
    assert gui.controller.review.deck == "Many"
    assert col.sched.queue_counts(gui.controller._clock(), "Many") == (2, 0, 0)


def test_review_ahead_and_study_by_tag_start_the_session(qtbot, gui: Gui) -> None:  # noqa: ANN001
    col = gui.col
    assert col is not None
    _done_screen(qtbot, gui, "LLM基礎")
    dialog = _open(qtbot, gui)
    dialog.choices[AHEAD].click()
    assert dialog.choice() == AHEAD and not dialog.tags.isVisible()
    dialog.spin.setValue(1)  # nothing due within a day: refused, the dialog stays open
    _ok(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.error.isVisible())
    assert "No cards matched" in dialog.error.text() and dialog.isVisible()
    dialog.spin.setValue(365)
    _ok(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    review = gui.controller.review
    assert review.deck == SESSION_NAME and review.card is not None
    assert gui.window.current_screen == Screen.REVIEW
    # Study by tag: the cards tagged "llm" (one note) replace the session.
    gui.controller._on_back()
    _done_screen(qtbot, gui, "LLM基礎")
    dialog = _open(qtbot, gui)
    dialog.choices[TAGS].click()
    assert dialog.tags.isVisible()
    names = [dialog.tags.item(i).text() for i in range(dialog.tags.count())]
    assert names == ["llm"]
    dialog.tags.item(0).setCheckState(Qt.CheckState.Checked)
    dialog.card_kind.setCurrentIndex(3)  # all cards
    _ok(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert review.deck == SESSION_NAME
    now = gui.controller._clock()
    assert sum(col.sched.queue_counts(now, SESSION_NAME)) == 1


def test_preview_new_cards_shows_them_and_leaves_them_new(qtbot, gui: Gui) -> None:  # noqa: ANN001
    col = gui.col
    assert col is not None
    now = gui.controller._clock()
    for i in range(3):
        col.notes.add("Fresh", "basic", f"q{i}", "a", now)
    from dataclasses import replace

    deck = col.decks.id("Fresh")
    col.decks.set_settings(deck, replace(col.decks.settings(deck), new_per_day=0))
    _done_screen(qtbot, gui, "Fresh")  # no new cards today: the done screen at once
    dialog = _open(qtbot, gui)
    dialog.choices[PREVIEW].click()
    assert dialog.before.text() == "Preview new cards added in the last"
    assert dialog.after.text() == "day"
    _ok(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    review = gui.controller.review
    assert review.deck == SESSION_NAME and review.card is not None and review.card.preview
    # The dialog is gone; a window manager would activate the main window again (offscreen has
    # none), so that the review's keys reach it.
    gui.window.activateWindow()
    qtbot.waitUntil(lambda: gui.app.activeWindow() is gui.window)
    shown = []
    for _ in range(6):  # (bounded: a card that never left would fail below, not hang)
        if review.card is None:
            break
        shown.append(review.card.card_id)
        qtbot.keyClick(gui.app.focusWidget() or gui.window, Qt.Key.Key_Space)
        qtbot.keyClicks(gui.app.focusWidget() or gui.window, "3")  # Good: back home
    assert review.card is None and len(set(shown)) == len(shown) == 3, shown
    assert col.sched.queue_counts(now, "Fresh") == (0, 0, 0)  # the limit, not studied
    with col.engine.connect() as conn:
        states = conn.execute(select(CARD.c.state).where(CARD.c.deck_id == deck)).scalars()
        assert list(states) == [CardState.NEW] * 3  # home again, still new
