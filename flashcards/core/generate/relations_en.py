"""English definitions that are not "X is a Y": rules read from the shape of the sentence.

``Git lets you record every change``, ``We use a volume to keep data``, ``tiny air sacs called
alveoli``, ``an offer, which is a clear proposal …``, ``When three or more notes sound at once,
they make a chord``. Most are one regular expression with a term group ``x`` and an explanation
group ``y`` (a `_Shape`); the few that need more (the sentence before, a list guard) are written
out below them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from flashcards.core.generate.backs import clean_back_en, drop_asides, has_anaphor_en
from flashcards.core.generate.findings import Finding
from flashcards.core.generate.lexicon import NP_LEAD_EN
from flashcards.core.generate.rules import Example, rule
from flashcards.core.generate.structure import Sentence
from flashcards.core.generate.terms import is_technical, is_valid_term, whole_term

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
    r"(?P<det>an? |the )?(?P<x>[\w\-]+(?: [\w\-]+){0,2}) (?P<y>to .{6,160}?)\.?$"
)
_CALLED_MID = re.compile(
    r"(?:^|\b(?:in|into|of|on|by|with|from|to|as|through) |, )"
    r"(?P<y>(?:(?:an?|the) )?(?:[a-z][\w\-]* ){1,5}[a-z]\w*s?) "
    r"(?:called|known as|named) (?:the |an? )?"
    r"(?P<x>[a-z][\w\-]* [a-z][\w\-]*(?=[.,;]|$)|[a-z][\w\-]*(?=[.,;]| |$))"
)
_RELATIVES = frozenset(("that", "which", "who", "whom", "whose", "where"))
_COPULAS = frozenset(("is", "are", "was", "were", "be", "been"))
# "which screw into two arms": a relative clause ending in a preposition, then Y.
_RELATIVE_Y = re.compile(
    r"^(?:which|that|who) (?P<vp>.*\b(?:into|onto|to|on|in|of|with|from|by|at|over|under|"
    r"through|around|for)) (?P<np>(?:[\w\-]+ ){0,3}[\w\-]+)$"
)
# The noun phrase a relative clause belongs to: "the pedals" of "It starts at the pedals".
_OWNER = re.compile(r"\b(?:the|an?|its|their|your|his|her|our) (?:[\w\-]+ )?[\w\-]+$")
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
    r"\b(?P<y>(?:[Aa]n?|[Tt]he) [a-z][^,;()]{2,80}?), "
    r"(?:known as|also known as|called|also called) "
    r"(?:an? |the )?(?P<x>[a-z][\w\-]*(?: [a-z][\w\-]*){0,2})(?=[,.;]|$)"
)
# Not after "of": "the first note of the scale, the home note …" describes the first note.
_BARE_APPOSITION = re.compile(
    r"\b(?:gives?|gets?|makes?|needs?|uses?|offers?|reach(?:es)?|with|in|into|by|from) "
    r"(?:(?:the|an?) )?(?!(?:one|two|three|four|several|many|some|all|each)\b)"
    r"(?P<x>[a-z][\w\-]*(?: [a-z][\w\-]*)?), "
    # "… a mix of places, so it tastes of that place": a clause after a conjunction, no noun.
    r"(?!(?:so|but|and|or|then|because|yet|while|although|though|if|when|as)\b)"
    r"(?![a-z]+ (?:which|whom|whose)\b)"  # "a handshake, in which …": no appositive
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
    # "An IP address is …": "address" is the term's own noun, not a verb, when a copula follows.
    r"(?P<y>(?!\S+ (?:is|are|was|were)\b)"
    r"[a-z]{3,}s\b(?<!\bis)(?<!\bhas)(?<!\bwas)(?<!\bdoes).{6,160}?)\.?$"
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


def _noun_phrase(words: str) -> str:
    """The noun phrase a run of words ends with (``is mostly viscosity`` -> ``viscosity``)."""
    parts = words.split()
    while parts and parts[0].lower() in NP_LEAD_EN:
        parts = parts[1:]
    return " ".join(parts)


def _english_term(term: str) -> bool:
    words = term.split()
    return (
        is_valid_term(term)
        and whole_term(term)
        and words[0].lower() not in _SUBJECT_STOP
        # "A device that forwards packets …": the noun and its relative pronoun are no term.
        and words[-1].lower() not in _RELATIVES
        and len(words) <= 4
    )


def _named(term: str) -> bool:
    """A capitalised name or a technical shape: a term by its spelling alone."""
    return term[0].isupper() or is_technical(term, english=True)


def _long_subject(match: re.Match[str]) -> bool:
    return len(match.group("y").split()) >= 4


def _no_anaphor(match: re.Match[str]) -> bool:
    return not has_anaphor_en(match.group("y")[:12])


@dataclass(frozen=True)
class _Shape:
    """A rule that is one regular expression: ``x`` names the term, ``y`` explains it.

    Attributes:
        name: The rule's name.
        strength: Its strength (for a lower-case everyday word when ``named`` is set).
        pattern: The expression, matched from the start of the sentence (asides dropped).
        examples: The rule's own examples.
        search: Look anywhere in the sentence, not only from its start.
        as_written: Match the sentence as written (asides kept).
        strip_article: Drop a leading ``A``/``An``/``The`` before matching.
        lead: Put before the explanation (``We use X to …`` gives ``used to …``).
        named: The strength when the term is a name or technical (else ``strength``).
        named_only: Only a name or a technical term counts.
        accept: A further test of the match.
        determined: The strength when the term comes with an article (``A linter lets you
            …``, ``We use the barrel adjuster to …``: a kind of thing, not ``This app``) and
            the explanation has four words or more (else ``strength``).
    """

    name: str
    strength: float
    pattern: re.Pattern[str]
    examples: tuple[Example, ...]
    search: bool = False
    as_written: bool = False
    strip_article: bool = False
    lead: str = ""
    named: float | None = None
    named_only: bool = False
    accept: Callable[[re.Match[str]], bool] | None = None
    determined: float | None = None

    def find(self, sentence: Sentence, previous: Sentence | None) -> list[Finding]:
        """The rule's finding in one sentence (the sentence before is not used)."""
        if sentence.kind != "text":
            return []
        text = sentence.text if self.as_written else drop_asides(sentence.text).strip()
        article = bool(re.match(r"^(?:An?|The) ", text))
        if self.strip_article:
            text = re.sub(r"^(?:An?|The) ", "", text)
        match = self.pattern.search(text) if self.search else self.pattern.match(text)
        if not match or (self.accept is not None and not self.accept(match)):
            return []
        term = match.group("x")
        if not _english_term(term) or (self.named_only and not _named(term)):
            return []
        back = clean_back_en(self.lead + match.group("y"))
        if not back:
            return []
        strength = self.named if self.named is not None and _named(term) else self.strength
        if "det" in self.pattern.groupindex:
            article = bool(match.group("det"))
        if self.determined is not None and article and len(back.split()) >= 4:
            strength = max(strength, self.determined)
        return [Finding(term, back, sentence, self.name, strength)]


