"""The articles the generator is scored on, with their gold lists: one list for the quality
test and the benchmark alike.

Each article ``NAME.md``/``NAME.txt`` has its gold list ``NAME.gold.toml`` beside it; the seed
article lives in ``resources/articles`` and its gold list here in ``articles/``.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent

#: Folder -> label. Development sets first; ``blind2`` was scored once and is never tuned on.
SETS = {
    "articles": "",  # ours: the seed's gold list and eight articles on other subjects
    "blind": " (blind dev)",  # another author; the rules were generalised while looking at it
    "blind_test": " (blind test, now dev)",  # scored once at recall 0.25/0.46/0.36, then dev
    "blind2": " (blind, scored once)",  # another author again; never tuned on
}
DEVELOPMENT = ("articles", "blind", "blind_test")


def articles(sets: tuple[str, ...] = tuple(SETS)) -> list[tuple[Path, Path, str]]:
    """(article, gold list, label) for every scored article of the given sets."""
    out: list[tuple[Path, Path, str]] = []
    for name in sets:
        folder = DATA / name
        if name == "articles":
            seed = ROOT / "resources" / "articles" / "llm_basics_ja.txt"
            out.append((seed, folder / "llm_basics_ja.gold.toml", SETS[name]))
        for path in sorted(folder.glob("*")) if folder.is_dir() else []:
            gold = path.with_name(path.stem + ".gold.toml")
            if path.suffix in (".md", ".txt") and path.name != "README.md" and gold.exists():
                out.append((path, gold, SETS[name]))
    return out
