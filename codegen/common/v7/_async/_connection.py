"""The I/O of a standalone 7.x connection: one request to one node, and closing it;
everything else comes from ``ConnectionBase`` (``_connection_base.py``). The answer and
failure handling (``_respond``, ``_failure``) is shared with the HTTP library classes, which
send with their node's pool or session themselves.
"""

# unasync: async-only
# The source of connection/base.py, its sync twin (codegen/unasync.py). As in 7.x, the
# asyncio connection is a subclass of the sync one.
# unasync: end

from __future__ import annotations

# unasync: sync-only
# import json
# import logging
# unasync: end
import time
from collections.abc import Mapping
from typing import Any, ClassVar

import elastic_transport

from .._connection_base import (  # noqa: F401  (the names the 7.x module had, importable from here too)
    _NODE_CLASS_NAMES,
    _TLS_FILES,
    BINARY_MIMETYPES,
    POOL_OPTIONS,
    REQUESTS_AUTH_EXTRA,
    USER_AGENT,
    BaseNode,
    ConnectionBase,
    ImproperlyConfigured,
    NodeConfig,
    _basic_auth_header,
    _profile,
    auth_header_value,
    base_mimetype,
    cloud_address,
    connection_failure,
    constructor_options,
    decode_body,
    decode_error_body,
    emit_server_warnings,
    from_transport_error,
    http_error,
    is_requests_auth,
    logger,
    node_class_by_name,
    node_class_for_configs,
    node_class_name,
    node_config_from_options,
    normalize_hosts,
    target_with_params,
    tracer,
    warn_stacklevel,
)

# unasync: sync-only
#
# def _text(body: Any) -> str | None:
#     if isinstance(body, bytes):
#         return body.decode("utf-8", "surrogatepass")
#     return None if body is None else str(body)
#
#
# def _pretty(text: Any) -> str:
#     """JSON bodies indented for the trace log; anything else as it is."""
#     try:
#         return json.dumps(json.loads(text), sort_keys=True, indent=2, separators=(",", ": "))
#     except (TypeError, ValueError):
#         return str(text)
#
#
# unasync: end
# unasync: async-only (the asyncio connection extends the sync one)
from ..connection.base import Connection

__all__ = ["AsyncConnection"]
# unasync: end


