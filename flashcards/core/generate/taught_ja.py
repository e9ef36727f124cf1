"""Japanese fallback rules: terms a text teaches without a definition a sentence rule reads.

``…をXといいます`` / ``…、これがXです`` (a cloze), ``Xは、…N。`` without です and a heading
naming X over a topic-less describing sentence (a definition).
"""

from __future__ import annotations

import re

from flashcards.core.generate.backs import clean_back_ja, drop_asides
from flashcards.core.generate.corpus import SentenceIndex
from flashcards.core.generate.fallback import (
    TOPIC_JA,
    anaphoric,
    chatty,
    clean,
    cloze_finding,
    term_ok,
)
from flashcards.core.generate.findings import Finding
from flashcards.core.generate.ja_text import heading_term
from flashcards.core.generate.rules import Example, doc_rule
from flashcards.core.generate.structure import Document, Sentence
from flashcards.core.generate.tokens import tokenize

_JA_TERM = r"[一-龯々〆ァ-ヺーA-Za-z0-9・]{2,20}(?:づけ|付け)?"
_NAMED_JA = re.compile(
    r"(?P<x>" + _JA_TERM + r")(?:[（(][^()（）]{1,40}[)）])?"
    r"(?:と(?:いいます|言います|呼びます|呼ぶ。|呼ばれ(?:ます|る|ている|ています)|名付け)"
    r"|という(?:のです|。|$))"
)
_THIS_IS_JA = re.compile(r"、これが(?P<x>" + _JA_TERM + r")(?:です|だ|である)。?$")
_DEFINING_END_JA = re.compile(
    r"(?:を指します|を指す|のことです|のことである|のこと|です|である)?。?$"
)


@doc_rule(
    "taught: Xといいます",
    2.0,
    "ja",
    (
        Example(
            "同じ内容を間隔をあけて何度も思い出すことを分散学習といいます。",
            "分散学習",
            "間隔をあけて何度も思い出す",
        ),
        Example(
            "川の水が海に流れ込むところ、これが河口です。",
            "河口",
            "川の水が海に流れ込むところ",
        ),
    ),
)
def named(doc: Document, index: SentenceIndex) -> list[Finding]:
    """``…をXといいます/と呼びます/と呼ばれる/と名付け`` and ``…、これがXです``: a cloze."""
    found: list[Finding] = []
    for at, sentence in enumerate(doc.sentences):
        if chatty(sentence.text, "ja"):
            continue
        text = clean(sentence.text, "ja")
        for regex, pattern in (
            (_NAMED_JA, "taught: Xといいます"),
            (_THIS_IS_JA, "taught: これがX"),
        ):
            for match in regex.finditer(text):
                term = match.group("x")
                if term_ok(term) and len(term) >= 2:
                    found += cloze_finding(term, at, doc, "ja", pattern, 2.0)
    return found


@doc_rule(
    "taught: Xは…N。",
    2.5,
    "ja",
    (
        Example(
            "慣性は、物体が今の運動をそのまま続けようとする性質。",
            "慣性",
            "物体が今の運動をそのまま続けようとする性質",
        ),
    ),
)
def topic_noun_ending(doc: Document, index: SentenceIndex) -> list[Finding]:
    """``浸透圧は、…水が移動しようとする力。``: a topic and a noun-ending description, no です."""
    found: list[Finding] = []
    for sentence in doc.sentences:
        if not chatty(sentence.text, "ja"):
            found += _topic_noun_ending(sentence, clean(sentence.text, "ja"))
    return found


def _topic_noun_ending(sentence: Sentence, text: str) -> list[Finding]:
    """``浸透圧は、…水が移動しようとする力。``: a topic and a noun-ending description, no です."""
    match = TOPIC_JA.match(text)
    if not match or match.group(0).endswith("とは") or not text.endswith("。"):
        return []
    term = match.group("x")
    body = text[match.end() :].lstrip("、,").rstrip("。")
    body = re.sub(r"のこと$", "", body)
    tokens = tokenize(body)
    if not term_ok(term) or len(body) < 8 or not tokens:
        return []
    last = tokens[-1]
    if last.pos != "名詞" or last.sub not in ("一般", "サ変接続", "接尾"):
        return []
    if any(t.pos == "助詞" and t.surface == "は" for t in tokens):
        return []
    back = clean_back_ja(body)
    if not back:
        return []
    return [Finding(term, back, sentence, "taught: Xは…N。", 2.5, len(back) <= 40)]


@doc_rule(
    "taught: heading + description",
    2.5,
    "ja",
    (
        Example(
            "# 心のくせ\n\n## 正常性バイアス\n危険が迫っても大丈夫だと思い込んでしまう心の傾向。",
            "正常性バイアス",
            "大丈夫だと思い込んでしまう心の傾向",
        ),
    ),
)
def heading_description(doc: Document, index: SentenceIndex) -> list[Finding]:
    """``1. 確証バイアス`` then ``…してしまう傾向。``: the first topic-less describing sentence."""
    found: list[Finding] = []
    for at in range(len(doc.sentences)):
        found += _heading_description(doc, at)
    return found


def _heading_description(doc: Document, index: int) -> list[Finding]:
    """``1. 確証バイアス`` then ``…してしまう傾向。``: the first topic-less describing sentence."""
    sentence = doc.sentences[index]
    term = heading_term(sentence.section)
    if not term or sentence.section == doc.title or sentence.kind != "text":
        return []
    if term in sentence.text or anaphoric(sentence.text, "ja"):
        return []
    before = [s for s in doc.sentences[max(0, index - 2) : index] if s.section == sentence.section]
    # The first sentence, or the second after one about a word of the name (ハローは「後光」の意味).
    if len(before) > 1 or chatty(sentence.text, "ja"):
        return []
    if before and not re.match(r"^[^、。]{1,12}は", before[0].text):
        return []
    core = _DEFINING_END_JA.sub("", drop_asides(sentence.text).strip())
    tokens = tokenize(core)
    if (
        not tokens
        or tokens[-1].pos != "名詞"
        or tokens[-1].sub in ("非自立", "代名詞", "形容動詞語幹", "副詞可能", "ナイ形容詞語幹")
    ):
        return []
    if any(t.pos == "助詞" and t.surface == "は" for t in tokens):
        return []
    back = clean_back_ja(core)
    if not back or len(back) < 8:
        return []
    return [Finding(term, back, sentence, "taught: heading + description", 2.5)]
