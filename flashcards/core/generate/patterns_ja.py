"""Japanese sentence rules around a copula or a topic: とは, は…です, と言って.

Each rule reads the plain sentence (`ja_text.on_plain`: readings and English names in brackets
taken off) and is registered with its examples (`rules.py`). Naming verbs (と呼ぶ, といいます)
are in `naming_ja.py`; clefts (…のがX) in `clefts_ja.py`; brackets, lists, headings and
emphasis in `marks_ja.py`.
"""

from __future__ import annotations

import re
from itertools import islice

from flashcards.core.generate.backs import clean_back_ja, plain_ending_ja, same_text
from flashcards.core.generate.findings import Finding
from flashcards.core.generate.ja_text import (
    CONNECTIVE,
    LEADING_ANAPHOR_JA,
    TOPIC_LEAD,
    heading_term,
    on_plain,
    relaxed_topic,
    subject_at_start,
    topic,
)
from flashcards.core.generate.lexicon import DEFINING_ENDINGS_JA, EVALUATIVE_JA, alternation
from flashcards.core.generate.rules import Example, rule
from flashcards.core.generate.structure import Sentence
from flashcards.core.generate.terms import chain_ending_at, is_technical, is_valid_term
from flashcards.core.generate.textutil import MAX_CANDIDATES
from flashcards.core.generate.tokens import tokenize

# After "Xとは": "…が異なる/違う", "関係がない", "別の", "逆に", "比較できない": X is compared
# with something, not defined.
_COMPARED = re.compile(
    r"^[、,]?[^、。]{0,12}?(?:が|も|は)?"
    r"(?:異な|違|別|無関係|関係(?:が|は)?な|似て|逆|反対|対照的|比較|比べ)"
)
_TOHA = re.compile(r"(?:とは|というのは|というものは|って)(?!いえ|言え|いっても|言っても)")
# Endings that say "this is what X means": Xは…を指します / のことです / を意味します / をいいます.
DEFINING_END = re.compile(alternation(DEFINING_ENDINGS_JA) + "$")
# "卒論は、…大変な文章です" says how the writer feels about it, not what it is.
EVALUATIVE = re.compile(alternation(EVALUATIVE_JA))
# "麹菌というのは何かというと、…": the rhetorical question is not part of the answer.
_RHETORICAL = re.compile(
    r"^[、,\s]*(?:何|なに|なん)(?:か|なのか)?と(?:いう|言う|いえ|言え)(?:と|ば)[、,]?"
)
# "…変色してしまうことです": a clause ending in a verb or auxiliary, nominalised by こと.
_ACTION = re.compile(r"(?:る|た|う|く|す|つ|ぬ|ぶ|む|ない|れる|せる)こと(?:です|である|だ)$")
_EXISTENTIAL_END = re.compile(r"(?:も|が)(?:あります|ありました|ある|あった|います|いました|いる)$")
_IU_TE = re.compile(r"と(?:言って|いって|言い|いい|呼ばれ(?:る)?|称して)[、,]")


def _toha(sentence: Sentence, names: frozenset[str] = frozenset()) -> list[Finding]:
    text = sentence.text
    found: list[Finding] = []
    for match in islice(_TOHA.finditer(text), MAX_CANDIDATES):
        if match.start() == 0:
            continue
        term = topic(text, match.start(), modified=True, names=names)
        if not term:
            continue
        body = _RHETORICAL.sub("", text[match.end() :])
        if _COMPARED.match(body):
            break  # "保健所とは役割が異なる": とは as "from/with X", a comparison, no definition
        back = clean_back_ja(body)
        if back and not same_text(back, term):
            found.append(Finding(term, back, sentence, "XとはY", 3.0, len(back) <= 60))
        break
    return found


def _parallel(predicate: str) -> tuple[str, str]:
    """Split "A…、Xは B…" (two topics in one sentence) into the first predicate and the rest."""
    for match in islice(re.finditer(r"、(?=([^、。はが]{1,15})は)", predicate), MAX_CANDIDATES):
        rest = predicate[match.end() :]
        if topic(rest, len(match.group(1))):
            return predicate[: match.start()], rest
    return predicate, ""


