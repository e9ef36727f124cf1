"""Fallback: cards for terms an article clearly teaches when no definition pattern matches.

A term is *taught* when the article names it (``known as X``, ``what people call X``,
``It has a name: X``, ``…をXといいます``, ``…、これがXです``), makes it the subject of a defining
verb (``X is how …``, ``X, measured in …, tells you …``, ``Your X is a Y that …``), ends a
sentence that the next one explains with an anaphoric subject (``… is noise. That's the …``),
introduces it in a verbless line (``Finally, dollar-cost averaging (DCA).``) or heads a section
whose first topic-less sentence describes it (``1. 確証バイアス`` / ``…してしまう傾向。``).

Each such term gets a finding: a cloze of its best explanatory sentence (joined with the
adjacent sentence when one alone leans on an anaphor; never over ``MAX_CLOZE`` characters;
chatty sentences refused), or, when the explanation does not contain the term, a back.
Definitions from the pattern modules always win over these findings (see ``deck._note_for``).
"""

from __future__ import annotations

import re

from flashcards.core.generate.backs import clean_back_en, clean_back_ja, drop_asides
from flashcards.core.generate.corpus import MAX_TERMS, SentenceIndex
from flashcards.core.generate.findings import Finding
from flashcards.core.generate.patterns_en import heading_term_en
from flashcards.core.generate.patterns_ja import LEADING_ANAPHOR_JA, heading_term
from flashcards.core.generate.structure import Document, Sentence
from flashcards.core.generate.terms import is_acronym, is_technical, is_valid_term
from flashcards.core.generate.tokens import tokenize

SIGNAL_THRESHOLD = 2.5
"""Weight of teaching signals (headings, emphasis, aliases, topics, shape) a term needs."""
MAX_CLOZE = 200
"""A fallback cloze is never longer than this (in characters)."""

