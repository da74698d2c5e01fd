"""Plain data the transport passes around: headers, node configuration, response metadata."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping, MutableMapping
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:  # annotations only: ssl loads with the first TLS node
    import ssl

# Headers whose values are credentials; they are masked in every repr and log line.
_AUTH_HEADERS = frozenset({"authorization", "proxy-authorization", "x-api-key"})
_FINGERPRINT_LENGTHS = (32, 40, 64)  # hex digits of MD5, SHA-1 and SHA-256
_HEX_DIGITS = "0123456789abcdef"


def hide_auth_value(value: str) -> str:
    """Keeps the scheme of an Authorization value ("Basic", "ApiKey") and hides the secret."""
    scheme, sep, _ = value.partition(" ")
    return f"{scheme} <hidden>" if sep else "<hidden>"


def hide_auth_in_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """A copy safe to log: credential headers masked."""
    return {k: hide_auth_value(v) if k.lower() in _AUTH_HEADERS else v for k, v in headers.items()}


def redact_url(url: str) -> str:
    """``url`` with anything that looks like credentials (``user:pass@``) masked.

    A password holding an unencoded ``/``, ``?`` or ``#`` makes a URL parse with the
    credentials in the host, port or path (``http://elastic:12/34@es:9200``): whatever
    comes between the scheme and the last ``@`` is dropped from what is shown.
    """
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    return f"{scheme}://<hidden>@{rest.rpartition('@')[2]}"


class HttpHeaders(MutableMapping[str, str]):
    """Case-insensitive HTTP headers that remember the spelling they were set with.

    A frozen instance (see ``freeze()``) rejects changes so it can be shared safely,
    as NodeConfig does.
    """

    __slots__ = ("_frozen", "_internal")

    def __init__(self, initial: Mapping[str, str] | None = None) -> None:
        self._internal: dict[str, tuple[str, str]] = {}
        self._frozen = False
        if initial:
            for key, value in initial.items():
                self._internal[key.lower()] = (key, value)

    @classmethod
    def _from_internal(cls, internal: dict[str, tuple[str, str]]) -> HttpHeaders:
        """Wraps an already lower-cased ``{lower: (spelling, value)}`` dict without copying."""
        headers = cls.__new__(cls)
        headers._internal = internal
        headers._frozen = False
        return headers

    def __setitem__(self, key: str, value: str) -> None:
        if self._frozen:
            raise ValueError("Can't modify headers that have been frozen")
        self._internal[key.lower()] = (key, value)

    def __getitem__(self, key: str) -> str:
        return self._internal[key.lower()][1]

    def __delitem__(self, key: str) -> None:
        if self._frozen:
            raise ValueError("Can't modify headers that have been frozen")
        del self._internal[key.lower()]

    def get(self, key: str, default: Any = None) -> Any:  # faster than the Mapping mixin
        entry = self._internal.get(key.lower())
        return default if entry is None else entry[1]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key.lower() in self._internal

    def __iter__(self) -> Iterator[str]:
        return (key for key, _ in self._internal.values())

    def __len__(self) -> int:
        return len(self._internal)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return {k.lower(): v for k, v in self.items()} == {str(k).lower(): v for k, v in other.items()}
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    def __hash__(self) -> int:
        if not self._frozen:
            raise TypeError("Only frozen HttpHeaders are hashable")
        return hash(frozenset((k, v) for k, (_, v) in self._internal.items()))

    def __repr__(self) -> str:
        return repr(self._dict_hide_auth())

    def __str__(self) -> str:
        return str(self._dict_hide_auth())

    def to_dict(self) -> dict[str, str]:
        """A plain dict with the original spellings, for handing to an HTTP library."""
        return dict(self._internal.values())

    def copy(self) -> HttpHeaders:
        """An unfrozen copy."""
        new = HttpHeaders()
        new._internal = self._internal.copy()
        return new

    def freeze(self) -> HttpHeaders:
        self._frozen = True
        return self

    @property
    def frozen(self) -> bool:
        return self._frozen

    def _dict_hide_auth(self) -> dict[str, str]:
        return hide_auth_in_headers(self.to_dict())


_ABSENT: Any = object()


class LowercaseHeaders(dict[str, str]):
    """Request headers whose names are lower-case already.

    The API client merges its headers into one of these once per request; the transport and
    the node then add theirs without lower-casing every name again. Any other mapping is
    normalized where it comes in.

    Lookups by any other spelling ("Content-Type") still find the lower-case entry, as with
    HttpHeaders: ``[]``, ``get``, ``in`` and ``==`` fall back to the lower-cased name only
    when the name as given is missing, so the lower-case fast path costs nothing extra.
    Writes are expected to use lower-case names.
    """

    __slots__ = ()

    def __missing__(self, key: str) -> str:
        if isinstance(key, str):
            lowered = key.lower()
            if lowered != key and dict.__contains__(self, lowered):
                return dict.__getitem__(self, lowered)
        raise KeyError(key)

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        value = dict.get(self, key, _ABSENT)
        if value is _ABSENT:
            return dict.get(self, key.lower(), default) if isinstance(key, str) else default
        return value

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self, key) or (isinstance(key, str) and dict.__contains__(self, key.lower()))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Mapping):
            return NotImplemented
        if dict.__eq__(self, other) is True:
            return True
        if len(other) != len(self):
            return False
        try:
            lowered = {k.lower(): v for k, v in other.items()}
        except AttributeError:  # a name that is not a string
            return False
        return dict.__eq__(self, lowered) is True

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = None  # type: ignore[assignment]  # mutable, as dict

    def copy(self) -> LowercaseHeaders:
        return LowercaseHeaders(self)


def lowercase_headers(headers: Mapping[str, str] | None) -> LowercaseHeaders:
    """A fresh LowercaseHeaders from any mapping (a copy when it already is one)."""
    if not headers:
        return LowercaseHeaders()
    if type(headers) is LowercaseHeaders:
        return LowercaseHeaders(headers)
    return LowercaseHeaders({k.lower(): v for k, v in headers.items()})


def _frozen_headers(value: Mapping[str, str] | None) -> HttpHeaders:
    headers = value.copy() if isinstance(value, HttpHeaders) else HttpHeaders(value)
    return headers.freeze()


@dataclasses.dataclass(frozen=True, repr=True, eq=False)
class NodeConfig:
    """Where a node is and how to talk to it. Immutable; derive variants with ``replace()``."""

    scheme: str
    host: str
    port: int
    path_prefix: str = ""
    headers: HttpHeaders | Mapping[str, str] = dataclasses.field(default_factory=HttpHeaders, hash=False)
    connections_per_node: int = 10
    request_timeout: float | None = 10.0
    http_compress: bool | None = False
    verify_certs: bool | None = True
    ca_certs: str | None = None
    client_cert: str | None = None
    client_key: str | None = None
    ssl_assert_hostname: str | None = None
    ssl_assert_fingerprint: str | None = None
    ssl_version: int | ssl.TLSVersion | None = None
    ssl_context: ssl.SSLContext | None = dataclasses.field(default=None, hash=False)
    ssl_show_warn: bool = True
    _extras: dict[str, Any] = dataclasses.field(default_factory=dict, hash=False)
    # Beyond the official NodeConfig: an HTTP forward proxy, "http://[user:password@]host[:port]",
    # and extra headers for the proxy only (a frozen HttpHeaders once built). Both are
    # InitVars, then kept on the instance under the same names: dataclasses.fields() and
    # asdict() stay exactly the official ones, while dataclasses.replace() carries them over
    # (it reads an InitVar that has a default from the instance) and __repr__ (wrapped below
    # the class) shows them.
    if TYPE_CHECKING:  # what type checkers see: two attributes, taken by __init__
        proxy: str | None = None
        proxy_headers: HttpHeaders | Mapping[str, str] | None = None
    else:
        proxy: dataclasses.InitVar[str | None] = None
        proxy_headers: dataclasses.InitVar[HttpHeaders | Mapping[str, str] | None] = None

    def __post_init__(  # type: ignore[override]  # type checkers see no InitVars (above)
        self, proxy: str | None, proxy_headers: HttpHeaders | Mapping[str, str] | None
    ) -> None:
        if not isinstance(self.scheme, str) or self.scheme.lower() not in ("http", "https"):
            raise ValueError(f"Unknown scheme {self.scheme!r}: must be 'http' or 'https'")
        if not isinstance(self.host, str) or not self.host or any(c in self.host for c in "/ @?#"):
            raise ValueError(f"Invalid host {self.host!r}: must be a hostname or an IP address")
        if isinstance(self.port, bool) or not isinstance(self.port, int) or not 0 <= self.port < 65536:
            raise ValueError(f"Invalid port {self.port!r}: must be an integer from 0 to 65535")
        if self.connections_per_node < 1:
            raise ValueError("'connections_per_node' must be at least 1")
        set_ = object.__setattr__
        set_(self, "scheme", self.scheme.lower())
        set_(self, "host", self.host.strip("[]"))
        prefix = self.path_prefix.strip("/")
        set_(self, "path_prefix", f"/{prefix}" if prefix else "")
        set_(self, "headers", _frozen_headers(self.headers))
        self._check_tls()
        if proxy is not None:  # a config without a proxy keeps the class attributes (None)
            _check_proxy_url(proxy)
            set_(self, "proxy", proxy)
        if proxy_headers is not None:
            if proxy is None:
                raise ValueError("'proxy_headers' was given without 'proxy'")
            set_(self, "proxy_headers", _frozen_headers(proxy_headers))
        if self.ssl_assert_fingerprint is not None:
            set_(self, "ssl_assert_fingerprint", _normalize_fingerprint(self.ssl_assert_fingerprint))

    def _check_tls(self) -> None:
        tls_options = {
            "ca_certs": self.ca_certs,
            "client_cert": self.client_cert,
            "client_key": self.client_key,
            "ssl_assert_hostname": self.ssl_assert_hostname,
            "ssl_assert_fingerprint": self.ssl_assert_fingerprint,
            "ssl_version": self.ssl_version,
            "ssl_context": self.ssl_context,
        }
        given = [name for name, value in tls_options.items() if value is not None]
        if self.scheme == "http" and given:
            raise ValueError(
                f"TLS options require scheme to be 'https' (got {', '.join(given)} for an 'http' node)"
            )
        if self.ssl_context is not None:
            clash = [n for n in ("ca_certs", "client_cert", "client_key", "ssl_version") if n in given]
            if clash:
                raise ValueError(
                    f"'ssl_context' can't be combined with {', '.join(clash)}: "
                    f"configure the SSLContext itself instead"
                )
        if self.client_key is not None and self.client_cert is None:
            raise ValueError("'client_key' was given without 'client_cert'")

    # A node is where it is: configs with the same scheme, host, port and path prefix are the
    # same node (the pool's key; duplicates are refused) whatever their other options, as in
    # the official package.
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, NodeConfig):
            return NotImplemented
        return (
            self.scheme == other.scheme
            and self.host == other.host
            and self.port == other.port
            and self.path_prefix == other.path_prefix
        )

    def __hash__(self) -> int:
        return hash((self.scheme, self.host, self.port, self.path_prefix))

    def replace(self, **kwargs: Any) -> NodeConfig:
        """A copy with the given fields changed (validated again)."""
        if not kwargs:
            return self
        return dataclasses.replace(self, **kwargs)

    @property
    def url(self) -> str:
        """The node's base URL, IPv6 hosts in brackets."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}{self.path_prefix}"


_fields_repr = NodeConfig.__repr__


def _node_config_repr(self: NodeConfig) -> str:
    """The dataclass repr, then the proxy settings when there are some, credentials hidden
    (the frozen proxy_headers' repr hides credential headers already)."""
    text = _fields_repr(self)
    if self.proxy is None:
        return text
    return f"{text[:-1]}, proxy={redact_url(self.proxy)!r}, proxy_headers={self.proxy_headers!r})"


NodeConfig.__repr__ = _node_config_repr  # type: ignore[method-assign,assignment]


def _check_proxy_url(value: object) -> None:
    """Raises ValueError unless ``value`` is ``http://[user[:password]@]host[:port][/]``.

    Messages show the URL with any credentials hidden.
    """
    from urllib.parse import urlsplit

    if not isinstance(value, str):
        raise ValueError(
            f"Invalid 'proxy' {type(value).__name__}: must be a URL string like 'http://host:3128'"
        )
    shown = redact_url(value)
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        raise ValueError(f"Invalid 'proxy' URL {shown!r}: it could not be parsed") from None
    scheme = parts.scheme.lower()
    if scheme == "https":
        raise ValueError(
            f"Invalid 'proxy' URL {shown!r}: only 'http://' proxies are supported; requests to an "
            f"'https' node still go end-to-end encrypted through the proxy's CONNECT tunnel"
        )
    if scheme != "http":
        raise ValueError(
            f"Invalid 'proxy' URL {shown!r}: the scheme must be 'http' (e.g. 'http://host:3128')"
        )
    if not parts.hostname:
        raise ValueError(f"Invalid 'proxy' URL {shown!r}: no host")
    if port == 0:
        raise ValueError(f"Invalid 'proxy' URL {shown!r}: port 0")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError(f"Invalid 'proxy' URL {shown!r}: a proxy URL has no path, query or fragment")


def _normalize_fingerprint(value: str) -> str:
    normalized = value.replace(":", "").strip().lower()
    if len(normalized) not in _FINGERPRINT_LENGTHS or normalized.strip(_HEX_DIGITS):
        raise ValueError(
            f"Invalid 'ssl_assert_fingerprint' {value!r}: expected a hex digest of the "
            f"certificate (SHA-256: 64 hex characters, colons allowed)"
        )
    return normalized


@dataclasses.dataclass(slots=True)  # not frozen: built on every response, and frozen init is slow
class ApiResponseMeta:
    """What the server said besides the body: status, headers, timing and which node."""

    status: int
    http_version: str
    headers: HttpHeaders
    duration: float
    node: NodeConfig

    @property
    def mimetype(self) -> str | None:
        """The Content-Type without parameters, e.g. ``application/json``."""
        content_type = self.headers.get("content-type")
        if content_type is None:
            return None
        return content_type.partition(";")[0].strip().lower() or None


@dataclasses.dataclass(frozen=True)
class SniffOptions:
    """Passed to a sniff callback: is this the initial sniff, and how long it may take."""

    is_initial_sniff: bool
    sniff_timeout: float | None


class NodeApiResponse(NamedTuple):
    """What a node returns: metadata and the raw, decompressed body bytes."""

    meta: ApiResponseMeta
    body: bytes


class TransportApiResponse(NamedTuple):
    """What ``Transport.perform_request`` returns: metadata and the deserialized body."""

    meta: ApiResponseMeta
    body: Any
