"""Crash safety in the GUI: one instance per data directory, automatic backups, restoring.

The headless parts live in the core (:mod:`flashcards.core.instance`,
:mod:`flashcards.core.backup`, the damaged-file checks of :mod:`flashcards.core.db`); these
modules put them on screen, each handed the collaborators it needs by the composition root
(:mod:`flashcards.gui.app`), which they never import:

* :mod:`.instance`: the data directory's lock, taken before the window is built, and the local
  server a second launch asks to bring the running window to the front;
* :mod:`.backups`: a backup every 30 minutes of use (when something changed) and on close;
* :mod:`.restore_dialog`: File → Restore Backup…'s list of backups;
* :mod:`.recovery`: offers the newest good backup when the collection is damaged, and puts a
  chosen backup in place (the core keeps the current file aside, never overwriting it).

Nothing here imports the database layer at module level: the lock is taken before the window
is shown, and SQLAlchemy is the slow part of starting up.
"""

from flashcards.gui.safety.instance import (
    SingleInstance,
    bring_to_front,
    claim_instance,
    collection_file,
    lock_folder,
)
from flashcards.gui.safety.restore_dialog import RestoreDialog

__all__ = [
    "RestoreDialog",
    "SingleInstance",
    "bring_to_front",
    "claim_instance",
    "collection_file",
    "lock_folder",
]
