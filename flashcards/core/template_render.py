"""Render any Anki note type's cards as Anki 26.x does: templates, filters, special fields, cards.

Pure functions over a :class:`NoteTypeSpec` and a note's fields (HTML as stored); no database
and no Qt. The output is Anki's HTML, unsanitised (the caller sanitises before display), with
no script of our own: Anki's hint link becomes a ``<details>`` element and its type-answer box
is an ``<input>`` without handlers (see :mod:`flashcards.core.type_answer`).

Anki's card template language: ``{{Field}}``, ``{{filter:Field}}`` (filters apply right to
left), ``{{#Field}}...{{/Field}}`` and ``{{^Field}}...{{/Field}}`` sections, ``{{FrontSide}}`` on
the answer, HTML comments kept verbatim and the legacy ``{{=<% %>=}}`` delimiters.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from flashcards.core import cloze_render, template_filters
from flashcards.core.template_filters import (
    RUST_WHITESPACE,
    field_is_empty,
    latex_images,
    rust_trim,
)
from flashcards.core.type_answer import TypeBox, apply_type_answer

_ALT_DIRECTIVE = "{{=<% %>=}}"
#: Cloze note types make at most 500 cards: higher numbers all go to the 500th, as in Anki.
MAX_CLOZE_CARD = 499
#: The special fields Anki adds to every card's fields (FrontSide is the rendered question).
SPECIAL_FIELDS = ("FrontSide", "Card", "CardFlag", "Deck", "Subdeck", "Tags", "Type", "CardID")


@dataclass(frozen=True)
class FieldSpec:
    """A note type's field: its name, and the font Anki uses for its type-answer box."""

    name: str
    font: str = "Arial"
    size: int = 20


@dataclass(frozen=True)
class TemplateSpec:
    """A card template: its name and its question and answer formats."""

    name: str
    qfmt: str
    afmt: str


@dataclass(frozen=True)
class NoteTypeSpec:
    """What rendering needs of an Anki note type."""

    name: str
    kind: Literal["standard", "cloze"]
    fields: tuple[FieldSpec, ...]
    templates: tuple[TemplateSpec, ...]
    css: str = ""
    latex_svg: bool = False  # LaTeX images are .svg files rather than .png

    @property
    def field_names(self) -> tuple[str, ...]:
        """The fields' names, in order."""
        return tuple(f.name for f in self.fields)


@dataclass(frozen=True)
class Rendered:
    """Both sides of a card.

    Attributes:
        question_html: The question, as Anki's reviewer shows it (before sanitising).
        answer_html: The answer; the question is in it where the template says {{FrontSide}}.
        css: The note type's style sheet, for the viewer to apply inside ``<div class="card">``.
            Empty when the template has a problem, as in Anki.
        is_empty: The card's front is blank (or its cloze deletion is missing): both sides
            then hold a message saying so, as in Anki.
        problem: A template error shown on both sides instead of the card, else None.
        type_box: The type-in-the-answer box of the question, if it has one.
    """

    question_html: str
    answer_html: str
    css: str
    is_empty: bool = False
    problem: str | None = None
    type_box: TypeBox | None = None


class TemplateError(Exception):
    """A template that cannot be rendered; ``str()`` is the explanation (plain text)."""


# Parsing
# ----------------------------------------


@dataclass(frozen=True)
class _Text:
    text: str


@dataclass(frozen=True)
class _Replacement:
    key: str
    filters: tuple[str, ...]  # in the order they apply: the rightmost written filter first


@dataclass(frozen=True)
class _Section:
    key: str
    negated: bool
    children: tuple[_Node, ...]


_Node = _Text | _Replacement | _Section
_Token = tuple[Literal["text", "tag"], str]


def _tokens(template: str) -> list[_Token]:
    """Text (comments included) and the contents of the template's ``{{...}}`` tags."""
    start, end = "{{", "}}"
    trimmed = template.lstrip(RUST_WHITESPACE)
    if trimmed.startswith(_ALT_DIRECTIVE):
        while trimmed.startswith(_ALT_DIRECTIVE):
            trimmed = trimmed[len(_ALT_DIRECTIVE) :]
        template, start, end = trimmed, "<%", "%>"
    tokens: list[_Token] = []
    pos = 0
    while pos < len(template):
        tag = template.find(start, pos)
        tag_end = template.find(end, tag + len(start)) if tag >= 0 else -1
        comment = template.find("<!--", pos)
        comment_end = template.find("-->", comment + 4) if comment >= 0 else -1
        # A comment that comes first hides the tags inside it; unclosed ones are plain text.
        if comment_end >= 0 and (tag_end < 0 or comment < tag):
            tokens.append(("text", template[pos : comment_end + 3]))
            pos = comment_end + 3
        elif tag_end >= 0:
            tokens.append(("text", template[pos:tag]))
            tokens.append(("tag", template[tag + len(start) : tag_end]))
            pos = tag_end + len(end)
        else:
            tokens.append(("text", template[pos:]))
            break
    return tokens


