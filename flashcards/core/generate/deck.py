"""From findings to a deck file: ranking, card kinds, stable ids, sources and overrides."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from itertools import chain
from typing import Any

from flashcards.core.deckfile import NOTE_KINDS, DeckFile, NoteSource, NoteSpec
from flashcards.core.errors import InputError
from flashcards.core.generate.article import Article
from flashcards.core.generate.backs import has_anaphor_en, same_text, starts_with_anaphor_en
from flashcards.core.generate.corpus import MAX_TERMS, SentenceIndex, plain_text
from flashcards.core.generate.findings import Finding
from flashcards.core.generate.ja_text import LEADING_ANAPHOR_JA
from flashcards.core.generate.language import LANGUAGES
from flashcards.core.generate.lexicon import DEFINING_WORDS_EN, DEFINING_WORDS_JA, alternation
from flashcards.core.generate.rules import apply_doc_rules, apply_rules
from flashcards.core.generate.structure import Document, Sentence
from flashcards.core.generate.terms import is_technical
from flashcards.core.generate.textutil import detect_language, fold, slug, term_key

Progress = Callable[[float, str], None]

CLOZE_THRESHOLD = 2.0
"""Score a term without a clean definition needs before it becomes a cloze card."""
_REVERSED_MAX = 60
_LICENCE = re.compile(r"CC[\s-]?BY(?:[-\s](?:NC|SA|ND))*[\s-]?(\d\.\d)", re.IGNORECASE)
# A cloze sentence must say something about its term: a copula or a naming verb.
_EXPLAINS = re.compile(
    r"\b" + alternation(DEFINING_WORDS_EN) + r"\b|" + alternation(DEFINING_WORDS_JA)
)
_OVERRIDE_KEYS = frozenset(
    {"front", "back", "kind", "tags", "reason", "add", "drop", "section", "sentence"}
)

WEAK_STRENGTH = 2.5
"""Definitions from weaker patterns (XはYです, lower-case "X is a Y") need the term to recur."""


@dataclass
class _Term:
    key: str
    display: str
    findings: list[Finding]
    score: float = 0.0
    first_index: int = 0
    supported: bool = False


def _chatty(sentence: Sentence, lang: str, index: SentenceIndex) -> bool:
    return LANGUAGES[lang].chatty(index.without_asides(sentence.text))


def _mentions(term: str, corpus: str) -> int:
    return corpus.count(fold(term))


def _display(findings: list[Finding]) -> str:
    best = max(findings, key=lambda f: (f.strength, -f.sentence.index, len(f.term)))
    display = best.term.strip().lstrip("~〜～").strip()
    return display or best.term.strip()


def _taught(
    doc: Document, findings: list[Finding], lang: str, index: SentenceIndex
) -> list[Finding]:
    """The document rules' findings (the fallbacks) for terms the sentence rules left out.

    A fallback cloze is not made from a sentence that already defines another term, nor for a
    name that is another term's back or alias (``UDP, also called the User Datagram Protocol``).
    """
    defining = {f.sentence.index for f in findings if f.back and f.strength >= WEAK_STRENGTH}
    names = {term_key(f.back) for f in findings if f.back} | {
        term_key(f.alias) for f in findings if f.alias
    }
    return [
        f
        for f in apply_doc_rules(LANGUAGES[lang].doc_rules, doc, index, lang)
        if term_key(f.term) not in names and (f.back or f.sentence.index not in defining)
    ]


def _strongest(groups: dict[str, list[Finding]]) -> dict[str, list[Finding]]:
    """At most `MAX_TERMS` groups, in order: those with the strongest finding, then the earliest."""
    if len(groups) <= MAX_TERMS:
        return groups
    order = {key: n for n, key in enumerate(groups)}
    best = sorted(groups, key=lambda k: (-max(f.strength for f in groups[k]), order[k]))
    kept = set(best[:MAX_TERMS])
    return {key: group for key, group in groups.items() if key in kept}


def _rank(doc: Document, findings: list[Finding], lang: str, index: SentenceIndex) -> list[_Term]:
    corpus = fold("\n".join([*doc.headings, *(s.text for s in doc.sentences)]))
    headings = {term_key(LANGUAGES[lang].heading_term(h)) for h in doc.headings}
    groups: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        key = term_key(finding.term)
        if key:
            groups[key].append(finding)
    terms: list[_Term] = []
    for key, group in _strongest(groups).items():
        display = _display(group)
        patterns = {f.pattern for f in group}
        emphasis = (
            2.0
            if "so-called" in patterns
            else 1.0
            if "emphasis" in patterns
            else 0.5
            if "quoted" in patterns
            else 0.0
        )
        head = re.match(r"[A-Za-z][A-Za-z0-9\-]+", display)
        mentions = max(_mentions(display, corpus), _mentions(head.group(0), corpus) if head else 0)
        supported = mentions >= 2 or key in headings
        # An unsupported weak definition ("Pizza is a good reward") adds nothing, not even a cloze.
        strength = max(
            (f.strength for f in group if f.strength >= WEAK_STRENGTH or supported), default=0.0
        )
        calm = [f for f in group if not _chatty(f.sentence, lang, index)]
        score = (
            strength
            + (1.5 if key in headings else 0.0)
            + emphasis
            + 0.5 * min(2.0, math.log2(max(1, mentions)))
            + (0.5 if is_technical(display, english=lang == "en") else 0.0)
            - (1.0 if not calm else 0.0)
        )
        first = min(f.sentence.index for f in group)
        terms.append(_Term(key, display, group, score, first, supported))
    return terms


def _defined_elsewhere(terms: list[_Term]) -> set[str]:
    """Keys of terms that only appear as the back of another term's definition."""
    backs = {term_key(f.back) for t in terms for f in t.findings if f.back}
    return {t.key for t in terms if t.key in backs}


