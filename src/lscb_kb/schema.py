"""Export the data models as JSON Schema, so editors can check data files as they are typed."""

from __future__ import annotations

import json
from pathlib import Path

from .core.models import SCHEMAS, schema_for


def rendered_schemas() -> dict[str, str]:
    """File name -> the JSON text that ``conf/schemas/`` must hold."""
    return {
        f"{kind}.schema.json": json.dumps(schema_for(kind), indent=2, sort_keys=True) + "\n"
        for kind in SCHEMAS
    }


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in rendered_schemas().items():
        path = folder / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written
