"""A real Elasticsearch for the bulk-es suite, and the calls that reset and count its index.

The node comes from ci/escluster (``local`` provider without Docker) and is always
stopped. The index calls are escluster's stdlib HTTP, so the harness never measures or
trusts either client to tell how many documents really arrived. escluster is installed
(``nox -s bench`` does it; run.py reruns itself in a venv that has it otherwise), and this
module is imported by the bulk-es suite alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from escluster import get_provider
from escluster._http import request_json

INDEX_SETTINGS = {"settings": {"number_of_shards": 1, "number_of_replicas": 0}}
TIMEOUT = 120.0  # a refresh after 100,000 documents can take a while


@contextmanager
def running_cluster(version: str) -> Iterator[tuple[str, str]]:
    """Start a one-node cluster of ``version``; yield its URL and exact version; always stop it."""
    with get_provider() as provider:
        url = provider.start(version, nodes=1)[0]
        yield url, provider.version or version


def reset_index(url: str, index: str) -> None:
    """An empty index with one shard and no replica, so every round starts alike."""
    request_json("DELETE", f"{url}/{index}", timeout=TIMEOUT, missing_ok=True)
    request_json("PUT", f"{url}/{index}", INDEX_SETTINGS, timeout=TIMEOUT)


def count(url: str, index: str) -> int:
    """Documents searchable in ``index`` after a refresh."""
    request_json("POST", f"{url}/{index}/_refresh", timeout=TIMEOUT)
    return int(request_json("GET", f"{url}/{index}/_count", timeout=TIMEOUT)["count"])