class AsyncConnection(Connection):
    """The 7.x connection API over one node of the shared transport (urllib3 unless a
    subclass says otherwise; aiohttp for the asyncio one, whose methods are coroutines)."""

    # unasync: async-only
    node_class: ClassVar[str] = "aiohttp"

    # unasync: end
    # Marks the classes whose perform_request is ours: a subclass overriding it is called for
    # every request of a client built with connection_class= it (_connection_node.py).
    _BUILTIN_IO: ClassVar[bool] = True
    # Marks the classes not tied to one HTTP library (a subclass sends however it likes).
    _ANY_LIBRARY: ClassVar[bool] = True

    async def perform_request(  # type: ignore[override]
        self,
        method: str,
        url: str,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        timeout: float | None = None,
        ignore: Any = (),
        headers: Mapping[str, str] | None = None,
    ) -> tuple[int, dict[str, str], Any]:
        """Sends one request to this node; raises the 7.x error for an error status not ignored.

        Logged as 7.x logged it: a line per request on the ``elasticsearch`` logger, bodies at
        DEBUG, and a curl command on ``elasticsearch.trace``.
        """
        target, body, request_headers = self._prepare(url, params, body, headers)
        node: Any = self._get_node()
        full_url = self.host + self.url_prefix + target
        started = time.monotonic()
        try:
            meta, raw = await node.perform_request(
                method,
                target,
                body=body,
                headers=request_headers,
                request_timeout=elastic_transport.client_utils.DEFAULT if timeout is None else timeout,
            )
        except elastic_transport.TransportError as e:
            error = from_transport_error(e)
            self.log_request_fail(method, full_url, target, body, time.monotonic() - started, exception=error)
            raise error from e
        duration = time.monotonic() - started
        ok = 200 <= meta.status < 300 or meta.status in ((ignore,) if isinstance(ignore, int) else ignore)
        text = decode_error_body(raw)
        if ok:
            self.log_request_success(method, full_url, target, body, meta.status, text, duration)
        else:
            self.log_request_fail(method, full_url, target, body, duration, meta.status, text)
        return self._finish(meta, raw, ignore)

    def _respond(
        self,
        method: str,
        full_url: str,
        path: str,
        body: Any,
        status: int,
        headers: dict[str, str],
        raw: bytes,
        duration: float,
        ignore: Any,
    ) -> tuple[int, dict[str, str], Any]:
        """An answer the HTTP library got: the server's warnings issued, the request logged,
        the 7.x error raised for an error status not ignored; else ``(status, headers, data)``."""
        emit_server_warnings(headers)
        text = decode_error_body(raw)
        if not 200 <= status < 300 and status not in ((ignore,) if isinstance(ignore, int) else ignore):
            self.log_request_fail(method, full_url, path, body, duration, status, text)
            raise http_error(status, text)
        self.log_request_success(method, full_url, path, body, status, text, duration)
        return status, headers, decode_body(raw, headers.get("content-type"))

    def _failure(
        self, method: str, full_url: str, path: str, body: Any, duration: float, error: Exception, kind: str
    ) -> Exception:
        """The 7.x error for a request the HTTP library could not complete (``kind``: "tls",
        "timeout" or "connection"), logged."""
        failure = connection_failure(error, kind)
        self.log_request_fail(method, full_url, path, body, duration, exception=failure)
        return failure

    # unasync: sync-only (the logging methods, whose logger and tracer are this module's)
    # def log_request_success(
    #     self, method: str, full_url: str, path: str, body: Any, status_code: int, response: Any, duration: float
    # ) -> None:
    #     """Logs a request that got an answer: the URL, status and time at INFO, bodies at DEBUG."""
    #     body_text = _text(body)
    #     logger.info("%s %s [status:%s request:%.3fs]", method, full_url, status_code, duration)
    #     logger.debug("> %s", body_text)
    #     logger.debug("< %s", response)
    #     self._log_trace(method, path, body_text, status_code, response, duration)
    #
    # def log_request_fail(
    #     self,
    #     method: str,
    #     full_url: str,
    #     path: str,
    #     body: Any,
    #     duration: float,
    #     status_code: int | None = None,
    #     response: Any = None,
    #     exception: BaseException | None = None,
    # ) -> None:
    #     """Logs a failed request at WARNING (a HEAD answered 404 is no failure: not logged)."""
    #     if method == "HEAD" and status_code == 404:
    #         return
    #     logger.warning(
    #         "%s %s [status:%s request:%.3fs]",
    #         method,
    #         full_url,
    #         status_code or "N/A",
    #         duration,
    #         exc_info=exception is not None,
    #     )
    #     body_text = _text(body)
    #     logger.debug("> %s", body_text)
    #     self._log_trace(method, path, body_text, status_code, response, duration)
    #     if response is not None:
    #         logger.debug("< %s", response)
    #
    # def _log_trace(
    #     self, method: str, path: str, body: str | None, status_code: int | None, response: Any, duration: float
    # ) -> None:
    #     """The request as a curl command (against localhost:9200) and the answer, on the trace logger."""
    #     if not tracer.isEnabledFor(logging.INFO) or not tracer.handlers:
    #         return
    #     target = path.replace("?", "?pretty&", 1) if "?" in path else path + "?pretty"
    #     command = "curl %s-X%s 'http://localhost:9200%s'" % (
    #         "-H 'Content-Type: application/json' " if body else "",
    #         method,
    #         target,
    #     )
    #     if body:
    #         command += " -d '%s'" % _pretty(body).replace("'", "\\u0027")
    #     tracer.info(command)
    #     if tracer.isEnabledFor(logging.DEBUG):
    #         answer = _pretty(response).replace("'", "\\u0027") if response else ""
    #         tracer.debug("#[%s] (%.3fs)\n#%s", status_code, duration, answer.replace("\n", "\n#"))
    #
    # unasync: end
    async def close(self) -> None:  # type: ignore[override]
        node: Any = self._node
        self._node = None
        if node is not None:
            await node.close()
