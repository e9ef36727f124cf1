"""The review screen's layout: count bar, question, answer with its source, answer buttons.

The view only lays out and reports clicks; :mod:`review_controller` decides what they do.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from flashcards.gui.card_text import CardText, MediaLookup
from flashcards.gui.i18n import mark, translate
from flashcards.gui.theme import Palette

#: The answer buttons' names (English: object names; shown translated, as Anki's).
RATINGS = {
    1: mark("ReviewView", "Again"),
    2: mark("ReviewView", "Hard"),
    3: mark("ReviewView", "Good"),
    4: mark("ReviewView", "Easy"),
}
#: The count bar's tooltips: what each count is (Anki's words).
QUEUE_NAMES = {
    "new": mark("CountBar", "new"),
    "learn": mark("CountBar", "learn"),
    "review": mark("CountBar", "review"),
}


def rating_name(rating: int) -> str:
    """An answer button's name in the interface's language ("Good", 正解)."""
    return translate("ReviewView", RATINGS[rating])


def _label(name: str, *, wrap: bool = True, rich: bool = True) -> QLabel:
    """A label for text we write (the source sentence, the done message): selectable only.

    Its text is escaped (never card HTML, which goes to a :class:`CardText`), so it holds no
    ``<a>`` or ``<img>``; no link opens and nothing is clicked through if one ever slipped by.
    """
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(wrap)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
    label.setOpenExternalLinks(False)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return label


class CountBar(QWidget):
    """New + learn + review counts; the queue of the current card is underlined."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.deck = QLabel()
        self.deck.setObjectName("reviewDeck")
        self.deck.setTextFormat(Qt.TextFormat.PlainText)  # a deck name is never markup
        self.new = QLabel()
        self.learn = QLabel()
        self.review = QLabel()
        self.new.setObjectName("countNew")
        self.learn.setObjectName("countLearn")
        self.review.setObjectName("countReview")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.deck)
        layout.addStretch(1)
        for label in (self.new, self.learn, self.review):
            label.setTextFormat(Qt.TextFormat.RichText)
            layout.addWidget(label)

    def show_counts(self, deck: str, new: int, learn: int, review: int, current: str) -> None:
        """Show the counts; ``current`` is "new", "learn" or "review"."""
        self.deck.setText(deck)
        for name, label, value in (
            ("new", self.new, new),
            ("learn", self.learn, learn),
            ("review", self.review, review),
        ):
            text = f"{value}"
            label.setText(f"<u><b>{text}</b></u>" if name == current else text)
            label.setToolTip(
                self.tr("{queue}: {n}").format(
                    queue=translate("CountBar", QUEUE_NAMES[name]), n=value
                )
            )


class AnswerButton(QWidget):
    """One of Again / Hard / Good / Easy with the interval it leads to above it."""

    def __init__(self, rating: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.interval = QLabel()
        self.interval.setTextFormat(Qt.TextFormat.PlainText)
        self.interval.setObjectName("intervalLabel")
        self.interval.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.button = QPushButton(rating_name(rating))
        self.button.setObjectName(f"rate{RATINGS[rating]}")
        self.button.setToolTip(
            self.tr("{name} (key {key})").format(name=rating_name(rating), key=rating)
        )
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.button.setMinimumWidth(96)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.interval)
        layout.addWidget(self.button)


