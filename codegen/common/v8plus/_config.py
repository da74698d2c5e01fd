"""Turning constructor arguments (hosts, cloud_id, TLS, auth, ...) into transport configuration."""

from __future__ import annotations

import dataclasses
import sys
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from elastic_transport import HttpHeaders, NodeConfig, Serializer, SniffingError
from elastic_transport._node import MissingLibraryError
from elastic_transport.client_utils import (
    DEFAULT,
    _auth_header,
    client_meta_version,
    create_user_agent,
    parse_cloud_id,
    url_to_node_config,
)
from elastic_transport.sniff import parse_publish_address

from . import _profile
from ._dispatch import negotiation_requested
from .serializer import DEFAULT_SERIALIZERS

USER_AGENT = create_user_agent(_profile.USER_AGENT_NAME, _profile.CLIENT_VERSION)

# Constructor arguments that become NodeConfig fields, applied to every host.
NODE_OPTIONS = (
    "connections_per_node",
    "http_compress",
    "verify_certs",
    "ca_certs",
    "client_cert",
    "client_key",
    "ssl_assert_hostname",
    "ssl_assert_fingerprint",
    "ssl_version",
    "ssl_context",
    "ssl_show_warn",
    "request_timeout",
    "proxy",  # beyond the official clients, as NodeConfig.proxy and proxy_headers are
    "proxy_headers",
)


def host_to_node_config(host: str | Mapping[str, Any] | NodeConfig) -> NodeConfig:
    """One entry of ``hosts``: a URL, a dict (host, port, scheme, path_prefix/url_prefix) or a NodeConfig."""
    if isinstance(host, NodeConfig):
        return host
    if isinstance(host, str):
        return url_to_node_config(host)
    if isinstance(host, Mapping):
        options = dict(host)
        if "url_prefix" in options:
            options["path_prefix"] = options.pop("url_prefix")
        if "use_ssl" in options:
            options["scheme"] = "https" if options.pop("use_ssl") else "http"
        unknown = set(options) - {f for f in NodeConfig.__dataclass_fields__ if not f.startswith("_")}
        if unknown:
            raise ValueError(f"Unknown key(s) {sorted(unknown)} in host mapping {host!r}")
        if "host" not in options:
            raise ValueError(f"Host mapping {host!r} has no 'host' key")
        options.setdefault("scheme", "http")
        options.setdefault("port", 9200)
        return NodeConfig(**options)
    raise TypeError(f"Each host must be a URL string, a mapping or a NodeConfig, not {type(host).__name__}")


def hosts_to_node_configs(hosts: Any) -> list[NodeConfig]:
    if isinstance(hosts, (str, Mapping, NodeConfig)):
        hosts = [hosts]
    if not isinstance(hosts, Sequence):
        raise TypeError(f"'hosts' must be a URL, a mapping, a NodeConfig or a list of them, not {hosts!r}")
    return [host_to_node_config(h) for h in hosts]


def cloud_id_to_node_config(cloud_id: str) -> NodeConfig:
    cloud = parse_cloud_id(cloud_id)
    if cloud.es_address is None:
        raise ValueError("Cloud ID has no Elasticsearch address")
    host, port = cloud.es_address
    return NodeConfig(scheme="https", host=host, port=port, http_compress=True)


def is_requests_auth(value: Any) -> bool:
    """Whether ``value`` is a ``requests.auth.AuthBase`` (only if requests is loaded at all)."""
    requests_auth = sys.modules.get("requests.auth")
    return requests_auth is not None and isinstance(value, requests_auth.AuthBase)


def _is_requests_node_class(node_class: Any) -> bool:
    """``"requests"``, RequestsHttpNode or a subclass of it (by name: requests may be missing)."""
    if node_class == "requests":
        return True
    return isinstance(node_class, type) and any(c.__name__ == "RequestsHttpNode" for c in node_class.__mro__)


