"""File → Import of an article opens Generate on it; Anki text files and CSV still import.

Importing an article as an Anki text file made one card per line with an empty back (issue 12,
data loss 3). The rule that tells them apart is :func:`looks_like_article`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog

from flashcards.core import exchange
from flashcards.core.paths import resources_dir
from flashcards.gui.app import Gui
from flashcards.gui.exchange_ops import looks_like_article

DATA = Path(__file__).resolve().parents[1] / "data"
SHIPPED = resources_dir() / "articles" / "llm_basics_ja.txt"
ARTICLES = sorted([SHIPPED, *(DATA / "articles").glob("*.md"), *(DATA / "articles").glob("*.txt")])


def _choose(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    """File → Import's file dialog answers ``path``."""
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))


# ---------------------------------------------------------------------------- the rule


@pytest.mark.parametrize("article", ARTICLES, ids=lambda p: p.name)
def test_articles_read_as_articles_under_any_text_name(article: Path, tmp_path: Path) -> None:
    assert looks_like_article(article)
    for suffix in (".txt", ".md", ".markdown"):
        copy = tmp_path / f"{article.stem}{suffix}"
        shutil.copyfile(article, copy)
        assert looks_like_article(copy), copy.name
    # A .csv or .tsv name says "table": the importer reads it (and says what is wrong).
    for suffix in (".csv", ".tsv", ".toml", ".apkg"):
        copy = tmp_path / f"{article.stem}{suffix}"
        shutil.copyfile(article, copy)
        assert not looks_like_article(copy), copy.name


def test_shift_jis_article_reads_as_an_article(tmp_path: Path) -> None:
    path = tmp_path / "sjis.txt"
    path.write_bytes(SHIPPED.read_text(encoding="utf-8").encode("cp932", errors="replace"))
    assert looks_like_article(path)


TABLES = {
    "anki_headers.txt": "#separator:tab\n#html:false\nfront\tback\n",
    # Headers win over the shape of the rows (Anki's reader honours them).
    "anki_headers_prose.txt": "#separator:Comma\n#deck:Words\nLLMs, that is, large models\n",
    "tab.txt": "犬\tdog\n猫\tcat\n鳥\tbird\n",
    "semicolon.txt": "dog;犬\ncat;猫\n",
    "comma.txt": 'dog,"a loyal, friendly animal"\ncat,an independent animal\n',
    "three_columns.txt": "dog\t犬\tanimals\ncat\t猫\tanimals\n",
    # Anki's cloze notes exported without headers: the Extra field is mostly empty.
    "cloze_tab.txt": "{{c1::犬}}は吠える\t\n{{c1::猫}}は鳴く\t\n{{c1::鳥}}は飛ぶ\tbirds\n",
    "cloze_comma.txt": "{{c1::dog}} barks,\n{{c1::cat}} meows,\n",
    "front_only_tab.txt": "dog\t\ncat\t\n",
    "one_ragged_row.txt": "a\tb\n" * 9 + "c\td\te\n",
    "empty.txt": "",
    "blank.md": "\n\n  \n",
}


