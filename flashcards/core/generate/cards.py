"""The cards and budget stages: one note per ranked term, then the best ones in article order.

With a definition the note is ``basic`` (``basic+reversed`` when the back is short, does not
contain the term and names it: `Finding.reversible`), a second different definition appended
after `` / ``; without one, a ``cloze`` a rule made, or the term's best explanatory sentence
when the term ranks high enough and the sentence says something about it.
"""

from __future__ import annotations

import re
from dataclasses import replace
from itertools import chain

from flashcards.core.deckfile import NoteSource, NoteSpec
from flashcards.core.generate.backs import has_anaphor_en, same_text, starts_with_anaphor_en
from flashcards.core.generate.corpus import SentenceIndex, plain_text
from flashcards.core.generate.explain import WEAK_STRENGTH
from flashcards.core.generate.findings import Finding
from flashcards.core.generate.fragments import fragment_reason, is_weak_back, whole_back
from flashcards.core.generate.ja_text import LEADING_ANAPHOR_JA
from flashcards.core.generate.language import Language
from flashcards.core.generate.lexicon import DEFINING_WORDS_EN, DEFINING_WORDS_JA, alternation
from flashcards.core.generate.rank import RankedTerm, chatty, defined_elsewhere
from flashcards.core.generate.structure import Sentence
from flashcards.core.generate.textutil import fold, is_hiragana

CLOZE_THRESHOLD = 2.0
"""Score a term without a clean definition needs before it becomes a cloze card."""
_REVERSED_MAX = 60
_GLOSS_MAX = 12  # characters of a back that may be only the term's other name
# A cloze sentence must say something about its term: a copula or a naming verb.
_EXPLAINS = re.compile(
    r"\b" + alternation(DEFINING_WORDS_EN) + r"\b|" + alternation(DEFINING_WORDS_JA)
)


def _cloze_text(sentence: Sentence, term: str, index: SentenceIndex) -> str:
    text = index.without_asides(sentence.text)
    if term not in text:
        return ""
    return text.replace(term, "{{c1::" + term + "}}")


def _best_cloze_sentence(term: RankedTerm, language: Language, index: SentenceIndex) -> str:
    preferred = [f.sentence for f in term.findings]
    known = set(preferred)
    doc = index.doc
    others = (
        doc.sentences[i]
        for i in index.containing(term.display, "text", plain_text)
        if doc.sentences[i] not in known
    )
    for sentence in chain(preferred, others):
        text = sentence.text
        if len(text) > 220 or chatty(sentence, language, index) and sentence not in known:
            continue
        if LEADING_ANAPHOR_JA.match(text) or starts_with_anaphor_en(text):
            continue
        if language.name == "en" and has_anaphor_en(text[:12]):
            continue
        cloze = _cloze_text(sentence, term.display, index)
        if cloze:
            return cloze
    return ""


def _cloze_source(term: RankedTerm, cloze: str, index: SentenceIndex) -> Sentence:
    """The first sentence that, asides dropped, is the cloze with the term in place.

    The same as testing ``drop_asides(s.text).replace(term, "") == cloze.replace(deletion, "")``
    for every sentence in order, looking only at the sentences that contain the term and the
    first one equal to the cloze's text without it.
    """
    display = term.display
    target = cloze.replace("{{c1::" + display + "}}", "")
    cleaned = index.view("without asides", lambda s: index.without_asides(s.text))
    found = index.first(target, "without asides", lambda s: index.without_asides(s.text))
    if found is not None and display in cleaned[found]:
        found = None  # such a sentence changes when the term is removed: tried below
    for i in index.containing(display, "without asides", lambda s: index.without_asides(s.text)):
        if found is not None and i > found:
            break
        if cleaned[i].replace(display, "") == target:
            found = i
            break
    return index.doc.sentences[found] if found is not None else term.findings[0].sentence


