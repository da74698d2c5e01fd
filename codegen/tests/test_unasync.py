"""codegen/unasync.py: the sync twins of the async sources, and their drift check."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from codegen import unasync


def twin(source: str) -> str:
    return unasync.unasync_text(textwrap.dedent(source))


def test_committed_twins_match_their_sources() -> None:
    assert unasync.check(unasync.committed_files()) == []


def test_check_reports_a_hand_edited_twin(tmp_path: Path) -> None:
    path = tmp_path / "twin.py"
    path.write_text("x = 1\n")
    assert unasync.check({path: "x = 1\n"}) == []
    problems = unasync.check({path: "x = 2\n", tmp_path / "gone.py": "y = 1\n"})
    assert [p.split(":")[0] for p in problems] == ["changed", "missing"]


def test_keywords_and_names() -> None:
    out = twin(
        """
        async def async_bulk(client: AsyncTransport) -> Awaitable[list[int]]:
            async with client.lock:
                async for item in client:
                    await asyncio.sleep(1)
            return [x async for x in client.__aiter__()]
        """
    )
    assert out == textwrap.dedent(
        """
        def bulk(client: Transport) -> list[int]:
            with client.lock:
                for item in client:
                    time.sleep(1)
            return [x for x in client.__iter__()]
        """
    )


def test_names_inside_words_stay() -> None:
    assert twin("asyncio_mode = AsyncioThing + is_async + Asynchronous\n") == (
        "asyncio_mode = AsyncioThing + is_async + Asynchronous\n"
    )


def test_extra_names_of_a_twin() -> None:
    assert unasync.unasync_text("x = aiohttp\n", {"aiohttp": "urllib3"}) == "x = urllib3\n"


def test_named_blocks() -> None:
    out = twin(
        """
        a = 1
        # unasync: async-only (why)
        b = 2

        # unasync: end
        # unasync: sync-only (why)
        # c = 3
        #
        # d = 4
        # unasync: end
        """
    )
    assert out == "\na = 1\nc = 3\n\nd = 4\n"


@pytest.mark.parametrize(
    "source",
    [
        "# unasync: end\n",
        "# unasync: async-only\n# unasync: sync-only\n",
        "# unasync: async-only\nx = 1\n",
        "# unasync: sync-only\nx = 1\n# unasync: end\n",  # sync-only lines must be comments
    ],
)
def test_unbalanced_or_malformed_blocks_are_errors(source: str) -> None:
    with pytest.raises(ValueError):
        unasync.unasync_text(source)


def test_imports_only_the_async_flavour_uses_are_dropped_and_the_rest_sorted() -> None:
    out = twin(
        """
        import asyncio
        import time
        from collections.abc import AsyncIterator, Awaitable, Iterator
        from .x import (
            AsyncThing,
            Thing,
            zeta,
        )
        from .y import kept  # noqa: F401 (a re-export)

        def f(t: AsyncThing) -> AsyncIterator[int]:
            time.sleep(0)
            return zeta(t)

        async def g() -> Awaitable[None]:
            await asyncio.sleep(0)
        """
    )
    assert "import asyncio" not in out
    assert "from collections.abc import Iterator\n" in out
    assert "from .x import (\n    Thing,\n    zeta,\n)\n" in out
    assert "from .y import kept  # noqa: F401 (a re-export)\n" in out


def test_every_common_twin_source_exists() -> None:
    for twin_ in unasync.COMMON + unasync.COMMITTED:
        assert (unasync.ROOT / twin_.source).is_file(), twin_.source
        assert "_async" in twin_.source
