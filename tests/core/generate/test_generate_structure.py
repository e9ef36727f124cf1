"""Structure: headings, the seed's broken lines, folded lists, sentence splitting."""

from __future__ import annotations

from pathlib import Path

from flashcards.core.generate import read_article
from flashcards.core.generate.structure import parse_document
from flashcards.core.generate.textutil import detect_language, term_key

SEED = Path(__file__).parents[3] / "resources" / "articles" / "llm_basics_ja.txt"


def _seed_doc():  # type: ignore[no-untyped-def]
    article = read_article(SEED)
    return parse_document(article.text, article.title, "ja")


def test_seed_headings() -> None:
    doc = _seed_doc()
    for heading in ("雑談", "1.LLMとは", "Ⅰ.Transformer", "Ⅱ.GPT", "3.LLMの大雑把な特徴", "余談"):
        assert heading in doc.headings
    assert all(s.text != "雑談" for s in doc.sentences)


def test_line_continuing_with_particle_is_one_sentence() -> None:
    texts = [s.text for s in _seed_doc().sentences]
    joined = [t for t in texts if "LLMとはの規模を" in t]
    assert len(joined) == 1
    assert joined[0].endswith("(Large Language Model)です。")
    assert "の規模をめっちゃでかくした物(Large Language Model)です。" not in texts


def test_short_list_lines_fold_into_their_sentence() -> None:
    texts = [s.text for s in _seed_doc().sentences]
    assert (
        "詳しい部分は後の章で解説しますが、LLMのいわゆる性能は、主に計算資源、データセットサイズ、"
        "パラメータ数の3つの変数に関するべき乗に従って上昇します。"
    ) in texts
    assert "計算資源" not in texts and "パラメータ数" not in texts


def test_sections_are_recorded_on_sentences() -> None:
    doc = _seed_doc()
    glossary = next(s for s in doc.sentences if s.text.startswith("Generative…"))
    assert glossary.section == "Ⅱ.GPT"
    first = next(s for s in doc.sentences if s.section == "Ⅰ.Transformer")
    assert first.first_in_section and first.text.startswith("Googleを中心とする")


def test_display_text_is_not_nfkc_normalised() -> None:
    doc = parse_document("「～B」というのはパラメータ数です…本当に。\n", "", "ja")
    assert doc.sentences[0].text.startswith("「～B」")
    assert "…" in doc.sentences[0].text


def test_markdown_and_english_sentences() -> None:
    text = (
        "# Title\n\n## Packets\n\nA packet is a small unit, e.g. a frame.\nIt travels alone. "
        "Dr. Who said so.\n\n- first item\n- second item\n"
    )
    doc = parse_document(text, "Title", "en")
    assert doc.headings == ("Title", "Packets")
    texts = [s.text for s in doc.sentences]
    assert texts[:3] == [
        "A packet is a small unit, e.g. a frame.",
        "It travels alone.",
        "Dr. Who said so.",
    ]
    assert all(s.section == "Packets" for s in doc.sentences)


def test_brackets_keep_sentences_together() -> None:
    doc = parse_document("前の文(補足。ここも補足)の続きです。次の文。\n", "", "ja")
    assert [s.text for s in doc.sentences] == ["前の文(補足。ここも補足)の続きです。", "次の文。"]


def test_language_detection() -> None:
    assert detect_language(SEED.read_text(encoding="utf-8")) == "ja"
    assert detect_language("A packet is a small chunk of data.") == "en"
    assert detect_language("") == "en"


def test_term_key_is_stable_under_width_case_and_tilde() -> None:
    assert term_key("ＬＬＭ") == term_key("llm") == "llm"
    assert term_key("～B") == term_key("~B") == term_key("B") == "b"
    assert term_key("Tool-Integrated") == "tool-integrated"
    assert term_key("IP address") == "ip-address"
