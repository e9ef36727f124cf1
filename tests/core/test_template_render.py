"""Parity of the card renderer with the real Anki library: the same cards, the same HTML.

Each test builds an Anki collection in a temporary folder, adds note types and notes there,
and compares Anki's ``card.question()``/``card.answer()`` (and its card list) with ours. Only
what is legitimately different is normalised: Anki's ``<style>`` wrapper (built here from our
CSS), sound tags (Anki replaces them with play markers: ours go through Anki's own
extractor), the hint link's script (ours is a ``<details>``), and the wording of Anki's
error and empty-card messages (ours are our own; which cards get one must match).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("anki.collection")

from anki import hooks  # noqa: E402
from anki.collection import Collection as AnkiCollection  # noqa: E402
from anki.latex import on_card_did_render as anki_latex_hook  # noqa: E402
from anki.models import MODEL_CLOZE  # noqa: E402
from anki.notes import Note  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from flashcards.core.exchange.anki_notetypes import read_notetypes  # noqa: E402
from flashcards.core.template_filters import HINT_CLOSE, HINT_MIDDLE, HINT_OPEN  # noqa: E402
from flashcards.core.template_render import (  # noqa: E402
    Rendered,
    card_ordinals,
    fields_by_name,
    notetype_from_anki,
    render_card_text,
)

_PLAY = re.compile(r"\[anki:play:[qa]:\d+\]")
_ANKI_HINT_LINK = re.compile(
    r"\n<a class=hint href=\"#\"\nonclick=\"this\.style\.display='none';\n"
    r"document\.getElementById\('hint[0-9a-f]{16}'\)\.style\.display='block';\n"
    r"return false;\" draggable=false>\n"
)
_ANKI_HINT_BLOCK = re.compile(r'</a>\n<div id="hint[0-9a-f]{16}" class=hint style="display: none">')
_ANKI_EMPTY = re.compile(
    r"<div>[^<]*<br><a href='https://docs\.ankiweb\.net/templates/errors\.html#"
    r"(?:front-of-card-is-blank|no-cloze-filter-on-cloze-note-type)'>[^<]*</a></div>"
)
_OUR_EMPTY = re.compile(
    r"<div>(?:The front of this card is empty|This card has no cloze deletion)[^<]*</div>"
)
_ANKI_PROBLEM = re.compile(r"(Front|Back) template has a problem:<br>.*", re.S)


class Anki:
    """A real Anki collection with helpers to add note types and notes and compare cards."""

    def __init__(self, folder: Path) -> None:
        self.col = AnkiCollection(str(folder / "collection.anki2"))
        self.compared = 0

    def notetype(
        self,
        name: str,
        fields: Sequence[str],
        templates: Sequence[tuple[str, str, str]],
        *,
        css: str | None = None,
        cloze: bool = False,
        checked: bool = True,
    ) -> dict[str, Any]:
        """Add a note type; ``checked=False`` stores templates Anki's editor would refuse."""
        models = self.col.models
        model = models.new(name)
        if cloze:
            model["type"] = MODEL_CLOZE
        for field in fields:
            models.add_field(model, models.new_field(field))
        for template_name, qfmt, afmt in templates:
            template = models.new_template(template_name)
            # Placeholders Anki accepts (distinct fronts), replaced below unchecked.
            placeholder = f"{{{{{'cloze:' if cloze else ''}{fields[0]}}}}}{template_name}"
            template["qfmt"], template["afmt"] = (qfmt, afmt) if checked else (placeholder, "")
            models.add_template(model, template)
        if css is not None:
            model["css"] = css
        notetype_id = models.add(model).id
        model = models.get(notetype_id)
        if not checked:
            for template, (_, qfmt, afmt) in zip(model["tmpls"], templates, strict=True):
                template["qfmt"], template["afmt"] = qfmt, afmt
            models.update_dict(model, skip_checks=True)
            model = models.get(notetype_id)
        return model

    def note(
        self,
        model: Mapping[str, Any],
        fields: Mapping[str, str] | Sequence[str],
        *,
        tags: Sequence[str] = (),
        deck: str = "Default",
    ) -> Note:
        """Add a note (fields by name or in order) and read it back as Anki stored it."""
        note = self.col.new_note(model)  # type: ignore[arg-type]
        values = (
            fields if isinstance(fields, Mapping) else dict(zip(note.keys(), fields, strict=True))
        )
        for key, value in values.items():
            note[key] = value
        note.tags = list(tags)
        self.col.add_note(note, self.col.decks.id(deck) or 1)
        return self.col.get_note(note.id)

    def ours(self, card: Any, note: Note) -> Rendered:
        spec = notetype_from_anki(note.note_type() or {})
        return render_card_text(
            spec,
            fields_by_name(spec, note.fields),
            card.ord,
            tags=note.tags,
            deck=self.col.decks.name(card.current_deck_id()),
            flag=card.user_flag(),
            card_id=card.id,
        )

    def ours_as_anki(self, rendered: Rendered, text: str, *, question: bool) -> str:
        """Our side in Anki's form, where the difference is only markup or wording."""
        text = self.col._backend.extract_av_tags(text=text, question_side=question).text
        text = _PLAY.sub("[AV]", text)
        if rendered.problem:
            return "[PROBLEM]"
        text = _OUR_EMPTY.sub("[EMPTY]", text)
        link = '\n<a class=hint href="#"\nonclick=[SCRIPT] draggable=false>\n'
        text = text.replace(HINT_OPEN, link)
        text = text.replace(
            HINT_MIDDLE, '</a>\n<div id="hint[ID]" class=hint style="display: none">'
        )
        return f"<style>{rendered.css}</style>" + text.replace(HINT_CLOSE, "</div>\n")

    def anki_normalised(self, text: str) -> str:
        text = _PLAY.sub("[AV]", text)
        if _ANKI_PROBLEM.search(text):
            return "[PROBLEM]"
        text = _ANKI_EMPTY.sub("[EMPTY]", text)
        text = _ANKI_HINT_LINK.sub(
            '\n<a class=hint href="#"\nonclick=[SCRIPT] draggable=false>\n', text
        )
        return _ANKI_HINT_BLOCK.sub(
            '</a>\n<div id="hint[ID]" class=hint style="display: none">', text
        )

    def assert_same(self, note: Note) -> list[Rendered]:
        """Anki's cards of ``note`` and ours are the same cards with the same sides."""
        spec = notetype_from_anki(note.note_type() or {})
        cards = note.cards()
        expected_ords = sorted({card.ord for card in cards})
        fields = fields_by_name(spec, note.fields)
        assert card_ordinals(spec, fields, tags=note.tags) == expected_ords, note.fields
        out = []
        for card in cards:
            ours = self.ours(card, note)
            question, answer = card.question(reload=True), card.answer()
            context = (note.fields, card.ord, question, answer, ours)
            assert self.anki_normalised(question) == self.ours_as_anki(
                ours, ours.question_html, question=True
            ), context
            assert self.anki_normalised(answer) == self.ours_as_anki(
                ours, ours.answer_html, question=False
            ), context
            assert ours.is_empty == bool(_ANKI_EMPTY.search(question)), context
            assert (ours.problem is not None) == bool(_ANKI_PROBLEM.search(question)), context
            if ours.problem is not None:
                side = _ANKI_PROBLEM.search(question).group(1).lower()  # type: ignore[union-attr]
                assert ours.problem.startswith(f"The {side} template"), context
            self.compared += 1
            out.append(ours)
        return out

    def sides(self, note: Note, ordinal: int = 0) -> tuple[str, str]:
        """Our question and answer of the card ``ordinal`` (after checking every card)."""
        rendered = {
            card.ord: r for card, r in zip(note.cards(), self.assert_same(note), strict=True)
        }
        return rendered[ordinal].question_html, rendered[ordinal].answer_html