def client_node_configs(
    hosts: Any, cloud_id: str | None, node_options: Mapping[str, Any]
) -> list[NodeConfig]:
    """NodeConfigs for the client: hosts or cloud_id, with the node-level options applied."""
    if hosts is None and cloud_id is None:
        raise ValueError("Either 'hosts' or 'cloud_id' must be specified")
    if hosts is not None and cloud_id is not None:
        raise ValueError("The 'cloud_id' and 'hosts' parameters are mutually exclusive")
    configs = [cloud_id_to_node_config(cloud_id)] if cloud_id is not None else hosts_to_node_configs(hosts)
    options = {k: v for k, v in node_options.items() if v is not DEFAULT}
    result = []
    for config in configs:
        headers = HttpHeaders(config.headers)
        headers.setdefault("user-agent", USER_AGENT)
        result.append(config.replace(headers=headers, **options))
    return result


def _auth_value(scheme: str, credentials: str | bytes | tuple[str, str] | Sequence[str]) -> str:
    if isinstance(credentials, bytes):  # an encoded key as bytes, as the official clients take it
        credentials = credentials.decode("ascii")
    if isinstance(credentials, str):
        return f"{scheme} {credentials}"
    if isinstance(credentials, (tuple, list)) and len(credentials) == 2:
        return _auth_header(scheme, credentials)
    raise ValueError(f"Credentials for {scheme} auth must be a string or a (id, secret) pair")


def auth_headers(
    api_key: Any = None,
    basic_auth: Any = None,
    bearer_auth: Any = None,
) -> dict[str, str]:
    """The Authorization header for at most one of api_key, basic_auth and bearer_auth."""
    given = [v for v in (api_key, basic_auth, bearer_auth) if v is not None and v is not DEFAULT]
    if len(given) > 1:
        raise ValueError("Can only set one of 'api_key', 'basic_auth', and 'bearer_auth'")
    if api_key is not None and api_key is not DEFAULT:
        return {"authorization": _auth_value("ApiKey", api_key)}
    if basic_auth is not None and basic_auth is not DEFAULT:
        if isinstance(basic_auth, str) and ":" in basic_auth:
            basic_auth = tuple(basic_auth.split(":", 1))
        return {"authorization": _auth_value("Basic", basic_auth)}
    if bearer_auth is not None and bearer_auth is not DEFAULT:
        if not isinstance(bearer_auth, str):
            raise ValueError("'bearer_auth' must be a string")
        return {"authorization": f"Bearer {bearer_auth}"}
    return {}


def warn_deprecated_argument(old: str, new: str, *, renamed: bool = True) -> None:
    """The official wording: a renamed argument is "deprecated in favor of 'new'"; one with
    other arguments to use instead (http_auth) says "Use <new> instead"."""
    message = (
        f"The '{old}' parameter is deprecated in favor of '{new}'"
        if renamed
        else f"The '{old}' parameter is deprecated. Use {new} instead"
    )
    warnings.warn(
        message,
        category=DeprecationWarning,
        stacklevel=4,
    )


# The HTTP libraries this package's own extras install (pyproject.toml): library -> extra.
_CLIENT_EXTRAS = {"aiohttp": "async", "requests": "requests"}
# 8.x spellings of renamed constructor arguments: old -> new (9.x has only the new ones).
_RENAMED = (
    ("timeout", "request_timeout"),
    ("randomize_hosts", "randomize_nodes_in_pool"),
    ("sniffer_timeout", "min_delay_between_sniffing"),
    ("sniff_on_connection_fail", "sniff_on_node_failure"),
    ("maxsize", "connections_per_node"),
)
_TRANSPORT_OPTIONS = (
    "node_class",
    "node_pool_class",
    "node_selector_class",
    "dead_node_backoff_factor",
    "max_dead_node_backoff",
    "max_retries",
    "retry_on_timeout",
    "retry_backoff_base",
    "retry_backoff_cap",
    "request_deadline",
    "sniff_on_start",
    "sniff_before_requests",
    "sniff_on_node_failure",
    "sniff_timeout",
    "min_delay_between_sniffing",
    "meta_header",
    "randomize_nodes_in_pool",
)


@dataclasses.dataclass
class ClientSetup:
    """What a client constructor produces besides the transport."""

    headers: HttpHeaders
    serverless: bool
    # The constructor's per-request transport options (request_timeout, max_retries, ...):
    # sent with every request as well as given to the transport, as the official client
    # does, so a custom transport_class that reads them per request sees them.
    call_options: dict[str, Any] = dataclasses.field(default_factory=dict)
    # ELASTIC_CLIENT_APIVERSIONING=negotiate (never for serverless, which has no compatibility
    # mimetypes): the compatibility version follows the server's major.
    negotiate: bool = False


