"""Telling a copied review from a new one, when review logs from two places meet.

Packages carry review times to the millisecond (Anki's revlog id), our log keeps microseconds,
and an export gives reviews made in the same millisecond consecutive ids (the id is unique).
So a review that went out in a package and comes back lies at the same millisecond as the row
it copies, or a little later; it is recognised by card, rating and time, never by the exact
timestamp.
"""

from __future__ import annotations

import bisect

#: A copy of one of our reviews lies this far (ms) at most after it (a minute: an export would
#: need 60,000 reviews in one millisecond to push a copy further).
DUPLICATE_SLACK_MS = 60_000
#: A copy of an imported review lies this close to it: packages hold unique millisecond ids
#: already, so only the rounding of seconds to microseconds and back can move it.
IMPORTED_SLACK_MS = 2


def _take(times: list[int], low: int, high: int) -> int | None:
    """Remove and return the latest time in ``[low, high]`` of a sorted list, if any."""
    pos = bisect.bisect_right(times, high) - 1
    if pos >= 0 and times[pos] >= low:
        return times.pop(pos)
    return None


def duplicate_reviews(rows: list[tuple[int, int, int, bool]]) -> list[int]:
    """The ids of review-log rows that copy an earlier row of the same card.

    Args:
        rows: One card's reviews as ``(id, reviewed_ms, rating, imported)``, where
            ``imported`` marks a row that came from a package (no memory state recorded).

    Returns:
        The imported rows that repeat a row before them (a smaller id) at the same rating:
        one of ours at most :data:`DUPLICATE_SLACK_MS` earlier, or an imported one within
        :data:`IMPORTED_SLACK_MS`. Each earlier row is copied at most once; two imported
        reviews seconds apart are two reviews.
    """
    ours: dict[int, list[int]] = {}  # rating -> times (ms) of rows not matched yet, sorted
    theirs: dict[int, list[int]] = {}
    doubles: list[int] = []
    for row_id, ms, rating, imported in sorted(rows):
        mine, other = ours.setdefault(rating, []), theirs.setdefault(rating, [])
        if imported:
            near = _take(other, ms - IMPORTED_SLACK_MS, ms + IMPORTED_SLACK_MS)
            if near is not None or _take(mine, ms - DUPLICATE_SLACK_MS, ms + 1) is not None:
                doubles.append(row_id)
                continue
        bisect.insort(other if imported else mine, ms)
    return doubles
