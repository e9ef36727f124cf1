"""Settings: reads a deck's options and the app-wide ones, and saves what was changed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, Slot
from PySide6.QtWidgets import QWidget

from flashcards.gui.i18n import LANGUAGE_SETTING, chosen_language, translate
from flashcards.gui.ops import Ops
from flashcards.gui.plain import one_sentence
from flashcards.gui.settings_dialog import SettingsDialog

if TYPE_CHECKING:
    from flashcards.core.collection import Collection
    from flashcards.core.decks import DeckSettings
    from flashcards.core.scheduler.optimize import Evaluation, OptimizeResult
    from flashcards.gui.clock import Clock
    from flashcards.gui.theme import Theme


def params_text(params: tuple[float, ...]) -> str:
    """FSRS parameters as the field shows them (4 decimals, as Anki)."""
    return " ".join(f"{p:.4f}" for p in params)


def read_params(text: str, shown: tuple[float, ...]) -> tuple[float, ...]:
    """The parameters in the field: ``shown`` unchanged when the text is still theirs.

    Text that is not numbers gives a tuple the options check refuses, so Save says so.
    """
    text = " ".join(text.replace(",", " ").split())
    if text == params_text(shown):
        return shown
    try:
        return tuple(float(p) for p in text.split())
    except ValueError:
        return (float("nan"),)


def figures(before: Evaluation, after: Evaluation | None = None) -> str:
    """Log loss and RMSE (bins), before and after, as one line each."""
    log_loss = f"{before.log_loss:.4f}"
    rmse = f"{before.rmse:.2%}"
    if after is not None:
        log_loss += f" → {after.log_loss:.4f}"
        rmse += f" → {after.rmse:.2%}"
    return (
        translate("SettingsController", "Log loss: {value}").format(value=log_loss)
        + "\n"
        + translate("SettingsController", "RMSE (bins): {value}").format(value=rmse)
    )


class SettingsController(QObject):
    """Edit a deck's options, the day start hour, backups kept, audio autoplay, theme, language.

    Each deck's edits are kept while another deck is shown; Save writes every deck that
    changed, as one operation.

    Args:
        col: The collection.
        ops: Runs the save and announces the change.
        deck_id: The deck shown first (None: the first deck).
        parent: The window the dialog belongs to.
        theme: The app's theme, whose light/dark choice the General tab shows and sets.
        settings: The GUI settings, where the Language choice is kept (None: the row is off).
        clock: The time, for rescheduling with the load balancer (None: fuzz alone).
    """

    def __init__(
        self,
        col: Collection,
        ops: Ops,
        deck_id: int | None = None,
        parent: QWidget | None = None,
        theme: Theme | None = None,
        settings: QSettings | None = None,
        clock: Clock | None = None,
    ) -> None:
        dialog = SettingsDialog(parent)
        super().__init__(dialog)
        self.dialog = dialog
        self._col = col
        self._clock = clock
        self._ops = ops
        self._edited: dict[int, DeckSettings] = {}
        self._current: int | None = None
        with ops.exclusive():
            decks = sorted(col.decks.names().items(), key=lambda item: item[1].split("::"))
            day_start = col.config.day_start_hour
            self._keep = col.config.backup_keep
            self._autoplay = col.config.autoplay_audio
            self._load_balancer = col.config.load_balancer
        dialog.set_decks(decks, deck_id)
        dialog.day_start.setValue(day_start)
        dialog.backup_keep.setValue(self._keep)
        dialog.autoplay_audio.setChecked(self._autoplay)
        dialog.load_balancer.setChecked(self._load_balancer)
        dialog.deck_changed.connect(self._on_deck_changed)
        dialog.save_requested.connect(self._on_save)
        dialog.optimize_requested.connect(self._on_optimize)
        dialog.evaluate_requested.connect(self._on_evaluate)
        self._on_deck_changed()
        self._theme = theme
        dialog.theme.setEnabled(theme is not None)
        if theme is not None:
            dialog.theme.setCurrentIndex(max(0, dialog.theme.findData(theme.mode)))
        self._gui_settings = settings
        dialog.language.setEnabled(settings is not None)
        if settings is not None:
            language = chosen_language(settings)
            dialog.language.setCurrentIndex(max(0, dialog.language.findData(language)))

    def exec(self) -> int:
        """Show the dialog and wait for it to close."""
        return self.dialog.exec()

    def _settings_of(self, deck_id: int) -> DeckSettings:
        if deck_id in self._edited:
            return self._edited[deck_id]
        with self._ops.exclusive():
            settings: DeckSettings = self._col.decks.settings(deck_id)
        return settings

    def _form_settings(self) -> DeckSettings:
        from dataclasses import replace

        assert self._current is not None
        d = self.dialog
        base = self._settings_of(self._current)
        # What the form does not show (bury options, FSRS parameters) stays as it was.
        return replace(
            base,
            desired_retention=round(d.retention.value(), 2),
            new_per_day=d.new_per_day.value(),
            reviews_per_day=d.reviews_per_day.value(),
            learning_steps=d.learning_steps.text().strip(),
            relearning_steps=d.relearning_steps.text().strip(),
            maximum_interval=d.max_interval.value() or base.maximum_interval,
            fsrs_params=read_params(d.fsrs_params.text(), base.fsrs_params),
        )

    @Slot()
    def _on_deck_changed(self) -> None:
        if self._current is not None:
            self._edited[self._current] = self._form_settings()
        self._current = self.dialog.current_deck()
        if self._current is not None:
            self.dialog.show_deck_settings(self._settings_of(self._current))

    @Slot()
    def _on_optimize(self) -> None:
        """Fit the parameters to the deck's history on the executor; fill the field."""
        from flashcards.core.scheduler import optimize

        deck_id = self._current
        if deck_id is None:
            return
        current = self._form_settings().fsrs_params
        if not _usable(current):
            current = ()
        col = self._col

        def work(_report: object) -> OptimizeResult:
            scope = optimize.deck_scope(col, deck_id)
            return optimize.optimize(col, scope, save=False, current=current).value

        def done(result: OptimizeResult) -> None:
            from dataclasses import replace

            self.dialog.set_busy(False)
            text = figures(result.before[1], result.after[1])
            if result.changed:
                if deck_id == self._current:
                    self.dialog.fsrs_params.setText(params_text(result.after[0]))
                    self.dialog.fsrs_params.setCursorPosition(0)
                    self._edited[deck_id] = replace(
                        self._form_settings(), fsrs_params=result.after[0]
                    )
                else:
                    self._edited[deck_id] = replace(
                        self._settings_of(deck_id), fsrs_params=result.after[0]
                    )
                fitted = (
                    self.tr("Fitted to {n} review; Save keeps them.")
                    if result.reviews == 1
                    else self.tr("Fitted to {n} reviews; Save keeps them.")
                )
                text += "\n" + fitted.format(n=f"{result.reviews:,}")
            else:
                text += "\n" + self.tr("The current parameters are already optimal.")
            self._show_result(deck_id, text)

        self.dialog.set_busy(True)
        self.dialog.fsrs_result.setText(self.tr("Optimizing…"))
        self._ops.run(work, initiator=self, on_done=done, on_error=self._on_fsrs_error)

    @Slot()
    def _on_evaluate(self) -> None:
        """Log loss and RMSE of the parameters in the field, on the executor."""
        from flashcards.core.scheduler import optimize

        deck_id = self._current
        if deck_id is None:
            return
        params = self._form_settings().fsrs_params
        if not _usable(params):
            self.dialog.fsrs_result.setText(self.tr("The FSRS parameters must be 21 numbers."))
            return
        col = self._col

        def work(_report: object) -> Evaluation:
            return optimize.evaluate(col, optimize.deck_scope(col, deck_id), params)

        def done(result: Evaluation) -> None:
            self.dialog.set_busy(False)
            self._show_result(deck_id, figures(result))

        self.dialog.set_busy(True)
        self.dialog.fsrs_result.setText(self.tr("Evaluating…"))
        self._ops.run(work, initiator=self, on_done=done, on_error=self._on_fsrs_error)

    def _show_result(self, deck_id: int, text: str) -> None:
        if deck_id == self._current:
            self.dialog.fsrs_result.setText(text)

    def _on_fsrs_error(self, exc: BaseException) -> None:
        self.dialog.set_busy(False)
        self.dialog.fsrs_result.setText(
            one_sentence(exc, self.tr("The parameters were not computed"))
        )

    @Slot()
    def _on_save(self) -> None:
        from flashcards.core.errors import FlashcardsError

        if self._current is not None:
            self._edited[self._current] = self._form_settings()
        try:
            self._ops.run_now(self._save, initiator=self)
        except FlashcardsError as exc:
            self.dialog.show_error(one_sentence(exc, self.tr("The settings were not saved")))
            return
        if self._theme is not None:
            self._theme.set_mode(str(self.dialog.theme.currentData()))
        if self._gui_settings is not None:  # read at the next start
            self._gui_settings.setValue(LANGUAGE_SETTING, str(self.dialog.language.currentData()))
            self._gui_settings.sync()
        self.dialog.accept()

    def _save(self) -> None:
        from flashcards.core.errors import FlashcardsError

        col, d = self._col, self.dialog
        names = col.decks.names()
        new_params = []
        for deck_id, settings in self._edited.items():
            old = col.decks.settings(deck_id)
            if settings != old:
                try:
                    col.decks.set_settings(deck_id, settings)
                except FlashcardsError as exc:
                    raise type(exc)(f"{names.get(deck_id, '')}: {exc}") from None
                if settings.fsrs_params != old.fsrs_params:
                    new_params.append(deck_id)
        if new_params:
            from flashcards.core.scheduler import optimize

            # New parameters: every card of those decks gets the memory state its history
            # gives with them (as Anki); "reschedule" moves review cards' due days too.
            optimize.update_memory_states(
                col,
                new_params,
                reschedule=d.reschedule.isChecked(),
                now=self._clock() if self._clock is not None else None,
            )
        if d.day_start.value() != col.config.day_start_hour:
            col.config.set_day_start_hour(d.day_start.value())
        if d.backup_keep.value() != self._keep:
            col.config.set_backup_keep(d.backup_keep.value())
        if d.autoplay_audio.isChecked() != self._autoplay:
            col.config.set_autoplay_audio(d.autoplay_audio.isChecked())
        if d.load_balancer.isChecked() != self._load_balancer:
            col.config.set_load_balancer(d.load_balancer.isChecked())


def _usable(params: tuple[float, ...]) -> bool:
    """Whether ``params`` are empty (the defaults) or FSRS-6 parameters FSRS accepts."""
    from flashcards.core.scheduling import valid_parameters

    return not params or valid_parameters(params)
