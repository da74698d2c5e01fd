"""Warnings that point at the user's code: server ``Warning`` headers and deprecations."""

from __future__ import annotations

import os
import re
import sys
import warnings
from collections.abc import Mapping
from pathlib import Path

import elastic_transport

from .exceptions import ElasticsearchWarning

_PACKAGE_DIR = str(Path(__file__).parent) + os.sep
_TRANSPORT_DIR = str(Path(elastic_transport.__file__ or "").parent) + os.sep
# One warning value: code, agent, then the quoted text (quotes inside escaped), e.g.
# 299 Elasticsearch-7.17.0-abc "[types removal] ..."
_WARNING_RE = re.compile(r'\d{3} \S+ "((?:[^"\\]|\\.)*)"')


def warn_stacklevel() -> int:
    """The ``stacklevel`` for the caller's ``warnings.warn`` that names the first frame outside
    this package and the shared transport (the user's line, also through ``await`` chains)."""
    frame = sys._getframe(1)
    level = 1
    while frame is not None:
        filename = frame.f_code.co_filename
        if not (filename.startswith(_PACKAGE_DIR) or filename.startswith(_TRANSPORT_DIR)):
            return level
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level


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
