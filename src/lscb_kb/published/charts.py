"""Charts as the site draws them: what a chart shows (its panels, series and cells of the
published view), its text alternative, and the SVG, written as text by this module (no
JavaScript, no plotting library: drawing with matplotlib cost 0.1-0.4 s of CPU a chart).

Colours have at least 4.5:1 contrast against white, each series also has its own hatch pattern
and value labels, and text stays text in the reader's sans-serif font. The SVG has no dates or
random ids, so the bytes are the same on every build. Nothing here imports Sphinx or docutils;
the ``data-chart`` directive (:mod:`lscb_kb.sphinxext.charts`) chooses what to draw.
"""

from __future__ import annotations

import html
import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from ..core.units import UnitSpec, format_value
from .disclosure import Suppressed
from .view import NOT_REPORTED, NotReported, ShownCell

Kind = Literal["bar", "barh"]

PALETTE = ("#0b5394", "#a34700", "#1d6b38", "#6a3d9a", "#9c1c1c", "#4d4d4d")
"""Fill colours, each with a contrast of at least 4.5:1 against white (WCAG AA)."""

HATCHES = ("", "//", "xx", "\\\\", "--", "||")
"""Patterns, so that series can be told apart without colour."""

TEXT_COLOUR = "#1a1a1a"
GRID_COLOUR = "#d0d0d0"
WIDTH_INCHES = 6.5

AXIS_COLOUR = "#595959"
FONT_FAMILY = "DejaVu Sans, Verdana, Arial, sans-serif"


# -- what a chart shows ----------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    """One set of bars: a column of the table (or a row, when the chart is turned round)."""

    label: str
    cells: tuple[ShownCell, ...]


@dataclass(frozen=True)
class Panel:
    """One chart: categories along one axis, one or more series of bars, one unit."""

    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    spec: UnitSpec
    style_by_category: bool = False
    """Colour and pattern each bar by its category (one small chart per row)."""


@dataclass(frozen=True)
class Chart:
    """Everything needed to draw a chart and describe it in words."""

    kind: Kind
    caption: str
    panels: tuple[Panel, ...]
    symbol: str = "[c]"
    notes: tuple[str, ...] = field(default=())


def short_value(value: ShownCell, spec: UnitSpec) -> str:
    """A bar's label: ``73.5%``, ``£81,751``, ``63``, ``85.5`` (the axis names a rate's unit)."""
    if isinstance(value, Suppressed):
        return str(value)
    if value is None or isinstance(value, NotReported):
        return NOT_REPORTED
    if spec.unit == "rate":
        return format_value(value, UnitSpec(unit="count"))
    return format_value(value, spec)


def spoken_value(value: ShownCell, spec: UnitSpec) -> str:
    """A value as the text alternative says it, with its unit in words."""
    if isinstance(value, Suppressed):
        return f"{value} (not shown, to protect the children concerned)"
    if isinstance(value, NotReported):
        return f"{NOT_REPORTED} ({value.reason.rstrip('.')})"
    if value is None:
        return NOT_REPORTED
    return format_value(value, spec)


def axis_label(spec: UnitSpec) -> str:
    return {
        "count": "Number",
        "percent": "Per cent (%)",
        "money": "Pounds (£)",
        "rate": f"Rate per {spec.per:,}" if spec.per else "Rate",
    }.get(spec.unit, "")


def unit_symbol(spec: UnitSpec) -> str:
    """How an axis names the unit after a column's label."""
    return spec.symbol


def unit_phrase(spec: UnitSpec) -> str:
    """The unit as the text alternative says it."""
    return {
        "count": "as numbers",
        "percent": "in per cent",
        "money": "in pounds",
        "rate": f"as a rate per {spec.per:,}" if spec.per else "as a rate",
    }.get(spec.unit, "")


def numeric(value: ShownCell) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return None
    return float(value)


