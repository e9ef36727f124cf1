"""Backs a learner cannot read on their own: the back guard and the rules that made them.

Each case is a made-up snippet in the shape of a bad back found while reading the decks of the
scored articles (docs/generation.md, "Bad backs"): the rule that made it, run alone, must not
make it again, and the whole generator must give the term a whole back (or a cloze of its
sentence, or no note).
"""

from __future__ import annotations

import pytest

from flashcards.core.generate import decode_article, generate_deck
from flashcards.core.generate.fragments import fragment_reason, whole_back
from flashcards.core.generate.language import LANGUAGES
from flashcards.core.generate.rules import RULES
from flashcards.core.generate.textutil import detect_language, fold, term_key


@pytest.mark.parametrize(
    ("back", "lang", "reason"),
    [
        ("forward motion is", "en", "dangling end"),
        ("which screw into two arms", "en", "relative opener"),
        ("in which the two sides exchange three short messages", "en", "relative opener"),
        ("gives you a lot of this automatically", "en", "bare pointer"),
        ("its score stops measuring ability; this", "en", "dangling end"),
        ("usually just", "en", "dangling end"),
        ("それぞれを番号", "ja", "anaphor"),
        ("Attentionの各組を番号", "ja", "open case"),
        ("Attentionを複数の組", "ja", "open case"),
        ("のは禁止で、一度ほかの場所に打つ決まり", "ja", "particle opener"),
        ("古典の名筆を見ながら、そのとおりに", "ja", "dangling end"),
        ("駅の手前で線路が二つに分かれる場所がある", "ja", "existence"),
        ("出典: みんなの歴史事典", "ja", "metadata"),
        ("4.55メートル", "ja", "quantity"),
        ("両者を藤原氏が独占した政治", "ja", "anaphor"),
    ],
)
def test_fragments_are_named(back: str, lang: str, reason: str) -> None:
    assert fragment_reason(back, lang) == reason


@pytest.mark.parametrize(
    ("back", "lang"),
    [
        ("two arms that the pedals screw into", "en"),
        ("how bright an object looks from Earth, not how bright it really is", "en"),
        ("telling the camera what colour the light is", "en"),
        ("a fund that tracks a market index instead of paying a manager to beat it", "en"),
        ("the speed of a piece, measured in BPM", "en"),
        ("学習データ全体を何周するか", "ja"),
        ("著作権が続く期間。原則として著作者の死後70年まで", "ja"),
        ("ベクトルの長さを1にそろえる前処理", "ja"),
        ("データを保存", "ja"),
        ("周りより気圧が高いところ", "ja"),
        ("水と油の境目に並んで両者をつなぐ物質", "ja"),
    ],
)
def test_whole_backs_pass(back: str, lang: str) -> None:
    assert fragment_reason(back, lang) == ""
    assert whole_back(back, lang) == back


def test_a_back_cut_where_a_line_wrapped_keeps_its_whole_part() -> None:
    back = "the gap of roughly 6 mm that bees leave open as a walkway; if a"
    assert whole_back(back, "en") == "the gap of roughly 6 mm that bees leave open as a walkway"
    assert whole_back("forward motion is", "en") == ""


# (rule, snippet, term, a back the rule made of it that it must not make again)
NEGATIVES = [
    (
        "Y called X",
        "Everything that turns your pedalling into forward motion is known as the drivetrain.",
        "drivetrain",
        "forward motion is",
    ),
    (
        "Y called X",
        "It starts at the pedals, which screw into two arms called cranks.",
        "cranks",
        "which screw into",
    ),
    (
        "An X does Y",
        "A device that forwards packets between networks is called a router.",
        "device that",
        "forwards packets",
    ),
    (
        "An X does Y",
        "An IP address is a number that identifies one device on a network.",
        "IP",
        "address is a number",
    ),
    (
        "gives X, a Y",
        "The star blows itself apart in a supernova, an explosion that outshines a galaxy.",
        "a supernova",
        "an explosion",
    ),
    (
        "X is a Y",
        "Tonic — the first note of the scale, the home note where a piece usually ends.",
        "scale",
        "home note",
    ),
    (
        "gives X, a Y",
        "Tonic — the first note of the scale, the home note where a piece usually ends.",
        "scale",
        "home note",
    ),
    (
        "gives X, a Y",
        "Every call starts with a so-called handshake, in which both sides exchange messages.",
        "so-called handshake",
        "in which",
    ),
    (
        "XとはY",
        "ユークリッド距離とは逆に、コサイン距離は値が小さいほど似ていると考えます。",
        "ユークリッド距離",
        "逆に",
    ),
    (
        "XとはY",
        "モデルを変えると、以前に作ったベクトルとは比較できなくなります。",
        "ベクトル",
        "比較できなく",
    ),
    (
        "XをVする。これはYである",
        "液状化という言葉があります。これは、揺れで砂の地盤が液体のようになる現象のことです。",
        "言葉",
        "液体のようになる現象",
    ),
]


