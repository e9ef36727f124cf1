"""English definition patterns: is a, appositives, also called, or, refers to, is called, brackets.

Each sentence is matched twice: as written (for ``ACR (expansion)`` and glossary lines) and as
*plain clauses*: brackets and chatty asides removed, discourse adverbs (``, by contrast,``) dropped
and the sentence cut at ``;`` and at ``, and`` before a new subject, so that the definition in
"The time signature tells you …, and syncopation means …" is found too.
"""

from __future__ import annotations

import re
from functools import lru_cache

from flashcards.core.generate.backs import clean_back_en, drop_asides, same_text
from flashcards.core.generate.findings import Finding, find_expansions, find_glossary
from flashcards.core.generate.lexicon import GENERIC_HEADINGS
from flashcards.core.generate.structure import Sentence
from flashcards.core.generate.terms import is_technical, is_valid_term
from flashcards.core.generate.textutil import fold

_LEAD = (
    r"^(?:(?:In short|Simply put|Put simply|Basically|Formally|Roughly speaking|In other words"
    r"|First|Second|Third|Finally|So|Now|Here|In (?:economics|music|biology|practice|general)"
    r"|Technically|Strictly speaking),\s+)?"
)
_DET = r"(?:(?:An?|The)\s+)?"
_NP = r"(?P<x>[A-Za-z0-9][\w\-+#./' ]{0,58}?)"
_SUBJECT = _DET + _NP
_IS_A = re.compile(_LEAD + _SUBJECT + r"\s+(?:is|are)\s+(?P<y>(?:an?|the|one of the|any)\s+.+)$")
# "Accidentals are symbols such as sharps …": a plural subject, a bare plural noun, a modifier.
_ARE_BARE = re.compile(
    _LEAD + _SUBJECT + r"\s+are\s+(?P<y>(?!not\b)(?:[A-Za-z][\w\-]*\s+){0,2}[a-z][\w\-]*s\b.+)$"
)
_ALIAS_VERB = (
    r"(?:also|sometimes|often|more commonly|usually)\s+(?:called|known as|referred to as|named)"
)
_ALSO = re.compile(
    _LEAD + _SUBJECT + r",?\s+" + _ALIAS_VERB + r"\s+(?P<alias>[^,;]{1,60}?)\s*,\s*"
    r"(?:(?:which|that)\s+)?(?P<rest>.+)?$"
)
_ALSO_END = re.compile(_LEAD + _SUBJECT + r",?\s+" + _ALIAS_VERB + r"\s+(?P<alias>[^,;]{1,60})$")
# "… is the semitone, also called a half step, which is the distance …"
_ALSO_MID = re.compile(
    r"\b(?:the|an?)\s+(?P<x>[a-z][\w\-]*(?:\s+[a-z][\w\-]*){0,3}),\s+" + _ALIAS_VERB + r"\s+"
    r"(?P<alias>[^,;]{1,60}?),\s+(?:which|that|who)\s+(?:is|are|means)\s+(?P<y>.+)$"
)
# "The central bank, the institution that manages …, tries to …" (subject apposition).
_APPOSITIVE_SUBJECT = re.compile(
    _LEAD + _SUBJECT + r",\s+(?P<y>(?:an?|the)\s+[^,;]{4,160}?),\s+(?P<pred>[a-z][\w']*\s.+)$"
)
# "It takes place in the chloroplast, an organelle found in the cells of leaves." (object).
_APPOSITIVE_END = re.compile(
    r"\s(?:the|an?)\s+(?P<x>[A-Za-z][\w\-]*(?:\s+[A-Za-z][\w\-]*){0,3}),\s+"
    r"(?P<y>(?:an?|the)\s+[^;]{4,200})$"
)
# "The opposite, deflation, is a sustained fall …": the bare middle noun phrase is the term.
_NAMED_SUBJECT = re.compile(
    r"^(?:The|Its|Their)\s+[a-z]+,\s+(?P<x>[a-z][\w\-]*(?:\s+[a-z][\w\-]*){0,2}),\s+"
    r"(?:is|are)\s+(?P<y>(?:an?|the)\s+.+)$"
)
# "the interest rate, or the price of borrowing money" / "Dynamics, or the loudness …, are …".
_OR_GLOSS = re.compile(
    r"(?:^|\b(?:the|an?)\s+)(?P<x>[A-Za-z][\w\-]*(?:\s+[a-z][\w\-]*){0,4}),\s+or\s+"
    r"(?P<y>(?:the|an?|its|their)\s+[^,;]{3,80}?|[a-z][\w\-]+)\s*(?:,\s*(?P<rest>.+))?$"
)
# "a faster shutter speed, or a lower ISO" offers alternatives, not another name.
_COMPARATIVE = re.compile(
    r"\b(?:more|less|faster|slower|higher|lower|bigger|smaller|larger|wider|narrower|longer"
    r"|shorter|deeper|shallower|better|worse|cheaper|stronger|weaker)\b"
)
_REFERS = re.compile(
    _LEAD + _SUBJECT + r"\s+(?P<verb>refers to|means|is defined as|denotes|stands for)\s+(?P<y>.+)$"
)
# "Elasticity measures how strongly …", "The law of demand says that …".
_DESCRIBES = re.compile(
    _LEAD + _SUBJECT + r"\s+(?P<verb>measures|describes|tells you|indicates|says that|states that)"
    r"\s+(?P<y>.+)$"
)
_MAKE = re.compile(
    r"^(?P<n>(?:Two|Three|Four|Five|Six|Seven|Eight|Nine|Ten|Twelve|\d+)\s+[a-z][\w\- ]{1,40}?)"
    r"\s+(?:make|makes|make up|form)\s+(?:an?|one)\s+(?P<x>[a-z][\w\- ]{1,40})$"
)
_CALLED = re.compile(
    r"^(?P<y>.{4,160}?)\s+(?:is|are)\s+(?:called|known as|termed|referred to as)\s+"
    r"(?P<x>[\"“']?[A-Za-z0-9][\w\-+#./' ]{0,58}?[\"”']?)(?:,\s.*)?$"
)
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
# "… a neutron star left over: a city-sized ball …": a particle may trail the term.
_TRAIL = r"(?:\s+(?:left over|left behind|behind|instead|as well|too))?"
_APPOSITION_AT = re.compile(
    r"\b(?:the|an?)\s+(?P<x>[A-Za-z][\w\-]*(?:\s+[A-Za-z][\w\-]*){0,2})"
    + _TRAIL
    + r"(?:,|:)\s+(?=(?:an?|the)\s)"
)
_RELATIVE = re.compile(r"\b(?:that|which|who|whose|where|when|made|found|left)\b")
# "A star like the Sun swells into a red giant." ends with the term the next sentence is about.
_ENDS_WITH_TERM = re.compile(r"\b(?:the|an?)\s+(?P<x>[a-z][\w\-]*(?:\s+[a-z][\w\-]*){0,2})[.!]?$")
_SUBJECT_PRONOUN = re.compile(r"^(?:It|This|They)\s+(?P<verb>is|are|refers to|means)\s+(?P<y>.+)$")
_CHATTY_PREVIOUS = re.compile(r"\b(?:I|I'm|I've|my|me|lol)\b")
_WE_CALL = re.compile(r"\bwe\s+call\s+(?P<y>.{4,120}?)\s+(?P<x>[\"“'][^\"”']{1,50}[\"”'])")
_SO_CALLED = re.compile(
    r"\b(?:so-called|so called|the term)\s+[\"“']?"
    r"(?P<x>[A-Za-z][\w\-]*(?:\s+(?!(?:in|of|that|which|who|is|are|was|and|or|to|for|with|by|on|at|as)\b)"
    r"[A-Za-z][\w\-]*){0,2})"
)
_QUOTED = re.compile(r"[\"“](?P<x>[A-Za-z][\w\- ]{1,40}?)[\"”]")
_HEADING_LEAD = re.compile(r"^(?:It|This)\s+(?:is|refers to)\s+(?P<y>(?:an?|the)\s+.+)$")
_DISCOURSE = re.compile(
    r",\s+(?:by contrast|in contrast|however|therefore|though|of course|for example|for instance"
    r"|in fact|in turn|then|too|instead|in practice|in general|on the other hand|in short"
    r"|roughly speaking|strictly speaking|technically)\s*,",
    re.IGNORECASE,
)
_BRACKETED = re.compile(r"\s*[(（][^()（）]*[)）]")
_NEW_CLAUSE = re.compile(
    r"(?:;\s+|,\s+(?:and|but|while|whereas)\s+)(?=(?:(?:an?|the)\s+)?[a-z][\w\-]*(?:\s+[a-z][\w\-]*)?"
    r"\s+(?:is|are|means|refers to|measures|describes|tells you|denotes)\b)"
)
# ", and it sounds nice …": a new clause about something else ends the definition.
_PRONOUN_CLAUSE = re.compile(
    r",\s+(?:and|but|so|because)\s+(?:it|they|this|that|he|she|we|you|I|there)\b"
)
# A definition's noun is followed by what restricts it; an evaluation is not.
_MODIFIER = re.compile(
    r"\b(?:that|which|who|whose|where|of|for|in|on|with|between|within|by|from|to|such as|used"
    r"|around|at|into|under|over|inside|through|across|against"
    r"|built|made|found|measured|played|written|produced|defined|called|consisting|containing)\b"
)
_EVALUATIVE_TEXT = """
    necessity must reward treat joy pain nightmare lifesaver favourite favorite problem mess
    disaster blessing luxury bonus relief classic gem shame pity joke thing idea way lot bit
    good great nice bad best worst terrible awesome amazing real total huge big little fun
    perfect wonderful horrible weird strange cool funny hard easy tough must-have"""
