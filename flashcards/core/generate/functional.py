"""Rules for definitions by what a thing does, and English definitions that are not "X is a Y".

``保健所は、地域の感染症対策を担当します`` defines an office by its task; ``Git lets you record
every change``, ``We use a volume to keep data``, ``tiny air sacs called alveoli`` and
``Docker Compose, which runs several containers together, …`` define without a copula.
"""

from __future__ import annotations

import re

from flashcards.core.generate.backs import (
    clean_back_en,
    clean_back_ja,
    drop_asides,
    has_anaphor_en,
)
from flashcards.core.generate.findings import Finding
from flashcards.core.generate.lexicon import load_words
from flashcards.core.generate.rules import Example, rule
from flashcards.core.generate.structure import Sentence
from flashcards.core.generate.terms import is_technical, is_valid_term, whole_term

# "Xは(、)…を担当します" and the other verbs that give a role, task or duty.
_ROLE_JA = re.compile(
    r"^(?P<x>[^、。はがを「」]{1,20})は[、,]?(?P<y>[^。]{4,80}?"
    r"(?:を担当|を担|を任務と|を役割と|の役割を|を仕事と|を司|をつかさど|を管轄|を統括))"
    r"(?P<end>[^。]{0,12})。?$"
)
_ROLE_END = re.compile(
    r"^(?:します|しました|する|した|います|いました|う|った|っています|っていました|"
    r"ります|りました|る|った|しています|していました|とします|としました|とする|とした|"
    r"果たします|果たしました|果たす|果たした|果たしています)$"
)
_EN_TERM = (
    r"[A-Z][\w\-]*(?: [A-Z][\w\-]*){0,3}|[A-Z][\w\-]*(?: [a-z][\w\-]*){1,2}"
    r"|[a-z][\w\-]*(?: [a-z][\w\-]*){0,2}"
)
_LETS_YOU = re.compile(
    r"^(?P<x>" + _EN_TERM + r") (?P<y>(?:lets?|allows?|enables?|helps?) (?:you|us|users|people|"
    r"programs|developers)\b.{6,160}?)\.?$"
)
_WE_USE = re.compile(
    r"^(?:We|You|People|Engineers|Developers|Programmers) (?:use|can use|often use) "
    r"(?:an? |the )?(?P<x>[\w\-]+(?: [\w\-]+){0,2}) (?P<y>to .{6,160}?)\.?$"
)
_CALLED_MID = re.compile(
    r"(?:^|\b(?:in|into|of|on|by|with|from|to|as|through) |, )"
    r"(?P<y>(?:(?:an?|the) )?(?:[a-z][\w\-]* ){1,5}[a-z]\w*s?) "
    r"(?:called|known as|named) (?:the |an? )?"
    r"(?P<x>[a-z][\w\-]* [a-z][\w\-]*(?=[.,;]|$)|[a-z][\w\-]*(?=[.,;]| |$))"
)
_WHICH = re.compile(r"^(?:The |An? )?(?P<x>" + _EN_TERM + r"), which (?P<y>[^,]{6,120}),")
_WHAT_WE_MEAN = re.compile(
    r"^(?P<y>[A-Z][^,;]{8,160}?) is what (?:\w+ ){0,2}(?:means?|calls?|call) "
    r"(?:by )?(?:an? |the )?(?P<x>[\w\-]+(?: [\w\-]+){0,3})\.?$"
)
_WHICH_IS = re.compile(
    r"(?:^|\b)(?P<x>[a-z][\w\-]*(?: [a-z][\w\-]*){0,2})(?: \((?P<acr>[A-Z]{2,6})\))?"
    r", which (?:is|are) (?P<y>(?:an?|the) [^,;]{4,160}?)(?:,|;|\.$|$)"
)
_KNOWN_AS = re.compile(
    r"\b(?P<y>(?:an?|the) [a-z][^,;()]{2,80}?), (?:known as|also known as|called|also called) "
    r"(?:an? |the )?(?P<x>[a-z][\w\-]*(?: [a-z][\w\-]*){0,2})(?=[,.;]|$)"
)
_BARE_APPOSITION = re.compile(
    r"\b(?:gives?|gets?|makes?|needs?|uses?|offers?|reach(?:es)?|with|in|into|of|by|from) "
    r"(?:the )?(?!(?:one|two|three|four|several|many|some|all|each)\b)"
    r"(?P<x>[a-z][\w\-]*(?: [a-z][\w\-]*)?), "
    r"(?P<y>(?:an?|one|two|three|several|many) [a-z][^,;]{6,120}?"
    r"|[a-z][\w\-]*(?: [a-z][\w\-]*){0,3} (?:that|which|who|where) [^,;]{4,100}?)"
    r"(?:\.$|$|, (?:which|so|and) )"
)
_COLON_APPOSITION = re.compile(
    r"\b(?:an?|the) (?P<x>[a-z][\w\-]*(?: [a-z][\w\-]*)?)(?::| ?[—–]) "
    r"(?P<y>(?:an?|the) [a-z][^.;:—–]{6,160}?)(?:[.;—–]|$)"
)
_CALL_IT = re.compile(
    r"^(?:(?:Once|When|After|If|As soon as) )?(?P<y>[^,]{8,140}?), "
    r"(?:\w+ ){0,2}call(?:s|ed)? (?:it|them|this|that) (?P<x>[a-z][\w\-]*(?: [a-z][\w\-]*)?)\.?$"
)
_CALL_THIS_BARE = re.compile(
    r"^(?:[A-Z][a-z]+\s+){1,2}call(?:s|ed)?\s+(?:this|that)\s+"
    r"(?P<x>[a-z][\w\-]*(?:\s+[a-z][\w\-]*){0,2})\.?$"
)
_THEN_VERB = re.compile(r"^ ([a-z]{3,}s\b(?<!\bis)(?<!\bhas)(?<!\bwas)(?<!\bdoes).{6,160}?)\.?$")
_AN_X_DOES = re.compile(
    r"^An? (?P<x>[A-Z][\w\-]*(?: [A-Za-z][\w\-]*)?|[a-z][\w\-]*(?: [a-z][\w\-]*)?) "
    r"(?P<y>[a-z]{3,}s\b(?<!\bis)(?<!\bhas)(?<!\bwas)(?<!\bdoes).{6,160}?)\.?$"
)
_WHICH_DOES = re.compile(
    r"\b(?:an?|the) (?P<x>[A-Z][\w\-]*(?: [A-Z][\w\-]*)?), which "
    r"(?P<y>[a-z]{3,}s\b(?<!\bis)(?<!\bhas)(?<!\bwas).{6,200}?)(?:\.$|$)"
)
# "The distance in pitch between any two notes is an interval." / "The note a triad is built on
# is its root": a long description as the subject, the term as the predicate.
_DESCRIPTION_IS_X = re.compile(
    r"^(?P<y>The [a-z][^,;:]{10,140}?) is (?:an?|the|its|their|called) "
    r"(?P<x>[a-z][\w\-]*(?: [a-z][\w\-]*)?)(?:,|\.?$)"
)
# "When three or more notes sound at once, they make a chord."
_WHEN_THEY_MAKE = re.compile(
    r"^(?:When|If|Whenever) (?P<y>[^,]{8,140}), (?:they|it|this|these|that) "
    r"(?:make|makes|form|forms|create|creates|give|gives|produce|produces) "
    r"(?:an?|the) (?P<x>[a-z][\w\-]*(?: [a-z][\w\-]*)?)\.?$"
)
# "The simplest chord stacks two thirds; that three-note chord is a triad."
_THAT_IS_X = re.compile(
    r"^(?P<y>[^;]{10,160}); (?:that|this|such an?)(?: [\w\-]+){0,3} is (?:an?|the|called) "
    r"(?P<x>[a-z][\w\-]*(?: [a-z][\w\-]*)?)\.?$"
)
_SUBJECT_STOP = frozenset({"this", "that", "it", "they", "which", "what", "there", "here"})


