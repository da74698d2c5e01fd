"""REST API compatibility: what the server answers to the media types each client sends.

8.x and 9.x clients always send ``application/vnd.elasticsearch+json; compatible-with=<major>``
and the server answers in kind. The 7.x client sends ``compatible-with=7`` only with
ELASTIC_CLIENT_APIVERSIONING=true (see test_include_type_name_7x for the proof on 8.x).
"""

from __future__ import annotations

import os
from typing import Any

import pytest


@pytest.mark.majors(8, 9)
async def test_response_media_type(es: Any, api: Any, es_cluster: Any) -> None:
    """In kind: with ELASTIC_CLIENT_APIVERSIONING=negotiate an older server's major is sent."""
    response = await es.cluster.health()
    content_type = response.meta.headers["content-type"].replace(" ", "")
    negotiate = os.environ.get("ELASTIC_CLIENT_APIVERSIONING") == "negotiate"
    sent = min(api.major, es_cluster.server_major) if negotiate else api.major
    assert content_type == f"application/vnd.elasticsearch+json;compatible-with={sent}"
    assert response.meta.headers.get("x-elastic-product") == "Elasticsearch"


@pytest.mark.majors(7)
async def test_apiversioning_matches_cell(es: Any, es_cluster: Any) -> None:
    """The compat cell turns compatibility mode on; the native and unsupported cells leave it off."""
    enabled = os.environ.get("ELASTIC_CLIENT_APIVERSIONING") in ("1", "true")
    assert enabled == (es_cluster.cell.kind == "compat")
    assert (es_cluster.cell.compat_header == "compatible-with=7") == enabled
