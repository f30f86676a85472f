"""Bar charts drawn as SVG on the server: the geometry here, the markup in
``insights/_bar_chart.html``. Each chart has a title and description for screen
readers, and the same numbers stand in a table beside it."""

from dataclasses import dataclass

WIDTH = 640
HEIGHT = 220
MARGIN_LEFT = 40
MARGIN_BOTTOM = 28
MARGIN_TOP = 12


@dataclass
class Bar:
    label: str
    value: int
    series: str
    series_index: int
    x: float
    y: float
    width: float
    height: float


@dataclass
class Chart:
    id: str
    title: str
    description: str
    width: int
    height: int
    bars: list[Bar]
    ticks: list[dict]
    labels: list[dict]
    series: list[str]
    colours: list[int]

    @property
    def keys(self) -> list[dict]:
        return [
            {"name": name, "index": i} for name, i in zip(self.series, self.colours, strict=True)
        ]


def _nice_max(value: int) -> int:
    """The top of the axis: four equal whole steps of 1, 2 or 5 times a power of ten."""
    step = 1
    while step * 4 < value:
        for factor in (2, 2.5, 2):  # 1 -> 2 -> 5 -> 10 -> 20 ...
            step = int(step * factor)
            if step * 4 >= value:
                break
    return step * 4


def bar_chart(
    *,
    id: str,
    title: str,
    rows: list[dict],
    label: str,
    series: list[str],
    description: str,
    colours: list[int] | None = None,
) -> Chart:
    """Grouped vertical bars: one group per row, one bar per series."""
    plot_w = WIDTH - MARGIN_LEFT - 8
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    top = _nice_max(max([row[s] for row in rows for s in series] or [0]))
    group_w = plot_w / max(len(rows), 1)
    bar_w = max(group_w * 0.8 / max(len(series), 1), 1.0)
    bars, labels = [], []
    every = max(1, len(rows) // 8)  # at most ~8 axis labels
    for i, row in enumerate(rows):
        gx = MARGIN_LEFT + i * group_w + group_w * 0.1
        for j, name in enumerate(series):
            h = plot_h * row[name] / top
            bars.append(
                Bar(
                    label=str(row[label]),
                    value=row[name],
                    series=name,
                    series_index=colours[j] if colours else j,
                    x=round(gx + j * bar_w, 2),
                    y=round(MARGIN_TOP + plot_h - h, 2),
                    width=round(bar_w, 2),
                    height=round(h, 2),
                )
            )
        if i % every == 0:
            labels.append({"x": round(gx, 2), "text": str(row[label])})
    ticks = [
        {"y": round(MARGIN_TOP + plot_h - plot_h * k / 4, 2), "value": top * k // 4}
        for k in range(5)
    ]
    return Chart(
        colours=colours or list(range(len(series))),
        id=id,
        title=title,
        description=description,
        width=WIDTH,
        height=HEIGHT,
        bars=bars,
        ticks=ticks,
        labels=labels,
        series=series,
    )
