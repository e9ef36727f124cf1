"""Term shapes and line shapes added for issue 10's second round (dev set gaps)."""

from __future__ import annotations

from flashcards.core.generate import decode_article, generate_deck
from flashcards.core.generate.terms import whole_term


def _backs(text: str, name: str) -> dict[str, str]:
    deck = generate_deck(decode_article(text.encode(), name))
    return {note.front: note.back for note in deck.notes}


def test_a_noun_with_okurigana_is_a_term() -> None:
    # Sudachi reads these as one noun; the hiragana inside used to bar them from every rule.
    for word in ("外れ値", "葉焼け", "根詰まり"):
        assert whole_term(word), word
    for phrase in ("つながり", "お知らせ", "見えにくさ"):
        assert not whole_term(phrase), phrase
    backs = _backs(
        "# 統計のメモ\n\nほかの値から大きく離れた値を外れ値と呼ぶ。"
        "平均値は外れ値の影響を受ける。\n",
        "stats_ja.txt",
    )
    assert backs["外れ値"] == "ほかの値から大きく離れた値"


def test_a_glossary_line_after_a_sentence_is_not_a_heading() -> None:
    backs = _backs(
        "# 鉢のメモ\n\n植え替えには道具がいります。\n"
        "鉢底石：水はけをよくするために鉢の底に敷く小石\n"
        "培養土：数種類の土や肥料をあらかじめ混ぜた土\n",
        "pots_ja.txt",
    )
    assert backs["鉢底石"] == "水はけをよくするために鉢の底に敷く小石"


def test_an_english_glossary_line_starts_its_own_sentence() -> None:
    # Pasted text is hard-wrapped, so lines join; a "Label: explanation" line does not.
    backs = _backs(
        "# Coffee words\n\nHow it was processed\n"
        "Washed process: the fruit is removed from the seed before drying, for a clean cup\n"
        "Natural process: the whole cherry is dried in the sun with the seed inside\n",
        "coffee_en.txt",
    )
    assert backs["Natural process"] == "the whole cherry is dried in the sun with the seed inside"
    assert "Natural process" not in backs["Washed process"]


def test_no_second_note_for_a_piece_or_an_article_of_a_term() -> None:
    # The tokenizer reads 四 as a number, so "分位範囲" alone was clozed beside 四分位範囲's card;
    # "… is a blend. It is …" gave "a blend" a cloze beside blend's card.
    deck = generate_deck(
        decode_article(
            "# 統計\n\nもう一つ押さえておきたいのが四分位範囲だ。これは、データを4等分したときの"
            "上から4分の1の位置の値と下から4分の1の位置の値の差である。\n".encode(),
            "stats_ja.txt",
        )
    )
    pieces = [note.id.split("/")[-1] for note in deck.notes if "分位範囲" in note.id]
    assert pieces == ["四分位範囲"]
    backs = _backs(
        "# Coffee\n\nMost supermarket coffee is a blend. It is a mix of beans from several "
        "origins, chosen so the taste stays the same all year.\n",
        "coffee_en.txt",
    )
    assert list(backs) == ["blend"]


def test_a_clause_after_a_conjunction_is_no_appositive() -> None:
    backs = _backs(
        "# Coffee\n\nA single origin coffee comes from one farm rather than a mix of places, "
        "so it tastes of that place.\n",
        "origin_en.txt",
    )
    assert "places" not in backs


def test_a_subject_renamed_with_also_called_is_no_description() -> None:
    backs = _backs(
        "# Teeth\n\nThe hard outer layer of a tooth, also called the crown coat, is white.\n",
        "teeth_en.txt",
    )
    assert backs.get("crown coat") != "The hard outer layer of a tooth"


def test_lets_you_and_we_use_define_a_kind_of_thing_said_once() -> None:
    backs = _backs(
        "# Workshop\n\nA torque wrench lets you tighten a bolt to an exact force.\n\n"
        "We use a spirit level to check that a shelf is straight.\n\n"
        "This app lets you save time.\n",
        "workshop_en.txt",
    )
    assert backs["torque wrench"].endswith("tighten a bolt to an exact force")
    assert backs["spirit level"] == "used to check that a shelf is straight"
    assert "app" not in backs and "This app" not in backs


def test_english_term_lines_without_blank_lines_stay_apart() -> None:
    backs = _backs(
        "Weather notes\n\nHumidity\nthe amount of water vapour in the air\n"
        "Dew point\nthe temperature at which the air becomes saturated\n",
        "weather_en.txt",
    )
    assert backs["Humidity"] == "the amount of water vapour in the air"
    assert backs["Dew point"] == "the temperature at which the air becomes saturated"
