"""Settings: the decks' option presets and the app-wide options; Save writes what changed.

As Anki's deck options: a deck chooses a preset, presets can be added, cloned, renamed and
deleted, and the options shown are the preset's (every deck on it has them). Everything waits
for Save, which applies it as one operation; Cancel leaves the collection as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, Slot
from PySide6.QtWidgets import QWidget

from flashcards.gui.clock import Clock, system_clock
from flashcards.gui.i18n import LANGUAGE_SETTING, chosen_language, translate
from flashcards.gui.ops import Ops
from flashcards.gui.plain import one_sentence
from flashcards.gui.settings_dialog import SettingsDialog

if TYPE_CHECKING:
    from flashcards.core.collection import Collection
    from flashcards.core.presets import DeckSettings
    from flashcards.core.scheduler.optimize import Evaluation, OptimizeResult
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


@dataclass
class _Draft:
    """A preset as edited in the dialog (a new one has a negative id until saved)."""

    name: str
    settings: DeckSettings


class SettingsController(QObject):
    """Edit the decks' presets, the day start hour, backups kept, audio, theme, language.

    The edits of every preset and each deck's choice are kept while another deck or preset
    is shown; Save writes them all, as one operation.

    Args:
        col: The collection.
        ops: Runs the save and announces the change.
        deck_id: The deck shown first (None: the first deck).
        parent: The window the dialog belongs to.
        theme: The app's theme, whose light/dark choice the General tab shows and sets.
        settings: The GUI settings, where the Language choice is kept (None: the row is off).
        clock: The time: presets' changes are stamped with it, and rescheduling uses it for
            the load balancer (None: the system's clock for the stamps, fuzz alone).
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
        self._ops = ops
        self._clock = clock
        self._current: int | None = None  # the deck shown
        self._shown: int | None = None  # the preset whose options the form shows
        with ops.exclusive():
            decks = sorted(col.decks.names().items(), key=lambda item: item[1].split("::"))
            presets = col.presets.all()
            self._choice = {deck_id: col.presets.of_deck(deck_id) for deck_id, _ in decks}
            day_start = col.config.day_start_hour
            self._keep = col.config.backup_keep
            self._autoplay = col.config.autoplay_audio
            self._load_balancer = col.config.load_balancer
        self._saved_choice = dict(self._choice)
        self._saved = {p.id: _Draft(p.name, p.settings) for p in presets}
        self._drafts = {p.id: _Draft(p.name, p.settings) for p in presets}
        self._deleted: set[int] = set()
        self._next_new = -1
        dialog.set_decks(decks, deck_id)
        dialog.day_start.setValue(day_start)
        dialog.backup_keep.setValue(self._keep)
        dialog.autoplay_audio.setChecked(self._autoplay)
        dialog.load_balancer.setChecked(self._load_balancer)
        dialog.deck_changed.connect(self._on_deck_changed)
        dialog.preset_changed.connect(self._on_preset_changed)
        dialog.add_preset_requested.connect(self._on_add_preset)
        dialog.clone_preset_requested.connect(self._on_clone_preset)
        dialog.rename_preset_requested.connect(self._on_rename_preset)
        dialog.delete_preset_requested.connect(self._on_delete_preset)
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

    def _saved_values(self, preset_id: int) -> tuple[str, DeckSettings] | None:
        saved = self._saved.get(preset_id)
        return None if saved is None else (saved.name, saved.settings)

    def exec(self) -> int:
        """Show the dialog and wait for it to close."""
        return self.dialog.exec()

    def _form_settings(self, base: DeckSettings) -> DeckSettings:
        d = self.dialog
        return replace(
            base,
            desired_retention=round(d.retention.value(), 2),
            new_per_day=d.new_per_day.value(),
            reviews_per_day=d.reviews_per_day.value(),
            learning_steps=d.learning_steps.text().strip(),
            relearning_steps=d.relearning_steps.text().strip(),
            maximum_interval=d.max_interval.value() or base.maximum_interval,
            bury_new=d.bury_new.isChecked(),
            bury_reviews=d.bury_reviews.isChecked(),
            bury_interday=d.bury_interday.isChecked(),
            leech_threshold=d.leech_threshold.value(),
            leech_suspend=bool(d.leech_action.currentData()),
            new_gather_order=int(d.new_gather.currentData()),
            new_sort_order=int(d.new_sort.currentData()),
            new_insert_order=int(d.new_insert.currentData()),
            fsrs_params=read_params(d.fsrs_params.text(), base.fsrs_params),
            easy_days=d.easy_days.easy_days(),
        )

    def _keep_form(self) -> None:
        """Put the form's values into the draft of the preset it shows."""
        draft = self._drafts.get(self._shown) if self._shown is not None else None
        if draft is not None:
            draft.settings = self._form_settings(draft.settings)

    def _show(self) -> None:
        """Show the current deck's preset: the chooser, how many decks use it, its options."""
        if self._current is None:
            return
        chosen = self._choice[self._current]
        users = {p: 0 for p in self._drafts}
        for preset_id in self._choice.values():
            users[preset_id] = users.get(preset_id, 0) + 1
        # Default first, then by name (as the core lists them); new ones after, as added.
        order = sorted(self._drafts, key=lambda p: (p != 1, p < 0, self._drafts[p].name.casefold()))
        self.dialog.set_presets([(p, self._drafts[p].name, users[p]) for p in order], chosen)
        self.dialog.show_deck_settings(self._drafts[chosen].settings)
        self._shown = chosen

    @Slot()
    def _on_deck_changed(self) -> None:
        self._keep_form()
        self._current = self.dialog.current_deck()
        self._show()

    @Slot()
    def _on_preset_changed(self) -> None:
        chosen = self.dialog.current_preset()
        if self._current is None or chosen is None:
            return
        self._keep_form()
        self._choice[self._current] = chosen
        self._show()

    def _new_preset(self, name: str, settings: DeckSettings) -> None:
        assert self._current is not None
        preset_id = self._next_new
        self._next_new -= 1
        self._drafts[preset_id] = _Draft(name, settings)
        self._choice[self._current] = preset_id
        self._show()

    @Slot()
    def _on_add_preset(self) -> None:
        from flashcards.core.presets import DeckSettings

        name = self.dialog.ask_name(self.tr("Add Preset"))
        if name is not None and self._current is not None:
            self._keep_form()
            self._new_preset(name, DeckSettings())

    @Slot()
    def _on_clone_preset(self) -> None:
        if self._shown is None or self._current is None:
            return
        self._keep_form()
        source = self._drafts[self._shown]
        name = self.dialog.ask_name(self.tr("Clone Preset"), source.name)
        if name is not None:
            self._new_preset(name, source.settings)

    @Slot()
    def _on_rename_preset(self) -> None:
        if self._shown is None:
            return
        draft = self._drafts[self._shown]
        name = self.dialog.ask_name(self.tr("Rename Preset"), draft.name)
        if name is not None:
            self._keep_form()
            draft.name = name
            self._show()

    @Slot()
    def _on_delete_preset(self) -> None:
        """Delete the preset shown; its decks go to Default (as in Anki)."""
        gone = self._shown
        if gone is None or gone == 1:
            return
        del self._drafts[gone]
        if gone > 0:
            self._deleted.add(gone)
        for deck_id, preset_id in self._choice.items():
            if preset_id == gone:
                self._choice[deck_id] = 1
        self._shown = None
        self._show()

    @Slot()
    def _on_optimize(self) -> None:
        """Fit the parameters to the deck's history on the executor; fill the field."""
        from flashcards.core.scheduler import optimize

        deck_id, preset_id = self._current, self._shown
        if deck_id is None or preset_id is None:
            return
        self._keep_form()
        current = self._drafts[preset_id].settings.fsrs_params
        if not _usable(current):
            current = ()
        col = self._col

        def work(_report: object) -> OptimizeResult:
            scope = optimize.deck_scope(col, deck_id)
            return optimize.optimize(col, scope, save=False, current=current).value

        def done(result: OptimizeResult) -> None:
            self.dialog.set_busy(False)
            text = figures(result.before[1], result.after[1])
            if result.changed:
                draft = self._drafts.get(preset_id)
                if preset_id == self._shown:
                    self._keep_form()
                    self.dialog.fsrs_params.setText(params_text(result.after[0]))
                    self.dialog.fsrs_params.setCursorPosition(0)
                if draft is not None:  # not deleted meanwhile
                    draft.settings = replace(draft.settings, fsrs_params=result.after[0])
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

        deck_id, preset_id = self._current, self._shown
        if deck_id is None or preset_id is None:
            return
        params = self._form_settings(self._drafts[preset_id].settings).fsrs_params
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

        self._keep_form()
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
        from flashcards.core.presets import check_settings

        col, d = self._col, self.dialog
        now = self._clock() if self._clock is not None else system_clock()
        changed = {
            p: draft
            for p, draft in self._drafts.items()
            if p < 0 or (draft.name, draft.settings) != self._saved_values(p)
        }
        for draft in changed.values():  # all checked first: a refused value writes nothing
            try:
                check_settings(draft.settings)
            except FlashcardsError as exc:
                raise type(exc)(f"{draft.name}: {exc}") from None
        ids = {p: p for p in self._drafts}
        new_params = set()
        for p, draft in changed.items():
            if p < 0:
                ids[p] = col.presets.add(draft.name, now, draft.settings).value
                continue
            before = self._saved[p]
            if draft.name != before.name:
                col.presets.rename(p, draft.name, now)
            if draft.settings != before.settings:
                col.presets.update(p, draft.settings, now)
            if draft.settings.fsrs_params != before.settings.fsrs_params:
                new_params.add(p)
        moves: dict[int, list[int]] = {}
        for deck_id, p in self._choice.items():
            if p != self._saved_choice.get(deck_id):
                moves.setdefault(ids[p], []).append(deck_id)
        for preset_id, deck_ids in sorted(moves.items()):
            col.presets.set_for_decks(deck_ids, preset_id, now)
        for p in sorted(self._deleted):
            col.presets.delete(p, now)
        on_new = sorted(d for d, p in self._choice.items() if p in new_params)
        if on_new:
            from flashcards.core.scheduler import optimize

            # New parameters: every card of the decks on those presets gets the memory state
            # its history gives with them (as Anki); "reschedule" moves review cards' due days.
            optimize.update_memory_states(
                col,
                on_new,
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
