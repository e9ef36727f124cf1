"""Review: decides what keys and buttons do to the card on screen, and which screen shows."""

from __future__ import annotations

import html
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal, Slot

from flashcards.core.changes import Change
from flashcards.core.deckfile import iter_clozes
from flashcards.core.enums import NoteKind
from flashcards.gui.clock import Clock
from flashcards.gui.hints import hint_markers
from flashcards.gui.i18n import format_date, interval_label, mark, translate
from flashcards.gui.main_window import MainActions, Screen
from flashcards.gui.ops import Ops
from flashcards.gui.review_view import DoneView, ReviewView, source_html
from flashcards.gui.sound import SoundPlayer, answer_sounds, sound_markers
from flashcards.gui.theme import Theme

if TYPE_CHECKING:
    from flashcards.core.changes import OpResult
    from flashcards.core.collection import Collection
    from flashcards.core.scheduler import ReviewCard

#: Longer thinking than this counts as this long (as in Anki), so a coffee break is not study.
MAX_ANSWER_MS = 60_000
#: How Anki's reviewer marks a typed answer (its own style sheet, before the note type's).
TYPE_ANSWER_CSS = (
    ".typeGood { background-color: #afa; color: black; }"
    " .typeBad { background-color: #faa; color: black; }"
    " .typeMissed { background-color: #ccc; color: black; }"
)
QUEUE_OF_STATE = {0: "new", 1: "learn", 2: "review", 3: "learn"}
#: The names of the actions recorded for Undo (the core keeps them in English): the review's,
#: the browser's and the Edit Note dialog's. Edit → Undo shows them translated (:func:`undo_name`).
UNDO_NAMES = (
    mark("Undo", "Answer"),
    mark("Undo", "Bury"),
    mark("Undo", "Suspend"),
    mark("Undo", "Unsuspend"),
    mark("Undo", "Flag"),
    mark("Undo", "Edit Note"),
    mark("Undo", "Delete Note"),
    mark("Undo", "Change Deck"),
    mark("Undo", "Find and Replace"),
)


def undo_name(name: str) -> str:
    """An undoable action's name in the interface's language (an unknown one as it is)."""
    return translate("Undo", name)


