"""Server ``Warning`` headers as ``ElasticsearchWarning``s pointing at the user's code."""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping

from ._stacklevel import warn_stacklevel
from .exceptions import ElasticsearchWarning

# One warning value: code, agent, then the quoted text (quotes inside escaped), e.g.
# 299 Elasticsearch-7.17.0-abc "[types removal] ..."
_WARNING_RE = re.compile(r'\d{3} \S+ "((?:[^"\\]|\\.)*)"')


def server_warnings(headers: Mapping[str, str]) -> list[str]:
    """The messages in a response's ``Warning`` header(s), in order, without duplicates."""
    value = headers.get("warning")
    if not value:
        return []
    messages = [m.replace('\\"', '"').replace("\\\\", "\\") for m in _WARNING_RE.findall(value)]
    if not messages:  # not in the standard format: show it as it came
        messages = [value]
    return list(dict.fromkeys(messages))


def emit_server_warnings(headers: Mapping[str, str]) -> None:
    """Issues an ``ElasticsearchWarning`` for each message the server sent."""
    messages = server_warnings(headers)
    if messages:
        level = warn_stacklevel()
        for message in messages:
            warnings.warn(message, category=ElasticsearchWarning, stacklevel=level)
