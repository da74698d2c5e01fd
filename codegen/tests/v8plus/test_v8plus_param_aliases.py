"""Wire spellings accepted for keywords, as by the official client: ``_source_includes=``
for ``source_includes=`` (and ``_source``, ``_source_excludes``), ``from`` for ``from_``.

Found by the integration suite (tests/integration): code written for the official 8.x/9.x
client passes ``_source_includes`` to ``get()`` and ``search()``.
"""

from __future__ import annotations

from typing import Any

import pytest

from .v8plus_servers import RecordingServer, resolve


async def test_source_filters_by_their_wire_names(es: Any, server: RecordingServer) -> None:
    await resolve(es.get(index="i", id="1", _source_includes="a", _source_excludes=["b", "c"], _source=True))
    assert server.last.path == "/i/_doc/1"
    assert server.last.query == {"_source_includes": "a", "_source_excludes": "b,c", "_source": "true"}


async def test_from_is_accepted_for_from_(es: Any, server: RecordingServer) -> None:
    await resolve(es.search(index="i", **{"from": 5}, size=2))
    assert server.last.json() == {"from": 5, "size": 2}


async def test_both_spellings_at_once_are_refused(es: Any) -> None:
    with pytest.raises(TypeError, match="'_source_includes' and 'source_includes'"):
        await resolve(es.get(index="i", id="1", _source_includes="a", source_includes="b"))


@pytest.mark.parametrize(
    ("sort", "query", "body"),
    [
        ("n:desc", {"sort": "n:desc"}, {"size": 1}),
        (["n:desc", "m"], {"sort": "n:desc,m"}, {"size": 1}),
        (["n", "m"], {}, {"size": 1, "sort": ["n", "m"]}),
        ([{"n": "desc"}], {}, {"size": 1, "sort": [{"n": "desc"}]}),
    ],
)
async def test_sort_in_url_form_goes_to_the_query_string(
    es: Any, server: RecordingServer, sort: Any, query: dict[str, str], body: dict[str, Any]
) -> None:
    await resolve(es.search(index="i", sort=sort, size=1))
    assert server.last.query == query
    assert server.last.json() == body
