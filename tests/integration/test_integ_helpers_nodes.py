"""A node killed in the middle of a bulk on a three-node cluster (issue 5).

Runs only on the three-node clusters that ``ES_INTEGRATION_MULTINODE`` adds (see
conftest.py; ``nox -s test`` adds one for the ``elasticsearch`` package on 9.x), since it
breaks its cluster. Two ``streaming_bulk`` runs (``raise_on_error=False,
raise_on_exception=False, max_retries=3``) send DOCS documents each, at the same time,
into an index with one replica per shard, through clients that know the three nodes and
sniff when one fails:

- ``retrying``: the transport retries a request on another node (``max_retries=3``), as
  clients are usually set up;
- ``not-retrying``: the transport does not (``max_retries=0``), so a request that meets
  the dead node fails and the helper reports its chunk: the failure path is taken too.

While both have requests in flight, one node's process group is SIGKILLed; the runs go
on. Then the cluster is asked which documents it holds: every action must be indexed or
reported as failed (never missing unreported), and every acknowledged one must have
survived the node.

``ES_INTEGRATION_NODE_DEATH_VICTIM``: ``master`` (default; the cluster elects another
master while the bulks go on) or ``other`` (a node that is not the master).
``ES_INTEGRATION_NODE_DEATH_DOCS``: documents per run (default 50,000).
"""

from __future__ import annotations

import functools
import importlib
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest

pytestmark = pytest.mark.multinode

DOCS = int(os.environ.get("ES_INTEGRATION_NODE_DEATH_DOCS", "50000"))
KILL_AFTER = DOCS // 4  # results the retrying run has seen when the node is killed
VICTIM = os.environ.get("ES_INTEGRATION_NODE_DEATH_VICTIM", "master")
INDEX = "it-node-death"
SETTINGS = {"number_of_shards": 3, "number_of_replicas": 1}
RUNS = {"retrying": 3, "not-retrying": 0}  # run -> the transport's max_retries


def documents(run: str) -> Iterator[dict[str, Any]]:
    for i in range(DOCS):
        yield {"_index": INDEX, "_id": f"{run}-{i}", "n": i, "tag": ("red", "green", "blue")[i % 3]}


def client_options(major: int, retries: int) -> dict[str, Any]:
    """Sniffing when a node fails, ``retries`` transport retries (also on timeouts)."""
    if major == 7:
        return {"sniff_on_connection_fail": True, "max_retries": retries, "retry_on_timeout": True}
    return {"sniff_on_node_failure": True, "max_retries": retries, "retry_on_timeout": True}


class BulkWatch:
    """Wraps the clients' transports to know when ``_bulk`` requests are under way."""

    def __init__(self) -> None:
        self.in_flight = 0
        self.sent = 0
        self.lock = threading.Lock()

    def watch(self, client: Any) -> None:
        transport = client.transport
        original = transport.perform_request

        def perform_request(method: str, target: str, *args: Any, **kwargs: Any) -> Any:
            is_bulk = target.split("?")[0].endswith("/_bulk")
            if is_bulk:
                with self.lock:
                    self.in_flight += 1
                    self.sent += 1
            try:
                return original(method, target, *args, **kwargs)
            finally:
                if is_bulk:
                    with self.lock:
                        self.in_flight -= 1

        transport.perform_request = perform_request


def kill_when(
    trigger: threading.Event, watch: BulkWatch, kill: Callable[[], None], record: dict[str, Any]
) -> None:
    """After ``trigger``, SIGKILL the node once both runs have a bulk in flight."""
    if not trigger.wait(timeout=600):
        return
    deadline = time.monotonic() + 5
    while watch.in_flight < len(RUNS) and time.monotonic() < deadline:
        time.sleep(0.0005)
    time.sleep(0.005)  # into the requests, not at their first byte
    record["bulks in flight"] = watch.in_flight
    record["bulks sent before"] = watch.sent
    record["at"] = time.monotonic()
    kill()


