"""Help → About: the program's licence, and the attribution of the shipped article.

The attribution is the README's ("Licence and attribution"): the article's title, its author
(それなニキ), the course it is based on (the Matsuo Lab LLM course) and its licence
(CC BY-NC-SA 4.0); the code's licence is the LICENSE file's (MIT).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from flashcards.gui.i18n import mark, translate

ARTICLE_TITLE = "「今更聞けないLLM解説まとめ①LLMって何ぞ」"
ARTICLE_AUTHOR = "それなニキ"
COURSE = mark("About", "the Matsuo Lab LLM course (松尾研 LLM講座)")
ARTICLE_LICENCE = "CC BY-NC-SA 4.0"
ARTICLE_LICENCE_URL = "https://creativecommons.org/licenses/by-nc-sa/4.0/"
CODE_LICENCE = "MIT License"


def about_html() -> str:
    """The About box's text in the interface's language (title and author as they are)."""
    intro = translate(
        "About",
        "Spaced-repetition flashcards generated from the articles you read, scheduled "
        "with FSRS, at home in Anki.",
    )
    code = translate(
        "About",
        "<b>Code licence.</b> The program is free software under the {licence} "
        "(the LICENSE file that comes with it); copyright © 2026 The Flashcards authors.",
    ).format(licence=CODE_LICENCE)
    article = translate(
        "About",
        "<b>Shipped article.</b> The shipped article and the deck derived from it are "
        "{title} by {author}, based on {course}, licensed under {licence} (attribution, "
        "non-commercial, share-alike). The flashcards are adapted from it (terms and "
        "definitions extracted into cards) and shared under the same licence; every deck "
        "exported from it carries this attribution.",
    ).format(
        title=ARTICLE_TITLE,
        author=ARTICLE_AUTHOR,
        course=translate("About", COURSE),
        licence=f'<a href="{ARTICLE_LICENCE_URL}">{ARTICLE_LICENCE}</a>',
    )
    built = translate(
        "About", "Built with Qt for Python (PySide6, LGPLv3), SQLModel, py-fsrs and genanki."
    )
    return f"<h3>Flashcards</h3><p>{intro}</p><p>{code}</p><p>{article}</p><p>{built}</p>"


def show_about(parent: QWidget) -> QMessageBox:
    """Open the About box (not waiting for it to close); returns it."""
    box = QMessageBox(parent)
    box.setWindowTitle(translate("About", "About Flashcards"))
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(about_html())
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