_SHAPES = (
    _Shape(
        "X lets you …",
        2.0,
        _LETS_YOU,
        (
            Example(
                "Git lets you record every change to your files.", "Git", "record every change"
            ),
            Example(
                "ESLint helps developers find mistakes before code runs.",
                "ESLint",
                "find mistakes before code runs",
            ),
            Example(
                "A torque wrench lets you tighten a bolt to an exact force.",
                "torque wrench",
                "tighten a bolt to an exact force",
            ),
        ),
        strip_article=True,
        named=2.5,
        determined=2.5,
    ),
    _Shape(
        "We use X to …",
        2.0,
        _WE_USE,
        (
            Example(
                "We use a volume to keep data when a container is removed.\n\n"
                "A volume lives outside the container.",
                "volume",
                "to keep data when a container is removed",
            ),
            Example(
                "We use a spirit level to check that a shelf is straight.",
                "spirit level",
                "to check that a shelf is straight",
            ),
        ),
        lead="used ",
        named=2.5,
        determined=2.5,
    ),
    _Shape(
        "X, which …",
        2.5,
        _WHICH,
        (
            Example(
                "Docker Compose, which runs several containers together, reads one YAML file.",
                "Docker Compose",
                "runs several containers together",
            ),
        ),
        named_only=True,
    ),
    _Shape(
        "Y is what … means by X",
        2.5,
        _WHAT_WE_MEAN,
        (
            Example(
                "Running both and merging the lists is what people mean by hybrid search.",
                "hybrid search",
                "Running both and merging the lists",
            ),
        ),
    ),
    _Shape(
        "a Y, known as X",
        2.5,
        _KNOWN_AS,
        (
            Example(
                "That reply is a new offer, known as a counter-offer, and the first one is gone.",
                "counter-offer",
                "a new offer",
            ),
            Example(
                "The hard outer layer of a tooth, known as enamel, protects it from decay.",
                "enamel",
                "hard outer layer of a tooth",
            ),
        ),
        search=True,
        # "The adaptive immune system, also called acquired immunity, …": a subject renamed,
        # two names of one thing, not a description of it.
        accept=lambda m: not (m.group("y")[0].isupper() and " also " in m.group(0)),
    ),
    _Shape(
        "An X does Y",
        2.0,
        _AN_X_DOES,
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
        named=2.5,
    ),
    _Shape(
        "a X, which does Y",
        2.5,
        _WHICH_DOES,
        (
            Example(
                "Instead you write a Deployment, which describes the Pods you want.",
                "Deployment",
                "describes the Pods you want",
            ),
        ),
        search=True,
    ),
    _Shape(
        "a X: a Y",
        2.5,
        _COLON_APPOSITION,
        (
            Example(
                "Runny lava builds a shield volcano: a broad volcano with gentle slopes.",
                "shield volcano",
                "a broad volcano with gentle slopes",
            ),
            Example(
                "Ash builds a stratovolcano — the steep, cone-shaped mountain people draw.",
                "stratovolcano",
                "cone-shaped mountain",
            ),
        ),
        search=True,
        as_written=True,
    ),
    _Shape(
        "…, geologists call it X",
        2.5,
        _CALL_IT,
        (
            Example(
                "Once the molten rock reaches the surface and flows out, geologists call it lava.",
                "lava",
                "reaches the surface",
            ),
        ),
    ),
    _Shape(
        "The Y is an X",
        2.0,
        _DESCRIPTION_IS_X,
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
        accept=_long_subject,
    ),
    _Shape(
        "When Y, they make a X",
        2.5,
        _WHEN_THEY_MAKE,
        (
            Example(
                "When three or more notes sound at the same time, they make a chord.",
                "chord",
                "three or more notes sound at the same time",
            ),
        ),
    ),
    _Shape(
        "Y; that … is a X",
        2.5,
        _THAT_IS_X,
        (
            Example(
                "The simplest chord stacks two thirds on top of each other; that chord is a triad.",
                "triad",
                "stacks two thirds",
            ),
        ),
        accept=_no_anaphor,
    ),
)
for _shape in _SHAPES:
    rule(_shape.name, _shape.strength, "en", _shape.examples)(_shape.find)


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
        Example(
            "A kite is held by the line, which ties onto two sticks called spars.",
            "spars",
            "two sticks that the line ties onto",
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
    y = match.group("y")
    if any(word in _COPULAS for word in y.lower().split()):
        # "… into forward motion is known as the drivetrain": Y would be a piece of a clause.
        return []
    relative = _RELATIVE_Y.match(y)
    if relative:
        # "the pedals, which screw into two arms called cranks": the arms are what the pedals
        # screw into; the relative clause alone would be a fragment.
        before = drop_asides(sentence.text).strip()[: match.start("y")].rstrip(" ,")
        owner = _OWNER.search(before)
        if not owner:
            return []
        y = f"{relative.group('np')} that {owner.group(0)} {relative.group('vp')}"
    back = clean_back_en(y)
    after = drop_asides(sentence.text).strip()[match.end("x") :]
    verb = _THEN_VERB.match(after)
    if back and verb:
        # "an agent called the kubelet starts the Pods …": what it does is the definition.
        back = clean_back_en(f"{back} that {verb.group(1)}")
        return [Finding(term, back, sentence, "Y called X", 2.5, False)] if back else []
    return [Finding(term, back, sentence, "Y called X", 2.5, True)] if back else []


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


RELATION_RULES_EN = (
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
"""The rules this module registers, in the order the language applies them."""
