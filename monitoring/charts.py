"""The geometry of the brand-mention trend chart (data for the template, which draws the SVG): mentions per
day stacked by sentiment, and the day's average sentiment as a line (-1 at the bottom, +1 at the top)."""

from __future__ import annotations

from dataclasses import dataclass, field

WIDTH, HEIGHT = 600, 160
TOP, BOTTOM = 10, 140  # the plotting band (the labels go under it)
GAP = 2
COLOURS = {"positive": "#16a34a", "neutral": "#9ca3af", "negative": "#dc2626", "not_scored": "#d1d5db"}
ORDER = ("negative", "neutral", "positive", "not_scored")  # from the bottom up


@dataclass(frozen=True)
class Segment:
    x: float
    y: float
    width: float
    height: float
    colour: str
    title: str


@dataclass
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    segments: list[Segment] = field(default_factory=list)
    line: str = ""  # polyline points of the average sentiment
    dots: list[tuple[float, float, str]] = field(default_factory=list)
    labels: list[tuple[float, str]] = field(default_factory=list)  # x, text
    peak: int = 0
    zero_y: float = (TOP + BOTTOM) / 2
    colours: dict = field(default_factory=lambda: dict(COLOURS))


def _y_of(average: float) -> float:
    return BOTTOM - (average + 1) / 2 * (BOTTOM - TOP)


def trend_chart(days) -> Chart:
    chart = Chart()
    if not days:
        return chart
    chart.peak = max((day.total for day in days), default=0)
    step = WIDTH / len(days)
    scale = (BOTTOM - TOP) / chart.peak if chart.peak else 0
    points = []
    for n, day in enumerate(days):
        x = n * step
        y = BOTTOM
        label = day.day.strftime("%-d %b")
        for name in ORDER:
            count = getattr(day, name)
            if not count:
                continue
            height = count * scale
            y -= height
            chart.segments.append(
                Segment(
                    round(x + GAP / 2, 1),
                    round(y, 1),
                    round(step - GAP, 1),
                    round(height, 1),
                    COLOURS[name],
                    f"{label}: {count} {name.replace('_', ' ')}",
                )
            )
        if day.average is not None:
            point = (round(x + step / 2, 1), round(_y_of(day.average), 1))
            points.append(point)
            chart.dots.append((*point, f"{label}: average sentiment {day.average:+.2f}"))
        if (len(days) - 1 - n) % 7 == 0:  # every week back from today
            chart.labels.append((round(x + step / 2, 1), label))
    chart.line = " ".join(f"{x},{y}" for x, y in points)
    return chart
