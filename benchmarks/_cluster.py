"""A real Elasticsearch for the bulk-es suite, and the calls that reset and count its index.

The node comes from ci/escluster (``local`` provider without Docker) and is always
stopped. The index calls use the standard library, so the harness never measures or
trusts either client to tell how many documents really arrived.
"""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CI_DIR = Path(__file__).resolve().parents[1] / "ci"
# Proxies are ignored: the node is on 127.0.0.1.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
INDEX_SETTINGS = {"settings": {"number_of_shards": 1, "number_of_replicas": 0}}


@contextmanager
def running_cluster(version: str) -> Iterator[tuple[str, str]]:
    """Start a one-node cluster of ``version``; yield its URL and exact version; always stop it."""
    if str(CI_DIR) not in sys.path:
        sys.path.insert(0, str(CI_DIR))
    from escluster import get_provider

    with get_provider() as provider:
        url = provider.start(version, nodes=1)[0]
        yield url, provider.version or version


def _call(method: str, url: str, body: Any = None, missing_ok: bool = False) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    try:
        with _OPENER.open(request, timeout=120) as response:
            return json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        if missing_ok and exc.code == 404:
            return None
        detail = exc.read()[:300].decode("utf-8", "replace")
        raise RuntimeError(f"{method} {url} -> HTTP {exc.code}: {detail}") from exc


def reset_index(url: str, index: str) -> None:
    """An empty index with one shard and no replica, so every round starts alike."""
    _call("DELETE", f"{url}/{index}", missing_ok=True)
    _call("PUT", f"{url}/{index}", INDEX_SETTINGS)


def count(url: str, index: str) -> int:
    """Documents searchable in ``index`` after a refresh."""
    _call("POST", f"{url}/{index}/_refresh")
    return int(_call("GET", f"{url}/{index}/_count")["count"])