def has_modifier(core: str) -> bool:
    """Whether a nominal predicate has a clause or の-phrase restricting its head noun."""
    tokens = tokenize(core)
    return any(t.pos in ("動詞", "形容詞", "助動詞") for t in tokens[:-1]) or any(
        t.surface == "の" and t.sub == "連体化" for t in tokens[:-1]
    )


def _wa_desu(
    sentence: Sentence,
    text: str | None = None,
    names: frozenset[str] = frozenset(),
    depth: int = 0,
) -> list[Finding]:
    text = (sentence.text if text is None else text).rstrip("。！!")
    for token in tokenize(text):
        if token.surface == "は" and token.pos == "助詞":
            term = topic(text, token.start, names=names)
            if not term:
                # "パン作りでおなじみの酵母は、…菌類です": a modified topic, kept only when the
                # predicate really defines (a restricted noun or のことです).
                term = subject_at_start(text, token.start, modified=True)
                if not term:
                    return []
                return [
                    f for f in wa_definition(sentence, term, text[token.end :]) if f.strength >= 2.5
                ]
            predicate, rest = _parallel(text[token.end :])
            ending = re.search(r"(?:です|である|だ)$", text)
            found: list[Finding] = []
            if rest and depth < MAX_CANDIDATES:
                found += _wa_desu(sentence, rest, depth=depth + 1)
                if ending and not DEFINING_END.search(predicate):
                    predicate += ending.group(0)  # "親藩は…の大名、譜代大名は…のことです"
            found[:0] = wa_definition(sentence, term, predicate)
            return found
    return []


def wa_definition(sentence: Sentence, term: str, predicate: str) -> list[Finding]:
    """The finding ``XはYです`` gives when ``predicate`` (after は) defines ``term``, if any."""
    defining = DEFINING_END.search(predicate)
    if not defining and not re.search(r"(?:です|である|だ)$", predicate):
        # "積乱雲は、…発達した雲で、雷や大雨をもたらします": the noun phrase before "で、".
        tokens = tokenize(predicate)
        cut = next(
            (
                t.start
                for i, t in enumerate(tokens[1:-1], 1)
                if t.surface == "で"
                and t.pos in ("助動詞", "助詞")
                and tokens[i - 1].pos == "名詞"
                and tokens[i + 1].surface in ("、", ",")
            ),
            -1,
        )
        if cut < 0:
            return []
        predicate = predicate[:cut] + "です"
    tokens = tokenize(predicate)
    if not defining and any(
        t.surface == "は" and t.pos == "助詞" and not (i and tokens[i - 1].sub == "格助詞")
        for i, t in enumerate(tokens)
    ):
        return []  # another topic: a comparison or a story, not a definition ("では" is fine)
    core = re.sub(r"(?:の?こと)?(?:です|である|だ)$", "", predicate)
    core = re.sub(r"[、,\s]+$", "", core)
    action = _ACTION.search(predicate)
    if defining:
        strength = 3.0
    elif action and not EVALUATIVE.search(core):
        # "葉焼けは、…葉が変色してしまうことです": what X is, said as what happens or is done.
        # A short clause ("趣味は、本を読むことです") is weak: it needs a second mention.
        strength = 2.5 if len(core) >= 15 or is_technical(term) else 2.0
    else:
        tail = tokenize(core)
        # A nominal predicate, not an evaluation ("コーヒーは大事です").
        thing = (
            len(tail) >= 2
            and tail[-1].surface in ("もの", "物")
            and (tail[-2].pos == "動詞" or tail[-2].surface == "た")
        )  # "米ぬかに塩と水を混ぜて発酵させたもの"
        if not thing and (
            not tail
            or tail[-1].pos != "名詞"
            or tail[-1].sub in ("非自立", "特殊", "形容動詞語幹", "代名詞")
            # "…の4つです": a count, not a definition (janome read this つ as an auxiliary);
            # "…の一つです" (one of them) is one.
            or (
                len(tail) >= 2
                and tail[-2].sub == "数"
                and tail[-2].surface not in ("一", "1", "１")
                and tail[-1].detail == "助数詞"
            )
        ):
            return []
        restricted = has_modifier(core) and len(core) >= 6 and not EVALUATIVE.search(core)
        strength = 2.5 if restricted else 1.5
        if strength < 2.5 and not is_technical(term):
            return []
    back = clean_back_ja(predicate)
    if back and not same_text(back, term) and len(back) <= 80:
        return [Finding(term, back, sentence, "XはYです", strength, len(back) <= 40)]
    return []


