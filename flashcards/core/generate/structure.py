"""Article structure: headings, paragraphs and sentences (with the seed's line-break repairs).

Every step is linear in the length of the article (hand-written scans where a regular expression
would backtrack over a hostile line), and a "sentence" longer than `MAX_SENTENCE` characters
(nothing a card could quote: an unpunctuated run-on, a pasted blob) is left out of the document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flashcards.core.generate.blocks import label_of, split_row, table_pairs
from flashcards.core.generate.furniture import drop_furniture
from flashcards.core.generate.lexicon import ABBREVIATIONS_EN, GENERIC_HEADINGS
from flashcards.core.generate.terms import label_term
from flashcards.core.generate.textutil import CLOSERS, OPENERS, TERMINAL_EN, TERMINAL_JA, fold
from flashcards.core.generate.tokens import ends_with_particle, starts_with_particle


@dataclass(frozen=True)
class Sentence:
    """One sentence with where it sits in the article.

    Attributes:
        text: The sentence (for a table row or definition item: the explanation cell or line).
        section: The heading it sits under ("" before the first).
        index: Its position among the document's sentences.
        first_in_section: Whether it is the first sentence under its heading.
        kind: ``"text"`` (prose or a list item), ``"row"`` (the explanation cell of a table
            row) or ``"definition"`` (a definition-list item).
        label: For a row or definition item, the term it explains (the row's first cell, the
            definition list's term line).
        term_line: Whether its section's heading is marked as a term line (a bold label alone
            on its line, a ``【label】``), not a Markdown heading or a short line.
    """

    text: str
    section: str
    index: int
    first_in_section: bool
    kind: str = "text"
    label: str = ""
    term_line: bool = False


@dataclass(frozen=True)
class Document:
    """An article split into sections and sentences."""

    title: str
    headings: tuple[str, ...]
    sentences: tuple[Sentence, ...]


MAX_SENTENCE = 500
"""Longer sentences are not analysed (the longest in the scored articles has 196 characters)."""

# "## Heading ##": the closing hashes and spaces are cut off in `_md_heading`.
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*)$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_NUMBERED_HEADING = re.compile(
    r"^(?:(?:\d{1,2}|[IVX]{1,4})[.．](?!\d)|[(（]\d{1,2}[)）]|[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫ][.．]?|[①-⑳]"
    r"|第[0-9一二三四五六七八九十]+[章節部])"
    r"\s*(\S.*)$"
)
_LIST_ITEM = re.compile(r"^\s*(?:[-*+・•]|\d{1,3}[.)])\s+(\S.*)$")
_NUMBERED_LIST = re.compile(r"^\s*\d{1,3}[.)]\s+\S")
_MD_EMPHASIS = re.compile(r"(\*\*|__|`)")
# Scrapbox (Cosense) notes: "[* 量子化]" on its own line is a heading, "[LLMの軽量化]" a link.
_SCRAPBOX_HEADING = re.compile(r"^\[\*{1,5}\s+([^\[\]]{1,80})\]$")
_BRACKET_LINK = re.compile(r"\[(?:[*/\-_]+\s+)?([^\[\]]{1,80})\](?!\()")
_HEADING_MAX = 40
_ITEM_MAX_JA = 20
_ITEM_MAX_EN = 40


@dataclass
class _Line:
    kind: str  # "blank" | "heading" | "item" | "text" | "row" | "definition"
    text: str
    label: str = ""  # the term of a row or definition line


def _md_heading(line: str) -> str | None:
    r"""The text of an ATX heading line, or None.

    The same as group 2 of ``^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$``, whose lazy group tried the
    closing pattern at every position of a line of hashes and spaces.
    """
    match = _MD_HEADING.match(line)
    if not match:
        return None
    return match.group(2).rstrip().rstrip("#").rstrip()


def _drop_links(text: str) -> str:
    r"""``[label](url)`` and ``![label](url)`` as ``label``, in one pass.

    The same as substituting ``!?\[([^\]]*)\]\([^)]*\)`` by its group, which rescanned the
    rest of the text from every ``[``.
    """
    out: list[str] = []
    copied = 0
    pos = 0
    while True:
        start = text.find("[", pos)
        if start < 0:
            break
        close = text.find("]", start + 1)
        if close < 0:
            break  # no later "[" has a "]" either
        if not text.startswith("(", close + 1):
            pos = close + 1  # every "[" before this "]" ends at it and fails the same way
            continue
        end = text.find(")", close + 2)
        if end < 0:
            break  # no later link can close
        begin = start - 1 if start > copied and text[start - 1] == "!" else start
        out.append(text[copied:begin])
        out.append(text[start + 1 : close])
        copied = pos = end + 1
    if not out:
        return text
    out.append(text[copied:])
    return "".join(out)


def _clean_markdown(text: str) -> str:
    text = _drop_links(text)
    if "[" in text:
        # Scrapbox/Cosense and wiki links ("[LLMの軽量化]", "[* 強調]"): their text.
        text = _BRACKET_LINK.sub(lambda m: m.group(1), text)
    return _MD_EMPHASIS.sub("", text).strip()


def _ends_terminal(text: str, lang: str) -> bool:
    stripped = text.rstrip(CLOSERS + " ")
    if not stripped:
        return False
    terminals = TERMINAL_JA + "…" if lang == "ja" else TERMINAL_EN + TERMINAL_JA
    return stripped[-1] in terminals


def _pair_rows(lines: list[_Line], row_cells: dict[int, list[str]]) -> None:
    """Give each run of table rows its (term, explanation) pairs; other rows become blank."""
    i = 0
    while i < len(lines):
        if lines[i].kind != "row":
            i += 1
            continue
        end = i
        while end < len(lines) and lines[end].kind == "row":
            end += 1
        pairs = table_pairs([row_cells[k] for k in range(i, end)])
        for k, pair in zip(range(i, end), pairs, strict=True):
            if pair is None:
                lines[k] = _Line("blank", "")
            else:
                term, explanation = (_clean_markdown(cell) for cell in pair)
                lines[k] = (
                    _Line("row", explanation, term) if term and explanation else _Line("blank", "")
                )
        i = end


def _classify(text: str) -> list[_Line]:
    raw = text.split("\n")
    lines: list[_Line] = []
    row_cells: dict[int, list[str]] = {}
    in_code = False
    for index, line in enumerate(raw):
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            in_code = not in_code
            lines.append(_Line("blank", ""))
            continue
        if in_code or not stripped:
            lines.append(_Line("blank", ""))
            continue
        heading = _md_heading(line)
        scrapbox = _SCRAPBOX_HEADING.match(stripped)
        if scrapbox:
            heading = scrapbox.group(1)
        if heading is not None:
            lines.append(_Line("heading", _clean_markdown(heading)))
            continue
        if _SETEXT.match(line) and lines and lines[-1].kind == "text":
            lines[-1].kind = "heading"
            lines.append(_Line("blank", ""))
            continue
        if _RULE.match(line):
            lines.append(_Line("blank", ""))
            continue
        cells = split_row(stripped)
        if cells is not None:
            row_cells[len(lines)] = cells
            lines.append(_Line("row", ""))
            continue
        if stripped.startswith((": ", "：")) and lines and lines[-1].kind in ("text", "definition"):
            # A definition-list item (Pandoc style): the term is the line above.
            term = lines[-1].label if lines[-1].kind == "definition" else lines[-1].text
            if lines[-1].kind == "text":
                lines[-1] = _Line("blank", "")
            lines.append(_Line("definition", _clean_markdown(stripped[1:]), term))
            continue
        label = label_of(stripped)
        if label is not None:
            lines.append(_Line("heading", _clean_markdown(label), "term line"))
            continue
        neighbours = [raw[j] for j in (index - 1, index + 1) if 0 <= j < len(raw)]
        in_list = any(_NUMBERED_LIST.match(n) for n in neighbours)
        match = _NUMBERED_HEADING.match(stripped)
        if (
            match
            and len(stripped) <= _HEADING_MAX
            and stripped[-1] not in TERMINAL_JA + TERMINAL_EN + "、,"
            and not (in_list and _NUMBERED_LIST.match(stripped))
        ):
            lines.append(_Line("heading", _clean_markdown(stripped)))
            continue
        match = _LIST_ITEM.match(line)
        if match:
            lines.append(_Line("item", _clean_markdown(match.group(1))))
            continue
        cleaned = _clean_markdown(stripped)
        if cleaned and _continues_item(lines, line, cleaned):
            # "- Foundation — a thin sheet …, which you" / "  fix into the frame …": a long item
            # wrapped onto an indented line goes on there (Markdown's list continuation).
            prev = lines[-1].text
            glue = "" if _CJK_END.match(prev[-1]) and _CJK_END.match(cleaned[0]) else " "
            lines[-1] = _Line("item", prev + glue + cleaned)
            continue
        lines.append(_Line("text", cleaned) if cleaned else _Line("blank", ""))
    _pair_rows(lines, row_cells)
    return [line if line.text or line.kind == "blank" else _Line("blank", "") for line in lines]


_CJK_END = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uff01-\uff60]")
_WRAPPED_ITEM = 40  # characters an item line has when the writer's editor wrapped it


def _continues_item(lines: list[_Line], raw: str, text: str) -> bool:
    """Whether an indented line goes on with the list item above it, cut where it wrapped.

    Only a long item that did not end its sentence, and a line that does not open with a
    capital: ``- **Tenuto**`` / ``  その音の長さを…`` is a term and its explanation, kept apart.
    """
    if not lines or lines[-1].kind != "item" or len(raw) - len(raw.lstrip()) < 2:
        return False
    prev = lines[-1].text
    return (
        len(prev) >= _WRAPPED_ITEM
        and prev[-1] not in TERMINAL_JA + TERMINAL_EN
        and not text[:1].isupper()
    )


def _is_short(text: str, lang: str, limit_ja: int, limit_en: int) -> bool:
    if lang == "ja":
        return len(text) <= limit_ja
    return len(text) <= limit_en and len(text.split()) <= max(3, limit_en // 6)


def _is_item_line(line: _Line, lang: str) -> bool:
    text = line.text
    return (
        bool(text)
        and line.kind in ("text", "item")
        and _is_short(text, lang, _ITEM_MAX_JA, _ITEM_MAX_EN)
        and not _ends_terminal(text, lang)
        and text[-1] not in "、,:：;"
        and not any(ch in text for ch in "、,。")
        and not (lang == "ja" and starts_with_particle(text))
    )


class _Paragraph:
    """The lines of a paragraph being joined, and what the joining rules read of them.

    The lines are kept as pieces (joining a long paragraph one line at a time by concatenation
    copied it once per line); the rules read the last character, and the last one that is not a
    closing bracket, quote or space.
    """

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.pieces: list[str] = []
        self.last = ""
        self.solid = ""

    def __bool__(self) -> bool:
        return bool(self.pieces)

    def glue(self, line: str) -> None:
        """Add a line (Japanese lines are joined directly, English ones with a space)."""
        if not line:
            return
        if self.pieces and self.lang != "ja":
            self.pieces.append(" ")
        self.pieces.append(line)
        self.last = line[-1]
        stripped = line.rstrip(CLOSERS + " ")
        if stripped:
            self.solid = stripped[-1]

    def ends_terminal(self) -> bool:
        """`_ends_terminal` of the joined text."""
        if not self.solid:
            return False
        terminals = TERMINAL_JA + "…" if self.lang == "ja" else TERMINAL_EN + TERMINAL_JA
        return self.solid in terminals

    def take(self) -> str:
        """The joined text; the paragraph is empty afterwards."""
        text = "".join(self.pieces)
        self.pieces, self.last, self.solid = [], "", ""
        return text


def _joins(buf: _Paragraph, line: str, lang: str) -> bool:
    if not buf:
        return False
    if lang == "en":
        # Hard-wrapped prose (sentences are split again afterwards), unless the line opens a
        # glossary entry of its own ("Natural process: the whole cherry is dried …").
        return not _EN_GLOSSARY_START.match(line)
    if buf.ends_terminal():
        return False
    return buf.last in ("、", ",") or starts_with_particle(line)


_EN_GLOSSARY_START = re.compile(r"^[A-Z][\w\-']*(?: [\w\-']+){0,3}: [a-z]")
# A label, a colon and an explanation: "X：Y" (full-width), or "X: y…" going on in lower case.
_GLOSSARY_LINE = re.compile(r"^[^:：]{1,25}(?:：\s*\S|:\s+[a-z])")


def _next_term_line_en(buf: _Paragraph, text: str, nxt: _Line | None, lang: str) -> bool:
    """Whether a short line starts the next entry of English notes written without blank lines.

    ``Humidity`` / ``the amount of …`` / ``Dew point`` / ``the temperature …``: each term on
    its line, its explanation in lower case below it.
    """
    return (
        lang == "en"
        and nxt is not None
        and nxt.kind == "text"
        and nxt.text[:1].islower()
        and buf.pieces[0][:1].islower()
        and len(text.split()) <= 4
    )


def _is_title_line(lines: list[_Line], i: int, buf: _Paragraph, lang: str) -> bool:
    line = lines[i]
    text = line.text
    if line.kind != "text" or not _is_short(text, lang, 25, 60):
        return False
    if _ends_terminal(text, lang) or text[-1] in "、,:：;" or text[0] in OPENERS:
        return False
    if _GLOSSARY_LINE.match(text):
        return False  # "鉢底石：鉢の底に敷く小石" is a term and its explanation, not a title
    if lang == "ja" and ("、" in text or ends_with_particle(text)):
        return False
    if lang == "en" and not (text[0].isupper() or text[0].isdigit()):
        return False
    nxt = lines[i + 1] if i + 1 < len(lines) else None
    if buf and not buf.ends_terminal() and not _next_term_line_en(buf, text, nxt, lang):
        return False
    if nxt is None or nxt.kind != "text":
        return nxt is not None and nxt.kind in ("blank", "item")
    return not (lang == "ja" and starts_with_particle(nxt.text))


def _subheading(lines: list[_Line], i: int) -> bool:
    """Whether a title-shaped line right below a heading is a heading too, not its explanation.

    ``雑談`` under the article's title is; ``調理を始める前に…そろえておくこと`` under
    ``ミザンプラス`` is not: a sub-heading is a page-part word or a bare term, with a paragraph
    below it.
    """
    text = lines[i].text
    below = lines[i + 1] if i + 1 < len(lines) else None
    if below is None or below.kind != "text":
        return False
    return fold(text) in GENERIC_HEADINGS or label_term(text)


@dataclass(frozen=True)
class _Unit:
    text: str
    section: str
    kind: str = "text"
    label: str = ""
    term_line: bool = False


def _close_list_gaps(lines: list[_Line], lang: str) -> list[_Line]:
    """Drop the blank lines around a list that sits inside one open Japanese sentence.

    ``Xとは、`` / (blank) / ``- A`` ``- B`` / (blank) / ``といった…仕組みです。``: web pages and
    Markdown put the list in its own block, but the sentence runs through it.
    """
    if lang != "ja":
        return lines
    out: list[_Line] = []
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        if line.kind != "blank" or not out or out[-1].kind != "text" or out[-1].text[-1:] != "、":
            out.append(line)
            i += 1
            continue
        start = i
        while start < n and lines[start].kind == "blank":
            start += 1
        end = start
        while end < n and lines[end].kind == "item":
            end += 1
        after = end
        while after < n and lines[after].kind == "blank":
            after += 1
        closes = (
            after < n and lines[after].kind == "text" and starts_with_particle(lines[after].text)
        )
        if end > start and closes:
            out.extend(lines[start:end])  # the list, then the line that closes the sentence
            i = after
            continue
        out.append(line)
        i += 1
    return out


def _units(lines: list[_Line], lang: str, headings: list[str]) -> list[_Unit]:
    """Group lines into paragraph units under their section headings, collecting the headings."""
    lines = _close_list_gaps(lines, lang)
    units: list[_Unit] = []
    section = ""
    buf = _Paragraph(lang)
    # The index of the last heading line: the line right below a heading explains it, and is
    # never a title line itself (`ミザンプラス` / `調理を始める前に…そろえておくこと`).
    last_heading = -2
    term_line = False  # whether the current section's heading is a term line

    def flush() -> None:
        text = buf.take().strip()
        if text:
            units.append(_Unit(text, section, term_line=term_line))

    i = 0
    n = len(lines)
    sep = "、" if lang == "ja" else ", "
    # run_end[i]: the end of the run of short item lines starting at i (computed once: the loop
    # below asks at every line of a run).
    run_end = list(range(n + 1))
    for k in range(n - 1, -1, -1):
        if _is_item_line(lines[k], lang):
            run_end[k] = run_end[k + 1]
    while i < n:
        line = lines[i]
        if line.kind == "blank":
            flush()
            i += 1
            continue
        if line.kind == "heading":
            flush()
            section = line.text
            headings.append(section)
            last_heading = i
            term_line = line.label == "term line"
            i += 1
            continue
        if line.kind in ("row", "definition"):
            flush()
            units.append(_Unit(line.text, section, line.kind, line.label, term_line))
            i += 1
            continue
        end = run_end[i]
        if end - i >= 2:
            nxt = lines[end] if end < n and lines[end].kind == "text" else None
            prev_open = (
                bool(buf)
                and not buf.ends_terminal()
                and buf.last not in ":："
                # "…性能は、主に" / items: a Japanese clause left open by a particle or a comma;
                # a line of notes written without 。 is not open.
                and (lang != "ja" or buf.last in "、," or ends_with_particle(buf.pieces[-1]))
            )
            next_joins = nxt is not None and lang == "ja" and starts_with_particle(nxt.text)
            if prev_open or next_joins:
                # A short list folded into the sentence around it ("主に\nA\nB\nC\nの3つの…").
                items = sep.join(item.text for item in lines[i:end])
                if not prev_open:
                    flush()
                buf.glue(items)
                if next_joins and nxt is not None:
                    buf.glue(nxt.text)
                    end += 1
                i = end
                continue
        if line.kind == "item":
            flush()
            units.append(_Unit(line.text, section, term_line=term_line))
            i += 1
            continue
        if _is_title_line(lines, i, buf, lang) and (i != last_heading + 1 or _subheading(lines, i)):
            flush()
            section = line.text
            headings.append(section)
            last_heading = i
            # A short line is a heading by its shape only: navigation ("Donate"), instructions
            # ("Try this at home") look the same, so it is not taken as a term line.
            term_line = False
            i += 1
            continue
        if not _joins(buf, line.text, lang):
            flush()
        buf.glue(line.text)
        i += 1
    flush()
    return units


def _split_ja(text: str) -> list[str]:
    sentences: list[str] = []
    start = 0
    depth = 0
    i = 0
    n = len(text)
    last_closer = max(text.rfind(c) for c in "」』）)】］]")
    while i < n:
        ch = text[i]
        if ch in "「『（(【［[":
            depth += 1
        elif ch in "」』）)】］]":
            depth = max(0, depth - 1)
        elif ch in TERMINAL_JA:
            closes_later = last_closer > i
            if depth == 0 or not closes_later:
                depth = 0
                j = i + 1
                while j < n and (text[j] in CLOSERS or text[j] in TERMINAL_JA):
                    j += 1
                sentences.append(text[start:j])
                start = i = j
                continue
        i += 1
    if text[start:].strip():
        sentences.append(text[start:])
    return [s.strip() for s in sentences if s.strip()]


_EN_BREAK = re.compile(r"(?<=[.!?])[\"')\]”’]*\s+(?=[A-Z0-9\"'(\[“‘])")


def _last_word(text: str, start: int, end: int) -> str:
    """``text[start:end].rsplit(None, 1)[-1]`` ("" if blank), reading only the last word."""
    i = end
    while i > start and text[i - 1].isspace():
        i -= 1
    j = i
    while j > start and not text[j - 1].isspace():
        j -= 1
    return text[j:i]


def _split_en(text: str) -> list[str]:
    pieces: list[str] = []
    start = 0
    for match in _EN_BREAK.finditer(text):
        # An abbreviation does not end the piece, so the piece can grow long: only its last word
        # is read.
        word = _last_word(text, start, match.start()).rstrip(".!?").lower().lstrip("(\"'")
        if word in ABBREVIATIONS_EN or (len(word) == 1 and word.isalpha()):
            continue
        pieces.append(text[start : match.end()].strip())
        start = match.end()
    if text[start:].strip():
        pieces.append(text[start:].strip())
    return [p for p in pieces if p]


def parse_document(text: str, title: str, lang: str) -> Document:
    """Split an article into sections and sentences.

    Args:
        text: The article text.
        title: The article title; a first line equal to it is not treated as a sentence.
        lang: ``"ja"`` or ``"en"``.

    Returns:
        The document structure.
    """
    lines = _classify("\n".join(drop_furniture(text.split("\n"), lang)))
    for line in lines:
        if line.kind == "blank":
            continue
        if line.text.strip().strip("#").strip() == title:
            line.kind = "heading"
        break
    headings: list[str] = []
    sentences: list[Sentence] = []
    previous_section: str | None = None
    for unit in _units(lines, lang, headings):
        if unit.kind == "text":
            pieces = _split_ja(unit.text) if lang == "ja" else _split_en(unit.text)
        else:
            pieces = [unit.text]  # one row or definition item is one explanation
        for piece in pieces:
            if len(piece) > MAX_SENTENCE:
                continue
            first = unit.section != previous_section
            previous_section = unit.section
            sentences.append(
                Sentence(
                    piece,
                    unit.section,
                    len(sentences),
                    first,
                    unit.kind,
                    unit.label,
                    unit.term_line,
                )
            )
    return Document(title=title, headings=tuple(headings), sentences=tuple(sentences))
