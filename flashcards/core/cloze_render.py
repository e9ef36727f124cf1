"""Anki's cloze deletions: parsing ``{{c1::text::hint}}`` (nested, ``c1,2``) and revealing them.

The ``cloze:`` and ``cloze-only:`` filters, the cloze numbers that decide a cloze note's cards
and the text a ``type:cloze:`` box expects, as Anki 26.x computes them. Image occlusion
deletions (``{{c1::image-occlusion:rect:...}}``) become the same empty ``<div>`` shapes as in
Anki; drawing them is left to the viewer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flashcards.core.template_filters import encode_attribute, strip_html_preserving_entities

_TOKEN = re.compile(r"\{\{c([0-9,]*)::|\}\}")
_MATHJAX = re.compile(r"(\\[(\[])(.*?)(\\[\])])", re.S)
#: Anki stops nesting deletions ten deep: deeper openings are dropped.
_MAX_DEPTH = 10
_IMAGE_OCCLUSION = "image-occlusion:"


@dataclass
class Cloze:
    """One deletion: its numbers, its content (text and nested deletions) and its hint."""

    ordinals: tuple[int, ...]
    nodes: list[str | Cloze] = field(default_factory=list)
    hint: str | None = None

    def text(self) -> str:
        """The deletion's content as written, nested deletions shown."""
        return "".join(n if isinstance(n, str) else n.text() for n in self.nodes)

    def ordinals_attr(self) -> str:
        """The numbers as Anki writes them in ``data-ordinal``."""
        return ",".join(map(str, self.ordinals))

    def image_occlusion(self) -> str | None:
        """The shape of an image occlusion deletion, or None for a text deletion."""
        first = self.nodes[0] if self.nodes else None
        if isinstance(first, str) and first.startswith(_IMAGE_OCCLUSION):
            return first[len(_IMAGE_OCCLUSION) :]
        return None


def _ordinals(digits: str) -> tuple[int, ...]:
    # Numbers are 16-bit in Anki; empty or larger parts are skipped, duplicates merged.
    return tuple(sorted({int(p) for p in digits.split(",") if p and int(p) <= 0xFFFF}))


def parse(text: str) -> list[str | Cloze]:
    """``text`` as top-level text and deletions; unclosed deletions are dropped, as in Anki."""
    output: list[str | Cloze] = []
    stack: list[Cloze] = []

    def add_text(chunk: str) -> None:
        if not chunk:
            return
        if not stack:
            output.append(chunk)
            return
        if not chunk.startswith(_IMAGE_OCCLUSION) and "::" in chunk:
            # A later '::' in the same deletion replaces an earlier hint, as in Anki.
            chunk, stack[-1].hint = chunk.split("::", 1)
        stack[-1].nodes.append(chunk)

    pos = 0
    search_from = 0
    while (match := _TOKEN.search(text, search_from)) is not None:
        if match.group(0) == "}}":
            add_text(text[pos : match.start()])
            if stack:
                done = stack.pop()
                (stack[-1].nodes if stack else output).append(done)
            else:
                output.append("}}")
        else:
            ordinals = _ordinals(match.group(1))
            if not ordinals:  # '{{c,::' opens nothing: the scan goes on inside it
                search_from = match.start() + 1
                continue
            add_text(text[pos : match.start()])
            if len(stack) < _MAX_DEPTH:
                stack.append(Cloze(ordinals))
        pos = search_from = match.end()
    add_text(text[pos:])
    return output


def cloze_numbers(text: str) -> set[int]:
    """The cloze numbers (1 and up) of ``text``, nested deletions included."""
    found: set[int] = set()

    def walk(nodes: list[str | Cloze]) -> None:
        for node in nodes:
            if isinstance(node, Cloze):
                found.update(o for o in node.ordinals if o != 0)
                walk(node.nodes)

    walk(parse(text))
    return found


def _reveal(cloze: Cloze, number: int, question: bool, found: list[bool]) -> str:
    active = number in cloze.ordinals
    if active:
        found[0] = True
    shape = cloze.image_occlusion()
    if shape is not None:
        return _occlusion(shape, cloze, question=question, active=active)

    def inner() -> str:
        return "".join(
            n if isinstance(n, str) else _reveal(n, number, question, found) for n in cloze.nodes
        )

    ords = cloze.ordinals_attr()
    if question and active:
        hidden = encode_attribute(inner())
        shown = cloze.hint if cloze.hint is not None else "..."
        return f'<span class="cloze" data-cloze="{hidden}" data-ordinal="{ords}">[{shown}]</span>'
    kind = "cloze" if active else "cloze-inactive"
    return f'<span class="{kind}" data-ordinal="{ords}">{inner()}</span>'


