"""The pieces of the Stats screen: QtCharts builders, the calendar heat map and chart panels.

Chart builders are plain functions from numbers to a fresh :class:`QChart`; the screen swaps a
new chart into its view on every refresh (cheap: the charts have at most a few hundred bars).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QPieSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QEvent, QLocale, QMargins, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QCursor,
    QFont,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPixmap,
)
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from flashcards.gui.i18n import format_date

#: The height of every chart (the grid's rows stay even; the window scrolls).
CHART_HEIGHT = 270


@dataclass(frozen=True)
class StatsColors:
    """The colours of the charts (one set for light, one for dark)."""

    learn: str
    young: str
    mature: str
    relearn: str
    again: str
    hard: str
    good: str
    easy: str
    new: str
    suspended: str
    bars: str
    heat_empty: str
    heat: tuple[str, str, str, str]


LIGHT_COLORS = StatsColors(
    learn="#4f8fe0", young="#8fd18a", mature="#2e7d32", relearn="#e0635f",
    again="#e0635f", hard="#f0a030", good="#4caf50", easy="#4f8fe0",
    new="#4f8fe0", suspended="#f2c94c", bars="#5c8fce",
    heat_empty="#ebedf0", heat=("#c6e48b", "#7bc96f", "#239a3b", "#196127"),
)  # fmt: skip
DARK_COLORS = StatsColors(
    learn="#7ab7ff", young="#a5d6a7", mature="#66bb6a", relearn="#ff8a80",
    again="#ff8a80", hard="#ffb74d", good="#81c784", easy="#7ab7ff",
    new="#7ab7ff", suspended="#ffe082", bars="#7aa7e0",
    heat_empty="#2d333b", heat=("#0e4429", "#006d32", "#26a641", "#39d353"),
)  # fmt: skip


def group_sums(values: Sequence[int | float], size: int, *, from_end: bool = False) -> list[float]:
    """Sum consecutive runs of ``size`` values (weeks from days).

    With ``from_end`` the runs are aligned to the last value (the newest day in the past), so
    only the oldest run may be short; otherwise to the first (today, for the future).
    """
    if size <= 1:
        return [float(v) for v in values]
    items = list(values)
    if from_end:
        head = len(items) % size
        out = [float(sum(items[:head]))] if head else []
        return out + [float(sum(items[i : i + size])) for i in range(head, len(items), size)]
    return [float(sum(items[i : i + size])) for i in range(0, len(items), size)]


def _chart(dark: bool) -> QChart:
    chart = QChart()
    chart.setTheme(QChart.ChartTheme.ChartThemeDark if dark else QChart.ChartTheme.ChartThemeLight)
    chart.setBackgroundRoundness(0)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.layout().setContentsMargins(0, 0, 0, 0)
    font = QFont(QApplication.font())
    chart.setFont(font)
    legend = chart.legend()
    legend.setFont(font)
    legend.setAlignment(Qt.AlignmentFlag.AlignBottom)
    return chart


def _small_font() -> QFont:
    font = QFont(QApplication.font())
    size = font.pointSizeF()
    if size > 0:
        font.setPointSizeF(max(7.0, size * 0.85))
    return font


def _value_axis(top: float) -> QValueAxis:
    axis = QValueAxis()
    axis.setLabelFormat("%d")
    axis.setLabelsFont(_small_font())
    axis.setRange(0, max(4.0, top))
    axis.applyNiceNumbers()
    return axis


def _position_axis(count: int, ticks: Sequence[tuple[float, str]]) -> QCategoryAxis:
    """An x axis for ``count`` bars at 0..count-1 that names only some of them."""
    axis = QCategoryAxis()
    axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
    axis.setRange(-0.5, count - 0.5)
    axis.setLabelsFont(_small_font())
    axis.setGridLineVisible(False)
    for index, label in ticks:
        axis.append(label, index)
    return axis


def bar_chart(
    sets: Sequence[tuple[str, Sequence[float], str]],
    *,
    categories: Sequence[str] | None = None,
    ticks: Sequence[tuple[float, str]] = (),
    stacked: bool = False,
    dark: bool = False,
    legend: bool = True,
    names: Sequence[str] | None = None,
) -> QChart:
    """Bars: one :class:`QBarSet` per ``(name, values, colour)``.

    Args:
        sets: The bar sets, each named and coloured.
        categories: Names of the bars (a category axis), or None for a positional axis
            labelled only at ``ticks`` (for long runs of days).
        ticks: ``(index, label)`` pairs of the positional axis.
        stacked: Stack the sets (reviews of each kind on a day) instead of grouping them.
        dark: Use the dark chart theme.
        legend: Show the legend (only useful with more than one set).
        names: What each bar stands for, shown with its value when hovered.
    """
    chart = _chart(dark)
    series = QStackedBarSeries() if stacked else QBarSeries()
    count = max((len(values) for _, values, _ in sets), default=0)
    for name, values, color in sets:
        bar_set = QBarSet(name)
        bar_set.append([float(v) for v in values])
        bar_set.setColor(QColor(color))
        bar_set.setBorderColor(QColor(color))
        series.append(bar_set)
    series.setBarWidth(0.85 if stacked or len(sets) == 1 else 0.8)
    chart.addSeries(series)
    if stacked:
        top = max((sum(vs[i] for _, vs, _ in sets) for i in range(count)), default=0)
    else:
        top = max((max(vs, default=0) for _, vs, _ in sets), default=0)
    if categories is not None:
        x_axis: QBarCategoryAxis | QCategoryAxis = QBarCategoryAxis()
        assert isinstance(x_axis, QBarCategoryAxis)
        x_axis.append(list(categories))
        x_axis.setLabelsFont(_small_font())
        x_axis.setGridLineVisible(False)
    else:
        x_axis = _position_axis(count, ticks)
    y_axis = _value_axis(float(top))
    chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(x_axis)
    series.attachAxis(y_axis)
    chart.legend().setVisible(legend and len(sets) > 1)
    labels = list(names or ())

    # Not defined inside the ``if``: pyside6-lupdate loses track of classes after a function
    # defined in a block of a function (tests/gui/test_i18n.py checks every message's context).
    def hovered(status: bool, index: int, bar_set: QBarSet) -> None:
        if not status or not 0 <= index < len(labels):
            QToolTip.hideText()
            return
        value = bar_set.at(index)
        QToolTip.showText(QCursor.pos(), f"{labels[index]}: {bar_set.label()} {value:,.0f}")

    if names is not None:
        series.hovered.connect(hovered)
    return chart


def pie_chart(slices: Sequence[tuple[str, int, str]], *, dark: bool = False) -> QChart:
    """A pie (a donut) of ``(name, count, colour)`` slices; empty slices are left out."""
    chart = _chart(dark)
    series = QPieSeries()
    series.setHoleSize(0.35)
    total = sum(count for _, count, _ in slices)
    for name, count, color in slices:
        if count <= 0:
            continue
        share = count / total if total else 0
        pie_slice = series.append(f"{name} {count:,} ({share:.0%})", count)
        pie_slice.setColor(QColor(color))
        pie_slice.setBorderColor(QColor(color))
    chart.addSeries(series)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)
    chart.legend().setVisible(True)
    return chart


class ChartView(QChartView):
    """A chart view that antialiases and takes the chart it is given."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setFixedHeight(CHART_HEIGHT)
        self.setFrameShape(QFrame.Shape.NoFrame)

    def replace_chart(self, chart: QChart) -> None:
        """Show ``chart`` and delete the one shown before."""
        old = self.chart()
        self.setChart(chart)
        if old is not None:
            old.deleteLater()