_CHATTY_EN = re.compile(r"\b(?:I|I'm|I've|I'd|my|me|mine|we'll|lol|haha)\b")
_CHATTY_JA = re.compile(r"(?:私|僕|俺|筆者|笑|めんど|焼肉|焼きそば|テスト|試験勉強)")
_LEAD_EN = re.compile(
    r"^(?:Also|Finally|First|Next|Then|Lastly|So|Now|Here|Anyway|Plus)[,:]?\s+", re.IGNORECASE
)
_LEAD_JA = re.compile(r"^(?:このように|こうして|つまり|要するに|なお|また|ちなみに)[、,]")
_ANAPHOR_START_EN = re.compile(r"^(?:It|Its|It's|That|That's|This|These|They|Those|Such)\b")
_EMPHASIS_RAW = re.compile(
    r"\*\*(?P<b>[^*\n]{2,40})\*\*|`(?P<c>[^`\n]{2,40})`|[「『](?P<j>[^「」『』\n]{2,30})[」』]"
    r"|(?<![\w\"“])[\"“](?P<q>[A-Za-z][\w\- ]{1,40})[\"”]"
)
_ALIASED_EN = re.compile(r"\b(?P<x>[A-Za-z][\w\-]*(?: [a-z][\w\-]*){0,2}) \([A-Za-z][^()]{1,40}\)")
_ALIASED_JA = re.compile(r"(?P<x>[一-龯々ァ-ヺーA-Za-z0-9・]{2,20})[（(][^()（）]{1,40}[)）]")
_TOPIC_EN = re.compile(
    r"^(?:(?:An?|The)\s+)?(?P<x>[A-Za-z][\w\-]*(?: [a-z][\w\-]*){0,2})\s+"
    r"(?:is|are|has|have|can|does|means|makes|gives|keeps|uses)\b"
)
_TOPIC_JA = re.compile(r"^(?P<x>[一-龯々ァ-ヺーA-Za-z0-9・]{2,20})(?:は|とは)")
_SHAPED_JA = re.compile(r"(?:効果|現象|反応|機構|法|率|説|化|性|症|体|剤|素|論|主義|理論)$")
_COPULA_EN = re.compile(
    r"\b(?:is|are|means|refers to|called|known as|describes|measures|stands for)\b"
)
_COPULA_JA = re.compile(r"(?:です|である|とは|という|といい|呼|指し|指す|意味|のこと)")
_INNER_ANAPHOR_EN = re.compile(r"\b(?:this|these|it|they)\s+(?:is|are|was|were)\b", re.I)
_LEANS_EN = re.compile(r"\b(?:it|its|this|they|them)\b")
_WORD = r"[A-Za-z][\w\-/]*"
_NAMED_EN = re.compile(
    r"\b(?:called|call|known as|named|termed|has a name:|have a name:)\s+[\"“]?(?:an?\s+|the\s+)?"
    r"(?P<x>" + _WORD + r"(?:\s+(?:of\s+)?" + _WORD + r"){0,3}?)[\"”]?\s*(?=[.,:;!?(]|$)"
    r"|\bthe (?:term|word) [\"“]?(?P<t>" + _WORD + r"(?:\s+" + _WORD + r"){0,2}?)[\"”]?"
    r"\s+(?:for|to mean|to describe|when)\b"
)
_EXPLAINED_NEXT = re.compile(
    r"^(?:It|That|This)(?:(?:'s|’s|\s+is)\s+(?:simply\s+|just\s+|basically\s+)?"
    r"(?:an?|the|what|how|when|where|one|any)\b|\s+means\s|\s+refers to\s)"
)
_ENDS_WITH_NP = re.compile(
    r"\b(?:the|a|an|your|our|their|its|is|be)\s+(?P<x>[a-z][\w\-]*(?:\s+[a-z][\w\-]*){0,2})$"
)
_SUBJECT_EN = re.compile(
    r"^(?P<det>(?:An?|The|Your|Our|Their)\s+)?"
    r"(?P<x>[A-Za-z][\w\-]*(?:\s+(?:of\s+)?[a-z][\w\-]*){0,3}?)(?:,\s[^,]{1,40},)?\s+"
    r"(?P<v>is|are|means|refers to|stands for|tells you|describes|measures)\s+(?P<y>.+)$"
)
_APPOSITIVE_EN = re.compile(
    r"\bthe (?P<x>[a-z][\w\-]*(?: [a-z][\w\-]*){0,2}), (?:the|an?) (?P<y>[a-z][^,;]+)"
)
# "An mRNA vaccine delivers …": a generic technical subject and what it does.
_GENERIC_ACTS = re.compile(
    r"^An?\s+(?P<x>[A-Za-z][\w\-]*(?:\s+[a-z][\w\-]*){0,2})\s+(?!is\b|was\b|has\b)[a-z]+s\s+\w"
)
_WH = re.compile(r"^(?:simply\s+|just\s+|basically\s+)?(?:how|what|where|when|why|whether)\b")
_RESTRICTED = re.compile(r"^(?:an?|the|one)\s+.*\b(?:that|which|who|whose|where)\b")
_BARE_DEFINITION = re.compile(
    r"^\w+\s+(?:set|used|kept|made|paid|given|held|that|which|who|for|of|you)\b"
)
_NOT_TERMS_TEXT = """
    it this that these those they he she we you i there here what which who people
    everyone everybody someone something anything nothing"""
_NOT_TERMS = frozenset(_NOT_TERMS_TEXT.split())
_VERBLESS_INTRO = re.compile(
    r"^(?P<x>[A-Za-z][\w\-]*(?:\s+[a-z][\w\-]*){0,3})\s*(?:\((?P<alias>[^()]{1,20})\))?\.?$"
)
_JA_TERM = r"[一-龯々〆ァ-ヺーA-Za-z0-9・]{2,20}(?:づけ|付け)?"
_NAMED_JA = re.compile(
    r"(?P<x>" + _JA_TERM + r")(?:[（(][^()（）]{1,40}[)）])?"
    r"(?:と(?:いいます|言います|呼びます|呼ぶ。|呼ばれ(?:ます|る|ている|ています)|名付け)"
    r"|という(?:のです|。|$))"
)
_THIS_IS_JA = re.compile(r"、これが(?P<x>" + _JA_TERM + r")(?:です|だ|である)。?$")
_DEFINING_END_JA = re.compile(
    r"(?:を指します|を指す|のことです|のことである|のこと|です|である)?。?$"
)