@pytest.fixture
def anki(tmp_path: Path) -> Iterator[Anki]:
    helper = Anki(tmp_path)
    yield helper
    helper.col.close()


# Stock note types
# ----------------------------------------


def test_basic(anki: Anki) -> None:
    basic = anki.col.models.by_name("Basic")
    assert basic is not None
    note = anki.note(basic, ["<b>bold</b> and <i>italic</i> &amp; more", "the <u>back</u>"])
    question, answer = anki.sides(note)
    assert question == "<b>bold</b> and <i>italic</i> &amp; more"
    assert answer == question + "\n\n<hr id=answer>\n\nthe <u>back</u>"


def test_reversed_and_optional_reversed(anki: Anki) -> None:
    both = anki.col.models.by_name("Basic (and reversed card)")
    optional = anki.col.models.by_name("Basic (optional reversed card)")
    assert both is not None and optional is not None
    note = anki.note(both, ["front", "back"])
    assert anki.sides(note, 1)[0] == "back"
    assert [c.ord for c in anki.note(optional, ["front", "back", ""]).cards()] == [0]
    with_reverse = anki.note(optional, ["front", "back", "y"])
    assert anki.sides(with_reverse, 1)[0] == "back"
    # Only whitespace and empty line breaks count as empty: a no-break space is content.
    for add_reverse in (" <br> <div></div>\n", "&nbsp;", "<span></span>"):
        anki.assert_same(anki.note(optional, ["front", "back", add_reverse]))