def setup_client(
    given: dict[str, Any],
    make_sniff_callback: Callable[[Callable[..., Any] | None, bool], Callable[..., Any]],
) -> tuple[Any, ClientSetup]:
    """Validates the constructor arguments and builds the transport (unless one was given).

    Shared by the sync and async clients, which differ in the transport class and in the
    sniff callback they pass in. ``given`` holds the arguments of this major's constructor:
    one it lacks counts as not given.
    """
    for name in ("server_mode", *(old for old, _ in _RENAMED)):
        given.setdefault(name, DEFAULT)
    given.setdefault("host_info_callback", None)
    for old, new in _RENAMED:
        if given[old] is not DEFAULT:
            if given[new] is not DEFAULT:
                raise ValueError(f"Can't specify both '{old}' and '{new}', instead only specify '{new}'")
            warn_deprecated_argument(old, new)
            given[new] = given[old]
    if given["min_delay_between_sniffing"] is not DEFAULT:
        given["sniff_before_requests"] = True  # a delay between sniffs means sniffing (official)
    node_callback = given["sniffed_node_callback"]
    if given["host_info_callback"] is not None:
        if node_callback is not None:
            raise ValueError(
                "Can't specify both 'host_info_callback' and 'sniffed_node_callback', "
                "instead only specify 'sniffed_node_callback'"
            )
        warn_deprecated_argument("host_info_callback", "sniffed_node_callback")
        node_callback = _host_info_adapter(given["host_info_callback"])
    basic_auth = given["basic_auth"]
    if given["http_auth"] is not DEFAULT and given["http_auth"] is not None:
        if basic_auth is not None or given["bearer_auth"] is not None:
            raise ValueError(
                "Can't specify both 'http_auth' and 'basic_auth', instead only specify 'basic_auth'"
            )
        basic_auth = given["http_auth"]
        if not is_requests_auth(basic_auth):  # the one use of http_auth that is not deprecated
            warn_deprecated_argument("http_auth", "'basic_auth' or 'bearer_auth' parameters", renamed=False)
    # A requests auth object (AWS request signing, Kerberos...) signs each request on the
    # requests node instead of becoming an Authorization header.
    requests_auth = None
    if is_requests_auth(basic_auth):
        if not _is_requests_node_class(given["node_class"]):
            raise ValueError(
                "Using a custom 'requests.auth.AuthBase' class for 'http_auth' must be used with "
                "node_class='requests'"
            )
        requests_auth, basic_auth = basic_auth, None
    server_mode = "stack" if given["server_mode"] is DEFAULT else given["server_mode"]
    if server_mode not in ("stack", "serverless"):
        raise ValueError(f"'server_mode' must be 'stack' or 'serverless', not {server_mode!r}")
    serverless = server_mode == "serverless"
    negotiate = not serverless and negotiation_requested()
    sniffing = any(
        given[n] is True for n in ("sniff_on_start", "sniff_before_requests", "sniff_on_node_failure")
    )
    if serverless and sniffing:
        raise ValueError("Sniffing should not be enabled when 'server_mode' is 'serverless'")
    # On Elastic Cloud the sniffing timings count as sniffing too: the nodes are behind a proxy.
    sniff_timing = any(
        given[n] not in (DEFAULT, None) for n in ("min_delay_between_sniffing", "sniff_timeout")
    )
    if given["cloud_id"] is not None and (sniffing or sniff_timing):
        raise ValueError("Sniffing should not be enabled when connecting to Elastic Cloud")
    if given["meta_header"] is not DEFAULT and not isinstance(given["meta_header"], bool):
        raise TypeError("'meta_header' must be of type bool")
    if given["serializer"] is not None and given["serializers"] is not DEFAULT:
        raise ValueError(
            "Can't specify both 'serializer' and 'serializers' parameters together. "
            "Instead only specify one of the other."
        )

    transport = given["_transport"]
    if transport is None:
        node_configs = client_node_configs(
            given["hosts"], given["cloud_id"], {n: given[n] for n in NODE_OPTIONS}
        )
        if requests_auth is not None:
            node_configs = [
                c.replace(_extras={**c._extras, "requests.session.auth": requests_auth}) for c in node_configs
            ]
        serializers: dict[str, Serializer] = dict(DEFAULT_SERIALIZERS)
        if given["serializers"] is not DEFAULT:
            chosen = dict(given["serializers"])
            # A serializer for JSON or NDJSON serves its compatibility mimetype too, unless
            # that one is given as well.
            for subtype in ("json", "x-ndjson"):
                compat = f"application/vnd.elasticsearch+{subtype}"
                if f"application/{subtype}" in chosen and compat not in chosen:
                    chosen[compat] = chosen[f"application/{subtype}"]
            serializers.update(chosen)
        default_mimetype = given["default_mimetype"]
        if given["serializer"] is not None:
            serializers[default_mimetype] = given["serializer"]
            serializers["application/vnd.elasticsearch+json"] = given["serializer"]
        options = {k: given[k] for k in _TRANSPORT_OPTIONS if given[k] is not DEFAULT}
        if options.get("min_delay_between_sniffing", 0) is None:
            del options["min_delay_between_sniffing"]
        retry_on_status = given["retry_on_status"]
        if retry_on_status is not DEFAULT:
            options["retry_on_status"] = (
                (retry_on_status,) if isinstance(retry_on_status, int) else retry_on_status
            )
        if sniffing:
            options["sniff_callback"] = make_sniff_callback(node_callback, negotiate)
        try:
            transport = given["transport_class"](
                node_configs,
                client_meta_service=(
                    _profile.CLIENT_META_SERVICE,
                    client_meta_version(_profile.CLIENT_VERSION),
                ),
                serializers=serializers,
                default_mimetype=default_mimetype,
                **options,
            )
        except MissingLibraryError as e:
            extra = _CLIENT_EXTRAS.get(e.library)
            if extra is None:
                raise
            raise MissingLibraryError(
                f"You must have {e.library!r} installed to use {e.class_name}: "
                f"pip install {_profile.DIST}[{extra}]",
                e.library,
                e.class_name,
            ) from None
    headers = HttpHeaders()
    if given["headers"] is not DEFAULT and given["headers"] is not None:
        headers.update(given["headers"])
    headers.update(auth_headers(given["api_key"], basic_auth, given["bearer_auth"]))
    if given["opaque_id"] is not None:
        headers["x-opaque-id"] = given["opaque_id"]
    call_options = {
        name: given[name]
        for name in (*TRANSPORT_CALL_OPTIONS, *TRANSPORT_CALL_OPTIONS_WHEN_SET)
        if name not in ("client_meta", "request_deadline") and given.get(name, DEFAULT) is not DEFAULT
    }
    retry_on_status = call_options.get("retry_on_status", DEFAULT)
    if isinstance(retry_on_status, int):
        call_options["retry_on_status"] = (retry_on_status,)
    return transport, ClientSetup(
        headers=headers, serverless=serverless, call_options=call_options, negotiate=negotiate
    )


