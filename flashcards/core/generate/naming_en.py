"""English rules that name a term or lean on the sentence before, and English signals.

``Y is called X``, ``X, short for Y``; ``That apparent motion is called X`` and ``We call this
… X`` (the demonstrative is the sentence before: a cloze of both); ``… the X. It is a Y``;
``It is a Y`` under a heading naming X; ``so-called X`` and ``"X"`` (ranking signals only).
"""

from __future__ import annotations

import re

from flashcards.core.generate.backs import clean_back_en, drop_asides, is_chatty, same_text
from flashcards.core.generate.en_text import (
    CALLED,
    PREPOSITIONS,
    cut_back,
    definitional,
    heading_term_en,
    make_finding,
    subject_ok,
)
from flashcards.core.generate.findings import Finding
from flashcards.core.generate.rules import Example, rule
from flashcards.core.generate.structure import Sentence
from flashcards.core.generate.terms import is_technical, is_valid_term

# "We call this long, stable stage the main sequence": what is named is the previous sentence.
# "We call this step query rewriting": a demonstrative with a general noun, then the name.
_CALL_THIS_NOUN = re.compile(
    r"^(?:[A-Z][a-z]+\s+){1,2}call(?:s|ed)?\s+(?:this|that|these|those)\s+"
    r"(?:step|process|method|technique|approach|pattern|idea|effect|practice|stage|trick|rule)s?"
    r"\s+(?P<x>[A-Za-z][\w\-]*(?:\s+[A-Za-z][\w\-]*){0,3})$"
)
_CALL_THIS = re.compile(
    r"^(?:[A-Z][a-z]+\s+){1,2}call(?:s|ed)?\s+(?:this|that|these|those|it)\b(?P<y>.*?)\s+"
    r"(?P<x>(?:the|an?)\s+[A-Za-z][\w\-]*(?:\s+[A-Za-z][\w\-]*){0,3})$"
)
_DEMONSTRATIVE = re.compile(r"^(?:this|that|these|those|its|their|such)\b", re.IGNORECASE)
# "AU, short for astronomical unit" / "ATS, which stands for …".
_SHORT_FOR = re.compile(
    r"(?P<x>\b[A-Za-z][\w\-]{0,30}),\s+(?:short for|which stands for|standing for|"
    r"an abbreviation (?:of|for))\s+(?P<y>[A-Za-z][\w\- ]{2,60}?)\s*(?:[,;.]|$)"
)
# "A star like the Sun swells into a red giant." ends with the term the next sentence is about.
_ENDS_WITH_TERM = re.compile(r"\b(?:the|an?)\s+(?P<x>[a-z][\w\-]*(?:\s+[a-z][\w\-]*){0,2})[.!]?$")
_SUBJECT_PRONOUN = re.compile(r"^(?:It|This|They)\s+(?P<verb>is|are|refers to|means)\s+(?P<y>.+)$")
_WE_CALL = re.compile(r"\bwe\s+call\s+(?P<y>.{4,120}?)\s+(?P<x>[\"“'][^\"”']{1,50}[\"”'])")
_SO_CALLED = re.compile(
    r"\b(?:so-called|so called|the term)\s+[\"“']?"
    r"(?P<x>[A-Za-z][\w\-]*(?:\s+(?!(?:in|of|that|which|who|is|are|was|and|or|to|for|with|by|on|at|as)\b)"
    r"[A-Za-z][\w\-]*){0,2})"
)
_QUOTED = re.compile(r"[\"“](?P<x>[A-Za-z][\w\- ]{1,40}?)[\"”]")
_HEADING_LEAD = re.compile(r"^(?:It|This)\s+(?:is|refers to)\s+(?P<y>(?:an?|the)\s+.+)$")