def test_type_in_the_answer_keeps_anki_marker(anki: Anki) -> None:
    typed = anki.col.models.by_name("Basic (type in the answer)")
    assert typed is not None
    question, answer = anki.sides(anki.note(typed, ["capital of France?", "Paris"]))
    assert question.endswith("[[type:Back]]")
    assert "[[type:Back]]" in answer


def test_cloze_hints_repeats_and_numbers(anki: Anki) -> None:
    cloze = anki.col.models.by_name("Cloze")
    assert cloze is not None
    text = (
        "{{c1::Canberra::city}} is the capital of {{c2::Australia}}; {{c1::Wellington}} of "
        "{{c3::New Zealand::country}}, {{c2,3::both}} and {{c1::a {{c4::nested}} one}}."
    )
    note = anki.note(cloze, [text, "<i>extra</i>"])
    assert sorted(c.ord for c in note.cards()) == [0, 1, 2, 3]
    question, answer = anki.sides(note, 0)
    assert '<span class="cloze" data-cloze="Canberra" data-ordinal="1">[city]</span>' in question
    assert '<span class="cloze-inactive" data-ordinal="2">Australia</span>' in question
    assert '<span class="cloze" data-ordinal="1">Wellington</span>' in answer
    for ordinal in (1, 2, 3):
        anki.sides(note, ordinal)


def test_cloze_numbers_from_any_field_and_out_of_range(anki: Anki) -> None:
    cloze = anki.col.models.by_name("Cloze")
    assert cloze is not None
    anki.assert_same(anki.note(cloze, ["{{c2::only two}}", "{{c5::in extra}}"]))
    anki.assert_same(anki.note(cloze, ["no deletion {{c0::zero}}", ""]))
    anki.assert_same(anki.note(cloze, ["{{c1::unclosed {{c2::inner}}", ""]))
    anki.assert_same(anki.note(cloze, ["{{c1,,3::x}} {{c65536::big}} {{c600::far}}", ""]))
    anki.assert_same(
        anki.note(cloze, ["\\(x^{<b>2</b>} + {{c1::y}}\\) {{c2::\\[<i>z</i>\\]}}", ""])
    )
    anki.assert_same(
        anki.note(cloze, ["{{c1::a::b::c}} {{c2::d::e}}::f}} {{c2::g {{c3::h}}::i}}", ""])
    )
    deep = "".join(f"{{{{c{n}::<{n}>" for n in range(1, 14)) + "}}" * 13
    for ordinal in (0, 5, 9):  # deletions deeper than ten are dropped: no cards 11 to 13
        anki.sides(anki.note(cloze, [deep, ""]), ordinal)