SNIFF_TARGET = "/_nodes/_all/http"


def skip_dedicated_masters(node_info: dict[str, Any], node_config: NodeConfig) -> NodeConfig | None:
    """The sniffed-node callback when none is given: dedicated master nodes get no requests."""
    return None if node_info.get("roles") == ["master"] else node_config


def sniffed_node_configs(
    answer: Any,
    template: NodeConfig,
    node_callback: Callable[[dict[str, Any], NodeConfig], NodeConfig | None],
) -> list[NodeConfig]:
    """The nodes a ``GET /_nodes/_all/http`` answer lists: ``template`` (the node that
    answered, so TLS and other settings carry over) at each node's HTTP publish address,
    kept or adjusted by ``node_callback``. Nodes without an HTTP address are skipped."""
    nodes = answer.get("nodes") if isinstance(answer, Mapping) else None
    configs: list[NodeConfig] = []
    for info in nodes.values() if isinstance(nodes, Mapping) else ():
        address = (info.get("http") or {}).get("publish_address")
        if not isinstance(address, str) or ":" not in address:
            continue
        try:
            host, port = parse_publish_address(address)
        except SniffingError:
            continue
        config = node_callback(info, template.replace(host=host, port=port))
        if config is not None:
            configs.append(config)
    return configs


def _host_info_adapter(
    host_info_callback: Callable[..., Any],
) -> Callable[[dict[str, Any], NodeConfig], NodeConfig | None]:
    """Runs an 8.x ``host_info_callback(node_info, host_dict)`` as a sniffed-node callback."""

    def callback(node_info: dict[str, Any], node_config: NodeConfig) -> NodeConfig | None:
        host = host_info_callback(
            node_info, {"host": node_info.get("host", node_config.host), "port": node_config.port}
        )
        if host is None:
            return None
        return node_config.replace(
            host=host.get("host", node_config.host), port=int(host.get("port", node_config.port))
        )

    return callback