def _classify(tag: str) -> tuple[str, str]:
    """A tag's kind (``#``, ``^``, ``/`` or ``=`` for a replacement) and its name."""
    inner = rust_trim(tag.lstrip("{"))
    # Anki measures in UTF-8 bytes: a lone '#', '/' or '^' is a field name.
    if len(inner.encode()) >= 2 and inner[0] in "#^/":
        return inner[0], inner[1:].lstrip(RUST_WHITESPACE)
    return "=", inner


@lru_cache(maxsize=512)
def _parse(template: str) -> tuple[_Node, ...]:
    """The template as a tree of text, replacements and sections.

    Raises:
        TemplateError: A section is not closed, or closed without being open.
    """
    tokens = iter(_tokens(template))

    def parse(open_key: str | None) -> tuple[_Node, ...]:
        nodes: list[_Node] = []
        for kind, value in tokens:
            if kind == "text":
                nodes.append(_Text(value))
                continue
            mark, name = _classify(value)
            if mark == "=":
                *filters, key = name.split(":")
                nodes.append(_Replacement(key, tuple(reversed(filters))))
            elif mark in "#^":
                nodes.append(_Section(name, mark == "^", parse(name)))
            elif open_key == name:
                return tuple(nodes)
            elif open_key is None:
                raise TemplateError(
                    f"{{{{/{name}}}}} closes a section that is not open; "
                    f"open it with {{{{#{name}}}}} or {{{{^{name}}}}}"
                )
            else:
                raise TemplateError(f"found {{{{/{name}}}}} where {{{{/{open_key}}}}} was expected")
        if open_key is not None:
            raise TemplateError(f"{{{{#{open_key}}}}} is never closed by {{{{/{open_key}}}}}")
        return tuple(nodes)

    return parse(None)


def _is_cloze_section(key: str) -> bool:
    """``c1``, ``c2``...: sections Anki accepts on any card (true on the card of that number)."""
    return re.fullmatch(r"c\+?[0-9]+", key) is not None and int(key[1:]) < 1 << 32


def _renders(nodes: Sequence[_Node], nonempty: set[str]) -> bool:
    """Whether the template shows at least one non-empty field (Anki's rule for a front)."""
    for node in nodes:
        if isinstance(node, _Replacement):
            if node.key in nonempty:
                return True
        elif (
            isinstance(node, _Section)
            and (node.key in nonempty) != node.negated
            and _renders(node.children, nonempty)
        ):
            return True
    return False


# Rendering
# ----------------------------------------


@dataclass(frozen=True)
class _Context:
    fields: Mapping[str, str]
    nonempty: set[str]
    card_ord: int
    frontside: str | None  # None on the question side


_TEXT_FILTERS: dict[str, Callable[[str], str]] = {
    "text": template_filters.strip_html,
    "furigana": template_filters.furigana,
    "kanji": template_filters.kanji,
    "kana": template_filters.kana,
}


def _filter(name: str, text: str, key: str, ctx: _Context) -> str | None:
    """One built-in filter applied to ``text``, or None when Anki has no such filter."""
    number, question = ctx.card_ord + 1, ctx.frontside is None
    if name in _TEXT_FILTERS:
        return _TEXT_FILTERS[name](text)
    if name in ("type", "type-cloze", "type-nc"):
        return template_filters.type_marker(key, name[5:] + ":" if name != "type" else "")
    if name == "hint":
        return template_filters.hint(text, key)
    if name == "cloze":
        return cloze_render.cloze_filter(text, number, question=question)
    if name == "cloze-only":
        return cloze_render.cloze_only_filter(text, number, question=question)
    if name == "":  # two colons in a row
        return text
    if name.startswith("tts "):
        return template_filters.tts(name[4:], text)
    return None


def _apply_filters(text: str, filters: tuple[str, ...], key: str, ctx: _Context) -> str:
    # A type box ignores the other filters; 'type:cloze:' and 'type:nc:' are its variants.
    if filters == ("cloze", "type"):
        filters = ("type-cloze",)
    elif filters == ("nc", "type"):
        filters = ("type-nc",)
    elif filters and filters[-1] == "type":
        filters = ("type",)
    for name in filters:
        result = _filter(name, text, key, ctx)
        if result is None:
            # Anki hands an unknown filter, and those after it, to add-ons; with none
            # installed the text is shown as it is at that point.
            break
        text = result
    return text