def test_cloze_only_and_type_cloze(anki: Anki) -> None:
    model = anki.notetype(
        "Cloze typed",
        ["Text", "Extra"],
        [
            (
                "Cloze",
                "{{cloze:Text}}<br>{{cloze-only:Text}}<br>{{type:cloze:Text}}",
                "{{cloze:Text}}<br>{{cloze-only:Text}}<br>{{type:cloze:Text}}{{Extra}}",
            )
        ],
        cloze=True,
    )
    note = anki.note(model, ["{{c1::one::hint}} {{c1::two}} {{c2::three}} {{c1::one}}", "x"])
    question, _ = anki.sides(note, 0)
    assert "<br>hint, ..., ...<br>[[type:cloze:Text]]" in question


def test_image_occlusion_shapes(anki: Anki) -> None:
    cloze = anki.col.models.by_name("Cloze")
    assert cloze is not None
    text = (
        "{{c1::image-occlusion:rect:left=.1:top=.2:width=.3:height=0:oi=1}}"
        "{{c2::image-occlusion:polygon:points=1,2 3,4 5:fill=red}}"
        "{{c1,2::image-occlusion:text:text=a\\:b\\\\c:left=1:fs=2:scale=0}}"
        "{{c3::image-occlusion:ellipse:left=1:rx=2:ry=0:angle=5}}{{c0::image-occlusion:x}}"
    )
    for ordinal in range(3):
        anki.sides(anki.note(cloze, [text, ""]), ordinal)


# Custom note types
# ----------------------------------------

VOCAB_FIELDS = ["Word", "Reading", "Meaning", "Example"]
VOCAB_TEMPLATES = [
    (
        "Recognise",
        "<div class=word>{{furigana:Word}}</div>{{#Example}}<p>{{kanji:Example}}</p>{{/Example}}",
        "{{FrontSide}}<hr id=answer>{{Meaning}}<br>{{kana:Word}} {{Reading}}"
        "{{#Example}}{{hint:Example}}{{/Example}}",
    ),
    (
        "Recall",
        "{{#Meaning}}{{Meaning}}{{#Reading}} ({{text:Reading}}){{/Reading}}{{/Meaning}}",
        "{{FrontSide}}<hr id=answer>{{furigana:Word}}<br>{{text:hint:Example}}",
    ),
]


def test_four_fields_two_templates(anki: Anki) -> None:
    model = anki.notetype("Vocab", VOCAB_FIELDS, VOCAB_TEMPLATES, css=".word { font-size: 40px }")
    note = anki.note(
        model,
        ["日本語[にほんご]", "<b>にほんご</b>", "Japanese", "日本語[にほんご]を 話[はな]す。"],
    )
    question, answer = anki.sides(note, 0)
    assert "<ruby><rb>日本語</rb><rt>にほんご</rt></ruby>" in question
    assert "<p>日本語を話す。</p>" in question
    assert "<details class=hint><summary>\nExample</summary>" in answer
    assert anki.sides(note, 1)[0] == "Japanese (にほんご)"
    anki.assert_same(anki.note(model, ["語[ご]", "", "", ""]))  # only card 1
    anki.assert_same(anki.note(model, ["", "", "meaning only", ""]))  # only card 2


def test_three_templates_nested_conditionals(anki: Anki) -> None:
    model = anki.notetype(
        "Three",
        ["A", "B", "C"],
        [
            ("One", "{{#A}}{{#B}}{{A}} and {{B}}{{/B}}{{/A}}", "{{FrontSide}}<hr>{{C}}"),
            ("Two", "{{^A}}{{^B}}no A nor B: {{C}}{{/B}}{{/A}}", "{{FrontSide}}{{A}}"),
            ("Three", "{{#C}}{{^B}}{{C}}{{/B}}{{#B}}C and B{{/B}}{{/C}}", "<!-- {{A}} -->{{B}}"),
        ],
    )
    values = ["", "a", " ", "<br>", "<div> </div>", "&nbsp;", "<img src=x.png>"]
    for a in values[:4]:
        for b in values[::2]:
            for c in values[1::3]:
                anki.assert_same(anki.note(model, [a, b, c]))


