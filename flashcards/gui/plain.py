"""User and imported text on screen as text, never as markup; messages as one readable line.

Qt guesses the format of a string: a ``QLabel``, a ``QMessageBox`` and every tooltip render a
string that *looks like* HTML (:func:`Qt.mightBeRichText`) as rich text, which draws markup and
loads images (``<img src="file:///…">`` reads local files, ``<img src="/dev/zero">`` allocates
until the process dies). Deck names, card text, tags, file names and the error messages that
quote them come from the user or from imported files, so every widget that shows them is built
or filled here:

* :func:`plain_label` and :func:`make_plain`: labels that show their text literally;
* :func:`tooltip`: a tooltip made of escaped text (rich text that *is* the literal string);
* :func:`message_box`, :func:`warn`, :func:`inform`, :func:`ask`: message boxes in plain text;
* :func:`one_line`, :func:`quote`, :func:`one_sentence`: what quotes or reports stays one line.

Only the review card view renders rich text, and only after the HTML safelist
(:mod:`flashcards.core.sanitize`).
"""

from __future__ import annotations

import html
import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

#: Longest message shown (a sentence or two; an error quoting a whole input is cut here).
MAX_MESSAGE = 300
#: Longest name (deck, file) quoted inside a message.
MAX_QUOTE = 80
#: Longest tooltip text (a 10 MB card field must not be laid out on hover).
MAX_TOOLTIP = 1000

_SPACES = re.compile(r"\s+")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(text: str, limit: int = MAX_MESSAGE) -> str:
    """``text`` as one line of at most ``limit`` characters (cut with "…")."""
    line = _SPACES.sub(" ", _CONTROLS.sub(" ", text)).strip()
    if len(line) > limit:
        line = line[: limit - 1].rstrip() + "…"
    return line


def quote(name: str, limit: int = MAX_QUOTE) -> str:
    """A name to quote in a sentence: “name”, one line, at most ``limit`` characters."""
    return f"“{one_line(name, limit)}”"


def one_sentence(exc: BaseException, lead: str, *, always_lead: bool = False) -> str:
    """What went wrong, in one line: the error's own sentence, or ``lead`` and a first line.

    Errors of the core (:class:`~flashcards.core.errors.FlashcardsError`) are written for the
    user and shown as they are (after ``lead`` if ``always_lead``); anything else (SQLite, the
    OS) gets ``lead`` and the first line of its text.
    """
    from flashcards.core.errors import FlashcardsError

    text = str(exc).strip()
    if isinstance(exc, FlashcardsError) and text:
        return one_line(f"{lead}: {text}" if always_lead else text)
    first = (text.splitlines() or [type(exc).__name__])[0].strip() or type(exc).__name__
    return one_line(f"{lead}: {first.rstrip('.')}.")


def make_plain(label: QLabel) -> QLabel:
    """Make ``label`` show its text literally (never as markup); returns it."""
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A label that shows ``text`` literally."""
    label = make_plain(QLabel(parent))
    label.setText(text)
    return label


def tooltip(text: str, limit: int = MAX_TOOLTIP) -> str:
    """A tooltip that shows ``text`` literally (escaped, line breaks kept).

    Tooltips have no format setting: Qt renders anything that looks like HTML. The text is
    escaped inside a paragraph, so Qt always renders it as rich text whose content is exactly
    the literal string (a bare ``Q&amp;A`` would otherwise show as typed).
    """
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f'<p style="white-space:pre-wrap">{html.escape(text, quote=False)}</p>'


def message_box(
    parent: QWidget | None,
    icon: QMessageBox.Icon,
    title: str,
    text: str,
    buttons: QMessageBox.StandardButton = QMessageBox.StandardButton.Ok,
) -> QMessageBox:
    """A message box that shows ``text`` literally."""
    box = QMessageBox(icon, title, "", buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(text)
    return box


def warn(parent: QWidget | None, title: str, text: str) -> None:
    """Show a warning (plain text) and wait for OK."""
    message_box(parent, QMessageBox.Icon.Warning, title, text).exec()


def inform(parent: QWidget | None, title: str, text: str) -> None:
    """Show a notice (plain text) and wait for OK."""
    message_box(parent, QMessageBox.Icon.Information, title, text).exec()


def ask(parent: QWidget | None, title: str, text: str) -> bool:
    """Ask a yes/no question (plain text); True for Yes."""
    box = message_box(
        parent,
        QMessageBox.Icon.Question,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
    )
    box.setDefaultButton(QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes
