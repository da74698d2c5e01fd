"""Measure one contender in this interpreter and print the result as one JSON line.

run.py starts this file with a contender's venv Python, in a fresh process for every
round, so contenders never share imports, caches or connections. It uses the standard
library only, because it must run unchanged in every venv.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

Request = Callable[[], Any]


class Contender(NamedTuple):
    """How to build one client (import included), where its answer has the doc, and
    which installed distribution's version to report."""

    setup: Callable[[int], Request]
    document: Callable[[Any], Mapping[str, Any]]
    distribution: str


def _transport(port: int) -> Request:
    """Build the transport as a user would; official and ours share this code."""
    from elastic_transport import NodeConfig, Transport

    transport = Transport([NodeConfig("http", "127.0.0.1", port)])

    def request() -> Any:
        return transport.perform_request("GET", "/bench/_doc/1")

    return request


def _urllib3(port: int) -> Request:
    """Build the floor: one pooled keep-alive connection and stdlib JSON."""
    import urllib3

    pool = urllib3.HTTPConnectionPool("127.0.0.1", port, maxsize=1)

    def request() -> Any:
        return json.loads(pool.urlopen("GET", "/bench/_doc/1", retries=False).data)

    return request


CONTENDERS: dict[str, Contender] = {
    "transport": Contender(_transport, lambda response: response.body, "elastic-transport"),
    "urllib3": Contender(_urllib3, lambda document: document, "urllib3"),
}


def _rss_kib() -> int:
    """Resident memory now (not the peak); Linux only, like the nginx stub."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS line in /proc/self/status")


def _time_requests(request: Request, n: int) -> list[int]:
    """Time each request in ns: per-request samples keep medians robust to GC."""
    clock = time.perf_counter_ns
    samples = []
    for _ in range(n):
        start = clock()
        request()
        samples.append(clock() - start)
    return samples


def _count_calls(request: Request, n: int) -> dict[str, float]:
    """Count calls per request under cProfile: exact, so it shows what noise hides.

    Calls made from this file (the request wrapper) are left out: harness, not client.
    """
    import cProfile

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(n):
        request()
    profiler.disable()
    profiler.create_stats()
    python_calls = c_calls = 0
    for (filename, _, _), (_, calls, _, _, _) in profiler.stats.items():
        if filename == "~":
            c_calls += calls
        elif os.path.abspath(filename) != os.path.abspath(__file__):
            python_calls += calls
    return {"python_calls": python_calls / n, "c_calls": c_calls / n}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contender", choices=sorted(CONTENDERS), required=True)
    parser.add_argument("--port", type=int, default=19200)
    parser.add_argument("--n", type=int, default=5000, help="timed requests; 0: setup only")
    parser.add_argument("--warmup", type=int, default=500)
    parser.add_argument("--profile-n", type=int, default=200)
    args = parser.parse_args()

    contender = CONTENDERS[args.contender]
    rss_start = _rss_kib()
    request = contender.setup(args.port)
    rss_setup = _rss_kib()
    import importlib.metadata  # only now: it imports email & co., which would skew the RSS

    result: dict[str, Any] = {
        "contender": args.contender,
        "version": importlib.metadata.version(contender.distribution),
        "rss_start_kib": rss_start,
        "rss_setup_kib": rss_setup,
    }
    if args.n:
        document = contender.document(request())
        if document.get("_id") != "1":
            raise SystemExit(f"unexpected answer from the stub: {document!r}")
        for _ in range(args.warmup):
            request()
        samples = _time_requests(request, args.n)
        result["median_ns"] = statistics.median(samples)
        result["mean_ns"] = statistics.fmean(samples)
        result["p90_ns"] = statistics.quantiles(samples, n=10)[-1]
        result.update(_count_calls(request, args.profile_n))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
