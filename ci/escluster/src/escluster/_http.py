"""Minimal JSON-over-HTTP helpers for talking to a test node.

Stdlib only, and proxies are ignored on purpose: a node on 127.0.0.1 must never
be reached through an HTTP proxy configured for the package registries.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class HttpError(Exception):
    """A request did not produce a 2xx JSON answer (or no answer at all)."""


def get_json(url: str, timeout: float = 5.0) -> Any:
    """GET ``url`` and decode the JSON body; raise HttpError on any failure."""
    return request_json("GET", url, timeout=timeout)


def request_json(
    method: str, url: str, body: Any = None, timeout: float = 5.0, missing_ok: bool = False
) -> Any:
    """Send ``method`` to ``url`` (with ``body`` as JSON, if given) and decode the JSON answer.

    A 404 gives None with ``missing_ok``; any other failure raises HttpError.
    """
    data = None if body is None else json.dumps(body).encode()
    headers = {"Accept": "application/json"}
    if data is not None:
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            answer = response.read()
    except urllib.error.HTTPError as exc:
        if missing_ok and exc.code == 404:
            return None
        detail = exc.read()[:500].decode("utf-8", "replace")
        raise HttpError(f"{method} {url} -> HTTP {exc.code}: {detail}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise HttpError(f"{method} {url} failed: {exc}") from exc
    try:
        return json.loads(answer)
    except ValueError as exc:
        raise HttpError(f"{method} {url} returned non-JSON: {answer[:200]!r}") from exc


def http_status(url: str, timeout: float = 5.0) -> int | None:
    """Status code of GET ``url``, or None when nothing answers (connection refused...).

    Any HTTP answer counts as "the node is listening": the 8.x integration-test
    distribution lacks the rest-root module, so GET / answers 405 there.
    """
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
    except (urllib.error.URLError, OSError):
        return None
