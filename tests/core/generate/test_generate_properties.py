"""Property tests: decoding and generation raise nothing but InputError, whatever the input."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flashcards.core.errors import InputError
from flashcards.core.generate import decode_article, generate_deck

JAPANESE = st.sampled_from(
    list("あいうえおかがはをにのとでてすまし。、「」()（）…・ー")
    + ["とは", "と呼びます", "といいます", "と言って、", "いわゆる", "の3つ", "です。", "\n"]
    + [
        "LLM",
        "GPT",
        "トークン",
        "モデル",
        "言語",
        "(Large Language Model)",
        "Transformer…",
        "#",
        "1.",
    ]
)
ENGLISH = st.sampled_from(
    ["A ", "packet ", "is a ", "the ", "(TCP) ", "also called ", "refers to ", "means ", ". ", "\n"]
    + ["Transmission Control Protocol ", "is called ", "so-called ", ": ", "It ", "## ", "- "]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_decode_arbitrary_bytes(data: bytes) -> None:
    try:
        article = decode_article(data, "x.txt")
    except InputError as exc:
        assert str(exc).endswith(".")
        return
    generate_deck(article, deck_name="X")


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_generate_arbitrary_text(text: str) -> None:
    try:
        article = decode_article(text.encode("utf-8", "surrogatepass"), "x.md")
    except InputError:
        return
    for lang in ("auto", "ja", "en"):
        generate_deck(article, deck_name="X", lang=lang)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(JAPANESE | ENGLISH, max_size=60))
def test_generate_pattern_soup(parts: list[str]) -> None:
    text = "".join(parts)
    try:
        article = decode_article(text.encode("utf-8"), "x.md")
    except InputError:
        return
    deck = generate_deck(article, deck_name="X")
    ids = [n.id for n in deck.notes]
    assert len(ids) == len(set(ids))
    for note in deck.notes:
        assert note.front.strip()
        assert note.kind == "cloze" or (note.back.strip() and note.back != note.front)
