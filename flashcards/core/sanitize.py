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
"""

from __future__ import annotations

import html

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


def sanitize_html(fragment: str) -> str:
    """Clean an HTML fragment down to the safelist (see the module docstring).

    Falls back to escaping the whole fragment if nh3 is not installed, which is never unsafe.
    """
    try:
        import nh3
    except ImportError:  # pragma: no cover - nh3 is a dependency; escaping is the safe fallback
        return html.escape(fragment)
    return nh3.clean(
        fragment,
        tags=set(ALLOWED_TAGS),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(),
        strip_comments=True,
        link_rel=None,
    )
