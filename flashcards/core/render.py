"""Card faces from note fields: pure functions shared by the terminal and the desktop review."""

from __future__ import annotations

import html
from dataclasses import dataclass

from flashcards.core.deckfile import Cloze, iter_clozes


@dataclass(frozen=True)
class Faces:
    """The question and answer of one card, as plain text and as safe HTML."""

    question: str
    answer: str
    question_html: str
    answer_html: str


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
