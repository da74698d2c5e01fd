"""Which node a request goes to: alive/dead tracking, exponential backoff, selectors."""

from __future__ import annotations

import itertools
import logging
import math
import random
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from ._models import NodeConfig
from ._node._base import BaseNode

logger = logging.getLogger("elastic_transport.node_pool")
# A library never prints on its own: without this, Python's last-resort handler would write
# WARNING records ("Node ... has failed", "Retrying ...") to stderr in a program that never
# configured logging. A configured program's handlers still get every record.
logging.getLogger("elastic_transport").addHandler(logging.NullHandler())

# 2 ** 64 seconds is beyond any cap: the exponent stops there so a node that failed thousands
# of times in a row doesn't overflow the float conversion.
_MAX_BACKOFF_EXPONENT = 64


def check_seconds(name: str, value: Any, *, allow_none: bool = False, upper: float | None = None) -> None:
    """Raises ValueError unless ``value`` is a finite number of seconds, 0 or greater."""
    if value is None and allow_none:
        return
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or math.isnan(value)
        or value < 0
        or (upper is not None and value > upper)
    ):
        bound = f" and at most {upper:g}" if upper is not None else ""
        none = " (or None)" if allow_none else ""
        raise ValueError(f"{name!r} must be a number of seconds, 0 or greater{bound}{none}, got {value!r}")


class NodeSelector:
    """Chooses one node among the alive ones. Subclass and override ``select``."""

    def __init__(self, node_configs: list[NodeConfig]) -> None:
        self.node_configs = node_configs

    def select(self, nodes: Sequence[BaseNode]) -> BaseNode:  # pragma: no cover - abstract
        raise NotImplementedError()


class RandomSelector(NodeSelector):
    def select(self, nodes: Sequence[BaseNode]) -> BaseNode:
        return random.choice(nodes)


class RoundRobinSelector(NodeSelector):
    def __init__(self, node_configs: list[NodeConfig]) -> None:
        super().__init__(node_configs)
        self._counter = itertools.count()  # next() on a count is atomic under the GIL

    def select(self, nodes: Sequence[BaseNode]) -> BaseNode:
        return nodes[next(self._counter) % len(nodes)]


_SELECTOR_NAMES: dict[str, type[NodeSelector]] = {
    "random": RandomSelector,
    "round_robin": RoundRobinSelector,
}


def selector_class_for(value: str | type[NodeSelector]) -> type[NodeSelector]:
    if isinstance(value, str):
        try:
            return _SELECTOR_NAMES[value]
        except KeyError:
            options = ", ".join(repr(n) for n in sorted(_SELECTOR_NAMES))
            raise ValueError(
                f"Unknown option for selector_class: {value!r}. Available options are: {options}"
            ) from None
    if not (isinstance(value, type) and issubclass(value, NodeSelector)):
        raise TypeError(f"'node_selector_class' must be a NodeSelector subclass, got {value!r}")
    return value


