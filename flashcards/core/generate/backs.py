"""Cleaning the text that ends up on a card: asides, anaphors, copulas, particles."""

from __future__ import annotations

import re

from flashcards.core.generate.lexicon import (
    ANAPHORS_EN,
    ASIDE_ENDINGS_JA,
    BACK_REFERENCES_EN,
    BACK_REFERENCES_JA,
    CHATTY_EN,
    CHATTY_ENDINGS_JA,
    CHATTY_JA,
    COPULA_ENDINGS_JA,
    DEFINING_ENDINGS_JA,
    DEMONSTRATIVES_JA,
    POLITE_ENDINGS_JA,
    alternation,
)
from flashcards.core.generate.textutil import fold, is_hiragana
from flashcards.core.generate.tokens import starts_with_particle, tokenize

_BRACKETS = re.compile(r"\s?[（(]([^()（）]*)[)）]")
_CHATTY_END = re.compile(alternation(ASIDE_ENDINGS_JA) + r"[。！!?？]*$")
_CHATTY = {
    "ja": re.compile(
        alternation(CHATTY_JA) + "|(?<![A-Za-z])" + alternation(CHATTY_ENDINGS_JA) + "。?$"
    ),
    # Whole words; "I" is not the "i" of "i.e.".
    "en": re.compile(r"\b" + alternation(CHATTY_EN) + r"\b(?!\.\w)", re.IGNORECASE),
}
# Words that point back into the text: a back that leans on them cannot stand alone.
ANAPHORS_JA = DEMONSTRATIVES_JA | BACK_REFERENCES_JA
_ANAPHOR_PREFIX_JA = re.compile(
    r"^(?:このうち|そのうち|前述の|上述の|先述の|前述した|上述した)[、,]?"
)
_LEADING_ANAPHOR_EN = re.compile("^" + alternation(ANAPHORS_EN) + r"\b", re.IGNORECASE)
_ANAPHOR_EN = re.compile(
    "^" + alternation(ANAPHORS_EN) + r"\b|\b" + alternation(BACK_REFERENCES_EN) + r"\b",
    re.IGNORECASE,
)
_COPULA_JA = re.compile(alternation((*DEFINING_ENDINGS_JA, *COPULA_ENDINGS_JA)) + "$")
_POLITE = POLITE_ENDINGS_JA


def is_chatty(text: str, lang: str) -> bool:
    """Whether a sentence is the writer chatting, not teaching (``data/chatty_*.txt``).

    First person, colloquial words, laughter, hedges and sentence-final particles; the same
    test for every stage of the generator.
    """
    return bool(_CHATTY["ja" if lang == "ja" else "en"].search(text))


def starts_with_anaphor_en(text: str) -> bool:
    """Whether English text starts with a word that points back (``This``, ``It's``, ``Such``)."""
    return bool(_LEADING_ANAPHOR_EN.match(text))


def is_chatty_aside(content: str) -> bool:
    """Whether a bracketed remark is a chatty aside rather than a gloss, expansion or term."""
    stripped = content.strip()
    if not stripped:
        return True
    if not any(is_hiragana(ch) for ch in stripped):
        chatty = is_chatty(stripped, "en") or stripped.endswith(("!", "?"))
        return chatty or stripped in ("笑", "w", "汗")
    if "。" in stripped or _CHATTY_END.search(stripped):
        return True
    # A gloss is a noun phrase; anything with a verb or auxiliary is a remark.
    return any(t.pos in ("動詞", "助動詞", "感動詞", "終助詞") for t in tokenize(stripped))


def drop_asides(text: str) -> str:
    """Remove chatty bracketed asides (``(論文の題名ですね)``), keeping glosses and expansions."""

    def repl(match: re.Match[str]) -> str:
        return "" if is_chatty_aside(match.group(1)) else match.group(0)

    return _BRACKETS.sub(repl, text).strip()


# "この構造", "こういう構造", "そんな場合": adnominals that point at something said before.
_POINTING_ADNOMINALS = frozenset(
    ("この", "その", "あの", "こういう", "そういう", "ああいう", "こんな", "そんな", "あんな")
)


