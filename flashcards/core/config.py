"""The config manager: app-wide settings and the learner's day boundary."""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo

from sqlalchemy import Engine
from sqlmodel import Session

from flashcards.core import overview
from flashcards.core.backup import DEFAULT_KEEP, KEEP_SETTING, keep_setting
from flashcards.core.changes import Change, Notify, OpResult, announce
from flashcards.core.errors import InputError
from flashcards.core.models import Setting, utcnow_guard

#: The setting that says whether sounds play by themselves ("1", the default, or "0").
AUTOPLAY_AUDIO_SETTING = "autoplay_audio"
#: The setting that says whether Anki's load balancer picks review days ("1", the default).
LOAD_BALANCER_SETTING = "load_balancer"


class Config:
    """Settings stored in the collection, and the day boundary they define.

    Args:
        engine: The collection's engine.
        tz: The time zone of the day boundary; None means the system's local time zone.
        notify: The collection's change bus.
    """

    def __init__(self, engine: Engine, tz: tzinfo | None, notify: Notify) -> None:
        self._engine = engine
        self.tz = tz
        self._notify = notify
        self._day_start_hour: int | None = None
        self._load_balancer: bool | None = None  # read on every answer: cached

    def get(self, key: str, default: str = "") -> str:
        """An app-wide setting."""
        with Session(self._engine) as session:
            row = session.get(Setting, key)
            return row.value if row else default

    def set(self, key: str, value: str) -> OpResult[None]:
        """Set an app-wide setting (one transaction).

        Returns:
            No value; the changes: ``OPTIONS``.
        """
        with Session(self._engine) as session:
            row = session.get(Setting, key)
            if row is None:
                session.add(Setting(key=key, value=value))
            else:
                row.value = value
            session.commit()
        if key == "day_start_hour":
            self._day_start_hour = None
        if key == LOAD_BALANCER_SETTING:
            self._load_balancer = None
        return announce(self._notify, None, Change.OPTIONS)

    @property
    def day_start_hour(self) -> int:
        """The local hour at which a new day starts (Anki's default: 4 a.m.)."""
        if self._day_start_hour is None:
            self._day_start_hour = int(self.get("day_start_hour", "4"))
        return self._day_start_hour

    def set_day_start_hour(self, hour: int) -> OpResult[None]:
        """Set the hour a new day starts (0-23).

        Returns:
            No value; the changes: ``OPTIONS``.

        Raises:
            InputError: If ``hour`` is out of range.
        """
        if not 0 <= hour <= 23:
            raise InputError("The day start hour must be between 0 and 23.")
        return self.set("day_start_hour", str(hour))

    @property
    def backup_keep(self) -> int:
        """How many automatic backups to keep (at least 1; Anki's default count otherwise)."""
        return keep_setting(self.get(KEEP_SETTING, str(DEFAULT_KEEP)))

    def set_backup_keep(self, count: int) -> OpResult[None]:
        """Set how many automatic backups to keep.

        Returns:
            No value; the changes: ``OPTIONS``.

        Raises:
            InputError: If ``count`` is below 1.
        """
        if count < 1:
            raise InputError("At least one backup must be kept.")
        return self.set(KEEP_SETTING, str(count))

    @property
    def autoplay_audio(self) -> bool:
        """Whether a card's sounds play when its side shows (Anki's default: they do)."""
        return self.get(AUTOPLAY_AUDIO_SETTING, "1") != "0"

    def set_autoplay_audio(self, on: bool) -> OpResult[None]:
        """Play a card's sounds when its side shows, or only when asked to.

        Returns:
            No value; the changes: ``OPTIONS``.
        """
        return self.set(AUTOPLAY_AUDIO_SETTING, "1" if on else "0")

    @property
    def load_balancer(self) -> bool:
        """Whether fuzzed review days are chosen by the workload (Anki's default: they are).

        Collection-wide, as Anki's; it acts only when fuzz is on.
        """
        if self._load_balancer is None:
            self._load_balancer = self.get(LOAD_BALANCER_SETTING, "1") != "0"
        return self._load_balancer

    def set_load_balancer(self, on: bool) -> OpResult[None]:
        """Let Anki's load balancer choose review days within the fuzz range, or draw uniformly.

        Returns:
            No value; the changes: ``OPTIONS``.
        """
        return self.set(LOAD_BALANCER_SETTING, "1" if on else "0")

    def day_bounds(self, now: datetime) -> tuple[datetime, datetime]:
        """The UTC start and end of the learner's day containing ``now``."""
        return overview.day_bounds(utcnow_guard(now), self.tz, self.day_start_hour)

    def learner_day(self, moment: datetime) -> date:
        """The learner's calendar day of ``moment`` (days start at the day-start hour)."""
        local = moment.astimezone(self.tz) if self.tz is not None else moment.astimezone()
        return (local - timedelta(hours=self.day_start_hour)).date()

    def day_shift(self, now: datetime) -> timedelta:
        """What to add to a UTC time so that learner days start at midnight (see overview)."""
        return overview.day_shift(utcnow_guard(now), self.tz, self.day_start_hour)
