"""Hostile input for every importer: no traceback, no partial import, collection unchanged.

Deck TOML, Anki text/CSV, .apkg packages (byte damage to a real package and to the database
inside it) and article text are fuzzed with hypothesis. Whatever the input, the importer either
succeeds or raises one ``InputError`` (a ``FlashcardsError``) whose message is one line, and on
failure the collection is byte-for-byte the same in content. Card text is then checked to be
inert when shown: rendered HTML holds only our own tags, and the sanitiser strips everything that
could run script, load remote content or read a local file. ``FUZZ_EXAMPLES`` scales the runs.
"""

from __future__ import annotations

import io
import os
import re
import sqlite3
import zipfile
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flashcards.core import exchange
from flashcards.core.collection import Collection
from flashcards.core.deckfile import parse_deck_toml
from flashcards.core.errors import FlashcardsError
from flashcards.core.exchange.deckfile_import import import_deck_file
from flashcards.core.generate import decode_article, generate_deck
from flashcards.core.render import render
from flashcards.core.sanitize import ALLOWED_TAGS, media_src, sanitize_html

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src="file:///etc/passwd">',
    '<img src="http://evil.example/x.png" onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    '<div style="background:url(http://evil.example/)">x</div>',
    "<iframe src=http://evil.example></iframe>",
    '<link rel=stylesheet href="http://evil.example/a.css">',
    "<svg onload=alert(1)>",
    "{{c1::<script>x</script>::<img src=x>}}",
    '<img src="../secret.png"><img src="/etc/passwd"><img src="//evil.example/x.png">',
    '<img src="data:image/png;base64,iVBORw0KGgo="><img src="C:\\x.png"><img src="%2e%2e%2fx">',
    '<img src="cat.jpg" width="120" height="90px" class="x" style="width:9em" alt="a">',
    "\x00\x01\x1b[31m",
    "\u202e\ufeff\ud7ff",
    "A" * 20000,
]
_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40),
)


def snapshot(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}
    finally:
        conn.close()


def attempt(kind: str, col: Collection, db_path: Path, action: Any) -> bool:
    """Run one import; True if it succeeded. Failure must be one InputError, changing nothing."""
    before = snapshot(db_path)
    try:
        action()
    except FlashcardsError as exc:
        assert "\n" not in str(exc), str(exc)
        assert snapshot(db_path) == before, f"{kind}: a failed import changed the collection"
        return False
    return True


# ---------------------------------------------------------------------------- deck TOML

_scalar = st.one_of(_text, st.integers(-(2**63), 2**63 - 1), st.booleans(), st.floats())
_note = st.dictionaries(
    st.sampled_from(["id", "kind", "front", "back", "tags", "source", "extra"]),
    st.one_of(_scalar, st.lists(_scalar, max_size=3), st.dictionaries(_text, _text, max_size=2)),
    max_size=6,
)
_deck = st.fixed_dictionaries(
    {
        "deck": st.dictionaries(st.sampled_from(["name", "description", "x"]), _scalar, max_size=3),
        "notes": st.lists(_note, max_size=5),
    }
)


@FUZZ
@given(doc=_deck)
def test_fuzz_deck_toml_structured(col: Collection, db_path: Path, doc: dict[str, Any]) -> None:
    try:
        text = tomli_w.dumps(doc)
    except (TypeError, ValueError):
        return  # not representable in TOML (e.g. NaN keys); raw text is fuzzed below
    attempt("deck TOML", col, db_path, lambda: import_deck_file(col, parse_deck_toml(text), NOW))


@FUZZ
@given(
    text=st.one_of(
        st.text(max_size=300),
        st.builds(
            lambda a, b: f'[deck]\nname = "{a}"\n[[notes]]\nid = "x"\nfront = {b!r}\n', _text, _text
        ),
    )
)
def test_fuzz_deck_toml_text(col: Collection, db_path: Path, text: str) -> None:
    attempt("deck TOML", col, db_path, lambda: import_deck_file(col, parse_deck_toml(text), NOW))


# ---------------------------------------------------------------------------- CSV / Anki text


@FUZZ
@given(
    rows=st.lists(st.lists(_text, min_size=1, max_size=4), max_size=5),
    header=st.sampled_from(["", "#separator:tab\n#html:true\n", "#separator:Comma\n", "\ufeff"]),
    encoding=st.sampled_from(["utf-8", "utf-16", "cp932", "latin-1"]),
)
def test_fuzz_csv(
    col: Collection,
    db_path: Path,
    tmp_path: Path,
    rows: list[list[str]],
    header: str,
    encoding: str,
) -> None:
    sep = "," if "Comma" in header else "\t"
    body = header + "\n".join(sep.join(r) for r in rows)
    path = tmp_path / "hostile.txt"
    path.write_bytes(body.encode(encoding, "replace"))
    attempt("CSV/text", col, db_path, lambda: exchange.import_file(col, path, NOW, deck="Fuzz"))