def test_special_fields(anki: Anki) -> None:
    template = (
        "{{Front}}|{{Tags}}|{{Type}}|{{Deck}}|{{Subdeck}}|{{Card}}|{{CardFlag}}|{{CardID}}"
        "{{#Tags}} tagged{{/Tags}}{{^Tags}} untagged{{/Tags}}"
    )
    model = anki.notetype("Specials", ["Front"], [("The card", template, "{{FrontSide}}")])
    note = anki.note(model, ["x"], tags=["one", "two::three"], deck="Lang::日本語::Verbs")
    card = note.cards()[0]
    anki.col.set_user_flag_for_cards(5, [card.id])
    question, _ = anki.sides(anki.col.get_note(note.id))
    assert question.startswith(
        "x|one two::three|Specials|Lang::日本語::Verbs|Verbs|The card|flag5|"
    )
    anki.sides(anki.note(model, ["y"]))
    # Tags count as a field for the front only when the note has tags.
    tags_only = anki.notetype("Tags only", ["F"], [("c", "{{Tags}}", "")])
    anki.assert_same(anki.note(tags_only, [""], tags=["t"]))
    anki.assert_same(anki.note(tags_only, [""]))
    both = anki.notetype("Tags or F", ["F"], [("c", "{{F}}", ""), ("d", "{{Tags}}", "")])
    anki.assert_same(anki.note(both, ["f"]))
    anki.assert_same(anki.note(both, ["f"], tags=["t"]))
    deck_only = anki.notetype("Deck only", ["F"], [("c", "{{Deck}}", ""), ("d", "{{F}}", "")])
    anki.assert_same(anki.note(deck_only, [""]))


def test_filters_text_furigana_kana_kanji_hint(anki: Anki) -> None:
    model = anki.notetype(
        "Filters",
        ["F"],
        [
            (
                "All",
                "{{text:F}}|{{furigana:F}}|{{kana:F}}|{{kanji:F}}|{{hint:F}}|{{text:hint:F}}"
                "|{{kana:text:F}}|{{unknown:text:F}}|{{text:unknown:F}}|{{:F}}|{{text:}}"
                "|{{tts ja_JP:F}}|{{type:text:F}}",
                "{{FrontSide}}",
            )
        ],
        checked=False,
    )
    for value in [
        "<b>東京</b>[とうきょう]&nbsp;大阪[おおさか] 京都[きょうと]",
        "a &amp; b &lt;c&gt; &nbsp; &apos; &#x41;&#65; &copy;",
        "broken & entity; stays &nosuch; ",
        "<style>p{}</style><script>x()</script><!-- hidden -->shown [sound:a.mp3]",
        " \t ",
        "x[sound:y.mp3] 日本[にっぽん] [ ] a[b] c[d",
        "漢字[かん\nじ] x\n[y] 語[ご\n]",
        "\x1c",  # whitespace to Python, not to Anki
        "\u3000\xa0 ",
    ]:
        anki.assert_same(anki.note(model, [value]))


def test_rich_html_ruby_and_tables(anki: Anki) -> None:
    basic = anki.col.models.by_name("Basic")
    assert basic is not None
    front = (
        '<span style="color: rgb(255, 0, 0);">red</span> x<sup>2</sup> H<sub>2</sub>O '
        "<ul><li>one</li><li>two</li></ul><ruby>漢字<rt>かんじ</rt></ruby>"
        '<a href="https://example.org">link</a><img src="pic.png">'
    )
    back = (
        "<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>{{not a field}}</td></tr>"
        "</table>[sound:word.mp3]"
    )
    question, answer = anki.sides(anki.note(basic, [front, back]))
    assert question == front
    assert "<table>" in answer


