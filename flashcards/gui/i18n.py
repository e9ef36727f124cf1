"""The interface's language: Qt's translation system, the Language setting and its loader.

How strings are written (``pyside6-lupdate`` reads them from the source, so the text must be a
literal at the call):

* in a QObject/QWidget subclass: ``self.tr("Show answer")`` (the context is the class name;
  PySide looks through the base classes too, so a subclass keeps its parent's translations);
* in a plain function: ``translate("Context", "…")``, this module's alias of
  :meth:`QCoreApplication.translate`;
* in a module-level table: ``mark("Context", "Again")`` marks the text (lupdate reads ``mark``
  as ``QT_TRANSLATE_NOOP``, see ``tools/i18n.py``), and the code that shows it calls
  ``translate("Context", text)``;
* values go in with named fields after translating: ``self.tr("{n} due").format(n=due)``,
  so a translation can put them where its grammar wants them.

**Plurals stay English logic in code**, one way everywhere: each plural is two literal
messages chosen by ``n == 1`` (``self.tr("{n} card") if n == 1 else self.tr("{n} cards")``).
English then reads "1 card" / "2 cards" with no translator installed (the tests' default), and
Japanese, which has no plural, translates both messages alike. No Qt numerus forms (``%n``) are
used, so there is no English ``.ts``.

Dates are written with :func:`format_date` and a QLocale pattern that is itself translated
(``ddd dd MMM`` → ``M月d日(ddd)``); interval labels of the core (``<10m``, ``4d``, ``1.2mo``,
:func:`flashcards.core.scheduling.format_interval`) are translated by unit where they are shown
(:func:`interval_label`). The core never imports Qt: its own messages stay English.

The sources are ``resources/translations/flashcards_<lang>.ts``; ``python tools/i18n.py``
updates them from the code (``pyside6-lupdate``) and builds the ``.qm`` files the app loads
(``pyside6-lrelease``). :func:`install_translator` is called once at start-up, before any
window is built: a change of the Language setting applies on the next start.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QDate,
    QDateTime,
    QLibraryInfo,
    QLocale,
    QSettings,
    QTime,
    QTranslator,
)

from flashcards.core.paths import resources_dir

#: ``translate("Context", "text")``: what plain functions call (lupdate knows the name).
translate = QCoreApplication.translate


def mark(context: str, text: str) -> str:
    """Mark ``text`` for translation in ``context`` (Qt's ``QT_TRANSLATE_NOOP``); returns it."""
    del context
    return text


#: The QSettings key of the Language setting: one of :data:`LANGUAGES`' codes.
LANGUAGE_SETTING = "ui/language"
#: The Language setting's choices: its stored value and how the choice is named (each in its
#: own language, as language pickers do; "System" is translated where it is shown).
LANGUAGES = (
    ("system", mark("i18n", "System")),
    ("en", "English"),
    ("ja", "日本語"),
)
#: The languages the app has translations for (English is the source language).
TRANSLATED = ("ja",)
#: The app's catalogue: ``flashcards_<lang>.qm`` in :func:`translations_dir`.
CATALOGUE = "flashcards"

#: The translators installed by :func:`install_translator` (kept alive; removed by
#: :func:`remove_translators`).
_installed: list[QTranslator] = []


def translations_dir() -> Path:
    """The folder of the ``.ts`` sources and the ``.qm`` files (``resources/translations``)."""
    return resources_dir() / "translations"


def chosen_language(settings: QSettings) -> str:
    """The Language setting: ``system``, ``en`` or ``ja`` (``system`` when unset or unknown)."""
    value = str(settings.value(LANGUAGE_SETTING, "system") or "system")
    return value if value in {code for code, _ in LANGUAGES} else "system"


def resolve_language(choice: str, system: QLocale | None = None) -> str:
    """The language to show: the choice, or the system's first language the app has.

    For ``system``, the system's languages are tried in order; English when none is translated.
    """
    if choice != "system":
        return choice if choice in TRANSLATED else "en"
    locale = system if system is not None else QLocale.system()
    for name in [*locale.uiLanguages(), locale.name()]:
        code = name.replace("_", "-").split("-")[0].lower()
        if code in TRANSLATED:
            return code
        if code == "en":
            return "en"
    return "en"


def install_translator(app: QCoreApplication, settings: QSettings) -> str:
    """Install the translation the Language setting (or the system locale) asks for.

    Loads ``flashcards_<lang>.qm`` from the resources and Qt's own ``qtbase_<lang>.qm`` (the
    standard buttons and dialogs) when PySide6 ships it, and makes that language the default
    locale (dates, day names). Call once, before any window is built. Translators installed by
    an earlier call are removed first.

    Returns:
        The language in use: ``en`` or a code of :data:`TRANSLATED`. A missing or unreadable
        catalogue leaves the interface in English (and returns ``en``).
    """
    remove_translators(app)
    choice = chosen_language(settings)
    language = resolve_language(choice)
    if language == "en":
        if choice == "en":  # asked for English on a system in another language
            QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
        return "en"
    ours = QTranslator(app)
    if not ours.load(f"{CATALOGUE}_{language}", str(translations_dir())):
        return "en"
    app.installTranslator(ours)
    _installed.append(ours)
    qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    qt = QTranslator(app)
    if qt.load(f"qtbase_{language}", qt_folder):
        app.installTranslator(qt)
        _installed.append(qt)
    QLocale.setDefault(QLocale(language))
    return language


def remove_translators(app: QCoreApplication) -> None:
    """Take out what :func:`install_translator` installed (back to English, system locale)."""
    while _installed:
        app.removeTranslator(_installed.pop())
    QLocale.setDefault(QLocale.system())


def format_date(value: date | datetime, pattern: str) -> str:
    """``value`` written with a QLocale ``pattern`` in the interface's language.

    The pattern is translated by the caller (``self.tr("ddd dd MMM")``): the order of day and
    month is the language's. A ``datetime`` is shown in its own time zone's wall time.
    """
    locale = QLocale()
    if isinstance(value, datetime):
        moment = QDateTime(
            QDate(value.year, value.month, value.day),
            QTime(value.hour, value.minute, value.second),
        )
        return locale.toString(moment, pattern)
    return locale.toString(QDate(value.year, value.month, value.day), pattern)


#: The units of :func:`flashcards.core.scheduling.format_interval`'s labels, longest first.
INTERVAL_UNITS = {
    "mo": mark("Interval", "{n}mo"),
    "m": mark("Interval", "{n}m"),
    "h": mark("Interval", "{n}h"),
    "d": mark("Interval", "{n}d"),
    "y": mark("Interval", "{n}y"),
}
_INTERVAL = re.compile(r"^(<?)(\d+(?:\.\d+)?)(mo|m|h|d|y)$")


def interval_label(label: str) -> str:
    """An answer button's interval (``<10m``, ``4d``, ``1.2mo``) in the interface's language.

    A label of another shape is shown as it is.
    """
    if label == "(end)":  # a preview answer that sends the card home (Anki's wording)
        return translate("Interval", "(end)")
    match = _INTERVAL.match(label)
    if match is None:
        return label
    less, number, unit = match.groups()
    return less + translate("Interval", INTERVAL_UNITS[unit]).format(n=number)