# ---------------------------------------------------------------------------- .apkg


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    from flashcards.core.collection import open_collection
    from flashcards.core.db import sqlite_url

    folder = tmp_path_factory.mktemp("apkg")
    source = open_collection(sqlite_url(folder / "source.db"), tz=UTC)
    notes = "".join(
        f'[[notes]]\nid = "p{i}"\nkind = "basic+reversed"\nfront = {HOSTILE[i % 9]!r}\n'
        f'back = "A{i}"\n'
        for i in range(8)
    )
    import_deck_file(source, parse_deck_toml(f'[deck]\nname = "Pkg"\n{notes}'), NOW)
    card = source.sched.next_card(NOW)
    assert card is not None
    source.sched.answer(card.card_id, 3, NOW)
    out = folder / "deck.apkg"
    exchange.export_apkg(source, out, NOW, with_progress=True)
    source.close()
    return out.read_bytes()


@FUZZ
@given(flips=st.lists(st.tuples(st.integers(0, 10**7), st.integers(0, 255)), max_size=12))
def test_fuzz_apkg_bytes(
    col: Collection, db_path: Path, tmp_path: Path, package: bytes, flips: list[tuple[int, int]]
) -> None:
    data = bytearray(package)
    for offset, value in flips:
        data[offset % len(data)] = value
    path = tmp_path / "hostile.apkg"
    path.write_bytes(bytes(data))
    attempt(".apkg", col, db_path, lambda: exchange.import_file(col, path, NOW))


@FUZZ
@given(
    flips=st.lists(st.tuples(st.integers(0, 10**7), st.integers(0, 255)), min_size=1, max_size=8),
    sql=st.sampled_from(
        [
            None,
            "UPDATE notes SET flds = '<img src=file:///etc/passwd>' || char(31) || 'x'",
            "UPDATE notes SET mid = 42",
            "UPDATE cards SET did = -1",
            "UPDATE notes SET flds = ''",
            "UPDATE col SET models = '{'",
            "UPDATE revlog SET ease = 99",
            "DELETE FROM notes",
            "UPDATE cards SET ivl = 9223372036854775807",
            "DROP TABLE revlog",
        ]
    ),
)
def test_fuzz_apkg_inner_database(
    col: Collection,
    db_path: Path,
    tmp_path: Path,
    package: bytes,
    flips: list[tuple[int, int]],
    sql: str | None,
) -> None:
    with zipfile.ZipFile(io.BytesIO(package)) as zin:
        members = {n: zin.read(n) for n in zin.namelist()}
    inner = next((n for n in members if n.startswith("collection.anki2")), None)
    assert inner is not None, members.keys()
    raw = tmp_path / "inner.db"
    raw.write_bytes(members[inner])
    if sql is not None:
        conn = sqlite3.connect(raw)
        try:
            conn.execute(sql)
            conn.commit()
        except sqlite3.Error:
            pass
        conn.close()
    data = bytearray(raw.read_bytes())
    if sql is None:
        for offset, value in flips:
            data[offset % len(data)] = value
    members[inner] = bytes(data)
    path = tmp_path / "hostile.apkg"
    with zipfile.ZipFile(path, "w") as zout:
        for name, content in members.items():
            zout.writestr(name, content)
    attempt(".apkg", col, db_path, lambda: exchange.import_file(col, path, NOW))


# ---------------------------------------------------------------------------- article text


@FUZZ
@given(
    data=st.one_of(
        st.binary(max_size=300),
        st.lists(_text, max_size=8).map(lambda xs: "\n\n".join(xs).encode("utf-8")),
        st.builds(
            lambda term, body: f"# {term}\n\n{term}とは、{body}である。\n".encode(),
            _text,
            _text,
        ),
    )
)
def test_fuzz_article_text(col: Collection, db_path: Path, data: bytes) -> None:
    def run() -> None:
        deck = generate_deck(decode_article(data, "hostile.md"), deck_name="Article")
        import_deck_file(col, deck, NOW)

    attempt("article text", col, db_path, run)


# ---------------------------------------------------------------------------- display


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.append((tag, attrs))