def test_latex_images(anki: Anki) -> None:
    """LaTeX becomes Anki's image links (the images themselves come with the deck)."""
    basic = anki.col.models.by_name("Basic")
    cloze = anki.col.models.by_name("Cloze")
    assert basic is not None and cloze is not None
    svg = anki.notetype("Svg", ["F"], [("c", "{{F}}", "{{FrontSide}}<br>{{text:F}}")])
    svg["latexsvg"] = True
    anki.col.models.update_dict(svg)
    notes = [
        anki.note(
            basic,
            ["[latex]x^2<br>y<div>z</div>[/latex] [$]<b>a</b>&nbsp;&lt;b[/$]", "[$$]E=mc^2[/$$]"],
        ),
        anki.note(basic, ["[LaTeX]\\alpha & \\beta[/latex] [$][$$]x[/$$][/$] [latex]open", "b"]),
        anki.note(
            cloze, ["[$]{{c1::x}} + {{c2::y::why}}[/$] [latex]{{c1::\\sqrt{2} }}[/latex]", ""]
        ),
        anki.note(anki.col.models.get(svg["id"]) or {}, ["[$]\\frac{1}{2}[/$]"]),
    ]
    # Anki makes missing images with a LaTeX install: give it the files it names instead.
    hooks.card_did_render.remove(anki_latex_hook)
    try:
        for note in notes:
            for card in note.cards():
                output = card.render_output(reload=True)
                svg_images = bool((note.note_type() or {}).get("latexsvg"))
                for text in (output.question_text, output.answer_text):
                    found = anki.col._backend.extract_latex(
                        text=text, svg=svg_images, expand_clozes=False
                    )
                    for latex in found.latex:
                        anki.col.media.write_data(latex.filename, b"image")
    finally:
        hooks.card_did_render.append(anki_latex_hook)
    for note in notes:
        question, _ = anki.sides(note)
        assert "<img class=latex" in question


def test_unknown_fields_and_broken_templates(anki: Anki) -> None:
    broken = [
        ("{{Front}} {{Nope}}", "{{Back}}"),
        ("{{Front}}", "{{Back}} {{text:hint:Nope}}"),
        ("{{#Nope}}x{{/Nope}}{{Front}}", "a"),
        ("{{#Front}}x", "a"),
        ("{{Front}}{{/Front}}", "a"),
        ("{{#Front}}{{#Back}}x{{/Front}}{{/Back}}", "a"),
        ("{{Front}}", "{{^Front}}{{Other}}{{/Front}}"),  # errors count in hidden sections
        ("{{}}", "a"),
        ("{{ Front }} {{#c1}}one{{/c1}}{{^c2}}not two{{/c2}}{{c1}}", "{{FrontSide}}"),
    ]
    for index, (qfmt, afmt) in enumerate(broken):
        model = anki.notetype(
            f"Broken {index}", ["Front", "Back"], [("c", qfmt, afmt)], checked=False
        )
        anki.assert_same(anki.note(model, ["front", "back"]))
        anki.assert_same(anki.note(model, ["", "back"]))


def test_template_syntax_corners(anki: Anki) -> None:
    corners = [
        "{{=<% %>=}} <%Front%> {{Front}} <%#Back%>b<%/Back%>",
        "<!-- {{Nope}} --> {{Front}} <!-- unclosed {{Back}}",
        "{{{Front}}} {{Front}}}} {{{{Back}}",
        "{{ #Front }}x{{ /Front }} {{^ Back}}y{{/Back }}",
        "{{#}}",
        "{{\x1cFront}} {{\u3000Front\u2028}}",  # Anki trims Unicode spaces, not U+001C
        "{Front} {{Front} }} {{Front",
        "{{FrontSide}}{{text:FrontSide}}{{Front}}",
    ]
    for index, qfmt in enumerate(corners):
        model = anki.notetype(
            f"Corner {index}",
            ["Front", "Back"],
            [("c", qfmt, "{{FrontSide}}|{{text:FrontSide}}|{{Back}}")],
            checked=False,
        )
        anki.assert_same(anki.note(model, ["front", "back"]))
        anki.assert_same(anki.note(model, ["", "back"]))


def test_empty_fronts_make_no_cards_but_one(anki: Anki) -> None:
    model = anki.notetype(
        "Empty fronts",
        ["A", "B"],
        [("1", "{{A}}", "{{B}}"), ("2", "{{B}}", "{{A}}"), ("3", "static text", "x")],
        checked=False,
    )
    for a, b in [("", ""), ("a", ""), ("", "b"), ("a", "b"), ("<br>", "<div></div>")]:
        anki.assert_same(anki.note(model, [a, b]))


# Generated contents
# ----------------------------------------