class Run:
    """One streaming_bulk run and what it reported: (ok, id, status, error type) per action."""

    def __init__(self, name: str, client: Any, helpers: Any, major: int) -> None:
        self.name = name
        self.client = client
        self.helpers = helpers
        self.major = major
        self.results: list[tuple[bool, str, Any, str]] = []
        self.failures: list[dict[str, Any]] = []  # the info of every failed item
        self.error: BaseException | None = None
        self.took = 0.0

    def __call__(self, trigger: threading.Event | None = None) -> None:
        began = time.monotonic()
        try:
            for ok, item in self.helpers.streaming_bulk(
                self.client,
                documents(self.name),
                chunk_size=500,
                raise_on_error=False,
                raise_on_exception=False,
                max_retries=3,
                initial_backoff=1,
                # besides 429: the statuses of a shard or node that is not there (yet)
                **({} if self.major == 7 else {"retry_on_status": (429, 502, 503, 504)}),
            ):
                info = next(iter(item.values()))
                error = info.get("error")
                if ok:
                    kind = ""
                elif isinstance(error, dict):
                    kind = str(error.get("type", ""))
                else:  # no answer: the exception the request ended with
                    kind = type(info.get("exception")).__name__
                if not ok:
                    self.failures.append(info)
                self.results.append((ok, str(info.get("_id")), info.get("status"), kind))
                if trigger is not None and len(self.results) == KILL_AFTER:
                    trigger.set()
        except BaseException as e:  # raise_on_exception=False: nothing should get here
            self.error = e
        finally:
            self.took = time.monotonic() - began

    def check(self, present: set[str]) -> dict[str, Any]:
        given = {f"{self.name}-{i}" for i in range(DOCS)}
        reported = Counter(doc_id for _, doc_id, _, _ in self.results)
        ok_ids = {doc_id for ok, doc_id, _, _ in self.results if ok}
        failed_ids = {doc_id for ok, doc_id, _, _ in self.results if not ok}
        indexed = present & given
        numbers = {
            "ok": len(ok_ids),
            "failed": len(failed_ids),
            "failed as": dict(Counter((status, kind) for ok, _, status, kind in self.results if not ok)),
            "in the cluster": len(indexed),
            "failed but indexed": len(failed_ids & indexed),
            "missing (all reported)": len(given - indexed),
            "s": round(self.took, 1),
        }
        assert self.error is None, f"{self.name}: {self.error!r}"
        # one result per action, each either ok or failed
        assert len(self.results) == DOCS and set(reported) == given and max(reported.values()) == 1
        assert not ok_ids & failed_ids
        # every acknowledged document survived the node; whatever is missing was reported
        assert not ok_ids - indexed, (self.name, sorted(ok_ids - indexed)[:20])
        assert given - indexed <= failed_ids, (self.name, sorted(given - indexed - failed_ids)[:20])
        return numbers


async def test_node_killed_in_the_middle_of_a_bulk(es_cluster: Any, make_client: Any, api: Any) -> None:
    nodes = getattr(es_cluster.provider, "nodes", None)
    if not nodes or len(nodes) < 3:
        pytest.skip("needs the three nodes of a cluster started here (the local or docker provider)")
    major = es_cluster.cell.client_major
    helpers = importlib.import_module(f"{es_cluster.cell.client}.helpers")
    admin = make_client("sync")
    body = {"settings": SETTINGS, "mappings": {"properties": {"n": {"type": "integer"}}}}
    admin.indices.create(index=INDEX, **({"body": body} if major == 7 else body))
    health = api.data(admin.cluster.health(index=INDEX, wait_for_status="green", timeout="60s"))
    assert health["status"] == "green", health

    (master,) = api.data(admin.cat.master(format="json"))
    if VICTIM == "master":
        victim = next(n for n in nodes if n.name == master["node"])
    else:
        victim = next(n for n in nodes if n.name != master["node"])
    survivors = [n.url for n in nodes if n is not victim]

    watch = BulkWatch()
    runs = {}
    for name, retries in RUNS.items():
        client = make_client("sync", **client_options(major, retries))
        watch.watch(client)
        runs[name] = Run(name, client, helpers, major)
    trigger, killed = threading.Event(), {}
    killer = threading.Thread(
        target=kill_when,
        args=(trigger, watch, functools.partial(es_cluster.provider.kill, victim.name), killed),
        daemon=True,
    )
    other = threading.Thread(target=runs["not-retrying"], name="not-retrying", daemon=True)
    killer.start()
    other.start()
    try:
        runs["retrying"](trigger)
    finally:
        trigger.set()
        other.join(timeout=600)
        killer.join(timeout=10)
    assert not other.is_alive(), "the not-retrying run did not end"
    assert "at" in killed, "the node was not killed"

    # The survivors: a new master (when the old one died), every primary assigned again.
    check = make_client("sync", urls=survivors)
    health = api.data(check.cluster.health(index=INDEX, wait_for_status="yellow", timeout="120s"))
    assert health["status"] in ("yellow", "green") and health["number_of_nodes"] == 2, health
    (new_master,) = api.data(check.cat.master(format="json"))
    assert new_master["node"] != victim.name
    check.indices.refresh(index=INDEX)
    hits = Counter(hit["_id"] for hit in helpers.scan(check, index=INDEX, size=5000))
    assert not hits or max(hits.values()) == 1
    assert api.data(check.count(index=INDEX))["count"] == len(hits)

    numbers: dict[str, Any] = {
        "victim": f"{victim.name} ({'the master' if victim.name == master['node'] else 'not the master'})",
        "master after": new_master["node"],
        **{k: v for k, v in killed.items() if k != "at"},
    }
    for name, run in runs.items():
        numbers[name] = run.check(set(hits))
    assert set(hits) <= {f"{name}-{i}" for name in RUNS for i in range(DOCS)}
    # Without transport retries, the request that met the dead node was reported.
    assert numbers["not-retrying"]["failed"] > 0, numbers

    # A failure carries what it takes to send it again: index, id and document.
    again = [
        {"_index": info["_index"], "_id": info["_id"], **info["data"]}
        for run in runs.values()
        for info in run.failures
    ]
    assert helpers.bulk(check, again) == (len(again), [])
    check.indices.refresh(index=INDEX)
    numbers["sent again"] = len(again)
    numbers["count at the end"] = api.data(check.count(index=INDEX))["count"]
    print(f"node death: {es_cluster.cell.key}: {numbers}")
    assert numbers["count at the end"] == len(RUNS) * DOCS
