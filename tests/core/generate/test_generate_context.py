"""Definitions that need the sentence before: anaphora, demonstratives, clefts, appositives."""

from __future__ import annotations

from flashcards.core.generate.language import LANGUAGES
from flashcards.core.generate.structure import Sentence

find_en = LANGUAGES["en"].find
find_ja = LANGUAGES["ja"].find


def _s(text: str, index: int = 1) -> Sentence:
    return Sentence(text, "Section", index, False)


def _by_term(findings: list) -> dict[str, object]:  # type: ignore[type-arg]
    return {f.term: f for f in findings}


def test_mid_sentence_appositive_and_colon() -> None:
    found = _by_term(
        find_en(
            _s(
                "When the core collapses, the star blows up in a supernova, an explosion "
                "that can outshine an entire galaxy."
            )
        )
    )
    assert "supernova" in found and "core collapses" not in found
    assert found["supernova"].back.startswith("an explosion that")  # type: ignore[attr-defined]
    colon = _by_term(find_en(_s("There is a neutron star left over: a ball made of neutrons.")))
    assert colon["neutron star"].back == "a ball made of neutrons"  # type: ignore[attr-defined]


def test_short_for_and_numeral_subject() -> None:
    found = _by_term(find_en(_s("We measure things in AU, short for astronomical unit.")))
    assert found["AU"].back == "astronomical unit"  # type: ignore[attr-defined]
    one = _by_term(find_en(_s("One AU is the average distance between the Earth and the Sun.")))
    assert "AU" in one


def test_demonstrative_naming_is_a_two_sentence_cloze() -> None:
    previous = _s("They measure how far a star moves against distant stars.", 0)
    found = find_en(_s("That apparent shift is called parallax, and it is small."), previous)
    cloze = next(f for f in found if f.term == "parallax").cloze
    assert cloze.startswith("They measure") and "{{c1::parallax}}" in cloze


def test_subject_pronoun_takes_the_previous_term() -> None:
    previous = _s("Everyone got excited about the habitable zone.", 0)
    found = _by_term(find_en(_s("It is the range of distances where water is liquid."), previous))
    assert found["habitable zone"].back.startswith("the range of")  # type: ignore[attr-defined]
    chatty = _s("I love the habitable zone.", 0)
    assert not find_en(_s("It is the range of distances where water is liquid."), chatty)


def test_cleft_focus_defined_by_the_next_sentence() -> None:
    previous = _s("鉄道の安全の基本となるのが閉そく(へいそく)です。", 0)
    found = _by_term(
        find_ja(_s("線路を区間に分け、一本の列車しか入れない考え方のことです。"), previous)
    )
    assert "一本の列車" in found["閉そく"].back  # type: ignore[attr-defined]


def test_demonstrative_noun_resolved_in_previous_sentence() -> None:
    previous = _s("電車は線路の上に張られた電線から電気を受け取って走ります。", 0)
    found = _by_term(find_ja(_s("この電線が架線です。"), previous))
    assert found["架線"].back == "線路の上に張られた電線"  # type: ignore[attr-defined]


def test_identifying_ga_and_state_words_rejected() -> None:
    found = _by_term(find_ja(_s("方向を切り替える装置が分岐器で、ポイントとも呼ばれます。")))
    assert found["分岐器"].back == "方向を切り替える装置"  # type: ignore[attr-defined]
    assert "好き" not in _by_term(find_ja(_s("子どものころから電車が好きで、よく乗ります。")))
    assert "必要" not in _by_term(find_ja(_s("作りすぎると遅くなるので注意が必要です。")))


def test_in_sentence_kore_and_wa_naming() -> None:
    found = _by_term(
        find_ja(_s("最も広く使われているのは1435mmの軌間で、これを標準軌と呼びます。"))
    )
    assert "1435mm" in found["標準軌"].back  # type: ignore[attr-defined]
    contrast = _by_term(find_ja(_s("これに対し、標準軌より狭い軌間は狭軌といいます。")))
    assert contrast["狭軌"].back == "標準軌より狭い軌間"  # type: ignore[attr-defined]
