"""What counts as a term: noun chains from the tokenizer's tokens, term shapes and stop words."""

from __future__ import annotations

import re
from bisect import bisect_left

from flashcards.core.generate.lexicon import STOP_NOUNS_EN, STOP_TERMS_JA, STOP_WORDS_EN
from flashcards.core.generate.textutil import is_hiragana, is_kanji, is_katakana, is_latin
from flashcards.core.generate.tokens import Token, token_bounds, tokenize

_NOUN_SUBS = frozenset(
    {"一般", "固有名詞", "サ変接続", "形容動詞語幹", "接尾", "数", "ナイ形容詞語幹"}
)
_CONNECTORS = frozenset({"-", ".", "+", "#", "/", "&"})
STOP_TERMS = STOP_TERMS_JA
"""Japanese nouns that are never terms on their own (``data/stop_terms_ja.txt``)."""
_EN_STOP = STOP_WORDS_EN | STOP_NOUNS_EN
_LATIN_TERM = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:[-.+#/&' ][A-Za-z0-9]+)*[+#]*$")
_ACRONYM = re.compile(r"^[A-Z][A-Za-z0-9]*[A-Z0-9][A-Za-z0-9]*$")


def _letters(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _okurigana_noun(token: Token) -> bool:
    """A dictionary noun with okurigana (外れ値, 葉焼け, 根詰まり): kanji first, little kana.

    Hiragana otherwise marks a phrase (の, する), so a token holding it joins no term; a word the
    dictionary has as one noun, starting with a kanji and with at most two hiragana, is a word.
    """
    surface = token.surface
    kana = sum(is_hiragana(ch) for ch in surface)
    return token.pos == "名詞" and is_kanji(surface[0]) and 0 < kana <= 2 and len(surface) >= 3


def is_term_token(token: Token) -> bool:
    """Whether a token can be part of a Japanese noun-chain term."""
    if any(is_hiragana(ch) for ch in token.surface) and not _okurigana_noun(token):
        return False
    if token.pos == "名詞":
        return token.sub in _NOUN_SUBS and _letters(token.surface)
    if token.pos == "接頭詞":
        return token.sub == "名詞接続"
    return token.pos == "記号" and token.sub == "アルファベット"


def _joinable(tokens: tuple[Token, ...], i: int) -> bool:
    """Whether token i is a connector (space, hyphen...) between two term tokens."""
    token = tokens[i]
    if token.surface.strip() and token.surface not in _CONNECTORS:
        return False
    if i == 0 or i + 1 >= len(tokens):
        return False
    left, right = tokens[i - 1], tokens[i + 1]
    if not (is_term_token(left) and is_term_token(right)):
        return False
    # Spaces only join Latin words ("Large Language Model"); hyphens and dots join anything.
    if not token.surface.strip():
        return is_latin(left.surface[-1]) and is_latin(right.surface[0])
    return True


def _chain_bounds(tokens: tuple[Token, ...], i: int, step: int) -> int:
    j = i
    while 0 <= j + step < len(tokens):
        k = j + step
        if is_term_token(tokens[k]):
            j = k
            continue
        if _joinable(tokens, k) and 0 <= k + step < len(tokens):
            j = k + step
            continue
        break
    return j


def _trim(tokens: tuple[Token, ...], first: int, last: int) -> tuple[int, int]:
    # A term does not start with a suffix or a bare number, nor end with a prefix.
    while first <= last and (tokens[first].sub in ("接尾", "数") or tokens[first].pos == "記号"):
        if tokens[first].sub == "数" and first < last and is_latin(tokens[first + 1].surface[0]):
            break
        first += 1
    while last >= first and tokens[last].pos == "接頭詞":
        last -= 1
    return first, last


def chain_ending_at(text: str, end: int) -> tuple[int, str]:
    """The noun-chain term that ends exactly at character ``end`` of ``text``.

    Returns:
        ``(start, term)``; ``term`` is empty if no term ends there.
    """
    tokens = tokenize(text)
    ends = token_bounds(text)[1]
    i = bisect_left(ends, end)  # the first token ending at or after ``end``
    if i == len(tokens) or ends[i] != end or not is_term_token(tokens[i]):
        return end, ""
    first = _chain_bounds(tokens, i, -1)
    first, last = _trim(tokens, first, i)
    if first > last:
        return end, ""
    return tokens[first].start, text[tokens[first].start : tokens[last].end]


def chain_starting_at(text: str, start: int) -> str:
    """The noun-chain term that starts exactly at character ``start`` of ``text`` (or "")."""
    tokens = tokenize(text)
    starts = token_bounds(text)[0]
    i = bisect_left(starts, start)  # the first token starting at or after ``start``
    if i == len(tokens) or starts[i] != start or not is_term_token(tokens[i]):
        return ""
    last = _chain_bounds(tokens, i, 1)
    first, last = _trim(tokens, i, last)
    if first != i or first > last:
        return ""
    return text[tokens[first].start : tokens[last].end]


def whole_term(text: str) -> bool:
    """Whether all of ``text`` is one term (a noun chain or a Latin name)."""
    stripped = text.strip()
    if not stripped:
        return False
    if _LATIN_TERM.match(stripped):
        return len(stripped.split()) <= 6
    _, term = chain_ending_at(stripped, len(stripped))
    return term == stripped


def label_term(text: str) -> bool:
    """Whether a term line, table cell or glossary label is a term.

    The layout already says it is one, so a short run of kanji, katakana and Latin letters
    passes even where the tokenizer splits it oddly (``極軸`` is read as an adverb and a noun).
    """
    stripped = text.strip()
    if whole_term(stripped):
        return True
    if not stripped or len(stripped) > 20 or " " in stripped and not stripped.isascii():
        return False
    if all(is_kanji(ch) or is_katakana(ch) or is_latin(ch) or ch in "・-" for ch in stripped):
        return True
    # A short word with okurigana (面取り, 落としぶた, アク抜き): nouns and verb stems only, no
    # particle or auxiliary (which would make it a phrase or a sentence).
    tokens = tokenize(stripped)
    return (
        len(stripped) <= 10
        and not all(is_hiragana(ch) for ch in stripped)
        and bool(tokens)
        and all(t.pos in ("名詞", "動詞", "接頭詞") for t in tokens)
        and (
            tokens[-1].pos == "名詞"
            or (tokens[-1].pos == "動詞" and tokens[-1].surface != tokens[-1].base)
        )
    )


def is_acronym(text: str) -> bool:
    """Whether ``text`` looks like an acronym (``LLM``, ``GPT-4`` is not, ``HTTPs`` is)."""
    return bool(_ACRONYM.match(text)) and sum(ch.isupper() for ch in text) >= 2 and len(text) <= 8


def is_stop(term: str) -> bool:
    """Whether ``term`` is a word that is never a card on its own."""
    stripped = term.strip()
    low = stripped.lower()
    return (
        stripped in STOP_TERMS
        or low in _EN_STOP
        or (low.split(" ", 1)[0] in STOP_WORDS_EN)
        or all(is_hiragana(ch) for ch in stripped)
    )


def is_valid_term(term: str) -> bool:
    """Whether ``term`` can be the front of a card."""
    stripped = term.strip()
    if not stripped or len(stripped) > 60 or is_stop(stripped):
        return False
    if not any(ch.isalpha() for ch in stripped):
        return False
    return not (len(stripped) == 1 and not (is_latin(stripped) and stripped.isupper()))


def is_technical(term: str, *, english: bool = False) -> bool:
    """Whether a term has the shape of a technical term (not an everyday word).

    Latin names and acronyms, katakana loan words, mixed terms and kanji compounds of three or
    more characters qualify; a two-kanji everyday noun (研究, 卒論) does not. In English text
    (``english``) a Latin word needs more than its letters: an acronym, inner capitals, digits,
    a hyphen or a capitalised multi-word name.
    """
    stripped = term.strip()
    if english and stripped.isascii():
        # English: acronyms, inner capitals, digits, hyphens or a capitalised multi-word name;
        # a lower-case word ("coffee", "packet") is an everyday word by shape.
        words = stripped.split()
        inner_caps = any(ch.isupper() for w in words for ch in w[1:])
        named = len(words) > 1 and all(w[0].isupper() for w in words if len(w) > 3)
        return inner_caps or named or any(ch.isdigit() or ch == "-" for ch in stripped)
    if any(is_latin(ch) for ch in stripped):
        return True
    katakana = sum(1 for ch in stripped if is_katakana(ch))
    if katakana >= 3:
        return True
    kanji = sum(1 for ch in stripped if is_kanji(ch))
    return kanji + katakana >= 4
