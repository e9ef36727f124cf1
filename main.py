"""Run the flashcards app: the same as the ``flashcards`` command."""

from flashcards.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