def has_anaphor_ja(text: str) -> bool:
    """Whether Japanese text leans on something said elsewhere (これ, 前述の, このうち ...).

    A demonstrative after the first words ("テーブルとその関係") points inside the same phrase
    and is allowed; so are それを/それに and そこで after a clause ending in a comma
    ("…出力されたら、そこで生成を止める").
    """
    for index, token in enumerate(tokenize(text)):
        # "情報を…保持しながら、同時にそれを処理する": それ after a clause of its own
        # points back inside the text.
        if (
            token.pos == "名詞"
            and token.sub == "代名詞"
            and token.surface in ANAPHORS_JA
            and (
                token.surface not in ("それ", "そこ")
                or index < 4
                or "、" not in text[: token.start]
                or not text.startswith(("を", "に", "で", "から"), token.end)
            )
        ):
            return True
        if token.pos == "連体詞" and token.surface in _POINTING_ADNOMINALS and index < 2:
            return True
        if token.surface in BACK_REFERENCES_JA:
            return True
    return False


def has_anaphor_en(text: str) -> bool:
    """Whether English text leans on something said elsewhere (this, the above ...)."""
    return bool(_ANAPHOR_EN.search(text.strip()))


def plain_ending_ja(text: str) -> str:
    """Strip a trailing copula and turn a polite verb ending into the plain form."""
    out = text.strip().rstrip("。．.、, ")
    out = _COPULA_JA.sub("", out).rstrip("、, ")
    if out.endswith(("ます", "ました")):
        tokens = tokenize(out)
        # "担います" -> "担う", "任務としました" -> "任務とする": the verb's dictionary form (the
        # table below cannot know a godan verb's stem).
        if len(tokens) >= 2 and tokens[-2].pos == "動詞" and tokens[-1].base == "ます":
            return out[: tokens[-2].start] + tokens[-2].base
        if len(tokens) >= 3 and tokens[-3].pos == "動詞" and tokens[-2].base == "ます":
            return out[: tokens[-3].start] + tokens[-3].base
    for polite, plain in _POLITE:
        if out.endswith(polite):
            return out[: -len(polite)] + plain
    tokens = tokenize(out) if out else ()
    # "持たせたり" / "持たせて" -> "持たせる": a clause cut off in the middle of a list.
    if len(tokens) >= 2 and tokens[-1].surface in ("たり", "て", "で") and tokens[-2].pos == "動詞":
        verb = tokens[-2]
        return out[: verb.start] + verb.base
    return out


def clean_back_ja(raw: str) -> str:
    """Turn the defining part of a Japanese sentence into a card back, or "" if it is unusable."""
    text = drop_asides(raw).strip(" 、,")
    stripped = _ANAPHOR_PREFIX_JA.sub("", text).strip(" 、,")
    if stripped != text:
        # "前述のネットワーク" minus its anaphor is just "ネットワーク": too vague to keep.
        content = [t for t in tokenize(stripped) if t.pos in ("名詞", "動詞", "形容詞")]
        if len(content) < 2 or len(stripped) < 6:
            return ""
        text = stripped
    text = plain_ending_ja(text)
    if not text or starts_with_particle(text) or has_anaphor_ja(text):
        return ""
    if len(text) < 2 or len(text) > 160:
        return ""
    if text[0] in "、。」)）":
        return ""
    return text


def clean_back_en(raw: str) -> str:
    """Turn the defining part of an English sentence into a card back, or "" if it is unusable."""
    text = drop_asides(raw).strip(" ,;:")
    text = text.rstrip(".").strip()
    if not text or has_anaphor_en(text) or len(text) < 2 or len(text) > 240:
        return ""
    return text


def same_text(a: str, b: str) -> bool:
    """Whether two texts are equal once width, case and surrounding punctuation are ignored."""
    strip = " 。.、,「」\"'()（）"
    return fold(a).strip(strip) == fold(b).strip(strip)
