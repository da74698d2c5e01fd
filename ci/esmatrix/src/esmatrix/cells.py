"""The compat matrix definition: which client runs against which stack, and how.

The cells come from the registry of majors (majors.json): each client against its
native stack (``native``), then against the next major's stack where the entry names it
(``compat``, with REST API compatibility headers), then every other pairing
(``unsupported``: run so the report shows what the server answers, never required to pass).
A matrix file (ESMATRIX_FILE) may list other cells instead. Stacks are the aliases of compat-matrix/stack-versions.json ("7.17",
"8.19", "9"); "9.5" or an exact version that the table maps to an alias is accepted too.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from escluster.majors import Major, RegistryError, load_majors
from escluster.repo import repo_root

ROOT = repo_root()
MATRIX_DIR = ROOT / "compat-matrix"

# API package (dist = import name) -> the major of the Elasticsearch API it implements.
CLIENT_MAJORS: dict[str, int] = {m.package: m.major for m in load_majors()}
DESCRIPTION = (
    "Clients x Elasticsearch stacks. 'native': the client's own major; 'compat': the next major, "
    "reached with REST API compatibility headers; 'unsupported': any other pairing, run to show "
    "what the server answers. Stacks are the aliases of stack-versions.json."
)

# A cell's provider by default: escluster's choice when its cluster starts (ESCLUSTER_PROVIDER,
# else docker where an engine answers, else local); results record the one that ran.
AUTO = "auto"

KINDS = ("native", "compat", "unsupported")

# Environment only our clients understand, per (client, stack major): the official reference
# run of the cell leaves it out, so the report shows the official behaviour next to ours.
OURS_ONLY_ENV: dict[tuple[str, int], dict[str, str]] = {
    # our 9.x client's opt-in: the compat header follows the server's major (8.x answers 400
    # to compatible-with=9)
    ("elasticsearch", 8): {"ELASTIC_CLIENT_APIVERSIONING": "negotiate"},
}


class MatrixError(ValueError):
    """The matrix definition, a client name or a stack name is not valid."""


def matrix_file() -> Path | None:
    """A matrix file that replaces the registry's cells (ESMATRIX_FILE, e.g. in tests)."""
    configured = os.environ.get("ESMATRIX_FILE")
    return Path(configured) if configured else None


def results_dir() -> Path:
    """Where each cell's result file goes (ESMATRIX_RESULTS overrides it)."""
    return Path(os.environ.get("ESMATRIX_RESULTS") or MATRIX_DIR / "results")


def stack_table() -> dict[str, str | None]:
    """Alias -> exact version, shared with the cluster providers."""
    path = Path(os.environ.get("ESCLUSTER_VERSIONS_FILE") or MATRIX_DIR / "stack-versions.json")
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        return {}
    return {str(k): (None if v is None else str(v)) for k, v in data.items()}


def client_major(client: str) -> int:
    try:
        return CLIENT_MAJORS[client]
    except KeyError:
        raise MatrixError(f"unknown client {client!r}; choose one of {', '.join(CLIENT_MAJORS)}") from None


def normalize_stack(spec: str, table: Mapping[str, str | None] | None = None) -> str:
    """The alias for ``spec``: an alias itself, "9.5" (major.minor of an alias's version),
    an exact version listed in the table; other exact versions pass through."""
    table = stack_table() if table is None else table
    spec = spec.strip()
    if spec in table:
        return spec
    for alias, exact in table.items():
        if exact and (exact == spec or exact.startswith(spec + ".")):
            return alias
    if re.fullmatch(r"\d+\.\d+\.\d+(?:-[A-Za-z0-9.]+)?", spec):
        return spec  # any exact release may be tried, as with the cluster providers
    known = ", ".join(f"{a} ({v})" for a, v in table.items()) or "none"
    raise MatrixError(f"unknown stack {spec!r}; known stacks: {known}")


def stack_major(stack: str, table: Mapping[str, str | None] | None = None) -> int:
    table = stack_table() if table is None else table
    exact = table.get(stack) or stack
    match = re.match(r"(\d+)", exact)
    if not match:
        raise MatrixError(f"cannot tell the major of stack {stack!r}")
    return int(match[1])


@dataclass(frozen=True)
class Cell:
    """One client against one stack."""

    client: str
    stack: str
    kind: str
    provider: str = AUTO
    nodes: int = 1
    env: Mapping[str, str] = field(default_factory=dict)
    note: str = ""
    ours_env: Mapping[str, str] = field(default_factory=dict)  # left out of the official run

    def env_for(self, official: bool) -> dict[str, str]:
        """The environment of the cell's run with our client, or with the official one."""
        return dict(self.env) if official else {**self.env, **self.ours_env}

    @property
    def key(self) -> str:
        """Used in file names and test ids: ``elasticsearch7-8.19``."""
        return f"{self.client}-{self.stack}"

    @property
    def client_major(self) -> int:
        return client_major(self.client)

    @property
    def compat_header(self) -> str | None:
        """The compatibility media-type parameter this cell's client sends, if any."""
        if self.client_major >= 8:  # the 8.x and 9.x clients always send it
            return f"compatible-with={self.client_major}"
        if self.env.get("ELASTIC_CLIENT_APIVERSIONING") in ("1", "true"):
            return "compatible-with=7"
        return None

    def to_json(self) -> dict[str, Any]:
        return {
            "client": self.client,
            "stack": self.stack,
            "kind": self.kind,
            "provider": self.provider,
            "nodes": self.nodes,
            "env": dict(self.env),
            "note": self.note,
            "ours_env": dict(self.ours_env),
            "compat_header": self.compat_header,
        }


