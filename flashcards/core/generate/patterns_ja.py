"""Japanese definition patterns: とは, は…です, と呼ぶ, と言って, brackets, lists, clefts."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from itertools import islice

from flashcards.core.generate.backs import (
    clean_back_ja,
    drop_asides,
    has_anaphor_ja,
    plain_ending_ja,
    same_text,
)
from flashcards.core.generate.findings import Finding, find_expansions, find_glossary
from flashcards.core.generate.lexicon import GENERIC_HEADINGS
from flashcards.core.generate.structure import Sentence
from flashcards.core.generate.terms import (
    chain_ending_at,
    chain_starting_at,
    is_technical,
    is_valid_term,
    whole_term,
)
from flashcards.core.generate.textutil import (
    MAX_CANDIDATES,
    fold,
    is_hiragana,
    is_kanji,
    is_katakana,
    is_latin,
)
from flashcards.core.generate.tokens import tokenize

_CONNECTIVE = re.compile(
    r"^(?:ちなみに|つまり|まず|また|さらに|なお|要するに|簡単に言うと|一言で言うと|端的に言えば|"
    r"結論から言うと|ざっくり言うと|ここで|そして|では|さて|しかし|一方|特に)[、,]"
)
_TOHA = re.compile(r"(?:とは|というのは|というものは|って)(?!いえ|言え|いっても|言っても)")
_NAMING = re.compile(
    r"を(?:総称して|まとめて|略して|一括して|合わせて)?(?P<x>[^をと、。]{1,40}?)"
    r"と(?:呼び|呼ん|呼ぶ|いい|言い|いう|言う|称し|称す)"
)
_NAMING_PAIR = re.compile(r"(?:^|、)(?P<y>[^、。]{2,40}?)を(?P<x>[^、。をと]{1,20})(?=、)")
_PASSIVE_NAMING = re.compile(
    r"は(?P<x>[^をと、。]{1,40}?)と(?:呼ばれ|呼び|呼ぶ|呼ん|いい|言い|いう|言う)(?!って|ながら)"
)
_CONTRAST_LEAD = re.compile(r"^(?:これに対し(?:て)?|それに対し(?:て)?|一方(?:で)?|逆に)[、,]")
# "こうした仕組み", "こちら", "この現象": a demonstrative phrase that points at what was just said.
_REFERS_BACK = re.compile(
    r"^(?:これ|それ|こちら|そちら|このこと|そのこと|"
    r"(?:この|その|こうした|そうした|こういった|そういった|このような|そのような)[^、。をがは]{1,8})$"
)
# "これを相乗効果と呼びます": the thing named is the previous sentence.
_BACK_REFERENCE = frozenset({"これ", "それ", "このこと", "そのこと", "この現象", "この効果"})
# Readings and English names in brackets after a Japanese term: 親藩(しんぱん), 乳化(emulsion).
_NAME_BRACKET = re.compile(
    r"[（(](?P<inner>[ぁ-ゖー・\s]{1,30}|[ァ-ヺー・]{2,20}|[A-Za-z][A-Za-z\-' ]{1,50}"
    r"|[一-龯々]{2,12})[)）]"
)
# A kanji gloss in brackets is another name only where the term is being defined.
_GLOSS_NAMING = re.compile(r"(?:とは|というのは|って|[:：])")
_TOPIC_LEAD = re.compile(r"^(?:いわゆる|所謂|なお、|また、|ちなみに、|一方、|さらに、|特に、)")
# Endings that say "this is what X means": Xは…を指します / のことです / を意味します / をいいます.
_DEFINING_END = re.compile(
    r"(?:のことを指します|のことを指す|のことをいいます|のことを言います|のことです|のことである|"
    r"を指します|を指す|をいいます|を言います|を意味します|を意味する)$"
)
# "卒論は、…大変な文章です" says how the writer feels about it, not what it is.
_EVALUATIVE_JA = re.compile(
    r"(?:大変|面倒|めんど|好き|嫌い|大事|大切|素敵|最高|最悪|楽し|つら|辛い|難しい|おいし|すご|やば|ヤバ)"
)
# "麹菌というのは何かというと、…": the rhetorical question is not part of the answer.
_RHETORICAL = re.compile(
    r"^[、,\s]*(?:何|なに|なん)(?:か|なのか)?と(?:いう|言う|いえ|言え)(?:と|ば)[、,]?"
)
LEADING_ANAPHOR_JA = re.compile(r"^(?:これ|それ|この|その|あれ|こう|そう)")
_EXISTENTIAL_END = re.compile(r"(?:も|が)(?:あります|ありました|ある|あった|います|いました|いる)$")
_IU_TE = re.compile(r"と(?:言って|いって|言い|いい|呼ばれ(?:る)?|称して)[、,]")
_ENUM = re.compile(r"の([0-9０-９一二三四五六七八九十]+)(?:つ|個|種類|点)")
_CLEFT = re.compile(r"のが(?P<x>[^のが、。]{1,40}?)(?:です|だ|である)?[。！!]?$")
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
_EXAMPLE_OR_AMOUNT = re.compile(
    r"等|など|例|e\.g\.|[〜～~]|\d|[０-９]|数[十百千万]|何[人個回]|程度|くらい|ぐらい|以上|以下|未満"
)
_LIST_LEAD = re.compile(r"^(?:主に|おもに|特に|例えば|たとえば)")
_NUMBERING = re.compile(
    r"^(?:(?:\d{1,2}|[IVX]{1,4})[.．]|[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫ][.．]?|[①-⑳]|第[0-9一二三四五六七八九十]+[章節部])\s*"
)


@lru_cache(maxsize=4096)  # asked for every heading by several stages
def heading_term(heading: str) -> str:
    """The term a heading names (``Ⅰ.Transformer`` -> ``Transformer``), or ""."""
    text = _NUMBERING.sub("", heading).strip()
    text = re.sub(r"(?:とは|について|って何)[?？]?$", "", text).strip()
    if fold(text) in GENERIC_HEADINGS:
        return ""  # まとめ, 特徴: a part of the page, not a term
    return text if is_valid_term(text) and whole_term(text) else ""


def _subject_at_start(text: str, end: int, *, modified: bool = False) -> str:
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
    if lead and not _CONNECTIVE.fullmatch(lead) and not _adverbial(lead):
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


def _relaxed_topic(text: str, end: int, names: frozenset[str] = frozenset()) -> str:
    """The whole phrase before ``end`` when a sentence opens with it as its topic.

    janome splits terms such as 重ね合わせ, 量子もつれ or 享保の改革 into pieces a noun chain cannot
    hold; at the very start of a sentence (after いわゆる or a connective) the phrase up to the
    topic particle is the term if it is short and noun-like (nouns, verb stems, の), or if the
    sentence marked it as a name with a bracket (``names``). A leading place name is context, not
    part of the term (長崎の出島 -> 出島).
    """
    lead = _TOPIC_LEAD.match(text)
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


def _bracket_name(before: str) -> str:
    """The name right before a bracket: the clause's opening phrase, else a noun chain."""
    cut = max(before.rfind("、"), before.rfind("。"), before.rfind(","))
    clause = before[cut + 1 :]
    lead = _TOPIC_LEAD.match(clause)
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