def _front(term: RankedTerm, back: str, gloss: str = "") -> str:
    """The term with the other name the article gives it (``重ね合わせ (superposition)``)."""
    alias = next((f.alias for f in sorted(term.findings, key=_order) if f.alias), gloss)
    if not alias or fold(alias) in fold(back) or fold(alias) in fold(term.display):
        return term.display
    return f"{term.display} ({alias})"


def _unbalanced(text: str) -> bool:
    """Whether a text opens a bracket it does not close, or closes one it did not open."""
    return text.count("(") + text.count("（") != text.count(")") + text.count("）")


def _is_gloss(back: str, term: str) -> bool:
    """Whether a back is only another name of the term (``幻覚``, ``アテンション、注意機構``).

    Short, without kana endings or digits: a translation or a reading, not an explanation; a
    Latin back counts only for a Japanese term (``two semitones`` explains ``whole tone``).
    """
    if len(back) > _GLOSS_MAX or any(is_hiragana(ch) or ch.isdigit() for ch in back):
        return False
    if back.isascii():
        return not term.isascii() and len(back.split()) <= 3
    return True


def _order(finding: Finding) -> tuple[float, int]:
    return (-finding.strength, finding.sentence.index)


def note_for(
    term: RankedTerm, language: Language, id_prefix: str, title: str, index: SentenceIndex
) -> NoteSpec | None:
    """The note for one term (see the module docstring), or None if it makes no card.

    Args:
        term: The ranked term.
        language: The article's language (its code is a tag).
        id_prefix: The deck's slug (ids are ``<slug>/<term key>``).
        title: The source title notes carry.
        index: The segmented article.
    """
    lang = language.name
    if _unbalanced(term.display):
        return None  # "(文責": a piece of a bracketed remark, not a term
    # The back guard: a fragment of a sentence is no back; its whole part, or the next finding.
    whole = (replace(f, back=whole_back(f.back, lang)) for f in term.findings if f.back)
    definitions = sorted(
        (
            f
            for f in whole
            if f.back
            and not f.cloze
            and (f.strength >= WEAK_STRENGTH or term.supported)
            and not same_text(f.back, term.display)
        ),
        key=lambda f: (is_weak_back(f.back, lang), -f.strength, f.sentence.index),
    )
    # "破滅的忘却" beside an explanation is the term's other name: it goes on the front.
    glosses = [f for f in definitions if _is_gloss(f.back, term.display)]
    gloss = ""
    if glosses and len(glosses) < len(definitions) and not term.display.isupper():
        gloss = glosses[0].back
        definitions = [f for f in definitions if f not in glosses]
    tags = ("generated", language.name)
    note_id = f"{id_prefix}/{term.key}"
    if definitions:
        primary = definitions[0]
        backs = [primary.back]
        for extra in definitions[1:]:
            if len(backs) == 2:
                break
            if not fragment_reason(extra.back, lang) and all(
                fold(extra.back) not in fold(b) and fold(b) not in fold(extra.back) for b in backs
            ):
                backs.append(extra.back)
        back = " / ".join(backs)
        reversible = (
            primary.reversible
            and len(back) <= _REVERSED_MAX
            and fold(term.display) not in fold(back)
        )
        kind = "basic+reversed" if reversible else "basic"
        source = NoteSource(title, primary.sentence.section, primary.sentence.text)
        return NoteSpec(note_id, kind, _front(term, back, gloss), back, tags, source)
    made = sorted(
        (f for f in term.findings if f.cloze), key=lambda f: (-f.strength, f.sentence.index)
    )
    if made:
        finding = made[0]
        source = NoteSource(title, finding.sentence.section, finding.sentence.text)
        return NoteSpec(note_id, "cloze", finding.cloze, "", tags, source)
    if term.score < CLOZE_THRESHOLD:
        return None
    cloze = _best_cloze_sentence(term, language, index)
    if not cloze or not _EXPLAINS.search(cloze):
        return None
    sentence = _cloze_source(term, cloze, index)
    source = NoteSource(title, sentence.section, sentence.text)
    return NoteSpec(note_id, "cloze", cloze, "", tags, source)