class HeatMap(QWidget):
    """A year of reviews as a GitHub-style calendar: a column per week, a row per weekday.

    QtCharts has no heat map, so this one is painted. The squares grow with the width (between
    ``MIN_CELL`` and ``MAX_CELL`` pixels); the four shades split the days with reviews into
    quarters. Hovering a day shows its date and count.
    """

    MIN_CELL = 8
    MAX_CELL = 16
    GAP = 3
    LEFT = 30
    TOP = 18

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("heatMap")
        self.setMouseTracking(True)
        self._counts: list[int] = []
        self._thresholds: tuple[int, ...] = ()
        self._last_day = date(1970, 1, 1)
        self._colors = LIGHT_COLORS
        self._picture: QPixmap | None = None
        self._picture_key: tuple[int, int, float] = (0, 0, 0.0)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def set_data(self, counts: Sequence[int], last_day: date, colors: StatsColors) -> None:
        """Show ``counts`` (one per day, oldest first) of the days up to ``last_day``."""
        self._counts = list(counts)
        busy = sorted(c for c in self._counts if c > 0)
        self._thresholds = tuple(busy[len(busy) * q // 4] for q in (1, 2, 3)) if busy else ()
        self._last_day = last_day
        self._colors = colors
        self._picture = None
        self.updateGeometry()
        self.update()

    @property
    def counts(self) -> list[int]:
        """The counts shown, oldest day first."""
        return list(self._counts)

    def _first_day(self) -> date:
        return self._last_day - timedelta(days=len(self._counts) - 1)

    def _weeks(self) -> int:
        return max(1, (len(self._counts) + self._first_day().weekday() + 6) // 7)

    def _cell_size(self, width: int) -> int:
        room = (width - self.LEFT - 8) // self._weeks() - self.GAP
        return max(self.MIN_CELL, min(self.MAX_CELL, room))

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt API)
        """The height follows the squares' size, which follows the width."""
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt API)
        """Seven rows of squares and the month names."""
        return self.TOP + 7 * (self._cell_size(width) + self.GAP) + 2

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        """Room for the weeks at the largest squares."""
        step = self.MAX_CELL + self.GAP
        width = self.LEFT + self._weeks() * step + 8
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        """Room for the weeks at the smallest squares."""
        width = self.LEFT + self._weeks() * (self.MIN_CELL + self.GAP) + 8
        return QSize(width, self.heightForWidth(width))

    def _origin(self) -> int:
        step = self._cell_size(self.width()) + self.GAP
        grid = self.LEFT + self._weeks() * step
        return max(0, (self.width() - grid) // 2)

    def _cell(self, index: int) -> QRect:
        size = self._cell_size(self.width())
        step = size + self.GAP
        offset = self._first_day().weekday() + index
        x = self._origin() + self.LEFT + (offset // 7) * step
        return QRect(x, self.TOP + (offset % 7) * step, size, size)

    def level(self, count: int) -> int:
        """The shade of a day: 0 for none, then 1-4 by quarters of the days with reviews."""
        if count <= 0:
            return 0
        return 1 + sum(count > t for t in self._thresholds)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        """Paint the calendar, drawn once per size and data into a cached picture."""
        ratio = self.devicePixelRatioF()
        key = (self.width(), self.height(), ratio)
        if self._picture is None or self._picture_key != key:
            picture = QPixmap(int(self.width() * ratio), int(self.height() * ratio))
            picture.setDevicePixelRatio(ratio)
            picture.fill(Qt.GlobalColor.transparent)
            self._draw(picture)
            self._picture, self._picture_key = picture, key
        painter = QPainter(self)
        painter.drawPixmap(0, 0, self._picture)
        painter.end()

    def _draw(self, device: QPixmap) -> None:
        """Draw the month names, weekday names and one square per day."""
        painter = QPainter(device)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(_small_font())
        text_color = self.palette().placeholderText().color()
        size = self._cell_size(self.width())
        step = size + self.GAP
        left = self._origin()
        painter.setPen(text_color)
        for row, name in self.weekday_names():
            painter.drawText(
                QRect(left, self.TOP + row * step - 3, self.LEFT - 5, size + 6),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                name,
            )
        first = self._first_day()
        last_month_x = -100
        for index, count in enumerate(self._counts):
            day = first + timedelta(days=index)
            rect = self._cell(index)
            if day.day == 1 and rect.x() - last_month_x >= 3 * step:
                painter.setPen(text_color)
                painter.drawText(QPoint(rect.x(), self.TOP - 5), self.month_name(day.month))
                last_month_x = rect.x()
            level = self.level(count)
            color = self._colors.heat_empty if level == 0 else self._colors.heat[level - 1]
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(color))
            painter.drawRoundedRect(rect, 2, 2)
        painter.end()

    @staticmethod
    def weekday_names() -> list[tuple[int, str]]:
        """The rows named at the left (Monday, Wednesday...) in the interface's language."""
        locale = QLocale()
        return [
            (row, locale.dayName(row + 1, QLocale.FormatType.ShortFormat)) for row in (0, 2, 4, 6)
        ]

    @staticmethod
    def month_name(month: int) -> str:
        """A month's short name in the interface's language ("Jan", "1月")."""
        return QLocale().monthName(month, QLocale.FormatType.ShortFormat)

    def day_at(self, point: QPoint) -> int | None:
        """The index of the day under ``point``, or None."""
        for index in range(len(self._counts)):
            if self._cell(index).contains(point):
                return index
        return None

    def event(self, event: QEvent) -> bool:
        """Tooltips: the date and the number of reviews of the day under the mouse."""
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            index = self.day_at(event.pos())
            if index is None:
                QToolTip.hideText()
            else:
                day = self._first_day() + timedelta(days=index)
                count = self._counts[index]
                QToolTip.showText(event.globalPos(), self.day_text(day, count), self)
            return True
        return super().event(event)

    def day_text(self, day: date, count: int) -> str:
        """A day's tooltip: ``Mon 30 Nov 2026: 12 reviews``."""
        text = self.tr("{date}: {n} review") if count == 1 else self.tr("{date}: {n} reviews")
        pattern = self.tr("ddd dd MMM yyyy", "date (QLocale pattern)")
        return text.format(date=format_date(day, pattern), n=f"{count:,}")

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        """Point at days (the tooltip follows)."""
        over = self.day_at(event.position().toPoint()) is not None
        self.setCursor(Qt.CursorShape.PointingHandCursor if over else Qt.CursorShape.ArrowCursor)
        super().mouseMoveEvent(event)


class ChartPanel(QFrame):
    """A titled frame around one chart (or table) with a "Save as PNG" button."""

    save_requested = Signal()

    def __init__(self, key: str, title: str, content: QWidget, parent: QWidget | None = None):
        super().__init__(parent)
        self.key = key
        self.setObjectName("statsPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = QLabel(title)
        self.title.setObjectName("statsPanelTitle")
        font = QFont(self.title.font())
        font.setBold(True)
        self.title.setFont(font)
        self.note = QLabel()
        self.note.setObjectName("statsPanelNote")
        self.save_button = QToolButton()
        self.save_button.setText(self.tr("Save as PNG…"))
        self.save_button.setToolTip(
            self.tr("Save the {title} chart as a PNG picture").format(title=title.lower())
        )
        self.save_button.setAutoRaise(True)
        policy = self.save_button.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.save_button.setSizePolicy(policy)
        self.save_button.clicked.connect(self.save_requested)
        self.content = content
        header = QHBoxLayout()
        header.addWidget(self.title)
        header.addWidget(self.note, 1)
        header.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.addLayout(header)
        layout.addWidget(content, 1)

    def save_png(self, path: str) -> bool:
        """Save a picture of the panel (title and chart, not the button) as PNG."""
        self.save_button.hide()
        try:
            return self.grab().save(path, "PNG")
        finally:
            self.save_button.show()