def _tags(fragment: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = _Tags()
    parser.feed(fragment)
    parser.close()
    return parser.seen


@FUZZ
@given(
    kind=st.sampled_from(["basic", "basic+reversed", "cloze"]),
    ord_=st.integers(0, 3),
    front=_text,
    back=_text,
)
def test_card_text_is_shown_as_text(kind: str, ord_: int, front: str, back: str) -> None:
    faces = render(kind, ord_, front, back)
    for fragment in (faces.question_html, faces.answer_html):
        for tag, attrs in _tags(fragment):
            assert tag in {"b", "br"}, fragment
            assert attrs in ([], [("class", "cloze")]), fragment


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_fields_render_inert(payload: str) -> None:
    faces = render("basic", 0, payload, payload)
    assert not [t for t, _ in _tags(faces.question_html) if t not in {"b", "br"}]


@FUZZ
@given(fragment=st.one_of(st.sampled_from(HOSTILE), st.text(max_size=200)))
def test_sanitiser_keeps_only_inert_markup(fragment: str) -> None:
    pytest.importorskip("nh3")
    clean = sanitize_html(fragment)
    _assert_inert(clean)
    lowered = clean.lower()
    for bad in ("<script", "<iframe", "<link", "<svg", "href=", "style="):
        assert bad not in lowered


def _assert_inert(fragment: str) -> None:
    """Only safelisted tags with a class; an image only with a plain media name and its size."""
    for tag, attrs in _tags(fragment):
        assert tag in ALLOWED_TAGS, fragment
        if tag != "img":
            assert all(name == "class" for name, _ in attrs), fragment
            continue
        values = dict(attrs)
        assert set(values) <= {"src", "width", "height"} and "src" in values, fragment
        src = values["src"] or ""
        assert not re.search(r"[:/\\]|\.\.", src) and media_src(src) == src, fragment
        assert all((values.get(k) or "0").isdigit() for k in ("width", "height")), fragment


def test_images_keep_only_a_media_name() -> None:
    """Anki's ``<img src="cat.jpg">`` stays; every other source goes with its image."""
    assert sanitize_html('<img src="cat.jpg" onerror="alert(1)" width="120" height="9px">') == (
        '<img src="cat.jpg" width="120">'
    )
    assert sanitize_html('<img src="my%20cat.jpg">') == '<img src="my%20cat.jpg">'
    for src in (
        "../secret.png",
        "/etc/passwd",
        "http://127.0.0.1:1/x.png",
        "file:///etc/passwd",
        "data:image/png;base64,iVBORw0KGgo=",
        "//evil.example/x.png",
        "a\\b.png",
        "..%2Fx.png",
        "",
    ):
        assert sanitize_html(f'<b>x</b><img src="{src}">y') == "<b>x</b>y", src


HOSTILE_CSS = [
    ".card { background: url(file:///etc/passwd); }",
    ".card { background-image: URL\t( 'http://evil.example/x.png' ); }",
    '@import "http://evil.example/a.css"; .card { color: red; }',
    "@import url(file:///etc/hosts);",
    ".a { background: u\\72l(file:///etc/passwd); }",
    ".a { background: u/\\**/rl(x); }",
    "/* unclosed url(x)",
    "</style><img src=x onerror=alert(1)>",
    "@\\69mport 'x.css';",
]


@FUZZ
@given(css=st.one_of(st.sampled_from(HOSTILE_CSS), st.text(max_size=200)))
def test_note_type_css_loads_nothing(css: str) -> None:
    """A note type's style sheet reaches Qt's rich text with no import, url() or tag."""
    from flashcards.core.sanitize import sanitize_css

    clean = sanitize_css(css)
    assert "/*" not in clean and "\\" not in clean and "<" not in clean
    assert "@import" not in clean.lower()
    assert not re.search(r"url\s*\(", clean, re.IGNORECASE)


@FUZZ
@given(template=_text, field=_text, ord_=st.integers(0, 2))
def test_anki_templates_render_inert(template: str, field: str, ord_: int) -> None:
    """Cards of an Anki note type: whatever its templates and fields, only inert markup."""
    import json

    from flashcards.core.render import card_faces

    config = {
        "name": "Hostile",
        "css": HOSTILE_CSS[0],
        "flds": [{"name": "Front", "ord": 0}, {"name": "Back", "ord": 1}],
        "tmpls": [
            {"name": f"T{i}", "ord": i, "qfmt": q, "afmt": "{{FrontSide}}<hr id=answer>" + q}
            for i, q in enumerate(("{{Front}}" + template, template + "{{Back}}", template))
        ],
    }
    faces = card_faces(
        "basic",
        ord_,
        field,
        field,
        notetype_config=json.dumps(config),
        anki_fields=json.dumps([field, field]),
    )
    assert faces.anki_css is not None and "url(" not in faces.anki_css
    for fragment in (faces.question_html, faces.answer_html):
        _assert_inert(fragment)