def cards(
    terms: list[RankedTerm], language: Language, id_prefix: str, title: str, index: SentenceIndex
) -> list[tuple[RankedTerm, NoteSpec]]:
    """The cards stage: a note for every term that makes one, with its term.

    A term that only appears as another term's back, with no definition of its own, is left
    out (it is on that term's card).
    """
    skip = defined_elsewhere(terms)
    chosen: list[tuple[RankedTerm, NoteSpec]] = []
    for term in terms:
        if term.key in skip and not any(f.back for f in term.findings):
            continue
        note = note_for(term, language, id_prefix, title, index)
        if note is not None:
            chosen.append((term, note))
    return _without_repeats(chosen)


def _claim(chosen: tuple[RankedTerm, NoteSpec]) -> tuple[float, bool]:
    """Which of two notes with one back keeps it (the smaller).

    The stronger finding, then the one whose sentence names its term (``これを相乗効果と
    呼びます``, not a heading above it).
    """
    term, note = chosen
    first = note.back.split(" / ", 1)[0]
    own = [f for f in term.findings if f.back == first]
    strength = max((f.strength for f in own), default=0.0)
    named = any(fold(term.display) in fold(f.sentence.text) for f in own)
    return (-strength, not named)


def _without_repeats(
    chosen: list[tuple[RankedTerm, NoteSpec]],
) -> list[tuple[RankedTerm, NoteSpec]]:
    """Drop a note that repeats another: the same back, or only the other note's name.

    ``ゼロショット → Zero-shot`` beside ``Zero-shot (ゼロショット) → 例を一つも見せずに…`` is the
    same term twice, once without its explanation; of two notes with one back, the term of the
    stronger finding keeps it (``活断層`` and ``言葉``, both explained by the one sentence); a
    tie keeps both.
    """
    basic = [(t, n) for t, n in chosen if n.kind != "cloze"]
    fronts = {id(n): fold(n.front) for _, n in basic}
    drop: set[int] = set()
    by_back: dict[str, tuple[RankedTerm, NoteSpec]] = {}
    for term, note in sorted(basic, key=lambda tn: (*_claim(tn), -tn[0].score)):
        back = fold(note.back)
        named = fold(term.display)
        # An acronym's expansion is a card of its own (NDA -> non-disclosure agreement).
        if (
            not term.display.isupper()
            and any(
                other is not note and back == fold(o_term.display) and named in fronts[id(other)]
                for o_term, other in basic
            )
            or back in by_back
            and _claim(by_back[back]) < _claim((term, note))
            or _subject_of_another(note, named, basic)
        ):
            drop.add(id(note))
        else:
            by_back[back] = (term, note)
    return [(t, n) for t, n in chosen if id(n) not in drop]


def _subject_of_another(
    note: NoteSpec, named: str, basic: list[tuple[RankedTerm, NoteSpec]]
) -> bool:
    """``Long articles -> split into …`` beside ``Chunking -> Long articles are split into …``.

    The term is the subject another note's back starts with, and its back is the rest of that
    back: a piece of another definition, not a term.
    """
    back = fold(note.back)
    return any(
        other is not note and fold(other.back).startswith(named + " ") and back in fold(other.back)
        for _, other in basic
    )


def budget(chosen: list[tuple[RankedTerm, NoteSpec]], max_cards: int | None) -> list[NoteSpec]:
    """The budget stage: at most ``max_cards`` notes, the best-ranked, in article order."""
    if max_cards is not None and len(chosen) > max_cards:
        chosen = sorted(chosen, key=lambda tn: (-tn[0].score, tn[0].first_index, tn[0].key))
        chosen = chosen[:max_cards]
    return [note for _, note in sorted(chosen, key=lambda tn: (tn[0].first_index, tn[0].key))]
