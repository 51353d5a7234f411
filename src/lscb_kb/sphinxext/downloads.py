"""Downloads: every dataset and register as CSV and JSON, and the ``data-catalogue`` directive.

When an HTML build finishes, each data file is written to ``_downloads/data/<year>/`` in the
output: one ``<id>.<table>.csv`` and ``.json`` per table of a file of tables, and one
``<id>.csv`` and ``.json`` for a file of figures, a register, the discrepancy register and the
glossary (which spans years, so it goes straight into ``_downloads/data/``).

What each file holds is made by :mod:`lscb_kb.published.export`, from the published view, so a
count that the pages hide is hidden in the downloads too.

.. code-block:: md

   ```{data-catalogue}
   ```
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from sphinx.util.osutil import relative_uri

from ..core.hygiene import year_label
from ..provenance import build_info, stamp
from ..published.export import (
    DATA_PACKAGE,
    DOWNLOADS_DIR,
    all_files,
    downloads_of,
    sorted_entries,
)
from .nodes import data_download
from .shared import LscbDirective, cite, get_catalogue, table_skeleton, write_if_changed

if TYPE_CHECKING:
    from sphinx.application import Sphinx

    from ..core import Entry

# -- writing ---------------------------------------------------------------------------------

CSV_BOM = "\ufeff"


def write_downloads(app: Sphinx, exception: BaseException | None) -> None:
    """Write every download into the HTML output, and remove any left from earlier builds."""
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    written: set[Path] = set()
    catalogue = get_catalogue(app.env)
    info = build_info(catalogue.settings.root)
    for relpath, text in all_files(catalogue):
        path = outdir / relpath
        stamped = stamp(str(relpath), text, info)
        if path.suffix == ".csv":
            # A byte order mark tells Excel, opening the file by double-click, that it is
            # UTF-8: without it "£" shows as "Â£". Other programs read past it.
            stamped = CSV_BOM + stamped
        write_if_changed(path, stamped)
        written.add(path)
    folder = outdir / DOWNLOADS_DIR
    for old in sorted(folder.rglob("*"), reverse=True):
        if old.is_file() and old not in written:
            old.unlink()
        elif old.is_dir() and not any(old.iterdir()):
            old.rmdir()


# -- the data catalogue page -----------------------------------------------------------------


def resolve_download_links(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Point each download link at the file, relative to the page being written."""
    builder = app.builder
    for node in list(doctree.findall(data_download)):
        target = node["lscb_download"]
        if builder.format == "html":
            uri = relative_uri(builder.get_target_uri(docname), target)
        else:
            uri = target
        node.replace_self(
            nodes.reference(
                "",
                "",
                *node.children,
                refuri=uri,
                classes=node["classes"],
                internal=False,
                reftitle=node.get("reftitle", ""),
            )
        )


class DataCatalogueDirective(LscbDirective):
    """List every data file with its title, period, source, licence and downloads."""

    has_content = False
    option_spec: ClassVar[dict[str, Any]] = {}

    def run(self) -> list[nodes.Node]:
        from .domain import LscbDomain  # noqa: PLC0415

        catalogue = self.catalogue
        domain = self.env.get_domain(LscbDomain.name)
        assert isinstance(domain, LscbDomain)
        # Re-read when what it lists of any file changes (see catalogue_listing), not on
        # every figure edit: the page shows no figures.
        domain.note_all_data(self.env.docname)
        self.env.note_dependency(str(catalogue.settings.root / "conf" / "lscb.toml"))
        entries = sorted_entries(catalogue)
        container = nodes.container(classes=["lscb-data-catalogue"])
        settings = catalogue.settings
        licence = nodes.paragraph()
        licence += nodes.Text("Every dataset below may be re-used under the ")
        licence += nodes.reference(settings.licence, settings.licence, refuri=settings.licence_url)
        licence += nodes.Text(
            ". Each downloads as CSV (for spreadsheets) and as JSON (for programs); column "
            "headings give the unit of each figure, and every row names its source."
        )
        container += licence
        package = nodes.paragraph()
        package += nodes.Text("For software, ")
        package += data_download(
            "",
            "datapackage.json",
            lscb_download=DATA_PACKAGE.as_posix(),
            reftitle="Every CSV download, described as a Frictionless Data Package",
            classes=["lscb-download"],
        )
        package += nodes.Text(
            " describes every CSV file as a Frictionless Data Package: each column's type, "
            "the symbols that stand for a figure hidden, not reported or not yet entered, the "
            "source and the licence."
        )
        container += package
        years: dict[str | None, list[Entry]] = {}
        for entry in entries:
            years.setdefault(entry.year, []).append(entry)
        for year, group in years.items():
            container += self.year_table(year, group)
        return [container]

    def year_table(self, year: str | None, entries: list[Entry]) -> nodes.table:
        caption = f"Datasets for {year_label(year)}" if year else "Datasets that span years"
        headings = ["Dataset", "Period", "Source", "Licence", "Downloads"]
        table, body = table_skeleton(caption, headings, ["lscb-table", "lscb-catalogue-table"])
        settings = self.catalogue.settings
        for data in entries:
            row = nodes.row(ids=[nodes.make_id(f"data-{data.year or 'all'}-{data.id}")])
            dataset = data.dataset
            title = nodes.entry()
            title += nodes.paragraph("", dataset.title)
            row += title
            period = nodes.entry()
            period += nodes.paragraph("", getattr(dataset, "period", None) or "–")
            row += period
            source = nodes.entry()
            para = nodes.paragraph()
            key = getattr(dataset, "source", None)
            para += cite(self.env, self.state.inliner, key, self.lineno) if key else nodes.Text("–")
            section = getattr(dataset, "section", None)
            if section:
                para += nodes.Text(f", section {section}")
            source += para
            row += source
            licence = nodes.entry()
            licence += nodes.paragraph("", settings.licence)
            row += licence
            row += self.download_cell(data)
            body += row
        return table

    def download_cell(self, entry: Entry) -> nodes.entry:
        cell = nodes.entry()
        items = downloads_of(entry)
        listing = nodes.bullet_list(classes=["lscb-downloads"])
        for item in items:
            para = nodes.paragraph()
            if len(items) > 1:
                para += nodes.Text(f"{item.title}: ")
            for index, suffix in enumerate(("csv", "json")):
                if index:
                    para += nodes.Text(", ")
                label = suffix.upper()
                link = data_download(
                    "",
                    label,
                    lscb_download=item.path(suffix),
                    reftitle=f"{item.title} ({label})",
                    classes=["lscb-download"],
                )
                para += link
            listing += nodes.list_item("", para)
        cell += listing
        return cell


def setup_downloads(app: Sphinx) -> None:
    app.add_node(data_download)
    app.add_directive("data-catalogue", DataCatalogueDirective)
    app.connect("doctree-resolved", resolve_download_links)
    app.connect("build-finished", write_downloads)