class ReviewController(QObject):
    """Runs a review session of one deck (and its subdecks).

    Answers, burying, suspending and undoing are operations run at once on the GUI thread
    (:meth:`Ops.run_now`): the next card depends on them, and they take a millisecond. An error
    (a full disk) escapes the slot to the app's error boundary, which tells the user; the card
    stays on screen.

    Cards from Anki show their images (from the collection's media folder only) and play their
    sounds as Anki does: a side's ``[sound:…]`` files in order when it shows (unless the
    "Play audio automatically" setting is off; the answer plays only the sounds the question
    did not), again with R (Replay Audio), one of them with a click on its marker.

    Args:
        col: The collection.
        ops: Runs operations on it and announces their changes.
        clock: Returns the current time (aware UTC).
        view: The review screen.
        done: The "done for today" screen.
        actions: The main window's actions (review keys live there, shown in the menu).
        theme: The current colours.
    """

    screen_requested = Signal(object)
    edit_note_requested = Signal(int)
    message = Signal(str)

    def __init__(
        self,
        col: Collection,
        ops: Ops,
        clock: Clock,
        view: ReviewView,
        done: DoneView,
        actions: MainActions,
        theme: Theme,
    ) -> None:
        super().__init__(view)
        self._col = col
        self._ops = ops
        self._clock = clock
        self._view = view
        self._done = done
        self._actions = actions
        self._theme = theme
        self.deck: str | None = None
        self.card: ReviewCard | None = None
        self._started = 0.0
        self._active = False
        #: The sound names of the card's question and answer, in marker order.
        self._sounds: dict[str, list[str]] = {"question": [], "answer": []}
        #: Each side's face as rendered, and the hints opened on it (shown again on a click).
        self._faces: dict[str, str] = {"question": "", "answer": ""}
        self._hints: dict[str, set[int]] = {"question": set(), "answer": set()}
        self.sound = SoundPlayer(self)
        self.sound.message.connect(self.message)
        view.set_media(col.media.path)
        view.sound_clicked.connect(self._on_sound_clicked)
        view.hint_clicked.connect(self._on_hint_clicked)
        actions.replay.triggered.connect(self._on_replay)
        actions.reveal.triggered.connect(self._on_primary)
        for rating, action in actions.rate.items():
            action.triggered.connect(lambda _=False, r=rating: self._on_rate(r))
        actions.edit_note.triggered.connect(self._on_edit)
        actions.bury.triggered.connect(self._on_bury)
        actions.suspend.triggered.connect(self._on_suspend)
        for number, action in actions.flag.items():
            action.triggered.connect(lambda _=False, n=number: self._on_flag(n))
        view.reveal_clicked.connect(self._on_primary)
        view.rate_clicked.connect(self._on_rate)
        ops.changed.connect(self._on_collection_changed)
        self._sync_actions()

    # ------------------------------------------------------------------ session

    def start(self, deck: str) -> None:
        """Start reviewing ``deck``: show its next card or the done screen."""
        self.deck = deck
        self._active = True
        self._show_next()

    def stop(self) -> None:
        """Leave the review (the deck list is in front again)."""
        self._active = False
        self.card = None
        self.sound.stop()
        self._sync_actions()

    @property
    def active(self) -> bool:
        """Whether a review session is running (review or done screen)."""
        return self._active

    def _show_next(self) -> None:
        now = self._clock()
        with self._ops.exclusive():
            card = self._col.sched.next_card(now, self.deck)
            self._show(card, now)

    def _show(self, card: ReviewCard | None, now: datetime) -> None:
        self.card = card
        with self._ops.exclusive():
            if card is None:
                self.sound.stop()
                self._show_done(now)
            else:
                self._started = time.monotonic()
                self._update_counts(card, now)
                self._show_question(card)
                self.screen_requested.emit(Screen.REVIEW)
                self._view.take_focus()
                self._autoplay()
        self._sync_actions()

    def _show_question(self, card: ReviewCard) -> None:
        self._faces = {"question": card.faces.question_html, "answer": ""}
        self._hints = {"question": set(), "answer": set()}
        html_, sounds = self._html(card, card.faces.question_html, self._hints["question"])
        self._sounds = {"question": sounds, "answer": []}
        self._view.show_question(html_, type_box=card.faces.typed_answer is not None)

    def _update_counts(self, card: ReviewCard, now: datetime) -> None:
        # As Anki's study screen: what is left in today's queue (siblings the bury options hold
        # back are not in it), not the deck list's counts.
        new, learn, review = self._col.sched.queue_counts(now, self.deck)
        self._view.counts.show_counts(
            card.deck_name, new, learn, review, QUEUE_OF_STATE.get(card.state, "new")
        )

    def _html(
        self, card: ReviewCard, text: str, hints: set[int] | None = None
    ) -> tuple[str, list[str]]:
        """A face as shown (safe HTML, replay markers, hint links) and its sound names.

        ``hints``: the numbers of the hints the learner opened on this side.
        """
        from flashcards.core.sanitize import sanitize_html

        # The faces are safe already; the sanitiser is the second wall (nothing loads/acts).
        # The markers are added after it: they are the only links card text holds.
        body, sounds = sound_markers(hint_markers(sanitize_html(text), hints or ()))
        css = card.faces.anki_css
        if css is not None:
            # A card of an Anki note type: its own style sheet (made inert by the core) styles
            # it inside Anki's card element, with Anki's classes for the template and the dark
            # mode, so that its CSS selects what it does in Anki.
            classes = f"card card{card.ord + 1}"
            if self._theme.dark:
                classes += " nightMode night_mode"
            style = f"{TYPE_ANSWER_CSS}{css}"
            return f'<style>{style}</style><div class="{classes}">{body}</div>', sounds
        accent = self._theme.palette.accent
        return body.replace('<b class="cloze">', f'<b style="color:{accent}">'), sounds

    def _side_sounds(self) -> list[str]:
        """The sounds the side showing plays: the answer's own, or the question's."""
        if self._view.answer_shown:
            return answer_sounds(self._sounds["question"], self._sounds["answer"])
        return self._sounds["question"]

    def _play(self, names: list[str]) -> None:
        """Play media files by name, in order; say which are not in the media folder."""
        files: list[Path] = []
        for name in names:
            path = self._col.media.path(name)
            if path is None:
                self.message.emit(self.tr("{name} is not in the media folder.").format(name=name))
            else:
                files.append(path)
        self.sound.play(files)

    def _autoplay(self) -> None:
        """Play the side's sounds if the setting says so; stop the last card's sounds."""
        names = self._side_sounds()
        if names:
            with self._ops.exclusive():
                autoplay = self._col.config.autoplay_audio
            if autoplay:
                self._play(names)
                return
        self.sound.stop()

    def _reveal(self, *, autoplay: bool = True) -> None:
        card = self.card
        if card is None:
            return
        source = card.source
        where = " · ".join(x for x in (source.section, source.title) if x)
        shown = card.faces.answer_html
        if card.faces.typed_answer is not None:  # compared with what was typed, as in Anki
            shown = card.faces.typed_answer(self._view.typed())
        self._faces["answer"] = shown
        answer_html, self._sounds["answer"] = self._html(card, shown, self._hints["answer"])
        cloze = card.kind == NoteKind.CLOZE and card.faces.anki_css is None
        sentence = source.sentence
        if cloze and _same_text(sentence, card.faces.answer):
            sentence = ""  # the filled cloze is the source sentence: shown once, not twice
        self._view.show_answer(
            answer_html,
            source_html(sentence, _term(card), where, self._theme.palette),
            {r: interval_label(card.label(r)) for r in (1, 2, 3, 4)},
            # As in Anki: the answer holds the question (a template's {{FrontSide}}, or the
            # filled cloze), so it is shown in the question's place, once.
            replaces_question=card.faces.anki_css is not None or cloze,
        )
        if autoplay:
            self._autoplay()
        self._sync_actions()

    def _show_done(self, now: datetime) -> None:
        from flashcards.core.search import upcoming

        info = upcoming(self._col, now, self.deck)
        lines = []
        if info.next_due is not None:
            when = html.escape(_when(info.next_due, now, self._col.config.learner_day))
            lines.append(self.tr("The next card is due {when}.").format(when=when))
        if (n := info.due_tomorrow) > 0:
            lines.append(
                (
                    self.tr("{n} review will be due tomorrow.")
                    if n == 1
                    else self.tr("{n} reviews will be due tomorrow.")
                ).format(n=n)
            )
        if (n := info.held_back) > 0:
            lines.append(
                (
                    self.tr(
                        "{n} card due today is held back by the deck's daily limits "
                        "(Options raise them)."
                    )
                    if n == 1
                    else self.tr(
                        "{n} cards due today are held back by the deck's daily limits "
                        "(Options raise them)."
                    )
                ).format(n=n)
            )
        if (n := info.buried) > 0:
            lines.append(
                (
                    self.tr(
                        "{n} card is buried until tomorrow "
                        "(siblings of cards you answered, or buried by you)."
                    )
                    if n == 1
                    else self.tr(
                        "{n} cards are buried until tomorrow "
                        "(siblings of cards you answered, or buried by you)."
                    )
                ).format(n=n)
            )
        if (n := info.new_available) > 0:
            lines.append(
                (
                    self.tr(
                        "{n} new card is waiting; today's limit is reached, more come tomorrow."
                    )
                    if n == 1
                    else self.tr(
                        "{n} new cards are waiting; today's limit is reached, more come tomorrow."
                    )
                ).format(n=n)
            )
        if not lines:
            lines.append(
                self.tr("This deck has no cards yet: add notes or generate them from an article.")
            )
        self._done.show_message(self.deck or "", lines)
        self.screen_requested.emit(Screen.DONE)

    def _sync_actions(self) -> None:
        on_card = self._active and self.card is not None
        shown = on_card and self._view.answer_shown
        self._actions.reveal.setEnabled(on_card)
        for action in self._actions.rate.values():
            action.setEnabled(shown)
        for action in (
            self._actions.edit_note,
            self._actions.bury,
            self._actions.suspend,
            self._actions.replay,
        ):
            action.setEnabled(on_card)
        for action in self._actions.flag.values():
            action.setEnabled(on_card)
            action.setCheckable(True)
            action.setChecked(False)
        if on_card and self.card is not None and self.card.flag in self._actions.flag:
            self._actions.flag[self.card.flag].setChecked(True)
        self.sync_undo()

    def sync_undo(self) -> None:
        """Edit → Undo names the action it would take back, and is off when there is none."""
        name = self._col.undo.name  # the stack itself, not the database: safe here
        self._actions.undo.setText(
            self.tr("&Undo {action}").format(action=undo_name(name)) if name else self.tr("&Undo")
        )
        self._actions.undo.setEnabled(name is not None)

    # ------------------------------------------------------------------ slots

    @Slot()
    def _on_primary(self) -> None:
        if self.card is None:
            return
        if self._view.answer_shown:
            self._on_rate(3)
        else:
            self._reveal()

    @Slot(int)
    def _on_rate(self, rating: int) -> None:
        card = self.card
        if card is None or not self._view.answer_shown:
            return
        elapsed = min(MAX_ANSWER_MS, int((time.monotonic() - self._started) * 1000))
        now = self._clock()

        def answer() -> Any:  # the scheduler's OpResult, passed on
            with self._col.undo.answer():
                return self._col.sched.answer(
                    card.card_id, rating, now, duration_ms=elapsed, shown_at=card.shown_at
                )

        self._ops.run_now(answer, initiator=self)
        self._show_next()

    def undo(self) -> bool:
        """Undo the last action (answer, bury, suspend, flag, edit...); False if none.

        An answer undone shows its card again, as in Anki; other actions show the next card
        as it now is.
        """
        undone = self._ops.run_now(lambda: self._col.undo.undo(), initiator=self)
        if undone is None:
            self.message.emit(self.tr("Nothing to undo."))
            self._sync_actions()
            return False
        now = self._clock()
        if undone.card_id is not None:
            with self._ops.exclusive():
                card = self._col.sched.card_for_review(undone.card_id, now)
            if self.deck is None:
                self.deck = card.deck_name
            self._active = True
            self._show(card, now)
        elif self._active:
            self._show_next()
        self.message.emit(self.tr("{action} undone.").format(action=undo_name(undone.name)))
        self._sync_actions()
        return True

    @Slot()
    def _on_replay(self) -> None:
        """R, as in Anki: play the side's sounds again (whatever the autoplay setting)."""
        if self.card is not None:
            self._play(self._side_sounds())

    @Slot(str, int)
    def _on_hint_clicked(self, side: str, number: int) -> None:
        """Show a hint: the side is shown again with it open (Qt has no ``<details>``)."""
        card = self.card
        if card is None or side not in self._hints:
            return
        self._hints[side].add(number)
        html_, _sounds = self._html(card, self._faces[side], self._hints[side])
        (self._view.question if side == "question" else self._view.answer).setText(html_)

    def _on_sound_clicked(self, side: str, number: int) -> None:
        names = self._sounds.get(side, [])
        if self.card is not None and 0 <= number < len(names):
            self._play([names[number]])

    @Slot()
    def _on_edit(self) -> None:
        if self.card is not None:
            self.edit_note_requested.emit(self.card.note_id)

    @Slot()
    def _on_bury(self) -> None:
        if self.card is not None:
            ids, now = [self.card.card_id], self._clock()

            def bury() -> OpResult[None]:
                with self._col.undo.cards("Bury", ids):
                    return self._col.sched.bury(ids, now)

            self._ops.run_now(bury, initiator=self)
            self.message.emit(self.tr("Card buried until tomorrow."))
            self._show_next()

    @Slot()
    def _on_suspend(self) -> None:
        if self.card is not None:
            ids = [self.card.card_id]

            def suspend() -> OpResult[None]:
                with self._col.undo.cards("Suspend", ids):
                    return self._col.sched.set_suspended(ids, True)

            self._ops.run_now(suspend, initiator=self)
            self.message.emit(self.tr("Card suspended."))
            self._show_next()

    def _on_flag(self, number: int) -> None:
        """Ctrl+N as in Anki: flag the card shown with N, or take N off if it has it."""
        card = self.card
        if card is None:
            return
        flag = 0 if card.flag == number else number

        def set_flag() -> OpResult[None]:
            with self._col.undo.cards("Flag", [card.card_id]):
                return self._col.sched.set_flag([card.card_id], flag)

        self._ops.run_now(set_flag, initiator=self)
        self.card = replace(card, flag=flag)
        self._sync_actions()
        flag_name = self._actions.flag[number].text()
        self.message.emit(
            (self.tr("Flag {name} set.") if flag else self.tr("Flag {name} removed.")).format(
                name=flag_name
            )
        )

    @Slot(object, object)
    def _on_collection_changed(self, changes: Change, initiator: object) -> None:
        self.sync_undo()  # another window's action may be the last one now
        # An edit of the card on screen shows at once, keeping the side that was showing.
        card = self.card
        if initiator is self or not changes & Change.NOTES or card is None or not self._active:
            return
        from flashcards.core.errors import NotFoundError

        try:
            with self._ops.exclusive():
                fresh = self._col.sched.card_for_review(card.card_id, card.shown_at)
        except NotFoundError:  # the note was deleted
            self._show_next()
            return
        revealed = self._view.answer_shown
        self.card = fresh
        # Shown again as it was; its sounds do not start again (R plays them).
        self._show_question(fresh)
        if revealed:
            self._reveal(autoplay=False)


