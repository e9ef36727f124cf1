"""Shipped deck files (data), installed as flashcards.decks."""
