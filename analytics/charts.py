"""The geometry of the dashboard's trend charts (data for the template, which draws the SVG on the server:
no script, no CDN, nothing the Content-Security-Policy has to allow). One series per chart, on its own axis:
figures of different scale never share one."""

from __future__ import annotations

from dataclasses import dataclass, field

WIDTH, HEIGHT = 600, 150
TOP, BOTTOM, LEFT = 12, 124, 34
GAP = 2


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    title: str


@dataclass
class Chart:
    key: str
    label: str
    total: float = 0
    peak: float = 0
    width: int = WIDTH
    height: int = HEIGHT
    bars: list[Bar] = field(default_factory=list)
    labels: list[tuple[float, str, str]] = field(default_factory=list)  # x, text, text-anchor
    gridlines: list[tuple[float, str]] = field(default_factory=list)  # y, value
    rows: list[tuple[str, float]] = field(default_factory=list)  # the accessible table: label, value

    @property
    def empty(self) -> bool:
        return not self.total


def _label(day, by_week: bool) -> str:
    return ("w/c " if by_week else "") + day.strftime("%-d %b")


def bar_chart(points: list[dict], key: str, label: str, *, by_week: bool) -> Chart:
    chart = Chart(key=key, label=label)
    values = [point[key] or 0 for point in points]
    chart.total = sum(values)
    chart.peak = max(values, default=0)
    chart.rows = [(_label(point["day"], by_week), value) for point, value in zip(points, values, strict=True)]
    if not points or not chart.peak:
        return chart
    step = (WIDTH - LEFT) / len(points)
    scale = (BOTTOM - TOP) / chart.peak
    chart.gridlines = [(BOTTOM, "0"), (round(TOP, 1), f"{chart.peak:,}")]
    every = max(1, round(len(points) / 6))
    for n, (point, value) in enumerate(zip(points, values, strict=True)):
        x = LEFT + n * step
        height = value * scale
        text = _label(point["day"], by_week)
        chart.bars.append(
            Bar(
                round(x + GAP / 2, 1),
                round(BOTTOM - height, 1),
                round(max(step - GAP, 1), 1),
                round(height, 1),
                f"{text}: {value:,}",
            )
        )
        last = n == len(points) - 1
        if (n % every == 0 and len(points) - n > every / 2) or last:
            anchor = "end" if last else "start" if n == 0 else "middle"
            chart.labels.append((round(x + step if last else x if n == 0 else x + step / 2, 1), text, anchor))
    return chart


TRENDS = (
    ("shares", "Shares"),
    ("clicks", "Human clicks"),
    ("sharers", "Members who shared"),
    ("engagement", "Attributed engagement"),
    ("mentions", "Brand mentions"),
)


def trend_charts(points: list[dict], *, by_week: bool) -> list[Chart]:
    return [bar_chart(points, key, label, by_week=by_week) for key, label in TRENDS]
