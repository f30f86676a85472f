"""Importers from other feedback tools: one module per source reads its export into
``records.Parsed``; ``core.write_import`` writes it (or, in a dry run, reports it)."""

from frankly.portability.importers import canny, fider, generic_csv, uservoice
from frankly.portability.importers.core import Report, write_import

SOURCES = {
    "fider": fider,
    "canny": canny,
    "uservoice": uservoice,
    "csv": generic_csv,
}


def import_file(*, source: str, data: bytes, apply: bool = False) -> Report:
    """Read an export of ``source`` and import it (``apply``) or report what would be.
    A file that cannot be read raises ``Invalid`` and writes nothing."""
    module = SOURCES[source]
    return write_import(
        source=source, parsed=module.parse(data), status_map=module.STATUSES, apply=apply
    )


__all__ = ["SOURCES", "Report", "import_file"]