def make_cell(
    client: str,
    stack: str,
    *,
    kind: str | None = None,
    provider: str = AUTO,
    nodes: int = 1,
    env: Mapping[str, str] | None = None,
    note: str = "",
    ours_env: Mapping[str, str] | None = None,
    table: Mapping[str, str | None] | None = None,
) -> Cell:
    """Build and validate a cell; ``kind`` defaults to what the majors imply."""
    table = stack_table() if table is None else table
    stack = normalize_stack(stack, table)
    cmajor, smajor = client_major(client), stack_major(stack, table)
    implied = "native" if cmajor == smajor else "compat" if smajor == cmajor + 1 else "unsupported"
    if implied == "unsupported":
        compat = next((m.compat_stack for m in load_majors() if m.package == client), None)
        supported = f"{cmajor}.x" + (
            f" and, with compatibility headers, {stack_major(compat, table)}.x" if compat else ""
        )
        note = note or (
            f"{client} (API {cmajor}.x) supports Elasticsearch {supported}, not {smajor}.x: "
            "run to record what the server answers"
        )
        if ours_env is None:
            ours_env = OURS_ONLY_ENV.get((client, smajor))
    if kind is not None and kind != implied:
        raise MatrixError(f"{client} x {stack} is of kind {implied}, not {kind}")
    if not 1 <= nodes <= 3:
        raise MatrixError("nodes must be 1, 2 or 3")
    env = dict(env or {})
    if implied == "compat" and cmajor == 7:
        # The 7.x client only sends compatible-with=7 when asked to.
        env.setdefault("ELASTIC_CLIENT_APIVERSIONING", "true")
    return Cell(client, stack, implied, provider, nodes, env, note, dict(ours_env or {}))


@dataclass(frozen=True)
class Matrix:
    clients: list[str]
    stacks: list[str]
    cells: list[Cell]
    description: str = ""

    def find(self, client: str, stack: str) -> Cell | None:
        stack = normalize_stack(stack)
        return next((c for c in self.cells if c.client == client and c.stack == stack), None)

    def native(self) -> list[Cell]:
        return [c for c in self.cells if c.kind == "native"]


def registry_cells(majors: tuple[Major, ...] | None = None) -> dict[str, Any]:
    """The matrix of the registry of majors, in the form of a matrix file: every client on its
    native stack, newest first, then every client on its compat stack, then the other pairings."""
    try:
        majors = load_majors() if majors is None else majors
    except RegistryError as exc:
        raise MatrixError(str(exc)) from exc
    cells: list[dict[str, Any]] = [{"client": m.package, "stack": m.stack, "kind": "native"} for m in majors]
    for m in majors:
        if m.compat_stack is not None:
            cell = {"client": m.package, "stack": m.compat_stack, "kind": "compat", "note": m.compat_note}
            cells.append({**cell, "env": dict(m.compat_env)} if m.compat_env else cell)
    listed = {(c["client"], c["stack"]) for c in cells}
    stacks = [m.stack for m in sorted(majors, key=lambda m: m.major)]
    cells += [
        {"client": m.package, "stack": s, "kind": "unsupported"}
        for m in majors
        for s in stacks
        if (m.package, s) not in listed
    ]
    return {
        "description": DESCRIPTION,
        "clients": [m.package for m in majors],
        "stacks": stacks,
        "cells": cells,
    }


def load_matrix(path: Path | None = None) -> Matrix:
    """The matrix of the registry of majors, or of a matrix file (``path``, ESMATRIX_FILE)."""
    path = path or matrix_file()
    if path is None:
        data = registry_cells()
    else:
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            raise MatrixError(f"cannot read the matrix definition {path}: {exc}") from exc
    table = stack_table()
    provider = str(data.get("provider", AUTO))
    nodes = int(data.get("nodes", 1))
    cells = []
    seen = set()
    for raw in data.get("cells", []):
        cell = make_cell(
            raw["client"],
            raw["stack"],
            kind=raw.get("kind"),
            provider=str(raw.get("provider", provider)),
            nodes=int(raw.get("nodes", nodes)),
            env=raw.get("env"),
            note=str(raw.get("note", "")),
            ours_env=raw.get("ours_env"),
            table=table,
        )
        if cell.key in seen:
            raise MatrixError(f"{path or 'majors.json'}: cell {cell.key} is listed twice")
        seen.add(cell.key)
        cells.append(cell)
    clients = list(data.get("clients") or dict.fromkeys(c.client for c in cells))
    stacks = [normalize_stack(s, table) for s in data.get("stacks") or dict.fromkeys(c.stack for c in cells)]
    return Matrix(clients, stacks, cells, str(data.get("description", "")))


def cell_for(client: str, stack: str | None = None) -> Cell:
    """The matrix's cell for ``client`` x ``stack`` (stack defaults to the client's native
    one); combinations outside the matrix are built from the majors."""
    matrix = load_matrix()
    if stack is None:
        native = [c for c in matrix.native() if c.client == client]
        if not native:
            client_major(client)  # raises for unknown clients
            raise MatrixError(f"the matrix has no native cell for {client}; name a stack")
        return native[0]
    return matrix.find(client, stack) or make_cell(client, stack)


def parse_cells(spec: str) -> list[Cell]:
    """``native``, ``all``, or a comma list of ``client@stack`` (stack optional)."""
    spec = spec.strip()
    if spec in ("native", "all", "matrix"):
        matrix = load_matrix()
        return matrix.native() if spec == "native" else list(matrix.cells)
    cells = []
    for part in filter(None, (p.strip() for p in spec.split(","))):
        client, _, stack = part.partition("@")
        cells.append(cell_for(client.strip(), stack.strip() or None))
    return cells
