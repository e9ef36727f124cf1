"""Japanese rules that explain a term through what the text says around it, not a copula.

``…に発表された「X」という論文`` names a work by what it is; ``Ⅱ.いろいろつかえる`` /
``つまり汎用性が高いです`` puts a term on a plain-words heading; ``おなじみXの根幹となるY`` says
what X rests on; ``Xというもの自体は…`` introduces a term by name.
"""

from __future__ import annotations

import re

from flashcards.core.generate.backs import clean_back_ja, drop_asides, has_anaphor_ja
from flashcards.core.generate.findings import Finding
from flashcards.core.generate.lexicon import (
    INTRODUCTION_NOUNS_JA,
    NAMED_KINDS_JA,
    alternation,
    load_list,
)
from flashcards.core.generate.patterns_ja import heading_term
from flashcards.core.generate.rules import Example, Finder, rule
from flashcards.core.generate.structure import Sentence
from flashcards.core.generate.terms import chain_ending_at, is_valid_term, label_term, whole_term

# "…に発表された「X」という論文": the kinds of named things are data (named_kinds_ja.txt).
_NAMED_KIND = re.compile(
    r"(?P<mod>[^、。「」『』\"“”]{6,60}?)[「『\"“](?P<x>[^「」『』\"“”]{2,60})[」』\"”]という"
    r"(?P<kind>" + alternation(NAMED_KINDS_JA) + r")"
)
_IN_OTHER_WORDS = re.compile(
    r"^" + alternation(load_list("in_other_words_ja")) + r"[、,]?"
    r"(?P<x>[^、。はがをにで]{2,20})(?:が高い|が大きい|がある|です|のこと)"
)
_FOUNDATION = re.compile(
    r"(?:おなじみ|有名な|あの)?(?P<x>[A-Za-z][\w\-]*|[ァ-ヶー]{3,})の"
    r"(?P<rel>" + alternation(load_list("foundation_nouns_ja")) + r")(?:と|に)なる(?:の(?:が|は))?"
    r"(?P<y>[A-Za-z][\w\-]*|[ァ-ヶー]{3,})"
)
# "保健所は積極的疫学調査を行う。" + "これは、…ための調査である。": これ is the object before.
_OBJECT_AT_END = re.compile(
    r"(?P<x>[^、。はがをにでとの「」]{2,20})(?:を(?:行う|行います|行った|実施する|実施します|使う|使います|用いる)"
    r"|が(?:ある|あります|起こる|起こります|起きる|起きます|行われる|行われます))。?$"
)
_THIS_IS = re.compile(
    r"^(?:これ|それ)は[、,]?(?P<y>[^。]{6,120}?)(?:である|です|だ|のことである|のことです)。?$"
)
_JOB_OF = re.compile(
    r"^(?:(?:この|その)(?=[^、。]{2,}を))?(?P<y>[^。]{6,100}?)のが(?P<x>[^、。のが]{2,20})の"
    + alternation(load_list("job_nouns_ja"))
    + r"(?:です|である|だ)。?$"
)
_THIS_IS_X = re.compile(
    r"^これが(?P<x>[^、。がは]{2,20})で[、,](?P<y>[^。]{6,120}?)(?:です|である)。?$"
)
# "反対に、だんだん速くしていく指示はアッチェレランド（accelerando）です。": the predicate is
# the term, the topic describes it.
_TOPIC_IS_TERM = re.compile(
    r"^(?:(?:反対に|逆に|一方|また|そして|なお)[、,])?(?P<y>[^。「」]{6,60}?[^をにでとがのもや])は"
    r"(?P<x>[ァ-ヶー・]{3,20}|[A-Za-z][\w\-]*(?: [A-Za-z][\w\-]*){0,2})"
    r"(?:[（(](?P<alias>[^()（）]{1,30})[)）])?(?:です|である|だ)。?$"
)
# "Xは(、)…を担当します" and the other verbs that give a role, task or duty.
_ROLE_JA = re.compile(
    r"^(?P<x>[^、。はがを「」]{1,20})は[、,]?(?P<y>[^。]{4,80}?"
    + alternation(load_list("role_verbs_ja"))
    + r")"
    r"(?P<end>[^。]{0,12})。?$"
)
_ROLE_END = re.compile("^" + alternation(load_list("role_endings_ja")) + "$")
_INTRODUCED = re.compile(r"^(?P<x>[^、。はがを]{2,20})というもの(?:自体|そのもの)?は")