_EVALUATIVE = frozenset(_EVALUATIVE_TEXT.split())
_PRONOUN_TEXT = """
    i we you he she it they this that these those there here my our your his her their its
    me us them what which who"""
_PRONOUNS = frozenset(_PRONOUN_TEXT.split())
_PREPOSITION_TEXT = """
    in on at for with by from to as if when while because since after before into about
    during without"""
_PREPOSITIONS = frozenset(_PREPOSITION_TEXT.split())
_FINITE = re.compile(
    r"\b(?:is|are|was|were|will|would|can|could|should|may|might|must|has|have|had|do|does|did)\b"
)


def _subject_ok(term: str) -> bool:
    words = term.split()
    if not is_valid_term(term) or len(words) > 5:
        return False
    lowered = [w.lower() for w in words]
    if any(w in _PRONOUNS for w in lowered) or lowered[0] in _PREPOSITIONS:
        return False
    # A lower-case subject must look like a noun phrase, not a clause ("the weather today").
    return is_technical(term, english=True) or len(words) <= 3


def _term_of(subject: str) -> str:
    """The term a subject names: ``key of a song`` -> ``key`` (a generic of-phrase is context)."""
    term = re.sub(r"^(?:an?|the|one)\s+", "", subject.strip(), flags=re.IGNORECASE)
    return re.sub(r"^([\w\-]+(?:\s+[\w\-]+)?)\s+of\s+(?:an?|any)\s+[\w\-]+$", r"\1", term)