def _chatty(text: str, lang: str) -> bool:
    return bool((_CHATTY_JA if lang == "ja" else _CHATTY_EN).search(text))


def _clean(text: str, lang: str, index: SentenceIndex | None = None) -> str:
    text = (index.without_asides(text) if index else drop_asides(text)).strip()
    out = (_LEAD_JA if lang == "ja" else _LEAD_EN).sub("", text).strip()
    return out[:1].upper() + out[1:] if out != text and lang == "en" else out


def _anaphoric(text: str, lang: str) -> bool:
    return bool((LEADING_ANAPHOR_JA if lang == "ja" else _ANAPHOR_START_EN).match(text))


def _resolvable(text: str, section: str) -> bool:
    anchor = heading_term_en(section)
    return bool(anchor) and bool(re.match(r"^(?:Its|It)\b", text)) and anchor not in text


def _continues(term: str, text: str, after: str) -> bool:
    """Whether ``after`` goes on about a name in ``text`` by its head word (f-number / number)."""
    if _anaphoric(after, "en"):
        return False
    names = [term, *re.findall(r"\b[\w]+-[\w\-]+\b", text)]
    heads = {re.split(r"[\s\-]", name)[-1].lower() for name in names}
    words = set(re.findall(r"[a-z]+", after.lower()))
    return any(len(h) >= 4 and h in words for h in heads)


def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch in "_-"  # ``[\w\-]``


def _whole_word(text: str, term: str) -> int:
    r"""Where ``(?<![\w\-])term(?![\w\-])`` first matches ``text``, or -1."""
    at = text.find(term)
    while at >= 0:
        end = at + len(term)
        before = at > 0 and _word_char(text[at - 1])
        if not before and not (end < len(text) and _word_char(text[end])):
            return at
        at = text.find(term, at + 1)
    return -1


def _cloze(term: str, index: int, doc: Document, lang: str, *, join_next: bool = False) -> str:
    """The cloze of sentence ``index`` (and an adjacent one when needed), or ""."""
    sentences = doc.sentences
    sentence = sentences[index]
    parts = [_clean(sentence.text, lang)]
    glue = "" if lang == "ja" else " "
    nxt = sentences[index + 1] if index + 1 < len(sentences) else None
    prev = sentences[index - 1] if index else None
    if _anaphoric(parts[0], lang):
        before = ""
        if prev is not None and prev.section == sentence.section and not _chatty(prev.text, lang):
            before = _clean(prev.text, lang)
        if before and not _anaphoric(before, lang) and not _LEANS_EN.search(before):
            parts.insert(0, before)
        elif lang == "en" and _resolvable(parts[0], sentence.section):
            # "Its size is …" under "### Aperture": say what "Its" is.
            anchor = heading_term_en(sentence.section).lower()
            parts[0] = re.sub(r"^(Its|It)\b", rf"\1 ({anchor})", parts[0])
        else:
            return ""
    if nxt is not None and nxt.section == sentence.section and not _chatty(nxt.text, lang):
        after = _clean(nxt.text, lang)
        explains = _anaphoric(after, lang) and len(parts) == 1 and _EXPLAINED_NEXT.match(after)
        if explains or join_next or (lang == "en" and _continues(term, parts[-1], after)):
            parts.append(after)
    if len(parts) == 1 and lang == "en" and _INNER_ANAPHOR_EN.search(parts[0]):
        return ""  # "In the US this is the Federal Reserve": this is unresolved
    text = glue.join(parts)
    if len(text) > MAX_CLOZE:
        return ""
    if lang == "ja":
        at = text.find(term)
    else:
        at = _whole_word(text, term)
        if at < 0:  # compiling a pattern per term is slow: only when the case differs
            pattern = r"(?<![\w\-])" + re.escape(term) + r"(?![\w\-])"
            found = re.search(pattern, text, re.IGNORECASE)
            at = found.start() if found else -1
    if at < 0:
        return ""
    return text[:at] + "{{c1::" + text[at : at + len(term)] + "}}" + text[at + len(term) :]