@rule(
    "「X」という論文",
    2.5,
    "ja",
    (
        Example(
            "2017年に発表された「Attention is All You Need」という論文に載った構造です。",
            "Attention is All You Need",
            "2017年に発表された論文",
        ),
        Example(
            "江戸幕府が大名を統制するために定めた「武家諸法度」という法令があります。",
            "武家諸法度",
            "大名を統制するために定めた法令",
        ),
    ),
)
def named_kind(sentence: Sentence, previous: Sentence | None) -> list[Finding]:
    """``…に発表された「X」という論文``: X is the kind, restricted by the clause before it."""
    if sentence.kind != "text":
        return []
    match = _NAMED_KIND.search(drop_asides(sentence.text))
    if not match:
        return []
    term = match.group("x").strip()
    modifier = match.group("mod")
    cut = max(modifier.rfind("、"), modifier.rfind("。"))
    modifier = modifier[cut + 1 :].strip()
    if not term or not modifier or has_anaphor_ja(modifier) or len(term) > 60:
        return []
    back = clean_back_ja(modifier + match.group("kind"))
    return [Finding(term, back, sentence, "「X」という論文", 2.5, False)] if back else []


@rule(
    "heading, つまりX",
    2.5,
    "ja",
    (Example("## いろいろつかえる\nつまり汎用性が高いです。\n", "汎用性", "いろいろつかえる"),),
)
def in_other_words(sentence: Sentence, previous: Sentence | None) -> list[Finding]:
    """A heading in plain words, then ``つまりXが高いです``: the heading explains X."""
    if sentence.kind != "text" or not sentence.first_in_section or not sentence.section:
        return []
    match = _IN_OTHER_WORDS.match(sentence.text)
    if not match:
        return []
    term = match.group("x").strip()
    if not is_valid_term(term) or not label_term(term):
        return []
    heading = re.sub(r"^(?:[0-9IVXⅠ-Ⅻ①-⑳]+[.．]?)\s*", "", sentence.section).strip()
    if not heading or heading_term(heading) or term in heading:
        return []  # a heading that names a term is that term's, not a paraphrase
    back = clean_back_ja(heading)
    return [Finding(term, back, sentence, "heading, つまりX", 2.5, False)] if back else []


@rule(
    "Xの根幹となるY",
    2.5,
    "ja",
    (
        Example(
            "皆さんおなじみChatGPTの根幹となるGPTです。",
            "ChatGPT",
            "GPT",
        ),
    ),
)
def foundation(sentence: Sentence, previous: Sentence | None) -> list[Finding]:
    """``おなじみXの根幹となるY``: X rests on Y (a card for X; Y has its own)."""
    if sentence.kind != "text":
        return []
    match = _FOUNDATION.search(drop_asides(sentence.text))
    if not match:
        return []
    term, base = match.group("x"), match.group("y")
    if term == base or not is_valid_term(term) or not whole_term(term):
        return []
    back = f"{base}が{match.group('rel')}になっている"
    return [Finding(term, back, sentence, "Xの根幹となるY", 2.5, False)]


@rule(
    "Xというものは",
    2.0,
    "ja",
    (
        Example(
            "言語モデルというもの自体は昔からありました。言語モデルの規模は近年急に大きくなりました。",
            "言語モデル",
            "昔から",
        ),
    ),
)
def introduced(sentence: Sentence, previous: Sentence | None) -> list[Finding]:
    """``Xというもの自体は…``: the sentence introduces X by name (a cloze)."""
    if sentence.kind != "text":
        return []
    text = drop_asides(sentence.text).strip()
    match = _INTRODUCED.match(text)
    if not match or len(text) > 120:
        return []
    _, term = chain_ending_at(match.group("x"), len(match.group("x")))
    if term != match.group("x") or not is_valid_term(term):
        return []
    cloze = "{{c1::" + term + "}}" + text[len(term) :]
    return [Finding(term, "", sentence, "Xというものは", 2.0, False, cloze)]


@rule(
    "XをVする。これはYである",
    2.5,
    "ja",
    (
        Example(
            "保健所は積極的疫学調査を行う。これは、感染がどこから広がったかを突き止めるための調査である。",
            "積極的疫学調査",
            "どこから広がったかを突き止めるための調査",
        ),
    ),
)
def object_then_this(sentence: Sentence, previous: Sentence | None) -> list[Finding]:
    """``…Xを行う。これは、Yである。``: これ is the thing the sentence before ends on."""
    if sentence.kind != "text" or previous is None or previous.section != sentence.section:
        return []
    this = _THIS_IS.match(drop_asides(sentence.text).strip())
    before = _OBJECT_AT_END.search(drop_asides(previous.text).strip())
    if not this or not before:
        return []
    _, term = chain_ending_at(before.group("x"), len(before.group("x")))
    if not term or not is_valid_term(term) or term in INTRODUCTION_NOUNS_JA:
        # "活断層という言葉があります。これは…": これ is 活断層 (introduced.py), not 言葉.
        return []
    back = clean_back_ja(this.group("y"))
    return [Finding(term, back, sentence, "XをVする。これはYである", 2.5, False)] if back else []


