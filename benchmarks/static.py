"""Write a copy of the site whose data-driven tables and figures are static, for comparisons.

Two variants of a copy of the project, each made once from the data before anything is timed:

* ``static``: every ``{data-table}``, ``{data-register}``, ``{data-glossary}``,
  ``{data-discrepancies}`` and ``{data-year}`` block and every ``{fig}`` role is replaced by the
  MyST that a person would type by hand: ``list-table`` tables, field lists, a ``glossary``
  block, the figure's text. Citations stay ``{cite:p}`` roles, so sphinxcontrib-bibtex does the
  same work. The theme, the extensions and the configuration stay as they are (the extension
  still loads, for the parts of the site that are not data-driven tables and figures).
* ``datatemplates``: the same, except that tables and registers are rendered by
  sphinxcontrib-datatemplates: each is a ``datatemplate:yaml`` block that reads a YAML file
  converted from the dataset and a Jinja template that writes the same MyST. It has no inline
  role, so figures in prose are static text, as in the ``static`` variant.

``{data-trend}`` renders nothing while the data has one year; with more it is a table like any
other. Any directive of the extension that is not listed here is left as it is and named in
:func:`convert`'s result, so that a comparison can say what it did not cover.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from lscb_kb.core import AddressError, Catalogue  # noqa: E402
from lscb_kb.core.models import (  # noqa: E402
    STATUS_LABELS,
    FiguresDataset,
    GlossaryDataset,
    Record,
    RegisterDataset,
    Table,
    TablesDataset,
)
from lscb_kb.core.units import format_value  # noqa: E402
from lscb_kb.core.validate import column_spec, row_spec  # noqa: E402
from lscb_kb.checks.pages import register_selection  # noqa: E402

STATUS_COLOURS = {
    "open": "warning",
    "in-progress": "info",
    "done": "success",
    "no-action": "secondary",
    "carried-forward": "primary",
}

_FIG = re.compile(r"(?<!`)\{fig\}`([^`]+)`")
_BLOCK = re.compile(
    r"^(?P<fence>`{3,}|:{3,})\{(?P<name>data-[a-z-]+)\}[ \t]*(?P<arg>[^\n]*)\n"
    r"(?P<body>(?:(?!(?P=fence)[ \t]*\n).*\n)*?)(?P=fence)[ \t]*$",
    re.MULTILINE,
)
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~$!&])")
HANDLED = {
    "data-table",
    "data-register",
    "data-glossary",
    "data-discrepancies",
    "data-year",
    "data-trend",
    "data-chart",
}


def esc(text: str) -> str:
    """Text from the data as MyST that shows exactly that text."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


@dataclass
class Conversion:
    """What :func:`convert` replaced, and what it left."""

    blocks: dict[str, int] = field(default_factory=dict)
    figures: int = 0
    left: dict[str, int] = field(default_factory=dict)


def _policy(catalogue: Catalogue) -> Any:
    try:
        from lscb_kb.published.disclosure import policy_of  # noqa: PLC0415
    except ImportError:
        return None
    return policy_of(catalogue.settings)


def _figure_text(catalogue: Catalogue, address: str) -> str:
    figure = catalogue.resolve(address)
    policy = _policy(catalogue)
    if policy is not None:
        from lscb_kb.published.disclosure import Suppressed, publishable_ref  # noqa: PLC0415

        _status, shown = publishable_ref(figure, policy)
        if isinstance(shown, Suppressed):
            return esc(policy.symbol)
    return esc(figure.text)


def _cells(
    catalogue: Catalogue, dataset: TablesDataset, name: str, table: Table
) -> list[list[str]]:
    """The table's rows as the page shows them: header first, then rows, then the total."""
    published = None
    policy = _policy(catalogue)
    if policy is not None:
        from lscb_kb.published.disclosure import Suppressed, publishable_table  # noqa: PLC0415

        published = publishable_table(dataset, name, policy)
    header = []
    for column in table.columns:
        unit = column_spec(column)
        label = column.label
        if unit.unit == "rate" and unit.per:
            label = f"{label} (per {unit.per:,})"
        header.append(label)
    rows = [(row, False) for row in table.rows]
    if table.total is not None:
        rows.append((table.total, True))
    out = [header]
    for row_index, (row, is_total) in enumerate(rows):
        line = []
        for index, column in enumerate(table.columns):
            spec = row_spec(column_spec(column), row)
            value = row.get(column.key)
            if published is not None:
                shown = published.cell(row_index, column.key)
                if isinstance(shown, Suppressed):
                    line.append(policy.symbol)
                    continue
            if is_total and index == 0 and value is None:
                text = "Total"
            elif spec.unit == "rate" and spec.per and column.unit == spec.unit:
                text = format_value(value, spec).removesuffix(f" per {spec.per:,}")
            else:
                text = format_value(value, spec)
            line.append(text)
        out.append(line)
    return out