def _definitional(y: str) -> bool:
    """Whether ``a/the Y`` reads as a definition: a head noun with something restricting it."""
    words = re.sub(r"^(?:an?|the|one of the)\s+", "", y.strip(), flags=re.IGNORECASE).split()
    if not words or words[0].lower() in _EVALUATIVE or words[0].lower() in _PRONOUNS:
        return False
    head = " ".join(words[:10])
    return bool(_MODIFIER.search(head)) and not any(w.lower() in _EVALUATIVE for w in words[:2])


def _strength(term: str, verb: str = "is", y: str = "") -> float:
    # A sentence-initial capital says nothing; only the term's own shape does.
    if is_technical(term, english=True):
        return 3.0
    if verb != "is" or _definitional(y):
        return 2.5
    return 2.0


def _cut_back(y: str) -> str:
    """A back ends where the definition does: before ``;``, ``:`` examples or a new clause."""
    y = re.split(r";\s|:\s", y, maxsplit=1)[0]
    y = _NEW_CLAUSE.split(y, maxsplit=1)[0]
    y = _PRONOUN_CLAUSE.split(y, maxsplit=1)[0]
    return clean_back_en(y)


def _plain_clauses(sentence: Sentence) -> list[str]:
    text = drop_asides(sentence.text)
    text = _DISCOURSE.sub("", text)
    text = _BRACKETED.sub("", text).strip().rstrip(".!? ")
    parts = _NEW_CLAUSE.split(text)
    return [p.strip() for p in parts if p.strip()]