def drop_asides_keeping_acronyms(text: str) -> str:
    """The text without asides, but with an acronym in brackets kept (``agreement (NDA)``)."""
    kept = re.sub(r"\(([A-Z]{2,6})\)", lambda m: "\x00" + m.group(1) + "\x01", text)
    return drop_asides(kept).replace("\x00", "(").replace("\x01", ")")


_NP_LEAD = load_words("np_lead_en")


def _noun_phrase(words: str) -> str:
    """The noun phrase a run of words ends with (``is mostly viscosity`` -> ``viscosity``)."""
    parts = words.split()
    while parts and parts[0].lower() in _NP_LEAD:
        parts = parts[1:]
    return " ".join(parts)


def _english_term(term: str) -> bool:
    words = term.split()
    return (
        is_valid_term(term)
        and whole_term(term)
        and words[0].lower() not in _SUBJECT_STOP
        and len(words) <= 4
    )


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


@rule(
    "X lets you …",
    2.5,
    "en",
    (
        Example("Git lets you record every change to your files.", "Git", "record every change"),
        Example(
            "ESLint helps developers find mistakes before the code runs.",
            "ESLint",
            "find mistakes before the code runs",
        ),
    ),
)
def lets_you(sentence: Sentence, previous: Sentence | None) -> list[Finding]:
    """``X lets you …``, ``X allows/enables/helps …``: X by what it makes possible."""
    text = re.sub(r"^(?:An?|The) ", "", drop_asides(sentence.text).strip())
    match = _LETS_YOU.match(text)
    if not match or sentence.kind != "text":
        return []
    term = match.group("x")
    if not _english_term(term):
        return []
    back = clean_back_en(match.group("y"))
    strength = 2.5 if is_technical(term, english=True) or term[0].isupper() else 2.0
    return [Finding(term, back, sentence, "X lets you …", strength)] if back else []


