"""Help → About: the program's licence, and the attribution of the shipped article.

The attribution is the README's ("Licence and attribution"): the article's title, its author
(それなニキ), the course it is based on (the Matsuo Lab LLM course) and its licence
(CC BY-NC-SA 4.0); the code's licence is the LICENSE file's (MIT).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

ARTICLE_TITLE = "「今更聞けないLLM解説まとめ①LLMって何ぞ」"
ARTICLE_AUTHOR = "それなニキ"
COURSE = "the Matsuo Lab LLM course (松尾研 LLM講座)"
ARTICLE_LICENCE = "CC BY-NC-SA 4.0"
ARTICLE_LICENCE_URL = "https://creativecommons.org/licenses/by-nc-sa/4.0/"
CODE_LICENCE = "MIT License"

ABOUT_HTML = f"""
<h3>Flashcards</h3>
<p>Spaced-repetition flashcards generated from the articles you read, scheduled with FSRS,
at home in Anki.</p>
<p><b>Code licence.</b> The program is free software under the {CODE_LICENCE}
(the LICENSE file that comes with it); copyright © 2026 The Flashcards authors.</p>
<p><b>Shipped article.</b> The shipped article and the deck derived from it are
{ARTICLE_TITLE} by {ARTICLE_AUTHOR}, based on {COURSE}, licensed under
<a href="{ARTICLE_LICENCE_URL}">{ARTICLE_LICENCE}</a> (attribution, non-commercial,
share-alike). The flashcards are adapted from it (terms and definitions extracted into cards)
and shared under the same licence; every deck exported from it carries this attribution.</p>
<p>Built with Qt for Python (PySide6, LGPLv3), SQLModel, py-fsrs and genanki.</p>
"""


def show_about(parent: QWidget) -> QMessageBox:
    """Open the About box (not waiting for it to close); returns it."""
    box = QMessageBox(parent)
    box.setWindowTitle("About Flashcards")
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(ABOUT_HTML)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