@pytest.mark.parametrize("name", sorted(TABLES))
def test_anki_text_files_and_tables_are_not_articles(name: str, tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_text(TABLES[name], encoding="utf-8")
    assert not looks_like_article(path)


def test_our_own_text_export_is_not_an_article(col, now, tmp_path: Path) -> None:  # noqa: ANN001
    col.notes.add("Words", "basic", "犬", "dog", now)
    col.notes.add("Words", "cloze", "The {{c1::dog}} barks", "", now)
    out = tmp_path / "export.txt"
    exchange.export_csv(col, out)
    assert not looks_like_article(out)


def test_one_column_lists_and_prose_lines_are_articles(tmp_path: Path) -> None:
    lines = tmp_path / "lines.txt"
    lines.write_text(
        "大規模言語モデルは文章を生成する。\nトークンは単位である。\n", encoding="utf-8"
    )
    assert looks_like_article(lines)
    prose = tmp_path / "prose.txt"
    prose.write_text(
        "A model, trained on text, predicts the next word.\n"
        "Tokens are pieces of words.\n"
        "Attention, in short, weighs the words, one against another.\n",
        encoding="utf-8",
    )
    assert looks_like_article(prose)


# ---------------------------------------------------------------------------- in the app


@pytest.mark.parametrize(
    "article", [SHIPPED, DATA / "articles" / "economics_basics_en.md"], ids=["ja", "en"]
)
def test_file_import_of_an_article_opens_generate_on_it(
    qtbot,
    gui: Gui,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    article: Path,  # noqa: ANN001
) -> None:
    col, controller = gui.col, gui.controller
    assert col is not None and controller is not None
    path = tmp_path / f"{article.stem}.txt"
    shutil.copyfile(article, path)
    decks_before = dict(col.decks.names())
    notes_before = len(col.notes.ids())
    _choose(monkeypatch, path)

    gui.window.actions_.import_file.trigger()
    generate = controller.generate
    assert generate is not None
    dialog = generate.dialog
    assert dialog.isVisible()
    assert dialog.path == path and dialog.file_label.text() == str(path)
    assert (
        dialog.notice.isVisible() and f"“{path.name}” reads as an article" in dialog.notice.text()
    )
    assert controller.exchange._progress is None  # no import started
    with qtbot.waitSignal(generate.generated, timeout=60_000):
        pass
    rows = dialog.table.rowCount()
    assert rows >= 5, dialog.status.text()
    # Every proposed card has a back or is a cloze (the import would have left backs empty).
    assert all(
        dialog.table.item(r, 1).text().strip() or dialog.table.item(r, 2).text().startswith("Cloze")
        for r in range(rows)
    )
    ticked = len(dialog.chosen_rows())  # terms the fixture's decks hold come unticked
    assert col.decks.names() == decks_before and len(col.notes.ids()) == notes_before

    # The user keeps the proposed cards: they arrive in one deck, with their backs.
    with qtbot.waitSignal(generate.imported):
        dialog.import_button.click()
    added = [
        n for n in col.notes.get_many(col.notes.ids()) if n.deck_name not in decks_before.values()
    ]
    assert len(added) == ticked and all(n.back.strip() or n.kind == "cloze" for n in added)
    qtbot.waitUntil(lambda: controller.generate is None)
    assert (
        gui.window.statusBar().currentMessage().endswith(f"{ticked} added, 0 updated, 0 unchanged.")
    )


def test_file_import_of_an_anki_text_file_still_imports(
    qtbot,
    gui: Gui,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
) -> None:
    col, controller = gui.col, gui.controller
    assert col is not None and controller is not None
    path = tmp_path / "animals.txt"
    path.write_text("犬\tdog\n猫\tcat\n鳥\tbird\n", encoding="utf-8")
    _choose(monkeypatch, path)
    gui.window.actions_.import_file.trigger()
    assert controller.generate is None
    dialog = controller.exchange.text_dialog  # a table: its options first, as in Anki
    assert dialog is not None and dialog.isVisible() and dialog.path == path
    assert dialog.table.rowCount() == 3 and dialog.deck_box.currentText() == "animals"
    with qtbot.waitSignal(controller.exchange.message, timeout=10_000) as said:
        dialog.accept()
    assert said.args == ["Deck “animals”: 3 added, 0 updated, 0 unchanged."]
    notes = col.notes.get_many(col.notes.ids("animals"))
    assert sorted((n.front, n.back) for n in notes) == [
        ("犬", "dog"),
        ("猫", "cat"),
        ("鳥", "bird"),
    ]


def test_closing_generate_while_it_runs_leaves_nothing_behind(
    qtbot,
    gui: Gui,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
) -> None:
    col, controller = gui.col, gui.controller
    assert col is not None and controller is not None
    path = tmp_path / "article.txt"
    shutil.copyfile(SHIPPED, path)
    decks_before = dict(col.decks.names())
    _choose(monkeypatch, path)
    gui.window.actions_.import_file.trigger()
    generate = controller.generate
    assert generate is not None and generate.running
    dialog = generate.dialog
    gone: list[int] = []
    dialog.destroyed.connect(lambda: gone.append(1))
    dialog.reject()  # the result of the running generation must not find it gone
    assert controller.generate is None
    qtbot.waitUntil(lambda: bool(gone), timeout=60_000)
    gui.executor.wait()
    qtbot.wait(20)  # any late result is delivered (and would raise here)
    assert col.decks.names() == decks_before