@rule(
    "We use X to …",
    2.0,
    "en",
    (
        Example(
            "We use a volume to keep data when a container is removed.\n\n"
            "A volume lives outside the container.",
            "volume",
            "to keep data when a container is removed",
        ),
    ),
)
def we_use(sentence: Sentence, previous: Sentence | None) -> list[Finding]:
    """``We use X to …``: X by its purpose (weak: the term must recur)."""
    match = _WE_USE.match(drop_asides(sentence.text).strip())
    if not match or sentence.kind != "text":
        return []
    term = match.group("x")
    if not _english_term(term):
        return []
    back = clean_back_en("used " + match.group("y"))
    strength = 2.5 if term[0].isupper() or is_technical(term, english=True) else 2.0
    return [Finding(term, back, sentence, "We use X to …", strength)] if back else []


@rule(
    "Y called X",
    2.5,
    "en",
    (
        Example("The lungs end in tiny air sacs called alveoli.", "alveoli", "tiny air sacs"),
        Example(
            "Plants store energy in small structures known as plastids.",
            "plastids",
            "small structures",
        ),
        Example(
            "When you swallow, a small flap of cartilage called the epiglottis folds down.",
            "epiglottis",
            "a small flap of cartilage",
        ),
    ),
)
def called_mid(sentence: Sentence, previous: Sentence | None) -> list[Finding]:
    """``… in tiny air sacs called alveoli``: the noun phrase before ``called`` names X."""
    if sentence.kind != "text":
        return []
    match = _CALLED_MID.search(drop_asides(sentence.text).strip())
    if not match:
        return []
    term = match.group("x")
    if not _english_term(term):
        return []
    back = clean_back_en(match.group("y"))
    after = drop_asides(sentence.text).strip()[match.end("x") :]
    verb = _THEN_VERB.match(after)
    if back and verb:
        # "an agent called the kubelet starts the Pods …": what it does is the definition.
        back = clean_back_en(f"{back} that {verb.group(1)}")
        return [Finding(term, back, sentence, "Y called X", 2.5, False)] if back else []
    return [Finding(term, back, sentence, "Y called X", 2.5, True)] if back else []