def _short_for(sentence: Sentence) -> list[Finding]:
    """``AU, short for astronomical unit`` (also ``which stands for``)."""
    found: list[Finding] = []
    for match in _SHORT_FOR.finditer(drop_asides(sentence.text)):
        term, expansion = match.group("x"), match.group("y").strip()
        if is_valid_term(term) and not same_text(term, expansion):
            found.append(Finding(term, expansion, sentence, "X, short for Y", 3.0, True))
    return found


def _two_sentence_cloze(previous: Sentence, text: str, term: str) -> str:
    """A cloze of the previous sentence and this one, the term hidden where it appears."""
    joined = f"{drop_asides(previous.text)} {text}"
    if term not in joined:
        return ""
    return joined.replace(term, "{{c1::" + term + "}}")


def _usable_previous(sentence: Sentence, previous: Sentence | None) -> bool:
    return (
        previous is not None
        and previous.section == sentence.section
        and len(previous.text) <= 240
        and not is_chatty(previous.text, "en")
        and not previous.text.rstrip().endswith("?")
    )


def _named_previous(sentence: Sentence, previous: Sentence | None) -> list[Finding]:
    """``That apparent shift is called parallax`` / ``We call this … the main sequence``.

    The demonstrative points at the previous sentence, so the card is a cloze of both.
    """
    if previous is None or not _usable_previous(sentence, previous):
        return []
    text = drop_asides(sentence.text)
    plain = text.rstrip(".!? ")
    match = CALLED.match(plain)
    y = match.group("y") if match else ""
    if not match or not _DEMONSTRATIVE.match(y.strip()):
        match = _CALL_THIS.match(plain) or _CALL_THIS_NOUN.match(plain)
        if not match:
            return []
    term = re.sub(r"^(?:an?|the)\s+", "", match.group("x").strip().strip("\"“”'"))
    if not is_valid_term(term) or len(term.split()) > 4:
        return []
    cloze = _two_sentence_cloze(previous, text, term)
    if not cloze:
        return []
    return [Finding(term, "", sentence, "Y. That is called X", 2.5, False, cloze)]


def _subject_anaphora(sentence: Sentence, previous: Sentence | None) -> list[Finding]:
    """``… about the habitable zone. It is the range of …``: It/This is the previous term.

    ``It is a Y`` gives a definition; ``Its core contracts …`` after ``… into a red giant.``
    gives a cloze of both sentences.
    """
    if previous is None or not _usable_previous(sentence, previous):
        return []
    ending = _ENDS_WITH_TERM.search(drop_asides(previous.text).rstrip())
    if not ending:
        return []
    term = ending.group("x")
    if not subject_ok(term) or any(w in PREPOSITIONS for w in term.split()):
        return []
    text = drop_asides(sentence.text)
    plain = text.rstrip(".!? ")
    match = _SUBJECT_PRONOUN.match(plain)
    if match and definitional(match.group("y")):
        back = cut_back(match.group("y"))
        return make_finding(term, back, sentence, "X. It is a Y", 2.5)
    if re.match(r"^(?:Its|Their)\s+[a-z]", text) and not CALLED.match(plain):
        cloze = _two_sentence_cloze(previous, text, term)
        if cloze:
            return [Finding(term, "", sentence, "X. Its … (cloze)", 2.0, False, cloze)]
    return []


def _called(sentence: Sentence) -> list[Finding]:
    text = drop_asides(sentence.text).rstrip(".!? ")
    match = CALLED.match(text) or _WE_CALL.search(text)
    if not match:
        return []
    term = match.group("x").strip().strip("\"“”'")
    term = re.sub(r"^(?:an?|the)\s+", "", term, flags=re.IGNORECASE)
    back = clean_back_en(match.group("y").strip())
    if not back or not is_valid_term(term) or same_text(term, back):
        return []
    return [Finding(term, back, sentence, "Y is called X", 3.0, True)]