def _cloze_text(sentence: Sentence, term: str, index: SentenceIndex) -> str:
    text = index.without_asides(sentence.text)
    if term not in text:
        return ""
    return text.replace(term, "{{c1::" + term + "}}")


def _best_cloze_sentence(term: _Term, doc: Document, lang: str, index: SentenceIndex) -> str:
    preferred = [f.sentence for f in term.findings]
    known = set(preferred)
    others = (
        doc.sentences[i]
        for i in index.containing(term.display, "text", plain_text)
        if doc.sentences[i] not in known
    )
    for sentence in chain(preferred, others):
        text = sentence.text
        if len(text) > 220 or _chatty(sentence, lang, index) and sentence not in known:
            continue
        if LEADING_ANAPHOR_JA.match(text) or starts_with_anaphor_en(text):
            continue
        if lang == "en" and has_anaphor_en(text[:12]):
            continue
        cloze = _cloze_text(sentence, term.display, index)
        if cloze:
            return cloze
    return ""


def _cloze_source(term: _Term, cloze: str, index: SentenceIndex) -> Sentence:
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


def _front(term: _Term, back: str) -> str:
    """The term with the other name the article gives it (``重ね合わせ (superposition)``)."""
    alias = next((f.alias for f in sorted(term.findings, key=_order) if f.alias), "")
    if not alias or fold(alias) in fold(back) or fold(alias) in fold(term.display):
        return term.display
    return f"{term.display} ({alias})"


def _order(finding: Finding) -> tuple[float, int]:
    return (-finding.strength, finding.sentence.index)


