"""Every registered rule, one by one, on its own examples: alone, then through the generator."""

from __future__ import annotations

import pytest

from flashcards.core.generate import decode_article, generate_deck
from flashcards.core.generate.deck import RULE_ORDER
from flashcards.core.generate.rules import RULES, Example, Rule
from flashcards.core.generate.structure import parse_document
from flashcards.core.generate.textutil import detect_language, fold, term_key

CASES = [(r, e) for r in RULES.values() for e in r.examples]


def _id(case: object) -> str:
    return case.name if isinstance(case, Rule) else case.term if isinstance(case, Example) else ""


def test_every_registered_rule_is_applied() -> None:
    assert set(RULE_ORDER) == set(RULES)
    assert len(RULE_ORDER) == len(set(RULE_ORDER))


@pytest.mark.parametrize(("rule", "example"), CASES, ids=_id)
def test_rule_finds_its_example(rule: Rule, example: Example) -> None:
    lang = detect_language(example.text)
    doc = parse_document(example.text, "", lang)
    found = [
        f
        for i, s in enumerate(doc.sentences)
        for f in rule.find(s, doc.sentences[i - 1] if i else None)
    ]
    assert any(
        term_key(f.term) == term_key(example.term) and fold(example.back) in fold(f.back or f.cloze)
        for f in found
    ), found


@pytest.mark.parametrize(("rule", "example"), CASES, ids=_id)
def test_generator_makes_the_card(rule: Rule, example: Example) -> None:
    article = decode_article(("# Notes\n\n" + example.text + "\n").encode(), "notes.md")
    deck = generate_deck(article)
    cards = {n.id.split("/", 1)[1]: n for n in deck.notes}
    note = cards.get(term_key(example.term))
    assert note is not None, [n.id for n in deck.notes]
    answer = note.back if note.kind != "cloze" else note.front  # a cloze carries it in its text
    assert fold(example.back) in fold(answer), note
    assert fold(example.term) in fold(note.front)


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("CPU（Core i7等）を積んだパソコンで、学習を回しました。", "CPU"),
        ("会場には参加者（数十〜数百人）が集まり、発表を聞きました。", "参加者"),
        ("画面の番号（数字）を入力してから、送信を押しました。", "番号"),
        ("## まとめ\n用語を整理した記事\n\n## 特徴\n軽くて速い道具", "まとめ"),
        ("## Summary\nA short list of what we covered today.", "Summary"),
    ],
)
def test_junk_shapes_make_no_card(text: str, term: str) -> None:
    article = decode_article(("# Notes\n\n" + text + "\n").encode(), "notes.md")
    deck = generate_deck(article)
    assert term_key(term) not in {n.id.split("/", 1)[1] for n in deck.notes}
