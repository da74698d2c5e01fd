"""What the sync and async vector stores share: the distance metrics and the maximal
marginal relevance selection.

numpy and simsimd (the ``vectorstore_mmr`` extra) are imported only when a selection is
made, so the store works without them for every other search.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from enum import Enum
from types import ModuleType
from typing import Any

from ..._profile import DIST

__all__ = ["DistanceMetric", "maximal_marginal_relevance"]


class DistanceMetric(str, Enum):
    """How a dense vector strategy compares vectors."""

    COSINE = "COSINE"
    DOT_PRODUCT = "DOT_PRODUCT"
    EUCLIDEAN_DISTANCE = "EUCLIDEAN_DISTANCE"
    MAX_INNER_PRODUCT = "MAX_INNER_PRODUCT"


def _mmr_module(name: str) -> ModuleType:
    """``numpy`` or ``simsimd``, or an error that says which extra brings it."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        raise ModuleNotFoundError(
            f"maximal marginal relevance needs the module {exc.name!r}, which is not installed; "
            f"install the extra with: {sys.executable} -m pip install '{DIST}[vectorstore_mmr]'",
            name=exc.name,
        ) from exc


def _similarities(np: Any, simsimd: Any, rows: Any, columns: Any) -> Any:
    """Cosine similarity of every row of ``rows`` to every row of ``columns`` (a 2-D array)."""
    if rows.shape[1] != columns.shape[1]:
        raise ValueError(
            f"vectors of different lengths cannot be compared: {rows.shape[1]} and {columns.shape[1]}"
        )
    distances = np.asarray(simsimd.cdist(rows, columns, metric="cosine"), dtype=np.float64)
    return 1.0 - distances.reshape(rows.shape[0], columns.shape[0])


def maximal_marginal_relevance(
    query_embedding: Sequence[float],
    embedding_list: Sequence[Sequence[float]],
    lambda_mult: float = 0.5,
    k: int = 4,
) -> list[int]:
    """Indexes into ``embedding_list`` of up to ``k`` vectors picked one at a time: each is the
    one that best trades closeness to the query (weight ``lambda_mult``) against closeness
    to the ones already picked (weight ``1 - lambda_mult``); the first is the closest one."""
    np = _mmr_module("numpy")
    simsimd = _mmr_module("simsimd")
    count = min(k, len(embedding_list))
    if count <= 0:
        return []
    query = np.asarray(query_embedding, dtype=np.float32).reshape(1, -1)
    candidates = np.asarray(embedding_list, dtype=np.float32)
    if candidates.ndim != 2:
        raise ValueError("embedding_list must be a list of vectors of one length")
    relevance = _similarities(np, simsimd, query, candidates)[0]
    between = _similarities(np, simsimd, candidates, candidates)
    picked = [int(np.argmax(relevance))]
    # The highest similarity of each candidate to any picked vector so far.
    redundancy = between[picked[0]].copy()
    while len(picked) < count:
        scores = lambda_mult * relevance - (1.0 - lambda_mult) * redundancy
        scores[picked] = -np.inf
        best = int(np.argmax(scores))
        picked.append(best)
        redundancy = np.maximum(redundancy, between[best])
    return picked
