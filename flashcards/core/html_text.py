"""Plain text <-> Anki field HTML: the conversions the exchange and the card faces share.

Our notes hold plain text; Anki's fields hold HTML. Both conversions are linear in their input
whatever it holds (a hostile field of nested or unclosed tags included).
"""

from __future__ import annotations

import html
import re

_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&#x27;", "'"), ("&nbsp;", " "))
_TAG_RE = re.compile(r"<[^>]*>")
_BR_RE = re.compile(r"<br\s*/?>", re.IGNORECASE)
_BLOCK_END_RE = re.compile(r"</(?:div|p|li|h[1-6]|tr)\s*>", re.IGNORECASE)
# ``<script …>…</script>`` / ``<style …>…</style>``: the opening and the closing of each name,
# matched separately so that dropping them is one linear pass (see `_drop_scripts`).
_SCRIPT_OPEN_RE = re.compile(r"<(script|style)\b", re.IGNORECASE)
_SCRIPT_CLOSE_RE = {
    "script": re.compile(r"</script\s*>", re.IGNORECASE),
    "style": re.compile(r"</style\s*>", re.IGNORECASE),
}


_HTML_SPECIAL_RE = re.compile(r"[&<>\"'\r\n]")


def text_to_html(text: str) -> str:
    """Plain text as an Anki field: HTML-escaped, line breaks as ``<br>``."""
    if not _HTML_SPECIAL_RE.search(text):  # most fields: nothing to escape (a C-speed check)
        return text
    return html.escape(text).replace("\r\n", "\n").replace("\n", "<br>")


def _drop_scripts(text: str) -> str:
    r"""Remove each ``<script…>`` or ``<style…>`` element up to its first closing tag.

    The same as deleting the matches of ``<(script|style)\b.*?</\1\s*>`` (an opening without a
    closing stays), in linear time: the first closing tag of each name after a position is found
    once and reused until the scan passes it.
    """
    out: list[str] = []
    copied = 0  # text[copied:] is not in ``out`` yet
    pos = 0
    # name -> (where the last search started, the first closing tag at or after it)
    closes: dict[str, tuple[int, re.Match[str] | None]] = {}
    while True:
        opening = _SCRIPT_OPEN_RE.search(text, pos)
        if opening is None:
            break
        name = "script" if len(opening.group(1)) == 6 else "style"
        start = opening.end()
        cached = closes.get(name)
        if cached is None or (cached[1] is not None and cached[1].start() < start):
            cached = (start, _SCRIPT_CLOSE_RE[name].search(text, start))
            closes[name] = cached
        close = cached[1]
        if close is None:
            pos = opening.start() + 1  # unclosed: its text stays
            continue
        out.append(text[copied : opening.start()])
        copied = pos = close.end()
    if not out:
        return text
    out.append(text[copied:])
    return "".join(out)


def _has_br(text: str) -> bool:
    """Whether ``text`` may hold a ``<br>`` of any case (``b``, ``r`` fold only to ``B``, ``R``)."""
    return "<br" in text or "<BR" in text or "<Br" in text or "<bR" in text


def html_to_text(value: str) -> str:
    """An Anki field (HTML) as our plain text; the inverse of :func:`text_to_html`.

    Line breaks (``<br>``, closing ``</div>``) become newlines, other tags are dropped and
    entities are decoded. Linear in the length of ``value`` whatever it holds.
    """
    text = value
    blocks = False
    if "<br>" in text:
        text = text.replace("<br>", "\n")
    if "<" in text:
        # Each pass only where its tag can be (a substring test is a fraction of a regex scan;
        # an import converts two fields of every note).
        if "<s" in text or "<S" in text:
            text = _drop_scripts(text)
        if _has_br(text):  # not for every bold "<b>"
            text = _BR_RE.sub("\n", text)
        if "</" in text:
            text, ends = _BLOCK_END_RE.subn("\n", text)
            blocks = ends > 0
        # A "<" after the last ">" starts no tag: leaving that tail out of the substitution
        # keeps "<<<<…" linear (the regex would rescan the tail from every "<").
        last = text.rfind(">")
        if last >= 0:
            text = _TAG_RE.sub("", text[: last + 1]) + text[last + 1 :]
    if "&" in text:
        for entity, char in _ENTITIES:
            text = text.replace(entity, char)
        if text.count("&") == text.count("&amp;"):
            text = text.replace("&amp;", "&")
        else:
            text = html.unescape(text)
        text = text.replace("\xa0", " ")
    return text.rstrip("\n") if blocks else text