class NodePool:
    """Holds every node; hands out alive ones and keeps failed ones out for a while.

    A node that fails is dead for ``dead_node_backoff_factor * 2 ** (failures - 1)``
    seconds, at most ``max_dead_node_backoff``; then it is tried again. When every node is
    dead, the one due back soonest is used rather than failing without a try.
    """

    def __init__(
        self,
        node_configs: list[NodeConfig],
        node_class: type[BaseNode],
        dead_node_backoff_factor: float = 1.0,
        max_dead_node_backoff: float = 30.0,
        node_selector_class: str | type[NodeSelector] = RoundRobinSelector,
        randomize_nodes: bool = True,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not node_configs:
            raise ValueError("Must specify at least one NodeConfig")
        # Numbers are checked (a negative or NaN backoff would break the dead-node clock); any
        # other value is kept as given, as the official pool keeps it.
        for name, value in (
            ("dead_node_backoff_factor", dead_node_backoff_factor),
            ("max_dead_node_backoff", max_dead_node_backoff),
        ):
            if isinstance(value, (int, float)):
                check_seconds(name, value)
        configs = list(node_configs)
        if len(set(configs)) != len(configs):
            raise ValueError("Cannot use duplicate NodeConfigs within a NodePool")
        if randomize_nodes:
            random.shuffle(configs)
        self._node_class = node_class
        self._seed_configs = configs
        self._seed_set = frozenset(configs)
        self._node_selector = selector_class_for(node_selector_class)(configs)
        self.dead_node_backoff_factor = dead_node_backoff_factor
        self.max_dead_node_backoff = max_dead_node_backoff
        self._clock = clock
        self._lock = threading.Lock()
        self._all_nodes: dict[NodeConfig, BaseNode] = {c: node_class(c) for c in configs}
        # The alive list is replaced, never mutated, so readers need no lock.
        self._alive_nodes: tuple[BaseNode, ...] = tuple(self._all_nodes.values())
        self._dead_until: dict[NodeConfig, float] = {}
        self._dead_consecutive_failures: dict[NodeConfig, int] = {}
        self._removed_nodes: set[NodeConfig] = set()  # added by sniffing or add(), then removed

    @property
    def node_class(self) -> type[BaseNode]:
        return self._node_class

    @property
    def node_selector(self) -> NodeSelector:
        return self._node_selector

    def get(self) -> BaseNode:
        """The node for the next request."""
        if self._dead_until:
            self.resurrect()
        alive = self._alive_nodes
        if len(alive) == 1:
            return alive[0]
        if alive:
            return self._node_selector.select(alive)
        node = self.resurrect(force=True)
        assert node is not None  # a pool always holds at least one node
        return node

    def mark_dead(self, node: BaseNode, _now: float | None = None) -> None:
        """Takes a failed node out of rotation; each consecutive failure doubles the wait."""
        now = self._clock() if _now is None else _now
        config = node.config
        with self._lock:
            if config not in self._all_nodes:
                return
            failures = self._dead_consecutive_failures.get(config, 0) + 1
            self._dead_consecutive_failures[config] = failures
            exponent = min(failures - 1, _MAX_BACKOFF_EXPONENT)
            timeout = min(self.dead_node_backoff_factor * 2**exponent, self.max_dead_node_backoff)
            self._dead_until[config] = now + timeout
            self._alive_nodes = tuple(n for n in self._alive_nodes if n.config != config)
        logger.warning(
            "Node %r has failed for %d times in a row, putting on %.1f second timeout",
            node,
            failures,
            timeout,
        )

    def mark_live(self, node: BaseNode) -> None:
        """Forgets a node's failures after a successful request."""
        if not self._dead_consecutive_failures and not self._dead_until:  # the common case: nothing to forget
            return
        config = node.config
        with self._lock:
            self._dead_consecutive_failures.pop(config, None)
            if self._dead_until.pop(config, None) is not None and config in self._all_nodes:
                self._alive_nodes = (*self._alive_nodes, self._all_nodes[config])

    def resurrect(self, force: bool = False) -> BaseNode | None:
        """Brings back the dead node due soonest if its time is up (or if ``force``)."""
        with self._lock:
            if not self._dead_until:
                return None
            config, until = min(self._dead_until.items(), key=lambda item: item[1])
            if not force and until > self._clock():
                return None
            del self._dead_until[config]
            node = self._all_nodes[config]
            self._alive_nodes = (*self._alive_nodes, node)
        logger.info("Resurrected node %r (force=%s)", node, force)
        return node

    def add(self, node_config: NodeConfig) -> None:
        """Adds a node (a no-op for one already in the pool); it is handed out first."""
        with self._lock:
            if node_config in self._all_nodes:
                return
            self._removed_nodes.discard(node_config)
            node = self._node_class(node_config)
            self._all_nodes[node_config] = node
            self._alive_nodes = (*self._alive_nodes, node)

    def remove(self, node_config: NodeConfig) -> BaseNode | None:
        """Removes a node and returns it so the caller can close it; never the last node.

        (The 7.x client's ``set_connections`` replaces seed nodes through this; the official
        pool keeps seed nodes, see ``_remove``.)
        """
        return self._remove(node_config, keep_seeds=False)

    def _remove(self, node_config: NodeConfig, keep_seeds: bool) -> BaseNode | None:
        """``remove()``; sniffing passes ``keep_seeds`` to drop only the nodes it added itself."""
        with self._lock:
            if node_config not in self._all_nodes or len(self._all_nodes) == 1:
                return None
            if keep_seeds and node_config in self._seed_set:
                return None
            node = self._all_nodes.pop(node_config)
            self._removed_nodes.add(node_config)
            self._dead_until.pop(node_config, None)
            self._dead_consecutive_failures.pop(node_config, None)
            self._alive_nodes = tuple(n for n in self._alive_nodes if n.config != node_config)
            return node

    def all(self) -> list[BaseNode]:
        return list(self._all_nodes.values())

    def alive_count(self) -> int:
        return len(self._alive_nodes)

    def __len__(self) -> int:
        return len(self._all_nodes)

    def __repr__(self) -> str:
        return "<NodePool>"

    # Read-only views in the shape of the official pool's internals, which some programs and
    # test suites inspect; nothing here reads them.

    @property
    def _dead_nodes(self) -> _DeadNodes:
        with self._lock:
            queue = sorted((until, self._all_nodes[c]) for c, until in self._dead_until.items())
        return _DeadNodes(queue)

    @property
    def _all_nodes_len_1(self) -> bool:
        return len(self._all_nodes) == 1


class _DeadNodes(NamedTuple):
    queue: list[tuple[float, BaseNode]]  # (dead until, node), soonest first