def _source(source: str, section: str | None, period: str | None) -> str:
    text = f"Source: {{cite:p}}`{source}`"
    if section:
        text += f", section {esc(section)}"
    if period:
        text += f"; period: {esc(period)}"
    return text + "."


def _prose(value: str | list[str], indent: str = "") -> str:
    if isinstance(value, str):
        return f"{indent}{esc(value)}\n"
    return "".join(f"{indent}- {esc(item)}\n" for item in value)


def table_myst(catalogue: Catalogue, ref: str, caption: str | None = None) -> str:
    entry, name, table = catalogue.table(ref)
    dataset = entry.dataset
    assert isinstance(dataset, TablesDataset)
    rows = _cells(catalogue, dataset, name, table)
    lines = [
        "`````{container} lscb-dataset",
        f"```{{list-table}} {esc(caption or table.title)}",
        ":header-rows: 1",
        ":stub-columns: 1",
        ":class: lscb-table",
        "",
    ]
    for row in rows:
        for index, cell in enumerate(row):
            lead = "* - " if index == 0 else "  - "
            lines.append(lead + (esc(cell) if cell else "\\-"))
    lines += [
        "```",
        "",
        _source(table.source or dataset.source, table.section or dataset.section, table.period),
        "",
    ]
    if table.notes:
        lines.append(_prose(table.notes))
    lines.append("`````")
    return "\n".join(lines) + "\n"


def record_myst(record: Record, default_source: str) -> str:
    colour = STATUS_COLOURS.get(record.status, "secondary")
    lines = [
        "````{container} lscb-record",
        f"**{esc(record.title)}** {{bdg-{colour}}}`{esc(STATUS_LABELS[record.status])}`",
        "",
    ]
    for label, value in (("Finding", record.finding), ("Action", record.action)):
        if value:
            if isinstance(value, str):
                lines.append(f":{label}: {esc(value)}")
            else:
                lines.append(f":{label}:")
                lines.extend(f"  - {esc(item)}" for item in value)
    if record.owner:
        lines.append(f":Owner: {esc(record.owner)}")
    for change in record.history:
        text = f"{change.period}: {STATUS_LABELS[change.status]}"
        if change.note:
            text += f" ({change.note})"
        lines.append(f":History: {esc(text)}")
    reference = f":Reference: `{record.id}`, {{cite:p}}`{record.source or default_source}`"
    if record.section:
        reference += f", section {esc(record.section)}"
    lines += [reference, "````", ""]
    return "\n".join(lines)


def register_myst(catalogue: Catalogue, ref: str, options: dict[str, str]) -> str:
    entry = catalogue.register(ref)
    dataset = entry.dataset
    assert isinstance(dataset, RegisterDataset)
    records, _problem = register_selection(dataset, ref, options)  # as data-register chooses
    body = "".join(record_myst(r, dataset.source) for r in records)
    return f"`````{{container}} lscb-register\n{body}`````\n"


def glossary_myst(catalogue: Catalogue) -> str:
    entry = catalogue.glossary()
    assert entry is not None and isinstance(entry.dataset, GlossaryDataset)
    dataset = entry.dataset
    lines = ["```{glossary}", ":sorted:", ""]
    for term in sorted(dataset.terms, key=lambda t: t.term.lower()):
        lines.extend(esc(name) for name in (term.term, *term.aliases))
        if term.expansion:
            lines += [f"  **{esc(term.expansion)}**", ""]
        lines.append(f"  {esc(term.definition)} {{cite:p}}`{term.source or dataset.source}`")
        lines.append("")
    lines.append("```")
    return "\n".join(lines) + "\n"


