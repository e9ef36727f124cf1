"""A term introduced by name in one sentence and explained in the next.

Articles often name a term first and explain it after: ``長周期地震動という言葉があります。
これは、…揺れのことを指します。``, ``もう一つよく出てくるのがX です。これは…手法です。``,
``Consider the roast date. It is the day the beans were roasted.`` The first sentence says
nothing about the term; the second, starting with これは / It is, is its explanation. The
phrases that introduce a term are data (``data/introduction*_ja.txt``, ``introductions_en.txt``).
"""

from __future__ import annotations

import re

from flashcards.core.generate.backs import clean_back_ja, drop_asides, is_chatty
from flashcards.core.generate.en_text import cut_back, make_finding
from flashcards.core.generate.findings import Finding
from flashcards.core.generate.lexicon import INTRODUCTION_NOUNS_JA, alternation, load_list
from flashcards.core.generate.rules import Example, rule
from flashcards.core.generate.structure import Sentence
from flashcards.core.generate.terms import is_valid_term

_NAMED_JA = re.compile(
    r"(?:^|[、,]|では|には)"
    r"(?:[「『](?P<q>[^「」『』。]{1,30})[」』]|(?P<x>[^、。「」『』はがをにでの]{2,25}?))という"
    + alternation(INTRODUCTION_NOUNS_JA)
    + r"(?:も|が)"
    + alternation(load_list("introductions_ja"))
    + r"。?$"
)
_CLEFT_JA = re.compile(
    r"^(?:もう一つ|もうひとつ|次に|最後に|さらに)?[、,]?"
    + alternation(load_list("introduction_clefts_ja"))
    + r"のが(?:[「『](?P<q>[^「」『』。]{1,30})[」』]|(?P<x>[^、。「」『』はがを]{2,25}?))"
    r"(?:だ|です|である)。?$"
)
_THIS_IS_JA = re.compile(
    r"^(?:これ|それ)は[、,]?(?P<y>[^。]{4,160}?)(?:のこと)?"
    r"(?:を指します|を指す|を指しています|を意味します|を意味する|という意味です|"
    r"である|です|だ)?。?$"
)
_INTRO_EN = re.compile(
    r"^(?:(?:now|next|then|first|finally|also),?\s+)?"
    + alternation(load_list("introductions_en"))
    + r"\s+(?:the\s+|an?\s+)?(?P<x>[\"“]?[A-Za-z][\w\-']*(?:\s+[\w\-']+){0,3}[\"”]?)[.!]?$",
    re.IGNORECASE,
)
_IT_IS_EN = re.compile(r"^(?:It|This|That)(?:'s|\s+is|\s+refers\s+to|\s+means)\s+(?P<y>.{6,})$")


def _same_place(sentence: Sentence, previous: Sentence | None) -> Sentence | None:
    if (
        previous is None
        or previous.section != sentence.section
        or sentence.kind != "text"
        or previous.kind != "text"
    ):
        return None
    return previous


@rule(
    "Xという言葉があります。これは…",
    3.0,
    "ja",
    (
        Example(
            "気象の話では霧雨という言葉があります。これは、とても細かい雨粒が降る雨のことです。",
            "霧雨",
            "とても細かい雨粒が降る雨",
        ),
        Example(
            "「寒の戻り」という言葉もよく使われます。これは、春先に一時的に寒さがぶり返すことを指します。",
            "寒の戻り",
            "寒さがぶり返す",
        ),
        Example(
            "もう一つ押さえておきたいのが偏差値だ。これは、平均を50として得点の位置を表した数である。",
            "偏差値",
            "平均を50として",
        ),
    ),
)
def named_then_explained_ja(sentence: Sentence, previous: Sentence | None) -> list[Finding]:
    """``Xという言葉があります。`` or ``…知っておきたいのがXです。``, then ``これは、Y。``."""
    before = _same_place(sentence, previous)
    if before is None:
        return []
    this = _THIS_IS_JA.match(drop_asides(sentence.text).strip())
    intro_text = drop_asides(before.text).strip()
    intro = _NAMED_JA.search(intro_text) or _CLEFT_JA.match(intro_text)
    if not this or not intro:
        return []
    # The name spans from a clause boundary (or its quotes) to という: it is the whole term.
    name = (intro.group("q") or intro.group("x")).strip()
    if not is_valid_term(name):
        return []
    back = clean_back_ja(this.group("y"))
    if not back or len(back) < 6:
        return []
    return [Finding(name, back, sentence, "Xという言葉があります。これは…", 3.0, False)]


@rule(
    "Consider X. It is …",
    2.5,
    "en",
    (
        Example(
            "Consider the dew point. It is the temperature at which the air becomes saturated.",
            "dew point",
            "the temperature at which the air becomes saturated",
        ),
        Example(
            "There is also the offside rule. It's the rule that stops attackers waiting near "
            "the goal.",
            "offside rule",
            "stops attackers waiting near the goal",
        ),
    ),
)
def named_then_explained_en(sentence: Sentence, previous: Sentence | None) -> list[Finding]:
    """``Consider the X.`` / ``There is also X.`` (nothing else), then ``It is Y.``."""
    before = _same_place(sentence, previous)
    if before is None or is_chatty(before.text, "en"):
        return []
    intro = _INTRO_EN.match(drop_asides(before.text).strip())
    this = _IT_IS_EN.match(drop_asides(sentence.text).strip().rstrip(".!"))
    if not intro or not this:
        return []
    term = intro.group("x").strip('"“”')
    return make_finding(term, cut_back(this.group("y")), sentence, "Consider X. It is …", 2.5)


INTRODUCED_RULES = ("Xという言葉があります。これは…", "Consider X. It is …")
"""The rules this module registers."""
