"""Japanese helpers the Japanese rules share: topics, names before brackets, plain sentences.

janome splits many terms into pieces a noun chain cannot hold, and Japanese articles put
readings and English names in brackets right after a term (``重ね合わせ(superposition)は、…``).
The rules of `patterns_ja.py`, `naming_ja.py` and `marks_ja.py` read a sentence with those
brackets taken off (`on_plain`); the findings go back to the sentence as written, with the
English name as the term's alias.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache, wraps
from itertools import islice

from flashcards.core.generate.backs import has_anaphor_ja
from flashcards.core.generate.findings import Finding
from flashcards.core.generate.lexicon import (
    CONNECTIVES_JA,
    GENERIC_HEADINGS,
    LEADING_ANAPHORS_JA,
    alternation,
)
from flashcards.core.generate.rules import Finder
from flashcards.core.generate.structure import Sentence
from flashcards.core.generate.terms import chain_ending_at, is_valid_term, whole_term
from flashcards.core.generate.textutil import (
    MAX_CANDIDATES,
    fold,
    is_hiragana,
    is_kanji,
    is_katakana,
    is_latin,
)
from flashcards.core.generate.tokens import tokenize

PlainFinder = Callable[[Sentence, "Sentence | None", frozenset[str]], list[Finding]]
"""A finder reading the plain sentence, given the names the brackets marked."""

CONNECTIVE = re.compile("^" + alternation(CONNECTIVES_JA) + "[、,]")
"""A connective opening a sentence (``ちなみに、``, ``これに対して、``)."""
# Readings and English names in brackets after a Japanese term: 親藩(しんぱん), 乳化(emulsion).
NAME_BRACKET = re.compile(
    r"[（(](?P<inner>[ぁ-ゖー・\s]{1,30}|[ァ-ヺー・]{2,20}|[A-Za-z][A-Za-z\-' ]{1,50}"
    r"|[一-龯々]{2,12})[)）]"
)
# A kanji gloss in brackets is another name only where the term is being defined.
_GLOSS_NAMING = re.compile(r"(?:とは|というのは|って|[:：])")
TOPIC_LEAD = re.compile("^(?:いわゆる|所謂|" + alternation(CONNECTIVES_JA) + "[、,])")
"""What may come before a sentence's topic: ``いわゆる`` or a connective."""
LEADING_ANAPHOR_JA = re.compile("^" + alternation(LEADING_ANAPHORS_JA))
"""A demonstrative a sentence pointing back starts with."""
_NUMBERING = re.compile(
    r"^(?:(?:\d{1,2}|[IVX]{1,4})[.．]|[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫ][.．]?|[①-⑳]|第[0-9一二三四五六七八九十]+[章節部])\s*"
)


NOTE_TITLE = re.compile(r".(?:メモ|まとめ|ノート|一覧|入門|講座|の基本|の基礎)$")
"""The title of a page of notes (``量子化メモ``, ``細胞のつくりまとめ``), not a term."""


@lru_cache(maxsize=4096)  # asked for every heading by several stages
def heading_term(heading: str) -> str:
    """The term a heading names (``Ⅰ.Transformer`` -> ``Transformer``), or ""."""
    text = _NUMBERING.sub("", heading).strip()
    text = re.sub(r"(?:とは|について|って何)[?？]?$", "", text).strip()
    if fold(text) in GENERIC_HEADINGS or NOTE_TITLE.search(text):
        return ""  # まとめ, 特徴, 量子化メモ: a part or the title of the page, not a term
    return text if is_valid_term(text) and whole_term(text) else ""


def subject_at_start(text: str, end: int, *, modified: bool = False) -> str:
    """The term ending at ``end`` if it is the whole subject of the clause.

    The subject may follow a connective (ちなみに、); with ``modified`` it may also follow a
    relative clause ("よく聞く「~B」というのは").
    """
    start, term = chain_ending_at(text, end)
    if not term:
        quoted = re.search(r"[「『]([^「」『』]{1,40})[」』]$", text[:end])
        if not quoted:
            return ""
        term, start = quoted.group(1), quoted.start()
    lead = text[:start]
    if lead and not CONNECTIVE.fullmatch(lead) and not _adverbial(lead):
        last = tokenize(lead)[-1]
        attributive = (
            last.pos in ("動詞", "形容詞")
            or (last.pos == "助動詞" and last.surface == "た")
            or (last.surface == "の" and last.sub == "連体化" and len(lead) <= 15)
        )
        if not (modified and attributive and "は" not in lead):
            return ""
    return term if is_valid_term(term) else ""


def _adverbial(lead: str) -> bool:
    """Whether a sentence opening is only adverbs and conjunctions (そもそも, では, ところで)."""
    tokens = tokenize(lead)
    return (
        bool(tokens)
        and all(
            t.pos in ("副詞", "接続詞")
            or t.surface in ("、", ",")
            or (t.surface == "で" and i == 0)
            for i, t in enumerate(tokens)
        )
        and any(t.pos in ("副詞", "接続詞") for t in tokens)
        or lead.strip("、, ") in ("では", "さて")
    )


