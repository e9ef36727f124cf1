"""Every registered rule, one by one, on its own examples: alone, then through the generator."""

from __future__ import annotations

import pytest

from flashcards.core.generate import decode_article, generate_deck
from flashcards.core.generate.corpus import SentenceIndex
from flashcards.core.generate.language import LANGUAGES
from flashcards.core.generate.rules import DOC_RULES, RULES, DocRule, Example, Rule
from flashcards.core.generate.textutil import detect_language, fold, term_key

CASES = [(r, e) for r in [*RULES.values(), *DOC_RULES.values()] for e in r.examples]


def _id(case: object) -> str:
    if isinstance(case, Rule | DocRule):
        return case.name
    return case.term if isinstance(case, Example) else ""


@pytest.mark.parametrize("registry", [RULES, DOC_RULES], ids=["sentence", "document"])
def test_every_registered_rule_is_applied(registry: dict[str, Rule] | dict[str, DocRule]) -> None:
    for name, entry in registry.items():
        langs = ("ja", "en") if entry.lang == "any" else (entry.lang,)
        for code in langs:
            language = LANGUAGES[code]
            names = language.rules if registry is RULES else language.doc_rules
            assert name in names, (name, code)
    for language in LANGUAGES.values():
        for names in (language.rules, language.doc_rules):
            assert len(names) == len(set(names))
            assert set(names) <= set(RULES) | set(DOC_RULES)


@pytest.mark.parametrize(("rule", "example"), CASES, ids=_id)
def test_rule_finds_its_example(rule: Rule | DocRule, example: Example) -> None:
    lang = detect_language(example.text)
    doc = LANGUAGES[lang].parse(example.text, "")
    if isinstance(rule, DocRule):
        found = rule.find(doc, SentenceIndex(doc, example.text))
    else:
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
def test_generator_makes_the_card(rule: Rule | DocRule, example: Example) -> None:
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
        ("Breathing out at rest is passive: the muscle relaxes and the lungs spring back.", "x"),
        ("Shields are broad. Mauna Loa in Hawaii is the classic example.", "Mauna Loa in Hawaii"),
        ("Nice page.\n\nShare: Facebook  X  Email  Related articles", "Share"),
        ("保健センターは身近な施設です。保健所とは役割が異なるため、混同しないこと。", "保健所"),
        (
            "# 研修メモ\n\n作成者: 佐伯\nタグ: Git, 研修\n\n## ブランチ\n作業の流れを分ける仕組み",
            "タグ",
        ),
    ],
)
def test_junk_shapes_make_no_card(text: str, term: str) -> None:
    article = decode_article(("# Notes\n\n" + text + "\n").encode(), "notes.md")
    deck = generate_deck(article)
    keys = {n.id.split("/", 1)[1] for n in deck.notes}
    assert term_key(term) not in keys
    assert not any(" is " in n.front for n in deck.notes)  # a clause is never a front


def test_instruction_label_names_the_noun_phrase_at_its_end() -> None:
    text = "# Notes\n\nWatch out for scope creep: the slow growth of a project beyond its plan.\n"
    deck = generate_deck(decode_article(text.encode(), "notes.md"))
    notes = {n.id.split("/", 1)[1]: n for n in deck.notes}
    assert "scope-creep" in notes and "slow growth" in notes["scope-creep"].back
    assert not any(key.startswith("watch") for key in notes)


def test_katakana_loan_word_split_by_the_tokenizer_is_one_term() -> None:
    # A tokenizer may split a loan word (janome read トークン as トーク + ン); the term and its
    # とは definition must survive that.
    text = "# メモ\n\nトークンとは、LLMが文章を処理するときの最小単位のことです。\n"
    deck = generate_deck(decode_article(text.encode(), "memo.md"))
    notes = {n.id.split("/", 1)[1]: n for n in deck.notes}
    assert "最小単位" in notes["トークン"].back


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("量子化メモ\n軽くする方法を調べた続き\n\n[* INT8]\n 8ビットの整数", "量子化メモ"),
        ("## TODO\n- 自分のデータで1回回してみる", "TODO"),
        ("会員登録（無料）をすると、お気に入りの記事を保存できます。", "会員登録"),
        ("## Comments\n\n- Dana Whitfield: Jan 16: Yes, added a source field", "Dana Whitfield"),
    ],
)
def test_notes_furniture_makes_no_card(text: str, term: str) -> None:
    article = decode_article(("# Notes\n\n" + text + "\n").encode(), "notes.md")
    keys = {n.id.split("/", 1)[1] for n in generate_deck(article).notes}
    assert term_key(term) not in keys