def _topic(
    text: str, end: int, *, modified: bool = False, names: frozenset[str] = frozenset()
) -> str:
    """The term that is the topic ending at ``end``: a noun chain, else a relaxed phrase."""
    strict = _subject_at_start(text, end, modified=modified)
    relaxed = _relaxed_topic(text, end, names)
    if relaxed and (not strict or (relaxed.endswith(strict) and len(relaxed) > len(strict))):
        return relaxed
    return strict


def _toha(sentence: Sentence, names: frozenset[str] = frozenset()) -> list[Finding]:
    text = sentence.text
    found: list[Finding] = []
    for match in islice(_TOHA.finditer(text), MAX_CANDIDATES):
        if match.start() == 0:
            continue
        term = _topic(text, match.start(), modified=True, names=names)
        if not term:
            continue
        body = _RHETORICAL.sub("", text[match.end() :])
        back = clean_back_ja(body)
        if back and not same_text(back, term):
            found.append(Finding(term, back, sentence, "XとはY", 3.0, len(back) <= 60))
        break
    return found


def _parallel(predicate: str) -> tuple[str, str]:
    """Split "A…、Xは B…" (two topics in one sentence) into the first predicate and the rest."""
    for match in islice(re.finditer(r"、(?=([^、。はが]{1,15})は)", predicate), MAX_CANDIDATES):
        rest = predicate[match.end() :]
        if _topic(rest, len(match.group(1))):
            return predicate[: match.start()], rest
    return predicate, ""


