"""A real Elasticsearch for the bulk-es suite, and the calls that reset and count its index.

The node comes from ci/escluster (``local`` provider without Docker) and is always
stopped. The index calls are ci/escluster's stdlib HTTP, so the harness never measures or
trusts either client to tell how many documents really arrived.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CI_DIR = Path(__file__).resolve().parents[1] / "ci"
if str(CI_DIR) not in sys.path:
    sys.path.insert(0, str(CI_DIR))

from escluster import get_provider  # noqa: E402
from escluster._http import request_json  # noqa: E402

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
