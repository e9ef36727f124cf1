"""Character classes, normalisation for ids and comparison, language detection."""

from __future__ import annotations

import re
import unicodedata

MAX_CANDIDATES = 8
"""A pattern tries at most this many places in one sentence.

A sentence defines a term or two; trying every bracket, particle or naming verb of a hostile
sentence made the work quadratic in its length (each try reads the text before it again).
"""

TERMINAL_JA = "。！？!?"
TERMINAL_EN = ".!?"
CLOSERS = "」』）)］]】〉》\"'”’"
OPENERS = "「『（(［[【〈《\"'“‘"

_WORD = re.compile(r"[^\w]+", re.UNICODE)


def is_kana(ch: str) -> bool:
    """Whether ``ch`` is hiragana or katakana."""
    return "\u3041" <= ch <= "\u30ff"


def is_hiragana(ch: str) -> bool:
    """Whether ``ch`` is hiragana."""
    return "\u3041" <= ch <= "\u309f"


def is_katakana(ch: str) -> bool:
    """Whether ``ch`` is katakana (including the long-vowel mark)."""
    return "\u30a0" <= ch <= "\u30ff" or "\uff66" <= ch <= "\uff9f"


def is_kanji(ch: str) -> bool:
    """Whether ``ch`` is a CJK ideograph (or 々)."""
    return "\u4e00" <= ch <= "\u9fff" or ch in "々〆ヶ"


def is_latin(ch: str) -> bool:
    """Whether ``ch`` is an ASCII or full-width Latin letter."""
    full_width = "\uff21" <= ch <= "\uff3a" or "\uff41" <= ch <= "\uff5a"
    return "a" <= ch.lower() <= "z" or full_width


def fold(text: str) -> str:
    """Normalise text for comparison only (never for display): NFKC, case-folded."""
    return unicodedata.normalize("NFKC", text).casefold()


def term_key(term: str) -> str:
    """The normalised form of a term used in note ids: stable under case, width and spacing."""
    folded = fold(term).strip().lstrip("~〜～").strip()
    return _WORD.sub("-", folded).strip("-_")


def slug(name: str) -> str:
    """A deck-name slug for note ids (``LLM basics (ja)`` -> ``llm-basics-ja``)."""
    return term_key(name.replace("::", "-")) or "deck"


def detect_language(text: str) -> str:
    """Return ``"ja"`` if the text is mostly Japanese script, else ``"en"``."""
    japanese = sum(1 for ch in text if is_kana(ch) or is_kanji(ch))
    latin = sum(1 for ch in text if is_latin(ch))
    if japanese == 0 and latin == 0:
        return "en"
    # Japanese technical prose is full of Latin terms (and English prose never has kana), so a
    # modest share of kana/kanji decides.
    return "ja" if japanese >= 0.1 * (japanese + latin) else "en"
