"""The JSON Schema of visit files, generated from the model, for editors."""

from __future__ import annotations

import json
from typing import Any

from planner.model.visit import Visit

SCHEMA_ID = "https://planner.example.org/schema/visit-1.json"


def visit_schema() -> dict[str, Any]:
    schema = Visit.model_json_schema(by_alias=True)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
        "title": "planner visit file (schema_version 1)",
    }


def visit_schema_json() -> str:
    return json.dumps(visit_schema(), indent=2, ensure_ascii=False) + "\n"