def _term_ok(term: str) -> bool:
    words = term.lower().split()
    return (
        bool(words)
        and is_valid_term(term)
        and not any(w in _NOT_TERMS for w in words)
        and len(words) <= 4
    )


def _cloze_finding(
    term: str, index: int, doc: Document, lang: str, pattern: str, strength: float, **kw: bool
) -> list[Finding]:
    cloze = _cloze(term, index, doc, lang, **kw)
    if not cloze:
        return []
    return [Finding(term, "", doc.sentences[index], pattern, strength, False, cloze)]


def _english(doc: Document, index: int) -> list[Finding]:
    sentence = doc.sentences[index]
    if _chatty(sentence.text, "en"):
        return []
    text = _clean(sentence.text, "en")
    plain = text.rstrip(".!? ")
    found: list[Finding] = []
    for match in _NAMED_EN.finditer(plain):
        term = match.group("x") or match.group("t")
        if _term_ok(term):
            found += _cloze_finding(term, index, doc, "en", "taught: named", 2.0)
    nxt = doc.sentences[index + 1] if index + 1 < len(doc.sentences) else None
    subject = _SUBJECT_EN.match(plain.split("; ")[0])
    if subject and not _term_ok(subject["x"]):
        subject = None
    ending = _ENDS_WITH_NP.search(plain)
    # The next sentence's "It" is the subject when there is one, else the last noun phrase.
    if ending and not subject and nxt is not None and nxt.section == sentence.section:
        after = _clean(nxt.text, "en")
        if _EXPLAINED_NEXT.match(after) and _term_ok(ending.group("x")):
            found += _cloze_finding(ending.group("x"), index, doc, "en", "taught: X. It is", 2.0)
    for match in _APPOSITIVE_EN.finditer(plain):
        if _term_ok(match.group("x")) and len(match.group("y").split()) >= 3:
            found += _cloze_finding(match.group("x"), index, doc, "en", "taught: the X, the Y", 2.0)
    if subject:
        term, det, verb, y = subject["x"], subject["det"] or "", subject["v"], subject["y"]
        generic = det.strip() in ("A", "An")
        ok = (
            verb not in ("is", "are")
            or _WH.match(y)
            or _RESTRICTED.match(y)
            or (generic and len(y.split()) >= 4 and _BARE_DEFINITION.match(y))
        )
        if ok and _term_ok(term) and not term.split()[0].endswith("ing"):
            shown = term if term in text else term[0].lower() + term[1:]
            if shown in text or term in text:
                found += _cloze_finding(term, index, doc, "en", "taught: X is how", 2.0)
        if nxt is not None and nxt.section == sentence.section and _term_ok(term):
            after = _clean(nxt.text, "en").rstrip(".!? ")
            means = re.match(r"^It\s+(?P<v>is|means|refers to)\s+(?P<y>.+)$", after)
            if means and (means["v"] != "is" or re.match(r"(?:an?|the)\s", means["y"])):
                back = clean_back_en(re.split(r";\s|:\s", means["y"])[0])
                strength = 2.5 if means["v"] == "is" else 3.0
                if back:
                    found.append(Finding(term, back, nxt, "taught: X … It means Y", strength))
    acts = _GENERIC_ACTS.match(plain)
    if acts and not subject and is_technical(acts["x"], english=True) and _term_ok(acts["x"]):
        found += _cloze_finding(acts["x"], index, doc, "en", "taught: An X does", 2.0)
    intro = _VERBLESS_INTRO.match(_LEAD_EN.sub("", sentence.text.strip()))
    if intro and intro["alias"] and nxt is not None and nxt.section == sentence.section:
        after = _clean(nxt.text, "en")
        alias = intro["alias"]
        term = alias if is_acronym(alias) else intro["x"]
        if (
            _term_ok(intro["x"])
            and not _anaphoric(after, "en")
            and not _chatty(nxt.text, "en")
            and len(after) <= MAX_CLOZE
        ):
            back = clean_back_en(after)
            if back:
                found.append(Finding(term, back, nxt, "taught: verbless intro", 2.5))
    return found