@pytest.mark.parametrize(("rule", "text", "term", "bad"), NEGATIVES, ids=lambda v: str(v)[:20])
def test_rule_no_longer_makes_the_bad_back(rule: str, text: str, term: str, bad: str) -> None:
    doc = LANGUAGES[detect_language(text)].parse(text, "")
    found = [
        f
        for i, s in enumerate(doc.sentences)
        for f in RULES[rule].find(s, doc.sentences[i - 1] if i else None)
    ]
    assert not any(
        term_key(f.term) == term_key(term) and fold(bad) in fold(f.back) for f in found
    ), found


@pytest.mark.parametrize(("rule", "text", "term", "bad"), NEGATIVES, ids=lambda v: str(v)[:20])
def test_generator_gives_no_fragment(rule: str, text: str, term: str, bad: str) -> None:
    deck = generate_deck(decode_article(("# Notes\n\n" + text + "\n").encode(), "notes.md"))
    lang = detect_language(text)
    for note in deck.notes:
        if note.kind == "cloze":
            continue
        if note.id.split("/", 1)[1] == term_key(term) or note.front == term:
            assert fold(bad) not in fold(note.back), note
        for part in note.back.split(" / "):
            assert not fragment_reason(part, lang), note
        assert not note.front.endswith((" that", " which")), note


def test_called_with_a_relative_clause_gives_the_noun_phrase() -> None:
    text = "It starts at the pedals, which screw into two arms called cranks."
    deck = generate_deck(decode_article(("# Bikes\n\n" + text + "\n").encode(), "bikes.md"))
    notes = {n.front: n.back for n in deck.notes}
    assert notes.get("cranks") == "two arms that the pedals screw into", notes


def test_a_later_fragment_is_not_joined_to_a_good_back() -> None:
    text = (
        "Everything that turns your pedalling into forward motion is known as the drivetrain. "
        "The drivetrain wears out."
    )
    deck = generate_deck(decode_article(("# Bikes\n\n" + text + "\n").encode(), "bikes.md"))
    notes = {n.front: n.back for n in deck.notes}
    assert notes.get("drivetrain") == "Everything that turns your pedalling into forward motion"


def test_a_gloss_only_note_beside_the_explained_one_is_dropped() -> None:
    text = "- **Zero-shot（ゼロショット）**: 例を一つも見せずに、指示だけでタスクを解かせるやり方"
    deck = generate_deck(decode_article(("# プロンプト\n\n" + text + "\n").encode(), "p.md"))
    backs = [n.back for n in deck.notes if n.kind != "cloze"]
    assert any("例を一つも見せずに" in b for b in backs), deck.notes
    assert "Zero-shot" not in backs, deck.notes


def test_a_list_item_wrapped_onto_an_indented_line_goes_on_there() -> None:
    text = (
        "- Foundation — a thin sheet of beeswax pressed with a hexagon pattern, which you\n"
        "  fix into the frame so the bees build straight comb on it.\n"
        "- x-height: the height of a lowercase x, that is of the short lowercase\n"
        "  letters without the bits that stick up or down.\n"
    )
    deck = generate_deck(decode_article(("# Notes\n\n" + text).encode(), "notes.md"))
    notes = {n.front: n.back for n in deck.notes}
    assert notes.get("Foundation", "").endswith(
        "which you fix into the frame so the bees build straight comb on it"
    ), notes
    assert notes.get("x-height", "").endswith("letters without the bits that stick up or down")


def test_a_short_item_and_its_indented_line_stay_apart() -> None:
    text = (
        "# 用語\n\n- Tenuto\n  その音の長さを十分に保って弾くこと\n"
        "- A short item line\n  and an indented line under it\n"
    )
    doc = LANGUAGES["ja"].parse(text, "")
    assert "Tenuto" not in " ".join(s.text for s in doc.sentences if "保って" in s.text)
    doc = LANGUAGES["en"].parse(text, "")
    assert not any("short item line and an indented" in s.text for s in doc.sentences)


