"""Anki's built-in template filters (text, hint, furigana, kana, kanji, tts) and its HTML helpers.

Each function reproduces what Anki 26.x produces for the same input, character for character,
so that a card rendered here looks as it does in Anki. The helpers mimic Anki's Rust details
where Python differs by default: its notion of whitespace, its case-insensitive tag names and
its strict HTML 4 entity decoder (one malformed entity leaves the whole text undecoded).
"""

from __future__ import annotations

import hashlib
import re
from html.entities import name2codepoint

#: The characters Rust's ``str::trim`` removes (Unicode White_Space). Python's ``str.strip``
#: also removes U+001C..U+001F, which Anki keeps.
RUST_WHITESPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)

# Tag names are matched case-insensitively as Rust's regex folds them: 's' also matches the
# long s (U+017F); unlike Python's re.IGNORECASE, 'i' does not match the dotless i (U+0131).
_STYLE = "[sSſ][tT][yY][lL][eE]"
_SCRIPT = "[sSſ][cC][rR][iI][pP][tT]"
_HTML = re.compile(
    rf"<!--.*?-->|<{_STYLE}.*?>.*?</{_STYLE}>|<{_SCRIPT}.*?>.*?</{_SCRIPT}>|<.*?>", re.S
)
# A field is empty when it holds only ASCII whitespace and empty line-break tags.
_EMPTY_FIELD = re.compile(r"(?:[\t\n\x0b\x0c\r ]|</?(?:[bB][rR]|[dD][iI][vV]) ?/?>)*")
_FURIGANA = re.compile(r" ?([^ >]+?)\[(.+?)\]")
_LATEX_TAG = "[lL][aA][tT][eE][xX]"
_LATEX = re.compile(
    rf"\[{_LATEX_TAG}\](.+?)\[/{_LATEX_TAG}\]|\[\$\](.+?)\[/\$\]|\[\$\$\](.+?)\[/\$\$\]", re.S
)
_LATEX_NEWLINES = re.compile(r"<[bB][rR](?: /)?>|<[dD][iI][vV]>")
_MINIMAL_ENTITIES = {'"': "&quot;", "&": "&amp;", "'": "&#x27;", "<": "&lt;", ">": "&gt;"}


def rust_trim(text: str) -> str:
    """``text`` without leading and trailing whitespace, as Rust's ``str::trim``."""
    return text.strip(RUST_WHITESPACE)


def field_is_empty(text: str) -> bool:
    """Whether Anki counts a field as empty: only whitespace and ``<br>``/``<div>`` tags."""
    return _EMPTY_FIELD.fullmatch(text) is not None


def strip_html_preserving_entities(html: str) -> str:
    """``html`` without comments, style and script elements and tags; entities kept."""
    return _HTML.sub("", html)


def strip_html(html: str) -> str:
    """``html`` as plain text, as Anki's ``text:`` filter gives it."""
    return decode_entities(strip_html_preserving_entities(html))


def decode_entities(text: str) -> str:
    """Decode HTML entities as Anki does, non-breaking spaces becoming plain spaces.

    Anki's decoder knows the HTML 4 entities only and gives up on the whole text at the
    first malformed one (``&`` without ``;``, an unknown name, a bad number): the text is
    then returned unchanged, non-breaking spaces included.
    """
    if "&" not in text:
        return text
    decoded = _decode_strict(text)
    return text if decoded is None else decoded.replace("\xa0", " ")


def _decode_strict(text: str) -> str | None:
    """Entities of ``text`` decoded, or None when any of them is malformed."""
    out: list[str] = []
    pos = 0
    while (amp := text.find("&", pos)) >= 0:
        out.append(text[pos:amp])
        end = text.find(";", amp + 1)
        if end < 0:
            return None
        char = _entity_char(text[amp + 1 : end])
        if char is None:
            return None
        out.append(char)
        pos = end + 1
    out.append(text[pos:])
    return "".join(out)


