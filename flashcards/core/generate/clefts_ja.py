"""Japanese clefts and identifications: ``…のがXです``, the sentence after it, ``YがXです``.

``…を発表したのがOpenAIです`` puts a term in focus (a cloze); the sentence after a cleft
defines or describes its term (``…のが麹。…もののことです``); ``…を切り替える装置が分岐器で、``
and ``この電線が架線です`` identify a term with a described thing.
"""

from __future__ import annotations

import re

from flashcards.core.generate.backs import clean_back_ja, drop_asides, has_anaphor_ja, same_text
from flashcards.core.generate.findings import Finding
from flashcards.core.generate.ja_text import (
    LEADING_ANAPHOR_JA,
    NAME_BRACKET,
    heading_term,
    on_plain,
    unbracketed,
)
from flashcards.core.generate.patterns_ja import (
    DEFINING_END,
    EVALUATIVE,
    has_modifier,
    wa_definition,
)
from flashcards.core.generate.rules import Example, rule
from flashcards.core.generate.structure import Sentence
from flashcards.core.generate.terms import chain_ending_at, is_technical, is_valid_term, whole_term
from flashcards.core.generate.textutil import is_kanji
from flashcards.core.generate.tokens import tokenize

_CLEFT = re.compile(r"のが(?P<x>[^のが、。]{1,40}?)(?:です|だ|である)?[。！!]?$")
_FOCUS = re.compile(
    r"のが(?:いわゆる|所謂)?(?P<x>[^、。のがは「」()（）]{1,30}?)(?:[（(][^()（）]*[)）])?"
    r"(?:です|である|だ|で[、,]|[。！!]?$)"
)
_OWN_TOPIC = re.compile(r"^(?:これ|それ|こちら|こいつ)は[、,]?")
_IDENTIFY = re.compile(
    r"^(?P<y>[^。]{2,80}?)が(?P<x>[^、。がはをの「」]{1,20}?)(?:です|である|だ|で[、,])"
)


def _phrase_term(phrase: str, *, single: bool = False) -> str:
    """A short phrase as a term: a noun chain, or nouns janome reads with kana (閉そく).

    With ``single`` a lone kanji is allowed (``…のが麹(こうじ)``: the reading marks it a name).
    """
    phrase = phrase.strip()
    if single and len(phrase) == 1 and is_kanji(phrase):
        return phrase
    if not is_valid_term(phrase) or len(phrase) > 20 or EVALUATIVE.search(phrase):
        return ""
    last = tokenize(phrase)[-1]
    if last.sub in ("形容動詞語幹", "ナイ形容詞語幹", "副詞可能"):
        return ""  # "…注意が必要です", "電車が好きで": a state, not a name
    if whole_term(phrase):
        return phrase
    tokens = tokenize(phrase)
    if tokens and all(t.pos == "名詞" and t.sub not in ("非自立", "代名詞") for t in tokens):
        return phrase
    return ""


def focus_term(sentence: Sentence) -> str:
    """The term a sentence puts in focus: ``…のが(いわゆる)X(です)`` (a cleft), or ""."""
    match = _FOCUS.search(sentence.text)
    if not match:
        return ""
    return _phrase_term(
        match.group("x"), single=NAME_BRACKET.match(sentence.text, match.end("x")) is not None
    )


def _has_topic(text: str) -> bool:
    tokens = tokenize(text)
    return any(
        t.surface == "は" and t.pos == "助詞" and not (i and tokens[i - 1].sub == "格助詞")
        for i, t in enumerate(tokens)
    )


def _follow_up(sentence: Sentence, previous: Sentence | None) -> list[Finding]:
    """The sentence after ``…のがX(です)。`` explains X.

    ``これは、…のことを指します`` and a sentence with no topic of its own ending in a defining
    form (``…もののことです``) define X; any other topic-less sentence that follows is kept as a
    weaker description (``…自動的にブレーキをかけて止めてくれます``).
    """
    if previous is None or previous.section != sentence.section:
        return []
    term = focus_term(previous)
    if not term:
        return []
    text = drop_asides(sentence.text).rstrip("。！!")
    own = _OWN_TOPIC.match(text)
    if own:
        return wa_definition(sentence, term, text[own.end() :])
    if _has_topic(text) or LEADING_ANAPHOR_JA.match(text):
        return []
    if DEFINING_END.search(text) or re.search(r"(?:もの|物)(?:です|である|だ)$", text):
        back = clean_back_ja(text)
        if back and len(back) <= 80:
            return [Finding(term, back, sentence, "のがX。…のことです", 3.0, len(back) <= 40)]
        return []
    if term in text:
        return []
    if re.search(r"(?:ます|です|る|た)$", text) and not re.search(r"(?:でしょう|ません)$", text):
        back = clean_back_ja(text)
        if back and len(back) <= 80:
            return [Finding(term, back, sentence, "のがX。(description)", 2.5, False)]
    return []


