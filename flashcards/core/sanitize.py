"""Card text made safe to show: inline formatting and media images, nothing that acts or loads.

Our own cards are stored as plain text and rendered with every character escaped
(:mod:`flashcards.core.render`), so nothing they contain can become markup. Cards of notes in
an Anki note type of their own are Anki's HTML (their templates and fields, rendered by
:mod:`flashcards.core.template_render`). This module is the wall for any rich text shown in a
widget that understands HTML (a Qt rich-text label or text browser): it keeps a safelist of
formatting tags with only a ``class`` attribute, drops ``<script>``/``<style>`` with their
content, and removes every other tag and attribute (so no ``href``, ``style`` with ``url()``,
event handler, ``<link>``, ``<iframe>``, ``<input>`` or URL survives). The one element that
names a file is ``<img>``, as Anki's fields use it (``<img src="cat.jpg">``): it keeps its
``src`` only when that is a plain media name (:func:`media_src`: no scheme, no slash or backslash,
no ``..``), and ``width``/``height`` only as plain numbers; an ``<img>`` left without a ``src``
is removed. Such a name must be shown by a widget that loads it from the collection's media
folder and nowhere else (:class:`flashcards.gui.card_text.CardText`): a plain Qt label would look
it up in the working directory. A note type's style sheet goes through :func:`sanitize_css`.
Nothing shown can run script, load remote content or read a file outside the media folder.

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
from urllib.parse import unquote

from flashcards.core.media import is_safe_name

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
        "img",
    }
)
#: Only ``class`` survives (a style sheet, ours or the note type's, decides what a class looks
#: like; Anki's note types style their cards by class: ``.cloze``, ``.hint``...). ``<img>`` has
#: no class (so none of its attribute values can hold ``>``, which keeps the post-pass of
#: :func:`sanitize_html` exact): a ``src`` that :func:`media_src` accepts, and its size.
ALLOWED_ATTRIBUTES = {tag: {"class"} for tag in ALLOWED_TAGS if tag not in {"br", "hr", "img"}}
ALLOWED_ATTRIBUTES["img"] = {"src", "width", "height"}


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


_SIZE_RE = re.compile(r"[0-9]{1,4}")
#: An ``<img>`` the attribute filter left without a ``src`` (its attributes hold no ``>``).
_IMG_WITHOUT_SRC_RE = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")


def media_src(value: str) -> str | None:
    """``value`` if it is a plain media name (an ``<img src>`` of the collection), else None.

    A media name is one file name as :func:`flashcards.core.media.safe_name` keeps it, also
    once percent-decoded (Anki's older fields write ``my%20cat.jpg``): so no scheme
    (``http:``, ``file:``, ``data:``), no slash or backslash (no absolute path, no ``//host``),
    no ``..`` and no control character.
    """
    for name in (value, unquote(value)):
        if not name or any(c in name for c in ":/\\") or ".." in name or not is_safe_name(name):
            return None
    return value


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag != "img":
        return value
    if attribute == "src":
        return media_src(value)
    return value if _SIZE_RE.fullmatch(value) else None


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
    clean = nh3.clean(
        fragment,
        tags=set(ALLOWED_TAGS),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_attribute_filter,
        url_schemes=set(),
        strip_comments=True,
        link_rel=None,
    )
    # An image whose src was refused shows nothing of its own: it goes (Qt would draw a
    # "missing file" icon for it).
    return _IMG_WITHOUT_SRC_RE.sub("", clean) if "<img" in clean else clean


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
