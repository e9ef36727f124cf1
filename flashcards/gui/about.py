"""Help → About: the licence and the attribution of the shipped article."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

ABOUT_HTML = """
<h3>Flashcards</h3>
<p>Spaced-repetition flashcards generated from the articles you read, scheduled with FSRS,
at home in Anki.</p>
<p><b>Licence.</b> The program is MIT-licensed. The shipped article and the decks made from it
are licensed under
<a href="https://creativecommons.org/licenses/by-nc-sa/4.0/">CC BY-NC-SA 4.0</a>.</p>
<p><b>Shipped article.</b> 「今更聞けないLLM解説まとめ①LLMって何ぞ」, based on the Matsuo Lab
LLM course (松尾研 LLM講座), used under CC BY-NC-SA 4.0. The flashcards are derived from it
(adapted: terms and definitions extracted into cards) and shared under the same licence.</p>
<p>Built with Qt for Python (PySide6, LGPLv3), SQLModel, py-fsrs and genanki.</p>
"""


def show_about(parent: QWidget) -> None:
    """Show the About box."""
    QMessageBox.about(parent, "About Flashcards", ABOUT_HTML)
