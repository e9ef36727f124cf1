"""The Stats screen's layout: deck and range pickers, today's line and a grid of chart panels.

The view only lays out and draws a :class:`~flashcards.core.stats.StatsReport` it is handed; the
window (:mod:`flashcards.gui.stats_window`) decides when to load one and for which deck.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from flashcards.core.stats import Histogram, Retention, StatsReport, day_date
from flashcards.gui.i18n import format_date, mark, translate
from flashcards.gui.plain import tooltip
from flashcards.gui.stats_charts import (
    CHART_HEIGHT,
    DARK_COLORS,
    LIGHT_COLORS,
    ChartPanel,
    ChartView,
    HeatMap,
    StatsColors,
    bar_chart,
    group_sums,
    pie_chart,
)

#: The deck combo's entry for every deck.
ALL_DECKS = mark("StatsView", "All decks")
# The tables' names are shown translated (context "StatsView").
RETENTION_ROWS = (
    ("today", mark("StatsView", "Today")),
    ("yesterday", mark("StatsView", "Yesterday")),
    ("week", mark("StatsView", "Last 7 days")),
    ("month", mark("StatsView", "Last 30 days")),
    ("year", mark("StatsView", "Last 365 days")),
)
RETENTION_COLUMNS = (
    ("young", mark("StatsView", "Young")),
    ("mature", mark("StatsView", "Mature")),
    ("all", mark("StatsView", "All")),
)
KIND_NAMES = (
    ("learn", mark("StatsView", "Learn")),
    ("young", mark("StatsView", "Young")),
    ("mature", mark("StatsView", "Mature")),
    ("relearn", mark("StatsView", "Relearn")),
)


def _tr(text: str, disambiguation: str | None = None) -> str:
    return translate("StatsView", text, disambiguation)


@dataclass(frozen=True)
class Span:
    """How far the day charts reach, and whether they show days or weeks."""

    label: str
    phrase: str
    days: int
    group: int


SPANS = (
    Span(mark("StatsView", "1 month"), mark("StatsView", "month"), 30, 1),
    Span(mark("StatsView", "3 months"), mark("StatsView", "3 months"), 90, 1),
    Span(mark("StatsView", "1 year"), mark("StatsView", "year"), 365, 7),
)


def retention_text(retention: Retention) -> str:
    """A retention cell: ``"90.5 % of 200"``, or a dash when nothing was reviewed."""
    if retention.rate is None:
        return "—"
    return translate("StatsView", "{rate} % of {total}").format(
        rate=f"{retention.rate * 100:.1f}", total=f"{retention.total:,}"
    )


def past_ticks(count: int, group: int) -> list[tuple[int, str]]:
    """Axis labels for ``count`` bars of the past, the newest last: ``-28d`` … ``today``."""
    ago_text = translate("StatsView", "-{n}w") if group > 1 else translate("StatsView", "-{n}d")
    every = max(1, round(count / 6))
    if group == 1:
        every = 7 if count <= 45 else 14
    ticks = []
    for index in range(count):
        ago = count - 1 - index
        if ago % every == 0:
            now = translate("StatsView", "today") if group == 1 else translate("StatsView", "now")
            ticks.append((index, now if ago == 0 else ago_text.format(n=ago)))
    return ticks


def future_ticks(count: int, group: int) -> list[tuple[int, str]]:
    """Axis labels for ``count`` bars of the future, today first: ``today`` … ``+28d``."""
    ahead_text = translate("StatsView", "+{n}w") if group > 1 else translate("StatsView", "+{n}d")
    every = 7 if group == 1 and count <= 45 else 14 if group == 1 else max(1, round(count / 6))
    ticks = []
    for index in range(0, count, every):
        if index == 0:
            ticks.append(
                (
                    0,
                    translate("StatsView", "today")
                    if group == 1
                    else translate("StatsView", "now"),
                )
            )
        else:
            ticks.append((index, ahead_text.format(n=index)))
    return ticks


def day_names(first: date, count: int, group: int) -> list[str]:
    """What each bar of a day chart stands for: a date, or the week starting on a date."""
    if group == 1:
        pattern = translate("StatsView", "ddd dd MMM", "date (QLocale pattern)")
        return [format_date(first + timedelta(days=i), pattern) for i in range(count)]
    pattern = translate("StatsView", "dd MMM", "date without weekday (QLocale pattern)")
    week = translate("StatsView", "week of {date}")
    return [
        week.format(date=format_date(first + timedelta(days=i * group), pattern))
        for i in range(count)
    ]


def histogram_ticks(histogram: Histogram, every: int = 2) -> list[tuple[float, str]]:
    """Axis labels at bin edges (every other one): ``0, 14, 28 …`` for weekly bins."""
    return [
        (i - 0.5, f"{histogram.start + i * histogram.width:g}")
        for i in range(0, len(histogram.counts), every)
    ]


class StatsView(QWidget):
    """Lays out the Stats screen and draws a report; says when the user picks a deck or span."""

    deck_chosen = Signal()
    save_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statsView")
        self.dark = False
        self.report: StatsReport | None = None

        self.deck_combo = QComboBox()
        self.deck_combo.setObjectName("statsDeck")
        self.deck_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.deck_combo.setMinimumContentsLength(16)
        self.span_combo = QComboBox()
        self.span_combo.setObjectName("statsSpan")
        for span in SPANS:
            self.span_combo.addItem(_tr(span.label))
        self.summary = QLabel(self.tr("Loading…"))
        self.summary.setObjectName("statsSummary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)

        self.heatmap = HeatMap()
        self.retention = QTableWidget(len(RETENTION_ROWS), len(RETENTION_COLUMNS))
        self.retention.setObjectName("retentionTable")
        self.retention.setHorizontalHeaderLabels([_tr(label) for _, label in RETENTION_COLUMNS])
        self.retention.setVerticalHeaderLabels([_tr(label) for _, label in RETENTION_ROWS])
        self.retention.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.retention.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.retention.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.retention.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.retention.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.retention.setFixedHeight(CHART_HEIGHT)
        # The cells are made once and only their text changes (replacing items on every
        # refresh upset PySide's ownership tracking at exit).
        for row in range(len(RETENTION_ROWS)):
            for column in range(len(RETENTION_COLUMNS)):
                item = QTableWidgetItem("—")
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.retention.setItem(row, column, item)

        def view() -> ChartView:
            return ChartView()

        specs: list[tuple[str, str, QWidget]] = [
            ("calendar", self.tr("Calendar"), self.heatmap),
            ("reviews", self.tr("Reviews"), view()),
            ("future", self.tr("Future due"), view()),
            ("retention", self.tr("True retention"), self.retention),
            ("cards", self.tr("Card counts"), view()),
            ("buttons", self.tr("Answer buttons"), view()),
            ("time", self.tr("Review time"), view()),
            ("interval", self.tr("Card intervals"), view()),
            ("stability", self.tr("Card stability"), view()),
            ("difficulty", self.tr("Card difficulty"), view()),
            ("retrievability", self.tr("Card retrievability"), view()),
        ]
        self.panels: dict[str, ChartPanel] = {}
        grid = QGridLayout()
        grid.setSpacing(10)
        for position, (key, title, content) in enumerate(specs):
            panel = ChartPanel(key, title, content)
            panel.save_requested.connect(lambda k=key: self.save_requested.emit(k))
            self.panels[key] = panel
            if key == "calendar":
                grid.addWidget(panel, 0, 0, 1, 2)
            else:
                grid.addWidget(panel, 1 + (position - 1) // 2, (position - 1) % 2)
        grid.setRowStretch(grid.rowCount(), 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        body = QWidget()
        body.setObjectName("statsBody")
        body.setLayout(grid)
        scroll = QScrollArea()
        scroll.setObjectName("statsScroll")
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        self.scroll_area = scroll

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Deck:")))
        top.addWidget(self.deck_combo)
        top.addSpacing(12)
        top.addWidget(QLabel(self.tr("Show:")))
        top.addWidget(self.span_combo)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 4)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(scroll, 1)

        self.deck_combo.activated.connect(lambda _index: self.deck_chosen.emit())
        self.span_combo.currentIndexChanged.connect(lambda _index: self._redraw())

    # ------------------------------------------------------------------ pickers

    def set_decks(self, names: Sequence[str], current: str | None) -> None:
        """Offer every deck (and all decks); select ``current`` (None: all decks)."""
        self.deck_combo.blockSignals(True)
        self.deck_combo.clear()
        self.deck_combo.addItem(_tr(ALL_DECKS), None)
        for name in sorted(names, key=str.casefold):
            depth = name.count("::")
            self.deck_combo.addItem("    " * depth + name.split("::")[-1], name)
            self.deck_combo.setItemData(
                self.deck_combo.count() - 1, tooltip(name), Qt.ItemDataRole.ToolTipRole
            )
        index = self.deck_combo.findData(current) if current is not None else 0
        self.deck_combo.setCurrentIndex(max(0, index))
        self.deck_combo.blockSignals(False)

    def selected_deck(self) -> str | None:
        """The deck picked (None for all decks)."""
        data = self.deck_combo.currentData()
        return data if isinstance(data, str) else None

    @property
    def span(self) -> Span:
        """The span picked for the day charts."""
        return SPANS[max(0, self.span_combo.currentIndex())]

    def set_loading(self, loading: bool) -> None:
        """Say that a report is on its way (the old one stays on screen meanwhile)."""
        if loading and self.report is None:
            self.summary.setText(self.tr("Loading…"))

    def show_error(self, message: str) -> None:
        """Say that the statistics could not be read (``message``: one sentence saying why)."""
        self.summary.setText(message)

    # ------------------------------------------------------------------ drawing

    @property
    def colors(self) -> StatsColors:
        """The chart colours for the current theme."""
        return DARK_COLORS if self.dark else LIGHT_COLORS

    def show_report(self, report: StatsReport) -> None:
        """Draw every chart of ``report``."""
        self.report = report
        self._redraw()

    def chart_view(self, key: str) -> ChartView:
        """The chart view of a panel."""
        content = self.panels[key].content
        assert isinstance(content, ChartView)
        return content

    def _redraw(self) -> None:
        report = self.report
        if report is None:
            return
        c = self.colors
        span = self.span
        self.summary.setText(summary_text(report))
        self.heatmap.set_data(report.heatmap, day_date(report.today), c)
        busiest = max(report.heatmap, default=0)
        self.panels["calendar"].note.setText(
            self.tr(
                "{reviews} reviews on {days} days in the last year; busiest day {busiest}"
            ).format(
                reviews=f"{sum(report.heatmap):,}",
                days=sum(1 for n in report.heatmap if n),
                busiest=f"{busiest:,}",
            )
        )
        phrase = _tr(span.phrase)

        days = span.days
        past = report.reviews_per_day[-days:]
        kinds = [
            (_tr(label), group_sums([d[kind] for d in past], span.group, from_end=True), color)
            for (kind, label), color in zip(
                KIND_NAMES, (c.learn, c.young, c.mature, c.relearn), strict=True
            )
        ]
        count = len(kinds[0][1])
        today = day_date(report.today)
        # The oldest bar of weeks may be short: it starts where the whole weeks leave off.
        oldest = today - timedelta(days=(count - 1) * span.group + span.group - 1)
        past_names = day_names(oldest, count, span.group)
        if span.group == 1:
            past_names = day_names(today - timedelta(days=count - 1), count, 1)
        self.chart_view("reviews").replace_chart(
            bar_chart(
                kinds,
                ticks=past_ticks(count, span.group),
                stacked=True,
                names=past_names,
                dark=self.dark,
            )
        )
        total = sum(sum(d.values()) for d in past)
        self.panels["reviews"].note.setText(
            self.tr("{n} in the last {span}").format(n=f"{total:,}", span=phrase)
        )

        minutes = group_sums(report.minutes_per_day[-days:], span.group, from_end=True)
        self.chart_view("time").replace_chart(
            bar_chart(
                [(self.tr("Minutes"), minutes, c.bars)],
                ticks=past_ticks(len(minutes), span.group),
                names=past_names,
                dark=self.dark,
            )
        )
        self.panels["time"].note.setText(
            self.tr("{n} min in the last {span}").format(n=f"{sum(minutes):,.0f}", span=phrase)
        )

        future_days = report.future_due_month if days <= 30 else report.future_due_year[:days]
        due = group_sums(future_days, span.group)
        self.chart_view("future").replace_chart(
            bar_chart(
                [(self.tr("Due"), due, c.bars)],
                ticks=future_ticks(len(due), span.group),
                names=day_names(today, len(due), span.group),
                dark=self.dark,
            )
        )
        self.panels["future"].note.setText(
            self.tr("{n} in the next {span}; {today} due today").format(
                n=f"{int(sum(due)):,}", span=phrase, today=f"{future_days[0]:,}"
            )
            if future_days
            else ""
        )

        for row, (period, _label) in enumerate(RETENTION_ROWS):
            for column, (kind, _title) in enumerate(RETENTION_COLUMNS):
                value = report.retention[period][kind]
                item = self.retention.item(row, column)
                assert item is not None
                item.setText(retention_text(value))
                item.setToolTip(
                    self.tr("{passed} passed, {failed} failed (Again)").format(
                        passed=f"{value.passed:,}", failed=f"{value.failed:,}"
                    )
                )
        self.panels["retention"].note.setText(self.tr("first reviews of review cards"))

        cards = report.cards
        self.chart_view("cards").replace_chart(
            pie_chart(
                [
                    (self.tr("New"), cards["new"], c.new),
                    (self.tr("Learning"), cards["learning"], c.relearn),
                    (self.tr("Review"), cards["review"], c.good),
                    (self.tr("Suspended"), cards["suspended"], c.suspended),
                ],
                dark=self.dark,
            )
        )
        self.panels["cards"].note.setText(self.tr("{n} cards").format(n=f"{sum(cards.values()):,}"))

        buttons = report.buttons
        groups = ("learn", "young", "mature")
        button_sets = [
            (name, [buttons[g][i] for g in groups], color)
            for i, (name, color) in enumerate(
                (
                    (self.tr("Again"), c.again),
                    (self.tr("Hard"), c.hard),
                    (self.tr("Good"), c.good),
                    (self.tr("Easy"), c.easy),
                )
            )
        ]
        self.chart_view("buttons").replace_chart(
            bar_chart(
                button_sets,
                categories=[self.tr("Learning"), self.tr("Young"), self.tr("Mature")],
                dark=self.dark,
            )
        )
        self.panels["buttons"].note.setText(self.tr("last 30 days"))

        units = {
            "interval": self.tr("{range} days"),
            "stability": self.tr("{range} days"),
            "difficulty": "{range}",
            "retrievability": self.tr("{range} %"),
        }
        notes = {
            "interval": self.tr("days until due"),
            "stability": self.tr("days until recall falls to 90 %"),
            "difficulty": self.tr("FSRS difficulty, 1-10"),
            "retrievability": self.tr("chance of recall now, %"),
        }
        for key, unit in units.items():
            histogram = report.distributions[key]
            self.chart_view(key).replace_chart(
                bar_chart(
                    [(self.tr("Cards"), list(histogram.counts), c.bars)],
                    ticks=histogram_ticks(histogram),
                    names=[unit.format(range=label) for label in histogram.labels()],
                    dark=self.dark,
                )
            )
            self.panels[key].note.setText(
                self.tr("{n} cards; {what}").format(n=f"{sum(histogram.counts):,}", what=notes[key])
            )


def summary_text(report: StatsReport) -> str:
    """Today's line: reviews and minutes, streak, 30-day retention, cards due."""
    month = report.retention["month"]["all"].rate
    retention = "—" if month is None else f"{month * 100:.1f} %"
    n, days = report.reviews_today, report.streak_days
    today = (
        translate("StatsView", "Today: {n} review in {minutes} min")
        if n == 1
        else translate("StatsView", "Today: {n} reviews in {minutes} min")
    ).format(n=f"{n:,}", minutes=f"{report.minutes_today:.0f}")
    streak = (
        translate("StatsView", "Streak: {n} day")
        if days == 1
        else translate("StatsView", "Streak: {n} days")
    ).format(n=days)
    due = report.future_due_month[1] if len(report.future_due_month) > 1 else 0
    return "   ·   ".join(
        (
            today,
            streak,
            translate("StatsView", "Retention (30 days): {rate}").format(rate=retention),
            translate("StatsView", "Due tomorrow: {n}").format(n=f"{due:,}"),
        )
    )