@rule(
    "X, which …",
    2.5,
    "en",
    (
        Example(
            "Docker Compose, which runs several containers together, reads one YAML file.",
            "Docker Compose",
            "runs several containers together",
        ),
    ),
)
def which_clause(sentence: Sentence, previous: Sentence | None) -> list[Finding]:
    """``X, which …, verb …``: the non-restrictive clause describes X."""
    if sentence.kind != "text":
        return []
    match = _WHICH.match(drop_asides(sentence.text).strip())
    if not match:
        return []
    term = match.group("x")
    if not _english_term(term) or not (term[0].isupper() or is_technical(term, english=True)):
        return []
    back = clean_back_en(match.group("y"))
    return [Finding(term, back, sentence, "X, which …", 2.5)] if back else []


@rule(
    "Y is what … means by X",
    2.5,
    "en",
    (
        Example(
            "Running both and merging the lists is what people mean by hybrid search.",
            "hybrid search",
            "Running both and merging the lists",
        ),
    ),
)
def what_we_mean(sentence: Sentence, previous: Sentence | None) -> list[Finding]:
    """``Y is what everyone means by X`` / ``… is what we call X``: Y defines X."""
    if sentence.kind != "text":
        return []
    match = _WHAT_WE_MEAN.match(drop_asides(sentence.text).strip())
    if not match:
        return []
    term = match.group("x")
    if not _english_term(term):
        return []
    back = clean_back_en(match.group("y"))
    return [Finding(term, back, sentence, "Y is what … means by X", 2.5)] if back else []


@rule(
    "X, which is a Y",
    2.5,
    "en",
    (
        Example(
            "A deal starts with an offer, which is a clear proposal on set terms, and ends later.",
            "offer",
            "a clear proposal on set terms",
        ),
        Example(
            "You may sign a non-disclosure agreement (NDA), which is a contract in which you "
            "promise not to reveal secrets.",
            "non-disclosure agreement",
            "promise not to reveal secrets",
        ),
    ),
)
def which_is(sentence: Sentence, previous: Sentence | None) -> list[Finding]:
    """``… an offer, which is a clear proposal …``: a non-restrictive clause defines X."""
    if sentence.kind != "text":
        return []
    found: list[Finding] = []
    for match in _WHICH_IS.finditer(drop_asides_keeping_acronyms(sentence.text)):
        term = _noun_phrase(match.group("x"))
        if not _english_term(term):
            continue
        back = clean_back_en(match.group("y"))
        if back:
            alias = match.group("acr") or ""
            found.append(Finding(term, back, sentence, "X, which is a Y", 2.5, alias=alias))
    return found


@rule(
    "a Y, known as X",
    2.5,
    "en",
    (
        Example(
            "That reply is a new offer, known as a counter-offer, and the first one is gone.",
            "counter-offer",
            "a new offer",
        ),
    ),
)
def known_as(sentence: Sentence, previous: Sentence | None) -> list[Finding]:
    """``… a new offer, known as a counter-offer``: the noun phrase before it describes X."""
    if sentence.kind != "text":
        return []
    match = _KNOWN_AS.search(drop_asides(sentence.text))
    if not match:
        return []
    term = match.group("x")
    if not _english_term(term):
        return []
    back = clean_back_en(match.group("y"))
    return [Finding(term, back, sentence, "a Y, known as X", 2.5)] if back else []


@rule(
    "gives X, a Y",
    2.0,
    "en",
    (
        Example(
            "The deal is binding once the other side gives acceptance, an unconditional yes.\n\n"
            "A late acceptance does not count.",
            "acceptance",
            "an unconditional yes",
        ),
        Example(
            "The airways are lined with cilia, tiny hairs that sweep dust up.\n\n"
            "Smoking stops the cilia.",
            "cilia",
            "tiny hairs that sweep dust up",
        ),
    ),
)
def bare_apposition(sentence: Sentence, previous: Sentence | None) -> list[Finding]:
    """``… gives acceptance, an unconditional yes …``: an appositive after a bare noun (weak)."""
    if sentence.kind != "text":
        return []
    match = _BARE_APPOSITION.search(drop_asides(sentence.text).strip())
    if not match:
        return []
    term = match.group("x")
    head = re.split(r"\b(?:that|which|who|where)\b", match.group("y"), maxsplit=1)[0]
    if not _english_term(term) or re.search(r"\b(?:and|or)\b", head):
        return []  # "of hot gas, ash and rock that …": a list, not an appositive
    back = clean_back_en(match.group("y"))
    # "surfactant, a soapy liquid that lowers …": a restricting clause makes it a definition;
    # a bare "acceptance, an unconditional yes" counts only if the term recurs.
    strength = 2.5 if re.search(r"\b(?:that|which|who|where)\b", back) else 2.0
    return [Finding(term, back, sentence, "gives X, a Y", strength)] if back else []