def test_a_gloss_beside_an_explanation_goes_on_the_front() -> None:
    text = (
        "| 用語 | 意味 |\n| --- | --- |\n"
        "| ハルシネーション | モデルが事実でない内容をもっともらしく答えてしまう現象 |\n\n"
        "ハルシネーション（幻覚）には注意が必要です。"
    )
    deck = generate_deck(decode_article(("# 用語\n\n" + text + "\n").encode(), "notes.md"))
    notes = {n.front: n.back for n in deck.notes}
    assert notes.get("ハルシネーション (幻覚)") == (
        "モデルが事実でない内容をもっともらしく答えてしまう現象"
    ), notes


def test_the_subject_of_another_notes_back_is_no_term() -> None:
    text = (
        "**Chunking**\n"
        "Long articles are split into passages of roughly 300 words before indexing, because a "
        "whole article is too long to compare against a short question.\n"
    )
    deck = generate_deck(decode_article(("# Search\n\n" + text).encode(), "notes.md"))
    fronts = [n.front for n in deck.notes]
    assert "Chunking" in fronts, fronts
    assert "Long articles" not in fronts, fronts


def test_an_evaluation_is_not_appended_to_a_definition() -> None:
    text = (
        "Compound interest is the hero of the whole workshop. It means you earn interest not "
        "only on the money you put in but also on the interest it has already earned."
    )
    deck = generate_deck(decode_article(("# Money\n\n" + text + "\n").encode(), "notes.md"))
    notes = {n.front: n.back for n in deck.notes}
    assert "hero" not in notes.get("Compound interest", "hero"), notes


@pytest.mark.parametrize(
    ("back", "whole"),
    [
        (
            "人間の判断には、思考のクセによる系統的な偏りがある",
            "人間の判断にある、思考のクセによる系統的な偏り",
        ),
        ("体に悪い物質ができたりすることもある", "体に悪い物質ができたりすること"),
        ("駅の手前で線路が二つに分かれる場所がある", "駅の手前で線路が二つに分かれる場所がある"),
        ("世界で最も広く使われているのは1435mmの軌間", "世界で最も広く使われている1435mmの軌間"),
        (
            "日本酒がすごいのは、糖化と発酵が同時に進むところ",
            "日本酒がすごいのは、糖化と発酵が同時に進むところ",
        ),
    ],
)
def test_a_back_saying_what_exists_or_a_cleft_is_read_as_a_noun_phrase(
    back: str, whole: str
) -> None:
    assert whole_back(back, "ja") == whole


@pytest.mark.parametrize(
    ("text", "front"),
    [
        ("Re: Total beginner — what do all these words mean?", "Re"),
        ("Dana: should we add editable installs here?", "Dana"),
        (
            "Anyway, a few of our new members asked for a refresher on the basics before their "
            "first inspections, so here is a short glossary.",
            "Anyway",
        ),
    ],
)
def test_no_card_from_a_question_or_an_adverb(text: str, front: str) -> None:
    deck = generate_deck(decode_article(("# Notes\n\n" + text + "\n").encode(), "notes.md"))
    assert front not in [n.front for n in deck.notes], deck.notes


@pytest.mark.parametrize(
    ("text", "front"),
    [
        ("土を盛って固めた円形の場所が土俵です。直径は4.55メートル。", "直径"),
        ("今月の会報です。\n(文責:広報係・田中)\n\n## 土俵\n土を盛った円形の場所です。", "(文責"),
    ],
)
def test_no_card_from_a_value_or_a_bracketed_remark(text: str, front: str) -> None:
    deck = generate_deck(decode_article(("# 会報\n\n" + text + "\n").encode(), "notes.md"))
    assert front not in [n.front for n in deck.notes], deck.notes
    assert not any(n.front.startswith(("(", "（")) for n in deck.notes), deck.notes


def test_a_back_opening_with_a_pointing_word_gives_the_sentence() -> None:
    text = "摂政と関白は天皇を補佐した。両者を藤原氏が独占した政治は摂関政治と呼ばれる。"
    deck = generate_deck(decode_article(("# 平安\n\n" + text + "\n").encode(), "notes.md"))
    notes = {n.id.split("/", 1)[1]: n for n in deck.notes}
    note = notes.get(term_key("摂関政治"))
    assert note is not None, deck.notes
    assert note.kind == "cloze" and "両者を藤原氏が独占した" in note.front, note