def _same_text(sentence: str, answer: str) -> bool:
    """Whether a source sentence is the (filled) cloze text, spaces aside."""
    if not sentence:
        return False
    first = answer.split("\n\n", 1)[0]  # a cloze's Extra comes after a blank line
    return "".join(sentence.split()) == "".join(first.split())


def _term(card: ReviewCard) -> str:
    """The words of the card worth highlighting in its source sentence."""
    if card.kind == NoteKind.CLOZE:
        for cloze in iter_clozes(card.front):  # linear, even on a hostile front
            if cloze.number == card.ord + 1:
                return cloze.content
        return ""
    return card.front.strip()


def _when(due: datetime, now: datetime, learner_day: Callable[[datetime], date]) -> str:
    """When the next card is due: minutes or hours away, else learner days and that day's date.

    Days are counted as the learner's days (which start at the day-start hour), not as spans
    of 24 hours: a card due on Wednesday, seen on Monday evening, is due in 2 days, not 1.
    """
    seconds = (due - now).total_seconds()
    local = due.astimezone()
    if seconds < 3600:
        return translate("ReviewController", "in {n} min (at {time})").format(
            n=max(1, round(seconds / 60)), time=f"{local:%H:%M}"
        )
    if seconds < 86400:
        return translate("ReviewController", "in {n} h (at {time})").format(
            n=round(seconds / 3600), time=f"{local:%H:%M}"
        )
    day = learner_day(due)
    days = max(1, (day - learner_day(now)).days)
    date = format_date(day, translate("ReviewController", "ddd dd MMM", "date (QLocale pattern)"))
    if days == 1:
        return translate("ReviewController", "in {n} day ({date})").format(n=days, date=date)
    return translate("ReviewController", "in {n} days ({date})").format(n=days, date=date)