def _has_modifier(core: str) -> bool:
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
            term = _topic(text, token.start, names=names)
            if not term:
                # "パン作りでおなじみの酵母は、…菌類です": a modified topic, kept only when the
                # predicate really defines (a restricted noun or のことです).
                term = _subject_at_start(text, token.start, modified=True)
                if not term:
                    return []
                return [
                    f
                    for f in _wa_definition(sentence, term, text[token.end :])
                    if f.strength >= 2.5
                ]
            predicate, rest = _parallel(text[token.end :])
            ending = re.search(r"(?:です|である|だ)$", text)
            found: list[Finding] = []
            if rest and depth < MAX_CANDIDATES:
                found += _wa_desu(sentence, rest, depth=depth + 1)
                if ending and not _DEFINING_END.search(predicate):
                    predicate += ending.group(0)  # "親藩は…の大名、譜代大名は…のことです"
            found[:0] = _wa_definition(sentence, term, predicate)
            return found
    return []


def _wa_definition(sentence: Sentence, term: str, predicate: str) -> list[Finding]:
    defining = _DEFINING_END.search(predicate)
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
    if defining:
        strength = 3.0
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
        ):
            return []
        restricted = _has_modifier(core) and len(core) >= 6 and not _EVALUATIVE_JA.search(core)
        strength = 2.5 if restricted else 1.5
        if strength < 2.5 and not is_technical(term):
            return []
    back = clean_back_ja(predicate)
    if back and not same_text(back, term) and len(back) <= 80:
        return [Finding(term, back, sentence, "XはYです", strength, len(back) <= 40)]
    return []


def _named(raw: str) -> str:
    return re.sub(r"[（(][^()（）]*[)）]", "", raw).strip('「」『』" ')


