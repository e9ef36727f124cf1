"""Anki's hint fields on the review screen: a link that shows the hint once clicked.

The core renders ``{{hint:Field}}`` as a ``<details>`` element (no script needed in a browser),
but Qt's rich text has no ``<details>``: it would show the hint at once. So each hint becomes a
link ``hint:N`` with the field's name, and the hints the learner opened are shown in its place
(the viewer renders the side again with them).
"""

from __future__ import annotations

import re
from collections.abc import Collection

HINT_SCHEME = "hint"
#: A hint as :func:`flashcards.core.sanitize.sanitize_html` writes the core's ``<details>``.
_HINT_RE = re.compile(
    r'<details class="hint"><summary>\s*(.*?)</summary>\s*<div class="hint">(.*?)</div></details>',
    re.DOTALL,
)


def hint_markers(safe_html: str, opened: Collection[int] = ()) -> str:
    """Each hint as a link (``hint:N``), or as its text once its number is in ``opened``."""
    if "<details" not in safe_html:
        return safe_html
    count = -1

    def marker(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        if count in opened:
            return f'<div class="hint">{match.group(2)}</div>'
        return f'<a class="hint" href="{HINT_SCHEME}:{count}">{match.group(1).strip()}</a>'

    return _HINT_RE.sub(marker, safe_html)