class ReviewView(QWidget):
    """Lays out one card; signals the buttons the user clicked."""

    reveal_clicked = Signal()
    rate_clicked = Signal(int)
    #: A replay marker was clicked: the side ("question" or "answer") and the sound's number.
    sound_clicked = Signal(str, int)
    #: A hint link was clicked: the side and the hint's number.
    hint_clicked = Signal(str, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("review")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.counts = CountBar()
        # Card text: rich text with the collection's images (the sizes app.qss gives labels).
        self.question = CardText("question")
        self.separator = QFrame()
        self.separator.setObjectName("answerRule")
        self.separator.setFrameShape(QFrame.Shape.HLine)
        self.answer = CardText("answer")
        self.question.sound_clicked.connect(lambda n: self.sound_clicked.emit("question", n))
        self.answer.sound_clicked.connect(lambda n: self.sound_clicked.emit("answer", n))
        self.question.hint_clicked.connect(lambda n: self.hint_clicked.emit("question", n))
        self.answer.hint_clicked.connect(lambda n: self.hint_clicked.emit("answer", n))
        self.source = _label("source")
        self.source.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        # Anki's type-in-the-answer box; Enter shows the answer with the typed text compared.
        self.type_box = QLineEdit()
        self.type_box.setObjectName("typeAnswer")
        self.type_box.setPlaceholderText(self.tr("Type the answer, then Enter"))
        self.type_box.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.type_box.returnPressed.connect(self.reveal_clicked)
        self.type_box.hide()

        card = QWidget()
        card.setObjectName("cardArea")
        card_layout = QVBoxLayout(card)
        card_layout.setContentsMargins(32, 24, 32, 24)
        card_layout.setSpacing(16)
        card_layout.addWidget(self.question)
        card_layout.addWidget(self.type_box)
        card_layout.addWidget(self.separator)
        card_layout.addWidget(self.answer)
        card_layout.addSpacing(8)
        card_layout.addWidget(self.source)
        card_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setObjectName("cardScroll")
        scroll.setWidget(card)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.card_scroll = scroll
        # Set when the answer is revealed: it is scrolled into view once the card's text has
        # its height (the range grows as the text lays out), until the learner scrolls.
        self._to_answer = False
        scroll.verticalScrollBar().rangeChanged.connect(lambda *_: self._show_answer_top())

        self.show_button = QPushButton(self.tr("Show answer"))
        self.show_button.setObjectName("primaryButton")
        self.show_button.setToolTip(self.tr("Space or Enter"))
        self.show_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.show_button.setMinimumWidth(200)
        self.show_button.clicked.connect(self.reveal_clicked)
        self.answer_buttons = {r: AnswerButton(r) for r in RATINGS}
        rate_row = QWidget()
        grid = QGridLayout(rate_row)
        grid.setContentsMargins(0, 0, 0, 0)
        for column, (rating, widget) in enumerate(self.answer_buttons.items()):
            grid.addWidget(widget, 0, column)
            widget.button.clicked.connect(lambda _=False, r=rating: self.rate_clicked.emit(r))
        show_row = QWidget()
        show_layout = QHBoxLayout(show_row)
        show_layout.setContentsMargins(0, 0, 0, 0)
        show_layout.addStretch(1)
        show_layout.addWidget(self.show_button)
        show_layout.addStretch(1)
        self.bottom = QStackedWidget()
        self.bottom.addWidget(show_row)
        self.bottom.addWidget(rate_row)
        self.bottom.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.bottom.setFixedHeight(rate_row.sizeHint().height() + 8)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 8, 16, 12)
        layout.addWidget(self.counts)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.bottom)

    def set_media(self, lookup: MediaLookup | None) -> None:
        """Where card images come from (``col.media.path``); None: no image is shown."""
        self.question.set_media(lookup)
        self.answer.set_media(lookup)

    def show_question(self, question_html: str, *, type_box: bool = False) -> None:
        """Show a card's question with the answer hidden.

        ``type_box``: the card asks for a typed answer: an empty box below the question
        (:meth:`take_focus` gives it the keyboard once the screen is in front).
        """
        self.question.setText(question_html)
        self.question.show()
        for widget in (self.separator, self.answer, self.source):
            widget.hide()
        self._to_answer = False
        self.type_box.clear()
        self.type_box.setVisible(type_box)
        self.bottom.setCurrentIndex(0)

    def take_focus(self) -> None:
        """Take the keyboard: the type-answer box when it shows, else the review's keys."""
        if not self.type_box.isHidden():
            self.type_box.setFocus()
        else:
            self.setFocus()

    def typed(self) -> str:
        """What was typed in the type-answer box ("" when the card has none)."""
        return self.type_box.text() if not self.type_box.isHidden() else ""

    def show_answer(
        self,
        answer_html: str,
        source_html: str,
        labels: dict[int, str],
        *,
        replaces_question: bool = False,
    ) -> None:
        """Reveal the answer, its source and the four buttons with their intervals.

        ``replaces_question``: the answer holds the question already (an Anki template's
        ``{{FrontSide}}``), so it is shown in its place, as Anki does.
        """
        self.type_box.hide()  # the answer shows what was typed, compared
        self.setFocus()  # the rating keys go to the review again, not to the box
        # A long card: once laid out, the answer is scrolled into view (its top first).
        self._to_answer = True
        QTimer.singleShot(0, self._show_answer_top)
        self.answer.setText(answer_html)
        self.source.setText(source_html)
        self.question.setVisible(not replaces_question)
        self.separator.setVisible(not replaces_question)
        self.answer.show()
        self.source.setVisible(bool(source_html))
        for rating, widget in self.answer_buttons.items():
            widget.interval.setText(labels.get(rating, ""))
        self.bottom.setCurrentIndex(1)

    def _show_answer_top(self) -> None:
        """Scroll so that the answer's top is in view (a short card does not move)."""
        target = self.answer if self.answer.isVisible() else self.question
        if not self._to_answer or not self.answer_shown or not target.isVisible():
            return
        bar, content = self.card_scroll.verticalScrollBar(), self.card_scroll.widget()
        if content is None:
            return
        top = target.mapTo(content, target.rect().topLeft()).y()
        visible = self.card_scroll.viewport().height()
        if not bar.value() <= top <= bar.value() + visible - 48:
            bar.setValue(max(0, top - 16))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt API)
        """PgUp/PgDn and the arrow keys scroll a long card."""
        bar = self.card_scroll.verticalScrollBar()
        steps = {
            Qt.Key.Key_PageDown: bar.pageStep(),
            Qt.Key.Key_PageUp: -bar.pageStep(),
            Qt.Key.Key_Down: bar.singleStep() * 3,
            Qt.Key.Key_Up: -bar.singleStep() * 3,
        }
        step = steps.get(Qt.Key(event.key()))
        if step is None:
            super().keyPressEvent(event)
            return
        self._to_answer = False  # the learner scrolls now
        bar.setValue(bar.value() + step)
        event.accept()

    @property
    def answer_shown(self) -> bool:
        """Whether the answer side is showing."""
        return self.bottom.currentIndex() == 1


