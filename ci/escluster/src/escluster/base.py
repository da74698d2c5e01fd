"""The provider interface and the safety net that stops clusters no matter what.

Every started provider registers itself here; atexit and SIGTERM/SIGINT handlers
stop whatever is still registered, so an aborted test run leaves no JVM behind.
"""

from __future__ import annotations

import atexit
import signal
import threading
from abc import ABC, abstractmethod
from types import FrameType, TracebackType
from typing import Any, TypeVar

from .features import NodeFeatures, node_features

_P = TypeVar("_P", bound="Provider")


class ClusterStartError(RuntimeError):
    """A cluster did not come up; the message carries the tail of its logs."""


class Provider(ABC):
    """Starts and stops one Elasticsearch cluster.

    Use as a context manager (or call stop()) so the cluster always goes away.
    """

    name: str = "abstract"

    def __init__(self) -> None:
        self.urls: list[str] = []
        self.version: str | None = None

    @abstractmethod
    def start(self, version: str, nodes: int = 1) -> list[str]:
        """Start a cluster of ``nodes`` nodes and return their HTTP URLs once healthy."""

    @abstractmethod
    def stop(self, keep_logs: bool = False) -> None:
        """Stop the cluster; ``keep_logs`` keeps its files (for failed tests)."""

    def kill(self, node_name: str) -> None:
        """SIGKILL one node of the cluster, for fault tests; returns once it is dead."""
        raise NotImplementedError(f"the {self.name} provider cannot kill a node")

    def features(self) -> NodeFeatures:
        """Modules, plugins and x-pack features of the first node."""
        if not self.urls:
            raise RuntimeError("cluster is not started")
        return node_features(self.urls[0])

    def modules(self) -> list[str]:
        """Names of the modules the first node loaded."""
        return list(self.features().modules)

    def __enter__(self: _P) -> _P:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop(keep_logs=exc_type is not None)


_live: list[Provider] = []
_lock = threading.Lock()
_installed = False
_previous: dict[int, Any] = {}


def register(provider: Provider) -> None:
    """Track ``provider`` so it is stopped at exit or on SIGTERM/SIGINT."""
    global _installed
    with _lock:
        if provider not in _live:
            _live.append(provider)
        if not _installed:
            atexit.register(stop_all)
            _install_signal_handlers()
            _installed = True


def unregister(provider: Provider) -> None:
    """Forget ``provider`` (it was stopped, or deliberately detached by the CLI)."""
    with _lock:
        if provider in _live:
            _live.remove(provider)


def stop_all() -> None:
    """Stop every registered provider; errors are printed, never raised, so all get a try."""
    with _lock:
        providers = list(reversed(_live))
    for provider in providers:
        try:
            provider.stop()
        except Exception as exc:  # best effort during shutdown
            print(f"escluster: failed to stop {provider.name} cluster: {exc}")
        unregister(provider)


def _handle_signal(signum: int, frame: FrameType | None) -> None:
    """Stop clusters, then let the previous handler (or the default action) run."""
    stop_all()
    previous = _previous.get(signum, signal.SIG_DFL)
    if callable(previous):
        previous(signum, frame)
        return
    signal.signal(signum, signal.SIG_DFL)
    signal.raise_signal(signum)


def _install_signal_handlers() -> None:
    """Chain our handler in front of the existing ones (only possible in the main thread)."""
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in (signal.SIGTERM, signal.SIGINT):
        previous = signal.getsignal(signum)
        if previous == signal.SIG_IGN:  # e.g. nohup or a background job: keep ignoring it
            continue
        _previous[signum] = previous
        signal.signal(signum, _handle_signal)