def reveal(text: str, number: int, *, question: bool) -> str:
    """``text`` with deletion ``number`` hidden (question) or shown (answer), others shown.

    Returns "" when ``text`` has no deletion ``number``, as Anki does (the cloze: filter of a
    card whose deletion is in another field is blank).
    """
    found = [False]
    out = "".join(
        n if isinstance(n, str) else _reveal(n, number, question, found) for n in parse(text)
    )
    return out if found[0] else ""


def cloze_filter(text: str, number: int, *, question: bool) -> str:
    r"""The ``cloze:`` filter; tags inside MathJax (``\(...\)``) are removed, as in Anki."""

    def strip(match: re.Match[str]) -> str:
        return match.group(1) + strip_html_preserving_entities(match.group(2)) + match.group(3)

    return _MATHJAX.sub(strip, reveal(text, number, question=question))


def _active_texts(text: str, number: int, *, question: bool) -> list[str]:
    """The hint (question) or content (answer) of each deletion ``number``, in order."""
    out: list[str] = []

    def walk(node: str | Cloze) -> None:
        if isinstance(node, Cloze):
            if number in node.ordinals:
                if question:
                    out.append(node.hint if node.hint is not None else "...")
                else:
                    out.append(node.text())
            for child in node.nodes:
                walk(child)

    for node in parse(text):
        walk(node)
    return out


def cloze_only_filter(text: str, number: int, *, question: bool) -> str:
    """The ``cloze-only:`` filter: only the deletions ``number``, joined by commas."""
    return ", ".join(_active_texts(text, number, question=question))


def cloze_for_typing(text: str, number: int) -> str:
    """What a ``type:cloze:`` box expects: deletion ``number``'s content (once if repeated)."""
    texts = _active_texts(text, number, question=False)
    if texts and min(texts) == max(texts):
        return texts[-1]
    return ", ".join(texts)


def _occlusion(shape: str, cloze: Cloze, *, question: bool, active: bool) -> str:
    ords = cloze.ordinals_attr()
    if (question and active) or 0 in cloze.ordinals:
        kind = "cloze"
    else:
        kind = "cloze-highlight" if active else "cloze-inactive"
    return f'<div class="{kind}" data-ordinal="{ords}" {_occlusion_data(shape)}></div>'


def _occlusion_properties(text: str) -> tuple[str, list[tuple[str, str]]] | None:
    r"""``rect:left=1:top=2`` as its shape and properties (``\:`` and ``\\`` escape)."""
    shape, sep, _ = text.partition(":")
    if not sep:
        return None
    props: list[tuple[str, str]] = []
    rest = text[len(shape) :]
    while (m := re.match(r":([^=]+)=", rest)) is not None:
        value: list[str] = []
        i = m.end()
        while i < len(rest) and rest[i] != ":":
            if rest[i] == "\\":
                if i + 1 >= len(rest) or rest[i + 1] not in "\\:":
                    return shape, props  # a bad escape ends the list, as in Anki
                value.append(rest[i + 1])
                i += 2
            else:
                value.append(rest[i])
                i += 1
        props.append((m.group(1), "".join(value)))
        rest = rest[i:]
    return shape, props


def _occlusion_data(text: str) -> str:
    parsed = _occlusion_properties(text)
    if parsed is None:
        return ""
    shape, props = parsed
    out = [f'data-shape="{shape}" '] if shape in ("rect", "ellipse", "polygon", "text") else []
    for name, value in props:
        if (name in ("left", "top", "angle", "fill") and value) or (
            name in ("width", "height", "rx", "ry", "scale") and value not in ("", "0")
        ):
            out.append(f'data-{name}="{value}" ')
        elif name == "points" and value:
            pairs = [p.split(",", 1) for p in value.split(" ") if "," in p]
            if pairs:
                out.append('data-points="' + " ".join(f"{x},{y}" for x, y in pairs) + '" ')
        elif name == "oi" and value:
            out.append(f'data-occludeInactive="{value}" ')
        elif name == "text" and value:
            out.append(f'data-text="{encode_attribute(value)}" ')
        elif name == "fs" and value:
            out.append(f'data-font-size="{value}" ')
    return "".join(out)
