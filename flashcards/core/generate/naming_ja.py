"""Japanese naming rules: ``YをXと呼びます/といいます``, ``YはXと呼ばれる``, ``これをXと呼ぶ``.

A naming verb says outright that X is the name of Y. When Y is a demonstrative (``これ``,
``こうした仕組み``), the thing named is the clause before it or the sentence before.
"""

from __future__ import annotations

import re
from itertools import islice

from flashcards.core.generate.backs import clean_back_ja, has_anaphor_ja, same_text
from flashcards.core.generate.findings import Finding
from flashcards.core.generate.ja_text import (
    CONNECTIVE,
    LEADING_ANAPHOR_JA,
    on_plain,
    unbracketed,
)
from flashcards.core.generate.rules import Example, rule
from flashcards.core.generate.structure import Sentence
from flashcards.core.generate.terms import is_valid_term, whole_term
from flashcards.core.generate.textutil import MAX_CANDIDATES, is_kanji
from flashcards.core.generate.tokens import tokenize

_NAMING = re.compile(
    r"を(?:総称して|まとめて|略して|一括して|合わせて)?(?P<x>[^をと、。]{1,40}?)"
    r"と(?:呼び|呼ん|呼ぶ|いい|言い|いう|言う|称し|称す)"
)
_NAMING_PAIR = re.compile(r"(?:^|、)(?P<y>[^、。]{2,40}?)を(?P<x>[^、。をと]{1,20})(?=、)")
_PASSIVE_NAMING = re.compile(
    r"は(?P<x>[^をと、。]{1,40}?)と(?:呼ばれ|呼び|呼ぶ|呼ん|いい|言い|いう|言う)(?!って|ながら)"
)
# "こうした仕組み", "こちら", "この現象": a demonstrative phrase that points at what was just said.
_REFERS_BACK = re.compile(
    r"^(?:これ|それ|こちら|そちら|このこと|そのこと|"
    r"(?:この|その|こうした|そうした|こういった|そういった|このような|そのような)[^、。をがは]{1,8})$"
)
# "これを相乗効果と呼びます": the thing named is the previous sentence.
_BACK_REFERENCE = frozenset({"これ", "それ", "このこと", "そのこと", "この現象", "この効果"})


def _naming(sentence: Sentence, previous: Sentence | None = None) -> list[Finding]:
    text = sentence.text
    found: list[Finding] = []
    for match in islice(_NAMING.finditer(text), MAX_CANDIDATES):
        term = unbracketed(match.group("x"))
        single = len(term) == 1 and is_kanji(term)  # "…を総称して藩と呼びます"
        if not single and (not is_valid_term(term) or not whole_term(term)):
            continue
        clause_start = max(text.rfind("、", 0, match.start()), text.rfind("。", 0, match.start()))
        described = text[clause_start + 1 : match.start()]
        described = re.sub(r"の?こと$", "", described)
        if _refers_back(described) and clause_start < 0:
            found += _named_previous(term, sentence, previous)
            continue
        if described in _BACK_REFERENCE and clause_start >= 0:
            # "…1435mmの軌間で、これを標準軌と呼びます": これ is the clause before it.
            found += _named_clause(term, text[:clause_start], sentence)
            continue
        described = _extend_clause(text, clause_start, described)
        back = clean_back_ja(described)
        if back and not same_text(back, term):
            found.append(Finding(term, back, sentence, "YをXと呼ぶ", 3.0, True))
        # "…ところを高気圧、低いところを低気圧といいます": the earlier pairs share the verb.
        for pair in islice(_NAMING_PAIR.finditer(text), MAX_CANDIDATES):
            if pair.end() > match.start():
                break
            name = unbracketed(pair.group("x"))
            if is_valid_term(name) and whole_term(name):
                back = clean_back_ja(pair.group("y"))
                if back and not same_text(back, name):
                    found.append(Finding(name, back, sentence, "YをXと呼ぶ", 3.0, True))
    for match in islice(_PASSIVE_NAMING.finditer(text), MAX_CANDIDATES):
        term = unbracketed(match.group("x"))
        if not is_valid_term(term) or not whole_term(term):
            continue
        subject = CONNECTIVE.sub("", text[: match.start()])
        before = tokenize(subject)
        if before and before[-1].pos == "助詞":
            continue  # "英語ではゲージと呼ばれ": は after a case particle is no subject
        if _refers_back(subject):
            found += _named_previous(term, sentence, previous)
            continue
        if fold_term(term) in fold_term(subject):
            continue
        back = clean_back_ja(subject)
        if back and not same_text(back, term):
            found.append(Finding(term, back, sentence, "YはXと呼ばれる", 3.0, True))
    return found


def fold_term(text: str) -> str:
    """A term folded for containment checks."""
    return text.casefold()


def _refers_back(described: str) -> bool:
    return bool(_REFERS_BACK.match(described.strip()))


def _named_clause(term: str, before: str, sentence: Sentence) -> list[Finding]:
    """``Y で、これを X と呼びます``: the clause before ``、これ`` is the back."""
    clause = re.sub(r"(?:で|であり|であって)$", "", before.strip())
    back = clean_back_ja(clause)
    if not back or same_text(back, term) or term in back:
        return []
    return [Finding(term, back, sentence, "Yで、これをXと呼ぶ", 2.5, False)]


def _extend_clause(text: str, clause_start: int, described: str) -> str:
    """Extend a described clause backwards over ``…させ、`` (a continuative verb)."""
    for _ in range(MAX_CANDIDATES):
        if clause_start <= 0:
            break
        before = text[:clause_start]
        if "は" in before:
            break
        tokens = tokenize(before)
        if not tokens or tokens[-1].pos != "動詞":
            break
        cut = max(before.rfind("、"), before.rfind("。"))
        piece = before[cut + 1 :]
        described = piece + "、" + described
        clause_start = cut
    return described


def _named_previous(term: str, sentence: Sentence, previous: Sentence | None) -> list[Finding]:
    """The previous sentence as the back of ``これをXと呼びます`` (これ = what was just said)."""
    if previous is None or previous.section != sentence.section or len(previous.text) > 100:
        return []
    if LEADING_ANAPHOR_JA.match(previous.text) or term in previous.text:
        return []
    lead = CONNECTIVE.match(previous.text)
    back = clean_back_ja(previous.text[lead.end() if lead else 0 :])
    if not back or has_anaphor_ja(back):
        return []
    return [Finding(term, back, sentence, "Y。これをXと呼ぶ", 2.5, False)]


@rule(
    "YをXと呼ぶ",
    3.0,
    "ja",
    (
        Example("水が氷に変わる温度を凝固点と呼びます。", "凝固点", "水が氷に変わる温度"),
        Example(
            "雨の少ない日が長く続き、水が足りなくなることは渇水と呼ばれます。",
            "渇水",
            "水が足りなくなること",
        ),
        Example(
            "二つの薬を一緒に飲むと効き目が強くなることがあります。これを相乗作用と呼びます。",
            "相乗作用",
            "二つの薬を一緒に飲むと効き目が強くなること",
        ),
    ),
)
@on_plain
def naming(sentence: Sentence, previous: Sentence | None, names: frozenset[str]) -> list[Finding]:
    """``YをXと呼びます``, ``YはXと呼ばれます`` and their back-references (``これを…``)."""
    return _naming(sentence, previous)