def _and(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def describe(chart: Chart) -> str:
    """The text alternative: what the chart shows, summarised from its figures."""
    kind = "Bar chart" if chart.kind == "bar" else "Horizontal bar chart"
    if len(chart.panels) > 1:
        parts = [f"{len(chart.panels)} bar charts, one for each row of the table: {chart.caption}."]
        for panel in chart.panels:
            (series,) = panel.series
            values = "; ".join(
                f"{category} {spoken_value(cell, panel.spec)}"
                for category, cell in zip(panel.categories, series.cells, strict=True)
            )
            parts.append(f"{panel.title}: {values}.")
        return " ".join(parts)
    (panel,) = chart.panels
    unit = unit_phrase(panel.spec)
    parts = [f"{kind}: {chart.caption}."]
    if len(panel.series) == 1:
        (series,) = panel.series
        pairs = list(zip(panel.categories, series.cells, strict=True))
        parts.append(f"It shows {series.label.lower()}, {unit}, for {len(pairs)} rows.")
        if len(pairs) <= 8:
            parts.append(
                "; ".join(f"{name} {spoken_value(cell, panel.spec)}" for name, cell in pairs) + "."
            )
        else:
            parts.extend(_extremes(pairs, panel.spec))
    else:
        names = [s.label for s in panel.series]
        parts.append(f"It compares {_and(names)}, {unit}, for {_and(list(panel.categories))}.")
        if len(panel.series) * len(panel.categories) <= 24:
            for index, category in enumerate(panel.categories):
                values = ", ".join(
                    f"{s.label} {spoken_value(s.cells[index], panel.spec)}" for s in panel.series
                )
                parts.append(f"{category}: {values}.")
        else:
            pairs = [
                (f"{category}, {s.label}", s.cells[index])
                for s in panel.series
                for index, category in enumerate(panel.categories)
            ]
            parts.extend(_extremes(pairs, panel.spec))
    return " ".join(parts)


def _extremes(pairs: list[tuple[str, ShownCell]], spec: UnitSpec) -> list[str]:
    known = [(name, cell, numeric(cell)) for name, cell in pairs if numeric(cell) is not None]
    if not known:
        return ["No figures are shown."]
    out = []
    high = max(value for _n, _c, value in known if value is not None)
    low = min(value for _n, _c, value in known if value is not None)
    for word, target in (("Highest", high), ("Lowest", low)):
        names = [name for name, _c, value in known if value == target]
        cell = next(cell for _n, cell, value in known if value == target)
        shown = names if len(names) <= 3 else [*names[:3], f"{len(names) - 3} more"]
        out.append(f"{word}: {spoken_value(cell, spec)} ({_and(shown)}).")
        if high == low:
            break
    hidden = [name for name, cell in pairs if isinstance(cell, Suppressed)]
    if hidden:
        out.append(f"Not shown, to protect the children concerned: {_and(hidden)}.")
    return out


# -- drawing ---------------------------------------------------------------------------------
#
# The charts are drawn as SVG text directly. They are simple (bars, value labels, a value axis
# with grid lines, category labels, a legend), and writing the elements ourselves costs about a
# millisecond a chart, where a plotting library cost a tenth to a third of a second each, which
# was most of what reading the data added to a build, and most of what grew with the size of a
# knowledge base (every board's trends are charts). Text stays text: the browser sets it in the
# reader's sans-serif font, so label widths below are estimates with room to spare.

PX_PER_INCH = 96
FONT_PX = 13.3  # 10 pt
SMALL_PX = 11.3  # 8.5 pt: bar values and category labels under columns
TITLE_PX = 12.7  # 9.5 pt
CHAR_EM = 0.6  # a generous average width of a character of a sans-serif font, in ems
LINE = 1.25  # line height, in ems
BAR_BAND_PX = 27  # the height a horizontal bar's row takes (0.28 in)
HATCH_SPACING = 6


def _text_width(text: str, size: float) -> float:
    return len(text) * CHAR_EM * size


def _fmt(number: float) -> str:
    text = f"{number:.2f}".rstrip("0").rstrip(".")
    return text if text != "-0" else "0"


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _ticks(low: float, top: float, spec: UnitSpec) -> tuple[list[float], float, float]:
    """Tick values and the axis's two ends: round steps, zero included, room above the bars."""
    if low >= 0 and spec.unit == "percent" and 50 < top <= 100:
        return [float(t) for t in range(0, 101, 20)], 0.0, max(top * 1.15, 100.0)
    if top <= 0 and low >= 0:
        return [0.0, 1.0], 0.0, 1.0
    raw = (max(top, 0.0) - min(low, 0.0)) / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(min(low * 1.1, 0.0) / step)
    last = math.ceil(max(top * 1.1, 0.0) / step)
    ticks = [step * i for i in range(first, last + 1)]
    return ticks, ticks[0], ticks[-1]


def _tick_label(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


@dataclass
class _Svg:
    """Elements in drawing order, and the patterns they use."""

    parts: list[str] = field(default_factory=list)
    patterns: dict[tuple[str, str], str] = field(default_factory=dict)

    def fill(self, colour: str, hatch: str) -> str:
        if not hatch:
            return colour
        key = (colour, hatch)
        if key not in self.patterns:
            self.patterns[key] = f"hatch-{HATCHES.index(hatch)}-{colour[1:]}"
        return f"url(#{self.patterns[key]})"

    def text(
        self,
        x: float,
        y: float,
        text: str,
        *,
        size: float = FONT_PX,
        anchor: str = "start",
        cls: str = "",
        rotate: bool = False,
    ) -> None:
        attrs = f'x="{_fmt(x)}" y="{_fmt(y)}"'
        if anchor != "start":
            attrs += f' text-anchor="{anchor}"'
        if size != FONT_PX:
            attrs += f' font-size="{_fmt(size)}"'
        if cls:
            attrs += f' class="{cls}"'
        if rotate:
            attrs += f' transform="rotate(-90 {_fmt(x)} {_fmt(y)})"'
        self.parts.append(f"<text {attrs}>{_esc(text)}</text>")

    def lines(
        self, x: float, y: float, lines: Sequence[str], size: float, anchor: str, middle: bool
    ) -> None:
        """Several lines of text from *y* (their top), or centred on *y* if *middle*."""
        height = size * LINE
        top = y - height * len(lines) / 2 if middle else y
        for index, line in enumerate(lines):
            self.text(x, top + height * index + size * 0.9, line, size=size, anchor=anchor)

    def line(self, x1: float, y1: float, x2: float, y2: float, colour: str, width: float) -> None:
        self.parts.append(
            f'<line x1="{_fmt(x1)}" y1="{_fmt(y1)}" x2="{_fmt(x2)}" y2="{_fmt(y2)}" '
            f'stroke="{colour}" stroke-width="{_fmt(width)}"/>'
        )

    def rect(
        self, x: float, y: float, w: float, h: float, fill: str, edge: str, cls: str = "bar"
    ) -> None:
        self.parts.append(
            f'<rect class="{cls}" x="{_fmt(x)}" y="{_fmt(y)}" width="{_fmt(w)}" '
            f'height="{_fmt(h)}" fill="{fill}" stroke="{edge}" stroke-width="1"/>'
        )

    def defs(self) -> str:
        if not self.patterns:
            return ""
        out = ["<defs>"]
        for (colour, hatch), ident in sorted(self.patterns.items(), key=lambda kv: kv[1]):
            s = HATCH_SPACING
            strokes = {
                "//": [f"M0 {s}L{s} 0"],
                "\\\\": [f"M0 0L{s} {s}"],
                "xx": [f"M0 {s}L{s} 0", f"M0 0L{s} {s}"],
                "--": [f"M0 {s / 2}H{s}"],
                "||": [f"M{s / 2} 0V{s}"],
            }[hatch]
            paths = "".join(f'<path d="{d}" stroke="white" stroke-width="1.5"/>' for d in strokes)
            out.append(
                f'<pattern id="{ident}" width="{s}" height="{s}" patternUnits="userSpaceOnUse">'
                f'<rect width="{s}" height="{s}" fill="{colour}"/>{paths}</pattern>'
            )
        out.append("</defs>")
        return "".join(out)


def _style(panel: Panel, series: int, category: int) -> tuple[str, str]:
    if panel.style_by_category:
        return PALETTE[category % len(PALETTE)], HATCHES[category % len(HATCHES)]
    hatch = HATCHES[series % len(HATCHES)] if len(panel.series) > 1 else ""
    return PALETTE[series % len(PALETTE)], hatch


def _value_label(panel: Panel) -> str:
    label = axis_label(panel.spec)
    if len(panel.series) == 1 and panel.series[0].label:
        label = f"{panel.series[0].label} ({unit_symbol(panel.spec)})"
    return label


def _band(panel: Panel) -> float:
    """The height of one category's row in a horizontal bar chart."""
    lines = max(len(textwrap.wrap(name, 40) or [""]) for name in panel.categories)
    return max(BAR_BAND_PX * max(len(panel.series), 1), lines * FONT_PX * LINE + 6)


def _panel_height(panel: Panel, kind: Kind) -> float:
    title = len(_title_lines(panel, kind)) * TITLE_PX * LINE + (8 if panel.title else 0)
    if kind == "barh":
        return title + 18 + len(panel.categories) * _band(panel) + 2 * FONT_PX * LINE + 10
    return 4.0 * PX_PER_INCH * (0.9 if panel.title else 1.0)


def _title_lines(panel: Panel, kind: Kind) -> list[str]:
    return textwrap.wrap(panel.title, 70 if kind == "barh" else 30) if panel.title else []


def _draw_panel(
    svg: _Svg, panel: Panel, kind: Kind, box: tuple[float, float, float, float]
) -> None:
    x0, y0, width, height = box
    categories = len(panel.categories)
    groups = max(len(panel.series), 1)
    values = [[numeric(cell) for cell in series.cells] for series in panel.series]
    known = [v for row in values for v in row if v is not None]
    top = max(known) if known else 0.0
    low = min(known) if known else 0.0
    ticks, start, limit = _ticks(low, top, panel.spec)
    if kind == "barh":  # room to the right of the longest bar for its value
        longest = max(
            _text_width(short_value(c, panel.spec), SMALL_PX) for s in panel.series for c in s.cells
        )
        limit = max(limit, top * 1.05 + longest / (width * 0.5) * (top - start))
    span = limit - start
    title_lines = _title_lines(panel, kind)
    title_height = len(title_lines) * TITLE_PX * LINE + (8 if title_lines else 0)
    if title_lines:
        svg.lines(x0 + width / 2, y0 + 4, title_lines, TITLE_PX, "middle", middle=False)
    value_label = _value_label(panel)
    tick_width = max(_text_width(_tick_label(t), FONT_PX) for t in ticks)
    if kind == "barh":
        wrapped = [textwrap.wrap(name, 40) or [""] for name in panel.categories]
        left = x0 + 8 + max(_text_width(line, FONT_PX) for lines in wrapped for line in lines)
        left = min(left, x0 + width * 0.45)
        right = x0 + width - tick_width / 2 - 4
        plot_top = y0 + title_height + 8
        band = _band(panel)
        plot_bottom = plot_top + band * categories

        def at(value: float) -> float:
            return left + (value - start) * (right - left) / span

        for tick in ticks:
            svg.line(at(tick), plot_top, at(tick), plot_bottom, GRID_COLOUR, 0.8)
            svg.text(at(tick), plot_bottom + FONT_PX * 1.1, _tick_label(tick), anchor="middle")
        bar = band * 0.8 / groups
        for c, lines in enumerate(wrapped):
            centre = plot_top + band * (c + 0.5)
            svg.lines(left - 6, centre, lines, FONT_PX, "end", middle=True)
            for s, series in enumerate(panel.series):
                colour, hatch = _style(panel, s, c)
                value = values[s][c] or 0.0
                y = centre - band * 0.4 + bar * s
                if value:
                    x = min(at(0), at(value))
                    length = abs(at(value) - at(0))
                    svg.rect(x, y, length, bar, svg.fill(colour, hatch), colour)
                svg.text(
                    at(value) + (4 if value >= 0 else -4),
                    y + bar / 2 + SMALL_PX * 0.35,
                    short_value(series.cells[c], panel.spec),
                    size=SMALL_PX,
                    anchor="start" if value >= 0 else "end",
                    cls="value",
                )
        svg.line(at(0), plot_top, at(0), plot_bottom, AXIS_COLOUR, 1)
        svg.line(left, plot_bottom, right, plot_bottom, AXIS_COLOUR, 1)
        svg.text((left + right) / 2, y0 + height - 6, value_label, anchor="middle")
        return
    wrap = max(8, 80 // (categories * (3 if panel.title else 1)))
    wrapped = [textwrap.wrap(name, wrap) or [""] for name in panel.categories]
    label_lines = max(len(lines) for lines in wrapped)
    left = x0 + FONT_PX * LINE + 10 + tick_width
    right = x0 + width - 8
    plot_top = y0 + title_height + SMALL_PX * LINE + 4
    plot_bottom = y0 + height - label_lines * SMALL_PX * LINE - 10
    band = (right - left) / max(categories, 1)

    def up(value: float) -> float:
        return plot_bottom - (value - start) * (plot_bottom - plot_top) / span

    for tick in ticks:
        svg.line(left, up(tick), right, up(tick), GRID_COLOUR, 0.8)
        svg.text(left - 5, up(tick) + FONT_PX * 0.35, _tick_label(tick), anchor="end")
    bar = band * 0.8 / groups
    for c, lines in enumerate(wrapped):
        centre = left + band * (c + 0.5)
        svg.lines(centre, plot_bottom + 5, lines, SMALL_PX, "middle", middle=False)
        for s, series in enumerate(panel.series):
            colour, hatch = _style(panel, s, c)
            value = values[s][c] or 0.0
            x = centre - band * 0.4 + bar * s
            if value:
                y = min(up(0), up(value))
                length = abs(up(value) - up(0))
                svg.rect(x, y, bar, length, svg.fill(colour, hatch), colour)
            svg.text(
                x + bar / 2,
                up(value) - 4 if value >= 0 else up(value) + SMALL_PX + 2,
                short_value(series.cells[c], panel.spec),
                size=SMALL_PX,
                anchor="middle",
                cls="value",
            )
    svg.line(left, plot_top, left, plot_bottom, AXIS_COLOUR, 1)
    svg.line(left, up(0), right, up(0), AXIS_COLOUR, 1)
    if start < 0:
        svg.line(left, plot_bottom, right, plot_bottom, GRID_COLOUR, 0.8)
    middle = (plot_top + plot_bottom) / 2
    svg.text(x0 + FONT_PX, middle, value_label, anchor="middle", rotate=True)


def _legend(svg: _Svg, chart: Chart, width: float, y: float) -> float:
    """Draw the legend (one entry a series) from *y*; return its height."""
    series = chart.panels[0].series
    if len(series) <= 1:
        return 0.0
    columns = min(len(series), 3)
    entries = [
        (PALETTE[i % len(PALETTE)], HATCHES[i % len(HATCHES)], s.label)
        for i, s in enumerate(series)
    ]
    rows = [entries[i : i + columns] for i in range(0, len(entries), columns)]
    height = FONT_PX * LINE + 4
    for r, row in enumerate(rows):
        widths = [28 + _text_width(label, FONT_PX) + 16 for _c, _h, label in row]
        x = (width - sum(widths)) / 2
        top = y + r * height
        for (colour, hatch, label), w in zip(row, widths, strict=True):
            svg.rect(x, top + 2, 20, FONT_PX * 0.9, svg.fill(colour, hatch), colour, "key")
            svg.text(x + 26, top + FONT_PX * 0.95, label)
            x += w
    return len(rows) * height + 6


def render_svg(chart: Chart) -> str:
    """Draw *chart* as SVG text. The same chart always gives the same text."""
    svg = _Svg()
    width = WIDTH_INCHES * PX_PER_INCH
    count = len(chart.panels)
    columns = 1 if chart.kind == "barh" else min(count, 3)
    cell_width = width / columns
    y = 0.0
    for start in range(0, count, columns):
        row = chart.panels[start : start + columns]
        height = max(_panel_height(panel, chart.kind) for panel in row)
        for index, panel in enumerate(row):
            svg.parts.append(f'<g id="axes_{start + index + 1}">')
            box = (cell_width * index, y, cell_width, height)
            _draw_panel(svg, panel, chart.kind, box)
            svg.parts.append("</g>")
        y += height
    y += _legend(svg, chart, width, y + 4) + 4
    head = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_fmt(width)}" height="{_fmt(y)}" '
        f'viewBox="0 0 {_fmt(width)} {_fmt(y)}" font-family="{FONT_FAMILY}" '
        f'font-size="{FONT_PX}" fill="{TEXT_COLOUR}">'
    )
    background = f'<rect width="{_fmt(width)}" height="{_fmt(y)}" fill="white"/>'
    return head + svg.defs() + background + "".join(svg.parts) + "</svg>\n"


# -- the directive ---------------------------------------------------------------------------
