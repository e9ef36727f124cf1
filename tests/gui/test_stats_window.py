"""The Stats screen over a simulated collection: its numbers are the report's."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCharts import QBarSeries, QPieSeries, QStackedBarSeries
from PySide6.QtCore import QSettings
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFileDialog

from flashcards.core.collection import Collection
from flashcards.core.stats import StatsReport
from flashcards.gui.app import Gui
from flashcards.gui.ops import Ops
from flashcards.gui.stats_charts import HeatMap, group_sums
from flashcards.gui.stats_controller import StatsController
from flashcards.gui.stats_view import (
    RETENTION_COLUMNS,
    RETENTION_ROWS,
    SPANS,
    past_ticks,
    retention_text,
)
from tests.gui.conftest import OFFSCREEN_NOISE, FakeClock, add_sample_notes
from tools.simulate import DEMO_DECK, add_demo_deck, simulate


@pytest.fixture
def studied(col: Collection, now: datetime) -> FakeClock:
    """Three weeks of simulated reviews of two decks; the clock stands just after them."""
    start = now - timedelta(days=21)
    add_sample_notes(col, start)
    add_demo_deck(col, 40, start)
    summary = simulate(col, start, 21, seed=5, minutes_per_day=6)
    assert summary.end is not None and summary.reviews > 200
    return FakeClock(summary.end + timedelta(minutes=5))


@pytest.fixture
def window(
    qtbot, col: Collection, studied: FakeClock, ops: Ops, settings: QSettings
) -> Iterator[StatsController]:  # noqa: ANN001
    stats = StatsController(col, ops, studied, settings, background=False)
    qtbot.addWidget(stats.window)
    stats.refresh()
    yield stats


def _bar_sums(stats: StatsController, key: str) -> dict[str, float]:
    chart = stats.view.chart_view(key).chart()
    (series,) = chart.series()
    assert isinstance(series, QBarSeries | QStackedBarSeries)
    return {s.label(): sum(s.at(i) for i in range(s.count())) for s in series.barSets()}


def _check_numbers(stats: StatsController, report: StatsReport) -> None:
    view = stats.view
    for row, (period, label) in enumerate(RETENTION_ROWS):
        assert view.retention.verticalHeaderItem(row).text() == label
        for column, (kind, _title) in enumerate(RETENTION_COLUMNS):
            cell = view.retention.item(row, column).text()
            assert cell == retention_text(report.retention[period][kind])
    days = view.span.days
    future = report.future_due_month if days <= 30 else report.future_due_year[:days]
    assert _bar_sums(stats, "future") == {"Due": sum(future)}
    past = report.reviews_per_day[-days:]
    assert _bar_sums(stats, "reviews") == {
        name: sum(d[kind] for d in past)
        for kind, name in (("learn", "Learn"), ("young", "Young"), ("mature", "Mature"),
                           ("relearn", "Relearn"))
    }  # fmt: skip
    assert _bar_sums(stats, "buttons") == {
        name: sum(report.buttons[g][i] for g in ("learn", "young", "mature"))
        for i, name in enumerate(("Again", "Hard", "Good", "Easy"))
    }
    for key in ("interval", "stability", "difficulty", "retrievability"):
        assert _bar_sums(stats, key) == {"Cards": sum(report.distributions[key].counts)}
    (pie,) = view.chart_view("cards").chart().series()
    assert isinstance(pie, QPieSeries)
    assert sum(s.value() for s in pie.slices()) == sum(report.cards.values())
    assert view.heatmap.counts == report.heatmap
    assert f"Today: {report.reviews_today:,} review" in view.summary.text()


def test_screen_shows_the_report(
    window: StatsController, col: Collection, studied: FakeClock
) -> None:
    report = col.stats.report(studied())
    assert report.reviews_today > 0 and report.retention["week"]["all"].total > 0
    _check_numbers(window, report)
    # Longer spans: the same numbers, summed over more days (by week for a year).
    for index in range(1, len(SPANS)):
        window.view.span_combo.setCurrentIndex(index)
        _check_numbers(window, report)


def test_deck_filter_changes_the_numbers(
    window: StatsController, col: Collection, studied: FakeClock
) -> None:
    combo = window.view.deck_combo
    labels = [combo.itemText(i).strip() for i in range(combo.count())]
    assert labels[0] == "All decks"
    assert "LLM基礎" in labels and "応用" in labels  # subdecks are indented under their parent
    index = combo.findData(DEMO_DECK)
    combo.setCurrentIndex(index)
    combo.activated.emit(index)
    assert window.deck == DEMO_DECK
    one = col.stats.report(studied(), DEMO_DECK)
    every = col.stats.report(studied())
    assert one.cards != every.cards
    _check_numbers(window, one)
    combo.setCurrentIndex(0)
    combo.activated.emit(0)
    _check_numbers(window, every)


def test_saving_a_chart_writes_a_png(
    window: StatsController, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.window.resize(1000, 700)
    window.window.show()
    for key in window.view.panels:
        path = tmp_path / f"{key}.png"
        assert window.save_chart(key, str(path))
        image = QImage(str(path))
        assert path.stat().st_size > 1000 and not image.isNull()
        assert image.width() == window.view.panels[key].width()
    # Through the button: the file dialog's answer gets a .png ending.
    chosen = tmp_path / "from dialog"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(chosen), "PNG (*.png)")
    )
    window.view.panels["future"].save_button.click()
    assert (tmp_path / "from dialog.png").stat().st_size > 1000
    assert window.view.panels["future"].save_button.isVisible()
    assert window.default_file_name("reviews") == "stats-reviews-all-decks.png"


def test_a_review_refreshes_the_open_screen(
    qtbot, col: Collection, studied: FakeClock, ops: Ops, settings: QSettings
) -> None:  # noqa: ANN001
    stats = StatsController(col, ops, studied, settings)  # on the executor
    qtbot.addWidget(stats.window)
    stats.window.show()
    qtbot.waitUntil(lambda: stats.view.report is not None and not stats.loading, timeout=10000)
    assert stats.view.report is not None
    before = stats.view.report.reviews_today
    card = col.sched.next_card(studied(), "LLM基礎") or col.sched.next_card(
        studied() + timedelta(days=3)
    )
    assert card is not None
    col.sched.answer(card.card_id, 3, studied(), duration_ms=4000)
    qtbot.waitUntil(
        lambda: stats.view.report is not None and stats.view.report.reviews_today == before + 1,
        timeout=10000,
    )
    _check_numbers(stats, col.stats.report(studied()))
    ops.executor.wait()


def test_a_hidden_screen_loads_only_when_shown_again(
    qtbot, col: Collection, studied: FakeClock, ops: Ops, settings: QSettings
) -> None:  # noqa: ANN001
    stats = StatsController(col, ops, studied, settings, background=False)
    qtbot.addWidget(stats.window)
    stats.window.show()
    qtbot.waitUntil(lambda: stats.view.report is not None)
    stats.window.hide()
    shown = stats.view.report
    card = col.sched.next_card(studied() + timedelta(days=2))
    assert card is not None
    col.sched.answer(card.card_id, 1, studied())
    qtbot.wait(400)
    assert stats.view.report is shown  # nothing loaded while hidden
    stats.window.show()
    qtbot.waitUntil(lambda: stats.view.report is not shown)
    _check_numbers(stats, col.stats.report(studied()))


# The offscreen platform cannot raise windows; the real one can.
@pytest.mark.qt_log_ignore(OFFSCREEN_NOISE, "This plugin does not support raise")
def test_menu_opens_the_screen_with_japanese_decks(qtbot, gui: Gui) -> None:  # noqa: ANN001
    gui.window.actions_.stats.trigger()
    assert gui.controller is not None
    stats = gui.controller.stats
    assert stats is not None and stats.window.isVisible()
    qtbot.waitUntil(lambda: stats.view.report is not None and not stats.loading, timeout=10000)
    combo = stats.view.deck_combo
    assert "LLM基礎" in [combo.itemText(i) for i in range(combo.count())]
    assert stats.view.report is not None and stats.view.report.cards["new"] == 5
    # A deck added meanwhile appears in the deck picker.
    assert gui.col is not None
    gui.col.decks.add("統計テスト", gui.clock())
    qtbot.waitUntil(lambda: combo.findData("統計テスト") >= 0)
    gui.window.actions_.stats.trigger()  # a second time: the same window comes forward
    assert gui.controller.stats is stats


def test_group_sums_and_ticks() -> None:
    assert group_sums([1, 2, 3, 4, 5], 2) == [3, 7, 5]
    assert group_sums([1, 2, 3, 4, 5], 2, from_end=True) == [1, 5, 9]
    assert group_sums(list(range(365)), 7, from_end=True)[-1] == sum(range(358, 365))
    assert past_ticks(30, 1)[-1] == (29, "today")
    assert past_ticks(53, 7)[-1] == (52, "now")


def test_heat_map_shades_by_quarters(qtbot) -> None:  # noqa: ANN001
    from datetime import date

    from flashcards.gui.stats_charts import LIGHT_COLORS

    heat = HeatMap()
    qtbot.addWidget(heat)
    heat.set_data([0, 1, 2, 3, 4, 5, 6, 7, 8, 0], date(2026, 3, 2), LIGHT_COLORS)
    assert [heat.level(n) for n in range(9)] == [0, 1, 1, 1, 2, 2, 3, 3, 4]
    heat.resize(heat.sizeHint())
    heat.show()
    last = heat._cell(9)
    assert heat.day_at(last.center()) == 9
    assert heat.grab().width() == heat.width()