@rule(
    "Y. Lawyers call this X",
    2.5,
    "en",
    (
        Example(
            "Each side must give something of value in return. Lawyers call this consideration.",
            "consideration",
            "something of value in return",
        ),
    ),
)
def call_this(sentence: Sentence, previous: Sentence | None) -> list[Finding]:
    """``Y. Lawyers call this X.``: the sentence before says what X is."""
    if sentence.kind != "text" or previous is None or previous.section != sentence.section:
        return []
    match = _CALL_THIS_BARE.match(drop_asides(sentence.text).strip())
    if not match or previous.text.rstrip().endswith("?") or has_anaphor_en(previous.text[:12]):
        return []
    term = match.group("x")
    if not _english_term(term):
        return []
    back = clean_back_en(previous.text)
    return [Finding(term, back, sentence, "Y. Lawyers call this X", 2.5)] if back else []


@rule(
    "An X does Y",
    2.5,
    "en",
    (
        Example(
            "A Pod wraps one or more containers that always run together on one machine.",
            "Pod",
            "wraps one or more containers",
        ),
        Example(
            "An inversion moves a chord's lowest note up.\n\nEvery inversion keeps the notes.",
            "inversion",
            "moves a chord's lowest note up",
        ),
        Example(
            "A readiness probe answers one question: may the container get traffic yet?\n\n"
            "Without a readiness probe, traffic arrives too early.",
            "readiness probe",
            "answers one question",
        ),
    ),
)
def an_x_does(sentence: Sentence, previous: Sentence | None) -> list[Finding]:
    """``A Pod wraps one or more containers …``: an indefinite subject and what it does.

    A capitalised name (``A Service``) is a term by its spelling; a lower-case one must recur.
    """
    if sentence.kind != "text":
        return []
    match = _AN_X_DOES.match(drop_asides(sentence.text).strip())
    if not match:
        return []
    term = match.group("x")
    if not _english_term(term):
        return []
    back = clean_back_en(match.group("y"))
    strength = 2.5 if term[0].isupper() or is_technical(term, english=True) else 2.0
    return [Finding(term, back, sentence, "An X does Y", strength)] if back else []


@rule(
    "a X, which does Y",
    2.5,
    "en",
    (
        Example(
            "Instead you write a Deployment, which describes the Pods you want.",
            "Deployment",
            "describes the Pods you want",
        ),
    ),
)
def which_does(sentence: Sentence, previous: Sentence | None) -> list[Finding]:
    """``… you write a Deployment, which describes the Pods you want``: a named thing's job."""
    if sentence.kind != "text":
        return []
    match = _WHICH_DOES.search(drop_asides(sentence.text).strip())
    if not match:
        return []
    term = match.group("x")
    if not _english_term(term):
        return []
    back = clean_back_en(match.group("y"))
    return [Finding(term, back, sentence, "a X, which does Y", 2.5)] if back else []


@rule(
    "a X: a Y",
    2.5,
    "en",
    (
        Example(
            "Runny lava builds a shield volcano: a broad volcano with gentle slopes.",
            "shield volcano",
            "a broad volcano with gentle slopes",
        ),
        Example(
            "Layers of ash build a stratovolcano — the steep, cone-shaped mountain people draw.",
            "stratovolcano",
            "cone-shaped mountain",
        ),
    ),
)
def colon_apposition(sentence: Sentence, previous: Sentence | None) -> list[Finding]:
    """``… a shield volcano: a broad volcano …`` / ``a X — the Y …``: a colon or dash appositive."""
    if sentence.kind != "text":
        return []
    match = _COLON_APPOSITION.search(sentence.text)
    if not match:
        return []
    term = match.group("x")
    if not _english_term(term):
        return []
    back = clean_back_en(match.group("y"))
    return [Finding(term, back, sentence, "a X: a Y", 2.5)] if back else []