def discrepancies_myst(catalogue: Catalogue) -> str:
    from lscb_kb.core.models import DiscrepancyRegister  # noqa: PLC0415
    from lscb_kb.checks.rules import check_figures  # noqa: PLC0415

    _problems, known = check_figures(catalogue)
    current = catalogue.settings.current_year
    outcomes = {(o.year or current, o.rule_id): o for o in known}
    registers = [
        e for e in catalogue.entries.values() if isinstance(e.dataset, DiscrepancyRegister)
    ]
    out = ["`````{container} lscb-register lscb-discrepancies"]
    for entry in sorted(registers, key=lambda e: str(e.year)):
        dataset = entry.dataset
        assert isinstance(dataset, DiscrepancyRegister)
        for item in dataset.discrepancies:
            outcome = outcomes.get((entry.year or current, item.rule))
            out += ["````{container} lscb-record", f"**{esc(item.title)}**", ""]
            if outcome is not None:
                out.append(":The figures:")
                for figure in outcome.figures:
                    out.append(f"  - {esc(figure.label)}: {esc(figure.text)}")
                message = outcome.message[0].upper() + outcome.message[1:] + "."
                out.append(f":What the check found: {esc(message)}")
            out.append(f":What this site shows: {esc(item.uses)}")
            out.append(f":What to know: {esc(item.reader_note)}")
            year = f", {entry.year}" if entry.year else ""
            out += [f":Reference: `{item.id}`{esc(year)}; rule {esc(item.rule)}", "````", ""]
    out.append("`````")
    return "\n".join(out) + "\n"


def year_myst(catalogue: Catalogue, year: str) -> str:
    entries = sorted(
        (e for (y, _i), e in catalogue.entries.items() if y == year), key=lambda e: e.id
    )
    out = ["``````{container} lscb-year", ""]
    for entry in entries:
        dataset = entry.dataset
        if isinstance(dataset, TablesDataset):
            out += [f"```{{rubric}} {esc(dataset.title)}", "```", ""]
            for name in dataset.tables:
                out.append(table_myst(catalogue, f"{year}:{entry.id}.{name}"))
        elif isinstance(dataset, FiguresDataset):
            out += [f"```{{rubric}} {esc(dataset.title)}", "```", ""]
            for name in dataset.figures:
                figure = catalogue.resolve(f"{year}:{entry.id}/{name}")
                out.append(f"- {esc(figure.label)}: {esc(figure.text)}")
            out.append("")
        elif isinstance(dataset, RegisterDataset):
            out += [f"```{{rubric}} {esc(dataset.title)}", "```", ""]
            out += [record_myst(r, dataset.source) for r in dataset.records]
        if isinstance(dataset, TablesDataset | FiguresDataset) and dataset.notes:
            out.append(_prose(dataset.notes))
    out.append("``````")
    return "\n".join(out) + "\n"


def trend_myst(catalogue: Catalogue, address: str) -> str:
    years = sorted({y for (y, _i) in catalogue.entries if y})
    points = []
    for year in years:
        try:
            figure = catalogue.resolve(address, year)
        except AddressError:
            continue
        if figure.value is not None:
            points.append((year, figure))
    if len(points) < 2:
        return ""
    caption = f"{points[-1][1].label}, by year"
    lines = [
        f"```{{list-table}} {esc(caption)}",
        ":header-rows: 1",
        ":stub-columns: 1",
        "",
        "* - Year",
        "  - Figure",
    ]
    for year, figure in points:
        lines += [f"* - {year[:4]}/{year[5:]}", f"  - {esc(figure.text)}"]
    return "\n".join([*lines, "```"]) + "\n"


def chart_myst(catalogue: Catalogue, arg: str, options: dict[str, str], docs: Path) -> str:
    """The chart drawn once, as the extension draws it, kept as an SVG file beside the pages."""
    import hashlib  # noqa: PLC0415
    from types import SimpleNamespace  # noqa: PLC0415

    from lscb_kb.published.charts import describe, render_svg  # noqa: PLC0415
    from lscb_kb.sphinxext.charts import DataChartDirective  # noqa: PLC0415

    entry, name, table = catalogue.table(arg)
    flags = {k: (None if k in ("facet", "with-table") else v) for k, v in options.items()}
    directive = SimpleNamespace(options=flags, catalogue=catalogue)
    chart = DataChartDirective.chart(directive, entry, name, table)  # type: ignore[arg-type]
    svg = render_svg(chart)
    digest = hashlib.sha256(svg.encode("utf-8")).hexdigest()[:20]
    folder = docs / "_bench_charts"
    folder.mkdir(exist_ok=True)
    (folder / f"chart-{digest}.svg").write_text(svg, encoding="utf-8")
    alt = " ".join(describe(chart).split())
    out = [
        f"````{{figure}} /_bench_charts/chart-{digest}.svg",
        f":alt: {alt}",
        ":class: lscb-chart",
        "",
        esc(chart.caption),
        "",
        f"The figures are in the table {esc(table.title)}.",
        "````",
    ]
    text = "\n".join(out) + "\n"
    if "with-table" in options:
        text += "\n" + table_myst(catalogue, arg)
    return text


