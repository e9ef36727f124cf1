"""The back guard: a back cut out of a sentence is not a definition.

Rules find a term and a back by the shape of a sentence, and a shape can match a sentence that
means something else (``… into forward motion is known as the drivetrain`` read as ``Y called
X``). Whatever rule made it, a back that cannot be read on its own is dropped here, in favour of
the term's next finding, or its sentence as a cloze: an English back ending in a copula, a
relative pronoun or an article (``forward motion is``) or starting with a relative pronoun
(``which screw into two arms``); a Japanese back starting or ending with a particle
(``のは禁止で…``, ``…を``), with an object or subject left without its verb
(``それぞれを番号``), or saying only that something exists (``…場所がある``).
"""

from __future__ import annotations

import re

from flashcards.core.generate.lexicon import METADATA_KEYS, load_words
from flashcards.core.generate.textutil import fold
from flashcards.core.generate.tokens import starts_with_particle, tokenize

_DANGLING_EN = load_words("dangling_endings_en")
_OPENERS_EN = load_words("relative_openers_en")
# "how bright it really is", "what colour the light is": a question inside the back ends in its
# copula and is whole.
_EMBEDDED_QUESTION_EN = re.compile(
    r"\b(?:what|how|where|when|why|who|whether)(?:\s+[\w'\-]+){1,6}\s+(?:is|are|was|were)$",
    re.IGNORECASE,
)
# "in which the two sides exchange …": a relative clause with its preposition.
_PREPOSITION_RELATIVE_EN = re.compile(r"^[a-z]+ (?:which|whom|whose)\b", re.IGNORECASE)
# A number with at most a short unit: "4.55メートル", "約150 km", "6目半", "30%".
_QUANTITY = re.compile(r"^(?:約|およそ|about |roughly )?[\d０-９][\d０-９.,．，]*\s*\S{0,5}$")
_KEY = re.compile(r"^([^:：]{1,12})[:：]")
_WORD_EN = re.compile(r"[A-Za-z][\w'\-]*")
# "gives you a lot of this automatically": a pointing word with no noun after it.
_BARE_POINTER_EN = re.compile(
    r"\b(?:this|these|those)\b(?=\s*(?:[,;:.)]|$)|\s+\w+ly\b)", re.IGNORECASE
)
# "…場所があります" / "…人もいる": a sentence saying that something exists defines nothing.
_EXISTS_JA = re.compile(r"[がもは](?:ある|あります|いる|います)。?$")
# "のは禁止で…": the nominaliser の and its particle, the clause they close left behind.
_NOMINAL_NO_JA = re.compile(r"^の[はがをにで]")
# Particles that leave a phrase open; not か (an embedded question: "何周するか") nor まで.
_OPEN_PARTICLES_JA = frozenset(("は", "が", "を", "に", "へ", "で", "と", "の", "も", "や", "より"))
_MIN_HEAD = (12, 6)  # characters a back cut at its last ";" keeps at least (en, ja)
# Words that stand for things named before them: a back cannot open with one ("水と油の…両者を
# つなぐ物質" names them first and is whole).
_POINTING_OPENERS_JA = ("両者", "双方", "それぞれ", "各々", "前者", "後者")
_PREDICATES_JA = frozenset(("動詞", "形容詞", "助動詞"))


def fragment_reason(back: str, lang: str) -> str:
    """Why a back is a fragment of a sentence rather than an answer, or "" when it is whole.

    Args:
        back: One back (not several joined by `` / ``).
        lang: ``"ja"`` or ``"en"``.

    Returns:
        A short label of the fault (``"dangling end"``, ``"relative opener"``, ``"open case"``
        ...), or "" for a back that stands on its own.
    """
    text = back.strip()
    if not text:
        return "empty"
    if _QUANTITY.match(text):
        return "quantity"  # "直径 → 4.55メートル": a value, not what the term is
    if text.endswith(("?", "？")) and not any(c in text for c in ":："):
        # "Dana: should we add editable installs here?" asks; "answers one question: may the
        # container get traffic?" explains by the question it quotes.
        return "question"
    key = _KEY.match(text)
    if key and fold(key.group(1).strip()) in METADATA_KEYS:
        return "metadata"  # "出典: みんなの歴史事典": where the page came from
    if lang == "ja":
        return _fragment_ja(text)
    return _fragment_en(text)


