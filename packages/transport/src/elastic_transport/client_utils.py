"""Helpers that API clients built on the transport use: defaults, URLs, cloud IDs, headers."""

from __future__ import annotations

import base64
import binascii
import enum
import re
import sys
from collections.abc import Sequence
from typing import NamedTuple, TypeVar

from ._models import NodeConfig
from ._version import __version__

__all__ = [
    "CloudId",
    "DEFAULT",
    "DefaultType",
    "basic_auth_to_header",
    "client_meta_version",
    "create_user_agent",
    "parse_cloud_id",
    "percent_encode",
    "resolve_default",
    "to_bytes",
    "to_str",
    "url_to_node_config",
]

T = TypeVar("T")


class DefaultType(enum.Enum):
    """Sentinel type: "the caller gave nothing", as opposed to an explicit ``None``."""

    value = 0

    def __repr__(self) -> str:
        return "<DEFAULT>"

    def __str__(self) -> str:
        return "<DEFAULT>"


DEFAULT = DefaultType.value


def resolve_default(value: T | DefaultType, default: T) -> T:
    """``default`` when ``value`` is DEFAULT, else ``value``."""
    return default if value is DEFAULT else value  # type: ignore[return-value]


class CloudId(NamedTuple):
    cluster_name: str
    es_address: tuple[str, int] | None
    kibana_address: tuple[str, int] | None


_BAD_CLOUD_ID = "Cloud ID is not properly formatted"


def parse_cloud_id(cloud_id: str) -> CloudId:
    """Decodes an Elastic Cloud ID (``name:base64(host[:port]$es_uuid$kibana_uuid)``).

    A missing UUID gives ``None`` for that address; anything that does not decode raises
    ``ValueError("Cloud ID is not properly formatted")``, as the official transport does.
    """
    if not isinstance(cloud_id, str) or ":" not in cloud_id:
        raise ValueError(_BAD_CLOUD_ID)
    cluster_name, _, encoded = cloud_id.partition(":")
    try:
        decoded = base64.b64decode(encoded.encode("ascii"), validate=False).decode("utf-8")
    except (binascii.Error, UnicodeError):
        raise ValueError(_BAD_CLOUD_ID) from None
    if not decoded:
        raise ValueError(_BAD_CLOUD_ID)
    host_port, _, uuids = decoded.partition("$")
    es_uuid, _, kibana_uuid = uuids.partition("$")
    host, _, port_text = host_port.partition(":")
    if not host:
        raise ValueError(_BAD_CLOUD_ID)
    try:
        port = int(port_text) if port_text else 443
    except ValueError:
        raise ValueError(_BAD_CLOUD_ID) from None
    es_address = (f"{es_uuid}.{host}", port) if es_uuid else None
    kibana_address = (f"{kibana_uuid}.{host}", port) if kibana_uuid else None
    return CloudId(cluster_name, es_address, kibana_address)


_DEFAULT_PORTS = {"http": 80, "https": 443}
_MISSING_URL_COMPONENT = (
    "URL must include a 'scheme', 'host', and 'port' component (ie 'https://localhost:9200')"
)


def url_to_node_config(url: str, use_default_ports_for_scheme: bool = False) -> NodeConfig:
    """Turns ``https://user:pass@host:9200/prefix`` into a NodeConfig.

    Credentials in the URL become a Basic Authorization header (never kept in the URL).
    An ``https`` URL without a port gets 443; an ``http`` one gets 80 only when
    ``use_default_ports_for_scheme`` is true.
    """
    if not isinstance(url, str) or "://" not in url:
        raise ValueError(_MISSING_URL_COMPONENT)
    try:
        import urllib.parse  # here: it costs a few ms, and only URLs need it

        parsed = urllib.parse.urlsplit(url)
        port = parsed.port
    except ValueError as e:
        # The parser's own message may quote part of a password (a bad "port"): not repeated.
        reason = "percent-encode '/', '?', '#' and '@' in the user name and password" if "@" in url else e
        raise ValueError(f"URL {_hide_password(url)!r} is not valid: {reason}") from None
    if "@" in parsed.path or "@" in parsed.query or "@" in parsed.fragment:
        # A '/', '?' or '#' in an unencoded password ends the host part early: the rest would
        # be taken for a port, path or fragment. Refused, without repeating the URL.
        raise ValueError(
            f"URL {_hide_password(url)!r} is not valid: percent-encode '/', '?', '#' and '@' "
            "in the user name and password"
        )
    scheme = parsed.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise ValueError(f"URL scheme {parsed.scheme!r} is not supported: use 'http' or 'https'")
    if port is None and (use_default_ports_for_scheme or scheme == "https"):
        port = _DEFAULT_PORTS[scheme]
    if not parsed.hostname or port is None:
        raise ValueError(_MISSING_URL_COMPONENT)
    headers = {}
    if parsed.username or parsed.password:
        headers["authorization"] = basic_auth_to_header(
            (urllib.parse.unquote(parsed.username or ""), urllib.parse.unquote(parsed.password or ""))
        )
    return NodeConfig(
        scheme=scheme,
        host=parsed.hostname,
        port=port,
        path_prefix=parsed.path,
        headers=headers,
    )


