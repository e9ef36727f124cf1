"""The articles the generator is scored on, with their gold lists: one list for the quality
test and the benchmark alike.

Each article ``NAME.EXT`` (Markdown, text, a saved web page or a PDF) has its gold list
``NAME.gold.toml`` beside it; the seed article lives in ``resources/articles`` and its gold list
here in ``articles/``. A PDF's source is kept beside it as ``NAME.pdf.src.html`` (see
``tools/make_pdf_sets.py``) and is not an article itself.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent

#: Folder -> label. Development sets first. ``blind2`` and ``blind4`` were each scored once as
#: blind sets, then read and tuned on (now development sets); ``blind3`` is scored once and
#: never tuned on.
SETS = {
    "articles": "",  # ours: the seed's gold list and eight articles on other subjects
    "blind": " (blind dev)",  # another author; the rules were generalised while looking at it
    "blind_test": " (blind test, now dev)",  # scored once at recall 0.25/0.46/0.36, then dev
    "dev": " (dev)",  # issue 10: real formats (web pages, notes, pasted text, PDFs)
    "blind2": " (scored once, then dev)",  # another author again; tuned on in round 3
    "blind3": " (blind, scored once)",  # issue 10: like dev, written before tuning
    "blind4": " (scored once, then dev)",  # written before round 2's tuning; dev in round 3
}
DEVELOPMENT = ("articles", "blind", "blind_test", "dev", "blind2", "blind4")
#: Scored by hand once, at the end of a round of tuning: never by a test or the benchmark.
SCORED_ONCE = ("blind3",)

#: File endings of articles: Markdown, plain text, saved web pages and PDFs.
ARTICLE_SUFFIXES = (".md", ".txt", ".html", ".htm", ".pdf")


def is_article(path: Path) -> bool:
    """Whether a file in a set folder is a scored article (not a README, gold list or source)."""
    return (
        path.suffix.lower() in ARTICLE_SUFFIXES
        and path.name != "README.md"
        and ".src." not in path.name
        and path.with_name(path.stem + ".gold.toml").exists()
    )


def articles(sets: tuple[str, ...] = tuple(SETS)) -> list[tuple[Path, Path, str]]:
    """(article, gold list, label) for every scored article of the given sets."""
    out: list[tuple[Path, Path, str]] = []
    for name in sets:
        folder = DATA / name
        if name == "articles":
            seed = ROOT / "resources" / "articles" / "llm_basics_ja.txt"
            out.append((seed, folder / "llm_basics_ja.gold.toml", SETS[name]))
        for path in sorted(folder.glob("*")) if folder.is_dir() else []:
            if path.is_file() and is_article(path):
                out.append((path, path.with_name(path.stem + ".gold.toml"), SETS[name]))
    return out
