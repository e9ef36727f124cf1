"""Japanese rules that read marks around a term: brackets, lists, headings, clefts, emphasis.

``特別な文字(トークン)`` (a description before a term in brackets), ``AI(人工知能)`` (a gloss),
``主にA、B、Cの3つ`` (an enumeration), a heading naming the term above a topic-less definition,
``いわゆるX`` / ``「X」`` (emphasis, a ranking signal only) and glossary lines ``X：Y``.
"""

from __future__ import annotations

import re
from itertools import islice

from flashcards.core.generate.backs import clean_back_ja, drop_asides, has_anaphor_ja, same_text
from flashcards.core.generate.findings import Finding, find_glossary
from flashcards.core.generate.ja_text import heading_term, on_plain
from flashcards.core.generate.rules import Example, rule
from flashcards.core.generate.structure import Sentence
from flashcards.core.generate.terms import (
    chain_ending_at,
    chain_starting_at,
    is_technical,
    is_valid_term,
    whole_term,
)
from flashcards.core.generate.textutil import MAX_CANDIDATES, is_katakana, is_latin
from flashcards.core.generate.tokens import tokenize

_ENUM = re.compile(r"の([0-9０-９一二三四五六七八九十]+)(?:つ|個|種類|点)")
_EMPHASIS = re.compile(r"(?:いわゆる|所謂|特に|通称)")
_KANJI_NUM = {
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}
EXAMPLE_OR_AMOUNT = re.compile(
    r"等|など|例|e\.g\.|[〜～~]|\d|[０-９]|数[十百千万]|何[人個回]|程度|くらい|ぐらい|以上|以下|未満"
    r"|^(?:無料|有料|必須|任意|税込|税抜|予定|仮)$"
)
"""A bracket that holds an example, an amount or an attribute (``Core i7等``, ``数十〜数百人``,
``無料``): never the definition of the word before it."""
_LIST_LEAD = re.compile(r"^(?:主に|おもに|特に|例えば|たとえば)")


def _is_gloss(content: str) -> bool:
    """A short Japanese noun phrase usable as a gloss (人工知能, 特別な文字)."""
    if not content or len(content) > 25:
        return False
    tokens = tokenize(content)
    return bool(tokens) and all(
        t.pos in ("名詞", "接頭詞", "記号") or t.surface in ("の", "な") for t in tokens
    )


def _term_shaped(content: str) -> bool:
    stripped = content.strip()
    latin_or_kata = all(is_latin(c) or is_katakana(c) or c in " -・0123456789" for c in stripped)
    return latin_or_kata and is_valid_term(stripped) and whole_term(stripped)


def _brackets(sentence: Sentence) -> list[Finding]:
    text = sentence.text
    found: list[Finding] = []
    for match in islice(re.finditer(r"[（(]([^()（）]{1,60})[)）]", text), MAX_CANDIDATES):
        inner = match.group(1).strip()
        before = text[: match.start()]
        if not before.strip():
            continue
        if " " in inner and all(is_latin(c) or c in " -" for c in inner):
            continue  # Latin expansions are handled by the initials check
        _, outer = chain_ending_at(text, match.start())
        if _term_shaped(inner) and not (outer and _term_shaped(outer)):
            # description(X): the clause before the bracket describes the term inside it.
            cut = max(before.rfind("、"), before.rfind("。"), before.rfind(","))
            described = before[cut + 1 :]
            if described.startswith(("「", "『")):
                continue
            back = clean_back_ja(described)
            if back and not same_text(back, inner) and len(back) >= 3:
                found.append(Finding(inner, back, sentence, "description(X)", 2.5, _is_gloss(back)))
        elif (
            outer
            and is_valid_term(outer)
            and is_technical(outer)
            and _is_gloss(inner)
            and not _term_shaped(inner)
            and not EXAMPLE_OR_AMOUNT.search(inner)
        ):
            # "CPU（Core i7等）", "参加者（数十〜数百人）", "番号（数字）": an example, an amount or
            # an everyday noun's paraphrase is not a definition (and reversed, two bad cards).
            found.append(Finding(outer, inner, sentence, "X(gloss)", 2.5, True))
    return found


def _enumeration(sentence: Sentence) -> list[Finding]:
    text = sentence.text
    match = _ENUM.search(text)
    if not match:
        return []
    raw = match.group(1)
    count = _KANJI_NUM.get(raw) or int(raw) if raw.isdigit() or raw in _KANJI_NUM else 0
    if count < 2:
        return []
    before = text[: match.start()]
    pieces = re.split(r"[、,]", before)
    if len(pieces) < count:
        return []
    last = re.split(r"(?<=[^\s])(?:と|や|および|及び|、)(?=[^\s])", pieces[-1])
    items = pieces[-count:-1] + last[-1:] if len(last) == 1 else pieces[-(count - 1) : -1] + last
    items = [_LIST_LEAD.sub("", item).strip() for item in items][-count:]
    if len(items) != count or not all(whole_term(i) and len(i) <= 20 for i in items):
        return []
    topic_text = "、".join(pieces[:-count]) if len(pieces) > count else ""
    topic_match = re.search(r"([^、,。]+?)は[、,]?$", topic_text)
    topic = topic_match.group(1) if topic_match else ""
    topic = re.sub(r"(?:いわゆる|所謂)", "", topic).strip()
    if not topic or not is_valid_term(topic) or has_anaphor_ja(topic):
        return []
    cloze = drop_asides(text)
    for item in items:
        cloze = cloze.replace(item, "{{c1::" + item + "}}", 1)
    start = cloze.find(topic_match.group(1)) if topic_match else -1
    if start > 0:
        cloze = cloze[start:]
    # "…の4つの性質で、頭文字をとってACID特性と呼ばれます": the list has a name of its own.
    named = re.search(r"([^、。をはが]{1,30})と(?:呼ばれ|呼び|いい|言い|いう)", text[match.end() :])
    if named:
        _, name = chain_ending_at(named.group(1), len(named.group(1)))
        if name and is_valid_term(name):
            topic = name
    return [Finding(topic, "", sentence, "enumeration", 2.0, False, cloze)]


