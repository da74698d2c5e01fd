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
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from typing import Any, Literal, NamedTuple

Request = Callable[[], Any]


class Contender(NamedTuple):
    """How to build one client (import included) and send one request, how to tell that
    the answer is the stub's, and which installed distribution's version to report.

    For an "async" contender, ``setup`` returns a coroutine function and the runner
    measures throughput with concurrent tasks instead of per-request latency. For a
    "bulk" contender, ``setup`` returns a function that indexes n documents and returns
    (sent, acknowledged); the runner measures documents per second. An "op" contender
    is timed like a request but needs no server (``setup`` ignores the port): the runner
    also reports a digest of its answer, so that run.py can check that every contender
    computed the same.
    """

    setup: Callable[[int], Any]
    check: Callable[[Any], bool]
    distribution: str
    kind: Literal["request", "async", "bulk", "op"] = "request"


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


def _urllib3_search(port: int) -> Request:
    """The floor for a search: JSON body out, JSON answer in, one keep-alive connection."""
    import urllib3

    pool = urllib3.HTTPConnectionPool("127.0.0.1", port, maxsize=1)
    headers = {"content-type": "application/json", "accept": "application/json"}

    def request() -> Any:
        body = json.dumps({"query": {"match_all": {}}}).encode()
        answer = pool.urlopen("POST", "/bench/_search", body=body, headers=headers, retries=False)
        return json.loads(answer.data)

    return request


def _client(port: int) -> Any:
    """``import elasticsearch`` and one client, as a user writes it (official and ours alike)."""
    from elasticsearch import Elasticsearch

    return Elasticsearch(f"http://127.0.0.1:{port}")


def _client_get(port: int) -> Request:
    client = _client(port)

    def request() -> Any:
        return client.get(index="bench", id="1")

    return request


def _client_search(port: int) -> Request:
    client = _client(port)

    def request() -> Any:
        return client.search(index="bench", query={"match_all": {}})

    return request


def _async_get(port: int) -> Request:
    """``AsyncElasticsearch.get``; the coroutine function also carries the client to close."""
    from elasticsearch import AsyncElasticsearch

    client = AsyncElasticsearch(f"http://127.0.0.1:{port}")

    async def request() -> Any:
        return await client.get(index="bench", id="1")

    request.client = client  # type: ignore[attr-defined]
    return request


BULK_CHUNK = 500  # the stub answers every bulk request with 500 items: send full chunks
Bulk = Callable[[int], tuple[int, int]]


def _actions(n: int) -> Iterator[dict[str, Any]]:
    """The documents every bulk contender indexes, generated as a user would (timed)."""
    return ({"_index": "bench", "title": f"doc {i}", "n": i} for i in range(n))


def _bulk_client(port: int, orjson: bool, stdlib: bool = False) -> Any:
    """``stdlib``: as if orjson were not installed (ours uses it by default when it is)."""
    if stdlib:
        import sys

        sys.modules["orjson"] = None  # type: ignore[assignment]  # import orjson -> ImportError
    from elasticsearch import Elasticsearch

    if not orjson:
        return Elasticsearch(f"http://127.0.0.1:{port}")
    from elasticsearch.serializer import OrjsonSerializer

    return Elasticsearch(f"http://127.0.0.1:{port}", serializer=OrjsonSerializer())


def _bulk(port: int, orjson: bool = False, stdlib: bool = False) -> Bulk:
    """``helpers.bulk(client, actions, chunk_size=500)``; official and ours share this code."""
    client = _bulk_client(port, orjson, stdlib)
    from elasticsearch import helpers

    def index(n: int) -> tuple[int, int]:
        acknowledged, errors = helpers.bulk(client, _actions(n), chunk_size=BULK_CHUNK)
        return n, acknowledged - len(errors)  # type: ignore[arg-type]

    return index