def _finding(
    term: str, back: str, sentence: Sentence, pattern: str, strength: float, reverse: bool = True
) -> list[Finding]:
    term = term.strip().strip("\"“”'")
    if not back or not _subject_ok(term) or same_text(term, back):
        return []
    return [Finding(term, back, sentence, pattern, strength, reverse and len(back) <= 90)]


def _alias_back(rest: str | None, alias: str) -> tuple[str, bool]:
    alias = re.sub(r"^(?:its|their)\s+", "", alias.strip().strip("\"“”'"))
    if not rest:
        return f"Also called {alias}", False
    verb = re.match(r"(?:is|are)\s+(?P<y>(?:an?|the|one of the|what|any)\s.+)$", rest)
    bare = _ARE_BARE.match("X " + rest)
    if not verb and bare and _definitional("a " + bare.group("y")):
        verb = bare
    if verb:
        body = _cut_back(verb.group("y"))
    elif re.match(r"[a-z][\w']*s\b", rest) and not _FINITE.match(rest):
        body = _cut_back(rest)  # "… uses ATP and NADPH to fix carbon dioxide into sugar"
    else:  # "… are written with Italian words": not about what the term is
        return "", False
    return (f"{body} (also called {alias})", True) if body else ("", False)


def _clause(clause: str, sentence: Sentence) -> list[Finding]:
    match = _ALSO.match(clause) or _ALSO_END.match(clause)
    if match:
        rest = match.groupdict().get("rest")
        back, full = _alias_back(rest, match.group("alias"))
        term = _term_of(match.group("x"))
        found = _finding(term, back, sentence, "X, also called Y", 3.0, full)
        if found:
            return found
    match = _NAMED_SUBJECT.match(clause)
    if match:
        back = _cut_back(match.group("y"))
        return _finding(match.group("x"), back, sentence, "The N, X, is a Y", 2.5)
    match = _APPOSITIVE_SUBJECT.match(clause)
    if match and _definitional(match.group("y")) and not _FINITE.search(match.group("y")):
        back = _cut_back(match.group("y"))
        term = _term_of(match.group("x"))
        return _finding(term, back, sentence, "X, a Y, …", _strength(term, "is", back))
    match = _OR_GLOSS.search(clause)
    if (
        match
        and not _FINITE.search(match.group("y"))
        and not _COMPARATIVE.search(match.group("x") + " " + match.group("y"))
    ):
        term = _term_of(match.group("x"))
        rest = match.group("rest")
        back, _ = _alias_back(rest, match.group("y")) if rest else ("", False)
        bare = " " not in match.group("y")
        if not back and not bare:  # "Tea, or coffee, is fine" glosses nothing
            back = _cut_back(re.sub(r"^(?:its|their)\s+", "the ", match.group("y")))
        found = _finding(term, back, sentence, "X, or Y", 2.5)
        if found:
            return found
    match = _IS_A.match(clause)
    if match:
        term, back = _term_of(match.group("x")), _cut_back(match.group("y"))
        found = _finding(term, back, sentence, "X is a Y", _strength(term, "is", back))
        if found:
            return found
    match = _ARE_BARE.match(clause)
    if match and _definitional("a " + match.group("y")):
        term, back = _term_of(match.group("x")), _cut_back(match.group("y"))
        found = _finding(term, back, sentence, "Xs are Ys that …", _strength(term, "are"))
        if found:
            return found
    match = _REFERS.match(clause)
    if match:
        term, back = _term_of(match.group("x")), _cut_back(match.group("y"))
        verb = match.group("verb")
        return _finding(term, back, sentence, f"X {verb} Y", _strength(term, verb))
    match = _DESCRIBES.match(clause)
    if match:
        verb = match.group("verb")
        body = _cut_back(match.group("y"))
        back = body if verb.endswith("that") else f"{verb} {body}" if body else ""
        term = _term_of(match.group("x"))
        return _finding(term, back, sentence, "X measures Y", _strength(term, verb), False)
    match = _MAKE.match(clause)
    if match:
        return _finding(match.group("x"), match.group("n").lower(), sentence, "N Ys make an X", 2.5)
    return []