@rule(
    "…, geologists call it X",
    2.5,
    "en",
    (
        Example(
            "Once the molten rock reaches the surface and flows out, geologists call it lava.",
            "lava",
            "reaches the surface",
        ),
    ),
)
def call_it(sentence: Sentence, previous: Sentence | None) -> list[Finding]:
    """``When …, geologists call it X``: the clause before names what X is."""
    if sentence.kind != "text":
        return []
    match = _CALL_IT.match(drop_asides(sentence.text).strip())
    if not match:
        return []
    term = match.group("x")
    if not _english_term(term):
        return []
    back = clean_back_en(match.group("y"))
    return [Finding(term, back, sentence, "…, geologists call it X", 2.5)] if back else []


@rule(
    "The Y is an X",
    2.0,
    "en",
    (
        Example(
            "The distance in pitch between any two notes is an interval. Intervals have names.",
            "interval",
            "The distance in pitch between any two notes",
        ),
        Example(
            "The note a triad is built on is its root, and the chord is named after it.\n\n"
            "The root can move.",
            "root",
            "The note a triad is built on",
        ),
    ),
)
def description_is_x(sentence: Sentence, previous: Sentence | None) -> list[Finding]:
    """``The distance in pitch between two notes is an interval``: the subject describes X.

    Weak (the term must recur): ``The best part of the day is the evening`` is no definition.
    """
    if sentence.kind != "text":
        return []
    match = _DESCRIPTION_IS_X.match(drop_asides(sentence.text).strip())
    if not match:
        return []
    term = match.group("x")
    if not _english_term(term) or len(match.group("y").split()) < 4:
        return []
    back = clean_back_en(match.group("y"))
    return [Finding(term, back, sentence, "The Y is an X", 2.0)] if back else []


@rule(
    "When Y, they make a X",
    2.5,
    "en",
    (
        Example(
            "When three or more notes sound at the same time, they make a chord.",
            "chord",
            "three or more notes sound at the same time",
        ),
    ),
)
def when_they_make(sentence: Sentence, previous: Sentence | None) -> list[Finding]:
    """``When three or more notes sound at once, they make a chord``: the condition is X."""
    if sentence.kind != "text":
        return []
    match = _WHEN_THEY_MAKE.match(drop_asides(sentence.text).strip())
    if not match:
        return []
    term = match.group("x")
    if not _english_term(term):
        return []
    back = clean_back_en(match.group("y"))
    return [Finding(term, back, sentence, "When Y, they make a X", 2.5)] if back else []


@rule(
    "Y; that … is a X",
    2.5,
    "en",
    (
        Example(
            "The simplest chord stacks two thirds on top of each other; that chord is a triad.",
            "triad",
            "stacks two thirds",
        ),
    ),
)
def that_is_x(sentence: Sentence, previous: Sentence | None) -> list[Finding]:
    """``…stacks two thirds; that three-note chord is a triad``: the clause before names X."""
    if sentence.kind != "text":
        return []
    match = _THAT_IS_X.match(drop_asides(sentence.text).strip())
    if not match or has_anaphor_en(match.group("y")[:12]):
        return []
    term = match.group("x")
    if not _english_term(term):
        return []
    back = clean_back_en(match.group("y"))
    return [Finding(term, back, sentence, "Y; that … is a X", 2.5)] if back else []


FUNCTIONAL_RULES = (
    "Xは…を担当する",
    "X lets you …",
    "We use X to …",
    "Y called X",
    "X, which …",
    "Y is what … means by X",
    "X, which is a Y",
    "a Y, known as X",
    "gives X, a Y",
    "Y. Lawyers call this X",
    "An X does Y",
    "a X, which does Y",
    "a X: a Y",
    "…, geologists call it X",
    "The Y is an X",
    "When Y, they make a X",
    "Y; that … is a X",
)
"""The rules this module registers."""
