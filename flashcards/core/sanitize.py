"""Card text made safe to show: a safelist of inline formatting, nothing that acts or loads.

Card fields are stored as plain text and rendered with every character escaped
(:mod:`flashcards.core.render`), so today nothing a card contains can become markup. This
module is the second wall, for any rich text shown in a widget that understands HTML (a Qt
rich-text label or text browser): it keeps a small safelist of formatting tags with only a
``class`` attribute, drops ``<script>``/``<style>`` with their content, and removes every other
tag and attribute (so no ``src``, ``href``, ``style`` with ``url()``, event handler, ``<img>``,
``<link>``, ``<iframe>`` or ``file:`` URL survives). Nothing shown can run script, load remote
content or read a local file.

The cleaning is done by nh3 (Python bindings to the Rust ``ammonia`` sanitiser, which parses
with a real HTML5 parser, html5ever) rather than by regular expressions.

html5ever takes quadratic time on some shapes: every ``&`` re-reads the rest of the input, and
every tag walks the stack of open elements (deep nesting). So a card face as
:mod:`flashcards.core.render` writes it (escaped text, ``<br>``, ``<b class="cloze">``; recognised
by a strict grammar, so nothing else passes) gets the output nh3 would give, computed directly;
any other fragment with more than ``MAX_AMPERSANDS`` ``&`` or ``MAX_TAGS`` ``<`` is escaped
whole (safe, and readable as text); the rest goes to nh3.
"""

from __future__ import annotations

import html
import re

#: Formatting tags a card may use; none can load anything or run anything.
ALLOWED_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "s",
        "sub",
        "sup",
        "small",
        "br",
        "p",
        "div",
        "span",
        "ul",
        "ol",
        "li",
        "code",
        "pre",
        "ruby",
        "rt",
        "rp",
    }
)
#: Only ``class`` survives (our style sheet decides what a class looks like).
ALLOWED_ATTRIBUTES = {tag: {"class"} for tag in ("b", "span", "div", "p", "code")}


#: Other fragments with more ``&`` than this are shown as text (nh3 would take seconds).
MAX_AMPERSANDS = 10_000
#: Other fragments with more ``<`` than this are shown as text (nh3 would take seconds).
MAX_TAGS = 10_000
_ESCAPED = r"[^<>&]|&(?:amp|lt|gt|quot|#x27);"
# Exactly what render() writes: escaped text, line breaks, cloze highlights that do not nest.
_RENDERED_RE = re.compile(
    rf'(?:{_ESCAPED}|<br>|<b class="cloze">(?:{_ESCAPED}|<br>)*+</b>)*+', re.DOTALL
)


def _clean_rendered(fragment: str) -> str:
    """What nh3 gives for a fragment `_RENDERED_RE` matches, in linear time.

    Its tags and entities come back unchanged except quotes (``&quot;`` and ``&#x27;`` are
    written as characters); the HTML parser drops a leading byte-order mark and NUL characters,
    turns CR LF and CR into LF, and the serialiser writes a no-break space as ``&nbsp;``.
    """
    text = fragment[1:] if fragment.startswith("\ufeff") else fragment
    text = text.replace("&quot;", '"').replace("&#x27;", "'")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    return text.replace("\xa0", "&nbsp;")


def sanitize_html(fragment: str) -> str:
    """Clean an HTML fragment down to the safelist (see the module docstring).

    Falls back to escaping the whole fragment if nh3 is not installed, which is never unsafe.
    """
    try:
        import nh3
    except ImportError:  # pragma: no cover - nh3 is a dependency; escaping is the safe fallback
        return html.escape(fragment)
    if _RENDERED_RE.fullmatch(fragment):
        return _clean_rendered(fragment)
    if fragment.count("&") > MAX_AMPERSANDS or fragment.count("<") > MAX_TAGS:
        return html.escape(fragment)
    return nh3.clean(
        fragment,
        tags=set(ALLOWED_TAGS),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(),
        strip_comments=True,
        link_rel=None,
    )