def _japanese(doc: Document, index: int) -> list[Finding]:
    sentence = doc.sentences[index]
    if _chatty(sentence.text, "ja"):
        return []
    text = _clean(sentence.text, "ja")
    found: list[Finding] = []
    for regex, pattern in ((_NAMED_JA, "taught: Xといいます"), (_THIS_IS_JA, "taught: これがX")):
        for match in regex.finditer(text):
            term = match.group("x")
            if _term_ok(term) and len(term) >= 2:
                found += _cloze_finding(term, index, doc, "ja", pattern, 2.0)
    return found + _topic_noun_ending(sentence, text)


def _topic_noun_ending(sentence: Sentence, text: str) -> list[Finding]:
    """``浸透圧は、…水が移動しようとする力。``: a topic and a noun-ending description, no です."""
    match = _TOPIC_JA.match(text)
    if not match or match.group(0).endswith("とは") or not text.endswith("。"):
        return []
    term = match.group("x")
    body = text[match.end() :].lstrip("、,").rstrip("。")
    body = re.sub(r"のこと$", "", body)
    tokens = tokenize(body)
    if not _term_ok(term) or len(body) < 8 or not tokens:
        return []
    last = tokens[-1]
    if last.pos != "名詞" or last.sub not in ("一般", "サ変接続", "接尾"):
        return []
    if any(t.pos == "助詞" and t.surface == "は" for t in tokens):
        return []
    back = clean_back_ja(body)
    if not back:
        return []
    return [Finding(term, back, sentence, "taught: Xは…N。", 2.5, len(back) <= 40)]


def _heading_description_ja(doc: Document, index: int) -> list[Finding]:
    """``1. 確証バイアス`` then ``…してしまう傾向。``: the first topic-less describing sentence."""
    sentence = doc.sentences[index]
    term = heading_term(sentence.section)
    if not term or sentence.section == doc.title or sentence.kind != "text":
        return []
    if term in sentence.text or _anaphoric(sentence.text, "ja"):
        return []
    before = [s for s in doc.sentences[max(0, index - 2) : index] if s.section == sentence.section]
    # The first sentence, or the second after one about a word of the name (ハローは「後光」の意味).
    if len(before) > 1 or _chatty(sentence.text, "ja"):
        return []
    if before and not re.match(r"^[^、。]{1,12}は", before[0].text):
        return []
    core = _DEFINING_END_JA.sub("", drop_asides(sentence.text).strip())
    tokens = tokenize(core)
    if (
        not tokens
        or tokens[-1].pos != "名詞"
        or tokens[-1].sub in ("非自立", "代名詞", "形容動詞語幹", "副詞可能", "ナイ形容詞語幹")
    ):
        return []
    if any(t.pos == "助詞" and t.surface == "は" for t in tokens):
        return []
    back = clean_back_ja(core)
    if not back or len(back) < 8:
        return []
    return [Finding(term, back, sentence, "taught: heading + description", 2.5)]


def _add(
    weights: dict[str, dict[str, float]],
    keys: dict[str, str],
    term: str,
    kind: str,
    weight: float,
) -> None:
    """Record one kind of signal for a term (case-insensitively; each kind counts once).

    ``keys`` maps each lower-cased term to the spelling first recorded (the key of ``weights``).
    """
    term = term.strip()
    if not term or not _term_ok(term):
        return
    key = keys.setdefault(term.lower(), term)
    weights.setdefault(key, {})[kind] = weight


