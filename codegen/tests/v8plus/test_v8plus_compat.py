"""``<package>.compat``: the official helpers older code imports (signatures and behaviour)."""

from __future__ import annotations

import asyncio
import importlib
import inspect
import threading
from types import ModuleType

import pytest


def compat(es_module: ModuleType) -> ModuleType:
    return importlib.import_module(f"{es_module.__name__}.compat")


def test_to_str_and_to_bytes(es_module: ModuleType) -> None:
    module = compat(es_module)
    assert list(inspect.signature(module.to_str).parameters) == ["x", "encoding"]
    assert module.to_str(b"abc") == "abc" and module.to_str("abc") == "abc"
    assert module.to_bytes("abc") == b"abc" and module.to_bytes(b"abc") == b"abc"
    with pytest.raises(UnicodeEncodeError):
        module.to_bytes("é")  # ASCII by default, as the official
    assert module.to_bytes("é", "utf-8") == "é".encode()


def test_safe_thread_joins_and_raises_in_the_caller(es_module: ModuleType) -> None:
    module = compat(es_module)
    seen: list[str] = []
    with module.safe_thread(seen.append, "ran") as thread:
        assert isinstance(thread, threading.Thread)
    assert seen == ["ran"] and not thread.is_alive()

    def fail() -> None:
        raise KeyError("boom")

    with pytest.raises(KeyError, match="boom"), module.safe_thread(fail):
        pass


def test_safe_task_awaits_and_raises_in_the_caller(es_module: ModuleType) -> None:
    module = compat(es_module)

    async def main() -> list[str]:
        seen: list[str] = []

        async def work(fail: bool) -> None:
            await asyncio.sleep(0.01)
            if fail:
                raise KeyError("boom")
            seen.append("ran")

        async with module.safe_task(work(False)) as task:
            assert isinstance(task, asyncio.Task)
        with pytest.raises(KeyError, match="boom"):
            async with module.safe_task(work(True)):
                pass
        return seen

    assert asyncio.run(main()) == ["ran"]