def relaxed_topic(text: str, end: int, names: frozenset[str] = frozenset()) -> str:
    """The whole phrase before ``end`` when a sentence opens with it as its topic.

    janome splits terms such as 重ね合わせ, 量子もつれ or 享保の改革 into pieces a noun chain cannot
    hold; at the very start of a sentence (after いわゆる or a connective) the phrase up to the
    topic particle is the term if it is short and noun-like (nouns, verb stems, の), or if the
    sentence marked it as a name with a bracket (``names``). A leading place name is context, not
    part of the term (長崎の出島 -> 出島).
    """
    lead = TOPIC_LEAD.match(text)
    start = lead.end() if lead else 0
    phrase = text[start:end].strip()
    if not phrase or len(phrase) > 15 or any(c in phrase for c in "、,。「」『』()（）"):
        return ""
    if phrase in names:
        return phrase
    tokens = [t for t in tokenize(text) if t.start >= start and t.end <= end]
    if not tokens or tokens[-1].end != end or tokens[0].start != start:
        return ""  # the phrase does not end on a word boundary ("間違っていたら")
    if tokens[-1].pos == "助詞" or tokens[0].pos in ("助詞", "助動詞"):
        return ""
    for token in tokens:
        if token.pos == "助詞" and not (token.surface == "の" and token.sub == "連体化"):
            return ""
        if token.pos in ("助動詞", "形容詞", "連体詞", "副詞", "感動詞", "接続詞", "記号"):
            return ""
        if token.pos == "名詞" and token.sub in ("代名詞", "非自立"):
            return ""
        if token.pos == "動詞" and token is tokens[-1] and token.surface == token.base:
            return ""  # a clause (…する), not a noun
    if len(tokens) >= 3 and tokens[1].surface == "の" and tokens[0].detail == "地域":
        phrase = text[tokens[2].start : end]
    return phrase if is_valid_term(phrase) and not has_anaphor_ja(phrase) else ""


def bracket_name(before: str) -> str:
    """The name right before a bracket: the clause's opening phrase, else a noun chain."""
    cut = max(before.rfind("、"), before.rfind("。"), before.rfind(","))
    clause = before[cut + 1 :]
    lead = TOPIC_LEAD.match(clause)
    phrase = clause[lead.end() if lead else 0 :]
    # A bracket marks where a name ends, so the opening phrase may hold what janome misreads as
    # a particle (量子もつれ = 量子 / も / つれ), but not a case particle, a verb or an auxiliary.
    if 0 < len(phrase) <= 12 and is_valid_term(phrase):
        tokens = tokenize(phrase)
        if not any(
            t.pos == "助動詞"
            or (t.pos == "助詞" and t.surface not in ("の", "も"))
            or (t.pos == "動詞" and t is tokens[-1] and t.surface == t.base)
            for t in tokens
        ):
            return phrase
    if before and is_hiragana(before[-1]):
        return ""  # the last word holds kana: no noun chain ends here (and no need to read it)
    _, name = chain_ending_at(before, len(before))
    return name if is_valid_term(name) else ""


def topic(
    text: str, end: int, *, modified: bool = False, names: frozenset[str] = frozenset()
) -> str:
    """The term that is the topic ending at ``end``: a noun chain, else a relaxed phrase."""
    strict = subject_at_start(text, end, modified=modified)
    relaxed = relaxed_topic(text, end, names)
    if relaxed and (not strict or (relaxed.endswith(strict) and len(relaxed) > len(strict))):
        return relaxed
    return strict


def unbracketed(raw: str) -> str:
    """A name without its brackets and quotes (``「標準軌(ひょうじゅんき)」`` -> ``標準軌``)."""
    return re.sub(r"[（(][^()（）]*[)）]", "", raw).strip('「」『』" ')


@lru_cache(maxsize=4096)  # every Japanese rule asks for it, sentence by sentence
def plain_sentence(sentence: Sentence) -> tuple[Sentence, dict[str, str]]:
    """The sentence without readings and English names in brackets, and {term: English name}.

    ``重ね合わせ(superposition)は、…`` is matched as ``重ね合わせは、…``; the English name goes
    with the term. Brackets after Latin text (``GPT(Generative …)``) are expansions and stay.
    """
    aliases: dict[str, str] = {}
    pieces: list[str] = []
    last = 0
    text = sentence.text
    for match in islice(NAME_BRACKET.finditer(text), MAX_CANDIDATES):
        before = text[: match.start()]
        if not before or is_latin(before[-1]) or before[-1] in " 　":
            continue
        inner = match.group("inner").strip()
        if is_katakana(inner[0]) and not text.startswith("は", match.end()):
            continue
        kanji = is_kanji(inner[0])
        if kanji and not _GLOSS_NAMING.match(text, match.end()):
            continue  # "特別な文字(トークン)を…" describes トークン; "酵母(イースト)は" names
        name = bracket_name(before)
        if not name:
            continue  # "持たせたり(Tool-Integrated)": the bracket names no term before it
        if is_latin(inner[0]) or kanji:
            aliases[name] = inner
        pieces.append(text[last : match.start()])
        last = match.end()
    if not pieces:
        return sentence, aliases
    pieces.append(text[last:])
    return replace(sentence, text="".join(pieces)), aliases


def on_plain(find: PlainFinder) -> Finder:
    """A sentence rule that reads the plain sentence (`plain_sentence`), as a decorator.

    The findings go back to the sentence as written, each term with the English name its
    bracket gave (``重ね合わせ (superposition)`` on the front). A sentence that starts with
    ``という`` is the tail of a wrapped line and holds nothing.
    """

    @wraps(find)
    def finder(sentence: Sentence, previous: Sentence | None) -> list[Finding]:
        if sentence.text.startswith("という"):
            return []
        plain, aliases = plain_sentence(sentence)
        found = find(plain, previous, frozenset(aliases))
        if plain.text == sentence.text:
            return found
        return [replace(f, sentence=sentence, alias=aliases.get(f.term, f.alias)) for f in found]

    return finder