def whole_back(back: str, lang: str) -> str:
    """The back, or its part before a last ``;`` / ``。`` when only the tail is a fragment.

    ``the gap … as a walkway; if a`` (a line cut where the page wrapped) keeps ``the gap … as a
    walkway``; a back that is a fragment as a whole gives "". A back that only says something
    exists is read as the noun phrase of what exists (``人間の判断には…偏りがある`` ->
    ``人間の判断にある、…偏り``) when it can be, else kept: `is_weak_back` ranks it after the
    others (``…場所がある``).
    """
    reason = fragment_reason(back, lang)
    if reason == "existence":
        return _existence_as_noun_phrase(back) or back
    if lang == "ja" and not reason:
        return _cleft_as_noun_phrase(back) or back
    if not reason:
        return back
    cut = max(back.rfind("; "), back.rfind("。"), back.rfind("；"))
    head = back[:cut].strip() if cut > 0 else ""
    if len(head) >= _MIN_HEAD[lang == "ja"] and not fragment_reason(head, lang):
        return head
    return ""


# "人間の判断には、…偏りがある" / "…物質ができたりすることもある": what exists is the answer.
_THERE_IS_IN_JA = re.compile(
    r"^(?P<place>[^、。]{1,30}?)には[、,]?(?P<thing>[^。]+?)が(?:ある|あります)。?$"
)
_HAPPENS_JA = re.compile(r"^(?P<body>[^。]+こと)(?:が|も)(?:ある|あります)。?$")


def _existence_as_noun_phrase(back: str) -> str:
    """``AにはBがある`` as ``Aにある、B``; ``…することもある`` as ``…すること``; else ""."""
    there = _THERE_IS_IN_JA.match(back)
    if there:
        return f"{there.group('place')}にある、{there.group('thing')}"
    happens = _HAPPENS_JA.match(back)
    return happens.group("body") if happens else ""


_CLEFT_JA = re.compile(r"^(?P<clause>[^。]+?)のは[、,]?(?P<noun>[^、。]+)$")


def _cleft_as_noun_phrase(back: str) -> str:
    """``世界で最も広く使われているのは1435mmの軌間`` as ``世界で…使われている1435mmの軌間``.

    A cleft whose clause ends in a verb says what the noun after は does: the clause modifies
    it. After an adjective (``すごいのは…``) it is an evaluation and is left as it is.
    """
    match = _CLEFT_JA.match(back)
    if not match:
        return ""
    clause, noun = tokenize(match.group("clause")), tokenize(match.group("noun"))
    if not clause or not noun or clause[-1].pos not in ("動詞", "助動詞") or noun[-1].pos != "名詞":
        return ""
    return match.group("clause") + match.group("noun")


def is_weak_back(back: str, lang: str) -> bool:
    """Whether a whole back says only that something exists: any other definition comes first."""
    return fragment_reason(back, lang) == "existence"


def _fragment_en(text: str) -> str:
    words = _WORD_EN.findall(text)
    if not words:
        return ""
    if words[0].lower() in _OPENERS_EN or _PREPOSITION_RELATIVE_EN.match(text):
        return "relative opener"
    if (
        not text.rstrip().endswith((")", '"', "”"))
        and words[-1].lower() in _DANGLING_EN
        and not _EMBEDDED_QUESTION_EN.search(text)
    ):
        return "dangling end"
    if _BARE_POINTER_EN.search(text):
        return "bare pointer"
    return ""


def _fragment_ja(text: str) -> str:
    if starts_with_particle(text) or _NOMINAL_NO_JA.match(text):
        return "particle opener"
    if text.startswith(_POINTING_OPENERS_JA):
        return "anaphor"  # "両者を藤原氏が独占した政治": both of what?
    tokens = tokenize(text.rstrip("。"))
    if tokens and tokens[-1].pos == "助詞" and tokens[-1].surface in _OPEN_PARTICLES_JA:
        return "dangling end"
    if _EXISTS_JA.search(text):
        return "existence"
    # The last を/が must have its verb or adjective after it ("それぞれを番号" has none); a
    # サ変 noun closing the back is its verb ("データを保存").
    for i in range(len(tokens) - 1, -1, -1):
        token = tokens[i]
        if token.pos == "助詞" and token.sub == "格助詞" and token.surface in ("を", "が"):
            rest = tokens[i + 1 :]
            if not any(
                t.pos in _PREDICATES_JA or (t.pos == "名詞" and t.sub == "サ変接続") for t in rest
            ):
                return "open case"
            break
    return ""