def _options(body: str) -> dict[str, str]:
    options = {}
    for line in body.splitlines():
        match = re.match(r"^:([\w-]+):(?:\s+(.*))?$", line.strip())
        if match:
            options[match.group(1)] = match.group(2) or ""
    return options


# -- sphinxcontrib-datatemplates ------------------------------------------------------------

TABLE_TEMPLATE = """\
{%- macro fmt(cell) -%}
{%- if cell.unit == 'text' or cell.value is none -%}{{ cell.value if cell.value is not none else '\\\\-' }}
{%- elif cell.unit == 'count' -%}{{ '{:,}'.format(cell.value|int) }}
{%- elif cell.unit == 'money' -%}£{{ '{:,}'.format(cell.value) }}
{%- elif cell.unit == 'percent' -%}{{ cell.value }}%
{%- else -%}{{ cell.value }}{% endif -%}
{%- endmacro %}
`````{container} lscb-dataset
```{list-table} {{ data.caption }}
:header-rows: 1
:stub-columns: 1
:class: lscb-table

{% for row in data.rows -%}
{% for cell in row -%}
{{ '* - ' if loop.first else '  - ' }}{{ fmt(cell) }}
{% endfor -%}
{% endfor %}
```

Source: {cite:p}`{{ data.source }}`{% if data.section %}, section {{ data.section }}{% endif %}\
{% if data.period %}; period: {{ data.period }}{% endif %}.

{% for note in data.notes %}{{ note }}
{% endfor %}
`````
"""

REGISTER_TEMPLATE = """\
`````{container} lscb-register
{% set wanted = options.ids.split() if options.ids else [] %}
{% for r in data.records if not wanted or r.id in wanted %}
````{container} lscb-record
**{{ r.title }}** {bdg-{{ r.colour }}}`{{ r.status }}`

{% if r.finding is string %}:Finding: {{ r.finding }}
{% elif r.finding %}:Finding:
{% for item in r.finding %}  - {{ item }}
{% endfor %}{% endif -%}
{% if r.action is string %}:Action: {{ r.action }}
{% elif r.action %}:Action:
{% for item in r.action %}  - {{ item }}
{% endfor %}{% endif -%}
{% if r.owner %}:Owner: {{ r.owner }}
{% endif -%}
{% for h in r.history %}:History: {{ h }}
{% endfor -%}
:Reference: `{{ r.id }}`, {cite:p}`{{ r.source }}`{% if r.section %}, section {{ r.section }}{% endif %}
````
{% endfor %}
`````
"""


def _table_file(catalogue: Catalogue, ref: str, caption: str | None) -> dict[str, Any]:
    """What a person would keep for datatemplates: the table's cells with their units."""
    entry, name, table = catalogue.table(ref)
    dataset = entry.dataset
    assert isinstance(dataset, TablesDataset)
    shown = _cells(catalogue, dataset, name, table)  # to know which cells disclosure hides
    rows: list[list[dict[str, Any]]] = [[{"unit": "text", "value": esc(h)} for h in shown[0]]]
    all_rows = [*table.rows, *([table.total] if table.total is not None else [])]
    for row, texts in zip(all_rows, shown[1:], strict=True):
        line = []
        for column, text in zip(table.columns, texts, strict=True):
            spec = row_spec(column_spec(column), row)
            value = row.get(column.key)
            simple = spec.unit in ("count", "money", "percent") and not spec.pence
            whole = simple and (spec.unit == "percent" or value == int(value or 0))
            if value is None or not whole or text in ("", "Total") or "[" in text:
                line.append({"unit": "text", "value": esc(text) if text else None})
            else:
                line.append(
                    {
                        "unit": spec.unit,
                        "value": str(value) if spec.unit == "percent" else int(value),
                    }
                )
        rows.append(line)
    return {
        "caption": esc(caption or table.title),
        "rows": rows,
        "source": table.source or dataset.source,
        "section": esc(table.section or dataset.section or ""),
        "period": esc(table.period or ""),
        "notes": [
            esc(n) for n in ([table.notes] if isinstance(table.notes, str) else table.notes or [])
        ],
    }


