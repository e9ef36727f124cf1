"""The generator: an article through the stages of the pipeline to a deck file.

segment (`explain.segment`) -> explain (`explain.explain`: sentence rules, then document
rules) -> candidate terms and rank (`rank.py`) -> cards and budget (`cards.py`) -> overrides
(`overrides.py`). Everything language-specific comes from the article's `Language`
(`language.py`). This module also writes the deck's source table and description.
"""

from __future__ import annotations

import re

from flashcards.core.deckfile import DeckFile
from flashcards.core.errors import InputError
from flashcards.core.generate.article import Article
from flashcards.core.generate.cards import budget, cards
from flashcards.core.generate.explain import Progress, explain, segment
from flashcards.core.generate.language import LANGUAGES
from flashcards.core.generate.overrides import apply_overrides, check_overrides
from flashcards.core.generate.rank import rank
from flashcards.core.generate.textutil import detect_language, slug

__all__ = ["Progress", "apply_overrides", "check_overrides", "generate_deck"]

_LICENCE = re.compile(r"CC[\s-]?BY(?:[-\s](?:NC|SA|ND))*[\s-]?(\d\.\d)", re.IGNORECASE)


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
    if lang != "auto" and lang not in LANGUAGES:
        raise InputError(f"Unknown language {lang!r}; use auto, ja or en.")
    if max_cards is not None and max_cards < 1:
        raise InputError("The maximum number of cards must be at least 1.")
    overrides = dict(existing.overrides) if existing is not None else {}
    check_overrides(overrides)
    name = (deck_name or (existing.name if existing else "") or article.title).strip()
    if not name or any(not part.strip() for part in name.split("::")):
        raise InputError("The deck name is empty or has an empty '::' part.")
    language = LANGUAGES[detect_language(article.text) if lang == "auto" else lang]
    report(0.0, "Reading the article structure")
    index = segment(article, language)
    findings = explain(index, language, report)
    report(0.9, "Choosing cards")
    table = _source_table(article, existing)
    title = _note_title(table)
    terms = rank(index, findings, language)
    notes = budget(cards(terms, language, slug(name), title, index), max_cards)
    notes = apply_overrides(notes, overrides, title)
    report(1.0, f"Generated {len(notes)} notes")
    return DeckFile(
        name=name,
        description=_description(table, language.name),
        notes=notes,
        source=table,
        overrides=overrides,
    )
