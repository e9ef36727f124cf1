"""generate_deck: the shipped deck, stable ids, overrides, attribution, options and progress."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from flashcards.core.deckfile import DeckFile, parse_deck_toml, read_deck_file, write_deck_file
from flashcards.core.errors import InputError
from flashcards.core.generate import Article, decode_article, generate_deck, read_article

ROOT = Path(__file__).parents[3]
SEED = ROOT / "resources" / "articles" / "llm_basics_ja.txt"
SHIPPED = ROOT / "decks" / "llm_basics_ja.toml"
DB = ROOT / "tests" / "data" / "articles" / "database_basics_ja.md"
TITLE = "今更聞けないLLM解説まとめ①LLMって何ぞ"


def _answers(deck: DeckFile) -> str:
    return "\n".join(f"{n.front} || {n.back}" for n in deck.notes)


def test_seed_copy_is_byte_for_byte_the_shipped_article() -> None:
    data = SEED.read_bytes()
    assert data.startswith(TITLE.encode()) and len(data) == 6766


def test_shipped_deck_is_what_the_generator_makes() -> None:
    shipped = read_deck_file(SHIPPED)
    regenerated = generate_deck(read_article(SEED), existing=shipped)
    assert regenerated == shipped


def test_shipped_deck_covers_the_required_terms() -> None:
    deck = read_deck_file(SHIPPED)
    assert deck.name == "LLM basics (ja)"
    ids = {n.id.split("/", 1)[1] for n in deck.notes}
    for key in (
        "llm",
        "transformer",
        "gpt",
        "b",
        "マルチモーダル",
        "attention機構",
        "generative",
        "pretraining",
        "openai",
        "llmの性能",
        "prompting",
        "tool-integrated",
        "トークン",
    ):
        assert key in ids, key
    text = _answers(deck)
    for phrase in (
        "Billion",
        "べき乗",
        "計算資源",
        "データセットサイズ",
        "パラメータ数",
        "事前学習",
    ):
        assert phrase in text
    assert all(n.id.startswith("llm-basics-ja/") for n in deck.notes)


def test_llm_definition_is_fixed_only_by_an_override() -> None:
    deck = read_deck_file(SHIPPED)
    override = deck.overrides["llm-basics-ja/llm"]
    assert "言語モデル" in override["back"] and override["reason"]
    llm = next(n for n in deck.notes if n.id == "llm-basics-ja/llm")
    assert llm.back == override["back"]
    raw = generate_deck(read_article(SEED), deck_name="LLM basics (ja)")
    raw_llm = next(n for n in raw.notes if n.id == "llm-basics-ja/llm")
    assert "言語モデル" not in raw_llm.back and "Large Language Model" in raw_llm.back


def test_shipped_deck_carries_the_attribution_everywhere() -> None:
    deck = read_deck_file(SHIPPED)
    for text in (
        deck.description,
        deck.source["attribution"],
        *(n.source.title for n in deck.notes),
    ):
        assert TITLE in text
        assert "CC BY-NC-SA 4.0" in text
        assert "Matsuo Lab LLM course (松尾研 LLM講座)" in text
    assert deck.source["license"] == "CC BY-NC-SA 4.0"
    for note in deck.notes:
        assert note.source.section and note.source.sentence


def test_user_article_gets_no_invented_attribution() -> None:
    deck = generate_deck(read_article(DB))
    assert deck.name == "今さら聞けないデータベース入門"
    assert "attribution" not in deck.source
    assert all(n.source.title == "今さら聞けないデータベース入門" for n in deck.notes)
    assert "Matsuo" not in deck.description and "CC BY" not in deck.description


def test_ids_are_stable_across_regeneration_and_light_edits() -> None:
    article = read_article(SEED)
    first = generate_deck(article, deck_name="LLM basics (ja)")
    assert generate_deck(article, deck_name="LLM basics (ja)") == first
    edited_text = article.text.replace(
        "どうも、それなニキです。", "どうも、それなニキです。よろしくお願いします。"
    )
    edited_text = (
        edited_text.replace("はい出ました。", "はい、出ました。") + "\n追記:少し直しました。\n"
    )
    edited = Article(edited_text, article.title, article.path)
    second = generate_deck(edited, deck_name="LLM basics (ja)")
    assert {n.id for n in second.notes} == {n.id for n in first.notes}


def test_overrides_are_kept_applied_and_can_add_and_drop(tmp_path: Path) -> None:
    article = read_article(DB)
    first = generate_deck(article, deck_name="DB")
    path = tmp_path / "db.toml"
    first.overrides = {
        "db/sql": {"back": "Structured Query Language (問い合わせ言語)", "reason": "clearer"},
        "db/select": {"drop": True, "reason": "too basic"},
        "db/view": {
            "add": True,
            "front": "ビュー",
            "back": "保存された問い合わせ",
            "reason": "missed",
        },
    }
    write_deck_file(first, path)
    existing = read_deck_file(path)
    again = generate_deck(article, existing=existing)
    notes = {n.id: n for n in again.notes}
    assert again.name == "DB"
    assert notes["db/sql"].back == "Structured Query Language (問い合わせ言語)"
    assert "db/select" not in notes
    assert notes["db/view"].front == "ビュー" and notes["db/view"].kind == "basic"
    assert again.overrides == existing.overrides
    write_deck_file(again, path)
    assert parse_deck_toml(path.read_text(encoding="utf-8")).overrides == existing.overrides


@pytest.mark.parametrize(
    "override",
    [{"back": "x"}, {"back": "x", "reason": "r", "colour": "red"}, {"kind": "odd", "reason": "r"}],
)
def test_bad_overrides_raise_one_sentence(override: dict[str, object]) -> None:
    existing = DeckFile(name="DB", overrides={"db/sql": override})
    with pytest.raises(InputError):
        generate_deck(read_article(DB), existing=existing)


def test_language_option_and_max_cards_and_progress() -> None:
    calls: list[tuple[float, str]] = []
    deck = generate_deck(read_article(DB), max_cards=5, progress=lambda f, m: calls.append((f, m)))
    assert len(deck.notes) == 5
    assert calls[0][0] == 0.0 and calls[-1][0] == 1.0
    fractions = [f for f, _ in calls]
    assert fractions == sorted(fractions) and len(calls) >= 3
    with pytest.raises(InputError):
        generate_deck(read_article(DB), lang="fr")
    with pytest.raises(InputError):
        generate_deck(read_article(DB), max_cards=0)
    english = generate_deck(
        decode_article(b"# N\n\nA packet is a unit of data. Packets move.", "n")
    )
    assert english.notes[0].tags == ("generated", "en")


def test_output_is_deterministic_and_ordered_by_article() -> None:
    decks = [generate_deck(read_article(DB)) for _ in range(2)]
    assert decks[0] == decks[1]
    sentences = [n.source.sentence for n in decks[0].notes]
    text = read_article(DB).text
    positions = [text.find(s[:10]) for s in sentences]
    assert positions == sorted(positions)


def test_cloze_notes_are_well_formed() -> None:
    for note in generate_deck(read_article(SEED)).notes:
        if note.kind == "cloze":
            assert re.search(r"\{\{c1::[^}]+\}\}", note.front)
        else:
            assert note.back and note.back != note.front
