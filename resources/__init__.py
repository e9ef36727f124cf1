"""App resources (articles, icons, styles), installed as flashcards.resources."""