class DoneView(QWidget):
    """The "done for today" screen: what comes next and when."""

    back_clicked = Signal()
    custom_study_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("done")
        self.title = QLabel(self.tr("Done for today!"))
        self.title.setObjectName("doneTitle")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setWordWrap(True)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message = _label("doneMessage")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.back_button = QPushButton(self.tr("Back to decks"))
        self.back_button.setObjectName("primaryButton")
        self.back_button.setToolTip(self.tr("Esc"))
        self.back_button.clicked.connect(self.back_clicked)
        self.custom_study_button = QPushButton(self.tr("Custom Study"))
        self.custom_study_button.setObjectName("customStudyButton")
        self.custom_study_button.clicked.connect(self.custom_study_clicked)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.back_button)
        row.addWidget(self.custom_study_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.title)
        layout.addWidget(self.message)
        layout.addSpacing(16)
        layout.addLayout(row)
        layout.addStretch(2)

    def show_message(self, deck: str, lines: list[str]) -> None:
        """Show the deck's name (plain text, as it is) and the lines (HTML) saying what's next."""
        self.title.setText(
            self.tr("Done for today with {deck}!").format(deck=deck)
            if deck
            else self.tr("Done for today!")
        )
        self.message.setText("<br>".join(lines))


def source_html(sentence: str, term: str, where: str, palette: Palette) -> str:
    """The source sentence with ``term`` highlighted, and its section and title below it.

    Without a sentence (a cloze whose text is the sentence), only where it comes from.
    """
    if not sentence:
        if not where:
            return ""
        return f'<div style="color:{palette.muted}; font-size:small">— {html.escape(where)}</div>'
    text = html.escape(sentence)
    if term and term in sentence:
        marked = html.escape(term)
        text = text.replace(
            marked,
            f'<span style="background-color:{palette.term_background}; font-weight:600">'
            f"{marked}</span>",
        )
    out = f"<div>{text}</div>"
    if where:
        out += f'<div style="color:{palette.muted}; font-size:small">— {html.escape(where)}</div>'
    return out