_PIECES = [
    "a",
    "b",
    "x y",
    " ",
    "\n",
    "&nbsp;",
    "&amp;",
    "&",
    "&lt;",
    "&#x41;",
    ";",
    "<b>",
    "</b>",
    "<br>",
    "<div>",
    "</div>",
    "<i>",
    "</i>",
    "{{c1::",
    "{{c2::",
    "{{c1,2::",
    "{{c3::",
    "::",
    "}}",
    "{",
    "}",
    "{{",
    "[",
    "]",
    "漢字",
    "[かんじ]",
    "日本[にほん]",
    " 語[ご]",
    ":",
    "é",
    "e\u0301",
    "<!--",
    "-->",
    "\\(",
    "\\)",
    "<style>",
    "</style>",
    "<ruby>",
    "<rt>",
    "</rt>",
    "</ruby>",
    '<span class="x">',
    "</span>",
    "\u3000",
    "\xa0",
    "\x1c",
    "{{Front}}",
    "#",
]
field_text = st.lists(
    st.one_of(st.sampled_from(_PIECES), st.text(max_size=3).filter(lambda s: "\x1f" not in s)),
    max_size=12,
).map("".join)

FUZZ_TEMPLATES = [
    (
        "One",
        "{{F1}}|{{text:F2}}|{{furigana:F3}}{{#F2}}[{{kana:F2}}]{{/F2}}{{^F3}}no3{{/F3}}"
        "|{{hint:F3}}|{{kanji:F1}}|{{cloze:F1}}|{{type:F2}}",
        "{{FrontSide}}<hr id=answer>{{F2}}{{text:hint:F1}}{{cloze-only:F1}}{{cloze:F3}}",
    ),
    ("Two", "{{#F1}}{{#F2}}{{F3}}{{/F2}}{{/F1}}", "{{FrontSide}}{{F1}}"),
    ("Three", "{{^F1}}{{text:F2}}{{/F1}}", "{{cloze:F2}}{{cloze-only:F2}}"),
]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(f1=field_text, f2=field_text, f3=field_text)
def test_generated_fields_standard(anki: Anki, f1: str, f2: str, f3: str) -> None:
    model = anki.col.models.by_name("Fuzz") or anki.notetype(
        "Fuzz", ["F1", "F2", "F3"], FUZZ_TEMPLATES
    )
    anki.assert_same(anki.note(model, [f1, f2, f3], tags=["t"] if "a" in f1 else []))


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=field_text, extra=field_text)
def test_generated_fields_cloze(anki: Anki, text: str, extra: str) -> None:
    model = anki.col.models.by_name("Fuzz cloze") or anki.notetype(
        "Fuzz cloze",
        ["Text", "Extra"],
        [
            (
                "Cloze",
                "{{cloze:Text}}|{{cloze-only:Text}}|{{#c2}}two{{/c2}}{{^c1}}not one{{/c1}}"
                "|{{type:cloze:Text}}|{{text:cloze:Text}}",
                "{{cloze:Text}}<br>{{Extra}}{{cloze:Extra}}|{{kana:cloze:Text}}",
            )
        ],
        cloze=True,
    )
    anki.assert_same(anki.note(model, [text, extra]))


