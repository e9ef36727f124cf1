"""Print the generator's rule registry as a Markdown table (for docs/generation.md).

Every registered rule (`flashcards.core.generate.rules`), in the order the languages apply them
(`language.LANGUAGES`): Japanese sentence rules, then the English ones not listed yet, then the
document rules; each with its languages, strength, module and first example.

Usage: ``python -m tools.rules_table``.
"""

from __future__ import annotations

import sys

from flashcards.core.generate.language import LANGUAGES
from flashcards.core.generate.rules import DOC_RULES, RULES, DocRule, Rule


def _cell(text: str) -> str:
    """Text for a Markdown table cell: lines joined by `` / ``, pipes escaped."""
    return " / ".join(line.strip() for line in text.splitlines() if line.strip()).replace(
        "|", "\\|"
    )


def _example(entry: Rule | DocRule, limit: int = 70) -> str:
    text = _cell(entry.examples[0].text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _languages(name: str, doc: bool) -> str:
    codes = [
        code
        for code, language in LANGUAGES.items()
        if name in (language.doc_rules if doc else language.rules)
    ]
    return ", ".join(codes) or "none"


def table() -> list[str]:
    """The table's lines: a header, then one row per registered rule."""
    lines = [
        "| rule | kind | languages | strength | module | example |",
        "|---|---|---|---|---|---|",
    ]
    seen: set[str] = set()
    for doc in (False, True):
        registry: dict[str, Rule] | dict[str, DocRule] = DOC_RULES if doc else RULES
        for language in LANGUAGES.values():
            for name in language.doc_rules if doc else language.rules:
                if name in seen:
                    continue
                seen.add(name)
                entry = registry[name]
                module = entry.find.__module__.rsplit(".", 1)[-1]
                lines.append(
                    f"| {_cell(name)} | {'document' if doc else 'sentence'} "
                    f"| {_languages(name, doc)} | {entry.strength:g} | `{module}.py` "
                    f"| `{_example(entry)}` |"
                )
    for name in sorted((set(RULES) | set(DOC_RULES)) - seen):
        lines.append(f"| {_cell(name)} | (registered, applied by no language) | | | | |")
    return lines


def main() -> int:
    """Command line: print the table."""
    print("\n".join(table()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