def _register_file(catalogue: Catalogue, ref: str) -> dict[str, Any]:
    entry = catalogue.register(ref)
    dataset = entry.dataset
    assert isinstance(dataset, RegisterDataset)

    def prose(value: str | list[str] | None) -> Any:
        if value is None or isinstance(value, str):
            return esc(value) if value else None
        return [esc(v) for v in value]

    records = []
    for r in dataset.records:
        history = []
        for change in r.history:
            text = f"{change.period}: {STATUS_LABELS[change.status]}"
            if change.note:
                text += f" ({change.note})"
            history.append(esc(text))
        records.append(
            {
                "id": r.id,
                "title": esc(r.title),
                "status": esc(STATUS_LABELS[r.status]),
                "colour": STATUS_COLOURS.get(r.status, "secondary"),
                "finding": prose(r.finding),
                "action": prose(r.action),
                "owner": esc(r.owner) if r.owner else None,
                "history": history,
                "source": r.source or dataset.source,
                "section": esc(r.section) if r.section else None,
            }
        )
    return {"records": records}


def convert(site: Path, variant: str) -> Conversion:
    """Rewrite the pages of the project copy at *site* as the *variant* (static, datatemplates)."""
    import yaml  # noqa: PLC0415  (PyYAML: what datatemplates reads with)

    catalogue = Catalogue.load(site)
    if catalogue.problems:
        raise SystemExit(f"{site}: the data has problems; fix them before benchmarking")
    result = Conversion()
    docs = site / "docs"
    data_out = docs / "_bench_data"
    made: set[str] = set()

    def datatemplate(kind: str, key: str, content: dict[str, Any], options: str) -> str:
        path = data_out / f"{key}.yaml"
        if key not in made:
            data_out.mkdir(exist_ok=True)
            path.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
            made.add(key)
        return (
            f"```{{datatemplate:yaml}} /_bench_data/{key}.yaml\n:template: lscb-{kind}.tmpl\n"
            f"{options}```\n"
        )

    handlers: dict[str, Callable[[str, str, dict[str, str]], str]] = {}

    def table(arg: str, body: str, options: dict[str, str]) -> str:
        if variant == "datatemplates":
            key = "table-" + re.sub(r"[^\w.-]", "-", arg)
            if options.get("caption"):
                key += f"-{len(made)}"
            return datatemplate(
                "table", key, _table_file(catalogue, arg, options.get("caption")), ""
            )
        return table_myst(catalogue, arg, options.get("caption"))

    def register(arg: str, body: str, options: dict[str, str]) -> str:
        if variant == "datatemplates":
            extra = "".join(f":{k}: {v}\n" for k, v in options.items())
            return datatemplate(
                "register",
                "register-" + re.sub(r"[^\w.-]", "-", arg),
                _register_file(catalogue, arg),
                extra,
            )
        return register_myst(catalogue, arg, options)

    handlers["data-table"] = table
    handlers["data-register"] = register
    handlers["data-glossary"] = lambda a, b, o: glossary_myst(catalogue)
    handlers["data-discrepancies"] = lambda a, b, o: discrepancies_myst(catalogue)
    handlers["data-year"] = lambda a, b, o: year_myst(catalogue, a)
    handlers["data-trend"] = lambda a, b, o: trend_myst(catalogue, a)
    handlers["data-chart"] = lambda a, b, o: chart_myst(catalogue, a, o, docs)

    for page in sorted(docs.rglob("*.md")):
        text = page.read_text(encoding="utf-8")

        def block(match: re.Match[str]) -> str:
            name = match.group("name")
            handler = handlers.get(name)
            if handler is None:
                result.left[name] = result.left.get(name, 0) + 1
                return match.group(0)
            result.blocks[name] = result.blocks.get(name, 0) + 1
            body = match.group("body")
            return handler(match.group("arg").strip(), body, _options(body)).rstrip("\n")

        def fig(match: re.Match[str]) -> str:
            result.figures += 1
            return _figure_text(catalogue, match.group(1).strip())

        new = _FIG.sub(fig, _BLOCK.sub(block, text))
        if new != text:
            page.write_text(new, encoding="utf-8")

    conf = site / "conf" / "conf.py"
    if variant == "datatemplates":
        templates = site / "conf" / "templates"
        templates.mkdir(exist_ok=True)
        (templates / "lscb-table.tmpl").write_text(TABLE_TEMPLATE, encoding="utf-8")
        (templates / "lscb-register.tmpl").write_text(REGISTER_TEMPLATE, encoding="utf-8")
        text = conf.read_text(encoding="utf-8")
        text += (
            '\nextensions.append("sphinxcontrib.datatemplates")\n'
            'exclude_patterns.append("_bench_data")\n'
        )
        conf.write_text(text, encoding="utf-8")
    return result
