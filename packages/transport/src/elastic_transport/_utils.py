"""Small private helpers that other libraries built on the official transport import."""

from __future__ import annotations

import ipaddress

__all__ = ["is_ipaddress"]


def is_ipaddress(hostname: str | bytes) -> bool:
    """Whether ``hostname`` is an IPv4 or IPv6 address (an IPv6 zone ID such as ``%25eth0``
    allowed), rather than a name to resolve."""
    if isinstance(hostname, bytes):
        try:
            hostname = hostname.decode("ascii")
        except UnicodeDecodeError:
            return False
    try:
        ipaddress.ip_address(hostname.strip("[]"))
    except ValueError:
        return False
    return True
