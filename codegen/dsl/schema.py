"""One version's ``schema.json`` as the DSL generators read it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..rules import read_json_gz


@dataclass(frozen=True)
class Schema:
    """One version's ``schema.json``: its types by (namespace, name)."""

    version: str
    types: dict[tuple[str, str], dict[str, Any]]

    @classmethod
    def load(cls, spec_dir: Path, version: str) -> Schema:
        raw = read_json_gz(spec_dir / version / "schema.json.gz")
        return cls(version, {(t["name"]["namespace"], t["name"]["name"]): t for t in raw["types"]})

    def type(self, namespace: str, name: str) -> dict[str, Any]:
        return self.types[(namespace, name)]