def _naming(sentence: Sentence, previous: Sentence | None = None) -> list[Finding]:
    text = sentence.text
    found: list[Finding] = []
    for match in islice(_NAMING.finditer(text), MAX_CANDIDATES):
        term = _named(match.group("x"))
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
            name = _named(pair.group("x"))
            if is_valid_term(name) and whole_term(name):
                back = clean_back_ja(pair.group("y"))
                if back and not same_text(back, name):
                    found.append(Finding(name, back, sentence, "YをXと呼ぶ", 3.0, True))
    for match in islice(_PASSIVE_NAMING.finditer(text), MAX_CANDIDATES):
        term = _named(match.group("x"))
        if not is_valid_term(term) or not whole_term(term):
            continue
        subject = _CONTRAST_LEAD.sub("", text[: match.start()])
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
    lead = _CONNECTIVE.match(previous.text) or re.match(
        r"^(?:ところが|けれども|でも)[、,]", previous.text
    )
    back = clean_back_ja(previous.text[lead.end() if lead else 0 :])
    if not back or has_anaphor_ja(back):
        return []
    return [Finding(term, back, sentence, "Y。これをXと呼ぶ", 2.5, False)]


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
    if not is_valid_term(phrase) or len(phrase) > 20 or _EVALUATIVE_JA.search(phrase):
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
        match.group("x"), single=_NAME_BRACKET.match(sentence.text, match.end("x")) is not None
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
        return _wa_definition(sentence, term, text[own.end() :])
    if _has_topic(text) or LEADING_ANAPHOR_JA.match(text):
        return []
    if _DEFINING_END.search(text) or re.search(r"(?:もの|物)(?:です|である|だ)$", text):
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
    term = _phrase_term(_named(match.group("x")))
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
    if len(y) < 6 or not _has_modifier(y):
        return []
    back = clean_back_ja(y)
    if not back or same_text(back, term):
        return []
    return [Finding(term, back, sentence, "YがXです", 2.5, len(back) <= 40)]


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
    relaxed = _relaxed_topic(text, match.start(), names)
    if relaxed and (not term or relaxed.endswith(term)):
        start, term = match.start() - len(relaxed), relaxed
    if not term:
        return []
    lead = text[:start]
    opens = not lead or re.search(r"[、,]$", lead) or _CONNECTIVE.fullmatch(lead)
    if not opens and not _TOPIC_LEAD.fullmatch(lead):
        return []
    if not is_valid_term(term):
        return []
    rest = text[match.end() :].split("。")[0].rstrip("。！!")
    rest = _EXISTENTIAL_END.sub("", rest)  # "…褐変もあります": the description is "…褐変"
    back = clean_back_ja(_cut_at_object_verb(rest))
    if not back or same_text(back, term):
        return []
    return [Finding(term, back, sentence, "Xと言って、Y", 2.5, len(back) <= 60)]


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
            and not _EXAMPLE_OR_AMOUNT.search(inner)
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


def _plain(sentence: Sentence) -> tuple[Sentence, dict[str, str]]:
    """The sentence without readings and English names in brackets, and {term: English name}.

    ``重ね合わせ(superposition)は、…`` is matched as ``重ね合わせは、…``; the English name goes
    with the term. Brackets after Latin text (``GPT(Generative …)``) are expansions and stay.
    """
    aliases: dict[str, str] = {}
    pieces: list[str] = []
    last = 0
    text = sentence.text
    for match in islice(_NAME_BRACKET.finditer(text), MAX_CANDIDATES):
        before = text[: match.start()]
        if not before or is_latin(before[-1]) or before[-1] in " 　":
            continue
        inner = match.group("inner").strip()
        if is_katakana(inner[0]) and not text.startswith("は", match.end()):
            continue
        kanji = is_kanji(inner[0])
        if kanji and not _GLOSS_NAMING.match(text, match.end()):
            continue  # "特別な文字(トークン)を…" describes トークン; "酵母(イースト)は" names
        name = _bracket_name(before)
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


def find_ja(sentence: Sentence, previous: Sentence | None = None) -> list[Finding]:
    """Every Japanese definition or emphasis finding in one sentence.

    Args:
        sentence: The sentence.
        previous: The sentence before it, for "これを X と呼びます".
    """
    if any(is_hiragana(c) for c in sentence.text[:1]) and sentence.text.startswith("という"):
        return []
    plain, aliases = _plain(sentence)
    names = frozenset(aliases)
    findings: list[Finding] = []
    findings += find_expansions(sentence)
    findings += find_glossary(plain, clean_back_ja)
    findings += _naming(plain, previous)
    findings += _follow_up(plain, previous)
    findings += _identify(plain, previous)
    findings += _toha(plain, names)
    findings += _iu_te(plain, names)
    findings += _wa_desu(plain, names=names)
    for finder in (
        _brackets,
        _enumeration,
        _heading_definition,
        _cleft,
        _emphasis,
    ):
        findings += finder(plain)
    if plain is not sentence:
        findings = [
            replace(f, sentence=sentence, alias=aliases.get(f.term, f.alias)) for f in findings
        ]
    return findings


__all__ = ["find_ja", "heading_term", "plain_ending_ja"]