def _note_for(
    term: _Term, doc: Document, lang: str, id_prefix: str, title: str, index: SentenceIndex
) -> NoteSpec | None:
    definitions = sorted(
        (
            f
            for f in term.findings
            if f.back
            and not f.cloze
            and (f.strength >= WEAK_STRENGTH or term.supported)
            and not same_text(f.back, term.display)
        ),
        key=lambda f: (-f.strength, f.sentence.index),
    )
    tags = ("generated", lang)
    note_id = f"{id_prefix}/{term.key}"
    if definitions:
        primary = definitions[0]
        backs = [primary.back]
        for extra in definitions[1:]:
            if len(backs) == 2:
                break
            if all(
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
        return NoteSpec(note_id, kind, _front(term, back), back, tags, source)
    made = sorted(
        (f for f in term.findings if f.cloze), key=lambda f: (-f.strength, f.sentence.index)
    )
    if made:
        finding = made[0]
        source = NoteSource(title, finding.sentence.section, finding.sentence.text)
        return NoteSpec(note_id, "cloze", finding.cloze, "", tags, source)
    if term.score < CLOZE_THRESHOLD:
        return None
    cloze = _best_cloze_sentence(term, doc, lang, index)
    if not cloze or not _EXPLAINS.search(cloze):
        return None
    sentence = _cloze_source(term, cloze, index)
    source = NoteSource(title, sentence.section, sentence.text)
    return NoteSpec(note_id, "cloze", cloze, "", tags, source)


def _source_table(article: Article, existing: DeckFile | None) -> dict[str, str]:
    table: dict[str, str] = {"title": article.title}
    if article.path is not None:
        table["article"] = article.path.name
    licence = _LICENCE.search(article.text)
    if licence:
        parts = [p.upper() for p in re.findall(r"NC|SA|ND", licence.group(0), re.IGNORECASE)]
        table["license"] = "CC " + "-".join(["BY", *parts]) + " " + licence.group(1)
    if article.attribution:
        table["attribution"] = article.attribution
    if existing is not None:
        table.update({k: v for k, v in existing.source.items() if k not in ("title", "article")})
    return table


def _note_title(table: dict[str, str]) -> str:
    title = table.get("title", "")
    attribution = table.get("attribution", "")
    if not attribution:
        return title
    return attribution if title in attribution else f"{title} — {attribution}"


def _description(table: dict[str, str], lang: str) -> str:
    title = table.get("title", "")
    quoted = f"「{title}」" if lang == "ja" else f"“{title}”"
    text = f"Cards generated from the article {quoted}."
    attribution = table.get("attribution", "")
    if attribution:
        text += f" Source: {attribution}."
    licence = table.get("license", "")
    if licence and licence not in text:
        text += f" Licence of the article: {licence}."
    return text


def check_overrides(overrides: dict[str, dict[str, Any]], origin: str = "overrides") -> None:
    """Validate an overrides table.

    Raises:
        InputError: If an override has unknown keys, no reason, or badly typed values.
    """
    for note_id, fields in overrides.items():
        unknown = set(fields) - _OVERRIDE_KEYS
        if unknown:
            raise InputError(f"{origin}: override {note_id!r} has unknown keys {sorted(unknown)}.")
        reason = fields.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise InputError(f"{origin}: override {note_id!r} needs a 'reason' saying why.")
        for key in ("front", "back", "kind", "section", "sentence"):
            if key in fields and not isinstance(fields[key], str):
                raise InputError(f"{origin}: override {note_id!r} field {key!r} must be text.")
        if "kind" in fields and fields["kind"] not in NOTE_KINDS:
            raise InputError(f"{origin}: override {note_id!r} has an unknown kind.")
        tags = fields.get("tags", [])
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise InputError(f"{origin}: override {note_id!r} tags must be a list of text.")
        for key in ("add", "drop"):
            if key in fields and not isinstance(fields[key], bool):
                raise InputError(
                    f"{origin}: override {note_id!r} field {key!r} must be true/false."
                )
        if fields.get("add") and not (
            fields.get("front") and (fields.get("back") or fields.get("kind") == "cloze")
        ):
            raise InputError(f"{origin}: added note {note_id!r} needs a front and a back.")


def apply_overrides(
    notes: list[NoteSpec], overrides: dict[str, dict[str, Any]], title: str
) -> list[NoteSpec]:
    """Apply reviewed overrides to generated notes (replace fields, drop notes, add notes)."""
    out: list[NoteSpec] = []
    seen: set[str] = set()
    for note in notes:
        seen.add(note.id)
        fields = overrides.get(note.id)
        if fields is None:
            out.append(note)
            continue
        if fields.get("drop"):
            continue
        out.append(
            replace(
                note,
                front=str(fields.get("front", note.front)),
                back=str(fields.get("back", note.back)),
                kind=str(fields.get("kind", note.kind)),
                tags=tuple(fields.get("tags", note.tags)),
            )
        )
    for note_id, fields in overrides.items():
        if note_id in seen or not fields.get("add") or fields.get("drop"):
            continue
        source = NoteSource(title, str(fields.get("section", "")), str(fields.get("sentence", "")))
        out.append(
            NoteSpec(
                note_id,
                str(fields.get("kind", "basic")),
                str(fields["front"]),
                str(fields.get("back", "")),
                tuple(fields.get("tags", ("added",))),
                source,
            )
        )
    return out


def generate_deck(
    article: Article,
    *,
    deck_name: str | None = None,
    lang: str = "auto",
    max_cards: int | None = None,
    existing: DeckFile | None = None,
    progress: Progress | None = None,
) -> DeckFile:
    """Generate a deck of notes from an article.

    Args:
        article: The article (see `read_article` / `decode_article`).
        deck_name: The deck name; defaults to the existing deck's name, then the article title.
        lang: ``"auto"``, ``"ja"`` or ``"en"``.
        max_cards: Keep at most this many notes (the best-ranked ones).
        existing: The deck file previously written at the output path; its ``[overrides]`` and
            ``[source]`` entries are kept and the overrides applied.
        progress: Called as ``progress(fraction, message)`` a few times.

    Returns:
        The deck file, notes in article order, overrides applied and carried along.

    Raises:
        InputError: If an argument or the existing deck's overrides are invalid.
    """
    report: Progress = progress or (lambda _fraction, _message: None)
    if lang not in ("auto", "ja", "en"):
        raise InputError(f"Unknown language {lang!r}; use auto, ja or en.")
    if max_cards is not None and max_cards < 1:
        raise InputError("The maximum number of cards must be at least 1.")
    overrides = dict(existing.overrides) if existing is not None else {}
    check_overrides(overrides)
    name = (deck_name or (existing.name if existing else "") or article.title).strip()
    if not name or any(not part.strip() for part in name.split("::")):
        raise InputError("The deck name is empty or has an empty '::' part.")
    language = detect_language(article.text) if lang == "auto" else lang
    report(0.0, "Reading the article structure")
    doc = LANGUAGES[language].parse(article.text, article.title)
    index = SentenceIndex(doc, article.text)
    findings: list[Finding] = []
    total = max(1, len(doc.sentences))
    step = max(1, total // 4)
    report(0.1, f"Looking for terms in {len(doc.sentences)} sentences")
    for i, sentence in enumerate(doc.sentences):
        previous = doc.sentences[i - 1] if i else None
        findings += apply_rules(LANGUAGES[language].rules, sentence, previous, language)
        if (i + 1) % step == 0:
            report(0.1 + 0.75 * (i + 1) / total, f"Analysed {i + 1} of {total} sentences")
    findings += _taught(doc, findings, language, index)
    report(0.9, "Choosing cards")
    table = _source_table(article, existing)
    title = _note_title(table)
    terms = _rank(doc, findings, language, index)
    skip = _defined_elsewhere(terms)
    id_prefix = slug(name)
    chosen: list[tuple[_Term, NoteSpec]] = []
    for term in terms:
        if term.key in skip and not any(f.back for f in term.findings):
            continue
        note = _note_for(term, doc, language, id_prefix, title, index)
        if note is not None:
            chosen.append((term, note))
    if max_cards is not None and len(chosen) > max_cards:
        chosen = sorted(chosen, key=lambda tn: (-tn[0].score, tn[0].first_index, tn[0].key))
        chosen = chosen[:max_cards]
    chosen.sort(key=lambda tn: (tn[0].first_index, tn[0].key))
    notes = apply_overrides([note for _, note in chosen], overrides, title)
    report(1.0, f"Generated {len(notes)} notes")
    return DeckFile(
        name=name,
        description=_description(table, language),
        notes=notes,
        source=table,
        overrides=overrides,
    )
