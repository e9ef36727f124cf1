"""Python's cyclic garbage collector runs on the GUI thread only, while the app runs.

Python collects reference cycles on whichever thread happens to allocate past the collector's
threshold. The app has two threads besides the GUI's (the executor and a sync's network
steps), and both allocate a lot (building and compiling SQL). A cycle that holds a Qt object
(a widget, a controller whose lambdas point back at it) would then be destroyed on that
thread, which Qt does not allow: the process crashes. CI saw exactly this: a sync's network
thread compiling a query segfaulted while collecting the GUI's garbage.

So, as desktop apps on PySide/PyQt do, :class:`GuiThreadCollector` turns automatic
collection off and runs the same generational collection from a timer on the GUI thread.
Objects freed by their reference count alone are unaffected (that happens where the last
reference goes; the threads hand their results back through signals, never Qt objects).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

#: How often the GUI thread looks whether a collection is due (milliseconds).
INTERVAL_MS = 1000


class GuiThreadCollector(QObject):
    """Collects cycles on the GUI thread on a timer, with automatic collection turned off.

    Built on the GUI thread; :meth:`stop` collects once more and restores the collector's
    earlier state, so guards nest (the app's inside a test's).
    """

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        self._thresholds = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        self._timer.start(interval_ms)

    def check(self) -> int:
        """Collect the generations that are due, as automatic collection would.

        Returns:
            The number of unreachable objects found.
        """
        counts = gc.get_count()
        found = 0
        # Generation n is due when its count passed its threshold; an older generation is
        # only looked at when the younger one was (as CPython's own collector does).
        for generation in range(3):
            if counts[generation] <= self._thresholds[generation]:
                break
            found += gc.collect(generation)
        return found

    def stop(self) -> None:
        """Collect everything now, on this (the GUI) thread; restore the earlier state."""
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()