def _signals(doc: Document, lang: str, raw: str, index: SentenceIndex) -> dict[str, float]:
    r"""Weights of the signals that an article teaches a term, whatever its phrasing.

    Headings naming the term, emphasis in the raw text (``**X**``, ``\`X\```, quotes, 「X」),
    a bracketed alias or reading after it, being the topic of two or more sentences in one
    section, and a technical shape (katakana, acronyms, 効果/現象/… compounds).
    """
    weights: dict[str, dict[str, float]] = {}
    keys: dict[str, str] = {}
    for heading in doc.headings:
        name = heading_term(heading) if lang == "ja" else heading_term_en(heading)
        _add(weights, keys, name, "heading", 1.5)
    for match in _EMPHASIS_RAW.finditer(raw):
        _add(weights, keys, next(g for g in match.groups() if g), "emphasis", 1.5)
    topics: dict[tuple[str, str], int] = {}
    for sentence in doc.sentences:
        if _chatty(sentence.text, lang):
            continue
        text = sentence.text
        for match in (_ALIASED_JA if lang == "ja" else _ALIASED_EN).finditer(text):
            _add(weights, keys, match.group("x"), "alias", 1.0)
        topic = (_TOPIC_JA if lang == "ja" else _TOPIC_EN).match(_clean(text, lang, index))
        if topic:
            key = (sentence.section, topic.group("x"))
            topics[key] = topics.get(key, 0) + 1
    for (_, term), count in topics.items():
        if count >= 2:
            _add(weights, keys, term, "topic", 1.0)
    totals: dict[str, float] = {}
    for term, kinds in weights.items():
        shaped = is_technical(term, english=lang == "en") or bool(_SHAPED_JA.search(term))
        totals[term] = sum(kinds.values()) + (0.5 if shaped else 0.0)
    return totals


def _explanation(
    term: str, doc: Document, lang: str, index: SentenceIndex, named: dict[str, set[str]]
) -> tuple[int, float]:
    """The index of the sentence that best explains ``term`` and how well, or ``(-1, 0)``.

    ``named`` maps a heading's term to the headings naming it.
    """
    best, best_score = -1, 0.0
    heading = named.get(term, set())
    folded = term.lower()
    cleaned = index.view("clean " + lang, lambda s: _clean(s.text, lang, index))
    lowered = ("lower " + lang, lambda s: _clean(s.text, lang, index).lower())
    # Only the sentences that contain the term, in order (reading them all for every term made
    # the fallback quadratic).
    for i in index.containing(folded, *lowered):
        sentence = doc.sentences[i]
        text = cleaned[i]
        if _chatty(sentence.text, lang):
            continue
        at = text.lower().find(folded)
        after = text[at + len(term) :]
        score = 0.0
        if lang == "ja":
            if re.match(r"(?:[（(][^()（）]*[)）])?(?:とは|は|って|という|と呼)", after):
                score += 2.0
            if _COPULA_JA.search(text):
                score += 1.0
        else:
            if re.match(r"(?:\s*\([^()]*\))?,?\s+(?:is|are|means|refers to|describes)\b", after):
                score += 2.0
            if _COPULA_EN.search(text):
                score += 1.0
        if sentence.section in heading:
            score += 1.0
        if score > best_score:
            best, best_score = i, score
    return best, best_score


def _weighed(doc: Document, lang: str, raw: str, index: SentenceIndex) -> list[Finding]:
    signalled = {
        term: weight
        for term, weight in _signals(doc, lang, raw, index).items()
        if weight >= SIGNAL_THRESHOLD
    }
    if len(signalled) > MAX_TERMS:  # the strongest signals, each term reads the article
        strongest = sorted(signalled, key=lambda t: (-signalled[t], t))[:MAX_TERMS]
        signalled = {term: signalled[term] for term in strongest}
    named: dict[str, set[str]] = {}
    for h in doc.headings:
        named.setdefault(heading_term(h) if lang == "ja" else heading_term_en(h), set()).add(h)
    found: list[Finding] = []
    for term in sorted(signalled):
        at, score = _explanation(term, doc, lang, index, named)
        if at < 0 or score < 2.0:
            continue
        found += _cloze_finding(term, at, doc, lang, "taught: signals", 1.5)
    return found


def find_taught(
    doc: Document, lang: str, raw: str = "", *, index: SentenceIndex | None = None
) -> list[Finding]:
    """Fallback findings for every taught term (see the module docstring).

    Args:
        doc: The parsed article.
        lang: ``"ja"`` or ``"en"``.
        raw: The article as written (Markdown emphasis is gone from ``doc``).
        index: Lookups over ``doc`` shared with the caller (made here if not given).
    """
    index = index or SentenceIndex(doc)
    found: list[Finding] = []
    for at in range(len(doc.sentences)):
        if lang == "ja":
            found += _japanese(doc, at)
            found += _heading_description_ja(doc, at)
        else:
            found += _english(doc, at)
    return found + _weighed(doc, lang, raw, index)


__all__ = ["MAX_CLOZE", "find_taught"]