def _streaming_bulk(port: int, orjson: bool = False, stdlib: bool = False) -> Bulk:
    """``helpers.streaming_bulk(...)``, counting the items that succeeded."""
    client = _bulk_client(port, orjson, stdlib)
    from elasticsearch import helpers

    def index(n: int) -> tuple[int, int]:
        results = helpers.streaming_bulk(client, _actions(n), chunk_size=BULK_CHUNK)
        return n, sum(1 for ok, _ in results if ok)

    return index


def _urllib3_bulk(port: int) -> Bulk:
    """The bulk floor: orjson NDJSON lines posted in chunks of 500 on one keep-alive connection."""
    import orjson
    import urllib3

    pool = urllib3.HTTPConnectionPool("127.0.0.1", port, maxsize=1)
    headers = {"content-type": "application/x-ndjson", "accept": "application/json"}
    dumps = orjson.dumps

    def post(lines: list[bytes]) -> int:
        body = b"\n".join(lines) + b"\n"
        answer = orjson.loads(pool.urlopen("POST", "/_bulk", body=body, headers=headers, retries=False).data)
        items = answer["items"]
        if not answer["errors"]:
            return len(items)
        return sum(1 for item in items if 200 <= next(iter(item.values()))["status"] < 300)

    def index(n: int) -> tuple[int, int]:
        acknowledged, lines = 0, []
        for action in _actions(n):
            source = dict(action)
            lines.append(dumps({"index": {"_index": source.pop("_index")}}))
            lines.append(dumps(source))
            if len(lines) == 2 * BULK_CHUNK:
                acknowledged += post(lines)
                lines = []
        if lines:
            acknowledged += post(lines)
        return n, acknowledged

    return index


def _all_acknowledged(answer: Any) -> bool:
    sent, acknowledged = answer
    return bool(sent == acknowledged)


def _is_doc(answer: Any) -> bool:
    body = getattr(answer, "body", answer)
    return isinstance(body, Mapping) and body.get("_id") == "1"


def _is_hits(answer: Any) -> bool:
    body = getattr(answer, "body", answer)
    return isinstance(body, Mapping) and len(body.get("hits", {}).get("hits", ())) == 10


# The DSL suite (elasticsearch.dsl): pure CPU, no server. Official and ours run this same
# code, written against the public API only.
DSL_HITS = 1000


def _dsl_import(port: int) -> Request:
    """``from elasticsearch.dsl import Search, Document``: the import suite's RSS and version."""
    from elasticsearch.dsl import Document, Search

    def request() -> Any:
        return {"search": Search(index="bench").to_dict(), "document": Document.__name__}

    return request


def _dsl_search(port: int) -> Request:
    """Build a search of 10 query clauses and 2 aggregations (one with a sub-aggregation),
    as a user chains it, and serialize it with ``to_dict()``."""
    from elasticsearch.dsl import Q, Search

    def request() -> Any:
        search = (
            Search(index="articles")
            .query("match", title="python client")
            .query("match_phrase", body="fast search")
            .filter("term", status="published")
            .filter("terms", tags=["python", "search"])
            .filter("range", published={"gte": "2024-01-01", "lt": "2025-01-01"})
            .filter("exists", field="author.name")
            .exclude("term", language="xx")
            .query(
                Q(
                    "bool",
                    should=[Q("match", summary="elasticsearch"), Q("prefix", title__raw="elastic")],
                    minimum_should_match=1,
                )
            )
            .query("nested", path="comments", query=Q("match", comments__text="great"))
            .sort("-published", "_score")
            .source(["title", "author"])
            .extra(size=20)
        )
        search.aggs.bucket("per_tag", "terms", field="tags", size=10).metric(
            "avg_rating", "avg", field="rating"
        )
        search.aggs.bucket("per_month", "date_histogram", field="published", calendar_interval="month")
        return search.to_dict()

    return request


