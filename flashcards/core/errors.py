"""Errors the core raises; each message is one readable sentence for the user."""


class FlashcardsError(Exception):
    """Base class of every error the user should see as one sentence (no traceback)."""


class InputError(FlashcardsError):
    """A file or text given by the user cannot be read or is malformed."""


class NotFoundError(FlashcardsError):
    """A deck, note or card named by the user does not exist."""


class CollectionError(FlashcardsError):
    """The collection database cannot be opened or used."""


class DamagedDateError(CollectionError):
    """A stored date cannot be read: bytes changed inside a value, which SQLite cannot see."""

    def __init__(self) -> None:
        super().__init__(
            "The collection has a damaged date in it and cannot be used as it is; restore a "
            "backup (File > Restore Backup)."
        )