def _heading_definition(sentence: Sentence, anchor: str) -> list[Finding]:
    if not sentence.first_in_section or not anchor or sentence.kind != "text":
        return []
    match = _HEADING_LEAD.match(drop_asides(sentence.text).rstrip(".!? "))
    if not match:
        return []
    back = clean_back_en(match.group("y"))
    if not back:
        return []
    return [Finding(anchor, back, sentence, "heading+definition", 2.0, len(back) <= 90)]


def _emphasis(sentence: Sentence) -> list[Finding]:
    found: list[Finding] = []
    for regex, pattern in ((_SO_CALLED, "so-called"), (_QUOTED, "quoted")):
        for match in regex.finditer(sentence.text):
            term = re.sub(r"^(?:the|an?)\s+", "", match.group("x").strip(), flags=re.IGNORECASE)
            shaped = pattern == "so-called" or is_technical(term, english=True)
            if is_valid_term(term) and shaped and len(term.split()) <= 4:
                found.append(Finding(term, "", sentence, pattern, 0.0))
    return found


@rule(
    "X, short for Y",
    3.0,
    "en",
    (
        Example(
            "The browser speaks HTTP, short for Hypertext Transfer Protocol.",
            "HTTP",
            "Hypertext Transfer Protocol",
        ),
    ),
)
def short_for(sentence: Sentence, previous: Sentence | None) -> list[Finding]:
    """``AU, short for astronomical unit`` (also ``which stands for``, ``an abbreviation of``)."""
    return _short_for(sentence)


@rule(
    "Y. That is called X",
    2.5,
    "en",
    (
        Example(
            "Seen from Earth, a planet sometimes seems to drift backwards for weeks. "
            "That apparent drift is called retrograde motion.",
            "retrograde motion",
            "seems to drift backwards",
        ),
    ),
)
def named_previous(sentence: Sentence, previous: Sentence | None) -> list[Finding]:
    """``That N is called X`` / ``We call this … X``: a cloze of the sentence before and this."""
    return _named_previous(sentence, previous)


@rule(
    "X. It is a Y",
    2.5,
    "en",
    (
        Example(
            "In summer a deep lake forms a thermocline. It is the layer where the temperature "
            "drops quickly with depth.",
            "thermocline",
            "the layer where the temperature drops quickly with depth",
        ),
        Example(
            "Over millions of years the star swells into a red giant. Its outer layers drift "
            "away into space.",
            "red giant",
            "Its outer layers drift away",
        ),
    ),
)
def subject_anaphora(sentence: Sentence, previous: Sentence | None) -> list[Finding]:
    """``… the X. It is a Y`` defines X; ``… the X. Its …`` is a cloze of both sentences."""
    return _subject_anaphora(sentence, previous)


@rule(
    "Y is called X",
    3.0,
    "en",
    (
        Example(
            "A word that sounds like another word but means something else is called a homophone.",
            "homophone",
            "A word that sounds like another word",
        ),
    ),
)
def called(sentence: Sentence, previous: Sentence | None) -> list[Finding]:
    """``Y is called/known as/termed X`` and ``we call Y "X"``."""
    return _called(sentence)


@rule(
    "heading+definition (en)",
    2.0,
    "en",
    (
        Example(
            "## Isobar\nIt is a line on a map that joins places of equal air pressure.",
            "Isobar",
            "a line on a map that joins places of equal air pressure",
        ),
    ),
)
def heading_definition(sentence: Sentence, previous: Sentence | None) -> list[Finding]:
    """A heading names X; its first sentence is ``It is a Y`` / ``This refers to the Y``."""
    return _heading_definition(sentence, heading_term_en(sentence.section))


@rule(
    "emphasis (en)",
    0.0,
    "en",
    (
        Example(
            "Far beyond the planets lies the so-called Oort cloud. The Oort cloud is a "
            "shell of icy bodies around the Sun.",
            "Oort cloud",
            "",
        ),
    ),
)
def emphasis(sentence: Sentence, previous: Sentence | None) -> list[Finding]:
    """``so-called X``, ``the term X`` and a technical ``"X"`` in quotes: signals only."""
    return _emphasis(sentence)