def _dsl_search_body(answer: Any) -> bool:
    return isinstance(answer, Mapping) and set(answer) >= {"query", "aggs", "sort", "size", "_source"}


def _search_answer(n: int) -> dict[str, Any]:
    """A search answer of ``n`` hits, each with 8 source fields (a nested object and lists)."""
    hits = [
        {
            "_index": "articles",
            "_id": str(i),
            "_score": 1.0 + (i % 97) / 8,
            "_source": {
                "title": f"Article {i}",
                "status": "published",
                "views": i * 7,
                "rating": (i % 50) / 10,
                "published": f"2024-{1 + i % 12:02d}-17T10:00:00Z",
                "tags": ["python", "search", f"tag{i % 10}"],
                "author": {"name": f"Author {i % 37}", "country": "NL"},
                "comments": [{"user": f"user{i % 5}", "stars": i % 6}, {"user": "guest", "stars": 3}],
            },
        }
        for i in range(n)
    ]
    return {
        "took": 3,
        "timed_out": False,
        "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
        "hits": {"total": {"value": n, "relation": "eq"}, "max_score": 13.0, "hits": hits},
    }


def _dsl_hits(port: int) -> Request:
    """Turn a 1,000-hit answer into a ``Response`` and read every field of every hit: what
    ``Search.execute()`` hands back, without the HTTP round trip. The same answer every
    time: a contender that changes it fails."""
    from elasticsearch.dsl import Response, Search

    search = Search(index="articles")
    answer = _search_answer(DSL_HITS)
    pristine = json.dumps(answer)

    def request() -> Any:
        response = Response(search, answer)
        hits = total = 0
        for hit in response:
            meta = hit.meta
            total += len(meta.id) + len(meta.index) + int(meta.score * 8)
            total += len(hit.title) + len(hit.status) + hit.views + int(hit.rating * 10) + len(hit.published)
            total += sum(len(tag) for tag in hit.tags)
            author = hit.author
            total += len(author.name) + len(author.country)
            total += sum(len(comment.user) + comment.stars for comment in hit.comments)
            hits += 1
        return {"hits": hits, "total": response.hits.total.value, "checksum": total}

    request()  # once, untimed: the answer must be as it was
    if json.dumps(answer) != pristine:
        raise SystemExit("Response changed the answer it was given")
    return request


def _dsl_hits_read(answer: Any) -> bool:
    return isinstance(answer, Mapping) and answer.get("hits") == DSL_HITS


# The ES|QL suite (elasticsearch.esql): pure CPU, no server, the same code in both venvs.
ESQL_COMMANDS = 20


def _esql_query(port: int) -> Request:
    """Build a query of 20 commands (a source and 19 processing commands) with the builder,
    as a user chains it, with functions, expressions, identifiers to quote and string
    literals to escape, and render it to the text ``esql.query()`` sends."""
    from elasticsearch.esql import ESQL, E, and_, functions, not_, or_

    def request() -> Any:
        query = (
            ESQL.from_("employees", "contractors-*")
            .metadata("_id", "_index")
            .where(and_(E("still_hired") == True, E("hire_date") >= "2020-01-01"))  # noqa: E712
            .eval(
                height_cm=E("height") * 100,
                full_name=functions.concat(E("first_name"), " ", E("last_name")),
                seniority=functions.date_diff("year", E("hire_date"), functions.now()),
            )
            .where(or_(E("languages") > 2, not_(E("gender") == "F")), "salary > 40000")
            .dissect("email", "%{user}@%{domain}")
            .grok("note", "%{WORD:tag} %{NUMBER:score:int}")
            .enrich("departments-policy")
            .on("dept_id")
            .with_(department="name", floor="floor level")
            .lookup_join("offices")
            .on("office_id")
            .mv_expand("skills")
            .rename(first_name="given", last_name="family name")
            .stats(
                avg_height=functions.avg(E("height_cm")),
                max_salary=functions.max(E("salary")),
                hires=functions.count("*"),
                p90=functions.percentile(E("salary"), 90),
            )
            .by("department", functions.bucket(E("hire_date"), 20, "2020-01-01", "2025-01-01"))
            .eval(ratio=E("max_salary") / E("avg_height"), label=functions.to_upper(E("department")))
            .where(E("hires").is_not_null())
            .sort("max_salary DESC NULLS LAST", E("department").asc(), "weird`column")
            .keep("department", "avg_*", "max_salary", "hires", "label", "p90")
            .drop("tmp*", "debug field")
            .where(functions.starts_with(E("label"), "ENG"))
            .sample(0.5)
            .eval(score=functions.round(E("ratio"), 2), note=functions.concat('say "hi"\\', E("given")))
            .limit(1000)
        )
        return str(query)

    return request


