"""Page furniture in a pasted web page: menus, share buttons, breadcrumbs, dates, author boxes.

A page saved as HTML is cleaned by the web reader (trafilatura); a page *pasted* as text keeps
all of it, one line each, and those lines read as term lines (``Privacy Policy`` /
``Terms of Service``, ``新規会員登録`` / ``トップ ＞ 暮らし ＞ …``). The parser blanks such lines
before it reads the text. What is furniture is data (``data/page_furniture.txt``: whole lines;
``data/page_tail_headings.txt``: the lines that open the related-links and author boxes at the
end of a page) and a few shapes: breadcrumbs, date and byline lines, copyright lines, hashtag
lines.
"""

from __future__ import annotations

import re

from flashcards.core.generate.lexicon import load_words
from flashcards.core.generate.textutil import fold

_LINES = load_words("page_furniture")
_TAIL_HEADINGS = load_words("page_tail_headings")
# "ホーム > 暮らし > ガーデニング", "Home / Brew Guides / The Words …": two separators or more.
_BREADCRUMB = re.compile(r"^[^>＞/»›]{1,40}(?:\s*[>＞»›]\s*[^>＞»›]{1,60}){2,}$")
_SLASH_CRUMB = re.compile(r"^(?:Home|ホーム|トップ|TOP)\s*/\s*[^/]{1,40}(?:\s*/\s*[^/]{1,80})+$")
_DATE = r"(?:\d{4}[./年-]\s?\d{1,2}[./月-]\s?\d{1,2}日?|[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4})"
_DATE_LINE = re.compile(
    r"^(?:(?:公開日|更新日|投稿日|最終更新日?|掲載日|Posted(?: on)?|Published(?: on)?|Updated"
    r"(?: on)?|Last updated)\s*[:：]?\s*)?" + _DATE + r"(?:\s*(?:by|更新|公開)\b.{0,60})?$",
    re.IGNORECASE,
)
_BYLINE = re.compile(
    r"^(?:by\s+[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3}|(?:ライター|執筆|著者|文|監修)\s*[:：]\s*.{1,40})$"
)
_READ_TIME = re.compile(
    r"^(?:\d{1,3}\s*min(?:ute)?s?\s+read|この記事は約?\d{1,3}分で読めます)$", re.I
)
_COPYRIGHT = re.compile(r"^(?:©|\(c\)|copyright\b)", re.IGNORECASE)
_HASHTAGS = re.compile(r"^(?:tags?\s*[:：]\s*.*|(?:#\S+\s*){2,})$", re.IGNORECASE)
_SHARE = re.compile(r"^(?:share(?: this)?|シェア(?:する)?)\s*[:：]", re.IGNORECASE)
_MD_HEADING = re.compile(r"^#{1,6}\s")  # a section of the article itself, not a hashtag
_SHORT_TAIL = {"ja": 40, "en": 80}  # longest line (characters) the tail furniture holds


def is_breadcrumb(line: str) -> bool:
    """Whether a line is a breadcrumb trail (``ホーム > 暮らし > …``, ``Home / Guides / …``)."""
    return bool(_BREADCRUMB.match(line) or _SLASH_CRUMB.match(line))


def is_furniture(line: str) -> bool:
    """Whether a line (stripped) is page furniture by itself."""
    if not line or len(line) > 120:
        return False
    return (
        fold(line) in _LINES
        or is_breadcrumb(line)
        or bool(_DATE_LINE.match(line))
        or bool(_BYLINE.match(line))
        or bool(_READ_TIME.match(line))
        or bool(_COPYRIGHT.match(line))
        or bool(_HASHTAGS.match(line))
        or bool(_SHARE.match(line))
    )


def drop_furniture(lines: list[str], lang: str) -> list[str]:
    """The lines with furniture blanked (``""``), so paragraph breaks stay where they were.

    A tail heading (``関連記事``, ``Related posts``) blanks itself and, when every line after it
    is short (link titles, an author's two lines), the rest of the text.

    Args:
        lines: The article's lines.
        lang: ``"ja"`` or ``"en"`` (how long a line of the tail may be).
    """
    out = list(lines)
    limit = _SHORT_TAIL.get(lang, 80)
    # short_after[i]: every line after line i is short (one pass from the end, not one a line).
    short_after = [True] * (len(lines) + 1)
    for i in range(len(lines) - 1, -1, -1):
        text = lines[i].strip()
        short = len(text) <= limit and not _MD_HEADING.match(text)
        short_after[i] = short_after[i + 1] and short
    for i, line in enumerate(lines):
        stripped = line.strip()
        if fold(stripped) in _TAIL_HEADINGS:
            if short_after[i + 1]:
                return out[:i] + [""] * (len(lines) - i)
            out[i] = ""
        elif is_furniture(stripped):
            out[i] = ""
    return out
