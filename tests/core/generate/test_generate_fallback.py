"""The taught-term fallback: cards for terms no definition pattern matches."""

from __future__ import annotations

from flashcards.core.generate import decode_article, generate_deck
from flashcards.core.generate.fallback import MAX_CLOZE


def _notes(text: str, name: str = "notes.md") -> dict[str, tuple[str, str, str]]:
    deck = generate_deck(decode_article(text.encode("utf-8"), name))
    return {n.id.split("/", 1)[1]: (n.kind, n.front, n.back) for n in deck.notes}


def test_naming_verb_joins_the_anaphoric_sentence_before() -> None:
    notes = _notes(
        "# Photos\n\n## Blur\n\nYou know that creamy, blurry background in portraits? "
        "It has a name: bokeh.\n"
    )
    kind, front, _ = notes["bokeh"]
    assert kind == "cloze"
    assert front.startswith("You know that creamy") and "{{c1::bokeh}}" in front


def test_next_sentence_with_anaphoric_subject_explains_the_term() -> None:
    notes = _notes(
        "# Photos\n\n## Light\n\nThe price you pay is noise. That's the grainy look you get in "
        "dark photos.\n"
    )
    assert notes["noise"][1] == (
        "The price you pay is {{c1::noise}}. That's the grainy look you get in dark photos."
    )


def test_subject_of_a_defining_verb_and_asides() -> None:
    notes = _notes(
        "# Lenses\n\n## Zoom\n\nFocal length, measured in millimetres, tells you how zoomed in "
        "a lens is.\n\nDepth of field is how much of the scene looks sharp.\n"
    )
    assert notes["focal-length"][1].startswith("{{c1::Focal length}}, measured")
    assert notes["depth-of-field"][1].startswith("{{c1::Depth of field}} is how much")


def test_it_means_after_an_evaluative_sentence_defines_the_subject() -> None:
    notes = _notes(
        "# Money\n\n## Growth\n\nCompound interest is the hero of the whole workshop. It means you "
        "earn interest on interest already earned.\n"
    )
    kind, _, back = notes["compound-interest"]
    assert kind == "basic" and back.startswith("you earn interest on interest")
    assert "whole-workshop" not in notes


def test_verbless_introduction_with_acronym_takes_the_next_sentence() -> None:
    notes = _notes(
        "# Money\n\n## Investing\n\nFinally, dollar-cost averaging (DCA). You invest a fixed "
        "amount at regular intervals.\n"
    )
    assert "fixed amount at regular intervals" in notes["dca"][2]


def test_emphasis_and_heading_weighed_together() -> None:
    notes = _notes(
        "# Systems\n\n## Idempotency\n\nRetrying a request is safe only if the operation has "
        "**idempotency**: doing it twice has the same effect as doing it once.\n"
    )
    assert notes["idempotency"] == (
        "cloze",
        "Retrying a request is safe only if the operation has {{c1::idempotency}}: doing it "
        "twice has the same effect as doing it once.",
        "",
    )


def test_japanese_naming_and_heading_description() -> None:
    notes = _notes(
        "心理学メモ\n\nⅠ. 学習\n\n"
        "このように、刺激と反応が結びつくことを古典的条件づけといいます。\n\n"
        "1. 確証バイアス\n自分の考えに合う情報ばかりを集めてしまう傾向。\n",
        "notes.txt",
    )
    assert (
        notes["古典的条件づけ"][1] == "刺激と反応が結びつくことを{{c1::古典的条件づけ}}といいます。"
    )
    assert notes["確証バイアス"][2] == "自分の考えに合う情報ばかりを集めてしまう傾向"


def test_no_cards_from_chatter_unresolved_anaphora_or_alternatives() -> None:
    notes = _notes(
        '# Notes\n\nNotes from the free "Money 101" lunchtime workshop.\n\n## Tips\n\n'
        'In the US this is the Federal Reserve, often just called "the Fed". Then you can use '
        "a faster shutter speed, or a lower ISO. I call my mum the boss.\n"
    )
    assert notes == {}


def test_fallback_clozes_are_short() -> None:
    long = "word " * 60
    notes = _notes(f"# T\n\n## Sec\n\nThe grid is {long}. That is what people call a flux gate.\n")
    assert all(len(front) <= MAX_CLOZE for _, front, _ in notes.values())


def test_japanese_topic_with_noun_ending_and_title_is_no_term() -> None:
    notes = _notes("メモ\n\n浸透圧は、濃度の違う液体の間で水が移動しようとする力。\n", "a.txt")
    assert notes == {
        "浸透圧": ("basic+reversed", "浸透圧", "濃度の違う液体の間で水が移動しようとする力")
    }


def test_the_term_x_for() -> None:
    notes = _notes("# Notes\n\nWe use the term entropy for the amount of disorder in a system.\n")
    assert notes["entropy"][1] == (
        "We use the term {{c1::entropy}} for the amount of disorder in a system."
    )
