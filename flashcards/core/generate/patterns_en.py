"""English definition patterns: is a, also called, refers to, means, is called, brackets."""

from __future__ import annotations

import re

from flashcards.core.generate.backs import clean_back_en, drop_asides, same_text
from flashcards.core.generate.findings import Finding, find_expansions, find_glossary
from flashcards.core.generate.structure import Sentence
from flashcards.core.generate.terms import is_technical, is_valid_term

_LEAD = (
    r"^(?:(?:In short|Simply put|Put simply|Basically|Formally|Roughly speaking|In other words"
    r"|First|Second|Third|Finally|So|Now|Here),\s+)?"
)
_SUBJECT = r"(?:(?:An?|The)\s+)?(?P<x>[A-Za-z0-9][\w\-+#./' ]{0,58}?)"
_IS_A = re.compile(_LEAD + _SUBJECT + r"\s+(?:is|are)\s+(?P<y>(?:an?|the|one of the)\s+.+)$")
_ALSO = re.compile(
    _LEAD + _SUBJECT + r",?\s+(?:also|sometimes|often)\s+(?:called|known as|referred to as)\s+"
    r"(?P<alias>[^,;()]{1,60}?)\s*[,)]\s*(?:(?:is|are)\s+(?P<y>.+))?$"
)
_REFERS = re.compile(
    _LEAD + _SUBJECT + r"\s+(?P<verb>refers to|means|is defined as|denotes|stands for)\s+(?P<y>.+)$"
)
_CALLED = re.compile(
    r"^(?P<y>.{4,160}?)\s+(?:is|are)\s+(?:called|known as|termed|referred to as)\s+"
    r"(?P<x>[\"“']?[A-Za-z0-9][\w\-+#./' ]{0,58}?[\"”']?)$"
)
_WE_CALL = re.compile(r"\bwe\s+call\s+(?P<y>.{4,120}?)\s+(?P<x>[\"“'][^\"”']{1,50}[\"”'])")
_SO_CALLED = re.compile(
    r"\b(?:so-called|so called|the term)\s+[\"“']?"
    r"(?P<x>[A-Za-z][\w\-]*(?:\s+(?!(?:in|of|that|which|who|is|are|was|and|or|to|for|with|by|on|at|as)\b)"
    r"[A-Za-z][\w\-]*){0,2})"
)
_QUOTED = re.compile(r"[\"“](?P<x>[A-Za-z][\w\- ]{1,40}?)[\"”]")
_HEADING_LEAD = re.compile(r"^(?:It|This)\s+(?:is|refers to)\s+(?P<y>(?:an?|the)\s+.+)$")


def _subject_ok(term: str, sentence: Sentence) -> bool:
    words = term.split()
    if not is_valid_term(term) or len(words) > 5:
        return False
    if any(w.lower() in ("i", "we", "you", "my", "our") for w in words):
        return False
    # A lower-case subject must look like a noun phrase, not a clause ("the weather today").
    return is_technical(term, english=True) or len(words) <= 3


def _strength(term: str, verb: str = "is") -> float:
    # A sentence-initial capital says nothing; only the term's own shape does.
    if is_technical(term, english=True):
        return 3.0
    return 2.5 if verb != "is" else 2.0


def _sentence_body(sentence: Sentence) -> str:
    return drop_asides(sentence.text).rstrip(".!? ")


def _is_a(sentence: Sentence) -> list[Finding]:
    text = _sentence_body(sentence)
    match = _ALSO.match(text)
    if match:
        term, alias = match.group("x").strip(), match.group("alias").strip().strip("\"“”'")
        if _subject_ok(term, sentence):
            rest = match.group("y")
            body = clean_back_en(rest) if rest else ""
            back = f"{body} (also called {alias})" if body else f"Also called {alias}"
            return [Finding(term, back, sentence, "X, also called Y", 3.0, bool(body))]
    match = _IS_A.match(text)
    if match:
        term = match.group("x").strip()
        back = clean_back_en(match.group("y"))
        if back and _subject_ok(term, sentence) and not same_text(term, back):
            return [Finding(term, back, sentence, "X is a Y", _strength(term), len(back) <= 90)]
    match = _REFERS.match(text)
    if match:
        term = match.group("x").strip()
        back = clean_back_en(match.group("y"))
        if back and _subject_ok(term, sentence) and not same_text(term, back):
            pattern = f"X {match.group('verb')} Y"
            strength = _strength(term, match.group("verb"))
            return [Finding(term, back, sentence, pattern, strength, len(back) <= 90)]
    return []


def _called(sentence: Sentence) -> list[Finding]:
    text = _sentence_body(sentence)
    match = _CALLED.match(text) or _WE_CALL.search(text)
    if not match:
        return []
    term = match.group("x").strip().strip("\"“”'")
    term = re.sub(r"^(?:an?|the)\s+", "", term, flags=re.IGNORECASE)
    back = clean_back_en(match.group("y").strip())
    if not back or not is_valid_term(term) or same_text(term, back):
        return []
    return [Finding(term, back, sentence, "Y is called X", 3.0, True)]


def _heading_definition(sentence: Sentence, anchor: str) -> list[Finding]:
    if not sentence.first_in_section or not anchor:
        return []
    match = _HEADING_LEAD.match(_sentence_body(sentence))
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
            term = match.group("x").strip()
            shaped = pattern == "so-called" or is_technical(term, english=True)
            if is_valid_term(term) and shaped and len(term.split()) <= 4:
                found.append(Finding(term, "", sentence, pattern, 0.0))
    return found


def heading_term_en(heading: str) -> str:
    """The term an English heading names (``2. What is a Tokenizer?`` -> ``Tokenizer``), or ""."""
    text = re.sub(r"^(?:\d{1,2}[.)]|[IVX]{1,4}\.)\s*", "", heading).strip().rstrip("?:")
    text = re.sub(r"^(?:What\s+(?:is|are)\s+(?:an?\s+|the\s+)?)", "", text, flags=re.IGNORECASE)
    return text if is_valid_term(text) and len(text.split()) <= 4 else ""


def find_en(sentence: Sentence) -> list[Finding]:
    """Every English definition or emphasis finding in one sentence."""
    findings: list[Finding] = []
    findings += find_expansions(sentence)
    findings += find_glossary(sentence, clean_back_en)
    findings += _is_a(sentence)
    findings += _called(sentence)
    findings += _heading_definition(sentence, heading_term_en(sentence.section))
    findings += _emphasis(sentence)
    return findings
