"""A small Elasticsearch on 127.0.0.1 for the helpers' tests: the shared fake server
(ci/fakees, a real HTTP server) scripted to index bulk actions in memory, scroll over them
and fail on request.

What it implements: ``GET /`` (the product check), ``_bulk`` (NDJSON parsed line by line,
one answer item per action, dynamic "mapping" per field so a type change is a mapping
error, ``create`` of an existing id a version conflict, ``delete``/``update`` of a missing
document a 404), ``_search`` with ``scroll`` (``sort: _doc`` or by a field, ``term``/
``match`` on one field), ``_search/scroll``, ``DELETE _search/scroll``, ``_count``,
``GET _data_stream/{name}``. Scripted faults: items rejected with chosen statuses (429)
a given number of times, whole ``_bulk`` requests answered with an error status or a
dropped connection, answers with fewer items than actions, pages from fewer shards.
"""

from __future__ import annotations

import itertools
import json
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from fakees import FakeServer, Reply, Request

OPS = ("index", "create", "update", "delete")


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    return "null"


@dataclass
class BulkRequest:
    path: str
    query: dict[str, str]
    content_type: str
    body: bytes
    actions: list[tuple[str, dict[str, Any], Any]] = field(default_factory=list)


class FakeElasticsearch:
    """State and behaviour; ``answer`` speaks HTTP for it. Thread-safe."""

    def __init__(self, version: str) -> None:
        self.version = version
        self.lock = threading.Lock()
        self.indices: dict[str, dict[str, dict[str, Any]]] = {}
        self.mappings: dict[str, dict[str, str]] = {}
        self.bulks: list[BulkRequest] = []
        self.requests: list[tuple[str, str, bytes]] = []
        # id -> statuses to answer for that document, one per attempt (then it succeeds)
        self.item_statuses: dict[str, list[int]] = {}
        # statuses for whole _bulk requests, one per request; 0 drops the connection
        self.bulk_statuses: list[int] = []
        self.drop_items = 0  # answer this many items fewer (once)
        self.searches: list[dict[str, Any]] = []
        self.scrolls: dict[str, list[dict[str, Any]]] = {}
        self.scroll_sizes: dict[str, int] = {}
        self.scroll_pages: list[str] = []
        self.cleared: list[str] = []
        self.data_streams: set[str] = set()
        # answer GET _data_stream/{name} with this status instead (400: no such API)
        self.data_stream_status: int | None = None
        self.short_shards_on_page: int | None = None
        self._ids = itertools.count(1)
        self._seq = itertools.count(0)

    # -- bulk ---------------------------------------------------------------------------

    def bulk(self, path: str, query: dict[str, str], content_type: str, body: bytes) -> tuple[int, Any]:
        parts = [unquote(p) for p in path.strip("/").split("/")]
        default_index = parts[0] if parts[0] != "_bulk" else None
        request = BulkRequest(path, query, content_type, body)
        with self.lock:
            self.bulks.append(request)
            if self.bulk_statuses:
                status = self.bulk_statuses.pop(0)
                if status == 0:
                    return 0, None
                return status, _error(status, "es_rejected_execution_exception", "rejected whole bulk")
        if not body.endswith(b"\n"):
            return 400, _error(
                400, "illegal_argument_exception", "The bulk request must be terminated by a newline"
            )
        lines = body.split(b"\n")[:-1]
        at = 0
        parsed: list[tuple[str, dict[str, Any], Any]] = []
        while at < len(lines):
            try:
                action = json.loads(lines[at])
            except ValueError:
                return 400, _error(400, "x_content_parse_exception", f"line {at + 1}: not JSON")
            if not isinstance(action, dict) or len(action) != 1:
                return 400, _error(
                    400, "illegal_argument_exception", f"Malformed action/metadata line [{at + 1}]"
                )
            ((op, meta),) = action.items()
            if op not in OPS:
                return 400, _error(
                    400,
                    "illegal_argument_exception",
                    f"Malformed action/metadata line [{at + 1}], found [{op}]",
                )
            at += 1
            doc = None
            if op != "delete":
                if at >= len(lines):
                    return 400, _error(400, "illegal_argument_exception", "action without a document")
                try:
                    doc = json.loads(lines[at])
                except ValueError:
                    doc = ValueError("not JSON")
                at += 1
            meta = dict(meta)
            meta.setdefault("_index", default_index)
            if meta["_index"] is None:
                return 400, _error(
                    400, "action_request_validation_exception", "Validation Failed: 1: index is missing;"
                )
            parsed.append((op, meta, doc))
        request.actions = parsed
        with self.lock:
            items = [self._apply(op, meta, doc) for op, meta, doc in parsed]
            if self.drop_items:
                items = items[: -self.drop_items]
                self.drop_items = 0
        errors = any("error" in next(iter(item.values())) for item in items)
        return 200, {"took": 1, "errors": errors, "items": items}

    def _apply(self, op: str, meta: dict[str, Any], doc: Any) -> dict[str, Any]:
        index = str(meta["_index"])
        doc_id = meta.get("_id")
        doc_id = str(doc_id) if doc_id is not None else None
        base: dict[str, Any] = {"_index": index}
        if self.version.startswith("7."):
            base["_type"] = "_doc"
        if doc_id is not None:
            scripted = self.item_statuses.get(doc_id)
            if scripted:
                status = scripted.pop(0)
                return {
                    op: {
                        **base,
                        "_id": doc_id,
                        "status": status,
                        "error": _error(status, "es_rejected_execution_exception", "rejected item")["error"],
                    }
                }
        docs = self.indices.setdefault(index, {})
        if op == "delete":
            if doc_id not in docs:
                return {op: {**base, "_id": doc_id, "_version": 1, "result": "not_found", "status": 404}}
            del docs[doc_id]
            return {op: {**base, "_id": doc_id, "_version": 2, "result": "deleted", "status": 200}}
        if isinstance(doc, Exception):
            return {
                op: {
                    **base,
                    "_id": doc_id,
                    "status": 400,
                    "error": _error(400, "document_parsing_exception", "not JSON")["error"],
                }
            }
        if op == "update":
            if doc_id not in docs:
                if not doc.get("doc_as_upsert") and "upsert" not in doc:
                    return {
                        op: {
                            **base,
                            "_id": doc_id,
                            "status": 404,
                            "error": _error(
                                404, "document_missing_exception", f"[{doc_id}]: document missing"
                            )["error"],
                        }
                    }
                source = dict(doc.get("upsert") or doc.get("doc") or {})
            else:
                source = {**docs[doc_id], **(doc.get("doc") or {})}
        else:
            source = doc
            if op == "create" and doc_id in docs:
                return {
                    op: {
                        **base,
                        "_id": doc_id,
                        "status": 409,
                        "error": _error(
                            409,
                            "version_conflict_engine_exception",
                            f"[{doc_id}]: version conflict, document already exists",
                        )["error"],
                    }
                }
        mapping = self.mappings.setdefault(index, {})
        for name, value in (source or {}).items():
            kind = _kind(value)
            known = mapping.setdefault(name, kind)
            if known != kind and kind != "null":
                return {
                    op: {
                        **base,
                        "_id": doc_id,
                        "status": 400,
                        "error": _error(
                            400,
                            "mapper_parsing_exception",
                            f"failed to parse field [{name}] of type [{known}]",
                        )["error"],
                    }
                }
        if doc_id is None:
            doc_id = f"auto-{next(self._ids)}"
        created = doc_id not in docs
        docs[doc_id] = source
        return {
            op: {
                **base,
                "_id": doc_id,
                "_version": 1,
                "result": "created" if created else "updated",
                "_shards": {"total": 2, "successful": 1, "failed": 0},
                "_seq_no": next(self._seq),
                "_primary_term": 1,
                "status": 201 if created else 200,
            }
        }

    # -- search and scroll ----------------------------------------------------------------

    def search(self, path: str, query: dict[str, str], body: dict[str, Any]) -> tuple[int, Any]:
        target = unquote(path.strip("/").split("/")[0])
        names = list(self.indices) if target in ("_search", "_all", "*") else target.split(",")
        self.searches.append({"path": path, "query": query, "body": body})
        hits = []
        for name in names:
            if name not in self.indices:
                return 404, _error(404, "index_not_found_exception", f"no such index [{name}]")
            for doc_id, source in self.indices[name].items():
                hit: dict[str, Any] = {"_index": name, "_id": doc_id, "_score": 1.0, "_source": source}
                if self.version.startswith("7."):
                    hit["_type"] = "_doc"
                hits.append(hit)
        hits = [h for h in hits if _matches(body.get("query"), h["_source"])]
        sort = body.get("sort", query.get("sort"))
        if sort not in (None, "_doc", ["_doc"]):
            field_name, order = _sort_key(sort)
            hits.sort(key=lambda h: h["_source"].get(field_name), reverse=order == "desc")
            for h in hits:
                h["sort"] = [h["_source"].get(field_name)]
        size = int(body.get("size", query.get("size", 10)))
        page, rest = hits[:size], hits[size:]
        response: dict[str, Any] = {
            "took": 1,
            "timed_out": False,
            "_shards": {"total": 2, "successful": 2, "skipped": 0, "failed": 0},
            "hits": {"total": {"value": len(hits), "relation": "eq"}, "max_score": 1.0, "hits": page},
        }
        if "scroll" in query or "scroll" in body:
            scroll_id = f"scroll-{next(self._ids)}"
            self.scrolls[scroll_id] = rest
            self.scroll_sizes[scroll_id] = size
            self.scroll_pages.append(scroll_id)
            response["_scroll_id"] = scroll_id
        return 200, self._shards(response)

    def _shards(self, response: dict[str, Any]) -> dict[str, Any]:
        page = len(self.scroll_pages)
        if self.short_shards_on_page is not None and page == self.short_shards_on_page:
            response["_shards"] = {"total": 2, "successful": 1, "skipped": 0, "failed": 1}
        return response

    def scroll(self, scroll_id: str | None) -> tuple[int, Any]:
        if scroll_id not in self.scrolls:
            return 404, _error(
                404, "search_context_missing_exception", f"No search context found for id [{scroll_id}]"
            )
        rest, size = self.scrolls[scroll_id], self.scroll_sizes[scroll_id]
        page, self.scrolls[scroll_id] = rest[:size], rest[size:]
        self.scroll_pages.append(scroll_id)
        response = {
            "_scroll_id": scroll_id,
            "took": 1,
            "timed_out": False,
            "_shards": {"total": 2, "successful": 2, "skipped": 0, "failed": 0},
            "hits": {"total": {"value": len(rest), "relation": "eq"}, "hits": page},
        }
        return 200, self._shards(response)

    def clear_scroll(self, ids: list[str]) -> tuple[int, Any]:
        freed = 0
        for scroll_id in ids:
            self.cleared.append(scroll_id)
            if self.scrolls.pop(scroll_id, None) is not None:
                freed += 1
        return (200 if freed else 404), {"succeeded": True, "num_freed": freed}

    def count(self) -> int:
        return sum(len(docs) for docs in self.indices.values())