def _cut_at_object_verb(text: str) -> str:
    """Cut a description before ``を/が`` + verb ("…モデルを作ることにも…" -> "…モデル")."""
    tokens = tokenize(text)
    for i, token in enumerate(tokens[:-1]):
        is_object = token.pos == "助詞" and token.surface in ("を", "が") and i > 0
        if is_object and tokens[i - 1].pos == "名詞" and tokens[i + 1].pos == "動詞":
            return text[: token.start]
    return text


def _iu_te(sentence: Sentence, names: frozenset[str] = frozenset()) -> list[Finding]:
    text = sentence.text
    match = _IU_TE.search(text)
    if not match:
        return []
    start, term = chain_ending_at(text, match.start())
    relaxed = relaxed_topic(text, match.start(), names)
    if relaxed and (not term or relaxed.endswith(term)):
        start, term = match.start() - len(relaxed), relaxed
    if not term:
        return []
    lead = text[:start]
    opens = not lead or re.search(r"[、,]$", lead) or CONNECTIVE.fullmatch(lead)
    if not opens and not TOPIC_LEAD.fullmatch(lead):
        return []
    if not is_valid_term(term):
        return []
    rest = text[match.end() :].split("。")[0].rstrip("。！!")
    rest = _EXISTENTIAL_END.sub("", rest)  # "…褐変もあります": the description is "…褐変"
    back = clean_back_ja(_cut_at_object_verb(rest))
    if not back or same_text(back, term):
        return []
    return [Finding(term, back, sentence, "Xと言って、Y", 2.5, len(back) <= 60)]


@rule(
    "XとはY",
    3.0,
    "ja",
    (
        Example(
            "光合成とは、植物が光のエネルギーで糖をつくるはたらきのことです。",
            "光合成",
            "植物が光のエネルギーで糖をつくるはたらき",
        ),
        Example(
            "プロトコルというのは、機械どうしが通信するときの約束ごとです。",
            "プロトコル",
            "機械どうしが通信するときの約束ごと",
        ),
    ),
)
@on_plain
def toha(sentence: Sentence, previous: Sentence | None, names: frozenset[str]) -> list[Finding]:
    """``XとはY`` / ``Xというのは Y`` / ``Xって Y``: the definition follows the topic."""
    return _toha(sentence, names)


@rule(
    "XはYです",
    3.0,
    "ja",
    (
        Example(
            "偏西風は、中緯度の上空を西から東へ吹く強い風です。\n偏西風は季節で位置が変わります。",
            "偏西風",
            "中緯度の上空を西から東へ吹く強い風",
        ),
        Example(
            "浮力は、液体の中の物体を押し上げる力のことです。",
            "浮力",
            "液体の中の物体を押し上げる力",
        ),
        Example(
            "目詰まりは、細かいごみがたまってフィルターの穴がふさがってしまうことです。",
            "目詰まり",
            "フィルターの穴がふさがってしまう",
        ),
        Example(
            "積乱雲は、上昇気流で高く発達した雲で、雷や大雨をもたらします。",
            "積乱雲",
            "上昇気流で高く発達した雲",
        ),
    ),
)
@on_plain
def wa_desu(sentence: Sentence, previous: Sentence | None, names: frozenset[str]) -> list[Finding]:
    """``XはYです``, Y a noun: 3 for ``のことです``/``を指します``, 2.5 restricted, else 1.5."""
    return _wa_desu(sentence, names=names)


@rule(
    "Xと言って、Y",
    2.5,
    "ja",
    (
        Example(
            "蒸留と言って、大きなモデルの知識を小さなモデルに移す手法もあります。",
            "蒸留",
            "大きなモデルの知識を小さなモデルに移す手法",
        ),
    ),
)
@on_plain
def iu_te(sentence: Sentence, previous: Sentence | None, names: frozenset[str]) -> list[Finding]:
    """``Xと言って、Y``: Y, cut before ``を`` + verb, describes X."""
    return _iu_te(sentence, names)


__all__ = ["LEADING_ANAPHOR_JA", "heading_term", "plain_ending_ja"]
