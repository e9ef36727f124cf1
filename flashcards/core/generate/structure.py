"""Article structure: headings, paragraphs and sentences (with the seed's line-break repairs)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flashcards.core.generate.textutil import CLOSERS, OPENERS, TERMINAL_EN, TERMINAL_JA
from flashcards.core.generate.tokens import ends_with_particle, starts_with_particle


@dataclass(frozen=True)
class Sentence:
    """One sentence with where it sits in the article."""

    text: str
    section: str
    index: int
    first_in_section: bool


@dataclass(frozen=True)
class Document:
    """An article split into sections and sentences."""

    title: str
    headings: tuple[str, ...]
    sentences: tuple[Sentence, ...]


_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_NUMBERED_HEADING = re.compile(
    r"^(?:(?:\d{1,2}|[IVX]{1,4})[.．](?!\d)|[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫ][.．]?|[①-⑳]|第[0-9一二三四五六七八九十]+[章節部])"
    r"\s*(\S.*)$"
)
_LIST_ITEM = re.compile(r"^\s*(?:[-*+・•]|\d{1,3}[.)])\s+(\S.*)$")
_NUMBERED_LIST = re.compile(r"^\s*\d{1,3}[.)]\s+\S")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|`)")
_ABBREVIATION_TEXT = (
    "e.g i.e etc vs mr mrs ms dr prof fig cf al no approx dept est inc ltd jr sr st"
)
_ABBREVIATIONS = frozenset(_ABBREVIATION_TEXT.split())
_HEADING_MAX = 40
_ITEM_MAX_JA = 20
_ITEM_MAX_EN = 40


@dataclass
class _Line:
    kind: str  # "blank" | "heading" | "item" | "text"
    text: str


def _clean_markdown(text: str) -> str:
    text = _MD_LINK.sub(r"\1", text)
    return _MD_EMPHASIS.sub("", text).strip()


def _ends_terminal(text: str, lang: str) -> bool:
    stripped = text.rstrip(CLOSERS + " ")
    if not stripped:
        return False
    terminals = TERMINAL_JA + "…" if lang == "ja" else TERMINAL_EN + TERMINAL_JA
    return stripped[-1] in terminals


def _classify(text: str) -> list[_Line]:
    raw = text.split("\n")
    lines: list[_Line] = []
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
        match = _MD_HEADING.match(line)
        if match:
            lines.append(_Line("heading", _clean_markdown(match.group(2))))
            continue
        if _SETEXT.match(line) and lines and lines[-1].kind == "text":
            lines[-1].kind = "heading"
            lines.append(_Line("blank", ""))
            continue
        if _RULE.match(line):
            lines.append(_Line("blank", ""))
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
        lines.append(_Line("text", cleaned) if cleaned else _Line("blank", ""))
    return [line if line.text or line.kind == "blank" else _Line("blank", "") for line in lines]


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


def _joins(buf: str, line: str, lang: str) -> bool:
    if not buf:
        return False
    if lang == "en":
        return True  # hard-wrapped prose; sentences are split again afterwards
    if _ends_terminal(buf, lang):
        return False
    return buf.endswith(("、", ",")) or starts_with_particle(line)


def _glue(buf: str, line: str, lang: str) -> str:
    if not buf:
        return line
    return buf + line if lang == "ja" else buf + " " + line


def _is_title_line(lines: list[_Line], i: int, buf: str, lang: str) -> bool:
    line = lines[i]
    text = line.text
    if line.kind != "text" or not _is_short(text, lang, 25, 60):
        return False
    if _ends_terminal(text, lang) or text[-1] in "、,:：;" or text[0] in OPENERS:
        return False
    if lang == "ja" and ("、" in text or ends_with_particle(text)):
        return False
    if lang == "en" and not (text[0].isupper() or text[0].isdigit()):
        return False
    if buf and not _ends_terminal(buf, lang):
        return False
    nxt = lines[i + 1] if i + 1 < len(lines) else None
    if nxt is None or nxt.kind != "text":
        return nxt is not None and nxt.kind in ("blank", "item")
    return not (lang == "ja" and starts_with_particle(nxt.text))


def _units(lines: list[_Line], lang: str, headings: list[str]) -> list[tuple[str, str]]:
    """Group lines into (paragraph text, section heading) units, collecting the headings."""
    units: list[tuple[str, str]] = []
    section = ""
    buf = ""

    def flush() -> None:
        nonlocal buf
        if buf.strip():
            units.append((buf.strip(), section))
        buf = ""

    i = 0
    n = len(lines)
    sep = "、" if lang == "ja" else ", "
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
            i += 1
            continue
        end = i
        while end < n and _is_item_line(lines[end], lang):
            end += 1
        if end - i >= 2:
            nxt = lines[end] if end < n and lines[end].kind == "text" else None
            prev_open = bool(buf) and not _ends_terminal(buf, lang) and buf[-1] not in ":："
            next_joins = nxt is not None and lang == "ja" and starts_with_particle(nxt.text)
            if prev_open or next_joins:
                # A short list folded into the sentence around it ("主に\nA\nB\nC\nの3つの…").
                items = sep.join(item.text for item in lines[i:end])
                if not prev_open:
                    flush()
                buf = _glue(buf, items, lang)
                if next_joins and nxt is not None:
                    buf = _glue(buf, nxt.text, lang)
                    end += 1
                i = end
                continue
        if line.kind == "item":
            flush()
            units.append((line.text, section))
            i += 1
            continue
        if _is_title_line(lines, i, buf, lang):
            flush()
            section = line.text
            headings.append(section)
            i += 1
            continue
        if _joins(buf, line.text, lang):
            buf = _glue(buf, line.text, lang)
        else:
            flush()
            buf = line.text
        i += 1
    flush()
    return units


def _split_ja(text: str) -> list[str]:
    sentences: list[str] = []
    start = 0
    depth = 0
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch in "「『（(【［[":
            depth += 1
        elif ch in "」』）)】］]":
            depth = max(0, depth - 1)
        elif ch in TERMINAL_JA:
            closes_later = any(c in "」』）)】］]" for c in text[i + 1 :])
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


def _split_en(text: str) -> list[str]:
    pieces: list[str] = []
    start = 0
    for match in _EN_BREAK.finditer(text):
        before = text[start : match.start()]
        last_word = before.rsplit(None, 1)[-1] if before.split() else ""
        word = last_word.rstrip(".!?").lower().lstrip("(\"'")
        if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
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
    lines = _classify(text)
    for line in lines:
        if line.kind == "blank":
            continue
        if line.text.strip().strip("#").strip() == title:
            line.kind = "heading"
        break
    headings: list[str] = []
    sentences: list[Sentence] = []
    previous_section: str | None = None
    for unit, section in _units(lines, lang, headings):
        pieces = _split_ja(unit) if lang == "ja" else _split_en(unit)
        for piece in pieces:
            first = section != previous_section
            previous_section = section
            sentences.append(Sentence(piece, section, len(sentences), first))
    return Document(title=title, headings=tuple(headings), sentences=tuple(sentences))