_TEMPLATE_PIECES = [
    "{{F1}}",
    "{{F2}}",
    "{{#F1}}",
    "{{/F1}}",
    "{{^F2}}",
    "{{/F2}}",
    "{{#F2}}",
    "{{text:F1}}",
    "{{hint:F2}}",
    "{{cloze:F1}}",
    "{{FrontSide}}",
    "{{Tags}}",
    "{{Card}}",
    "{{c1}}",
    "{{#c1}}",
    "{{/c1}}",
    "{{Nope}}",
    "{{",
    "}}",
    "{",
    "}",
    "#",
    "/",
    "^",
    ":",
    "F1",
    " ",
    "x",
    "<!--",
    "-->",
    "{{=<% %>=}}",
    "<%F1%>",
    "{{ F2 }}",
    "{{type:F1}}",
    "{{unknown:F1}}",
    "\n",
]
template_text = st.lists(st.sampled_from(_TEMPLATE_PIECES), max_size=10).map("".join)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(qfmt=template_text, afmt=template_text, f1=field_text, f2=field_text)
def test_generated_templates(anki: Anki, qfmt: str, afmt: str, f1: str, f2: str) -> None:
    """Random templates, broken ones included, rendered by Anki's card layout screen."""
    model = anki.col.models.by_name("Layout") or anki.notetype(
        "Layout", ["F1", "F2"], [("Card 1", "{{F1}}", "{{F2}}")]
    )
    note = anki.col.new_note(model)
    note["F1"], note["F2"] = f1, f2
    anki.col.add_note(note, 1)
    note = anki.col.get_note(note.id)
    template = dict(model["tmpls"][0], qfmt=qfmt, afmt=afmt)
    # The layout screen renders the note's existing card 0 (its deck and id) with the template.
    existing = note.cards()[0]
    card = note.ephemeral_card(0, custom_note_type=model, custom_template=template)
    spec = notetype_from_anki(dict(model, tmpls=[template]))
    fields = fields_by_name(spec, note.fields)
    ours = render_card_text(spec, fields, 0, deck="Default", card_id=existing.id)
    context = (qfmt, afmt, note.fields)
    question, answer = card.question(), card.answer()
    assert anki.anki_normalised(question) == anki.ours_as_anki(
        ours, ours.question_html, question=True
    ), context
    assert anki.anki_normalised(answer) == anki.ours_as_anki(
        ours, ours.answer_html, question=False
    ), context


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(fronts=st.lists(template_text, min_size=1, max_size=3), f1=field_text, f2=field_text)
def test_generated_fronts_make_the_same_cards(
    anki: Anki, fronts: list[str], f1: str, f2: str
) -> None:
    """Which cards a note gets, for random fronts (broken ones make no card)."""
    anki.compared += 1
    templates = [(f"T{i}", front, "") for i, front in enumerate(fronts)]
    model = anki.notetype(f"Cards {anki.compared}", ["F1", "F2"], templates, checked=False)
    anki.assert_same(anki.note(model, [f1, f2], tags=["t"] if "x" in f1 else []))


def test_notetypes_as_read_from_anki_files(anki: Anki) -> None:
    """read_notetypes' shape converts to the note type Anki has, in both database schemas."""
    model = anki.notetype("Vocab", VOCAB_FIELDS, VOCAB_TEMPLATES, css=".word { font-size: 40px }")
    model["flds"][0]["font"], model["flds"][0]["size"] = "Noto Serif JP", 36
    anki.col.models.update_dict(model)
    cloze = anki.col.models.by_name("Cloze")
    assert cloze is not None
    expected = {
        nt["id"]: notetype_from_anki(nt) for nt in (anki.col.models.get(model["id"]), cloze) if nt
    }
    assert expected[model["id"]].fields[0].size == 36
    path = anki.col.path
    for downgrade in (False, True):  # schema 18 tables, then schema 11 JSON
        anki.col.close(downgrade=downgrade)
        with sqlite3.connect(path) as db:
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
            read = read_notetypes(db, tables)
        assert ("notetypes" in tables) != downgrade
        assert {mid: notetype_from_anki(read[mid]) for mid in expected} == expected
        anki.col.reopen()


def test_converter_reads_both_package_shapes() -> None:
    config = {
        "name": "N",
        "type": 1,
        "css": ".card{}",
        "flds": [{"name": "B", "ord": 1, "size": 30}, {"name": "A", "ord": 0, "font": "Mincho"}],
        "tmpls": [{"name": "T", "ord": 0, "qfmt": "{{cloze:A}}", "afmt": "{{B}}"}],
    }
    spec = notetype_from_anki(config)
    assert spec.kind == "cloze" and spec.field_names == ("A", "B") and spec.css == ".card{}"
    assert (spec.fields[0].font, spec.fields[0].size, spec.fields[1].size) == ("Mincho", 20, 30)
    assert notetype_from_anki({"flds": "junk", "tmpls": [None]}).fields == ()
    with pytest.raises(ValueError):
        render_card_text(spec, {}, -1)
