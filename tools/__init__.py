"""Evaluation and simulation scripts: tools for developers, not part of the app."""