def _identify(sentence: Sentence, previous: Sentence | None) -> list[Finding]:
    """``…を切り替える装置が分岐器で、…``; ``この電線が架線です`` (この N: N said just before)."""
    text = drop_asides(sentence.text)
    match = _IDENTIFY.match(text)
    if not match:
        return []
    term = _phrase_term(unbracketed(match.group("x")))
    y = match.group("y")
    if not term or _has_topic(y) or term in y:
        return []
    tail = tokenize(y)
    if not tail or tail[-1].pos != "名詞" or tail[-1].sub in ("非自立", "代名詞"):
        return []
    demonstrative = re.match(r"^(?:この|その)(?P<n>[^、。]{1,10})$", y)
    if demonstrative:
        noun = demonstrative.group("n")
        if previous is None or previous.section != sentence.section or noun not in previous.text:
            return []
        before = previous.text[: previous.text.find(noun) + len(noun)]
        cut = max(before.rfind("は"), before.rfind("、"), before.rfind("。"))
        back = clean_back_ja(before[cut + 1 :])
        if not back or same_text(back, noun):
            return []
        return [Finding(term, back, sentence, "このNがXです", 2.5, len(back) <= 40)]
    if len(y) < 6 or not has_modifier(y):
        return []
    back = clean_back_ja(y)
    if not back or same_text(back, term):
        return []
    return [Finding(term, back, sentence, "YがXです", 2.5, len(back) <= 40)]


def _cleft(sentence: Sentence) -> list[Finding]:
    text = sentence.text
    match = _CLEFT.search(text)
    if not match:
        return []
    end = match.end("x")
    start, term = chain_ending_at(text, end)
    if not term or not is_valid_term(term) or not is_technical(term):
        return []
    cloze = drop_asides(text)
    anchor = heading_term(sentence.section)
    if has_anaphor_ja(text[: match.start()]):
        # "これを発表したのが X です": say what これ is when the section is about one term.
        if not anchor or not re.match(r"^(?:これ|それ)", cloze):
            return []
        cloze = cloze[:2] + f"({anchor})" + cloze[2:]
    if term not in cloze:
        return []
    cloze = cloze.replace(term, "{{c1::" + term + "}}")
    return [Finding(term, "", sentence, "YのがXです", 1.5, False, cloze)]


@rule(
    "のがX。…のことです",
    3.0,
    "ja",
    (
        Example(
            "パンを焼く前に生地を休ませるのがベンチタイムです。"
            "丸めた生地をしばらく置いて、ゆるませる時間のことです。",
            "ベンチタイム",
            "丸めた生地をしばらく置いて、ゆるませる時間",
        ),
    ),
)
@on_plain
def follow_up(
    sentence: Sentence, previous: Sentence | None, names: frozenset[str]
) -> list[Finding]:
    """The sentence after a cleft ``…のがX。`` defines or describes X."""
    return _follow_up(sentence, previous)


@rule(
    "YがXです",
    2.5,
    "ja",
    (
        Example(
            "川の水をせき止めて水位を上げる構造物がダムです。",
            "ダム",
            "川の水をせき止めて水位を上げる構造物",
        ),
        Example(
            "電気の電圧を変えるための装置があります。この装置が変圧器です。",
            "変圧器",
            "電気の電圧を変えるための装置",
        ),
    ),
)
@on_plain
def identify(sentence: Sentence, previous: Sentence | None, names: frozenset[str]) -> list[Finding]:
    """``…する装置がXです`` and ``このNがXです`` (N's phrase in the sentence before)."""
    return _identify(sentence, previous)


@rule(
    "YのがXです",
    1.5,
    "ja",
    (
        Example(
            "光の速さが向きによらず一定だと最初に示したのがマイケルソンです。",
            "マイケルソン",
            "一定だと最初に示したのが",
        ),
    ),
)
@on_plain
def cleft(sentence: Sentence, previous: Sentence | None, names: frozenset[str]) -> list[Finding]:
    """``…のがXです`` with a technical X: a cloze (``これ`` annotated with the heading's term)."""
    return _cleft(sentence)