def _matches(query: Any, source: dict[str, Any]) -> bool:
    if not query or "match_all" in query:
        return True
    for kind in ("term", "match"):
        if kind in query:
            ((name, value),) = query[kind].items()
            if isinstance(value, dict):
                value = value.get("value", value.get("query"))
            return source.get(name) == value
    return True


def _sort_key(sort: Any) -> tuple[str, str]:
    first = sort[0] if isinstance(sort, list) else sort
    if isinstance(first, str):
        name, _, order = first.partition(":")
        return name, order or "asc"
    ((name, order),) = first.items()
    if isinstance(order, dict):
        order = order.get("order", "asc")
    return name, order


def _error(status: int, kind: str, reason: str) -> dict[str, Any]:
    return {
        "error": {"type": kind, "reason": reason, "root_cause": [{"type": kind, "reason": reason}]},
        "status": status,
    }


def _json(status: int, payload: Any) -> Reply:
    return Reply(status=status, body=json.dumps(payload).encode())


def answer(es: FakeElasticsearch, request: Request) -> Reply:
    """The HTTP side of ``es``: route one request to it and turn its result into a reply."""
    body = request.body
    path, query = request.path, request.query
    es.requests.append((request.method, request.target, body))
    parts = [p for p in path.split("/") if p]
    if not parts:
        return _json(
            200,
            {
                "version": {"number": es.version, "build_flavor": "default"},
                "tagline": "You Know, for Search",
            },
        )
    if parts[-1] == "_bulk":
        status, payload = es.bulk(path, query, request.headers.get("content-type", ""), body)
        if status == 0:
            return Reply(action="close")
        return _json(status, payload)
    data = json.loads(body) if body else {}
    if parts[0] == "_search" and len(parts) >= 2 and parts[1] == "scroll":
        if request.method == "DELETE":
            ids = data.get("scroll_id") or (parts[2].split(",") if len(parts) > 2 else [])
            with es.lock:
                status, payload = es.clear_scroll([ids] if isinstance(ids, str) else list(ids))
        else:
            scroll_id = (
                data.get("scroll_id") or query.get("scroll_id") or (parts[2] if len(parts) > 2 else None)
            )
            with es.lock:
                status, payload = es.scroll(scroll_id)
        return _json(status, payload)
    if parts[-1] == "_search":
        with es.lock:
            status, payload = es.search(path, query, data)
        return _json(status, payload)
    if parts[0] == "_data_stream" and len(parts) == 2:
        name = unquote(parts[1])
        if es.data_stream_status == 400:  # as a server without the data streams module
            return _json(400, {"error": f"no handler found for uri [{path}] and method [GET]"})
        if es.data_stream_status is not None:
            status = es.data_stream_status
            return _json(status, _error(status, "security_exception", "action is unauthorized"))
        if name in es.data_streams:
            return _json(200, {"data_streams": [{"name": name, "timestamp_field": {"name": "@timestamp"}}]})
        return _json(404, _error(404, "index_not_found_exception", f"no such index [{name}]"))
    if parts[-1] == "_count":
        with es.lock:
            docs = es.indices.get(unquote(parts[0]), {})
        return _json(200, {"count": len(docs)})
    return _json(404, _error(404, "not_found", f"no route for {request.method} {path}"))


class Server(FakeServer):
    """The fake on the shared fake server (ci/fakees): ``url`` to connect, ``close()`` to stop."""

    def __init__(self, version: str) -> None:
        super().__init__()
        self.es = FakeElasticsearch(version)
        self.handler = lambda request: answer(self.es, request)


VERSIONS = {"elasticsearch": "9.5.0", "elasticsearch8": "8.19.0", "elasticsearch7": "7.17.0"}
PACKAGES = tuple(VERSIONS)


def legacy(package: Any) -> bool:
    """Whether ``package`` is the 7.x one (legacy calling convention)."""
    return bool(package.__name__ == "elasticsearch7")


def make_client(package: Any, url: str, *, is_async: bool = False, **options: Any) -> Any:
    """A client of ``package`` for ``url`` that does not retry on its own (the helpers do)."""
    cls = package.AsyncElasticsearch if is_async else package.Elasticsearch
    options.setdefault("max_retries", 0)
    if legacy(package):
        return cls([url], **options)
    return cls(url, **options)


def docs(n: int, index: str = "test", start: int = 0, **extra: Any) -> list[dict[str, Any]]:
    return [
        {"_index": index, "_id": str(i), "n": i, "title": f"doc {i}", **extra}
        for i in range(start, start + n)
    ]
