"""Card faces from note fields: pure functions shared by the terminal and the desktop review.

Our kinds (basic, reversed, cloze) are rendered here from the note's plain text, every
character escaped. A note in an Anki note type of its own (see :mod:`flashcards.core.anki_types`)
is rendered as Anki renders it (:func:`flashcards.core.template_render.render_card`, its note
type and the card's ordinal), its HTML passed through the sanitiser; its plain-text faces are
that HTML as text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from flashcards.core import anki_types
from flashcards.core.deckfile import Cloze, iter_clozes
from flashcards.core.html_text import html_to_text
from flashcards.core.sanitize import sanitize_css, sanitize_html
from flashcards.core.template_render import NoteTypeSpec, render_card

#: Where Anki's answer templates start the answer proper (after ``{{FrontSide}}``).
_ANSWER_MARK_RE = re.compile(r"<hr\b[^>]*\bid\s*=\s*[\"']?answer\b[^>]*>", re.IGNORECASE)


@dataclass(frozen=True)
class Faces:
    """The question and answer of one card, as plain text and as safe HTML.

    Attributes:
        question: The question as plain text.
        answer: The answer as plain text (for a card of an Anki note type: the part after
            Anki's ``<hr id=answer>`` when the template has one, without the question again).
        question_html: The question as safe HTML.
        answer_html: The answer as safe HTML.
        anki_css: For a card of a note in an Anki note type of its own, the note type's style
            sheet (made inert by :func:`flashcards.core.sanitize.sanitize_css`): the viewer
            shows each side inside ``<div class="card">`` with it, and the answer in place of
            the question (it holds the question where its template says ``{{FrontSide}}``).
            None for our own kinds.
        typed_answer: For a card whose question asks for a typed answer (Anki's
            ``{{type:Field}}``): the answer as safe HTML with what the learner typed compared
            to what was expected, as Anki's reviewer shows it. None for other cards.
    """

    question: str
    answer: str
    question_html: str
    answer_html: str
    anki_css: str | None = None
    typed_answer: Callable[[str], str] | None = field(default=None, compare=False)


def _cloze(text: str, clozes: list[Cloze], number: int, *, reveal: bool, as_html: bool) -> str:
    out: list[str] = []
    last = 0
    for cloze in clozes:
        before = text[last : cloze.start]
        out.append(html.escape(before) if as_html else before)
        content, hint = cloze.content, cloze.hint
        if cloze.number != number:
            out.append(html.escape(content) if as_html else content)
        elif reveal:
            out.append(f'<b class="cloze">{html.escape(content)}</b>' if as_html else content)
        else:
            blank = f"[{hint}]" if hint else "[...]"
            out.append(f'<b class="cloze">{html.escape(blank)}</b>' if as_html else blank)
        last = cloze.end
    tail = text[last:]
    out.append(html.escape(tail) if as_html else tail)
    return "".join(out)


def render(kind: str, ord_: int, front: str, back: str) -> Faces:
    """Render one card of a note.

    Args:
        kind: ``basic``, ``basic+reversed`` or ``cloze``.
        ord_: The card's template number (1 is the reverse card; for cloze, number - 1).
        front: The note's front (cloze text for cloze notes).
        back: The note's back (extra text for cloze notes).

    Returns:
        The card's faces.
    """
    esc = html.escape
    if kind == "cloze":
        number = ord_ + 1
        clozes = list(iter_clozes(front))
        question = _cloze(front, clozes, number, reveal=False, as_html=False)
        answer = _cloze(front, clozes, number, reveal=True, as_html=False)
        answer_html = _cloze(front, clozes, number, reveal=True, as_html=True)
        if back.strip():
            answer += "\n\n" + back
            answer_html += "<br><br>" + esc(back).replace("\n", "<br>")
        return Faces(
            question,
            answer,
            _cloze(front, clozes, number, reveal=False, as_html=True).replace("\n", "<br>"),
            answer_html.replace("\n", "<br>"),
        )
    q, a = (back, front) if ord_ == 1 else (front, back)
    return Faces(q, a, esc(q).replace("\n", "<br>"), esc(a).replace("\n", "<br>"))


def render_anki(
    notetype: NoteTypeSpec,
    fields: dict[str, str],
    ord_: int,
    *,
    tags: Sequence[str] = (),
    deck: str = "Default",
    flag: int = 0,
    card_id: int = 0,
) -> Faces | None:
    """Render one card of a note in an Anki note type, as Anki's reviewer shows it, made safe.

    The type-in-the-answer box (an ``<input>``) does not pass the sanitiser: the viewer shows
    a box of its own below the question, and :attr:`Faces.typed_answer` renders the answer
    with what was typed (its plain :attr:`Faces.answer_html` shows the expected answer, as
    Anki does when nothing was typed).

    Returns:
        The card's faces, or None when the note type has no template for ``ord_``.
    """
    try:
        rendered = render_card(
            notetype, fields, ord_, tags=tags, deck=deck, flag=flag, card_id=card_id
        )
    except ValueError:
        return None
    typed_answer = None
    if rendered.type_box is not None:

        def typed_answer(typed: str) -> str:
            again = render_card(
                notetype, fields, ord_, tags=tags, deck=deck, flag=flag, card_id=card_id,
                typed=typed,
            )  # fmt: skip
            return sanitize_html(again.answer_html)

    question_html = sanitize_html(rendered.question_html)
    answer_html = sanitize_html(rendered.answer_html)
    mark = _ANSWER_MARK_RE.search(rendered.answer_html)
    answer_only = (
        sanitize_html(rendered.answer_html[mark.end() :]) if mark is not None else answer_html
    )
    return Faces(
        html_to_text(question_html).strip(),
        html_to_text(answer_only).strip(),
        question_html,
        answer_html,
        sanitize_css(rendered.css),
        typed_answer,
    )


def card_faces(
    kind: str,
    ord_: int,
    front: str,
    back: str,
    *,
    notetype_config: str | None = None,
    anki_fields: str | None = None,
    tags: Sequence[str] = (),
    deck: str = "Default",
    flag: int = 0,
    card_id: int = 0,
) -> Faces:
    """Render one card: through its note's own Anki note type if it has one, else by its kind.

    Args:
        kind: The note's kind.
        ord_: The card's ordinal.
        front: The note's front (its first field as text, for an Anki note type).
        back: The note's back.
        notetype_config: The note's own Anki note type (its kept JSON config), or None.
        anki_fields: The note's Anki fields (JSON list of HTML), or None.
        tags: The note's tags ({{Tags}}).
        deck: The card's deck ({{Deck}}).
        flag: The card's flag ({{CardFlag}}).
        card_id: The card's id ({{CardID}}).

    Returns:
        The card's faces. A note whose note type cannot be read, whose fields do not fit it,
        or that has no template for this card is rendered by its kind (nothing is hidden).
    """
    if notetype_config is not None:
        notetype = anki_types.notetype_of(notetype_config)
        fields = (
            None if notetype is None else anki_types.fields_of(notetype, anki_fields, front, back)
        )
        if notetype is not None and fields is not None:
            faces = render_anki(
                notetype, fields, ord_, tags=tags, deck=deck, flag=flag, card_id=card_id
            )
            if faces is not None:
                return faces
    return render(kind, ord_, front, back)


def faces_of_row(row: Any, deck: str) -> Faces:
    """The faces of the card of a row of :data:`flashcards.core.queue.CARD_WITH_NOTE_COLUMNS`.

    Args:
        row: A card row with its note's ``kind``, ``front``, ``back``, ``tags``, ``anki_fields``
            and its note type's ``anki_config`` (None for our kinds).
        deck: The card's deck's full name.
    """
    return card_faces(
        row.kind,
        int(row.ord),
        row.front,
        row.back,
        notetype_config=row.anki_config,
        anki_fields=row.anki_fields,
        tags=tuple(t for t in str(row.tags).split() if t),
        deck=deck,
        flag=int(row.flags),
        card_id=int(row.id),
    )
