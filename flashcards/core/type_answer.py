"""Anki's type-in-the-answer: the box on the question and the comparison on the answer.

:func:`compare_answer` marks what was typed against what was expected exactly as Anki 26.x
does (``typeGood``, ``typeBad`` and ``typeMissed`` spans, the same character alignment), and
:func:`apply_type_answer` replaces the ``[[type:Field]]`` markers of a rendered card as Anki's
reviewer does. The box is an ``<input id=typeans>`` without Anki's key handler: the viewer
reads it and renders the answer again with what was typed.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from flashcards.core.cloze_render import cloze_for_typing
from flashcards.core.template_filters import RUST_WHITESPACE, rust_trim, strip_html

_TYPE_MARKER = re.compile(r"\[\[type:(.+?)\]\]")
_WS = re.escape(RUST_WHITESPACE)
_LINE_BREAKS = re.compile(rf"(?:\n|<[bB][rR][{_WS}]?/?>|</?[dD][iI][vV]>)+")
_HR = "<hr id=answer>"


@dataclass(frozen=True)
class TypeBox:
    """The type-answer box a card's question asks for.

    Attributes:
        field: The field whose content is expected.
        expected: What the comparison expects (the field's HTML, or the cloze's text).
        combining: False for ``type:nc:``, which ignores accents and other combining marks.
        font: The field's font, used for the box and the comparison.
        size: The field's font size in pixels.
    """

    field: str
    expected: str
    combining: bool
    font: str
    size: int


def compare_answer(expected: str, typed: str, *, combining: bool = True) -> str:
    """The comparison Anki shows on the answer side, as HTML.

    Args:
        expected: The expected answer (HTML; tags, sound tags and line breaks are dropped).
        typed: What the learner typed.
        combining: False compares without combining marks (``type:nc:``) but shows them.

    Returns:
        ``<code id=typeans>…</code>``: the expected text alone when nothing was typed, a
        ``typeGood`` span when the answer matches, else the typed text over the expected one
        with each run marked ``typeGood``, ``typeBad`` or ``typeMissed``.
    """
    stripped = rust_trim(strip_html(_LINE_BREAKS.sub(" ", strip_av_tags(expected))))
    if not typed:
        return f"<code id=typeans>{html.escape(stripped)}</code>"
    split: list[str]  # the expected characters as shown, each with its combining marks
    if combining:
        typed_chars = list(unicodedata.normalize("NFC", typed))
        expected_chars = list(unicodedata.normalize("NFC", stripped))
        split, original = expected_chars, "".join(expected_chars)
    else:
        typed_chars = [c for c in unicodedata.normalize("NFKD", typed) if not _is_mark(c)]
        expected_chars, split, original = [], [], stripped
        for char in unicodedata.normalize("NFKD", stripped):
            if not _is_mark(char):
                expected_chars.append(char)
                split.append(char)
            elif split:
                split[-1] += char
    if typed_chars == expected_chars:
        return f"<code id=typeans><span class=typeGood>{html.escape(original)}</span></code>"
    typed_out: list[str] = []
    expected_out: list[str] = []
    for tag, t1, t2, e1, e2 in _opcodes(typed_chars, expected_chars):
        typed_part = "".join(typed_chars[t1:t2])
        expected_part = "".join(split[e1:e2])
        if tag == "equal":
            typed_out.append(_span("typeGood", typed_part))
            expected_out.append(_span("typeGood", expected_part))
        elif tag == "delete":
            typed_out.append(_span("typeBad", typed_part))
        elif tag == "insert":
            typed_out.append(_span("typeMissed", "-" * (e2 - e1)))
            expected_out.append(_span("typeMissed", expected_part))
        else:
            typed_out.append(_span("typeBad", typed_part))
            expected_out.append(_span("typeMissed", expected_part))
    arrow = "<br><span id=typearrow>&darr;</span><br>"
    return f"<code id=typeans>{''.join(typed_out)}{arrow}{''.join(expected_out)}</code>"


def _opcodes(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]]:
    """How to turn ``a`` into ``b``: equal, delete, insert and replace runs, in order.

    The longest common run is matched first, then the same on each side of it (as Python's
    difflib and the Rust port Anki uses). That port (difflib 0.4) has a quirk this copies:
    when ``b`` has 200 or more items, only items occurring more than ``len(b) // 100 + 1``
    times can start a match (Python's autojunk does the opposite and drops those).
    """
    where: dict[str, list[int]] = {}
    for j, item in enumerate(b):
        where.setdefault(item, []).append(j)
    if len(b) >= 200:
        limit = len(b) // 100 + 1
        where = {item: js for item, js in where.items() if len(js) > limit}

    def longest(alo: int, ahi: int, blo: int, bhi: int) -> tuple[int, int, int]:
        best_i, best_j, best = alo, blo, 0
        run_ending_at: dict[int, int] = {}  # j -> length of the match ending at a[i-1], b[j]
        for i in range(alo, ahi):
            runs: dict[int, int] = {}
            for j in where.get(a[i], ()):
                if j < blo:
                    continue
                if j >= bhi:
                    break
                size = runs[j] = run_ending_at.get(j - 1, 0) + 1
                if size > best:
                    best_i, best_j, best = i - size + 1, j - size + 1, size
            run_ending_at = runs
        while best_i > alo and best_j > blo and a[best_i - 1] == b[best_j - 1]:
            best_i, best_j, best = best_i - 1, best_j - 1, best + 1
        while best_i + best < ahi and best_j + best < bhi and a[best_i + best] == b[best_j + best]:
            best += 1
        return best_i, best_j, best

    blocks: list[tuple[int, int, int]] = []
    pending = [(0, len(a), 0, len(b))]
    while pending:
        alo, ahi, blo, bhi = pending.pop()
        i, j, size = longest(alo, ahi, blo, bhi)
        if size:
            blocks.append((i, j, size))
            if alo < i and blo < j:
                pending.append((alo, i, blo, j))
            if i + size < ahi and j + size < bhi:
                pending.append((i + size, ahi, j + size, bhi))
    merged: list[tuple[int, int, int]] = []
    for i, j, size in sorted(blocks):
        if merged and merged[-1][0] + merged[-1][2] == i and merged[-1][1] + merged[-1][2] == j:
            merged[-1] = (merged[-1][0], merged[-1][1], merged[-1][2] + size)
        else:
            merged.append((i, j, size))
    merged.append((len(a), len(b), 0))
    ops: list[tuple[str, int, int, int, int]] = []
    i = j = 0
    for ai, bj, size in merged:
        if i < ai or j < bj:
            tag = "replace" if i < ai and j < bj else "delete" if i < ai else "insert"
            ops.append((tag, i, ai, j, bj))
        i, j = ai + size, bj + size
        if size:
            ops.append(("equal", ai, i, bj, j))
    return ops


def _is_mark(char: str) -> bool:
    return unicodedata.category(char).startswith("M")


def _span(kind: str, text: str) -> str:
    # A run starting with a combining mark gets a no-break space to sit on, so that the
    # mark does not join the previous run's last character. (Without combining marks, the
    # expected runs never start with one: each mark stays with its base character.)
    if text and _is_mark(text[0]):
        text = "\xa0" + text
    return f"<span class={kind}>{html.escape(text)}</span>"


def apply_type_answer(
    question: str,
    answer: str,
    fields: Mapping[str, str],
    fonts: Mapping[str, tuple[str, int]],
    *,
    ordinal: int,
    typed: str | None,
) -> tuple[str, str, TypeBox | None]:
    """Replace the ``[[type:…]]`` markers of a rendered card, as Anki's reviewer does.

    The question's first marker decides the box: the field it names (its cloze deletion for
    ``type:cloze:``) is what is expected. Every marker of the question becomes the box, and
    every marker of the answer the comparison with ``typed``; when the answer has
    ``<hr id=answer>``, it moves in front of the comparison. A marker naming no field, or a
    cloze card without its deletion, shows a warning instead; an empty field, nothing.

    Args:
        question: The rendered question, markers included.
        answer: The rendered answer, markers included.
        fields: The note's fields by name (HTML as stored).
        fonts: The font and size of each field.
        ordinal: The card's ordinal (for ``type:cloze:``, its cloze number minus one).
        typed: What was typed (None or "" for nothing).

    Returns:
        The question, the answer and the box (None when the question has none).
    """
    match = _TYPE_MARKER.search(question)
    if match is None:
        return question, _TYPE_MARKER.sub("", answer), None
    name = match.group(1)
    cloze = name.startswith("cloze:")
    if cloze:
        name = name.split(":")[1]
    combining = not name.startswith("nc:")
    if not combining:
        name = name.split(":")[1]
    expected = fields.get(name)
    if expected is not None and cloze:
        expected = cloze_for_typing(expected, ordinal + 1) or None
    if not expected:
        if expected is None:
            warning = (
                "This card has no cloze deletion to type; the Empty Cards tool removes it."
                if cloze
                else f"The type-answer box names no field of this note type: {html.escape(name)}"
            )
        else:
            warning = ""
        question = _TYPE_MARKER.sub(lambda _: warning, question)
        return question, _TYPE_MARKER.sub("", answer), None
    font, size = fonts.get(name, ("Arial", 20))
    style = f"font-family: '{html.escape(font)}'; font-size: {size}px"
    box_html = f'\n<center>\n<input type=text id=typeans style="{style};">\n</center>\n'
    box = TypeBox(name, expected, combining, font, size)
    return _TYPE_MARKER.sub(lambda _: box_html, question), _compared(answer, box, typed), box


def _compared(answer: str, box: TypeBox, typed: str | None) -> str:
    without_hr = answer.replace(_HR, "")
    had_hr = len(without_hr) != len(answer)
    if had_hr and not _TYPE_MARKER.search(without_hr):
        return answer
    output = compare_answer(box.expected, typed or "", combining=box.combining)
    style = f"font-family: '{html.escape(box.font)}'; font-size: {box.size}px"
    block = f'\n<div style="{style}">{output}</div>'
    if had_hr:
        # With {{FrontSide}}, the answer line goes above the comparison, as in Anki.
        block = _HR + block
    return _TYPE_MARKER.sub(lambda _: block, without_hr)


# Sound and text-to-speech tags
# ----------------------------------------

_SOUND = re.compile(r"\[sound:[^\]]+\]")
_DIRECTIVE_NAME = re.compile(r"\[anki:([^\] \t\r\n]+)")
_OPTION = re.compile(r'([^\] \t\r\n=]+)=(?:"([^"]*)"|([^\] \t\r\n"]*))[ \t\r\n]*')


def strip_av_tags(text: str) -> str:
    """``text`` without ``[sound:…]`` tags and ``[anki:tts …]…[/anki:tts]`` directives."""
    out: list[str] = []
    pos = 0
    while (start := text.find("[", pos)) >= 0:
        sound = _SOUND.match(text, start)
        end = sound.end() if sound else _tts_end(text, start)
        if end is None:
            out.append(text[pos : start + 1])
            pos = start + 1
        else:
            out.append(text[pos:start])
            pos = end
    out.append(text[pos:])
    return "".join(out)


def _tts_end(text: str, start: int) -> int | None:
    """Where the ``[anki:tts …]…[/anki:tts]`` directive starting at ``start`` ends, if it is one.

    Other ``[anki:…]`` directives are kept (Anki writes them back, its options reordered).
    """
    name = _DIRECTIVE_NAME.match(text, start)
    if name is None or name.group(1) != "tts":
        return None
    pos = name.end()
    while text.startswith((" ", "\t", "\r", "\n"), pos):
        pos += 1
    while (option := _OPTION.match(text, pos)) is not None:
        pos = option.end()
    if not text.startswith("]", pos):
        return None
    close = text.find("[/anki:tts]", pos + 1)
    return None if close < 0 else close + len("[/anki:tts]")