def _render(nodes: Sequence[_Node], ctx: _Context, out: list[str]) -> None:
    for node in nodes:
        if isinstance(node, _Text):
            out.append(node.text)
        elif isinstance(node, _Replacement):
            if node.key == "FrontSide":  # filters on FrontSide are ignored, as in Anki
                out.append(ctx.frontside or "")
            elif not node.key and node.filters:
                pass  # '{{filter:}}' is for add-ons that produce text of their own
            elif node.key not in ctx.fields:
                written = ":".join((*reversed(node.filters), node.key))
                raise TemplateError(f"there is no field called '{node.key}' (in {{{{{written}}}}})")
            else:
                out.append(_apply_filters(ctx.fields[node.key], node.filters, node.key, ctx))
        else:
            if node.key in ctx.nonempty:
                shown = not node.negated
            elif node.key in ctx.fields or _is_cloze_section(node.key):
                shown = node.negated
            else:
                mark = "^" if node.negated else "#"
                raise TemplateError(
                    f"there is no field called '{node.key}' (in {{{{{mark}{node.key}}}}})"
                )
            # A hidden section is still rendered, so that its errors show, as in Anki.
            _render(node.children, ctx, out if shown else [])


def _render_text(template: str, ctx: _Context) -> tuple[str, tuple[_Node, ...]]:
    nodes = _parse(template)
    out: list[str] = []
    _render(nodes, ctx, out)
    return "".join(out), nodes


def _problem(side: str, error: TemplateError) -> Rendered:
    # Anki shows the problem on both sides, without the note type's CSS.
    problem = f"The {side} template of this card cannot be shown: {error}"
    shown = f"<div>{html.escape(problem)}</div>"
    return Rendered(shown, shown, "", problem=problem)


def _empty_html(cloze_number: int | None) -> str:
    if cloze_number is None:
        text = "The front of this card is empty: its template shows no field that has content."
    else:
        text = f"This card has no cloze deletion {cloze_number}: add one, or delete the card."
    return f"<div>{text}</div>"


def render_card(
    notetype: NoteTypeSpec,
    fields: Mapping[str, str],
    ordinal: int,
    *,
    tags: Sequence[str] = (),
    deck: str = "Default",
    flag: int = 0,
    card_id: int = 0,
    typed: str | None = None,
) -> Rendered:
    """Render one card of a note as Anki's reviewer shows it.

    Args:
        notetype: The note's type.
        fields: The note's fields by name, HTML as stored (missing ones count as empty).
        ordinal: The card's ordinal: its template's index, or its cloze number minus one.
        tags: The note's tags ({{Tags}}).
        deck: The card's (home) deck's full name, ``::`` between levels ({{Deck}}).
        flag: The card's flag, 0 to 7 ({{CardFlag}}).
        card_id: The card's id ({{CardID}}).
        typed: What the learner typed in the type-answer box (None or "" when nothing).

    Returns:
        The question, the answer (with the typed answer compared) and the note type's CSS.

    Raises:
        ValueError: The note type has no template for ``ordinal``.
    """
    base = render_card_text(
        notetype, fields, ordinal, tags=tags, deck=deck, flag=flag, card_id=card_id
    )
    fonts = {f.name: (f.font, f.size) for f in notetype.fields}
    values = {name: fields.get(name, "") for name in notetype.field_names}
    question, answer, box = apply_type_answer(
        base.question_html, base.answer_html, values, fonts, ordinal=ordinal, typed=typed
    )
    return Rendered(question, answer, base.css, base.is_empty, base.problem, box)


def render_card_text(
    notetype: NoteTypeSpec,
    fields: Mapping[str, str],
    ordinal: int,
    *,
    tags: Sequence[str] = (),
    deck: str = "Default",
    flag: int = 0,
    card_id: int = 0,
) -> Rendered:
    """Render one card as Anki's templates do, before the reviewer's type-answer step.

    The same as :func:`render_card` except that type-answer boxes are left as Anki's
    ``[[type:Field]]`` markers: this is the text of Anki's ``card.question()`` and
    ``card.answer()`` (without their ``<style>`` element and with sound tags as written).
    """
    cloze = notetype.kind == "cloze"
    index = 0 if cloze else ordinal
    if not 0 <= index < len(notetype.templates) or ordinal < 0:
        raise ValueError(f"note type {notetype.name!r} has no card {ordinal}")
    template = notetype.templates[index]
    field_map = {name: fields.get(name, "") for name in notetype.field_names}
    specials = {
        "Tags": " ".join(tags),
        "Type": notetype.name,
        "Subdeck": deck.split("::")[-1],
        "Deck": deck,
        "CardFlag": f"flag{flag}",
        "Card": template.name,
        "CardID": str(card_id),
        f"c{ordinal + 1}": "1",  # makes {{#cN}} true on the card of cloze N
    }
    for name, value in specials.items():
        field_map.setdefault(name, value)  # a note field of the same name wins
    nonempty = {name for name, value in field_map.items() if not field_is_empty(value)}
    ctx = _Context(field_map, nonempty, ordinal, None)
    try:
        question, nodes = _render_text(template.qfmt, ctx)
    except TemplateError as error:
        return _problem("front", error)
    numbers: set[int] = set()
    if cloze:
        for value in field_map.values():
            numbers |= cloze_render.cloze_numbers(value)
    if (cloze and ordinal + 1 not in numbers) or (not cloze and not _renders(nodes, nonempty)):
        message = _empty_html(ordinal + 1 if cloze else None)
        answer, is_empty = message, True
        question += message
    else:
        try:
            context = _Context(field_map, nonempty, ordinal, question)
            answer, _ = _render_text(template.afmt, context)
        except TemplateError as error:
            return _problem("back", error)
        is_empty = False
    # As in Anki, LaTeX becomes images once both sides are rendered (FrontSide included).
    svg = notetype.latex_svg
    question, answer = latex_images(question, svg=svg), latex_images(answer, svg=svg)
    return Rendered(question, answer, notetype.css, is_empty=is_empty)