def _entity_char(body: str) -> str | None:
    """The character an entity body (between ``&`` and ``;``) stands for, if valid."""
    if not body.startswith("#"):
        codepoint = name2codepoint.get(body)
        return None if codepoint is None else chr(codepoint)
    digits, base = (body[2:], 16) if body.startswith("#x") else (body[1:], 10)
    allowed = "0123456789abcdefABCDEF" if base == 16 else "0123456789"
    # A decimal escape must start with a digit (a first 'x' makes it hexadecimal).
    if not digits or any(c not in allowed for c in digits):
        return None
    value = int(digits, base)
    if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
        return None
    return chr(value)


def encode_attribute(text: str) -> str:
    """Escape ``text`` for an attribute as Anki does: ASCII punctuation and Latin-1 as hex."""
    out: list[str] = []
    for char in text:
        code = ord(char)
        if char in _MINIMAL_ENTITIES:
            out.append(_MINIMAL_ENTITIES[char])
        elif code < 256 and (code > 127 or not char.isalnum()):
            out.append(f"&#x{code:02X};")
        else:
            out.append(char)
    return "".join(out)


def latex_images(text: str, *, svg: bool) -> str:
    """``[latex]…[/latex]``, ``[$]…[/$]`` and ``[$$]…[/$$]`` as the images Anki makes of them.

    Anki names each image after the SHA-1 of its LaTeX source and keeps it in the media
    folder (decks carry them); generating missing ones needs a LaTeX install and is not done
    here.
    """

    def replace(match: re.Match[str]) -> str:
        if match.group(1) is not None:
            body = match.group(1)
        elif match.group(2) is not None:
            body = f"${match.group(2)}$"
        else:
            body = f"\\begin{{displaymath}}{match.group(3)}\\end{{displaymath}}"
        latex = strip_html(_LATEX_NEWLINES.sub("\n", body))
        name = f"latex-{hashlib.sha1(latex.encode()).hexdigest()}.{'svg' if svg else 'png'}"
        return f'<img class=latex alt="{encode_attribute(latex)}" src="{name}">'

    return _LATEX.sub(replace, text)


def _ruby(text: str, part: int | None) -> str:
    """``漢字[かんじ]`` readings as ruby (part None), or only the base (1) or reading (2)."""

    def replace(match: re.Match[str]) -> str:
        # A sound tag also looks like base[reading]; it is left alone.
        if match.group(2).startswith("sound:"):
            return match.group(0)
        if part is None:
            return f"<ruby><rb>{match.group(1)}</rb><rt>{match.group(2)}</rt></ruby>"
        return match.group(part)

    return _FURIGANA.sub(replace, text.replace("&nbsp;", " "))


def furigana(text: str) -> str:
    """The ``furigana:`` filter: ``漢字[かんじ]`` as ruby annotation."""
    return _ruby(text, None)


def kanji(text: str) -> str:
    """The ``kanji:`` filter: only the base text of ``漢字[かんじ]``."""
    return _ruby(text, 1)


def kana(text: str) -> str:
    """The ``kana:`` filter: only the reading of ``漢字[かんじ]``."""
    return _ruby(text, 2)


#: The markup our ``hint:`` filter wraps a hint in, before and after the field name and after
#: the hint. Anki uses a link whose inline script reveals a hidden block; a ``<details>``
#: element does the same without a script, and its visible text (the field name, then the
#: hint on the next line) is the same, also through ``text:``.
HINT_OPEN = "\n<details class=hint><summary>\n"
HINT_MIDDLE = "</summary>\n<div class=hint>"
HINT_CLOSE = "</div></details>\n"


def hint(text: str, field_name: str) -> str:
    """The ``hint:`` filter: the field hidden behind its name until clicked."""
    if not rust_trim(text):
        return text
    return f"{HINT_OPEN}{field_name}{HINT_MIDDLE}{text}{HINT_CLOSE}"


def tts(options: str, text: str) -> str:
    """The ``tts LANG:`` filter: Anki's text-to-speech directive (read aloud by the player)."""
    return f"[anki:tts lang={options}]{text}[/anki:tts]"


def type_marker(field_name: str, variant: str = "") -> str:
    """The ``type:`` filter: a marker the type-answer step replaces (see type_answer)."""
    return f"[[type:{variant}{field_name}]]"
