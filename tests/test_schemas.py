"""The JSON Schemas in conf/schemas/ must match the models, so editors check what CI checks."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from ruamel.yaml import YAML

from lscb_kb.schema import rendered_schemas

from .conftest import REPO


@pytest.mark.parametrize("name", sorted(rendered_schemas()))
def test_exported_schema_is_in_step_with_models(name: str) -> None:
    path = REPO / "conf" / "schemas" / name
    assert path.is_file(), f"{path} is missing: run `lscb-kb schemas`"
    assert path.read_text("utf-8") == rendered_schemas()[name], (
        f"{path} is out of step with the models: run `lscb-kb schemas` and commit the result"
    )


def test_every_data_file_names_its_schema_and_satisfies_it() -> None:
    yaml = YAML(typ="safe")
    for path in sorted((REPO / "data").rglob("*.yaml")):
        first = path.read_text("utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), f"{path}: no schema line"
        schema_path = (path.parent / first.split("$schema=", 1)[1].strip()).resolve()
        schema = json.loads(schema_path.read_text("utf-8"))
        document = json.loads(json.dumps(yaml.load(path), default=str))
        jsonschema.validate(document, schema)


def test_schema_rejects_what_the_models_reject(tmp_path: Path) -> None:
    schema = json.loads((REPO / "conf" / "schemas" / "tables.schema.json").read_text("utf-8"))
    bad = {
        "kind": "tables",
        "id": "x",
        "title": "t",
        "period": "p",
        "source": "s",
        "tables": {
            "a": {
                "title": "t",
                "columns": [{"key": "k", "label": "l", "unit": "pounds"}],
                "rows": [{"key": "r"}],
            }
        },
    }
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)