def _esql_rendered(answer: Any) -> bool:
    return isinstance(answer, str) and answer.count("\n| ") == ESQL_COMMANDS - 1


CONTENDERS: dict[str, Contender] = {
    "transport": Contender(_transport, _is_doc, "elastic-transport"),
    "urllib3": Contender(_urllib3, _is_doc, "urllib3"),
    "urllib3_search": Contender(_urllib3_search, _is_hits, "urllib3"),
    "client_get": Contender(_client_get, _is_doc, "elasticsearch"),
    "client_search": Contender(_client_search, _is_hits, "elasticsearch"),
    "async_get": Contender(_async_get, _is_doc, "elasticsearch", kind="async"),
    "bulk": Contender(_bulk, _all_acknowledged, "elasticsearch", kind="bulk"),
    "bulk_orjson": Contender(partial(_bulk, orjson=True), _all_acknowledged, "elasticsearch", kind="bulk"),
    "streaming_bulk": Contender(_streaming_bulk, _all_acknowledged, "elasticsearch", kind="bulk"),
    "streaming_bulk_orjson": Contender(
        partial(_streaming_bulk, orjson=True), _all_acknowledged, "elasticsearch", kind="bulk"
    ),
    "bulk_stdlib": Contender(partial(_bulk, stdlib=True), _all_acknowledged, "elasticsearch", kind="bulk"),
    "streaming_bulk_stdlib": Contender(
        partial(_streaming_bulk, stdlib=True), _all_acknowledged, "elasticsearch", kind="bulk"
    ),
    "urllib3_bulk": Contender(_urllib3_bulk, _all_acknowledged, "urllib3", kind="bulk"),
    "dsl_import": Contender(
        _dsl_import, lambda answer: isinstance(answer, Mapping), "elasticsearch", kind="op"
    ),
    "dsl_search": Contender(_dsl_search, _dsl_search_body, "elasticsearch", kind="op"),
    "dsl_hits": Contender(_dsl_hits, _dsl_hits_read, "elasticsearch", kind="op"),
    "esql_query": Contender(_esql_query, _esql_rendered, "elasticsearch", kind="op"),
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
    return _calls_per_request(profiler, n)


def _calls_per_request(profiler: Any, n: int) -> dict[str, float]:
    """Python and C function calls per request from a finished cProfile run."""
    profiler.create_stats()
    python_calls = c_calls = 0
    for (filename, _, _), (_, calls, _, _, _) in profiler.stats.items():
        if filename == "~":
            c_calls += calls
        elif os.path.abspath(filename) != os.path.abspath(__file__):
            python_calls += calls
    return {"python_calls": python_calls / n, "c_calls": c_calls / n}


async def _gather_batches(request: Request, total: int, concurrency: int) -> None:
    """Send ``total`` requests, ``concurrency`` at a time: one asyncio.gather per batch."""
    import asyncio  # not at the top: it would count in every contender's RSS

    for sent in range(0, total, concurrency):
        await asyncio.gather(*(request() for _ in range(min(concurrency, total - sent))))


async def _measure_async(request: Request, args: argparse.Namespace) -> dict[str, Any]:
    """Throughput with concurrent tasks: the one number an async client is used for."""
    try:
        if not CONTENDERS[args.contender].check(await request()):
            raise SystemExit("unexpected answer from the stub")
        await _gather_batches(request, args.warmup, args.concurrency)
        start, cpu_start = time.perf_counter_ns(), time.process_time_ns()
        await _gather_batches(request, args.n, args.concurrency)
        elapsed, cpu = time.perf_counter_ns() - start, time.process_time_ns() - cpu_start

        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
        await _gather_batches(request, args.profile_n, args.concurrency)
        profiler.disable()
        calls = _calls_per_request(profiler, args.profile_n)
    finally:
        await request.client.close()  # type: ignore[attr-defined]
    return {
        "requests_per_s": args.n / (elapsed / 1e9),
        "elapsed_ns": elapsed,
        "cpu_ns_per_request": cpu / args.n,
        **calls,
    }


def _measure_bulk(index: Bulk, args: argparse.Namespace) -> dict[str, Any]:
    """Documents per second over one call indexing ``args.n`` documents (after a warmup call).

    Against the stub or a real cluster alike; the caller counts what a real cluster holds.
    """
    for n in (args.warmup, args.n, args.profile_n):
        if n % BULK_CHUNK:
            raise SystemExit(f"bulk sizes must be multiples of {BULK_CHUNK} (the stub's answer): {n}")
    check = CONTENDERS[args.contender].check
    if args.warmup and not check(index(args.warmup)):
        raise SystemExit("the server did not acknowledge every document")
    start, cpu_start = time.perf_counter_ns(), time.process_time_ns()
    answer = index(args.n)
    elapsed, cpu = time.perf_counter_ns() - start, time.process_time_ns() - cpu_start
    if not check(answer):
        raise SystemExit(f"the server did not acknowledge every document: {answer!r}")

    result = {"docs_per_s": args.n / (elapsed / 1e9), "elapsed_ns": elapsed, "cpu_ns_per_doc": cpu / args.n}
    if args.profile_n:  # 0 against a real cluster: the counts are the stub's, and no extra documents
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
        index(args.profile_n)
        profiler.disable()
        result.update(_calls_per_request(profiler, args.profile_n))  # per document here
    return result


def _digest(answer: Any) -> str:
    """A digest of an op's answer (JSON, keys sorted): equal digests, equal answers."""
    import hashlib

    text = json.dumps(answer, sort_keys=True, default=repr)
    return hashlib.sha256(text.encode()).hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contender", choices=sorted(CONTENDERS), required=True)
    parser.add_argument("--port", type=int, default=19200)
    parser.add_argument(
        "--n", type=int, default=5000, help="timed requests (bulk: documents; op: ops); 0: setup only"
    )
    parser.add_argument("--warmup", type=int, default=500)
    parser.add_argument("--profile-n", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=32, help="tasks at once (async)")
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
    if args.n and contender.kind == "bulk":
        result.update(_measure_bulk(request, args))
    elif args.n and contender.kind == "async":
        import asyncio

        result.update(asyncio.run(_measure_async(request, args)))
    elif args.n:
        answer = request()
        if not contender.check(answer):
            where = "" if contender.kind == "op" else " from the stub"
            raise SystemExit(f"unexpected answer{where}: {answer!r}")
        if contender.kind == "op":
            result["answer_sha256"] = _digest(answer)
        for _ in range(args.warmup):
            request()
        cpu_start = time.process_time_ns()
        samples = _time_requests(request, args.n)
        result["cpu_ns_per_request"] = (time.process_time_ns() - cpu_start) / args.n
        result["median_ns"] = statistics.median(samples)
        result["mean_ns"] = statistics.fmean(samples)
        result["p90_ns"] = statistics.quantiles(samples, n=10)[-1]
        result.update(_count_calls(request, args.profile_n))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
