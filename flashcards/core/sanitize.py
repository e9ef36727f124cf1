"""Card text made safe to show: a safelist of inline formatting, nothing that acts or loads.

Our own cards are stored as plain text and rendered with every character escaped
(:mod:`flashcards.core.render`), so nothing they contain can become markup. Cards of notes in
an Anki note type of their own are Anki's HTML (their templates and fields, rendered by
:mod:`flashcards.core.template_render`). This module is the wall for any rich text shown in a
widget that understands HTML (a Qt rich-text label or text browser): it keeps a safelist of
formatting tags with only a ``class`` attribute, drops ``<script>``/``<style>`` with their
content, and removes every other tag and attribute (so no ``src``, ``href``, ``style`` with
``url()``, event handler, ``<img>``, ``<link>``, ``<iframe>``, ``<input>`` or ``file:`` URL
survives). A note type's style sheet goes through :func:`sanitize_css`. Nothing shown can run
script, load remote content or read a local file.

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

#: Formatting tags a card may use; none can load anything or run anything. Besides inline
#: formatting: what Anki's templates commonly hold (rules, tables, headings) and what the
#: renderer writes (``details``/``summary`` for a hint, ``ruby``/``rb``/``rt`` for furigana).
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
        "rb",
        "rt",
        "rp",
        "hr",
        "details",
        "summary",
        "blockquote",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "th",
        "td",
    }
)
#: Only ``class`` survives (a style sheet, ours or the note type's, decides what a class looks
#: like; Anki's note types style their cards by class: ``.cloze``, ``.hint``...).
ALLOWED_ATTRIBUTES = {tag: {"class"} for tag in ALLOWED_TAGS if tag not in {"br", "hr"}}


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


_CSS_COMMENT_RE = re.compile(r"/\*.*?(?:\*/|\Z)", re.DOTALL)
_CSS_IMPORT_RE = re.compile(r"@import\b[^;{}]*;?", re.IGNORECASE)
_CSS_URL_RE = re.compile(r"url\s*\(", re.IGNORECASE)


def sanitize_css(css: str) -> str:
    r"""A note type's style sheet, unable to load anything, to go in a ``<style>`` element.

    Qt's rich text loads what ``@import`` and ``url()`` (a background image) name, local files
    included: both are made inert (an import is removed, ``url(`` becomes ``blocked(``, which
    no property accepts, so the declaration is ignored). Backslashes go first (``u\72l(`` is
    ``url(`` in CSS), then comments (``/\*`` is one once its backslash is gone), so that
    neither hides one; ``<`` goes so that the text cannot close its ``<style>`` element.
    """
    text = _CSS_COMMENT_RE.sub(" ", css.replace("\\", "")).replace("<", " ")
    return _CSS_URL_RE.sub("blocked(", _CSS_IMPORT_RE.sub(" ", text))