def _named_and_explained(name: str, pattern: re.Pattern[str]) -> Finder:
    """A finder for a sentence ``pattern`` whose ``x`` is a whole term and ``y`` its back."""

    def find(sentence: Sentence, previous: Sentence | None) -> list[Finding]:
        if sentence.kind != "text":
            return []
        match = pattern.match(drop_asides(sentence.text).strip())
        if not match:
            return []
        _, term = chain_ending_at(match.group("x"), len(match.group("x")))
        if term != match.group("x") or not is_valid_term(term):
            return []
        back = clean_back_ja(match.group("y"))
        return [Finding(term, back, sentence, name, 2.5, False)] if back else []

    return find


# "…を…に直すのがXの仕事です": X by its job (a leading この/その is dropped).
job_of = rule(
    "…のがXの仕事です",
    2.5,
    "ja",
    (
        Example(
            "点数を合計が1になる割合に直すのがソフトマックス関数の仕事です。",
            "ソフトマックス関数",
            "合計が1になる割合に直す",
        ),
    ),
)(_named_and_explained("…のがXの仕事です", _JOB_OF))
# "これがXで、Yです": the sentence names X and says what it is.
this_is_x = rule(
    "これがXで、Yです",
    2.5,
    "ja",
    (
        Example(
            "各単語に順番の情報を足します。これが位置エンコーディングで、順序を伝える仕組みです。",
            "位置エンコーディング",
            "順序を伝える仕組み",
        ),
    ),
)(_named_and_explained("これがXで、Yです", _THIS_IS_X))


@rule(
    "Yは X です",
    2.0,
    "ja",
    (
        Example(
            "反対に、だんだん速くしていく指示はアッチェレランド（accelerando）です。",
            "アッチェレランド",
            "だんだん速くしていく指示",
        ),
    ),
)
def topic_is_term(sentence: Sentence, previous: Sentence | None) -> list[Finding]:
    """``…する指示はX（alias）です``: a description as the topic, the term as the predicate.

    Weak unless the term comes with its other name in brackets (the page introducing it).
    """
    if sentence.kind != "text":
        return []
    # The text as written: the bracket after the term is its other name, not an aside.
    match = _TOPIC_IS_TERM.match(sentence.text.strip())
    if not match:
        return []
    term, alias = match.group("x"), match.group("alias") or ""
    if not is_valid_term(term) or has_anaphor_ja(match.group("y")):
        return []
    back = clean_back_ja(match.group("y"))
    if not back or len(back) < 6:
        return []
    strength = 2.5 if alias else 2.0
    return [Finding(term, back, sentence, "Yは X です", strength, False, alias=alias)]


@rule(
    "Xは…を担当する",
    2.5,
    "ja",
    (
        Example("保健所は、地域の感染症対策を担当します。", "保健所", "地域の感染症対策を担当"),
        Example("検非違使は京の治安維持を任務としました。", "検非違使", "京の治安維持を任務と"),
        Example("リボソームは、タンパク質の合成を担います。", "リボソーム", "タンパク質の合成を担"),
    ),
)
def role_ja(sentence: Sentence, previous: Sentence | None) -> list[Finding]:
    """``Xは…を担当します``, ``…を任務としました``, ``…を担います``: X by its task."""
    if sentence.kind != "text":
        return []
    match = _ROLE_JA.match(drop_asides(sentence.text).strip())
    if not match or not _ROLE_END.match(match.group("end").rstrip("。")):
        return []
    term = match.group("x").strip()
    if not is_valid_term(term) or not whole_term(term):
        return []
    back = clean_back_ja(match.group("y") + match.group("end"))
    if not back:
        return []
    return [Finding(term, back, sentence, "Xは…を担当する", 2.5, False)]


RELATION_RULES_JA = (
    "Xは…を担当する",
    "「X」という論文",
    "heading, つまりX",
    "Xの根幹となるY",
    "Xというものは",
    "XをVする。これはYである",
    "…のがXの仕事です",
    "これがXで、Yです",
    "Yは X です",
)
"""The rules this module registers."""