def _heading_definition(sentence: Sentence) -> list[Finding]:
    if not sentence.first_in_section or sentence.kind != "text":
        return []
    term = heading_term(sentence.section)
    text = sentence.text.rstrip("。！!")
    if not term or not re.search(r"(?:です|である|だ)$", text):
        return []
    tokens = tokenize(text)
    if any(t.pos == "助詞" and t.surface in ("は", "が") for t in tokens):
        return []
    core = re.sub(r"(?:です|である|だ)$", "", text)
    tail = tokenize(core)
    if not tail or tail[-1].pos != "名詞" or term.lower() in core.lower():
        return []
    back = clean_back_ja(core)
    if not back:
        return []
    return [Finding(term, back, sentence, "heading+definition", 2.0, len(back) <= 40)]


def _emphasis(sentence: Sentence) -> list[Finding]:
    text = sentence.text
    found: list[Finding] = []
    for match in islice(_EMPHASIS.finditer(text), MAX_CANDIDATES):
        term = chain_starting_at(text, match.end())
        if not term:
            after = text[match.end() :]
            m2 = re.match(r"(?:その中に|その|この)?[^、。]{0,20}?(?<=[たるな])", after)
            term = chain_starting_at(text, match.end() + m2.end()) if m2 else ""
        strong = match.group(0) in ("いわゆる", "所謂", "通称")
        if term and is_valid_term(term) and (is_technical(term) or strong and len(term) >= 3):
            found.append(Finding(term, "", sentence, "so-called" if strong else "emphasis", 0.0))
    for match in re.finditer(r"[「『]([^「」『』]{1,30})[」』]", text):
        term = match.group(1)
        if is_valid_term(term) and whole_term(term) and is_technical(term):
            found.append(Finding(term, "", sentence, "quoted", 0.0))
    return found


@rule(
    "glossary (ja)",
    2.5,
    "ja",
    (
        Example(
            "- アルベド：天体が受けた光を反射する割合", "アルベド", "天体が受けた光を反射する割合"
        ),
        Example("等圧線…気圧が等しい地点を結んだ線。", "等圧線", "気圧が等しい地点を結んだ線"),
    ),
)
@on_plain
def glossary(sentence: Sentence, previous: Sentence | None, names: frozenset[str]) -> list[Finding]:
    """Glossary lines ``X…Y``, ``X：Y``, ``X — Y`` (a Japanese Y must end in a noun)."""
    return find_glossary(sentence, clean_back_ja)


@rule(
    "description(X), X(gloss)",
    2.5,
    "ja",
    (
        Example(
            "文章は、細かく区切った単位(トークン)に分けてから処理します。",
            "トークン",
            "細かく区切った単位",
        ),
        Example("規格はISO(国際標準化機構)が定めています。", "ISO", "国際標準化機構"),
    ),
)
@on_plain
def brackets(sentence: Sentence, previous: Sentence | None, names: frozenset[str]) -> list[Finding]:
    """``description(X)``: the clause before a bracketed term; ``X(gloss)``: a noun gloss."""
    return _brackets(sentence)


@rule(
    "enumeration",
    2.0,
    "ja",
    (Example("光の三原色は、赤、緑、青の3つの色です。", "光の三原色", "緑"),),
)
@on_plain
def enumeration(
    sentence: Sentence, previous: Sentence | None, names: frozenset[str]
) -> list[Finding]:
    """``Xは、A、B、Cの3つの…``: a cloze of the items, named by the topic (or ``…と呼ばれ``)."""
    return _enumeration(sentence)


@rule(
    "heading+definition (ja)",
    2.0,
    "ja",
    (
        Example(
            "## 偏光板\n特定の向きに振動する光だけを通す板です。",
            "偏光板",
            "特定の向きに振動する光だけを通す板",
        ),
    ),
)
@on_plain
def heading_definition(
    sentence: Sentence, previous: Sentence | None, names: frozenset[str]
) -> list[Finding]:
    """A heading names X; its first sentence has no topic and ends in a noun + です."""
    return _heading_definition(sentence)


@rule(
    "emphasis (ja)",
    0.0,
    "ja",
    (
        Example(
            "いわゆるジャストインタイム方式は、必要な部品を必要なときだけ作る生産方式です。",
            "ジャストインタイム方式",
            "",
        ),
    ),
)
@on_plain
def emphasis(sentence: Sentence, previous: Sentence | None, names: frozenset[str]) -> list[Finding]:
    """``いわゆるX``/``通称X`` (so-called), ``特にX``, ``「X」`` (quoted): signals only."""
    return _emphasis(sentence)