def _embedded(clause: str, sentence: Sentence) -> list[Finding]:
    """Definitions inside a clause: ``… the X, also called Y, which is Z`` and appositives."""
    match = _ALSO_MID.search(clause)
    if match:
        alias = match.group("alias").strip()
        body = _cut_back(match.group("y"))
        back = f"{body} (also called {alias})" if body else ""
        return _finding(match.group("x"), back, sentence, "the X, also called Y, which is Z", 2.5)
    match = _APPOSITIVE_END.search(clause)
    if match and _definitional(match.group("y")) and not _FINITE.search(match.group("y")):
        back = _cut_back(match.group("y"))
        term = match.group("x")
        return _finding(term, back, sentence, "the X, a Y", _strength(term, "is", back))
    return _appositions(clause, sentence)


def _appositions(clause: str, sentence: Sentence) -> list[Finding]:
    """Appositives anywhere: ``… in a supernova, an explosion that …``, ``a neutron star: a …``.

    The noun phrase after the comma (or colon) must read as a definition (a head noun restricted
    by a modifier) and hold no finite verb of its own before its relative clause, so that lists
    ("the bass, the drums") and new clauses ("the core collapses, the star …") are not taken.
    """
    for match in _APPOSITION_AT.finditer(clause):
        y = clause[match.end() :]
        relative = _RELATIVE.search(y)
        head = y[: relative.start()] if relative else y
        if not _definitional(y) or _FINITE.search(head) or "," in head or len(head.split()) > 6:
            continue
        back = _cut_back(y)
        term = match.group("x")
        found = _finding(term, back, sentence, "the X, a Y (mid-sentence)", 2.5)
        if found:
            return found
    return []


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
        and not _CHATTY_PREVIOUS.search(previous.text)
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
    match = _CALLED.match(plain)
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
    if not _subject_ok(term) or any(w in _PREPOSITIONS for w in term.split()):
        return []
    text = drop_asides(sentence.text)
    plain = text.rstrip(".!? ")
    match = _SUBJECT_PRONOUN.match(plain)
    if match and _definitional(match.group("y")):
        back = _cut_back(match.group("y"))
        return _finding(term, back, sentence, "X. It is a Y", 2.5)
    if re.match(r"^(?:Its|Their)\s+[a-z]", text) and not _CALLED.match(plain):
        cloze = _two_sentence_cloze(previous, text, term)
        if cloze:
            return [Finding(term, "", sentence, "X. Its … (cloze)", 2.0, False, cloze)]
    return []


def _is_a(sentence: Sentence) -> list[Finding]:
    found: list[Finding] = []
    seen: set[str] = set()
    for clause in _plain_clauses(sentence):
        for finding in _clause(clause, sentence) + _embedded(clause, sentence):
            if finding.term.lower() not in seen:
                seen.add(finding.term.lower())
                found.append(finding)
    return found


def _called(sentence: Sentence) -> list[Finding]:
    text = drop_asides(sentence.text).rstrip(".!? ")
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


@lru_cache(maxsize=4096)  # asked for every heading by several stages
def heading_term_en(heading: str) -> str:
    """The term an English heading names (``2. What is a Tokenizer?`` -> ``Tokenizer``), or ""."""
    text = re.sub(r"^(?:\d{1,2}[.)]|[IVX]{1,4}\.)\s*", "", heading).strip().rstrip("?:")
    text = re.sub(r"^(?:What\s+(?:is|are)\s+(?:an?\s+|the\s+)?)", "", text, flags=re.IGNORECASE)
    if fold(text) in GENERIC_HEADINGS:
        return ""  # Summary, Key terms: a part of the page, not a term
    return text if is_valid_term(text) and len(text.split()) <= 4 else ""


def find_en(sentence: Sentence, previous: Sentence | None = None) -> list[Finding]:
    """Every English definition or emphasis finding in one sentence.

    Args:
        sentence: The sentence.
        previous: The sentence before it, for demonstratives (``That shift is called X``) and
            subject pronouns (``… the habitable zone. It is …``).
    """
    findings: list[Finding] = []
    findings += find_expansions(sentence)
    findings += _short_for(sentence)
    findings += _named_previous(sentence, previous)
    findings += _subject_anaphora(sentence, previous)
    findings += find_glossary(sentence, clean_back_en)
    findings += _is_a(sentence)
    findings += _called(sentence)
    findings += _heading_definition(sentence, heading_term_en(sentence.section))
    findings += _emphasis(sentence)
    return findings