def _hide_password(url: str) -> str:
    """The URL with everything between ``//`` and its last ``@`` hidden (user info, which may
    hold an unencoded password)."""
    scheme, sep, rest = url.partition("//")
    if not sep or "@" not in rest:
        return url
    return f"{scheme}//<hidden>@{rest.rpartition('@')[2]}"


def basic_auth_to_header(basic_auth: tuple[str | bytes, str | bytes]) -> str:
    """``("user", "pass")`` -> ``"Basic dXNlcjpwYXNz"`` (str parts in UTF-8, bytes as they are)."""
    if (
        not isinstance(basic_auth, tuple)
        or len(basic_auth) != 2
        or not all(isinstance(x, (str, bytes)) for x in basic_auth)
    ):
        raise ValueError("'basic_auth' must be a 2-tuple of str/bytes (username, password)")
    username, password = (to_bytes(x) for x in basic_auth)
    return _auth_header("Basic", username + b":" + password)


def _encode_credentials(credentials: str | bytes | Sequence[str]) -> str:
    """Base64 of ``"id:secret"`` in UTF-8, the token of Basic and ApiKey headers; given as the
    ``(id, secret)`` parts or already joined. The one encoder of this repository's clients."""
    if isinstance(credentials, str):
        data = credentials.encode("utf-8")
    elif isinstance(credentials, bytes):
        data = credentials
    else:
        data = ":".join(credentials).encode("utf-8")
    return base64.b64encode(data).decode("ascii")


def _auth_header(scheme: str, credentials: str | bytes | Sequence[str]) -> str:
    """``Authorization`` value ``"<scheme> <token>"`` (``_encode_credentials``), e.g. ``Basic dXNlcjpwYXNz``."""
    return f"{scheme} {_encode_credentials(credentials)}"


def python_version() -> str:
    """``platform.python_version()`` ("3.11.7", "3.13.0rc1") without importing platform."""
    return sys.version.split()[0]


def create_user_agent(name: str, version: str) -> str:
    """The User-Agent string clients send, naming the client, Python and the transport."""
    return f"{name}/{version} (Python/{python_version()}; elastic-transport/{__version__})"


_RELEASE_NUMBERS = re.compile(r"\d+(?:\.\d+)*")
_POST_RELEASE = re.compile(r"^[.-]?(?:post|rev|r)\d*$", re.IGNORECASE)


def client_meta_version(version: str) -> str:
    """A version as X-Elastic-Client-Meta wants it: the release numbers as written, with ``p``
    for a pre-release (``8.0.0rc1`` -> ``8.0.0p``, ``3.9.pre1`` -> ``3.9p``); a post-release
    is its release (``3.7.4.post1`` -> ``3.7.4``)."""
    match = _RELEASE_NUMBERS.match(version)
    if match is None:
        raise ValueError(f"Version {version!r} does not start with a release number")
    rest = _POST_RELEASE.sub("", version[match.end() :])
    return match.group(0) + ("p" if rest else "")


def percent_encode(
    string: str | bytes,
    safe: str = "/",
    encoding: str | None = None,
    errors: str | None = None,
) -> str:
    """Percent-encodes like ``urllib.parse.quote``, encoding every non-ASCII byte."""
    import urllib.parse

    return urllib.parse.quote(string, safe, encoding=encoding, errors=errors)  # type: ignore[arg-type]


def to_str(value: str | bytes, encoding: str = "utf-8") -> str:
    return value.decode(encoding, "strict") if isinstance(value, bytes) else value


def to_bytes(value: str | bytes, encoding: str = "utf-8") -> bytes:
    return value.encode(encoding, "surrogatepass") if isinstance(value, str) else value