# Cards of a note
# ----------------------------------------


def card_ordinals(
    notetype: NoteTypeSpec,
    fields: Mapping[str, str],
    *,
    tags: Sequence[str] = (),
    at_least_one: bool = True,
) -> list[int]:
    """The ordinals of the cards a note has, as Anki decides when the note is added.

    A standard note type has the card of each template whose front shows at least one
    non-empty field (in a section that is shown; special fields other than Tags always count
    as non-empty, Tags when the note has tags); a template that does not parse has no card.
    A cloze note type has one card per cloze number (1 and up) in any of its fields, numbers
    above 500 sharing the 500th card.

    Args:
        notetype: The note's type.
        fields: The note's fields by name, HTML as stored.
        tags: The note's tags.
        at_least_one: When no template or cloze makes a card, the first card is still made
            (Anki does so for a new note, which then shows that its front is empty).

    Returns:
        The ordinals, ascending and without repeats.
    """
    values = {name: fields.get(name, "") for name in notetype.field_names}
    found: set[int] = set()
    if notetype.kind == "cloze":
        for value in values.values():
            found |= {min(n - 1, MAX_CLOZE_CARD) for n in cloze_render.cloze_numbers(value)}
    else:
        nonempty = {name for name, value in values.items() if not field_is_empty(value)}
        for special in SPECIAL_FIELDS:
            if special not in values and special != "FrontSide" and (special != "Tags" or tags):
                nonempty.add(special)
        for ordinal, template in enumerate(notetype.templates):
            try:
                nodes = _parse(template.qfmt)
            except TemplateError:
                continue
            if _renders(nodes, nonempty):
                found.add(ordinal)
    if not found and at_least_one:
        found.add(0)
    return sorted(found)


# Note types as read from Anki
# ----------------------------------------


def _by_ord(items: Any) -> list[Mapping[str, Any]]:
    if not isinstance(items, list):
        return []
    entries = [item for item in items if isinstance(item, Mapping)]
    if all(isinstance(item.get("ord"), int) for item in entries):
        entries.sort(key=lambda item: int(item["ord"]))
    return entries


def _font_size(value: Any) -> int:
    return int(value) if isinstance(value, int | float) and value > 0 else 20


def notetype_from_anki(config: Mapping[str, Any]) -> NoteTypeSpec:
    """A note type from its legacy JSON shape, as ``exchange.anki_notetypes`` reads it.

    Args:
        config: ``name``, ``type`` (1 for cloze), ``css``, ``flds`` (``name``, ``ord``,
            ``font``, ``size``) and ``tmpls`` (``name``, ``ord``, ``qfmt``, ``afmt``).

    Returns:
        The note type, fields and templates in their ``ord`` order.
    """
    fields = tuple(
        FieldSpec(str(f.get("name", "")), str(f.get("font") or "Arial"), _font_size(f.get("size")))
        for f in _by_ord(config.get("flds"))
    )
    templates = tuple(
        TemplateSpec(str(t.get("name", "")), str(t.get("qfmt", "")), str(t.get("afmt", "")))
        for t in _by_ord(config.get("tmpls"))
    )
    kind: Literal["standard", "cloze"] = "cloze" if config.get("type") == 1 else "standard"
    name, css = str(config.get("name", "")), str(config.get("css", ""))
    return NoteTypeSpec(name, kind, fields, templates, css, config.get("latexsvg") is True)


def fields_by_name(notetype: NoteTypeSpec, values: Sequence[str]) -> dict[str, str]:
    """A note's field values in order (as Anki stores them) keyed by field name."""
    return {
        name: values[i] if i < len(values) else "" for i, name in enumerate(notetype.field_names)
    }