# ``options()`` arguments the transport takes as its keyword arguments.
_RETRY_BACKOFF = ("retry_backoff_base", "retry_backoff_cap")
TRANSPORT_CALL_OPTIONS = (
    "request_timeout",
    "max_retries",
    "retry_on_status",
    "retry_on_timeout",
    *(_RETRY_BACKOFF if _profile.RETRY_BACKOFF_ALWAYS_SENT else ()),
    "client_meta",
)
# ``options()`` arguments passed on only once set: a custom ``transport_class`` written for
# the official transport need not take them (the 8.x client sends the backoff ones only once set).
TRANSPORT_CALL_OPTIONS_WHEN_SET = (
    "request_deadline",
    *(() if _profile.RETRY_BACKOFF_ALWAYS_SENT else _RETRY_BACKOFF),
)


@dataclasses.dataclass(frozen=True)
class CallOptions:
    """The per-call options a client (copy) sends every request with: one value, replaced by
    ``options()``, never changed in place.

    ``transport`` holds the transport's keyword arguments (``request_timeout``,
    ``max_retries``, ...; ``DEFAULT`` leaves the transport's own setting), ready to pass on;
    ``ignore_status`` is the client's own.
    """

    # A plain dict (never changed once built): ``**`` spreads a dict fastest.
    transport: dict[str, Any] = dataclasses.field(
        default_factory=lambda: dict.fromkeys(TRANSPORT_CALL_OPTIONS, DEFAULT)
    )
    ignore_status: Any = DEFAULT

    def replace(self, **changes: Any) -> CallOptions:
        """A copy with ``changes`` (``ignore_status`` or transport options) applied."""
        ignore_status = changes.pop("ignore_status", self.ignore_status)
        transport = {**self.transport, **changes} if changes else self.transport
        return CallOptions(transport=transport, ignore_status=ignore_status)


def apply_options(client: Any, options: dict[str, Any]) -> None:
    """Sets ``options()`` arguments on a client copy (its headers were copied already)."""
    headers = options["headers"]
    if headers is not DEFAULT:
        if not isinstance(headers, Mapping):
            raise ValueError("'headers' must be a mapping")
        client._headers.update(headers)
    auth = [None if options[k] is DEFAULT else options[k] for k in ("api_key", "basic_auth", "bearer_auth")]
    if any(a is not None for a in auth):
        if headers is not DEFAULT and any(name.lower() == "authorization" for name in headers):
            raise ValueError("Can't set 'Authorization' HTTP header with other authentication options")
        client._headers.pop("authorization", None)
        client._headers.update(auth_headers(*auth))
    if options["opaque_id"] is not DEFAULT:
        client._headers["x-opaque-id"] = options["opaque_id"]
    for name in ("ignore_status", "retry_on_status"):
        value = options[name]
        if value is not DEFAULT:
            options[name] = (value,) if isinstance(value, int) else tuple(value)
    max_retries = options["max_retries"]
    if max_retries is not DEFAULT and (not isinstance(max_retries, int) or isinstance(max_retries, bool)):
        raise TypeError("'max_retries' must be of type 'int'")
    changes = {
        name: options[name]
        for name in ("ignore_status", *TRANSPORT_CALL_OPTIONS, *TRANSPORT_CALL_OPTIONS_WHEN_SET)
        if options.get(name, DEFAULT) is not DEFAULT
    }
    if changes:
        client._call_options = client._call_options.replace(**changes)
